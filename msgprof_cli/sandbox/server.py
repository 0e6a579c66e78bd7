"""A local Telnyx-compatible messaging-profile API, on the standard library's HTTP server.

It serves every messaging-profile endpoint of the official spec under ``/v2``, answers errors in
the spec's format (``errors[]`` with ``code``, ``title``, ``detail``, ``source``), and can inject
faults deterministically (``seed``): latency, rate limits (429), 5xx answers (some with HTML
bodies, as gateways send) and dropped connections after the change was committed.

It imports nothing from the CLI layer.  Every request is recorded in ``received`` so in-process
tests can assert what reached the server.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import re
import secrets
import socket
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from msgprof_cli.document.document import Document, format_path
from msgprof_cli.document.rules import RULES_BY_NAME
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import InvalidInput

MAX_PAGE_SIZE = 250
MAX_BODY = 1024 * 1024
TIME_FRAMES = ("1h", "3h", "24h", "3d", "7d", "30d")
RELATED = ("phone_numbers", "short_codes", "alphanumeric_sender_ids")
ORGANIZATION_ID = "9f2d3c52-1c6e-4a52-9d47-0b6c3f7a1e00"

# Defaults the spec documents for fields a create does not give.
CREATE_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "webhook_url": "",
    "webhook_failover_url": "",
    "webhook_api_version": "2",
    "alpha_sender": None,
    "daily_spend_limit_enabled": False,
    "mms_fall_back_to_sms": False,
    "mms_transcoding": False,
    "mobile_only": False,
    "smart_encoding": False,
    "health_webhook_url": None,
    "ai_assistant_id": None,
    "resource_group_id": None,
    "number_pool_settings": None,
    "url_shortener_settings": None,
    "redaction_enabled": False,
    "redaction_level": 2,
}
POOL_DEFAULTS = {"sticky_sender": False, "geomatch": False}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def api_error(
    code: str, title: str, detail: str | None = None, pointer: str | None = None, parameter: str | None = None
) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "title": title}
    if detail:
        err["detail"] = detail
    if pointer is not None:
        err["source"] = {"pointer": pointer}
    elif parameter is not None:
        err["source"] = {"parameter": parameter}
    return err


class HttpError(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.headers = headers or {}


@dataclass
class Faults:
    latency_ms: float = 0.0
    rate_limit: int = 0  # requests per second; 0 = none
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int | None = None
    rng: random.Random = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _window: int = field(default=0, init=False)
    _count: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def rate_check(self) -> dict[str, str] | None:
        """None if allowed; else the 429 headers."""
        if not self.rate_limit:
            return None
        with self.lock:
            now = time.time()
            window = int(now)
            if window != self._window:
                self._window, self._count = window, 0
            self._count += 1
            remaining = self.rate_limit - self._count
            if remaining >= 0:
                return None
            reset = max(1, math.ceil(window + 1 - now))
            return {
                "x-ratelimit-limit": str(self.rate_limit),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(reset),
            }

    def draw(self) -> tuple[bool, int, bool, bool]:
        """(fail?, fail status, fail with HTML?, drop?) drawn in one go so runs are reproducible."""
        with self.lock:
            fail = self.rng.random() < self.fail_rate
            status = self.rng.choice((500, 502, 503, 504))
            html = self.rng.random() < 0.5
            drop = self.rng.random() < self.drop_rate
        return fail, status, html, drop


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    peer: tuple[str, int] = ("", 0)  # the client's address: one per TCP connection


class State:
    """Profiles and related records, saved atomically to a JSON file when one is given."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.profiles: dict[str, dict[str, Any]] = {}
        self.related: dict[str, list[dict[str, Any]]] = {k: [] for k in RELATED}
        if path and os.path.exists(path):
            try:
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                for p in data.get("profiles", []):
                    self.profiles[p["id"]] = p
                for k in RELATED:
                    self.related[k] = list(data.get(k, []))
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                raise InvalidInput(
                    f"sandbox state file {path}: cannot be loaded ({exc})",
                    hint="fix it, or move it away to start with an empty sandbox",
                ) from None

    def save(self) -> None:
        if not self.path:
            return
        data = {"profiles": list(self.profiles.values()), **self.related}
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".sandbox-state-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)  # atomic: readers see the old file or the new one, never half
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


class Sandbox:
    """The server.  ``start()`` runs it in a thread (tests); ``serve_forever()`` in the foreground."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state_file: str | None = None,
        api_key: str | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.state = State(state_file)
        self.api_key = api_key
        self.faults = faults or Faults()
        self.received: list[Received] = []
        self._received_lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address = self.httpd.server_address
        host, port = str(address[0]), address[1]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/v2"

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="msgprof-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ helpers for tests and users

    def record(self, item: Received) -> None:
        with self._received_lock:
            self.received.append(item)

    def writes(self) -> list[Received]:
        return [r for r in self.received if r.method in ("POST", "PATCH", "DELETE")]

    def seed(self, kind: str, profile_id: str, item: dict[str, Any]) -> dict[str, Any]:
        """Attach a phone number, short code or sender id to a profile."""
        record = {"id": str(uuid.uuid4()), "messaging_profile_id": profile_id, **item}
        with self.state.lock:
            self.state.related[kind].append(record)
            self.state.save()
        return record

    def profiles(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(p) for p in self.state.profiles.values()]

    # ------------------------------------------------------------------ API operations

    def create(self, body: Any) -> dict[str, Any]:
        payload = self._validated(body, "create")
        now = now_iso()
        profile: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "record_type": "messaging_profile",
            **CREATE_DEFAULTS,
            "created_at": now,
            "updated_at": now,
            "v1_secret": secrets.token_urlsafe(18)[:24],
            "organization_id": ORGANIZATION_ID,
        }
        self._merge(profile, payload)
        with self.state.lock:
            self.state.profiles[profile["id"]] = profile
            self.state.save()
        return profile

    def update(self, profile_id: str, body: Any) -> dict[str, Any]:
        payload = self._validated(body, "update")
        with self.state.lock:
            profile = self._get(profile_id)
            self._merge(profile, payload)
            profile["updated_at"] = _later(profile["updated_at"])
            self.state.save()
            return dict(profile)

    def delete(self, profile_id: str) -> dict[str, Any]:
        with self.state.lock:
            profile = self._get(profile_id)
            del self.state.profiles[profile_id]
            self.state.save()
            return profile

    def regenerate(self, profile_id: str) -> dict[str, Any]:
        with self.state.lock:
            profile = self._get(profile_id)
            profile["v1_secret"] = secrets.token_urlsafe(18)[:24]
            profile["updated_at"] = _later(profile["updated_at"])
            self.state.save()
            return dict(profile)

    def _get(self, profile_id: str) -> dict[str, Any]:
        profile = self.state.profiles.get(profile_id)
        if profile is None:
            raise HttpError(
                404, [api_error("10005", "Resource not found", f"No messaging profile with id {profile_id}.")]
            )
        return profile

    def _validated(self, body: Any, mode: str) -> dict[str, Any]:
        result = validate(Document(body, "request"), mode=mode, allow_unknown=False, strict=True)
        errors = []
        for issue in result.errors:
            if issue.message == "unknown field" or issue.message.startswith("is a read-only"):
                continue  # like the real API, ignore fields it does not take
            pointer = "/" + "/".join(str(p) for p in issue.path)
            missing = issue.message == "required field is missing"
            errors.append(
                api_error(
                    "10004" if missing else "10015",
                    "Missing required parameter" if missing else "Invalid parameter",
                    f"{format_path(issue.path) or 'body'} {issue.message}",
                    pointer=pointer,
                )
            )
        if errors:
            raise HttpError(422, errors)
        return {k: v for k, v in result.payload.items() if k in RULES_BY_NAME}

    @staticmethod
    def _merge(profile: dict[str, Any], payload: dict[str, Any]) -> None:
        for key, value in payload.items():
            if key == "number_pool_settings" and isinstance(value, dict):
                value = {**POOL_DEFAULTS, **value}
            profile[key] = value

    def list_profiles(self, query: dict[str, str]) -> dict[str, Any]:
        number, size = _paging(query)
        eq = query.get("filter[name][eq]", query.get("filter[name]"))
        contains = query.get("filter[name][contains]")
        with self.state.lock:
            items = [dict(p) for p in self.state.profiles.values()]
        if eq is not None:
            items = [p for p in items if p.get("name") == eq]
        if contains is not None:
            items = [p for p in items if contains.lower() in str(p.get("name", "")).lower()]
        return _page(items, number, size)

    def list_related(self, profile_id: str, kind: str, query: dict[str, str]) -> dict[str, Any]:
        number, size = _paging(query)
        with self.state.lock:
            self._get(profile_id)
            items = [dict(x) for x in self.state.related[kind] if x.get("messaging_profile_id") == profile_id]
        return _page(items, number, size)

    def metrics(self, profile_id: str, query: dict[str, str]) -> dict[str, Any]:
        tf = _time_frame(query)
        with self.state.lock:
            self._get(profile_id)
            numbers = sum(1 for x in self.state.related["phone_numbers"] if x.get("messaging_profile_id") == profile_id)
        return {
            "data": {
                "messaging_profile_id": profile_id,
                "time_frame": tf,
                "phone_numbers": numbers,
                "outbound": {"sent": 0, "delivered": 0, "failed": 0},
                "inbound": {"received": 0},
                "intervals": [],
            }
        }

    def all_metrics(self, query: dict[str, str]) -> dict[str, Any]:
        tf = _time_frame(query)
        number, size = _paging(query)
        with self.state.lock:
            items = [
                {
                    "messaging_profile_id": p["id"],
                    "name": p.get("name"),
                    "time_frame": tf,
                    "outbound_sent": 0,
                    "outbound_delivered": 0,
                    "inbound_received": 0,
                }
                for p in self.state.profiles.values()
            ]
        return _page(items, number, size)


def _later(previous: str) -> str:
    """A new updated_at that is always after the previous one, even within the same millisecond."""
    now = now_iso()
    if now > previous:
        return now
    ts = datetime.fromisoformat(previous.replace("Z", "+00:00")).timestamp() + 0.001
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _int_param(query: dict[str, str], name: str, default: int, lo: int, hi: int | None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(
            400, [api_error("10015", "Invalid parameter", f"{name} must be an integer", parameter=name)]
        ) from None
    if value < lo or (hi is not None and value > hi):
        limit = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise HttpError(400, [api_error("10015", "Invalid parameter", f"{name} must be {limit}", parameter=name)])
    return value


def _paging(query: dict[str, str]) -> tuple[int, int]:
    return (_int_param(query, "page[number]", 1, 1, None), _int_param(query, "page[size]", 20, 1, MAX_PAGE_SIZE))


def _time_frame(query: dict[str, str]) -> str:
    tf = query.get("time_frame", "24h")
    if tf not in TIME_FRAMES:
        raise HttpError(
            400,
            [
                api_error(
                    "10015",
                    "Invalid parameter",
                    f"time_frame must be one of {', '.join(TIME_FRAMES)}",
                    parameter="time_frame",
                )
            ],
        )
    return tf


def _page(items: list[dict[str, Any]], number: int, size: int) -> dict[str, Any]:
    total = len(items)
    start = (number - 1) * size
    return {
        "data": items[start : start + size],
        "meta": {
            "page_number": number,
            "page_size": size,
            "total_results": total,
            "total_pages": max(1, math.ceil(total / size)),
        },
    }


_ID = r"(?P<id>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/v2/messaging_profiles/?$"), "list"),
    ("POST", re.compile(r"^/v2/messaging_profiles/?$"), "create"),
    ("GET", re.compile(rf"^/v2/messaging_profiles/{_ID}/?$"), "retrieve"),
    ("PATCH", re.compile(rf"^/v2/messaging_profiles/{_ID}/?$"), "update"),
    ("DELETE", re.compile(rf"^/v2/messaging_profiles/{_ID}/?$"), "delete"),
    ("POST", re.compile(rf"^/v2/messaging_profiles/{_ID}/actions/regenerate_secret/?$"), "regenerate"),
    (
        "GET",
        re.compile(rf"^/v2/messaging_profiles/{_ID}/(?P<kind>phone_numbers|short_codes|alphanumeric_sender_ids)/?$"),
        "related",
    ),
    ("GET", re.compile(rf"^/v2/messaging_profiles/{_ID}/metrics/?$"), "metrics"),
    ("GET", re.compile(r"^/v2/messaging_profile_metrics/?$"), "all_metrics"),
]

GATEWAY_HTML = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class _Handler(BaseHTTPRequestHandler):
    sandbox: Sandbox
    protocol_version = "HTTP/1.1"
    server_version = "msgprof-sandbox"
    # Buffer each answer and send it in one segment (flushed after every request), and turn Nagle
    # off: otherwise headers and body go out separately and the client's delayed ACK stalls every
    # keep-alive request by about 40 ms.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        pass  # quiet: tests and the demo read the client's output, not the server's

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None, *, raw: str | None = None) -> None:
        data = (raw if raw is not None else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if raw is not None else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True
        self.wfile = io.BytesIO()  # discard anything buffered: the client must get no answer at all
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _handle(self, method: str) -> None:
        sb = self.sandbox
        parts = urlsplit(self.path)
        query = {unquote(k): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(min(length, MAX_BODY)) if length else b""
        try:
            body: Any = json.loads(raw_body) if raw_body else None
            bad_json = False
        except ValueError:
            body, bad_json = raw_body.decode("utf-8", "replace"), True
        sb.record(Received(method, parts.path, query, dict(self.headers.items()), body, self.client_address[:2]))
        try:
            self._auth()
            limited = sb.faults.rate_check()
            if limited:
                raise HttpError(
                    429,
                    [
                        api_error(
                            "10011",
                            "Too many requests",
                            "You have exceeded the rate limit; retry after the reset time.",
                        )
                    ],
                    limited,
                )
            if sb.faults.latency_ms:
                time.sleep(sb.faults.latency_ms / 1000)
            fail, status, html, drop = sb.faults.draw()
            if fail:
                if html:
                    self._send(status, None, raw=GATEWAY_HTML.format(status=status))
                else:
                    self._send(
                        status, {"errors": [api_error("10007", "Unexpected error", "An unexpected error occurred.")]}
                    )
                return
            if bad_json:
                raise HttpError(400, [api_error("10015", "Bad Request", "The request body is not valid JSON.")])
            result = self._route(method, parts.path, query, body)
            if drop:  # the change is committed; the answer is lost
                self._drop()
                return
            self._send(200, result)
        except HttpError as exc:
            self._send(exc.status, {"errors": exc.errors}, exc.headers)
        except Exception as exc:  # a sandbox bug must still answer like an API, not hang the client
            self._send(500, {"errors": [api_error("10007", "Unexpected error", f"sandbox error: {exc!r}")]})

    def _auth(self) -> None:
        header = self.headers.get("Authorization", "")
        token = header[7:].strip() if header.startswith("Bearer ") else ""
        expected = self.sandbox.api_key
        if not token or (expected is not None and not secrets.compare_digest(token, expected)):
            raise HttpError(
                401,
                [
                    api_error(
                        "10009",
                        "Authentication failed",
                        "The API key is missing or wrong; send Authorization: Bearer KEY.",
                    )
                ],
            )

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Any:
        sb = self.sandbox
        allowed = False
        for m, pattern, op in ROUTES:
            match = pattern.match(path)
            if not match:
                continue
            if m != method:
                allowed = True
                continue
            pid = unquote(match.groupdict().get("id") or "")
            if op == "list":
                return sb.list_profiles(query)
            if op == "create":
                return {"data": sb.create(_json_body(body))}
            if op == "retrieve":
                with sb.state.lock:
                    return {"data": dict(sb._get(pid))}
            if op == "update":
                return {"data": sb.update(pid, _json_body(body))}
            if op == "delete":
                return {"data": sb.delete(pid)}
            if op == "regenerate":
                return {"data": sb.regenerate(pid)}
            if op == "related":
                return sb.list_related(pid, match.group("kind"), query)
            if op == "metrics":
                return sb.metrics(pid, query)
            if op == "all_metrics":
                return sb.all_metrics(query)
        if allowed:
            raise HttpError(405, [api_error("10015", "Method not allowed", f"{method} is not allowed on {path}")])
        raise HttpError(404, [api_error("10005", "Resource not found", f"No route for {path}")])


def _json_body(body: Any) -> Any:
    if not isinstance(body, dict):
        raise HttpError(422, [api_error("10015", "Invalid parameter", "The body must be a JSON object.", pointer="")])
    return body
