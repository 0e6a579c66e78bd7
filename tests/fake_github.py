"""A loopback stand-in for the few GitHub REST endpoints the sample workflow's scripts call.

Issue comments (list, create, update) and issues (list, create, update), paged with `per_page` and
`page` as GitHub pages them, behind a bearer token.  What the scripts post is kept, so a test can
say how many comments and issues there are and what they hold.  Only 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT = {"login": "github-actions[bot]", "type": "Bot"}


class FakeGitHub:
    def __init__(self, token: str, repo: str = "team/profiles") -> None:
        self.token = token
        self.repo = repo
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.issues: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self._ids = 1000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def add_comment(self, issue: int, body: str, user: dict[str, str] | None = None) -> dict[str, Any]:
        comment = {"id": self.next_id(), "body": body, "user": user or BOT}
        self.comments.setdefault(issue, []).append(comment)
        return comment

    def add_issue(self, title: str, body: str, user: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
        issue = {"number": len(self.issues) + 1, "title": title, "body": body, "state": "open", "user": user or BOT}
        self.issues.append(issue | extra)
        return self.issues[-1]

    def _route(self, method: str, path: str, query: dict[str, str], data: Any) -> tuple[int, Any]:
        prefix = f"/repos/{self.repo}/issues"
        if not path.startswith(prefix):
            return 404, {"message": "Not Found"}
        rest = path[len(prefix) :]
        per_page, page = int(query.get("per_page", "30")), int(query.get("page", "1"))

        def paged(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return items[(page - 1) * per_page : page * per_page]

        if m := re.fullmatch(r"/(\d+)/comments", rest):
            issue = int(m.group(1))
            if method == "GET":
                return 200, paged(self.comments.get(issue, []))
            if method == "POST":
                return 201, self.add_comment(issue, data["body"])
        if (m := re.fullmatch(r"/comments/(\d+)", rest)) and method == "PATCH":
            for comments in self.comments.values():
                for c in comments:
                    if c["id"] == int(m.group(1)):
                        c["body"] = data["body"]
                        return 200, c
            return 404, {"message": "Not Found"}
        if rest == "" and method == "GET":
            state = query.get("state", "open")
            return 200, paged([i for i in self.issues if state == "all" or i["state"] == state])
        if rest == "" and method == "POST":
            return 201, self.add_issue(data["title"], data.get("body", ""))
        if (m := re.fullmatch(r"/(\d+)", rest)) and method == "PATCH":
            number = int(m.group(1))
            if not 1 <= number <= len(self.issues):
                return 404, {"message": "Not Found"}
            self.issues[number - 1].update(
                {k: data[k] for k in ("title", "body", "state", "state_reason") if k in data}
            )
            return 200, self.issues[number - 1]
        return 404, {"message": "Not Found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append((self.command, self.path))
                    if self.headers.get("Authorization") != f"Bearer {fake.token}":
                        status, answer = 401, {"message": "Bad credentials"}
                    else:
                        try:
                            data = json.loads(raw) if raw else None
                        except ValueError:
                            status, answer = 400, {"message": "Problems parsing JSON"}
                        else:
                            status, answer = fake._route(self.command, parts.path, query, data)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = _serve

        return Handler
