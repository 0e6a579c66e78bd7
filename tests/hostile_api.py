"""A hostile messaging API on 127.0.0.1: it keeps duplicates, commits late, and answers odd ids.

Unlike the sandbox it never refuses a duplicate sender ID or auto-response, so a client that sends
a create twice makes two.  It serves profiles (list by name, get, delete), phone numbers'
messaging settings (list, PATCH), bulk orders (POST, GET), sender IDs and auto-responses.

* ``late``: how many POSTs answer nothing.  Such a POST is not committed at once: the connection
  is dropped, and the record appears when the ``commit_after``-th request after it arrives (a
  commit that is late in requests, not in wall time: the tests run on the fake clock).
* ``refuse``: a function of (path, body) giving an error ``detail``: answered 422 with it.
* ``gateway``: a late POST is answered with this status (502, 503, 504, 408) by a "gateway" in
  front of the server, instead of a dropped connection; the backend still commits it late.
* ``ignore_filters``: lists answer every record, whatever ``filter[messaging_profile_id]`` says.
* ``oversize``: lists answer every item in one page, whatever ``page[size]`` asked (otherwise
  pages are cut as asked, 20 a page by default, as the API does).
* Records are stored as they will be answered: a test may put any JSON as an id (``".."``, ``12``,
  ``None``, an object) and leave out defaulted fields.  ``paths`` lists every request (method,
  raw path), as the server received it.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from msgprof_cli.sandbox.server import stop_serving


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Refuse = Callable[[str, dict[str, Any]], "str | None"]


class HostileApi:
    def __init__(
        self,
        *,
        late: int = 0,
        commit_after: int = 1,
        refuse: Refuse | None = None,
        gateway: int | None = None,
        ignore_filters: bool = False,
        oversize: bool = False,
    ) -> None:
        self.late, self.commit_after, self.refuse = late, commit_after, refuse
        self.gateway, self.ignore_filters, self.oversize = gateway, ignore_filters, oversize
        self.profiles: list[dict[str, Any]] = []
        self.numbers: list[dict[str, Any]] = []
        self.senders: list[dict[str, Any]] = []
        self.autoresp: list[dict[str, Any]] = []  # each with "profile" (not answered)
        self.short_codes: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.paths: list[tuple[str, str]] = []
        self.headers: dict[str, str] = {}  # the last request's headers
        self.query: dict[str, str] = {}
        self.held: list[tuple[int, Callable[[], None]]] = []  # (commit at request number, commit)
        self.lock = threading.RLock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 64 * 1024

            def log_message(self, *a: Any) -> None:
                pass

            def _any(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw) if raw else {}
                with api.lock:
                    api.headers = dict(self.headers)  # what an echoing server quotes back
                    api.paths.append((self.command, self.path))
                    api._commit_due()
                    answer = api.handle(self.command, self.path, body)
                if answer is None and api.gateway is not None:  # a gateway gave up waiting
                    reason = {408: "Request Timeout", 502: "Bad Gateway", 503: "Service Unavailable"}
                    title = reason.get(api.gateway, "Gateway Timeout")
                    out = f"<html><body><h1>{api.gateway} {title}</h1></body></html>".encode()
                    self.send_response(api.gateway)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                if answer is None:  # no answer at all
                    self.close_connection = True
                    return
                status, data = answer
                out = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # ------------------------------------------------------------------ state helpers

    def profile(self, name: str, pid: Any = None, **fields: Any) -> Any:
        pid = str(uuid.uuid4()) if pid is None else pid
        self.profiles.append({"id": pid, "name": name, "created_at": "2026-01-01T00:00:00.000Z", **fields})
        return pid

    def number(self, phone: str, nid: Any = None, owner: str | None = None) -> None:
        self.numbers.append(
            {"id": phone.strip("+") if nid is None else nid, "phone_number": phone, "messaging_profile_id": owner}
        )

    def posts(self, suffix: str) -> int:
        return sum(1 for m, p in self.paths if m == "POST" and urlsplit(p).path.endswith(suffix))

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.paths if m != "GET"]

    def _commit_due(self) -> None:
        n = len(self.paths)
        for item in [h for h in self.held if h[0] <= n]:
            self.held.remove(item)
            item[1]()

    def _store(self, commit: Callable[[], None]) -> bool:
        """Commit now, or (a late POST) when the commit_after-th next request arrives: False then."""
        if self.late > 0:
            self.late -= 1
            self.held.append((len(self.paths) + self.commit_after, commit))
            return False
        commit()
        return True

    # ------------------------------------------------------------------ routes

    def handle(self, method: str, raw: str, body: dict[str, Any]) -> tuple[int, Any] | None:
        split = urlsplit(raw)
        parts = [unquote(p) for p in split.path.split("/")[2:]]  # after /v2
        query = dict(parse_qsl(split.query))
        self.query = query  # under the lock: the page asked for
        if method == "POST" and self.refuse is not None:
            detail = self.refuse(split.path, body)
            if detail is not None:
                return 422, {"errors": [{"code": "10015", "title": "Invalid value", "detail": detail}]}
        if parts[0] == "messaging_profiles":
            return self._profiles(method, parts[1:], query, body)
        if parts[0] == "phone_numbers":
            return self._numbers(method, parts[1:], query, body)
        if parts[0] == "messaging_numbers_bulk_updates":
            return self._orders(method, parts[1:], body)
        if parts[0] == "alphanumeric_sender_ids":
            return self._senders(method, parts[1:], query, body)
        return 404, {"errors": [{"code": "10005", "title": "Not found"}]}

    def _page(self, items: list[dict[str, Any]]) -> tuple[int, Any]:
        if self.oversize:
            return 200, {"data": items, "meta": {"total_pages": 1, "total_results": len(items)}}
        size, number = int(self.query.get("page[size]", 20)), int(self.query.get("page[number]", 1))
        pages = max(1, -(-len(items) // size))
        data = items[(number - 1) * size : number * size]
        return 200, {"data": data, "meta": {"total_pages": pages, "total_results": len(items)}}

    def _owner(self, query: dict[str, str]) -> str | None:
        return None if self.ignore_filters else query.get("filter[messaging_profile_id]")

    def _profiles(self, method: str, parts: list[str], query: dict[str, str], body: Any) -> tuple[int, Any] | None:
        if not parts and method == "POST":
            record = {"id": str(uuid.uuid4()), "created_at": iso_now(), **body}
            return (200, {"data": record}) if self._store(lambda: self.profiles.append(record)) else None
        if not parts:
            name = query.get("filter[name][eq]")
            return self._page([p for p in self.profiles if name is None or p["name"] == name])
        found = [p for p in self.profiles if p["id"] == parts[0]]
        if not found:
            return 404, {"errors": [{"code": "10005", "title": "Not found"}]}
        if len(parts) == 1:
            if method == "DELETE":
                self.profiles.remove(found[0])
            return 200, {"data": found[0]}
        if parts[1] == "autoresp_configs":
            return self._autoresp(method, parts[0], parts[2:], body)
        mine = None if self.ignore_filters else parts[0]  # ignore_filters: the profile in the path too
        related = {
            "phone_numbers": [n for n in self.numbers if mine is None or n["messaging_profile_id"] == mine],
            "alphanumeric_sender_ids": [s for s in self.senders if mine is None or s["messaging_profile_id"] == mine],
            "short_codes": [c for c in self.short_codes if mine is None or c["messaging_profile_id"] == mine],
        }
        return self._page(related.get(parts[1], []))

    def _autoresp(self, method: str, pid: str, parts: list[str], body: Any) -> tuple[int, Any] | None:
        if not parts and method == "GET":
            return self._page(
                [{k: v for k, v in c.items() if k != "profile"} for c in self.autoresp if c["profile"] == pid]
            )
        if not parts and method == "POST":
            config = {"id": str(uuid.uuid4()), "profile": pid, **body}
            answer = {k: v for k, v in config.items() if k != "profile"}
            return (200, {"data": answer}) if self._store(lambda: self.autoresp.append(config)) else None
        found = [c for c in self.autoresp if c["profile"] == pid and c["id"] == parts[0]]
        if not found:
            return 404, {"errors": [{"code": "10005", "title": "Not found"}]}
        if method == "DELETE":
            self.autoresp.remove(found[0])
            return 200, "OK"
        found[0].update(body)
        return 200, {"data": {k: v for k, v in found[0].items() if k != "profile"}}

    def _numbers(self, method: str, parts: list[str], query: dict[str, str], body: Any) -> tuple[int, Any] | None:
        if parts == ["messaging"]:
            wanted = query.get("filter[phone_number]")
            owner = self._owner(query)
            items = [
                n
                for n in self.numbers
                if (wanted is None or n["phone_number"] in wanted.split(","))
                and (owner is None or n["messaging_profile_id"] == owner)
            ]
            return self._page(items)
        found = [n for n in self.numbers if str(n["id"]) == parts[0]]
        if not found:
            return 404, {"errors": [{"code": "10005", "title": "Not found"}]}
        found[0]["messaging_profile_id"] = body.get("messaging_profile_id") or None
        return 200, {"data": found[0]}

    def _orders(self, method: str, parts: list[str], body: Any) -> tuple[int, Any] | None:
        if method == "GET":
            return 200, {"data": self.orders[parts[0]]}
        order: dict[str, Any] = {"order_id": str(uuid.uuid4()), "success": [], "pending": [], "failed": []}

        def commit() -> None:
            for phone in body["numbers"]:
                found = [n for n in self.numbers if n["phone_number"] == phone]
                for n in found:
                    n["messaging_profile_id"] = body["messaging_profile_id"] or None
                order["success" if found else "failed"].append(phone)
            self.orders[order["order_id"]] = order

        return (200, {"data": order}) if self._store(commit) else None

    def _senders(self, method: str, parts: list[str], query: dict[str, str], body: Any) -> tuple[int, Any] | None:
        if method == "GET":
            pid = self._owner(query)
            return self._page([s for s in self.senders if pid is None or s["messaging_profile_id"] == pid])
        if method == "POST":
            record = {"id": str(uuid.uuid4()), **body}  # a fallback not given is left out, as the API may
            return (200, {"data": record}) if self._store(lambda: self.senders.append(record)) else None
        found = [s for s in self.senders if s["id"] == parts[0]]
        if not found:
            return 404, {"errors": [{"code": "10005", "title": "Not found"}]}
        self.senders.remove(found[0])
        return 200, {"data": found[0]}

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v2"

    def __enter__(self) -> HostileApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        stop_serving(self.httpd)
        self.httpd.server_close()
