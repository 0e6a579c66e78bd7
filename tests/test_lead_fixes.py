"""Findings of the new-user probe of this session, each pinned."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize("section", ["phone_numbers", "alphanumeric_sender_ids", "autoresp_configs"])
@pytest.mark.parametrize("command", [("create",), ("update", "Somebody")])
def test_a_setup_section_in_create_or_update_points_to_apply(
    cli, tmp_path: Path, section: str, command: tuple[str, ...]
) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(f"name: S\nwhitelisted_destinations: [US]\n{section}: []\n")
    res = cli(*command, "-f", str(f), "--dry-run", "--allow-unknown")
    assert res.exit_code == 3 and res.stdout == ""
    assert f"{section}: is a setup section, not a profile field" in res.stderr
    assert "`msgprof apply -f FILE` sets up numbers" in res.stderr
    assert "did you mean" not in res.stderr


@pytest.mark.parametrize("flag", ["--redaction", "--no-redaction", "--redaction-level"])
def test_an_update_only_flag_on_create_says_so(cli, flag: str) -> None:
    args = [flag, "1"] if flag == "--redaction-level" else [flag]
    res = cli("create", "--name", "G", "--whitelist", "US", *args, "--dry-run")
    assert res.exit_code == 2 and res.stdout == ""
    field = "redaction_level" if flag == "--redaction-level" else "redaction_enabled"
    assert f"{flag} is not an option of create: {field} is set by an update only" in res.stderr
    assert f"`msgprof update ID|NAME {flag}` after the create" in res.stderr
    assert "did you mean" not in res.stderr


def test_a_document_with_update_only_fields_is_created_then_updated_in_one_run(cli, sandbox, tmp_path: Path) -> None:
    import json

    f = tmp_path / "r.yaml"
    f.write_text("name: R\nwhitelisted_destinations: [US]\nredaction_enabled: true\nredaction_level: 1\n")
    shown = cli("create", "-f", str(f), "--dry-run", "--json")
    assert [r["method"] for r in json.loads(shown.stdout)] == ["POST", "PATCH"]  # the dry run is the request
    made = cli("create", "-f", str(f), "--json")
    assert made.exit_code == 0, made.stderr
    assert [w.method for w in sandbox.writes()] == ["POST", "PATCH"]
    assert (json.loads(made.stdout)["redaction_enabled"], json.loads(made.stdout)["redaction_level"]) == (True, 1)


@pytest.mark.parametrize(("typed", "meant"), [("remov", "remove"), ("ad", "add"), ("lst", "list")])
def test_a_mistyped_sender_ids_command_is_named_not_taken_for_a_profile(cli, typed: str, meant: str) -> None:
    res = cli("sender-ids", typed, "Support", "Acme")
    assert res.exit_code == 2 and res.stdout == ""
    assert f"No such command '{typed}'. Did you mean '{meant}'?" in res.stderr


def test_the_older_sender_ids_form_still_lists(cli, sandbox) -> None:
    res = cli("sender-ids", "Nobody")  # a profile, not a command: looked up (and not found)
    assert res.exit_code == 5 and "no messaging profile named 'Nobody'" in res.stderr


def test_a_state_that_is_not_a_regular_file_is_refused_before_any_read(tmp_path: Path) -> None:
    """The hostile probe: `--state /dev/zero` read without end (5 GiB in 7 s) and left a lock file
    in /dev; a FIFO blocked for ever."""
    import os

    from msgprof_cli.errors import InvalidInput
    from msgprof_cli.sandbox.server import Sandbox

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo), str(tmp_path)):
        with pytest.raises(InvalidInput, match="not a regular file"):
            Sandbox("127.0.0.1", 0, state_file=path)
    assert not os.path.exists("/dev/.zero.lock")
    assert not (tmp_path / ".fifo.lock").exists()


def test_a_doctor_fix_names_a_profile_whose_name_reads_as_an_option_by_its_id() -> None:
    from msgprof_cli.declarative.doctor import _ref

    assert _ref({"name": "--yes", "id": "P1"}) == "P1"
    assert _ref({"name": "-x", "id": "P1"}) == "P1"
    assert _ref({"name": "Alerts", "id": "P1"}) == "Alerts"
    assert _ref({"name": "", "id": "P1"}) == "P1"


def test_a_password_in_a_webhook_url_never_reaches_stderr(cli, sandbox) -> None:
    """The hostile probe: `https://bob:PASSWORD@host` in a webhook URL was quoted in errors and
    printed whole by --debug (only ${VAR} secrets and --base-url were hidden)."""
    bad = cli("create", "--name", "x", "--whitelist", "US", "--webhook-url", "https://bob:hunter2pw@h.example.com:99999/")
    assert bad.exit_code == 3
    assert "hunter2pw" not in bad.stderr and "<password>" in bad.stderr
    good = cli("create", "--name", "x", "--whitelist", "US", "--webhook-url", "https://bob:hunter2pw@h.example.com/", "--debug")
    assert good.exit_code == 0, good.stderr
    assert "hunter2pw" not in good.stderr


def test_a_sender_id_another_run_made_meanwhile_is_not_an_error(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hostile probe: two applies at once; one listed no sender ID, the other made it, and
    the first's POST was refused 422 "already exists": exit 5.  The record asked for is there:
    msgprof says so and exits 0, sending nothing more."""
    import http.client
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    from conftest import TEST_KEY

    from msgprof_cli.sandbox.server import Sandbox

    with Sandbox("127.0.0.1", 0) as sb:
        pid = sb.create({"name": "Race", "whitelisted_destinations": ["US"]})["id"]
        sb.seed("alphanumeric_sender_ids", pid, {"alphanumeric_sender_id": "Acme"})  # the other run's
        up = urlsplit(sb.url)
        hidden = {"once": True}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command == "GET" and "alphanumeric_sender_ids" in self.path and hidden.pop("once", False):
                    raw = json.dumps({"data": [], "meta": {"page_number": 1, "total_pages": 1, "total_results": 0}})
                    status, data = 200, raw.encode()
                else:
                    conn = http.client.HTTPConnection(up.hostname or "127.0.0.1", up.port, timeout=10)
                    conn.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
                    resp = conn.getresponse()
                    status, data = resp.status, resp.read()
                    conn.close()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = forward  # noqa: N815 - the stdlib's names

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            monkeypatch.setenv("TELNYX_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v2")
            monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
            res = cli("sender-ids", "add", pid, "Acme")
        finally:
            server.shutdown()
            server.server_close()
        assert res.exit_code == 0, res.stderr
        assert "was made meanwhile by another run; nothing was added" in res.stderr
        assert [s["alphanumeric_sender_id"] for s in sb.state.related["alphanumeric_sender_ids"]] == ["Acme"]


def test_when_stderr_cannot_be_written_the_exit_code_still_tells(tmp_path: Path) -> None:
    """The hostile probe: `validate /nonexist 2>/dev/full` exited 1 (a bug), and with stderr a
    closed pipe Python's own 120.  Messages are dropped; the exit code is the command's."""
    import subprocess
    import sys

    from conftest import record_output

    missing = str(tmp_path / "nonexist.yaml")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "msgprof_cli", "validate", missing],
            stdout=subprocess.PIPE,
            stderr=full,
            text=True,
            timeout=60,
            check=False,
        )
    record_output(done.stdout)
    assert done.returncode == 3
    assert done.stdout == f"invalid  {missing}\n"
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "validate", missing],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None and proc.stdout is not None
    proc.stderr.close()  # the reader of stderr went away before msgprof wrote to it
    record_output(proc.stdout.read())
    assert proc.wait(timeout=60) == 3


def test_create_json_loads_no_table_or_view_module(tmp_path: Path, sandbox) -> None:
    """Issue 21's start-up item: the modules that only draw (tables, views, the profile and
    metrics views) load on first use, not on the data path."""
    import os
    import subprocess
    import sys

    from conftest import ROOT, TEST_KEY, record_output

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "msgprof_cli", "create", "-f", str(ROOT / "sample-configs" / "valid" / "full.yaml"), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": TEST_KEY},
        timeout=60,
        check=False,
    )
    record_output(done.stdout)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "msgprof_cli.output.render" in loaded
    drawing = {f"msgprof_cli.output.{m}" for m in ("tables", "views", "profile_view", "metrics_view")}
    assert not loaded & drawing


def test_export_refuses_setup_records_no_document_may_hold(cli, sandbox, tmp_path: Path) -> None:
    """The hostile probe: an API answering `op: nuke` or no keywords made export write a file
    that plan refuses.  What export writes, plan reads; anything else is exit 5, nothing written."""
    pid = sandbox.create({"name": "Odd", "whitelisted_destinations": ["US"]})["id"]
    with sandbox.state.lock:
        sandbox.state.autoresp.append(
            {"id": "c1", "messaging_profile_id": pid, "op": "nuke", "keywords": ["X"], "country_code": "US"}
        )
    out = tmp_path / "out"
    res = cli("export", "Odd", "--with-setup", "--to", str(out))
    assert res.exit_code == 5, res.stderr
    assert "autoresp_configs.0.op" in res.stderr and "nothing was exported" in res.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_an_empty_filtered_list_says_what_was_looked_for(cli, sandbox) -> None:
    sandbox.create({"name": "Alpha", "whitelisted_destinations": ["US"]})
    res = cli("list", "--name", "Nope")
    assert res.exit_code == 0 and "no messaging profile named 'Nope'" in res.stderr + res.stdout
    res = cli("list", "--name-contains", "zz")
    assert "no messaging profile whose name contains 'zz'" in res.stderr + res.stdout
