"""A scripted messaging-profile API on 127.0.0.1 for the never-duplicate create tests.

Each POST takes the next step from ``posts`` (then "ok"):

    ok           commit, answer 200
    429          answer 429, commit nothing (certainly not done)
    5xx          answer 500 (the API's own error), commit nothing
    commit-5xx   commit, then answer 500 (the server finished, badly)
    drop         commit, then close the connection without an answer
    lost         close the connection without an answer, commit nothing
    garbled      answer 200 with JSON nested 100,000 deep, commit nothing (a broken proxy)
    commit-garbled  commit, then answer 200 with that body (done, but unreadable)
    late         commit ``commit_delay`` seconds after receiving it; answer only after ``hold`` s

Each list (GET) takes the next step from ``looks`` (then "ok"): ok, 5xx, drop.  Every answer has
the standard library's ``Date`` header; profiles carry ``created_at`` in milliseconds.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from msgprof_cli.sandbox.server import stop_serving


class RawBody:
    """Bytes to answer as they are (bodies json.dumps cannot make)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ScriptedApi:
    def __init__(
        self, posts: list[str] | None = None, looks: list[str] | None = None, *, commit_delay: float = 0.0, hold: float = 5
    ) -> None:
        self.posts, self.looks = list(posts or []), list(looks or [])
        self.commit_delay, self.hold = commit_delay, hold
        self.profiles: list[dict[str, Any]] = []
        self.methods: list[str] = []
        self.lock = threading.Lock()
        self.timers: list[threading.Timer] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one segment (flushed after each request): written apart,
            # each keep-alive answer would wait 40 ms on Nagle + delayed ACK.
            wbufsize = 64 * 1024

            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                api.methods.append("POST")
                step = api.posts.pop(0) if api.posts else "ok"
                profile = {"id": str(uuid.uuid4()), "record_type": "messaging_profile", **body}
                if step in ("ok", "commit-5xx", "drop", "commit-garbled"):
                    api.commit(profile)
                if step == "ok":
                    return self.answer(200, {"data": profile})
                if step in ("garbled", "commit-garbled"):
                    return self.answer(200, RawBody(b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"))
                if step == "429":
                    return self.answer(429, {"errors": [{"code": "10011", "title": "Too many requests"}]})
                if step in ("5xx", "commit-5xx"):
                    return self.answer(500, {"errors": [{"code": "10007", "title": "x"}]})
                if step == "late":
                    timer = threading.Timer(api.commit_delay, api.commit, (profile,))
                    api.timers.append(timer)
                    timer.start()
                    self.connection.settimeout(api.hold)
                    try:  # hold the request until the client gives up and closes (or `hold` passes)
                        self.rfile.read(1)
                    except OSError:
                        pass
                self.close_connection = True  # drop / lost / late: no answer

            def do_GET(self) -> None:  # noqa: N802
                api.methods.append("GET")
                step = api.looks.pop(0) if api.looks else "ok"
                if step == "drop":
                    self.close_connection = True
                    return
                if step == "5xx":
                    return self.answer(503, {"errors": [{"code": "10007", "title": "x"}]})
                query = dict(parse_qsl(urlsplit(self.path).query))
                name = query.get("filter[name][eq]")
                with api.lock:
                    found = [p for p in api.profiles if name is None or p.get("name") == name]
                meta = {"total_pages": 1, "total_results": len(found), "page_number": 1, "page_size": 250}
                self.answer(200, {"data": found, "meta": meta})

            def answer(self, status: int, body: Any) -> None:
                data = body.raw if isinstance(body, RawBody) else json.dumps(body).encode()
                self.send_response(status)  # adds the Date header
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a held request must not hold up the test's exit
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def commit(self, profile: dict[str, Any], at: float | None = None) -> None:
        with self.lock:
            self.profiles.append({**profile, "created_at": iso(time.time() if at is None else at)})

    def settle(self) -> None:
        """Wait for late commits still pending (they are part of what the test checks)."""
        for timer in self.timers:
            timer.join()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v2"

    def __enter__(self) -> ScriptedApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        stop_serving(self.httpd)
        self.httpd.server_close()
