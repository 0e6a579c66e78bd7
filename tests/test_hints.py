"""The hints a new user needed (issue 24, item 5), each as the transcript a person reads: the
command, its exit code and its stderr, exactly.  Against the sandbox, never a faked network."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY, make_sandbox
from screens import screen

from msgprof_cli.cli import app
from msgprof_cli.sandbox.server import Sandbox

INVENTORY = [f"+1202555{i:04d}" for i in range(12)]


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch):
    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=0)
    yield box
    box.stop()


def test_get_by_a_name_in_the_wrong_case_suggests_the_name(sandbox: Sandbox) -> None:
    sandbox.create({"name": "Billing", "whitelisted_destinations": ["US"]})
    sandbox.create({"name": "Support", "whitelisted_destinations": ["US"]})
    s = screen("get", "billing", tty=False)
    assert (s.code, s.out) == (5, "")
    assert s.err == (
        "msgprof: error: no messaging profile named 'billing'\n"
        "  hint: did you mean 'Billing'? names match exactly, case included\n"
    )


def test_did_you_mean_is_never_computed_from_a_secret(sandbox: Sandbox) -> None:
    sandbox.create({"name": TEST_KEY, "whitelisted_destinations": ["US"]})  # a name that is the key itself
    s = screen("get", TEST_KEY.lower(), tty=False)
    assert s.code == 5
    assert "did you mean" not in s.err and "hint: `msgprof list --name-contains` finds near names" in s.err


def test_a_base_url_without_v2_says_so(sandbox: Sandbox) -> None:
    bare = sandbox.url.removesuffix("/v2")
    s = screen("list", "--base-url", bare, tty=False)
    assert (s.code, s.out) == (5, "")
    assert s.err == (
        "msgprof: error: not found (HTTP 404): 1 error\n"
        "  [10005] Resource not found: No route for /messaging_profiles\n"
        f"  hint: --base-url {bare} has no /v2: the Telnyx API (and the sandbox) answer under it; try {bare}/v2\n"
    )


def test_https_to_the_plain_http_sandbox_says_to_use_http(sandbox: Sandbox) -> None:
    tls = sandbox.url.replace("http://", "https://")
    s = screen("list", "--base-url", tls, "--max-retries", "0", tty=False)
    assert (s.code, s.out) == (6, "")
    host = tls.split("/")[2]
    assert s.err == (
        f"msgprof: error: GET {tls}/messaging_profiles: TLS handshake failed\n"
        f"  hint: the server at {host} speaks plain http (as the sandbox does): try {sandbox.url}\n"
    )


def test_a_base_url_from_the_environment_is_named_with_its_source(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = sandbox.url.removesuffix("/v2")
    monkeypatch.setenv("TELNYX_BASE_URL", bare)
    s = screen("list", tty=False)
    assert s.code == 5
    assert s.err.endswith(
        f"  hint: {bare} (from env TELNYX_BASE_URL) has no /v2: the Telnyx API (and the sandbox) answer under it; try {bare}/v2\n"
    )


def test_no_key_mentions_the_sandbox() -> None:
    s = screen("list", tty=False)
    assert (s.code, s.out) == (4, "")
    assert s.err.startswith("msgprof: error: no API key: msgprof needs one to call the API\n  hint: set TELNYX_API_KEY")
    assert s.err.endswith("No Telnyx account yet? Try msgprof on a local API: `msgprof sandbox` (docs/sandbox.md)\n")


def test_an_account_without_a_config_file_says_the_file_is_missing(isolation: Path) -> None:
    path = isolation / "home" / ".config" / "msgprof" / "config.yaml"
    s = screen("list", "--account", "work", tty=False)
    assert (s.code, s.out) == (2, "")
    assert s.err == (
        f"msgprof: error: no account named 'work': there is no config file at {path} (from --account)\n"
        f"  hint: create {path} with an `accounts:` section (docs/settings.md shows one), or leave out the account\n"
    )


def test_a_mistyped_option_is_suggested_once() -> None:
    s = screen("create", "--whitelsit", "US", tty=False)
    assert (s.code, s.out) == (2, "")
    assert s.err == (
        "msgprof: error: No such option: --whitelsit\n"
        "  hint: did you mean --whitelist? `msgprof create --help` shows the options\n"
    )
    assert s.err.count("--whitelist") == 1


@pytest.mark.parametrize("count", [1, 7])  # one PATCH, and a bulk order
def test_assign_move_reports_where_each_number_came_from(sb: Sandbox, count: int) -> None:
    old = sb.create({"name": "Old", "whitelisted_destinations": ["US"]})
    sb.create({"name": "New", "whitelisted_destinations": ["US"]})
    numbers = INVENTORY[:count]
    assert screen("numbers", "assign", "Old", *numbers, tty=False).code == 0
    s = screen("numbers", "assign", "New", *numbers, "--move", tty=False)
    assert s.code == 0, s.err
    rows = [line.split(None, 2) for line in s.out.splitlines()[1:]]
    assert rows == [[n, "assigned", f"moved from profile {old['id']}"] for n in numbers]


def test_numbers_list_unassigned_lists_the_accounts_free_numbers(sb: Sandbox) -> None:
    sb.create({"name": "P", "whitelisted_destinations": ["US"]})
    assert screen("numbers", "assign", "P", *INVENTORY[:3], tty=False).code == 0
    s = screen("numbers", "list", "--unassigned", tty=False)
    assert s.code == 0, s.err
    assert [line.split()[0] for line in s.out.splitlines()[1:]] == INVENTORY[3:]
    both = screen("numbers", "list", "P", "--unassigned", tty=False)
    assert both.code == 2 and both.err.startswith("msgprof: error: give a profile (ID|NAME) or --unassigned, not both")


def test_phone_numbers_is_an_alias_of_numbers_list_with_the_same_output(sb: Sandbox) -> None:
    sb.create({"name": "P", "whitelisted_destinations": ["US"]})
    assert screen("numbers", "assign", "P", *INVENTORY[:2], tty=False).code == 0
    for args in ([], ["--json"]):
        alias, documented = (
            screen("phone-numbers", "P", *args, tty=False),
            screen("numbers", "list", "P", *args, tty=False),
        )
        assert alias.code == documented.code == 0 and alias.out == documented.out
    assert json.loads(documented.out)[0]["phone_number"] == INVENTORY[0]
    assert "Alias of `msgprof numbers list ID|NAME`" in screen("--help", tty=False).out


def _commands(group: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    found: dict[tuple[str, ...], Any] = {}
    for name, cmd in getattr(group, "commands", {}).items():
        found |= _commands(cmd, (*path, name)) if hasattr(cmd, "commands") else {(*path, name): cmd}
    return found


def test_show_secrets_is_offered_only_by_commands_that_show_a_secret() -> None:
    import typer.main

    commands = _commands(typer.main.get_command(app))
    offering = {" ".join(p) for p, c in commands.items() if any("--show-secrets" in o.opts for o in c.params)}
    assert offering == {"create", "update", "get", "regenerate-secret"}
    s = screen("list", "--show-secrets", tty=False)
    assert s.code == 2 and re.match(r"msgprof: error: No such option: --show-secrets\n", s.err)
