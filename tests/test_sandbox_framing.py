"""The sandbox survives malformed requests: a 4xx in the API's error shape, never a traceback,
never a hang (issue 12, Deliver 8).  Raw sockets, because requests cannot send broken framing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.sandbox.server import Sandbox

GOOD = json.dumps({"name": "framed", "whitelisted_destinations": ["US"]}).encode()


def head(extra: str, method: str = "POST", path: str = "/v2/messaging_profiles") -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TEST_KEY}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], Any]:
    """One HTTP answer: status, headers (lower-cased), JSON body."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed without an answer after {buf!r}"
        buf += chunk
    raw_head, body = buf.split(b"\r\n\r\n", 1)
    lines = raw_head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk, "connection closed in the middle of the answer"
        body += chunk
    return int(lines[0].split()[1]), headers, json.loads(body)


def closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


@pytest.fixture
def sb(capsys: pytest.CaptureFixture[str]) -> Iterator[Sandbox]:
    with Sandbox("127.0.0.1", 0, read_timeout=2.0) as server:
        yield server
    assert "Traceback" not in capsys.readouterr().err


def talk(sb: Sandbox, data: bytes) -> tuple[int, dict[str, str], Any, socket.socket]:
    sock = socket.create_connection(sb.address, timeout=10)
    sock.sendall(data)
    status, headers, body = read_answer(sock)
    return status, headers, body, sock


def assert_api_error(body: Any, *words: str) -> None:
    assert isinstance(body, dict) and len(body["errors"]) == 1
    err = body["errors"][0]
    assert err["code"] == "10015" and err["title"] and err["detail"], err
    for word in words:
        assert word in err["detail"], err


@pytest.mark.parametrize(
    ("framing", "status", "words"),
    [
        ("Content-Length: abc\r\n", 400, ["Content-Length", "abc"]),
        ("Content-Length: -1\r\n", 400, ["Content-Length", "-1"]),
        ("Content-Length: +5\r\n", 400, ["Content-Length"]),
        ("Content-Length: 1e3\r\n", 400, ["Content-Length"]),
        ("Content-Length: 5\r\nContent-Length: 6\r\n", 400, ["Content-Length"]),
        ("Content-Length: 99999999999\r\n", 413, ["99999999999 bytes"]),
        ("Content-Length: 999999999999999999999999999\r\n", 400, ["Content-Length"]),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400, ["Transfer-Encoding"]),
        ("Transfer-Encoding: gzip\r\n", 501, ["gzip"]),
    ],
)
def test_bad_framing_gets_an_api_error_and_the_connection_closes(
    sb: Sandbox, framing: str, status: int, words: list[str]
) -> None:
    got, headers, body, sock = talk(sb, head(framing) + b"hello")
    with sock:
        assert got == status
        assert headers["content-type"] == "application/json" and headers["connection"] == "close"
        assert_api_error(body, *words)
        assert closed(sock)  # the stream is out of step: nothing more is read from it
    assert sb.profiles() == []


@pytest.mark.parametrize(
    ("chunked", "words"),
    [
        (b"zz\r\nhello\r\n0\r\n\r\n", ["chunk-size"]),
        (b"5\r\nhello world\r\n0\r\n\r\n", ["chunk"]),
        (b"-5\r\nhello\r\n0\r\n\r\n", ["chunk-size"]),
        (b"FFFFFFFFFF\r\n", ["exceeds the limit"]),
        (b"5;" + b"x" * 5000 + b"\r\nhello\r\n0\r\n\r\n", ["too long"]),
    ],
)
def test_bad_chunking_gets_400_or_413(sb: Sandbox, chunked: bytes, words: list[str]) -> None:
    got, _, body, sock = talk(sb, head("Transfer-Encoding: chunked\r\n") + chunked)
    with sock:
        assert got in (400, 413)
        assert_api_error(body, *words)
        assert closed(sock)


def test_a_good_chunked_body_is_read_whole(sb: Sandbox) -> None:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(GOOD[i : i + 7]), GOOD[i : i + 7]) for i in range(0, len(GOOD), 7))
    got, _, body, sock = talk(sb, head("Transfer-Encoding: chunked\r\n") + chunks + b"0\r\nX-Trailer: 1\r\n\r\n")
    with sock:
        assert got == 200 and body["data"]["name"] == "framed"
    assert [p["name"] for p in sb.profiles()] == ["framed"]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b'{"name": "x"', ["not valid JSON"]),
        (b'{"name": "\xff\xfe"}', ["not UTF-8"]),
        ('{"name": "é"}'.encode("utf-16"), ["not UTF-8"]),
        (b"[" * 100_000, ["nested too deeply"]),
        (b'{"name": NaN}', ["NaN"]),
        (b'{"name": 1' + b"0" * 5000 + b"}", ["not valid JSON"]),
    ],
)
def test_bad_bodies_get_400_and_the_connection_stays_usable(sb: Sandbox, payload: bytes, words: list[str]) -> None:
    got, _, body, sock = talk(sb, head(f"Content-Length: {len(payload)}\r\n") + payload)
    with sock:
        assert got == 400
        assert_api_error(body, *words)
        sock.sendall(head(f"Content-Length: {len(GOOD)}\r\n") + GOOD)  # same connection: framing was fine
        assert read_answer(sock)[0] == 200


@pytest.mark.parametrize(
    "request_line",
    [
        b"NONSENSE\r\n\r\n",
        b"GET /v2/messaging_profiles HTTP/9.9\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
    ],
)
def test_a_broken_request_line_gets_an_api_error(sb: Sandbox, request_line: bytes) -> None:
    got, _, body, sock = talk(sb, request_line)
    with sock:
        assert got in (400, 414, 505)
        assert body["errors"][0]["code"] == "10015" and body["errors"][0]["title"]


def test_an_unknown_method_gets_an_api_error(sb: Sandbox) -> None:
    got, _, body, sock = talk(sb, head("Content-Length: 0\r\n", method="BREW"))
    with sock:
        assert got == 501 and body["errors"][0]["title"]


def test_a_body_that_never_comes_is_cut_off() -> None:
    """A real (short) timeout: nothing else can show that a silent client does not hold a thread."""
    with Sandbox("127.0.0.1", 0, read_timeout=0.2) as server:
        got, headers, body, sock = talk(server, head("Content-Length: 100\r\n") + b'{"na')
        with sock:
            assert got == 408 and headers["connection"] == "close"
            assert_api_error(body, "did not arrive in time")
            assert closed(sock)


def test_a_trickled_body_is_cut_off_by_the_deadline_not_each_read() -> None:
    """The bytes arrive at once in real time, but the injected clock says 3 s pass per read: the
    second read finds the 5 s deadline gone, though no single read waited long."""
    ticks = iter(range(0, 30_000, 3))
    with Sandbox("127.0.0.1", 0, read_timeout=5.0, clock=lambda: float(next(ticks))) as server:
        sock = socket.create_connection(server.address, timeout=10)
        with sock:
            sock.sendall(head(f"Content-Length: {len(GOOD)}\r\n") + GOOD[:1])

            def trickle() -> None:  # the whole body keeps coming: only a total deadline stops it
                try:
                    for byte in GOOD[1:]:
                        sock.sendall(bytes([byte]))
                except OSError:
                    pass  # the server answered 408 and closed

            sender = threading.Thread(target=trickle)
            sender.start()
            status, _, body = read_answer(sock)
            sender.join(10)
        assert status == 408
        assert_api_error(body, "did not arrive in time")
        assert server.profiles() == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    length=st.one_of(st.integers(-5, 3000).map(str), st.text(st.characters(codec="latin-1"), max_size=12)),
    payload=st.binary(max_size=300),
)
def test_any_length_and_body_get_an_answer_in_the_api_shape(sb: Sandbox, length: str, payload: bytes) -> None:
    """Whatever the Content-Length and the bytes, the answer is 2xx or an API-shaped 4xx, or the
    wait for the rest of a body ends in 408: never a hang, never a 5xx, never a traceback."""
    length = length.replace("\r", "").replace("\n", "")
    sb.read_timeout = 0.01  # a body shorter than its length is cut off quickly (all bytes were sent)
    # That short deadline starts when the server begins to read (the head's too): so that it never
    # runs while a loaded machine has not yet run the sendall, the server takes the connection (a
    # thread, then reads) only once every byte is sent.  The kernel completes the connect meanwhile.
    sent = threading.Event()
    sb.httpd.verify_request = lambda request, client_address: sent.wait(30)  # type: ignore[method-assign]
    sock = socket.create_connection(sb.address, timeout=10)
    with sock:
        sock.sendall(head(f"Content-Length: {length}\r\n") + payload)
        sent.set()
        status, _, body = read_answer(sock)
    assert status < 500, body
    if status >= 400:
        assert body["errors"][0]["code"] and body["errors"][0]["title"], body


def test_the_sandbox_process_prints_no_traceback_for_hostile_requests(tmp_path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip().split("=", 1)[1]  # type: ignore[union-attr]
        host, port = url.split("//")[1].split("/")[0].split(":")
        hostile = [
            head("Content-Length: abc\r\n"),
            head("Content-Length: -1\r\n") + b"x",
            head("Transfer-Encoding: chunked\r\n") + b"nope\r\n",
            head("Content-Length: 3\r\n") + b"\xff\xfe\xfd",
            b"\x00\x01\x02 garbage\r\n\r\n",
        ]
        statuses = []
        for data in hostile:
            with socket.create_connection((host, int(port)), timeout=10) as sock:
                sock.sendall(data)
                statuses.append(read_answer(sock)[0])
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(head("Content-Length: 10\r\n") + b"abc")
            sock.shutdown(socket.SHUT_WR)  # the client goes away mid-body
            statuses.append(read_answer(sock)[0])
    finally:
        proc.send_signal(2)
        _, err = proc.communicate(timeout=10)
    assert statuses == [400, 400, 400, 400, 400, 400]
    assert "Traceback" not in err and "Error" not in err, err
