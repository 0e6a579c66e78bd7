"""The injected terminal: TTY-ness, width and colour decide the presentation; usage errors follow it."""

from __future__ import annotations

import json

import pytest
from conftest import record_output
from screens import screen

from msgprof_cli.cli.presentation import hoist_global_options
from msgprof_cli.output.terminal import Terminal
from msgprof_cli.sandbox.server import Sandbox

BOX = set("─│╭╮╰╯┏┓┗┛━┃┡┩")


def make(sandbox: Sandbox, name: str) -> dict:
    return sandbox.create({"name": name, "whitelisted_destinations": ["US"]})


def test_system_terminal_reads_no_color_and_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "97")
    term = Terminal.system({"NO_COLOR": "1"})
    assert term.width == 97 and term.no_color and not term.stdout_fancy
    assert not Terminal.system({}).no_color


@pytest.mark.parametrize("tty,color,fancy", [(True, True, True), (True, False, False), (False, True, False)])
def test_boxes_and_colour_only_at_a_colour_terminal(sandbox: Sandbox, tty: bool, color: bool, fancy: bool) -> None:
    p = make(sandbox, "Boxed")
    s = screen("get", p["id"], tty=tty, color=color)
    assert s.code == 0, s.err
    assert p["id"] in s.text
    assert not BOX & set(s.out)  # a record is key/value lines, never a box (it copies cleanly)
    assert ("\x1b[" in s.out) is fancy


def test_delete_asks_on_the_terminal_and_refuses_without_one(sandbox: Sandbox) -> None:
    make(sandbox, "Ask")
    no = screen("delete", "Ask", stdin="n\n")
    assert no.code == 0 and "Delete Ask (" in no.err and "nothing deleted" in no.err
    assert len(sandbox.profiles()) == 1
    refused = screen("delete", "Ask", tty=False)
    assert refused.code == 2 and "refusing to delete without --yes" in refused.err
    yes = screen("delete", "Ask", stdin="y\n")
    assert yes.code == 0 and sandbox.profiles() == []


def test_usage_error_under_json_is_a_json_object_on_stderr() -> None:
    s = screen("create", "--whitelsit", "US", "--json")
    assert s.code == 2 and s.out == ""
    err = json.loads(s.err)
    assert err["error"] == "usage" and err["exit_code"] == 2
    assert "--whitelsit" in err["message"] and err["hint"].startswith("did you mean --whitelist?")


@pytest.mark.parametrize("tty,color", [(False, True), (True, False)])
def test_usage_error_without_colour_has_no_box_and_no_escape(tty: bool, color: bool) -> None:
    s = screen("create", "--whitelsit", "US", tty=tty, color=color)
    assert s.code == 2 and s.out == ""
    assert s.err.startswith("msgprof: error: No such option: --whitelsit")
    assert not BOX & set(s.err) and "\x1b" not in s.err


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--account", "a", "list"], ["list", "--account", "a"]),
        (["--account=a", "--debug", "get", "x"], ["get", "--account=a", "--debug", "x"]),
        (["--base-url", "u", "config", "show"], ["config", "show", "--base-url", "u"]),
        (["list", "--account", "a"], ["list", "--account", "a"]),
        (["--version"], ["--version"]),
        (["--account", "a"], ["--account", "a"]),
    ],
)
def test_global_options_before_the_command_move_after_it(args: list[str], expected: list[str]) -> None:
    assert hoist_global_options(args) == expected


def test_account_before_the_command_is_used(sandbox: Sandbox, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"accounts:\n  lab:\n    base_url: {sandbox.url}\n")
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    monkeypatch.delenv("TELNYX_BASE_URL")
    s = screen("--account", "lab", "config", "show", "--json", tty=False)
    assert s.code == 0, s.err
    shown = json.loads(s.out)
    assert shown["account"] == {"value": "lab", "source": "--account"}
    assert shown["base_url"]["value"] == sandbox.url


def test_usage_error_at_a_colour_terminal_is_red() -> None:
    s = screen("create", "--whitelsit", "US")
    assert s.code == 2
    assert s.err.startswith("msgprof: \x1b[1;31merror\x1b[0m: No such option: --whitelsit")


@pytest.mark.parametrize("args", [["get", "X", "--json", "-o", "yaml"], ["list", "-o", "yaml", "--json"]])
def test_json_with_yaml_is_a_usage_error(sandbox: Sandbox, args: list[str]) -> None:
    s = screen(*args, tty=False)
    assert s.code == 2 and s.out == ""
    err = json.loads(s.err)
    assert err["error"] == "usage" and "--json and -o yaml" in err["message"]
    assert sandbox.received == []  # nothing was sent


@pytest.mark.parametrize("args", [["get", ""], ["get", "  "], ["delete", "x", "", "--yes"], ["metrics", ""]])
def test_an_empty_id_or_name_is_a_usage_error(sandbox: Sandbox, args: list[str]) -> None:
    s = screen(*args, tty=False)
    assert s.code == 2 and "may not be empty" in s.err
    assert sandbox.received == []


def test_regenerate_secret_says_how_to_see_the_secret(sandbox: Sandbox) -> None:
    p = make(sandbox, "Sec")
    s = screen("regenerate-secret", p["id"], tty=False)
    assert s.code == 0
    secret = sandbox.profiles()[0]["v1_secret"]
    assert secret not in s.out + s.err and f"****{secret[-4:]}" in s.out
    assert f"`msgprof get {p['id']} --show-secrets` (or -o json) shows it" in s.err
    shown = screen("regenerate-secret", p["id"], "--json", tty=False)
    assert json.loads(shown.out)["v1_secret"] == sandbox.profiles()[0]["v1_secret"] and shown.err == ""


@pytest.mark.parametrize("code,suggested", [("usa", "US"), ("USA", "US"), ("GBR", "GB"), ("deu", "DE")])
def test_alpha3_codes_get_did_you_mean(code: str, suggested: str) -> None:
    s = screen("create", "--name", "X", "--whitelist", code, "--dry-run", tty=False)
    assert s.code == 3
    assert f"'{code}' is not an ISO 3166-1 alpha-2 country code" in s.err and f"hint: did you mean {suggested}?" in s.err


def test_alpha3_table_covers_every_alpha2_code_once() -> None:
    from msgprof_cli.document.countries import ALPHA3_TO_ALPHA2, ISO_3166_ALPHA2

    assert sorted(ALPHA3_TO_ALPHA2.values()) == sorted(ISO_3166_ALPHA2)
    assert all(len(k) == 3 and k.isupper() for k in ALPHA3_TO_ALPHA2)


def test_standard_input_comes_from_the_terminal_object(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = '{"name": "From stdin", "whitelisted_destinations": ["US"]}'
    s = screen("create", "-f", "-", "--dry-run", "--json", stdin=doc, tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["body"] == {"name": "From stdin", "whitelisted_destinations": ["US"]}
    monkeypatch.delenv("TELNYX_API_KEY")
    listed = screen("list", "--api-key-file", "-", "--json", stdin="key-from-stdin\n", tty=False)
    assert listed.code == 0, listed.err
    assert sandbox.received[-1].headers["Authorization"] == "Bearer key-from-stdin"


def test_the_groups_known_to_hoisting_are_the_apps_groups() -> None:
    from typer.main import get_command

    from msgprof_cli.cli import app
    from msgprof_cli.cli.presentation import GROUPS

    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert sorted(GROUPS) == sorted(name for name, cmd in commands.items() if hasattr(cmd, "commands"))


def _on_a_real_terminal(args: list[str], env: dict[str, str]) -> str:
    """msgprof with stdout and stderr on one pseudo-terminal: the end-to-end check of Terminal.system."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", *args], stdout=slave, stderr=slave, env={**os.environ, **env}
    )
    os.close(slave)
    import select

    seen = b""
    while select.select([master], [], [], 60)[0]:  # a safety stop if msgprof hung, not a timing
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=60)
    os.close(master)
    record_output(seen)  # for the suite's secret search
    return seen.decode(errors="replace")


def test_a_real_terminal_gets_boxes_and_colour_unless_no_color(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = make(sandbox, "Pty [/sale]")
    env = {"TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": "k", "COLUMNS": "80"}
    monkeypatch.delenv("NO_COLOR")
    shown = _on_a_real_terminal(["get", p["id"]], env)
    assert "\x1b[" in shown and p["id"] in shown and "Pty [/sale]" in shown
    plain = _on_a_real_terminal(["get", p["id"]], {**env, "NO_COLOR": "1"})
    assert not BOX & set(plain) and "\x1b[" not in plain and p["id"] in plain
