"""``msgprof sandbox -- COMMAND`` fails closed (issue 30 deliverable 3), and ``--host`` says what
msgprof does with a non-loopback URL (issue 28, a low).

Invariants, each against a real msgprof process and a real sandbox:
* COMMAND sees the sandbox's URL and key, whatever the caller's environment holds (a real-looking
  key and the real API's URL), and no ``MSGPROF_ACCOUNT``;
* msgprof exits with COMMAND's status (128 + N when signal N ended it; 127 not found, 126 not
  runnable);
* the sandbox is gone afterwards: its port refuses connections;
* a SIGINT sent to msgprof reaches COMMAND, and both stop.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_msgprof

CALLER = {
    "TELNYX_API_KEY": "KEY-of-the-real-account-0000",
    "TELNYX_BASE_URL": "https://api.telnyx.com/v2",
    "MSGPROF_ACCOUNT": "prod",
}
PY = sys.executable


def url_in(text: str) -> str:
    found = re.search(r"sandbox listening on (http://\S+?/v2)", text)
    assert found, text
    return found.group(1)


def closed(url: str) -> bool:
    host, port = re.match(r"http://\[?([^\]/]+?)\]?:(\d+)/v2", url).groups()  # type: ignore[union-attr]
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False


def test_env_shows_the_sandboxs_url_and_key_whatever_the_caller_holds() -> None:
    done = run_msgprof("sandbox", "--port", "0", "--", "env", env=CALLER)
    assert done.returncode == 0, done.stderr
    env = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    url = url_in(done.stderr)
    assert env["TELNYX_BASE_URL"] == url and url.startswith("http://127.0.0.1:")
    assert env["TELNYX_API_KEY"] == "sandbox-key"
    assert "MSGPROF_ACCOUNT" not in env
    assert "KEY-of-the-real-account" not in done.stdout + done.stderr
    assert "export " not in done.stdout  # stdout is COMMAND's alone
    assert done.stderr.rstrip().endswith("msgprof: sandbox stopped")
    assert closed(url)


def test_the_key_given_to_the_sandbox_is_the_one_command_gets() -> None:
    done = run_msgprof("sandbox", "--port", "0", "--api-key", "local-token", "--", "env", env=CALLER)
    assert done.returncode == 0, done.stderr
    assert "TELNYX_API_KEY=local-token" in done.stdout.splitlines()


def test_msgprof_inside_reaches_the_sandbox_not_the_account_in_the_callers_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"  # an account whose URL would be unreachable, chosen by env
    config.write_text("default_account: prod\naccounts:\n  prod:\n    base_url: https://192.0.2.1/v2\n    api_key: K\n")
    config.chmod(0o600)
    done = run_msgprof(
        "sandbox", "--port", "0", "--demo-data", "--", PY, "-m", "msgprof_cli", "list", "--json",
        env={**CALLER, "MSGPROF_CONFIG": str(config)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p["name"] for p in __import__("json").loads(done.stdout)) == ["Demo Alerts", "Demo Marketing", "Demo US Senders"]


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["sh", "-c", "exit 7"], 7),
        (["sh", "-c", "exit 0"], 0),
        (["sh", "-c", "exit 255"], 255),
        (["sh", "-c", "kill -TERM $$"], 128 + signal.SIGTERM),
        (["no-such-command-msgprof"], 127),
        (["/"], 126),
    ],
)
def test_commands_status_comes_back_and_the_sandbox_is_gone(argv: list[str], status: int) -> None:
    done = run_msgprof("sandbox", "--port", "0", "--", *argv)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    if status == 127:
        assert "no-such-command-msgprof: command not found" in done.stderr
    if status == 126:
        assert "/: cannot run it" in done.stderr
    assert closed(url_in(done.stderr))


def test_a_sigint_to_msgprof_stops_the_command_and_the_sandbox(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    child = (
        "import os, sys, time\n"
        f"open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
        "try:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    sys.exit(130)\n"
    )
    proc = subprocess.Popen(
        [PY, "-m", "msgprof_cli", "sandbox", "--port", "0", "--", PY, "-c", child],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        for _ in range(400):
            if marker.exists() and marker.read_text():
                break
            time.sleep(0.025)
        child_pid = int(marker.read_text())
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert took < 5
    with pytest.raises(ProcessLookupError):
        os.kill(child_pid, 0)
    assert closed(url_in(err))


def non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (a UDP connect sends nothing)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))
        address = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_a_non_loopback_host_warns_what_msgprof_will_do_with_its_url() -> None:
    address = non_loopback_address()
    if address is None:  # no network interface: the warning's logic, on an address object
        from msgprof_cli.settings import is_loopback

        assert not is_loopback("192.0.2.2")
        return
    done = run_msgprof("sandbox", "--port", "0", "--host", address, "--", "env")
    assert done.returncode == 0, done.stderr
    url = url_in(done.stderr)
    assert url.startswith(f"http://{address}:")
    assert (
        f"warning: --host {address} is not a loopback address: other machines can reach the sandbox, and msgprof "
        f"refuses to send a key over plain http to {url} (exit 4)"
    ) in " ".join(done.stderr.split())
    # and msgprof does refuse it, as the warning says
    inside = run_msgprof("list", env={"TELNYX_BASE_URL": url, "TELNYX_API_KEY": "k"})
    assert inside.returncode == 4, inside.stderr


def test_a_loopback_host_does_not_warn() -> None:
    done = run_msgprof("sandbox", "--port", "0", "--host", "localhost", "--", "true")
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr


def background_recipe() -> str:
    from conftest import ROOT

    text = (ROOT / "docs" / "sandbox.md").read_text(encoding="utf-8")
    block = text.split("<!-- background-recipe -->", 1)[1].split("<!-- /background-recipe -->", 1)[0]
    return block.split("```sh\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("port_busy", [True, False])
def test_the_documented_background_recipe_fails_closed(tmp_path: Path, port_busy: bool) -> None:
    """The recipe in docs/sandbox.md, run as written (its port swapped): when the sandbox cannot
    start, nothing reaches the API the caller's key points at; when it starts, msgprof uses it."""
    from conftest import ROOT

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        if not port_busy:
            busy.close()
        script = background_recipe().replace("--port 8765", f"--port {port}")
        env = {
            **os.environ,
            **CALLER,
            "TELNYX_BASE_URL": f"http://127.0.0.1:{port}/v2",  # what a stale shell would still hold
            "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        }
        done = subprocess.run(
            ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
        )
    if port_busy:
        assert done.returncode == 1, done.stderr
        assert "the sandbox did not start" in done.stderr and done.stdout == ""
        assert not (tmp_path / "sandbox.env").exists()
    else:
        assert done.returncode == 0, done.stderr
        assert done.stdout.split()[:5] == ["ID", "NAME", "ENABLED", "DESTINATIONS", "CREATED"]
        assert "Demo Alerts" in done.stdout
        assert closed(f"http://127.0.0.1:{port}/v2")


def test_ctrl_c_at_a_terminal_reaches_the_command_once_and_stops_both(tmp_path: Path) -> None:
    """In a pseudo-terminal, Ctrl-C goes to the whole foreground group, the command included:
    msgprof waits for it, stops the sandbox, and gives the command's 130.  (A second SIGINT sent
    at once would be merged with the first by Python's signal handling, so the count of 1 does not
    by itself show that msgprof sent none: wrap.py's terminal check is what keeps it from doing so.)"""
    import pty

    marker, count = tmp_path / "child.pid", tmp_path / "count"
    child = (
        "import os, signal, sys, time\n"
        "n = []\n"
        "signal.signal(signal.SIGINT, lambda *a: n.append(1))\n"
        f"open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
        "deadline = time.monotonic() + 30\n"
        "while not n and time.monotonic() < deadline: time.sleep(0.01)\n"
        "time.sleep(0.5)  # a second SIGINT would arrive in this time\n"
        f"open({str(count)!r}, 'w').write(str(len(n)))\n"
        "sys.exit(130)\n"
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session leader with the pty as its controlling terminal
        os.execv(PY, [PY, "-m", "msgprof_cli", "sandbox", "--port", "0", "--", PY, "-c", child])
    output = b""
    os.set_blocking(fd, False)
    done = 0
    try:
        for _ in range(400):
            if marker.exists() and marker.read_text():
                break
            time.sleep(0.025)
        os.write(fd, b"\x03")  # Ctrl-C, as typed
        deadline = time.monotonic() + 15
        status = 0
        while time.monotonic() < deadline:
            try:
                output += os.read(fd, 4096)
            except OSError:
                pass
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.02)
    finally:
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert done and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130, output
    assert count.read_text() == "1", output
    assert b"sandbox stopped" in output


def test_a_sandbox_that_cannot_start_never_runs_the_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        done = run_msgprof("sandbox", "--port", port, "--", "touch", str(marker), env=CALLER)
    assert done.returncode == 2 and "cannot listen on" in done.stderr, done.stderr
    bad = tmp_path / "state.json"
    bad.write_text('{"profiles": [{"id": "a", "name": "A", "webhook_api_version": "9"}]}')
    refused = run_msgprof("sandbox", "--port", "0", "--state", str(bad), "--", "touch", str(marker))
    assert refused.returncode == 3 and "profiles[0].webhook_api_version" in refused.stderr, refused.stderr
    assert not marker.exists()
