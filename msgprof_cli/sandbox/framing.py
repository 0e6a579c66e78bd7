"""Reading a request body safely: Content-Length or chunked, size-capped, under one deadline.

Every malformed framing becomes an ``HttpError`` (4xx, API-shaped, connection closed), never an
exception that escapes the handler: ``Content-Length: abc`` or ``-1``, conflicting lengths, a
length or chunked body past the cap, broken chunk lines, and a body that does not arrive in time.
The deadline bounds the whole body, not each read, so a client trickling one byte at a time is
cut off too; ``HeaderDeadline`` does the same for the request line and headers.
"""

from __future__ import annotations

import io
import json
import re
import socket
import time
from collections.abc import Callable
from email.message import Message
from typing import Any, Protocol

from msgprof_cli.sandbox.errors import HttpError, api_error

MAX_BODY = 1024 * 1024
MAX_CHUNK_LINE = 4096
_DIGITS = re.compile(r"[0-9]{1,20}")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(;[^\r\n]*)?\r?\n")


class Buffered(Protocol):
    """What the handler's ``rfile`` (an ``io.BufferedReader``) offers."""

    def read(self, n: int, /) -> bytes: ...
    def read1(self, n: int, /) -> bytes: ...
    def peek(self, n: int, /) -> bytes: ...


def bad_request(detail: str, status: int = 400, title: str = "Bad Request") -> HttpError:
    return HttpError(status, [api_error("10015", title, detail)], {"Connection": "close"}, close=True)


class BodyReader:
    """Reads from ``rfile`` with the socket's timeout set to what is left of one deadline."""

    def __init__(
        self, rfile: Buffered, sock: socket.socket, timeout: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rfile, self.sock, self.clock = rfile, sock, clock
        self.deadline = clock() + timeout

    def _arm(self) -> None:
        left = self.deadline - self.clock()
        if left <= 0:
            raise _too_slow()
        self.sock.settimeout(left)

    def read(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            self._arm()
            try:
                chunk = self.rfile.read1(min(n - len(out), 65536))
            except TimeoutError:
                raise _too_slow() from None
            if not chunk:
                raise bad_request(f"the body ended after {len(out)} of {n} bytes")
            out += chunk
        return bytes(out)

    def readline(self, limit: int) -> bytes:
        out = bytearray()
        while not out.endswith(b"\n"):
            if len(out) > limit:
                raise bad_request("a chunk-size line is too long")
            self._arm()
            try:
                peeked = self.rfile.peek(1)[: limit + 1]
            except TimeoutError:
                raise _too_slow() from None
            if not peeked:
                raise bad_request("the chunked body ended early")
            end = peeked.find(b"\n")
            out += self.rfile.read(end + 1 if end >= 0 else len(peeked))
        return bytes(out)


class HeaderDeadline(io.RawIOBase):
    """The connection as the handler's ``rfile`` reads it: while armed, every read waits only for
    what is left of one deadline, so headers that trickle in (a byte every few seconds, each read
    well within the idle timeout) are cut off after a total time, not per read.  A read past the
    deadline raises ``TimeoutError``, which the stdlib handler answers by closing the connection."""

    def __init__(self, sock: socket.socket, clock: Callable[[], float] = time.monotonic) -> None:
        self.sock, self.clock = sock, clock
        self.deadline: float | None = None
        self.idle: float | None = None

    def arm(self, timeout: float) -> None:
        self.deadline, self.idle = self.clock() + timeout, timeout

    def disarm(self) -> None:
        """Headers done: the body has its own deadline (``BodyReader``)."""
        if self.deadline is not None:
            self.deadline = None
            try:
                self.sock.settimeout(self.idle)
            except OSError:
                pass

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - self.clock()
            if left <= 0:
                raise TimeoutError("the request line and headers did not arrive in time")
            self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


def _too_slow() -> HttpError:
    return bad_request("the request body did not arrive in time", 408, "Request Timeout")


def read_body(headers: Message, reader: BodyReader) -> bytes:
    """The body's bytes, as its framing headers say; ``HttpError`` for any malformed framing."""
    encodings = headers.get_all("Transfer-Encoding") or []
    lengths = headers.get_all("Content-Length") or []
    if encodings:
        if lengths:
            raise bad_request("Content-Length and Transfer-Encoding must not both be sent")
        if [e.strip().lower() for e in ",".join(encodings).split(",")] != ["chunked"]:
            raise bad_request(f"unsupported Transfer-Encoding: {','.join(encodings)[:40]}", 501, "Not Implemented")
        return _read_chunked(reader)
    if not lengths:
        return b""
    values = {v.strip() for v in lengths}
    if len(values) != 1 or not _DIGITS.fullmatch(next(iter(values))):
        shown = ", ".join(sorted(values))[:40]
        raise bad_request(f"Content-Length must be one non-negative integer, got {shown!r}")
    length = int(next(iter(values)))
    if length > MAX_BODY:
        raise bad_request(f"the body is {length} bytes; the limit is {MAX_BODY}", 413, "Request Entity Too Large")
    return reader.read(length) if length else b""


def _read_chunked(reader: BodyReader) -> bytes:
    body = bytearray()
    while True:
        match = _CHUNK_SIZE.fullmatch(reader.readline(MAX_CHUNK_LINE))
        if not match:
            raise bad_request("malformed chunk-size line in the chunked body")
        size = int(match.group(1), 16)
        if len(body) + size > MAX_BODY:
            raise bad_request(
                f"the chunked body exceeds the limit of {MAX_BODY} bytes", 413, "Request Entity Too Large"
            )
        if size == 0:
            break
        body += reader.read(size)
        if reader.readline(2).rstrip(b"\r\n") != b"":
            raise bad_request("a chunk is longer than its size line says")
    while reader.readline(MAX_CHUNK_LINE).rstrip(b"\r\n"):  # trailer fields: read and ignored
        pass
    return bytes(body)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number the API accepts")


def parse_json(raw: bytes) -> Any:
    """The JSON value of a body; 400 for anything that is not strict UTF-8 JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(
            400, [api_error("10015", "Bad Request", f"The request body is not UTF-8 (byte {exc.start}).")]
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:80]
        raise HttpError(
            400, [api_error("10015", "Bad Request", f"The request body is not valid JSON: {detail}.")]
        ) from None
