"""A local Telnyx-compatible messaging API, on the standard library's HTTP server.

It serves every messaging-profile endpoint of the official spec under ``/v2`` (auto-response
configs included), phone numbers' messaging settings, bulk number orders and alphanumeric
sender IDs; it answers errors in the spec's format (``errors[]`` with ``code``, ``title``,
``detail``, ``source``), and can inject faults deterministically (``seed``): latency, rate limits
(429), 5xx answers (some with HTML bodies, as gateways send), dropped connections after the
change was committed, and POSTs that commit late (``commit_delay``).

Malformed requests get a 4xx in the same format and never an exception on stderr: see
``framing.py``.  It imports nothing from the CLI layer.  Every request is recorded in
``received`` so in-process tests can assert what reached the server.
"""

from __future__ import annotations

import io
import json
import secrets
import shlex
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from msgprof_cli.sandbox import framing, metrics, profiles, seeding, sendpath_demo
from msgprof_cli.sandbox.errors import HttpError, api_error
from msgprof_cli.sandbox.faults import Faults
from msgprof_cli.sandbox.routes import route
from msgprof_cli.sandbox.state import State, now_iso

__all__ = ["Faults", "Received", "Sandbox", "now_iso", "stop_serving"]


def stop_serving(httpd: ThreadingHTTPServer, patience: float = 5.0) -> None:
    """``httpd.shutdown()`` without waiting out ``serve_forever``'s poll interval.

    shutdown() sets a flag that the serving loop reads only when select() returns; a connection
    makes it return at once (a connection that arrives before the flag is set is served as an
    empty request, which gets no answer).  A loop that never started would never confirm: after
    ``patience`` seconds the shutdown is left to its daemon thread.
    """
    waiter = threading.Thread(target=httpd.shutdown, daemon=True)
    waiter.start()
    host, port = httpd.server_address[:2]
    deadline = time.monotonic() + patience
    while waiter.is_alive() and time.monotonic() < deadline:
        try:
            socket.create_connection((str(host), int(port)), timeout=0.05).close()
        except OSError:
            pass
        waiter.join(0.01)


DEMO_PROFILES = [
    {"name": "Demo Alerts", "whitelisted_destinations": ["US", "CA"]},
    {"name": "Demo Marketing", "whitelisted_destinations": ["US"], "webhook_url": "https://example.com/hooks"},
]

# The health the demo numbers get (each profile's first and second): doctor warns on the second.
DEMO_HEALTH = [
    {"inbound_outbound_ratio": 0.31, "message_count": 1200, "spam_ratio": 0.01, "success_ratio": 0.97},
    {"inbound_outbound_ratio": 0.02, "message_count": 800, "spam_ratio": 0.09, "success_ratio": 0.71},
]


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    peer: tuple[str, int] = ("", 0)  # the client's address: one per TCP connection


def _unmapped(host: str) -> str:
    """An IPv4-mapped IPv6 address (::ffff:0.0.0.0) as the IPv4 address it stands for."""
    return host[7:] if host.lower().startswith("::ffff:") and "." in host else host


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is normal; anything else is one line, never a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        sys.stderr.write(f"sandbox: error serving {client_address[0]}: {type(exc).__name__}: {str(exc)[:200]}\n")


class _Server6(_Server):
    address_family = socket.AF_INET6


class Sandbox:
    """The server.  ``start()`` runs it in a thread (tests); ``serve_forever()`` in the foreground.

    ``numbers`` replaces the phone-number inventory (default: the state file's, else the demo
    one); ``order_polls`` is how many GETs a bulk order takes to finish (0: done at once);
    ``commit_delay`` holds every POST that long (seconds, through ``sleep``) before it commits and
    answers; ``read_timeout`` bounds the wait for a whole request body (measured on ``clock``), and
    each wait for a request line or header on an open connection.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state_file: str | None = None,
        api_key: str | None = None,
        faults: Faults | None = None,
        numbers: Iterable[Any] | None = None,
        order_polls: int = 2,
        commit_delay: float = 0.0,
        read_timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = State(state_file, numbers)
        try:
            seeding.complete(self.state)  # a hand-written state file answers like records made here
        except BaseException:
            self.state.close(write=False)  # refused: the file stays as it is, and free
            raise
        self.state.order_polls = order_polls
        self.api_key = api_key
        self.faults = faults or Faults()
        self.commit_delay = commit_delay
        self.read_timeout = read_timeout
        self.sleep, self.clock = sleep, clock
        self.received: list[Received] = []
        self._received_lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"sandbox": self, "timeout": read_timeout})
        server = _Server6 if ":" in host else _Server  # ::1, :: (IPv6) or a name / IPv4 address
        try:
            self.httpd = server((host.strip("[]"), port), handler)
        except BaseException:
            self.state.close(write=False)  # the state file is free for the next try
            raise
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) it listens on, for raw-socket clients."""
        return str(self.httpd.server_address[0]), int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        """Where a client on this machine reaches it: loopback when it listens on every interface
        (msgprof sends a key over plain http only to loopback)."""
        address = self.httpd.server_address
        host, port = _unmapped(str(address[0])), address[1]
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/v2"

    @property
    def everywhere(self) -> bool:
        """It listens on every interface: reachable from other machines."""
        return _unmapped(str(self.httpd.server_address[0])) in ("0.0.0.0", "::")

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="msgprof-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever()
        finally:
            self.state.close()  # what is not written yet is written (Ctrl-C, SIGTERM)

    def stop(self) -> None:
        if self._thread:
            stop_serving(self.httpd)
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self.state.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ helpers for tests and users

    def record(self, item: Received) -> None:
        with self._received_lock:
            self.received.append(item)

    def writes(self) -> list[Received]:
        return [r for r in self.received if r.method in ("POST", "PATCH", "PUT", "DELETE")]

    def reset(self, state: dict[str, Any] | None = None) -> dict[str, int]:
        """Replace every record with ``state`` (the state file's format; ids given are kept), as
        ``POST /_sandbox/reset`` does; nothing (None) empties the sandbox."""
        return seeding.reseed(self.state, state)

    def seed(self, kind: str, profile_id: str, item: dict[str, Any]) -> dict[str, Any]:
        """Attach a phone number, short code or sender id to a profile."""
        record = {"id": str(uuid.uuid4()), "messaging_profile_id": profile_id, **item}
        if kind != "phone_numbers":  # a short code or sender ID answers with every field a seed gets
            record = seeding.complete_related(kind, record)
        with self.state.lock:
            self.state.related[kind].append(record)
            self.state.save()
        return record

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a profile directly (validated as a POST would be), for tests and demos."""
        return profiles.create(self.state, body)

    def update(self, profile_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return profiles.update(self.state, profile_id, body)

    def delete(self, profile_id: str) -> dict[str, Any]:
        return profiles.delete(self.state, profile_id)

    def seed_metrics(self, profile_id: str, time_frame: str, intervals: list[dict[str, Any]]) -> None:
        """Metrics for one profile and time frame (the format in ``metrics.py``)."""
        with self.state.lock:
            self.state.metrics.append(
                {"messaging_profile_id": profile_id, "time_frame": time_frame, "intervals": intervals}
            )
            self.state.save()

    def seed_demo_data(self, now: float | None = None, seed: int | None = None) -> None:
        """Two demo profiles with two numbers each when there are no profiles; metrics for all."""
        made: list[str] = []
        if not self.state.profiles:
            free = [n for n in self.state.related["phone_numbers"] if not n.get("messaging_profile_id")]
            # the last free numbers (the demo inventory's toll-free ones), so the long codes that
            # the README's examples assign (+12025550100...) stay free
            free = free[-2 * len(DEMO_PROFILES) :]
            for i, body in enumerate(DEMO_PROFILES):
                profile = profiles.create(self.state, dict(body))
                made.append(profile["id"])
                with self.state.lock:
                    for number, health in zip(free[2 * i : 2 * i + 2], DEMO_HEALTH, strict=False):
                        number["messaging_profile_id"] = profile["id"]
                        number["health"] = dict(health)  # one healthy number, one that looks like spam
        metrics.seed_demo(self.state, time.time() if now is None else now, seed)
        if made:  # a third profile: one sender of each send-path outcome
            sendpath_demo.seed(self.state, made, time.time() if now is None else now, seed)

    def export_lines(self, api_key: str) -> list[str]:
        """Shell lines that point a Telnyx client here, quoted so that ``eval`` keeps every byte."""
        return [f"export TELNYX_BASE_URL={shlex.quote(self.url)}", f"export TELNYX_API_KEY={shlex.quote(api_key)}"]

    def profiles(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(p) for p in self.state.profiles.values()]

    def numbers(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(n) for n in self.state.related["phone_numbers"]]


CONTROL = "/_sandbox/"  # outside /v2: no client of the API reaches it through its base URL
GATEWAY_HTML = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
RATE_LIMITED = api_error("10011", "Too many requests", "You have exceeded the rate limit; retry after the reset time.")
UNAUTHORIZED = api_error(
    "10009", "Authentication failed", "The API key is missing or wrong; send Authorization: Bearer KEY."
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

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # read through the header deadline instead (the socket stays open)
        self._headers = framing.HeaderDeadline(self.connection, self.sandbox.clock)
        self.rfile = io.BufferedReader(self._headers, 64 * 1024)

    def handle_one_request(self) -> None:
        self._headers.arm(self.sandbox.read_timeout)  # request line and headers: one total time
        super().handle_one_request()

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's answer to a broken request line or headers, in the API's shape."""
        self.close_connection = True
        self.request_version = "HTTP/1.1"  # an unparsable line leaves "HTTP/0.9", which sends no headers
        title = (message or self.responses.get(code, ("Error",))[0])[:80]
        self._send(
            code, {"errors": [api_error("10015", title, (explain or "")[:200] or None)]}, {"Connection": "close"}
        )

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None, *, raw: str | None = None) -> None:
        data = (raw if raw is not None else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if raw is not None else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True
        self.wfile = io.BytesIO()  # discard anything buffered: the client must get no answer at all
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _read_body(self) -> bytes:
        reader = framing.BodyReader(
            cast(framing.Buffered, self.rfile), self.connection, self.sandbox.read_timeout, self.sandbox.clock
        )
        try:
            return framing.read_body(self.headers, reader)
        finally:
            try:
                self.connection.settimeout(self.sandbox.read_timeout)  # back to the idle timeout
            except OSError:
                pass

    def _handle(self, method: str) -> None:
        self._headers.disarm()
        parts = urlsplit(self.path)
        query = {unquote(k): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        try:
            raw_body = self._read_body()
        except HttpError as exc:  # broken framing: answer, then close (the stream is out of step)
            self.sandbox.record(
                Received(method, parts.path, query, dict(self.headers.items()), None, self.client_address[:2])
            )
            self.close_connection = True
            self._send(exc.status, {"errors": exc.errors}, exc.headers)
            return
        if parts.path.startswith(CONTROL):  # the sandbox's own endpoints: not API traffic
            self._control(method, parts.path, raw_body)
            return
        self.sandbox.record(
            Received(method, parts.path, query, dict(self.headers.items()), _shown(raw_body), self.client_address[:2])
        )
        try:
            self._answer(method, parts.path, query, raw_body)
        except HttpError as exc:
            self._send(exc.status, {"errors": exc.errors}, exc.headers)
        except Exception as exc:  # a sandbox bug must still answer like an API, not hang the client
            self._send(500, {"errors": [api_error("10007", "Unexpected error", f"sandbox error: {exc!r}"[:200])]})

    def _control(self, method: str, path: str, raw_body: bytes) -> None:
        """``/_sandbox/reset`` and ``/_sandbox/state`` (seeding.py): the API's key, no faults."""
        try:
            self._auth()
            body = framing.parse_json(raw_body) if raw_body else None
            code, result = seeding.control(self.sandbox.state, method, path, body)
        except HttpError as exc:
            self._send(exc.status, {"errors": exc.errors}, exc.headers)
            return
        except Exception as exc:  # a sandbox bug must still answer like an API, not hang the client
            self._send(500, {"errors": [api_error("10007", "Unexpected error", f"sandbox error: {exc!r}"[:200])]})
            return
        self._send(code, result)

    def _answer(self, method: str, path: str, query: dict[str, str], raw_body: bytes) -> None:
        sb = self.sandbox
        self._auth()
        limited = sb.faults.rate_check()
        if limited:
            raise HttpError(429, [RATE_LIMITED], limited)
        if sb.faults.latency_ms:
            sb.sleep(sb.faults.latency_ms / 1000)
        fail, status, html, drop = sb.faults.draw()
        if fail:
            if html:
                self._send(status, None, raw=GATEWAY_HTML.format(status=status))
            else:
                self._send(
                    status, {"errors": [api_error("10007", "Unexpected error", "An unexpected error occurred.")]}
                )
            return
        body = framing.parse_json(raw_body) if raw_body else None
        op, params = route(method, path)
        if method == "POST" and sb.commit_delay:
            sb.sleep(sb.commit_delay)  # the POST commits (and answers) late, as a slow backend would
        code, result = op(sb.state, {k: unquote(v) for k, v in params.items()}, query, body)
        if drop:  # the change is committed; the answer is lost
            self._drop()
            return
        self._send(code, result)

    def _auth(self) -> None:
        header = self.headers.get("Authorization", "")
        token = header[7:].strip() if header.startswith("Bearer ") else ""
        expected = self.sandbox.api_key
        if not token or (expected is not None and not secrets.compare_digest(token, expected)):
            raise HttpError(401, [UNAUTHORIZED])


def _shown(raw: bytes) -> Any:
    """The body as tests inspect it: parsed JSON, else the text (bad JSON is answered 400 later)."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return raw.decode("utf-8", "replace")
