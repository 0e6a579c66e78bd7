"""A raw TCP server on 127.0.0.1 that plays one function per connection: for the answers no
well-behaved HTTP server gives (a trickle, an endless body), to test that the client bounds them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

Play = Callable[[socket.socket], None]


class RawServer:
    def __init__(self, play: Play) -> None:
        self.play = play
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.stopped = threading.Event()
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v2"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                buf = b""
                while b"\r\n\r\n" not in buf:  # the request head; these tests send GETs
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                self.requests += 1
                self.play(conn)
            except OSError:
                pass  # the client hung up: that is what these tests want to see

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()


def trickle(data: bytes, every: float = 0.05, head: bytes = b"") -> Play:
    """Send ``head`` at once, then ``data`` one byte at a time, then stay open and silent."""

    def play(conn: socket.socket) -> None:
        conn.sendall(head)
        for b in data:
            conn.sendall(bytes([b]))
            time.sleep(every)
        time.sleep(5)

    return play


CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


def endless_body(chunk: bytes = b"x" * 65536, head: bytes = CHUNKED) -> Play:
    """A chunked answer that never ends (until the client stops reading)."""

    def play(conn: socket.socket) -> None:
        conn.sendall(head)
        piece = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        for _ in range(100_000):  # ~6 GiB: far more than any cap
            conn.sendall(piece)

    return play
