"""The API key never shows: every command and flag family is run and all its output searched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from canned import Canned
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.sandbox.server import Sandbox


@pytest.fixture
def seeded(sandbox: Sandbox) -> Sandbox:
    from msgprof_cli.api.client import TelnyxClient

    client = TelnyxClient(sandbox.url, TEST_KEY)
    p = client.create_messaging_profile({"name": "Seed", "whitelisted_destinations": ["US"]})
    sandbox.seed("phone_numbers", p["id"], {"phone_number": "+15550001111", "type": "longcode", "country_code": "US"})
    return sandbox


def invocations(tmp_path: Path) -> list[list[str]]:
    doc = tmp_path / "p.yaml"
    doc.write_text("name: Leak test\nwhitelisted_destinations: [US]\n")
    planned = tmp_path / "plan.yaml"  # a name no create above makes twice, so plan and apply succeed
    planned.write_text("name: Leak plan\nwhitelisted_destinations: [US]\nwebhook_url: https://h.example/x\n")
    return [
        ["create", "--name", "A", "--whitelist", "US"],
        ["create", "-f", str(doc), "--json"],
        ["create", "-f", str(doc), "-o", "yaml", "--show-secrets"],
        ["create", "-f", str(doc), "--dry-run"],
        ["create", "-f", str(doc), "--dry-run", "--json"],
        ["create", "--name", "", "--whitelist", "US"],  # invalid input
        ["update", "Seed", "--disabled"],
        ["update", "Seed", "--disabled", "--dry-run"],
        ["get", "Seed"],
        ["get", "Seed", "--json"],
        ["get", "nobody"],
        ["list"],
        ["list", "--all", "--json"],
        ["phone-numbers", "Seed"],
        ["short-codes", "Seed"],
        ["sender-ids", "Seed", "--json"],
        ["metrics"],
        ["metrics", "Seed", "--time-frame", "7d"],
        ["regenerate-secret", "Seed"],
        ["config", "show"],
        ["config", "show", "--json"],
        ["validate", str(doc)],
        ["schema"],
        ["plan", "-f", str(planned)],
        ["plan", "-f", str(planned), "--json", "--detailed-exitcode"],
        ["apply", "-f", str(planned), "--dry-run"],
        ["apply", "-f", str(planned), "--json", "--parallel", "2"],
        ["export", "--all"],
        ["export", "Seed", "--to", str(tmp_path / "exported")],
        ["delete", "A", "--yes"],
    ]


def expected_exit(args: list[str]) -> int:
    """Each invocation's own exit code: the leak check covers the paths that succeed too."""
    if args[:3] == ["create", "--name", ""]:
        return 3
    if args[:2] in (["get", "nobody"], ["delete", "A"]):  # no such profile; two named A by now
        return 5
    if "--detailed-exitcode" in args:
        return 7
    return 0


def test_no_command_ever_prints_the_key(cli, seeded: Sandbox, tmp_path: Path) -> None:
    seen = 0
    for args in invocations(tmp_path):
        for extra in ([], ["--debug"]) if args[0] not in ("validate", "schema", "config") else ([],):
            res = cli(*args, *extra)
            assert res.exit_code == expected_exit(args), (args, res.stderr)
            assert TEST_KEY not in res.stdout + res.stderr, args
            seen += 1
    assert seen > 50
    # the key did reach the server: the test is not vacuous
    assert any(r.headers.get("Authorization") == f"Bearer {TEST_KEY}" for r in seeded.received)


def test_key_from_file_and_account_sources_never_print(
    cli, seeded: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY)
    key_file.chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"accounts:\n  a:\n    api_key_env: MY_KEY\n  b:\n    api_key_file: {key_file}\n"
        f"  c:\n    api_key_command: cat {key_file}\n  d:\n    api_key: {TEST_KEY}\n"
    )
    config.chmod(0o600)
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    monkeypatch.setenv("MY_KEY", TEST_KEY)
    runs = [["list", "--api-key-file", str(key_file), "--debug"]]
    runs += [
        [*cmd, "--account", acct]
        for acct in "abcd"
        for cmd in (["list", "--debug"], ["config", "show"], ["config", "show", "--json"])
    ]
    for args in runs:
        res = cli(*args)
        assert res.exit_code == 0, (args, res.stderr)
        assert TEST_KEY not in res.stdout + res.stderr, args
    shown = json.loads(cli("config", "show", "--account", "d", "--json").stdout)
    assert shown["api_key"] == {"value": "****" + TEST_KEY[-4:], "source": f"account d: api_key in {config}"}


def test_wrong_key_error_does_not_echo_it(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox("127.0.0.1", 0, api_key="other") as sb:
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        for args in (["list", "--debug"], ["create", "--name", "x", "--whitelist", "US", "--json", "--debug"]):
            res = cli(*args)
            assert res.exit_code == 4
            assert TEST_KEY not in res.stdout + res.stderr


def test_debug_trace_shows_the_exchange_with_authorization_redacted(cli, seeded: Sandbox) -> None:
    res = cli("get", "Seed", "--debug")
    assert res.exit_code == 0
    trace = res.stderr
    assert f"debug: > GET {seeded.url}/messaging_profiles?page%5Bnumber%5D=1" in trace
    assert "debug: > Authorization: <redacted>" in trace
    assert "debug: > User-Agent: msgprof/0.1.0" in trace
    assert "debug: < HTTP 200 in " in trace and " ms" in trace
    assert '"v1_secret": "<redacted>"' in trace
    assert seeded.profiles()[0]["v1_secret"] not in trace


def test_v1_secret_is_masked_in_tables_and_shown_on_request(cli, seeded: Sandbox) -> None:
    secret = seeded.profiles()[0]["v1_secret"]
    masked = cli("get", "Seed")
    assert secret not in masked.stdout and f"****{secret[-4:]}" in masked.stdout
    assert secret in cli("get", "Seed", "--show-secrets").stdout
    assert json.loads(cli("get", "Seed", "--json").stdout)["v1_secret"] == secret  # JSON is the API's data


def test_readable_key_file_warns(cli, seeded: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY)
    key_file.chmod(0o644)
    res = cli("list", "--api-key-file", str(key_file))
    assert res.exit_code == 0
    assert f"warning: the API key file {key_file} can be read by other users; run: chmod 600 {key_file}" in res.stderr


def test_plain_key_in_a_world_readable_config_is_refused(
    cli, seeded: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    config = tmp_path / "config.yaml"
    config.write_text(f"default_account: lab\naccounts:\n  lab:\n    api_key: {TEST_KEY}\n")
    config.chmod(0o644)
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    before = len(seeded.received)
    res = cli("list")
    assert res.exit_code == 4
    assert "refusing a plain api_key" in res.stderr and f"chmod 600 {config}" in res.stderr
    assert TEST_KEY not in res.stderr
    assert len(seeded.received) == before  # nothing was sent


def test_sandbox_command_prints_its_key_only_in_the_export_line() -> None:
    """The sandbox's key is the user's own local token: it goes to stdout in the shell-quoted
    export line (for eval), and nowhere else (not on stderr)."""
    import shlex
    import signal
    import subprocess
    import sys

    sandbox_key = "local-9f1c$`'\"x"
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--port", "0", "--api-key", sandbox_key],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(2)]  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert lines[1] == f"export TELNYX_API_KEY={shlex.quote(sandbox_key)}\n"
    assert out == "" and sandbox_key not in err


# --------------------------------------------------------------------------- echoed secrets
# A server (or a proxy, or a WAF error page) may echo what it was sent: the key from the
# Authorization header, a secret ${VAR}'s value from the body.  msgprof hides every secret it has
# read from everything it prints, whatever carried it there (masking.Scrubbed on render's streams).

ECHO_FORMS = {
    "raw": lambda s: s,
    "json-escaped": lambda s: json.dumps(s)[1:-1],
    "url-encoded": lambda s: __import__("urllib.parse").parse.quote(s, safe=""),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=40).map(
        lambda k: "SECRET-beef" + k  # the suite-wide search recognises it, whatever the draw
    ),
    status=st.sampled_from([401, 403, 404, 422, 500, 502]),
    form=st.sampled_from(sorted(ECHO_FORMS)),
    debug=st.booleans(),
)
def test_a_key_the_server_echoes_back_is_never_printed(
    cli, monkeypatch: pytest.MonkeyPatch, key: str, status: int, form: str, debug: bool
) -> None:
    echoed = ECHO_FORMS[form](key)
    # JSON bodies carry the key as a JSON string (escaped once, by the server's encoder)
    body = json.dumps({"errors": [{"code": "10009", "title": f"you sent Bearer {key}", "detail": key}]})
    if status >= 500:  # a proxy's page: the key in any form it may have been written
        body = f"<html><body>proxy error: Authorization: Bearer {echoed}</body></html>"
    with Canned(status, body.encode(), "application/json" if status < 500 else "text/html") as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", key)
        res = cli("list", "--max-retries", "0", *(["--debug"] if debug else []))
    assert res.exit_code in (4, 5, 6), res.stderr
    shown = res.stdout + res.stderr
    assert key not in shown and echoed not in shown, shown
    assert "<API key>" in shown  # what it was replaced by, so the message still reads


def test_a_secret_var_never_shows_in_debug_traces_or_echoed_errors(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # not the suite's SECRET pattern: create's stdout is the profile as the API holds it, token
    # included (the user put it in the URL); what is checked here is stderr, and plan's stdout
    token = "hook-Zq81-token-4471"
    monkeypatch.setenv("HOOK_TOKEN", token)
    doc = tmp_path / "p.yaml"
    doc.write_text("name: Echo\nwhitelisted_destinations: [US]\nwebhook_url: https://h.example/x?t=${HOOK_TOKEN}\n")
    for args in (["create", "-f", str(doc)], ["update", "Echo", "-f", str(doc)], ["apply", "-f", str(doc)]):
        res = cli(*args, "--debug")
        assert res.exit_code == 0, res.stderr
        assert token not in res.stderr
        assert "<secret from $HOOK_TOKEN>" in res.stderr  # the trace shows where it went
    planned = cli("plan", "-f", str(doc), "--debug", "--json")
    assert token not in planned.stdout + planned.stderr
    # a server that answers an error with the body it was sent
    echo = json.dumps({"errors": [{"code": "10015", "title": "bad", "detail": f"got t={token}"}]})
    with Canned(422, echo.encode()) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        res = cli("create", "-f", str(doc), "--json")
    assert res.exit_code == 5
    assert token not in res.stdout + res.stderr and "got t=<secret from $HOOK_TOKEN>" in res.stderr


@pytest.mark.parametrize("value", ["true", "null", "US", "2026", "name"])
def test_a_short_secret_value_changes_no_output(cli, sandbox: Sandbox, tmp_path: Path, monkeypatch, value: str) -> None:
    """A "secret" this short can't be told from ordinary text: hiding it everywhere would corrupt
    what is printed (JSON above all).  Reports still hide it where it was used, by field path."""
    monkeypatch.setenv("SHORT_TOKEN", value)
    doc = tmp_path / "p.yaml"
    doc.write_text("name: Short\nwhitelisted_destinations: [US]\nalpha_sender: A${SHORT_TOKEN}\nenabled: true\n")
    made = cli("create", "-f", str(doc), "--json", "--debug")
    assert made.exit_code == 0, made.stderr
    profile = json.loads(made.stdout)  # still JSON, every key and literal intact
    assert profile["name"] == "Short" and profile["enabled"] is True and profile["alpha_sender"] == f"A{value}"
    assert "<secret from" not in made.stdout


def test_a_long_key_is_hidden_quickly(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "SECRET-beef" + "".join(f"{i:04x}" for i in range(1000))  # a key file may hold 4 KiB
    detail = f"{key[48:488]} / {key[-30:]}"  # cut in the middle and at the end, as messages cut
    body = json.dumps({"errors": [{"code": "10009", "title": f"you sent {key[:40]}…", "detail": detail}]})
    with Canned(401, body.encode()) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", key)
        res = cli("list", "--max-retries", "0")
    assert res.exit_code == 4
    shown = res.stderr
    assert "SECRET-beef" not in shown and key[48:60] not in shown and key[-30:-20] not in shown, shown


def test_hiding_is_safe_from_apply_s_worker_threads() -> None:
    """apply's threads write while secrets are being hidden: never an error, never a secret."""
    import threading

    from msgprof_cli import secrets as masking

    masking.forget()
    secrets = [f"tok-{k:04}-SECRET-{k:04}" for k in range(12)]
    problems: list[str] = []

    def writer(k: int) -> None:
        for i in range(30):
            masking.register(secrets[(k * 7 + i) % 12], f"<secret from $S{k}>")
            text = masking.scrub(f"line {i}: {secrets[(k * 7 + i) % 12]} <kept>")
            if "SECRET" in text:
                problems.append(text)

    try:
        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        masking.forget()
    assert problems == []


def test_an_api_error_cannot_write_lines_of_its_own(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server's error words are shown with control characters made visible: no raw newline,
    escape or carriage return reaches the terminal to forge a line of msgprof's own."""
    detail = "bad\nmsgprof: error: forged line\r\x1b[2Kspoof"
    body = json.dumps({"errors": [{"code": "10015", "title": "Invalid", "detail": detail}]})
    with Canned(422, body.encode()) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "x", "--whitelist", "US")
    assert res.exit_code == 5
    assert not any(line.startswith("msgprof: error: forged") for line in res.stderr.splitlines())
    assert "\x1b" not in res.stderr and "\r" not in res.stderr


def test_a_short_key_and_the_redacted_marker(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "ab12"  # the shortest key msgprof hides
    doc = tmp_path / "p.yaml"
    doc.write_text("name: R\nwhitelisted_destinations: [US]\nalpha_sender: ${SECRET_B}\n")
    monkeypatch.setenv("SECRET_B", "redacted")  # a secret that is msgprof's own marker word
    body = json.dumps({"errors": [{"code": "10009", "title": "auth", "detail": f"invalid key {key}"}]})
    with Canned(401, body.encode()) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", key)
        res = cli("create", "-f", str(doc), "--max-retries", "0", "--debug")
    assert res.exit_code == 4
    assert "invalid key <API key>" in res.stderr and key not in res.stderr
    assert "Authorization: <redacted>" in res.stderr  # the marker is not taken for the secret
    assert '"alpha_sender": "<secret from $SECRET_B>"' in res.stderr  # the secret itself is hidden
