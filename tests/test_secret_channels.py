"""Secrets in every channel (issue 28: findings 3, 4, 5, 6 and the property over every channel).

Invariants:
- doctor (every form) hides what plan hides: a secret variable's value, wherever a check writes it
  (a name, a fallback number, a spend limit), in text and --json;
- the key is known to the registry before any input is read, whatever its source (a key command,
  ``--api-key-file -``): input that holds it is never quoted;
- a URL's password of any length, and a short secret that is a whole URL query value, never reach
  stderr (--debug traces included);
- what a server echoes is hidden before msgprof cuts it: no piece of a secret survives a cut;
- a secret sent through every command's every channel (stdout, stderr, --json, Markdown, --debug,
  echoed API errors, doctor) is found nowhere (hypothesis).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from msgprof_cli import secrets
from msgprof_cli.sandbox.server import Sandbox


class Echo:
    """A server (or proxy) that answers every request with an error echoing what it was sent: the
    Authorization header and the body, after ``pad`` characters of its own words, so that the
    secret sits where msgprof cuts (500 characters of a detail, 120 of an HTML excerpt)."""

    def __init__(self, status: int = 422, pad: int = 490, html: bool = False) -> None:

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                try:
                    fields = json.loads(body) if body else {}
                except ValueError:
                    fields = {}
                fields = fields if isinstance(fields, dict) else {}
                # as a validating API words it: the webhook URL first (at ``pad`` + 31 for an
                # https://h.example/ one), then the rest of what it was sent
                words = (
                    ("x" * pad)
                    + f" webhook_url {fields.get('webhook_url')} name {fields.get('name')}"
                    + f" auth {self.headers.get('Authorization', '')} path {self.path}"
                )
                if html:
                    out = f"<html><body><h1>Bad gateway</h1><p>{words}</p></body></html>".encode()
                    kind = "text/html"
                else:
                    out = json.dumps({"errors": [{"code": "10015", "title": "bad", "detail": words}]}).encode()
                    kind = "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v2"

    def __enter__(self) -> Echo:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- finding 3: doctor


def test_doctor_f_hides_what_plan_hides(cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: doctor -f printed the name in a check, the fallback and the limit in text and --json."""
    name, fallback, limit = "tok-Team-SECRET-1", "+12025550177", "250"
    monkeypatch.setenv("TEAM_SECRET", name)
    monkeypatch.setenv("FALLBACK_SECRET", fallback)
    monkeypatch.setenv("LIMIT_SECRET", limit)
    doc = tmp_path / "p.yaml"
    doc.write_text(
        "name: ${TEAM_SECRET}\nwhitelisted_destinations: [US]\ndaily_spend_limit: ${LIMIT_SECRET}\n"
        "daily_spend_limit_enabled: true\n"
        "alphanumeric_sender_ids:\n  - {sender_id: Acme, us_long_code_fallback: '${FALLBACK_SECRET}'}\n"
    )
    assert cli("apply", "-f", str(doc)).exit_code == 0
    runs: dict[tuple[str, ...], Any] = {
        args: cli(*args) for args in (("plan", "-f", str(doc)), ("doctor", "-f", str(doc)))
    }
    runs[("doctor", "--json")] = cli("doctor", "-f", str(doc), "--json")
    for args, res in runs.items():
        assert res.exit_code == 0, (args, res.stderr)
        shown = res.stdout + res.stderr
        for value in (name, fallback, "2025550177", "250"):
            assert value not in shown, (args, value, shown)
    report = json.loads(runs[("doctor", "--json")].stdout)[0]
    details = " | ".join(c["detail"] for c in report["checks"])
    assert report["profile"] == "<secret from $TEAM_SECRET>"
    assert "profile '<secret from $TEAM_SECRET>' is enabled" in details
    assert "the fallback <secret from $FALLBACK_SECRET>" in details
    assert "at most <secret from $LIMIT_SECRET> USD a day" in details


# --------------------------------------------------------------------------- finding 4: late keys


KEY = "KEY-late-SECRET-beef0123456789"


@pytest.mark.parametrize("source", ["stdin", "command"])
def test_a_key_read_late_is_never_quoted_from_input(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """The key is given, by mistake, as the number list: before, a key from a command or stdin
    was registered when first used (after the list was read) and was quoted whole."""
    monkeypatch.delenv("TELNYX_API_KEY")
    numbers = tmp_path / "numbers.txt"
    numbers.write_text(KEY + "\n")
    if source == "stdin":
        res = cli("numbers", "assign", "P", "-f", str(numbers), "--api-key-file", "-", input=KEY + "\n")
    else:
        cfg = tmp_path / "config.yaml"
        cfg.write_text(f"accounts:\n  a:\n    base_url: {sandbox.url}\n    api_key_command: 'echo {KEY}'\n")
        monkeypatch.setenv("MSGPROF_CONFIG", str(cfg))
        res = cli("numbers", "assign", "P", "-f", str(numbers), "--account", "a")
    assert res.exit_code == 3, res.stderr
    assert KEY not in res.stdout + res.stderr and KEY[:12] not in res.stderr
    assert "<API key> is not an E.164 phone number" in res.stderr


def test_a_dry_run_runs_no_key_command(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that sends nothing needs no key: its key command (a password prompt?) is not run."""
    ran = tmp_path / "ran"
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"accounts:\n  a:\n    api_key_command: 'sh -c \"touch {ran}; echo {KEY}\"'\n")
    monkeypatch.setenv("MSGPROF_CONFIG", str(cfg))
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    res = cli("create", "--name", "Dry", "--whitelist", "US", "--dry-run", "--account", "a")
    assert res.exit_code == 0, res.stderr
    assert not ran.exists()


# --------------------------------------------------------------------------- finding 5: short passwords


@pytest.mark.parametrize("password", ["Qz9", "a", "pw12!"])
def test_a_short_webhook_password_never_reaches_a_debug_trace(cli, sandbox: Sandbox, password: str) -> None:
    url = f"https://hookuser:{password}@h.example/x"
    res = cli("create", "--name", "Short pw", "--whitelist", "US", "--webhook-url", url, "--debug")
    assert res.exit_code == 0, res.stderr
    assert f":{password}@" not in res.stderr
    assert "hookuser:<password>@h.example" in res.stderr  # the trace still says where it went
    assert json.loads(cli("get", "Short pw", "--json").stdout)["webhook_url"] == url  # data as the API holds it


def test_a_short_secret_query_value_never_reaches_a_debug_trace(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "k7Q")
    doc = tmp_path / "p.yaml"
    doc.write_text(
        "name: Short token\nwhitelisted_destinations: [US]\nwebhook_url: https://h.example/x?t=${HOOK_TOKEN}&v=1\n"
    )
    res = cli("apply", "-f", str(doc), "--debug")
    assert res.exit_code == 0, res.stderr
    assert "t=k7Q" not in res.stderr and "?t=<secret from $HOOK_TOKEN>&v=1" in res.stderr


def test_tiny_strings_are_not_hidden_outside_their_slots() -> None:
    """The decision: a short secret is hidden where delimiters mark a whole value (a URL's password
    or query value), not inside ordinary words, where it can't be told from them."""
    secrets.forget()
    try:
        secrets.register_variable("PIN_SECRET", "US")
        assert secrets.scrub("whitelisted: US, CA") == "whitelisted: US, CA"
        assert (
            secrets.scrub("GET https://h.example/x?pin=US&a=USA")
            == "GET https://h.example/x?pin=<secret from $PIN_SECRET>&a=USA"
        )
        assert secrets.scrub("https://u:p@h") == "https://u:<password>@h"
        assert (
            secrets.scrub("ssh://git@host:22/x and http://[::1]:8080/v2")
            == "ssh://git@host:22/x and http://[::1]:8080/v2"
        )
    finally:
        secrets.forget()


# --------------------------------------------------------------------------- finding 6: hidden, then cut


# the password starts at pad + 31 (+ 12 in HTML): each pad puts the cut inside it
@pytest.mark.parametrize(("html", "pad"), [(False, 460), (False, 464), (True, 66), (True, 72)])
def test_an_echoed_secret_is_hidden_before_it_is_cut(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, html: bool, pad: int
) -> None:
    """Before: 500 characters of a detail (120 of an HTML excerpt) were kept, then matched against
    the secrets, so most of a password sitting across the cut showed (``HookPassw0rdXY``)."""
    password = "Zx81qWv0rdXY"
    monkeypatch.setenv("HOOK_SECRET", password)
    doc = tmp_path / "p.yaml"
    doc.write_text("name: Echoed\nwhitelisted_destinations: [US]\nwebhook_url: https://h.example/${HOOK_SECRET}\n")
    with Echo(status=422, pad=pad, html=html) as server:  # a 5xx to a POST: the look-up's error shows
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "-f", str(doc), "--max-retries", "0")
    assert res.exit_code in (5, 6), res.stderr
    for n in range(4, len(password) + 1):
        assert password[:n] not in res.stderr, (password[:n], res.stderr)
    assert "<secret fr" not in res.stderr.replace("<secret from $HOOK_SECRET>", "")  # no marker cut in two


def test_a_cut_never_ends_inside_a_marker() -> None:
    secrets.forget()
    try:
        secrets.register_variable("A_SECRET", "hunter2-longer")
        text = "y" * 10 + "hunter2-longer" + "z" * 10
        for limit in range(0, 40):
            cut = secrets.cut(text, limit)
            assert "hunter" not in cut
            assert cut.count("<") == cut.count(">"), cut
    finally:
        secrets.forget()


# --------------------------------------------------------------------------- every channel

NAME_SECRET = st.from_regex(r"tok-[A-Za-z0-9]{1,12}-SECRET-[0-9]{1,4}", fullmatch=True)


# no shrinking: each example runs 16 commands, and a failure shows its secret already
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(secret=NAME_SECRET, hook=NAME_SECRET, echoed=st.sampled_from([(422, False), (502, True), (401, False)]))
def test_a_secret_sent_through_every_channel_is_found_nowhere(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str, hook: str, echoed: Any
) -> None:
    """The secrets fill a profile's name and its webhook URL's query; each command that reads the
    document runs in each of its formats, with --debug, against the sandbox and against a server
    that echoes what it is sent.  (``get``/``list`` print the API's data as it is, by design.)"""
    monkeypatch.setenv("TELNYX_BASE_URL", sandbox.url)  # an earlier example pointed it at its echo server
    monkeypatch.setenv("NAME_SECRET", secret)
    monkeypatch.setenv("HOOK_TOKEN", hook)
    doc = tmp_path / "p.yaml"
    doc.write_text(
        "name: ${NAME_SECRET}\nwhitelisted_destinations: [US]\nwebhook_url: https://h.example/x?t=${HOOK_TOKEN}\n"
    )
    commands = [
        ["validate", str(doc)],
        ["plan", "-f", str(doc), "--debug"],
        ["plan", "-f", str(doc), "--json"],
        ["plan", "-f", str(doc), "--format", "markdown"],
        ["apply", "-f", str(doc), "--dry-run"],
        ["apply", "-f", str(doc), "--json", "--debug"],
        ["apply", "-f", str(doc)],
        ["plan", "-f", str(doc)],
        ["doctor", "-f", str(doc), "--debug"],
        ["doctor", "-f", str(doc), "--json"],
        ["create", "-f", str(doc), "--dry-run"],
        ["create", "-f", str(doc), "--dry-run", "--json"],
    ]
    outputs = []
    for args in commands:
        res = cli(*args)
        assert res.exit_code in (0, 9), (args, res.stderr)
        outputs.append((args, res.stdout + res.stderr))
    status, html = echoed
    with Echo(status=status, pad=462 if not html else 70, html=html) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        for args in (["apply", "-f", str(doc), "--debug"], ["create", "-f", str(doc), "--json", "--max-retries", "0"]):
            res = cli(*args)
            assert res.exit_code in (4, 5, 6), (args, res.stderr)
            outputs.append((args, res.stdout + res.stderr))
    for args, shown in outputs:
        for value in (secret, hook, TEST_KEY):
            assert value not in shown, (args, value, shown)
            assert value[:-1] not in shown, (args, value, shown)  # nor cut short
