"""The sandbox's state file: one writer, only state files, bounded nesting, writes that cost the
same at any size and survive a kill; and the sandbox's host and header-time edges (issue 20 item 12,
issue 21 item 4)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.errors import InvalidInput, UsageError
from msgprof_cli.sandbox import state as sandbox_state
from msgprof_cli.sandbox.server import Sandbox

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
PROFILE: dict[str, object] = {"name": "Kept", "whitelisted_destinations": ["US"]}


def post(sb: Sandbox, body: dict[str, object]) -> dict[str, object]:
    r = requests.post(sb.url + "/messaging_profiles", json=body, headers=AUTH, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["data"]  # type: ignore[no-any-return]


def start_process(state: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--port", "0", "--state", str(state), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline() if proc.stdout else ""  # type: ignore[union-attr]
    return proc, line.strip().split("=", 1)[-1]


# --------------------------------------------------------------------------- one writer


def test_a_second_sandbox_on_the_same_file_refuses_to_start_and_the_first_keeps_its_own(
    cli, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as first:
        post(first, PROFILE)
        res = cli("sandbox", "--port", "0", "--state", str(state))
        assert res.exit_code == 2, res.output
        assert f"--state {state}: another sandbox (pid {os.getpid()}) is using this file" in res.stderr
        assert "one state file has one writer" in res.stderr and "listening" not in res.stderr
        with pytest.raises(UsageError):  # in-process too, through a symlink to the same file
            link = tmp_path / "link.json"
            link.symlink_to(state)
            Sandbox("127.0.0.1", 0, state_file=str(link))
        post(first, {"name": "Second", "whitelisted_destinations": ["US"]})
    assert [p["name"] for p in json.loads(state.read_text())["profiles"]] == ["Kept", "Second"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["link.json", "state.json"]  # no lock left
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as again:  # free once the first stopped
        assert [p["name"] for p in again.profiles()] == ["Kept", "Second"]


def test_a_sandbox_that_could_not_listen_gives_its_state_file_up(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with Sandbox("127.0.0.1", 0) as busy:
        with pytest.raises(OSError):
            Sandbox("127.0.0.1", busy.address[1], state_file=str(state))
    with Sandbox("127.0.0.1", 0, state_file=str(state)):
        pass


# --------------------------------------------------------------------------- only state files


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("profile.json", '{"name": "Support", "whitelisted_destinations": ["US"]}\n', "with the keys name"),
        ("profiles.json", '[{"name": "Support"}]\n', "a JSON list is not a sandbox state file"),
        ("profile.yaml", "name: Support\nwhitelisted_destinations: [US]\n", "cannot be loaded"),
        ("empty.json", "", "cannot be loaded"),
        ("deep.json", '{"metrics": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested more than 32 levels deep"),
        ("deep-a-little.json", '{"metrics": [' + "[" * 40 + "]" * 40 + "]}", "nested more than 32 levels deep"),
    ],
)
def test_a_file_that_is_not_sandbox_state_is_refused_and_left_as_it_is(
    cli, tmp_path: Path, name: str, text: str, words: str
) -> None:
    f = tmp_path / name
    f.write_text(text)
    before = f.read_bytes(), f.stat().st_mtime_ns
    res = cli("sandbox", "--port", "0", "--state", str(f))
    assert res.exit_code == 3, res.output
    assert words in res.stderr and "Traceback" not in res.stderr and "RecursionError" not in res.stderr
    assert (f.read_bytes(), f.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [name]  # no lock file left


def test_a_deeply_nested_state_file_is_refused_in_process_too(tmp_path: Path) -> None:
    f = tmp_path / "state.json"
    f.write_text('{"profiles": [' + "{" * 0 + "[" * 5_000 + "]" * 5_000 + "]}")
    with pytest.raises(InvalidInput, match="nested more than 32 levels deep"):
        Sandbox("127.0.0.1", 0, state_file=str(f))


# --------------------------------------------------------------------------- writes that scale


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.text("abcXYZ0123", min_size=1, max_size=12), min_size=0, max_size=12),
    assign=st.lists(st.integers(0, 29), max_size=10),
)
def test_what_a_sandbox_was_told_is_in_its_file_once_it_stops(tmp_path: Path, names: list[str], assign: list[int]) -> None:
    """Writes are batched, but a stopped sandbox has written every one: the file reloads to the
    same records, whatever was written and how quickly."""
    state = tmp_path / f"state-{len(names)}-{len(assign)}.json"
    state.unlink(missing_ok=True)
    numbers = [f"+1312555{i:04d}" for i in range(30)]
    state.write_text(json.dumps({"phone_numbers": numbers}))
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        ids = [post(sb, {"name": n, "whitelisted_destinations": ["US"]})["id"] for n in names]
        for i in assign:
            if ids:
                r = requests.patch(
                    f"{sb.url}/phone_numbers/{numbers[i]}/messaging",
                    json={"messaging_profile_id": ids[i % len(ids)]},
                    headers=AUTH,
                    timeout=10,
                )
                assert r.status_code == 200, r.text
        told = (sb.profiles(), sb.numbers())
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as again:
        assert (again.profiles(), again.numbers()) == told


def test_a_burst_of_writes_is_written_in_few_batches_not_once_each(tmp_path: Path) -> None:
    """The cost of a write no longer grows with the file: 100 writes to a state of 10,000 numbers
    rewrite it a few times (every FLUSH_INTERVAL at most), not 100 times."""
    state = tmp_path / "state.json"
    numbers = [f"+1312{i:07d}" for i in range(10_000)]
    with Sandbox("127.0.0.1", 0, state_file=str(state), numbers=numbers) as sb:
        sb.state.save()
        sb.state.close()  # write the seeded inventory now; a fresh State below measures the writes
    inodes: set[int] = set()
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        stop = threading.Event()

        def watch() -> None:  # each write is a new file renamed into place: a new inode
            while not stop.is_set():
                try:
                    inodes.add(state.stat().st_ino)
                except FileNotFoundError:
                    pass
                time.sleep(0.002)

        watcher = threading.Thread(target=watch)
        watcher.start()
        start = time.monotonic()
        with requests.Session() as s:
            for i in range(100):
                body = {"name": f"P{i}", "whitelisted_destinations": ["US"]}
                assert s.post(sb.url + "/messaging_profiles", json=body, headers=AUTH, timeout=10).ok
        took = time.monotonic() - start
        stop.set()
        watcher.join()
    # at most one write per interval while the writes ran (+ the one before the first), and the last on stop
    assert len(inodes) <= took / sandbox_state.FLUSH_INTERVAL + 2
    saved = json.loads(state.read_text())
    assert len(saved["profiles"]) == 100 and len(saved["phone_numbers"]) == 10_000


def test_a_killed_sandbox_loses_at_most_the_last_batch_never_the_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    proc, url = start_process(state)
    try:
        with requests.Session() as s:
            for i in range(5):
                assert s.post(url + "/messaging_profiles", json={**PROFILE, "name": f"early {i}"}, headers=AUTH).ok
            time.sleep(4 * sandbox_state.FLUSH_INTERVAL)  # the early batch is written by now
            for i in range(20):
                assert s.post(url + "/messaging_profiles", json={**PROFILE, "name": f"late {i}"}, headers=AUTH).ok
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)
    names = [p["name"] for p in json.loads(state.read_text())["profiles"]]  # whole, valid JSON
    assert names[:5] == [f"early {i}" for i in range(5)]
    assert names[5:] == [f"late {i}" for i in range(len(names) - 5)]  # a prefix of the late ones
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as again:  # the killed one's lock is free
        assert len(again.profiles()) == len(names)


# --------------------------------------------------------------------------- host and headers


def test_an_ipv4_mapped_every_interface_host_warns_and_prints_a_url_msgprof_accepts(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with Sandbox("::ffff:0.0.0.0", 0) as sb:
        assert sb.everywhere and sb.url.startswith("http://127.0.0.1:")
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        assert cli("create", "--name", "Mapped", "--whitelist", "US").exit_code == 0
        assert [p["name"] for p in sb.profiles()] == ["Mapped"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--host", "::ffff:0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert line.startswith("export TELNYX_BASE_URL=http://127.0.0.1:")
    assert "--host ::ffff:0.0.0.0 listens on every interface" in err


def test_headers_that_trickle_in_are_cut_after_a_total_time_not_per_read() -> None:
    """Real bytes, injected time: each read sees 3 s pass, so the third finds the 5 s header time
    gone, though no single read waited long; the server closes without answering."""
    ticks = iter(range(0, 3_000_000, 3))
    with Sandbox("127.0.0.1", 0, read_timeout=5.0, clock=lambda: float(next(ticks))) as server:
        sock = socket.create_connection(server.address, timeout=10)
        with sock:
            request = b"GET /v2/messaging_profiles HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40 + b"\r\n\r\n"
            sent = 0
            try:
                for byte in request:
                    sock.sendall(bytes([byte]))
                    sent += 1
                    time.sleep(0.005)  # one read each
            except OSError:
                pass  # closed by the server
            sock.settimeout(5)
            try:
                answer = sock.recv(1024)
            except OSError:
                answer = b""
    assert answer == b""  # cut: no answer at all
    assert sent < len(request) or server.received == []
    assert server.received == []


def test_a_state_file_nobody_changed_is_left_as_its_owner_wrote_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"phone_numbers": ["+12025550100"]}')  # by hand, one line
    before = state.read_bytes(), state.stat().st_mtime_ns
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        assert requests.get(sb.url + "/messaging_profiles", headers=AUTH, timeout=10).ok  # reads only
    assert (state.read_bytes(), state.stat().st_mtime_ns) == before
