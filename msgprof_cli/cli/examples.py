"""The ``Examples:`` block that ends every command's ``--help`` (gh style): the one place they live.

Each command path (``""`` is ``msgprof`` itself) has 2-4 real command lines, using the files in
sample-configs/ so that they run.  ``tests/test_help_examples.py`` runs each of them against a
sandbox holding the two sample profiles (Support, Marketing EU) and the demo numbers, except the
lines in ``VALIDATE_ONLY``, which need a real account or run until stopped: those are parsed (a
usage error fails the test).  docs/reference.md shows them (``make reference``).  This module
imports nothing: help stays as fast as before.
"""

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "msgprof validate sample-configs/valid/",
        "msgprof create --name Alerts --whitelist US,CA",
        "msgprof list --all --json",
        "msgprof sandbox --port 8765 --demo-data",
    ),
    "create": (
        "msgprof create -f sample-configs/valid/minimal.yaml --dry-run",
        "msgprof create --name Alerts --whitelist US,CA --json",
    ),
    "update": (
        "msgprof update Support --add-whitelist GB --dry-run",
        "msgprof update Support --webhook-url https://example.com/hook",
        "msgprof update 'Marketing EU' --disabled --json",
    ),
    "get": ("msgprof get Support", "msgprof get 'Marketing EU' -o yaml --all-fields"),
    "list": ("msgprof list", "msgprof list --name-contains Market --json", "msgprof list --all -o yaml"),
    "delete": ("msgprof delete Support --yes", "msgprof delete 'Marketing EU' --yes --json"),
    "phone-numbers": ("msgprof phone-numbers Support", "msgprof phone-numbers --unassigned --json"),
    "short-codes": ("msgprof short-codes Support", "msgprof short-codes Support --json"),
    "metrics": ("msgprof metrics", "msgprof metrics Support --time-frame 7d --json"),
    "regenerate-secret": ("msgprof regenerate-secret Support", "msgprof regenerate-secret Support --json"),
    "plan": (
        "msgprof plan -f sample-configs/valid/minimal.yaml",
        "msgprof plan -f sample-configs/valid/full.yaml -o markdown",
        "msgprof plan -f sample-configs/valid/minimal.yaml --detailed-exitcode",
    ),
    "apply": (
        "msgprof apply -f sample-configs/valid/minimal.yaml --dry-run",
        "msgprof apply -f sample-configs/valid/minimal.yaml",
        "msgprof apply -f sample-configs/valid/full.yaml --parallel 8 --json",
    ),
    "export": ("msgprof export Support", "msgprof export --all --with-setup --to profiles/"),
    "validate": (
        "msgprof validate sample-configs/valid/",
        "msgprof validate sample-configs/valid/minimal.yaml --for update --json",
        "msgprof validate sample-configs/valid/full.json --json",
    ),
    "schema": ("msgprof schema > messaging-profile.schema.json", "msgprof schema --report"),
    "sandbox": (
        "msgprof sandbox --port 8765 --demo-data",
        "msgprof sandbox --port 0 --latency 50 --state sandbox-state.json",
    ),
    "config": ("msgprof config show", "msgprof --account staging config show --json"),
    "config show": ("msgprof config show", "msgprof config show --json"),
    "doctor": (
        "msgprof doctor --from +12025550100 --to +447700900123",
        "msgprof doctor -f sample-configs/valid/full.yaml",
        "msgprof doctor --message 40385f64-5717-4562-b3fc-2c963f66afa6",
        "msgprof doctor --all --profile Support --json",
    ),
    "numbers": ("msgprof numbers list Support", "msgprof numbers assign Support +12025550100 +12025550101"),
    "numbers assign": (
        "msgprof numbers assign Support +12025550100 +12025550101",
        "msgprof numbers assign Support -f sample-configs/numbers.txt --dry-run",
        "msgprof numbers assign 'Marketing EU' +12025550100 --move --json",
    ),
    "numbers campaign": (
        "msgprof numbers campaign +13125550100 CX4ABCD --dry-run",
        "msgprof numbers campaign +13125550100 CX4ABCD --wait 600",
        "msgprof numbers campaign +13125550100 --remove --dry-run",
    ),
    "numbers list": ("msgprof numbers list Support", "msgprof numbers list --unassigned --json"),
    "numbers unassign": (
        "msgprof numbers unassign +12025550100 --yes",
        "msgprof numbers unassign -f sample-configs/numbers.txt --yes --json",
    ),
    "sender-ids": ("msgprof sender-ids list 'Marketing EU'", "msgprof sender-ids add 'Marketing EU' Acme"),
    "sender-ids add": (
        "msgprof sender-ids add 'Marketing EU' Acme",
        "msgprof sender-ids add Support AcmeUS --us-long-code-fallback +12025550100",
    ),
    "sender-ids list": ("msgprof sender-ids list 'Marketing EU'", "msgprof sender-ids list Support --json"),
    "sender-ids remove": (
        "msgprof sender-ids remove 'Marketing EU' Acme --yes --dry-run",
        "msgprof sender-ids remove 'Marketing EU' Acme --yes",
    ),
    "autoresp": (
        "msgprof autoresp list Support",
        "msgprof autoresp create Support --op stop -k STOP -k QUIT --country US",
    ),
    "autoresp create": (
        "msgprof autoresp create Support --op stop -k STOP -k QUIT --country US",
        "msgprof autoresp create Support --op info -k HELP --country US --text Hi",
    ),
    "autoresp list": ("msgprof autoresp list Support", "msgprof autoresp list Support --json"),
    "autoresp update": (
        "msgprof autoresp update Support CONFIG_ID --text Bye --dry-run",
        "msgprof autoresp update Support CONFIG_ID -k STOP -k END",
    ),
    "autoresp delete": (
        "msgprof autoresp delete Support CONFIG_ID --yes --dry-run",
        "msgprof autoresp delete Support CONFIG_ID --yes",
    ),
}

# Lines that need a real account (a message id, a config id the run does not know before), or
# that run until stopped (the sandbox): the test parses them instead of running them.
VALIDATE_ONLY = frozenset(
    {
        "msgprof sandbox --port 8765 --demo-data",
        "msgprof sandbox --port 0 --latency 50 --state sandbox-state.json",
        "msgprof doctor --message 40385f64-5717-4562-b3fc-2c963f66afa6",
        "msgprof --account staging config show --json",
        "msgprof autoresp update Support CONFIG_ID --text Bye --dry-run",
        "msgprof autoresp update Support CONFIG_ID -k STOP -k END",
        "msgprof autoresp delete Support CONFIG_ID --yes --dry-run",
        "msgprof autoresp delete Support CONFIG_ID --yes",
        "msgprof numbers campaign +13125550100 CX4ABCD --wait 600",
    }
)


def block(path: str) -> str:
    """The ``Examples:`` block of a command path ("" for msgprof itself), or "" when it has none."""
    lines = EXAMPLES.get(path, ())
    return "Examples:\n" + "".join(f"  {line}\n" for line in lines) if lines else ""
