"""${VAR} is resolved inside string values after parsing; secrets are tracked by field path.

Each case of issue 11 ("Why", interpolation and masking) as it was found, and a secret-leak sweep
over every file layout and every command that shows a document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.document.loading import parse_documents
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import InvalidInput
from msgprof_cli.sandbox.server import Sandbox


def one(text: str, env: dict[str, str], name: str = "p.yaml") -> dict:
    [doc] = parse_documents(text.encode(), name, env)
    return doc.data


def test_a_value_cannot_add_a_key_in_a_flow_mapping() -> None:
    data = one("{name: ${N}, whitelisted_destinations: [US], enabled: true}\n", {"N": "Ops, enabled: false"})
    assert data == {"name": "Ops, enabled: false", "whitelisted_destinations": ["US"], "enabled": True}


def test_a_hash_in_a_value_is_just_a_character() -> None:
    assert one("name: ${N}\n", {"N": "abc #frag"}) == {"name": "abc #frag"}
    assert one("name: x ${N} y\n", {"N": "# not a comment"}) == {"name": "x # not a comment y"}


def test_nested_defaults() -> None:
    text = "name: ${A:-${B:-fallback}}\n"
    assert one(text, {}) == {"name": "fallback"}
    assert one(text, {"B": "from B"}) == {"name": "from B"}
    assert one(text, {"A": "from A", "B": "from B"}) == {"name": "from A"}
    with pytest.raises(InvalidInput) as exc:
        parse_documents(b"name: ${A:-${B}}\n", "p.yaml", {})
    assert exc.value.issues[0].message == "environment variable B is not set and has no default"


@pytest.mark.parametrize(
    ("value", "env", "expected"),
    [
        ("${A:-$${B}}", {}, "${B}"),  # `$${` is a literal `${` inside a default too
        ("https://x.example.com/${A:-$${B}}", {"B": "set"}, "https://x.example.com/${B}"),
        ("${A:-x$${B}y${C:-$${D}z}}w", {}, "x${B}y${D}zw"),
        ("${A:-$${B}}", {"A": "a"}, "a"),
        ("a$${B}", {}, "a${B}"),
        ("${A1:-${A2:-${A3:-${A4:-${A5:-${A6:-${A7:-${A8:-eight}}}}}}}}", {}, "eight"),  # the deepest allowed
    ],
)
def test_defaults(value: str, env: dict[str, str], expected: str) -> None:
    assert one(f'name: "{value}"\n', env) == {"name": expected}


@pytest.mark.parametrize("depth", [9, 500, 20_000])
def test_defaults_nested_too_deep_are_an_error_naming_the_field(cli, tmp_path: Path, depth: int) -> None:
    f = tmp_path / "dv.yaml"
    f.write_text(
        'name: x\nwebhook_url: "' + "${A:-" * depth + "x" + "}" * depth + '"\nwhitelisted_destinations: [US]\n'
    )
    res = cli("validate", str(f))
    assert res.exit_code == 3, res.output
    assert f"error: {f}:2: webhook_url: '${{A:-${{A:-" in res.stderr
    assert f"defaults nest {depth} levels deep; at most 8 may" in res.stderr
    assert "Traceback" not in res.stderr


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["${A:-", "${B}", "}", "$${", "$", "{", "x", ":-"]), max_size=60))
def test_any_mix_of_references_is_read_or_refused_never_a_crash(tokens: list[str]) -> None:
    value = "".join(tokens)
    # read, or refused with located issues; any other exception (RecursionError, IndexError) fails
    outcome: type | None
    try:
        outcome = type(one(f"name: '{value}'\n", {"B": "b"})["name"])
    except InvalidInput as exc:
        outcome = InvalidInput if exc.issues and all(i.message and i.line for i in exc.issues) else None
    assert outcome in (str, InvalidInput)


def test_a_wholly_variable_value_takes_the_type_of_its_rule() -> None:
    text = (
        "name: ${NAME}\nwhitelisted_destinations: ${DESTS:-US,CA}\nenabled: ${ENABLED:-true}\n"
        "daily_spend_limit: ${LIMIT:-100.50}\nalpha_sender: ${ALPHA:-}\n"
        "number_pool_settings:\n  long_code_weight: ${W:-2}\n  toll_free_weight: ${W2:-0.5}\n"
        "  skip_unhealthy: ${SKIP:-false}\n"
    )
    data = one(text, {"NAME": "123"})
    assert data == {
        "name": "123",  # a string field keeps the text, even when it looks like a number
        "whitelisted_destinations": ["US", "CA"],
        "enabled": True,
        "daily_spend_limit": "100.50",
        "alpha_sender": None,  # an empty value for a field that may be null is null
        "number_pool_settings": {"long_code_weight": 2, "toll_free_weight": 0.5, "skip_unhealthy": False},
    }
    assert one(text, {"NAME": "x", "ENABLED": "FALSE"})["enabled"] is False
    # a reference inside a longer value always gives text, which validation then judges
    assert one("enabled: x${E:-true}\n", {}) == {"enabled": "xtrue"}


@pytest.mark.parametrize(
    ("line", "env", "message"),
    [
        ("enabled: ${ENABLED}", {"ENABLED": "maybe"}, "enabled: ${ENABLED} gave 'maybe': expected true or false"),
        (
            "number_pool_settings:\n  long_code_weight: ${W}",
            {"W": "heavy"},
            "number_pool_settings.long_code_weight: ${W} gave 'heavy': expected a number",
        ),
        (
            "number_pool_settings:\n  long_code_weight: ${W}",
            {"W": "1e400"},
            "number_pool_settings.long_code_weight: ${W} gave '1e400': expected a finite number",
        ),
        (
            "number_pool_settings: ${POOL}",
            {"POOL": "{long_code_weight: 1}"},
            "number_pool_settings: ${POOL} gave '{long_code_weight: 1}': an object cannot come from one variable",
        ),
        (
            "enabled: ${AUTH_FLAG}",
            {"AUTH_FLAG": "hunter2"},
            "enabled: ${AUTH_FLAG} gave the value of secret $AUTH_FLAG",
        ),
    ],
)
def test_a_value_that_cannot_take_its_type_is_a_clear_error(cli, tmp_path: Path, monkeypatch, line, env, message):
    f = tmp_path / "p.yaml"
    f.write_text(f"name: x\nwhitelisted_destinations: [US]\n{line}\n")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    res = cli("validate", str(f))
    assert res.exit_code == 3
    assert f"msgprof: error: {f}:" in res.stderr and message in res.stderr
    assert "hunter2" not in res.stdout + res.stderr


def test_references_in_comments_and_field_names_are_left_alone(cli, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("# uses ${NOT_SET} in prose\nname: x\nwhitelisted_destinations: [US]\n${KEY_NAME}: 1\n")
    res = cli("validate", str(f))
    assert res.exit_code == 3
    assert f"msgprof: error: {f}:4: ${{KEY_NAME}}: unknown field" in res.stderr


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_any_value_is_taken_verbatim_and_never_changes_the_keys(value: str) -> None:
    for text, name in (
        ("{name: ${V}, whitelisted_destinations: [US]}\n", "p.yaml"),
        ("name: ${V}\nwhitelisted_destinations: [US]\n", "p.yaml"),
        ("name: >-\n  ${V}\nwhitelisted_destinations: [US]\n", "p.yaml"),
        ('{"name": "${V}", "whitelisted_destinations": ["US"]}', "p.json"),
        ('[{"name": "${V}", "whitelisted_destinations": ["US"]}]', "p.json"),
    ):
        assert one(text, {"V": value}, name) == {"name": value, "whitelisted_destinations": ["US"]}


# ------------------------------------------------------------------ secrets, by field path

TOKEN = "tok-Zq81-SECRET-4471"
URL = f"https://hooks.example.com/{TOKEN}"
LAYOUTS = {
    "yaml-block": ("p.yaml", "name: Leak\nwhitelisted_destinations: [US]\nwebhook_url: ${HOOK_TOKEN}\n"),
    "yaml-flow": ("p.yaml", "{name: Leak, whitelisted_destinations: [US], webhook_url: '${HOOK_TOKEN}'}\n"),
    "yaml-folded": ("p.yaml", "name: Leak\nwhitelisted_destinations: [US]\nwebhook_url: >-\n  ${HOOK_TOKEN}\n"),
    "json-object": ("p.json", '{"name": "Leak", "whitelisted_destinations": ["US"], "webhook_url": "${HOOK_TOKEN}"}'),
    "json-list": ("p.json", '[{"name": "Leak", "whitelisted_destinations": ["US"], "webhook_url": "${HOOK_TOKEN}"}]'),
    "json-escape": (
        "p.json",
        '{"name": "Leak \\ud83d\\ude00",\n"whitelisted_destinations": ["US"],\n"webhook_url": "${HOOK_TOKEN}"}',
    ),
    "cr-only": ("p.yaml", "name: Leak\rwhitelisted_destinations: [US]\rwebhook_url: ${HOOK_TOKEN}\r"),
    "u2028": ("p.yaml", "name: 'Leak\u2028'\nwhitelisted_destinations: [US]\nwebhook_url: ${HOOK_TOKEN}\n"),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_secret_value_never_appears_in_any_output(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    name, text = LAYOUTS[layout]
    f = tmp_path / name
    f.write_text(text, newline="")
    bad = tmp_path / f"bad-{name}"  # the same file with an error at the secret field
    bad.write_text(text.replace("webhook_url", "alpha_sender"), newline="")
    monkeypatch.setenv("HOOK_TOKEN", URL)
    runs = [
        (("validate", str(f)), 0),
        (("validate", str(bad), "--json"), 3),
        (("plan", "-f", str(f)), 0),
        (("plan", "-f", str(f), "--json"), 0),
        (("plan", "-f", str(bad)), 3),
        (("create", "-f", str(f), "--dry-run"), 0),
        (("create", "-f", str(f), "--dry-run", "--json"), 0),
        (("create", "-f", str(bad), "--dry-run", "--json"), 3),
        (("apply", "-f", str(f), "--json"), 0),
        (("apply", "-f", str(f)), 0),
    ]
    shown = 0
    for args, code in runs:
        res = cli(*args)
        assert res.exit_code == code, (args, res.output)
        assert TOKEN not in res.stdout + res.stderr, args
        shown += "<secret from $HOOK_TOKEN>" in res.stdout or "secret $HOOK_TOKEN" in res.stdout + res.stderr
    assert shown >= 6  # the field was there, masked
    [p] = sandbox.profiles()
    assert p["webhook_url"] == URL  # and the real value reached the API, once
    monkeypatch.setenv("HOOK_TOKEN", URL + "/rotated")
    res = cli("plan", "-f", str(f), "--json")
    [change] = json.loads(res.stdout)["items"][0]["changes"]
    assert change == {"field": "webhook_url", "old": "<secret from $HOOK_TOKEN>", "new": "<secret from $HOOK_TOKEN>"}
    assert TOKEN not in res.stdout + res.stderr


def test_update_dry_run_and_report_mask_a_secret(cli, sandbox: Sandbox, tmp_path: Path, monkeypatch) -> None:
    sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})
    f = tmp_path / "u.yaml"
    f.write_text("webhook_url: ${HOOK_TOKEN}\n")
    monkeypatch.setenv("HOOK_TOKEN", URL)
    res = cli("update", "P", "-f", str(f), "--dry-run", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["body"] == {"webhook_url": "<secret from $HOOK_TOKEN>"}
    assert TOKEN not in res.stdout + res.stderr


def test_a_create_s_secret_field_has_a_null_old_value_in_the_report(cli, sandbox: Sandbox, tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("name: C\nwhitelisted_destinations: [US]\nwebhook_url: ${HOOK_TOKEN}\n")
    monkeypatch.setenv("HOOK_TOKEN", URL)
    res = cli("plan", "-f", str(f), "--json")
    assert res.exit_code == 0, res.stderr
    changes = {c["field"]: c for c in json.loads(res.stdout)["items"][0]["changes"]}
    assert changes["webhook_url"] == {"field": "webhook_url", "old": None, "new": "<secret from $HOOK_TOKEN>"}
    assert TOKEN not in res.stdout + res.stderr


def test_interpolated_documents_validate_as_written(tmp_path: Path) -> None:
    [doc] = parse_documents(b"name: ${N}\nwhitelisted_destinations: [${C:-US}]\n", "p.yaml", {"N": "Ops"})
    result = validate(doc)
    assert (result.errors, result.payload) == ([], {"name": "Ops", "whitelisted_destinations": ["US"]})


def test_no_error_of_any_section_quotes_a_secret_value(cli, tmp_path: Path, monkeypatch) -> None:
    # the setup sections have rules of their own; every issue is scrubbed where it is located
    f = tmp_path / "p.yaml"
    f.write_text(
        "name: x\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: ['${SENDER_SECRET}']\n"
        "phone_numbers: ['${PHONE_TOKEN}']\n"
    )
    monkeypatch.setenv("SENDER_SECRET", "Q'uite-S3cret-Sender!!")
    monkeypatch.setenv("PHONE_TOKEN", "tok-9981-PHONE")
    res = cli("validate", str(f))
    assert res.exit_code == 3
    assert "<secret from $SENDER_SECRET>" in res.stderr and "<secret from $PHONE_TOKEN>" in res.stderr
    assert "S3cret" not in res.stderr and "9981" not in res.stderr


# ------------------------------------------------------------------ secrets in names and setup

SECRETS = {"NAME_KEY": "NmSEKRIT", "TXT_AUTH": "SEKRIT reply", "KW_TOKEN": "SEKRITKW"}
NAMED_LAYOUTS = {
    "name": 'name: "${NAME_KEY}"\nwhitelisted_destinations: [US]\n',
    "name-inside-text": 'name: "team ${NAME_KEY} ops"\nwhitelisted_destinations: [US]\n',
    "sender-id": "name: P\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: ['${NAME_KEY}']\n",
    "autoresp": (
        "name: P\nwhitelisted_destinations: [US]\nautoresp_configs:\n"
        '  - {op: stop, keywords: ["${KW_TOKEN}"], country_code: US, resp_text: "${TXT_AUTH}"}\n'
    ),
    "all": (
        'name: "${NAME_KEY}"\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: ["${NAME_KEY}"]\n'
        'autoresp_configs: [{op: stop, keywords: ["${KW_TOKEN}"], country_code: US, resp_text: "${TXT_AUTH}"}]\n'
    ),
}


@pytest.mark.parametrize("apply_format", [(), ("--json",)], ids=["apply-text", "apply-json"])
@pytest.mark.parametrize("layout", list(NAMED_LAYOUTS))
def test_a_secret_in_a_name_or_a_setup_section_never_appears(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, apply_format: tuple[str, ...]
) -> None:
    f = tmp_path / "s2.yaml"
    f.write_text(NAMED_LAYOUTS[layout])
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    runs = [
        ("plan", "-f", str(f)),
        ("plan", "-f", str(f), "--json"),
        ("plan", "-f", str(f), "--format", "markdown"),
        ("apply", "-f", str(f), *apply_format),  # the report of the apply that does the work
        ("plan", "-f", str(f), "--json"),  # after apply: unchanged, with the live profile's id
    ]
    masked = []
    for args in runs:
        res = cli(*args)
        assert res.exit_code == 0, (args, res.output)
        assert "SEKRIT" not in res.stdout + res.stderr, (args, res.stdout + res.stderr)
        masked.append("secret from $" in res.stdout)
    assert masked[:4] == [True] * 4  # the values were shown, masked
    # the real values reached the API
    [p] = sandbox.profiles()
    state = sandbox.state
    sent = json.dumps([p, state.related["alphanumeric_sender_ids"], state.autoresp])
    for var in ("NAME_KEY", "TXT_AUTH", "KW_TOKEN"):
        assert (SECRETS[var] in sent) == (f"${{{var}}}" in NAMED_LAYOUTS[layout]), var


def test_a_secret_name_is_masked_in_errors_and_the_apply_report(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    f = tmp_path / "s2.yaml"
    f.write_text(NAMED_LAYOUTS["all"])
    twins = [sandbox.create({"name": "NmSEKRIT", "whitelisted_destinations": ["CA", c]}) for c in ("GB", "FR")]
    for args in (("plan", "-f", str(f)), ("apply", "-f", str(f), "--json"), ("apply", "-f", str(f))):
        res = cli(*args)
        assert res.exit_code == 5, (args, res.output)
        assert "SEKRIT" not in res.stdout + res.stderr, (args, res.stdout + res.stderr)
        assert "2 live profiles are named '<secret from $NAME_KEY>'" in res.stdout + res.stderr, args
    report = json.loads(cli("apply", "-f", str(f), "--json").stdout)
    [item] = report["items"]
    assert (item["name"], item["status"], item["error"]["exit_code"]) == ("<secret from $NAME_KEY>", "failed", 5)
    assert len(twins) == len(sandbox.profiles())  # nothing was created


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(st.sampled_from("abcXYZ019 -_'\"<>&é"), min_size=8, max_size=30).filter(lambda v: v.strip() == v))
def test_any_secret_name_is_masked_in_every_plan_format(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    f = tmp_path / "n.yaml"
    f.write_text('name: "${NAME_KEY}"\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: ["${SENDER_KEY}"]\n')
    monkeypatch.setenv("NAME_KEY", value)
    monkeypatch.setenv("SENDER_KEY", "Snd" + "".join(c for c in value if c.isascii() and c.isalnum())[:6])
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for fmt in ((), ("--json",), ("--format", "markdown")):
        res = cli("plan", "-f", str(f), *fmt)
        shown = res.stdout + res.stderr
        assert "<secret from $NAME_KEY>" in shown or "&lt;secret from $NAME_KEY&gt;" in shown, (fmt, shown)
        for form in (value, json.dumps(value)[1:-1], escaped):
            assert form not in shown, (fmt, form, shown)


@pytest.mark.parametrize("word", ["name", "field", "source", "create", "planned", "action"])
def test_a_secret_that_is_a_word_of_the_report_keeps_the_report_s_shape(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch, word: str
) -> None:
    import jsonschema

    from msgprof_cli.declarative import report

    monkeypatch.setenv("SECRET_WORD", word)
    f = tmp_path / "p.yaml"
    f.write_text("name: Team ${SECRET_WORD} prof\nwhitelisted_destinations: [US]\n")
    res = cli("plan", "-f", str(f), "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    jsonschema.validate(out, report.json_schema())
    item = out["items"][0]
    assert (item["action"], item["status"]) == ("create", "planned")
    assert item["name"] == "Team <secret from $SECRET_WORD> prof"
    assert {c["field"] for c in item["changes"]} == {"name", "whitelisted_destinations"}
