"""A real HTTP server on 127.0.0.1 that gives one canned answer to every request.

The sandbox answers like the API; this gives the malformed answers a broken gateway can give
(truncated JSON, HTML, empty bodies, a 200 without `data`), so the client's handling of them is
tested over real HTTP, never by patching requests.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from msgprof_cli.sandbox.server import stop_serving


class Canned:
    def __init__(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or {}
        self.hits: list[tuple[str, str]] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one segment (flushed after each request): written apart,
            # each keep-alive answer would wait 40 ms on Nagle + delayed ACK.
            wbufsize = 64 * 1024

            def log_message(self, *a: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                canned.hits.append((self.command, self.path))
                self.send_response(canned.status)
                self.send_header("Content-Type", canned.content_type)
                self.send_header("Content-Length", str(len(canned.body)))
                for k, v in canned.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(canned.body)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v2"

    def __enter__(self) -> Canned:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        stop_serving(self.httpd)
        self.httpd.server_close()


class Scripted(Canned):
    """Answers requests in order from a script of (status, body) pairs; status None drops the connection."""

    def __init__(self, script: list[tuple[int | None, bytes]]) -> None:
        super().__init__(200, b"")
        self.script = list(script)
        outer = self
        base = self.httpd.RequestHandlerClass

        class Handler(base):  # type: ignore[misc, valid-type]
            def _answer(self) -> None:
                status, body = outer.script.pop(0) if outer.script else (503, b"")
                if status is None:
                    length = int(self.headers.get("Content-Length") or 0)
                    if length:
                        self.rfile.read(length)
                    outer.hits.append((self.command, self.path))
                    self.close_connection = True
                    return
                outer.status, outer.body = status, body
                super()._answer()

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

        self.httpd.RequestHandlerClass = Handler
