"""Ctrl-C stops everything (issue 28, finding 7), on real processes and real loopback servers.

Invariants:
- the first Ctrl-C starts nothing new in any thread (a page, a look-up, a create, a retry) and the
  command reports and exits 130 within 2 s, even while every thread waits on a server that never
  answers (plan, apply, doctor -f: their account reads run side by side);
- apply --parallel sends no create after the Ctrl-C, and its report says how each profile ended;
- a second Ctrl-C ends the process at once (130).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import TEST_KEY, record_output
from raw_server import RawServer

from msgprof_cli.errors import ExitStatus
from msgprof_cli.sandbox.server import Sandbox

WITHIN = 2.0  # seconds from the Ctrl-C to the process's end (the bound)


def _start(args: list[str], url: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELNYX_", "MSGPROF_"))}
    env.update(TELNYX_BASE_URL=url, TELNYX_API_KEY=TEST_KEY, NO_COLOR="1")
    return subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _until(condition, limit: float = 30.0) -> None:  # noqa: ANN001 - a test helper
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, "the command never reached the server"
        time.sleep(0.02)


def _interrupt(proc: subprocess.Popen[str]) -> tuple[int, str, str, float]:
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"still running 10 s after Ctrl-C: {err[-2000:]}")
    took = time.monotonic() - started
    record_output(out)
    record_output(err)
    return proc.returncode, out, err, took


def _documents(tmp_path: Path) -> Path:
    doc = tmp_path / "p.yaml"
    doc.write_text(
        "name: Stop one\nwhitelisted_destinations: [US]\nphone_numbers: ['+12025550100']\n"
        "alphanumeric_sender_ids: [Acme]\n---\nname: Stop two\nwhitelisted_destinations: [US]\n"
    )
    return doc


@pytest.mark.parametrize("command", ["plan", "apply", "doctor"])
def test_ctrl_c_ends_a_command_whose_server_never_answers(tmp_path: Path, command: str) -> None:
    """Before: the account's listings retried for minutes through four Ctrl-Cs (pool threads
    never saw the interrupt, and the interpreter's exit waited for them)."""
    silent = threading.Event()

    def hang(conn: socket.socket) -> None:  # reads the request, never answers
        silent.wait(60)

    with RawServer(hang) as server:
        args = [command, "-f", str(_documents(tmp_path))] + (["--parallel", "2"] if command == "apply" else [])
        proc = _start(args, server.url)
        _until(lambda: server.requests >= 2)  # listings in flight side by side (page or account reads)
        time.sleep(0.2)
        code, out, err, took = _interrupt(proc)
        seen = server.requests
        time.sleep(0.5)
        silent.set()
    assert code == ExitStatus.INTERRUPTED, err
    assert took < WITHIN, f"{took:.2f}s"
    assert "interrupted" in err and "Traceback" not in err, err
    assert "retry" not in err, err  # a connection the Ctrl-C cut is neither retried nor announced
    assert server.requests == seen


def test_apply_parallel_starts_no_create_after_ctrl_c(tmp_path: Path) -> None:
    """Creates in flight on a backend that never commits: the Ctrl-C cuts them, no other profile's
    create is sent, and the report says each one's fate."""
    posts: list[float] = []
    gone = threading.Event()

    def sleep(seconds: float) -> None:  # the sandbox holds each POST here (commit_delay)
        posts.append(time.monotonic())
        gone.wait(seconds)

    doc = tmp_path / "many.yaml"
    doc.write_text("---\n".join(f"name: Stop {n}\nwhitelisted_destinations: [US]\n" for n in range(6)))
    with Sandbox("127.0.0.1", 0, commit_delay=120, sleep=sleep) as sb:
        proc = _start(["apply", "-f", str(doc), "--parallel", "2", "--max-retries", "0"], sb.url)
        _until(lambda: len(posts) >= 2)
        time.sleep(0.3)
        code, out, err, took = _interrupt(proc)
        time.sleep(0.5)
        sent = len(posts)
        gone.set()
    assert code == ExitStatus.INTERRUPTED, err
    assert took < WITHIN, f"{took:.2f}s"
    assert sent == 2, f"{sent} creates sent: one started after the Ctrl-C"
    assert "Traceback" not in err
    report = out + err
    assert report.count("may or may not") >= 2, report  # the two in flight
    assert "4 profiles never started (nothing was sent for them" in report, report  # the four never sent


def test_a_second_ctrl_c_ends_the_process_at_once(tmp_path: Path) -> None:
    """After the first Ctrl-C a command may still be reporting; the second one does not wait."""
    script = tmp_path / "busy.py"
    script.write_text(
        "import signal, sys, time\n"
        "from msgprof_cli import interrupt\n"
        "signal.signal(signal.SIGINT, interrupt.handler)\n"
        "try:\n"
        "    time.sleep(30)\n"
        "except KeyboardInterrupt:\n"
        "    print('reporting', flush=True)\n"
        "    time.sleep(30)  # a report that takes long\n"
        "sys.exit(0)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "reporting\n"
    code, out, err, took = _interrupt(proc)
    assert code == ExitStatus.INTERRUPTED and took < 1.0, (code, took, err)
    assert err == "msgprof: interrupted\n"


def test_apply_parallel_starts_no_setup_after_ctrl_c(tmp_path: Path) -> None:
    """Setup waves in workers: the profiles exist, each adds a sender ID on a backend that never
    commits; after the Ctrl-C no other profile's setup starts, and each says how it ended."""
    from msgprof_cli.api.client import TelnyxClient

    posts: list[str] = []
    gone = threading.Event()

    def sleep(seconds: float) -> None:
        posts.append("POST")
        gone.wait(seconds)

    names = [f"Setup {n}" for n in range(5)]
    doc = tmp_path / "setup.yaml"
    doc.write_text(
        "---\n".join(f"name: {n}\nwhitelisted_destinations: [GB]\nalphanumeric_sender_ids: [Acme]\n" for n in names)
    )
    with Sandbox("127.0.0.1", 0, sleep=sleep) as sb:
        client = TelnyxClient(sb.url, TEST_KEY)
        for n in names:
            client.create_messaging_profile({"name": n, "whitelisted_destinations": ["GB"]})
        posts.clear()
        sb.commit_delay = 120  # from here on, a POST never answers
        proc = _start(["apply", "-f", str(doc), "--parallel", "2", "--max-retries", "0"], sb.url)
        _until(lambda: len(posts) >= 2)
        time.sleep(0.3)
        code, out, err, took = _interrupt(proc)
        time.sleep(0.5)
        sent = len(posts)
        gone.set()
    assert code == ExitStatus.INTERRUPTED, err
    assert took < WITHIN, f"{took:.2f}s"
    assert sent == 2, f"{sent} sender IDs sent: a setup started after the Ctrl-C"
    report = out + err
    assert report.count("before its setup started") == 3, report
    assert "Traceback" not in err


def test_ctrl_c_while_an_assignment_is_pending_says_it_was_sent(tmp_path: Path) -> None:
    """A campaign assignment's POST was sent and committed, and apply --wait polls it (pending for
    1,000 polls): after Ctrl-C the change is "may or may not have been done", never "interrupted
    before it started" (its change was marked started, as every other setup write's is)."""
    import requests

    number = "+13125550100"
    seed = {
        "phone_numbers": [number],
        "brands": [{"brandId": "b-1", "displayName": "Acme"}],
        "campaigns": [{"campaignId": "c-1", "brandId": "b-1"}],
    }
    doc = tmp_path / "sales.yaml"
    doc.write_text(
        f"name: Sales\nwhitelisted_destinations: [US]\nphone_numbers:\n  - {{number: '{number}', campaign_id: c-1}}\n"
    )
    with Sandbox("127.0.0.1", 0, order_polls=1000) as sb:
        auth = {"Authorization": f"Bearer {TEST_KEY}"}
        assert requests.post(sb.url.removesuffix("/v2") + "/_sandbox/reset", json=seed, headers=auth, timeout=10).ok
        sb.create({"name": "Sales", "whitelisted_destinations": ["US"]})
        proc = _start(["apply", "-f", str(doc), "--wait", "60"], sb.url)

        def polled() -> bool:
            paths = [(r.method, r.path) for r in sb.received]
            posted = ("POST", "/v2/10dlc/phone_number_campaigns") in paths
            return posted and paths[-1][0] == "GET" and paths[-1][1].startswith("/v2/10dlc/phone_number_campaigns/")

        _until(polled)
        code, out, err, took = _interrupt(proc)
    assert code == ExitStatus.INTERRUPTED, err
    report = out + err
    assert f"+ assign campaign {number} (campaign c-1): failed: interrupted: it may or may not have been done" in report
    assert "before it started" not in report
