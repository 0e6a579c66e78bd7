"""The Telnyx API client: transport only, one class around one ``requests.Session``.

* Retries use urllib3's ``Retry`` through requests' ``HTTPAdapter``.  GET, PATCH, PUT and DELETE are
  retried on connection errors, read errors, 408, 429 and 5xx, with exponential back-off and
  jitter, honouring ``Retry-After`` and ``x-ratelimit-reset`` (capped).  A POST is re-sent by
  urllib3 only when it certainly did not reach the server: the connection could not be made, or
  the API answered 429.  Waits go through the injected ``Clock``.
* Any other failure of a create raises ``AmbiguousCreate``; deciding what happened is a business
  rule, and lives above the client in ``create_once``.
* Every request is bounded: a connect and read timeout, an overall deadline per attempt
  (``DEADLINE_FACTOR`` × the read timeout: a server that trickles bytes cannot hold it longer),
  and a cap on the body read (``MAX_BODY``, streamed, so memory stays bounded).
* One pager (``_pages``) serves every list: it stops at the first empty page, at the
  ``total_pages`` the first page reported, and refuses to go past ``MAX_PAGES``.  A page holding
  more items than its ``page[size]`` asked is refused (it is not the API's paging, and nothing
  else would bound it), and a listing stops at ``MAX_ITEMS`` items in all.  After the first
  page the others are fetched side by side (``PAGE_WORKERS``) and read in order; a 429 holds
  every request of the client until its ``Retry-After`` has passed (``_Gate``).

The client takes plain values, never reads the environment, never prints (it reports through the
``notify`` and ``trace`` callbacks), knows nothing of the CLI or exit codes: it raises ``errors``.
"""

from __future__ import annotations

import json
import math
import socket
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

from msgprof_cli import USER_AGENT, interrupt, secrets
from msgprof_cli.api import records
from msgprof_cli.api.paths import ApiPath, Id, PreviewPath, path
from msgprof_cli.api.records import AutoResp, BulkOrder, NumberSettings, SenderId, check_ids
from msgprof_cli.api.resources import AutoResps, Numbers, Profiles, Request, SenderIds
from msgprof_cli.clock import SYSTEM, Clock
from msgprof_cli.errors import (
    AmbiguousCreate,
    ApiError,
    CredentialsError,
    NetworkError,
    NotFound,
    Unavailable,
    UnexpectedAnswer,
)
from msgprof_cli.settings import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, UrlParts, check_base_url

CONNECT_TIMEOUT = 10.0
DEADLINE_FACTOR = 2.0  # an attempt (send and read the whole answer) ends within 2 × the read timeout
MAX_RETRY_WAIT = 30.0  # cap on any single wait, whatever Retry-After says
MAX_PAGE_SIZE = 250
PAGE_WORKERS = 8  # pages fetched side by side after the first (bounded by the connection pool)
MAX_PAGES = 2000  # 500,000 profiles at 250 a page: past that the answers are not believable
MAX_ITEMS = 500_000  # items per listing (MAX_PAGES full pages at 250): refused past it
MAX_BODY = 16 * 1024 * 1024
MAX_DEPTH = 32  # the API's answers nest a few levels; far deeper is not an answer of the API
SUMMARY_SCAN = 64 * 1024  # an error summary looks at no more than this much of a body
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RELATED = {  # a profile's related lists: (a record's noun, its field that names it)
    "phone_numbers": ("phone number", "phone_number"),
    "short_codes": ("short code", "short_code"),
    "alphanumeric_sender_ids": ("sender ID", "alphanumeric_sender_id"),
}

Notify = Callable[[str], None]
JSON = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, the checked paging numbers, and the server's Date."""

    data: list[JSON]
    total_pages: int | None
    total_results: int | None
    date: float | None  # the Date header as epoch seconds (whole seconds), None when absent


def parse_url(url: str) -> UrlParts:
    """The URL as urllib3 (and so requests) reads it: the reading the URL policy judges."""
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url as parse

    try:
        p = parse(url)
    except LocationParseError as exc:
        raise ValueError(str(exc)) from None
    return UrlParts(p.scheme, p.auth, p.host, p.port, p.query, p.fragment)


class _Retry(Retry):
    """urllib3 Retry that tells the user about each retry, understands Telnyx's rate headers and
    sleeps through the injected clock."""

    notify: Notify | None = None
    clock: Clock = SYSTEM
    gate: _Gate | None = None

    def new(self, **kw: Any) -> _Retry:
        out = super().new(**kw)
        out.notify, out.clock, out.gate = self.notify, self.clock, self.gate
        return out

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method == "POST":  # a 429 is the only answer that proves the create was not done
            return status_code == 429
        return super().is_retry(method, status_code, has_retry_after)

    def get_retry_after(self, response: Any) -> float | None:
        wait: float | None = None
        try:
            wait = super().get_retry_after(response)
        except Exception:  # an unparsable Retry-After header falls back to the back-off
            wait = None
        if wait is None:
            wait = _reset_wait(response.headers.get("x-ratelimit-reset"), self.clock.time())
        if wait is None:
            return None
        return max(0.0, min(wait, MAX_RETRY_WAIT))

    def sleep(self, response: Any = None) -> None:
        wait = self.get_retry_after(response) if response is not None else None
        if wait is not None and self.gate is not None and getattr(response, "status", None) == 429:
            self.gate.hold(wait)  # the other threads (parallel pages, apply) wait it out too
        _sleep(self.clock, self.get_backoff_time() if wait is None else wait)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> _Retry:
        _stop_if_asked()  # a connection the Ctrl-C cut is not retried, nor announced as a retry
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        if self.notify is not None:
            if response is not None:
                reason = f"HTTP {response.status}"
                wait = new.get_retry_after(response) if response.status in (429, 503) else None
            else:
                reason = classify_network_error(error)[0]
                wait = None
            if wait is None:
                wait = new.get_backoff_time()
            self.notify(f"{method} {urlsplit(url or '').path}: {reason}; retry {len(new.history)} in {wait:.1f}s")
        return new


class _Gate:
    """When the API said 429 with a wait, no request of this client starts before it is over:
    parallel pages must not keep hammering a rate limit one of them has already hit."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.until = 0.0
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> None:
        with self._lock:
            self.until = max(self.until, self.clock.monotonic() + seconds)

    def wait(self) -> None:
        left = self.until - self.clock.monotonic()
        if left > 0:
            _sleep(self.clock, min(left, MAX_RETRY_WAIT))


def _stop_if_asked() -> None:
    """After a Ctrl-C no thread starts a request, an attempt or a wait (interrupt.py).  In the main
    thread the signal has raised already; in a worker this ends its job the same way."""
    if interrupt.requested():
        raise KeyboardInterrupt


def _sleep(clock: Clock, seconds: float) -> None:
    """A back-off or rate-limit wait that a Ctrl-C ends at once, in any thread (the system clock's
    sleep would hold a worker for up to MAX_RETRY_WAIT); an injected clock sleeps as it likes."""
    _stop_if_asked()
    if clock is SYSTEM:
        interrupt.wait(seconds)
    else:
        clock.sleep(seconds)
    _stop_if_asked()


def _reset_wait(reset: str | None, now: float) -> float | None:
    """Telnyx sends seconds until the window resets; accept an epoch time too."""
    try:
        value = float(reset) if reset is not None else None
    except ValueError:
        return None
    if value is None or value != value:  # NaN
        return None
    return value - now if value > 1_000_000_000 else value


def classify_network_error(error: BaseException | None) -> tuple[str, bool]:
    """Name a network failure and say whether the request may have reached the server."""
    chain = _chain(error)
    for item in chain:
        if isinstance(item, NameResolutionError):
            return "DNS lookup failed", False
        if isinstance(item, requests.exceptions.SSLError) or type(item).__name__ in (
            "SSLError",
            "SSLCertVerificationError",
        ):
            return "TLS handshake failed", False
        if isinstance(item, NewConnectionError):
            if "refused" in str(item).lower():
                return "connection refused", False
            if "Name or service not known" in str(item) or "nodename" in str(item):
                return "DNS lookup failed", False
            return "could not connect", False
        if isinstance(item, (ConnectTimeoutError, requests.exceptions.ConnectTimeout)):
            return "timed out connecting", False
        if isinstance(item, (ReadTimeoutError, requests.exceptions.ReadTimeout)):
            return "timed out waiting for the answer", True
        if isinstance(item, ConnectionRefusedError):
            return "connection refused", False
    for item in chain:
        if isinstance(item, (ProtocolError, ConnectionResetError)) or "RemoteDisconnected" in type(item).__name__:
            return "connection dropped before an answer", True
    return "network error", True


def _chain(error: BaseException | None) -> list[BaseException]:
    seen: set[int] = set()
    e, chain = error, []
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(e)
        nxt = getattr(e, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = e.__cause__ or e.__context__
            if e.args and isinstance(e.args[0], BaseException):
                nxt = e.args[0]
        e = nxt
    return chain


class _Attempt:
    def __init__(self) -> None:
        self.fired = False


class _Deadline(threading.local):
    """Per thread: the budget of the current attempt, and a timer that cuts its connection.

    Per-read timeouts cannot stop a server that sends one byte a second, so a timer shuts the
    socket down when the attempt's time is up; the blocked read then returns at once."""

    budget: float | None = None
    timer: threading.Timer | None = None
    attempt: _Attempt | None = None

    @property
    def fired(self) -> bool:
        return self.attempt is not None and self.attempt.fired

    def arm(self, conn: Any) -> None:
        self.disarm()
        self.attempt = attempt = _Attempt()
        with _LIVE_LOCK:
            _LIVE[threading.get_ident()] = (conn, attempt)
        conn.deadline_attempt = attempt  # read by its connect (_connection_class)
        if self.budget is not None:
            self.timer = threading.Timer(self.budget, _cut, (conn, attempt))
            self.timer.daemon = True
            self.timer.start()

    def disarm(self) -> None:
        with _LIVE_LOCK:
            _LIVE.pop(threading.get_ident(), None)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


# Every attempt in flight, in any thread of any client: GRACE seconds after the first Ctrl-C they
# are all cut (``_cut_soon``, run by interrupt.stop), so a read blocked on a server that never
# answers returns and its thread ends instead of waiting out its deadline; an answer that comes
# within the grace is read, and the report says "done" rather than "may or may not".
_LIVE: dict[int, tuple[Any, _Attempt]] = {}
_LIVE_LOCK = threading.Lock()
GRACE = 1.0  # seconds; with the report, well within the 2 s the issue allows from Ctrl-C to exit


def _cut_soon() -> None:
    timer = threading.Timer(GRACE, _cut_all)
    timer.daemon = True
    timer.start()


def _cut_all() -> None:
    # called from the signal handler, which may have stopped the main thread inside arm/disarm
    # holding _LIVE_LOCK: read a copy without the lock rather than wait for it (a deadlock)
    for conn, attempt in list(_LIVE.values()):
        _cut(conn, attempt)


def _cut(conn: Any, attempt: _Attempt) -> None:
    attempt.fired = True  # first: a connect that comes after this sees it, and cuts its own socket
    _shut(getattr(conn, "sock", None))


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _connection_class(base: type[Any]) -> type:  # urllib3 types it as a Protocol (BaseHTTPConnection)
    """The pool's connection, which cuts itself when the deadline passed before its connect (the
    connection is made inside the attempt, after the timer starts): on a loaded machine the timer
    can fire first, find no socket, and the attempt would then run unbounded."""

    def connect(self: Any) -> None:
        base.connect(self)
        attempt = getattr(self, "deadline_attempt", None)
        if attempt is not None and attempt.fired:
            _shut(self.sock)

    return type(f"_Deadline{base.__name__}", (base,), {"connect": connect})


def _pool_classes(deadline: _Deadline) -> dict[str, type]:
    def make(base: type[HTTPConnectionPool]) -> type:
        def _make_request(self: Any, conn: Any, *args: Any, **kwargs: Any) -> Any:
            _stop_if_asked()  # no attempt (urllib3 retries included) starts after a Ctrl-C
            deadline.arm(conn)  # each attempt (urllib3 retries included) gets the whole budget
            return base._make_request(self, conn, *args, **kwargs)

        members = {"_make_request": _make_request, "ConnectionCls": _connection_class(base.ConnectionCls)}
        return type(f"_Deadline{base.__name__}", (base,), members)

    return {"http": make(HTTPConnectionPool), "https": make(HTTPSConnectionPool)}


class _Adapter(HTTPAdapter):
    def __init__(self, deadline: _Deadline, **kw: Any) -> None:
        self._deadline = deadline
        super().__init__(**kw)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._deadline)


class TelnyxClient:
    """Methods are named after the API's operations.  Every call has a timeout and a deadline."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        notify: Notify | None = None,
        trace: Notify | None = None,
        pool_size: int = 10,
        backoff_factor: float = 0.5,
        clock: Clock = SYSTEM,
        max_pages: int = MAX_PAGES,
        max_body: int = MAX_BODY,
        max_items: int = MAX_ITEMS,
        base_url_source: str = "base URL",
        page_workers: int = PAGE_WORKERS,
    ) -> None:
        self.base_url = check_base_url(base_url, base_url_source, parse_url).rstrip("/")
        self.timeout = (min(CONNECT_TIMEOUT, timeout), timeout)
        self.deadline = DEADLINE_FACTOR * timeout
        self.max_retries = max_retries
        self.backoff_factor = backoff_factor
        self.clock = clock
        self.max_pages = max_pages
        self.max_body = max_body
        self.max_items = max_items
        self.page_workers = max(1, min(page_workers, pool_size))
        self._page_slots = threading.BoundedSemaphore(self.page_workers)
        self._gate = _Gate(clock)
        self.notify = notify
        self.trace = trace
        self._deadline = _Deadline()
        interrupt.on_stop("client: cut the requests in flight", _cut_soon)
        self.session = requests.Session()
        self.session.trust_env = False  # no .netrc or proxy surprises: the key goes only where we say
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"
        adapter = _Adapter(
            self._deadline, max_retries=self._retry(), pool_connections=pool_size, pool_maxsize=pool_size
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _retry(self) -> _Retry:
        n, b = self.max_retries, self.backoff_factor
        retry = _Retry(
            total=n,
            connect=n,
            read=n,
            status=n,
            other=0,
            redirect=0,
            backoff_factor=b,
            backoff_jitter=b / 2,
            backoff_max=MAX_RETRY_WAIT,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "PATCH", "PUT", "DELETE"}),  # PUT replaces whole: safe to repeat
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        retry.notify, retry.clock, retry.gate = self.notify, self.clock, self._gate
        return retry

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------------ plumbing

    def _request(
        self,
        method: str,
        path: ApiPath,
        *,
        params: dict[str, Any] | None = None,
        body: JSON | None = None,
        enveloped: bool = True,
    ) -> tuple[JSON, requests.structures.CaseInsensitiveDict[str]]:
        """Send, read the answer within the deadline and size cap, and decode it (or raise)."""
        if isinstance(path, PreviewPath):  # a preview's placeholder (<id of 'Support'>) is never sent
            raise TypeError(f"a preview's request path holds an id not known yet; never sent: {path!r}")
        if type(path) is not ApiPath:  # only paths.path() makes one: every id in a URL is checked there
            raise TypeError(f"request path not built by api.paths: {path!r}")
        url = self.base_url + path
        _stop_if_asked()
        self._gate.wait()
        self._deadline.budget = self.deadline
        self._deadline.attempt = None
        try:
            resp = self.session.request(
                method, url, params=params, json=body, timeout=self.timeout, allow_redirects=False, stream=True
            )
            try:
                raw = self._read(method, url, resp)
            finally:
                resp.close()
            if self._deadline.fired:  # cut: http.client takes headers or a body ended by the cut as whole
                _stop_if_asked()  # cut by the Ctrl-C's grace (interrupt.py), not by the deadline
                raise self._past_deadline(method, url)
        except requests.exceptions.RequestException as exc:
            _stop_if_asked()  # a connection the Ctrl-C cut: not a network error, and not retried
            raise self._network_error(method, url, exc) from None
        finally:
            self._deadline.disarm()
        if self.trace is not None:
            _trace(self.trace, resp, raw)
        return self._decode(method, url, resp.status_code, raw, enveloped), resp.headers

    def _read(self, method: str, url: str, resp: requests.Response) -> bytes:
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise self._too_large(method, url, resp.status_code)
        chunks, size = [], 0
        for chunk in resp.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.max_body:
                raise self._too_large(method, url, resp.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, method: str, url: str, status: int) -> UnexpectedAnswer:
        return UnexpectedAnswer(
            f"{method} {url}: the answer (HTTP {status}) is larger than {self.max_body // (1024 * 1024)} MiB, "
            "the most msgprof reads; it stopped reading",
            status=status,
        )

    def _past_deadline(self, method: str, url: str) -> NetworkError:
        factor = f"{DEADLINE_FACTOR:g}"
        reason = f"no complete answer within {self.deadline:g}s (the deadline: {factor} × the read timeout)"
        return NetworkError(f"{method} {url}: {reason}", maybe_sent=True, reason=reason)

    def _network_error(self, method: str, url: str, exc: BaseException) -> NetworkError:
        if self._deadline.fired:
            return self._past_deadline(method, url)
        reason, maybe_sent = classify_network_error(exc)
        return NetworkError(f"{method} {url}: {reason}", maybe_sent=maybe_sent, reason=reason)

    def _decode(self, method: str, url: str, status: int, raw: bytes, enveloped: bool = True) -> JSON:
        body, problem = parse_json(raw)
        if 200 <= status < 300:
            if problem is not None:
                raise UnexpectedAnswer(f"{method} {url}: the API answered {status} with {problem}", status=status)
            if not isinstance(body, dict) or (enveloped and "data" not in body):
                excerpt = _excerpt(raw)
                raise UnexpectedAnswer(
                    f"{method} {url}: the API answered {status} without a JSON "
                    + ("`data` member" if enveloped else "object")
                    + (f": {excerpt}" if excerpt else " (empty body)"),
                    status=status,
                )
            return body
        errors = _errors_of(body)
        summary = _summarise(errors, raw)
        if status in (401, 403):
            raise CredentialsError(
                f"the API refused the credentials (HTTP {status}): {summary}", status=status, errors=errors
            )
        if status == 404:
            raise NotFound(f"not found (HTTP 404): {summary}", status=status, errors=errors)
        if status == 429 or status >= 500 or status == 408:
            message = f"the API is unavailable (HTTP {status}): {summary}"
            raise Unavailable(message, status=status, errors=errors, hint="try again later")
        if 400 <= status < 500:
            raise ApiError(f"the API refused the request (HTTP {status}): {summary}", status=status, errors=errors)
        raise UnexpectedAnswer(f"unexpected HTTP {status} from the API: {summary}", status=status)

    def _list(self, path: ApiPath, params: dict[str, Any]) -> Page:
        body, headers = self._request("GET", path, params=params)
        meta = body.get("meta")
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            raise UnexpectedAnswer(f"GET {path}: the API answered with `meta` as {type(meta).__name__}, not an object")
        data = _list_data(body, path)
        asked = params.get("page[size]")
        if isinstance(asked, int) and len(data) > asked:
            raise UnexpectedAnswer(
                f"GET {path}: the API answered {len(data)} items for a page of {asked}; msgprof does not read "
                "a page larger than it asked for"
            )
        return Page(
            data,
            _count(meta, "total_pages", path),
            _count(meta, "total_results", path),
            _http_date(headers.get("Date")),
        )

    def _pages(
        self,
        path: ApiPath,
        params: dict[str, Any],
        page_size: int,
        on_page: Callable[[int, int], None] | None,
        limit: int | None = None,
    ) -> Iterator[Page]:
        """The one pager: every page of a list, in order, within the bounds in the module docstring.

        The first page says how many there are; the others are then fetched side by side by at
        most ``page_workers`` threads (each one retried as any GET: 429 and Retry-After honoured,
        and a 429 holds every other request of this client too, see ``_Gate``), while the
        caller reads them in order.  At most twice ``page_workers`` pages are held ahead of
        the reader, so memory stays bounded.  Any page that fails raises, and the listing fails:
        a partial listing is never taken for the whole account.  ``limit`` (items): no page past
        the one that holds the limit-th item is asked for."""
        yield from self._budgeted(path, self._pages_unbudgeted(path, params, page_size, on_page, limit))

    def _budgeted(self, path: ApiPath, pages: Generator[Page, None, None]) -> Iterator[Page]:
        """Every page, while the listing holds at most ``max_items`` items in all."""
        seen = 0
        try:
            for page in pages:
                seen += len(page.data)
                if seen > self.max_items:
                    raise UnexpectedAnswer(
                        f"GET {path}: the listing holds more than {self.max_items} items, "
                        "the most msgprof reads in one listing"
                    )
                yield page
        finally:
            pages.close()  # pages fetched ahead are cancelled now, not when collected

    def _pages_unbudgeted(
        self,
        path: ApiPath,
        params: dict[str, Any],
        page_size: int,
        on_page: Callable[[int, int], None] | None,
        limit: int | None = None,
    ) -> Generator[Page, None, None]:
        first = self._list(path, {"page[number]": 1, "page[size]": page_size, **params})
        total = 1 if first.total_pages is None else first.total_pages
        if total > self.max_pages:
            raise UnexpectedAnswer(f"GET {path}: the API reports {total} pages; msgprof reads at most {self.max_pages}")
        if limit is not None:
            total = min(total, max(1, -(-limit // page_size)))
        if on_page is not None:
            on_page(1, max(total, 1))
        yield first
        if not first.data or total <= 1:
            return
        if self.page_workers <= 1 or total == 2:
            yield from self._pages_in_turn(path, params, page_size, total, on_page)
            return
        yield from self._pages_side_by_side(path, params, page_size, total, on_page)

    def _page(self, path: ApiPath, params: dict[str, Any], page_size: int, number: int) -> Page:
        with self._page_slots:  # listings run side by side too (inventory): page_workers in all
            return self._list(path, {"page[number]": number, "page[size]": page_size, **params})

    def _pages_in_turn(
        self,
        path: ApiPath,
        params: dict[str, Any],
        page_size: int,
        total: int,
        on_page: Callable[[int, int], None] | None,
    ) -> Iterator[Page]:
        for number in range(2, total + 1):
            page = self._page(path, params, page_size, number)
            if on_page is not None:
                on_page(number, total)
            yield page
            if not page.data:
                return

    def _pages_side_by_side(
        self,
        path: ApiPath,
        params: dict[str, Any],
        page_size: int,
        total: int,
        on_page: Callable[[int, int], None] | None,
    ) -> Iterator[Page]:
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor

        workers = min(self.page_workers, total - 1)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="msgprof-page")
        ahead: deque[tuple[int, Future[Page]]] = deque()
        upcoming = iter(range(2, total + 1))
        try:
            for number in upcoming:
                ahead.append((number, pool.submit(self._page, path, params, page_size, number)))
                if len(ahead) >= 2 * workers:
                    break
            while ahead:
                number, future = ahead.popleft()
                page = future.result()  # a failed page raises here: the whole listing fails
                if on_page is not None:
                    on_page(number, total)
                yield page
                if not page.data:  # the list ended early (profiles were deleted meanwhile)
                    return
                following = next(upcoming, None)
                if following is not None:
                    ahead.append((following, pool.submit(self._page, path, params, page_size, following)))
        finally:
            # the reader stopped (done, --limit, an error or Ctrl-C): what has not started is
            # cancelled; requests in flight end within their deadline, on daemon-like threads
            for _, future in ahead:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ operations

    def get(self, path: ApiPath, params: dict[str, Any] | None = None, *, enveloped: bool = True) -> JSON:
        """One GET, its answer decoded (errors raised as for every call).  ``enveloped=False``
        takes a JSON object without a ``data`` member: the 10DLC and toll-free verification
        operations answer so (telnyx-send-path.openapi.yaml: PhoneNumberCampaign, records/page)."""
        return self._request("GET", path, params=params, enveloped=enveloped)[0]

    def pages(
        self, path: ApiPath, params: dict[str, Any], *, page_size: int = MAX_PAGE_SIZE, limit: int | None = None
    ) -> Iterator[Page]:
        """Every page of a ``data``/``meta`` list through the one pager (``_pages``), for the
        operations that live beside the client (api/sendpath.py: opt-outs, hosted numbers)."""
        return self._pages(path, params, page_size, None, limit)

    @property
    def page_slots(self) -> threading.BoundedSemaphore:
        """The bound on pages in flight, for a pager of another envelope (api/sendpath.py's
        ``records``) to share, so listings side by side never open more connections than the pool."""
        return self._page_slots

    def list_messaging_profiles(
        self, *, page_number: int = 1, page_size: int = 20, name: str | None = None, name_contains: str | None = None
    ) -> Page:
        params = {"page[number]": page_number, "page[size]": page_size, **_name_filter(name, name_contains)}
        return self._list(path("messaging_profiles"), params)

    def iter_messaging_profile_pages(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        name: str | None = None,
        name_contains: str | None = None,
        on_page: Callable[[int, int], None] | None = None,
        limit: int | None = None,
    ) -> Iterator[Page]:
        return self._pages(path("messaging_profiles"), _name_filter(name, name_contains), page_size, on_page, limit)

    def iter_messaging_profiles(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        name: str | None = None,
        name_contains: str | None = None,
        on_page: Callable[[int, int], None] | None = None,
        limit: int | None = None,
    ) -> Iterator[JSON]:
        """Every profile (that matches), following pages until the last one (or ``limit`` items)."""
        for page in self.iter_messaging_profile_pages(
            page_size=page_size, name=name, name_contains=name_contains, on_page=on_page, limit=limit
        ):
            yield from page.data

    def retrieve_messaging_profile(self, profile_id: str) -> JSON:
        return _object_data(self._request("GET", path("messaging_profiles", Id(profile_id, "profile")))[0])

    def send(self, req: Request, *, enveloped: bool = True) -> JSON:
        """Send one request (``api.resources`` builds each write) and answer its `data` object
        (``enveloped=False``: the bare object the 10DLC operations answer)."""
        body = self._request(req.method, req.path, body=req.body, enveloped=enveloped)[0]
        return _object_data(body) if enveloped else body

    def create_messaging_profile(self, payload: JSON) -> JSON:
        """One POST.  A failure after the request may have reached the server raises AmbiguousCreate."""
        return self.create(Profiles.create(payload))

    def create(self, req: Request, *, enveloped: bool = True) -> JSON:
        """One POST of a create (any resource).  A failure after the request may have reached the
        server raises AmbiguousCreate: whether it was done is create_once's to find out."""
        try:
            return self.send(req, enveloped=enveloped)
        except UnexpectedAnswer as exc:  # answered, but not readably: the create may well be done
            if exc.status is not None and not 200 <= exc.status < 300:
                raise
            reason = f"an answer msgprof cannot read (HTTP {exc.status or '2xx'})"
            raise AmbiguousCreate(exc.message, answered=True, reason=reason, status=exc.status) from None
        except NetworkError as exc:
            if exc.maybe_sent:
                raise AmbiguousCreate(exc.message, answered=False, reason=exc.reason) from None
            raise
        except Unavailable as exc:
            if exc.status is not None and (exc.status >= 500 or exc.status == 408):
                reason = f"HTTP {exc.status}"
                raise AmbiguousCreate(exc.message, answered=True, reason=reason, status=exc.status) from None
            raise

    def update_messaging_profile(self, profile_id: str, payload: JSON) -> JSON:
        return self.send(Profiles.update(profile_id, payload))

    def delete_messaging_profile(self, profile_id: str) -> JSON:
        return self.send(Profiles.delete(profile_id))

    def regenerate_secret(self, profile_id: str) -> JSON:
        # A regenerate is safe to repeat (the newest secret wins), but urllib3 does not retry POSTs.
        return self.send(Profiles.regenerate_secret(profile_id))

    def list_related(self, profile_id: str, what: str, *, page_number: int = 1, page_size: int = 20) -> Page:
        """One page of a profile's phone_numbers, short_codes or alphanumeric_sender_ids."""
        where = path("messaging_profiles", Id(profile_id, "profile"), what)
        return self._list(where, {"page[number]": page_number, "page[size]": page_size})

    def iter_related(self, profile_id: str, what: str, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[JSON]:
        """Every phone_numbers, short_codes or alphanumeric_sender_ids item of a profile (each one
        that names its profile checked to name this one)."""
        noun, key = RELATED.get(what, (what, "id"))
        for page in self._pages(path("messaging_profiles", Id(profile_id, "profile"), what), {}, page_size, None):
            yield from records.of_profile(page.data, profile_id, noun, key, stated=True)

    def profile_metrics(self, profile_id: str, time_frame: str | None = None) -> JSON:
        params = {"time_frame": time_frame} if time_frame else None
        where = path("messaging_profiles", Id(profile_id, "profile"), "metrics")
        return _object_data(self._request("GET", where, params=params)[0])

    def iter_profile_metric_pages(
        self,
        time_frame: str | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        on_page: Callable[[int, int], None] | None = None,
        limit: int | None = None,
    ) -> Iterator[Page]:
        """Every profile's metrics, page by page (the API answers 20 a page unless asked)."""
        params = {"time_frame": time_frame} if time_frame else {}
        return self._pages(path("messaging_profile_metrics"), params, page_size, on_page, limit)


class _NotJson(ValueError):
    """What makes a body something other than strict JSON (its message says what)."""


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name}, which is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise _NotJson(f"the number {text[:24]}, too large to read")
    return value


def parse_json(raw: bytes) -> tuple[Any, str | None]:
    """A body as strict JSON: ``(value, None)``, or ``(None, what is wrong)`` for the message.

    Strict: NaN and Infinity (which Python's json accepts and would print back, bare) are
    refused, and so is nesting deeper than ``MAX_DEPTH`` (a bomb of brackets must not exhaust
    the recursion of the parser, or of whatever prints or compares the value later).
    An empty body is ``(None, None)``."""
    if not raw.strip():
        return None, None
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        return None, f"JSON nested more than {MAX_DEPTH} levels deep"
    except _NotJson as exc:
        return None, str(exc)
    except ValueError:  # not JSON at all (UnicodeDecodeError included): the caller shows an excerpt
        return None, None
    if _deeper_than(value, MAX_DEPTH):
        return None, f"JSON nested more than {MAX_DEPTH} levels deep"
    return value, None


def _deeper_than(value: Any, limit: int) -> bool:
    """Iteratively (a recursive walk is what this guards against)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _name_filter(name: str | None, name_contains: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if name is not None:
        params["filter[name][eq]"] = name
    if name_contains is not None:
        params["filter[name][contains]"] = name_contains
    return params


def _list_data(body: JSON, path: str) -> list[JSON]:
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise UnexpectedAnswer(f"GET {path}: the API answered with a list whose `data` is not a list of objects")
    for item in data:
        check_ids(item, f"record of GET {path}")
    return data


def _object_data(body: JSON) -> JSON:
    data = body.get("data")
    if not isinstance(data, dict):
        raise UnexpectedAnswer("the API answered without an object in `data`")
    check_ids(data, "record")
    return data


def _count(meta: JSON, key: str, path: str) -> int | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    shown = json.dumps(value)[:40]
    raise UnexpectedAnswer(f"GET {path}: the API answered with meta.{key} {shown}, not a whole number")


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _errors_of(body: Any) -> list[JSON]:
    """The API's errors[], each field made a short string: this is data from the network."""
    if not (isinstance(body, dict) and isinstance(body.get("errors"), list)):
        return []
    out = []
    for e in body["errors"][:20]:
        if not isinstance(e, dict):
            continue
        # hidden, then cut (secrets.cut): cut first, most of an echoed password would show
        item: JSON = {k: secrets.cut(str(e[k]), 500, "") for k in ("code", "title", "detail") if e.get(k) is not None}
        source = e.get("source")
        if isinstance(source, dict):
            item["source"] = {
                k: secrets.cut(str(source[k]), 200, "") for k in ("pointer", "parameter") if source.get(k) is not None
            }
        out.append(item)
    return out


def _excerpt(raw: bytes, limit: int = 120) -> str:
    """The start of a body as one line, tags dropped, secrets hidden and then cut to ``limit``;
    linear time, and only the first 64 KiB."""
    text = raw[:SUMMARY_SCAN].decode("utf-8", "replace")
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        lt = text.find("<", i)
        if lt < 0:
            out.append(text[i:])
            break
        out.append(text[i:lt])
        gt = text.find(">", lt + 1)
        if gt < 0:  # no closing '>' anywhere after: the rest is text, not a tag
            out.append(text[lt:])
            break
        out.append(" ")
        i = gt + 1
    return secrets.cut(" ".join("".join(out).split()), limit)  # hidden before it is cut


def _summarise(errors: list[JSON], raw: bytes) -> str:
    if errors:  # the errors themselves are printed one per line by the renderer
        return f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
    return _excerpt(raw) or "(empty body)"


def _trace(trace: Notify, resp: requests.Response, raw: bytes) -> None:
    req = resp.request
    trace(f"> {req.method} {req.url}")
    for k, v in req.headers.items():
        trace(f"> {k}: {'<redacted>' if k.lower() == 'authorization' else v}")
    if req.body:
        body = req.body.decode("utf-8", "replace") if isinstance(req.body, bytes) else str(req.body)
        trace(f"> {redact_secrets(body)}")
    trace(f"< HTTP {resp.status_code} in {resp.elapsed.total_seconds() * 1000:.0f} ms")
    for k, v in resp.headers.items():
        trace(f"< {k}: {v}")
    # hidden, then cut: 16,000 bytes hold the 2,000 characters shown and any secret across the cut
    text = secrets.cut(redact_secrets(raw[:16000].decode("utf-8", "replace")), 2000)
    trace(f"< {text}" + ("…" if len(raw) > 16000 and not text.endswith("…") else ""))


def redact_secrets(text: str) -> str:
    """Hide v1_secret values in trace text."""
    import re

    return re.sub(r'("v1_secret"\s*:\s*")[^"]*(")', r"\1<redacted>\2", text)


# ====================================================================== messaging setup
# Phone numbers' messaging settings, bulk number updates, alphanumeric sender IDs and
# auto-response configs (telnyx-messaging-setup.openapi.yaml and the autoresp_configs paths of
# telnyx-messaging-profiles.openapi.yaml).  A separate class over the same client, so that it
# shares the one Session, its retries and its error decoding.


class SetupOperations:
    """The messaging-setup operations of the API, named after them; transport only."""

    def __init__(self, client: TelnyxClient) -> None:
        self.client = client

    def _all(self, path: ApiPath, params: dict[str, Any]) -> list[JSON]:
        return [item for page in self.client._pages(path, params, MAX_PAGE_SIZE, None) for item in page.data]

    def _one(self, method: str, path: ApiPath, body: JSON | None = None) -> JSON:
        return _object_data(self.client._request(method, path, body=body)[0])

    def list_phone_numbers_with_messaging_settings(
        self, *, profile_id: str | None = None, phone_numbers: list[str] | None = None
    ) -> list[NumberSettings]:
        params: dict[str, Any] = {}
        if profile_id is not None:
            params["filter[messaging_profile_id]"] = profile_id
        if phone_numbers is not None:
            params["filter[phone_number]"] = ",".join(phone_numbers)  # the spec: a comma-separated list
        listed = [records.number_settings(r) for r in self._all(path("phone_numbers", "messaging"), params)]
        return records.of_profile(listed, profile_id, "phone number", "phone_number")

    def update_phone_number_messaging_settings(self, number_id: str, payload: JSON) -> NumberSettings:
        profile = payload.get("messaging_profile_id", "")
        req = Numbers.assign(number_id, profile)
        if req.body != payload:  # only the profile is ever set here: anything else is a caller's bug
            raise ValueError(f"a number's messaging settings are set by their profile only, not {sorted(payload)}")
        return records.number_settings(self.client.send(req))

    def bulk_update_messaging_settings(self, profile_id: str, numbers: list[str]) -> BulkOrder:
        """POST an order (``""`` as the profile unassigns).  Not re-sent after it may have been sent."""
        return records.bulk_order(self.client.create(Numbers.bulk(profile_id, numbers)))

    def get_bulk_update_status(self, order_id: str) -> BulkOrder:
        answer = self._one("GET", path("messaging_numbers_bulk_updates", Id(order_id, "bulk order")))
        return records.bulk_order(answer, order_id)

    def list_alphanumeric_sender_ids(self, profile_id: str | None = None) -> list[SenderId]:
        """A profile's sender IDs, or (no profile) every sender ID of the account."""
        params = {} if profile_id is None else {"filter[messaging_profile_id]": profile_id}
        listed = [records.sender_id(r) for r in self._all(path("alphanumeric_sender_ids"), params)]
        return records.of_profile(listed, profile_id, "sender ID", "alphanumeric_sender_id")

    def create_alphanumeric_sender_id(self, req: Request) -> SenderId:
        """The POST ``SenderIds.add`` built."""
        return records.sender_id(self.client.create(req))

    def delete_alphanumeric_sender_id(self, sender_id: str) -> JSON:
        return self.client.send(SenderIds.remove(sender_id))

    def get_autoresp_configs(self, profile_id: str) -> list[AutoResp]:
        listed = self._all(path("messaging_profiles", Id(profile_id, "profile"), "autoresp_configs"), {})
        return [records.autoresp(r) for r in listed]

    def create_autoresp_config(self, profile_id: str, payload: JSON) -> AutoResp:
        return records.autoresp(self.client.create(AutoResps.create(profile_id, payload)))

    def update_autoresp_config(self, profile_id: str, config_id: str, payload: JSON) -> AutoResp:
        return records.autoresp(self.client.send(AutoResps.replace(profile_id, config_id, payload)))

    def delete_autoresp_config(self, profile_id: str, config_id: str) -> None:
        """The spec answers a bare JSON string ("OK"), not a `data` object: any 2xx is done."""
        req = AutoResps.delete(profile_id, config_id)
        try:
            self.client._request(req.method, req.path)
        except UnexpectedAnswer as exc:
            if exc.status is None or not 200 <= exc.status < 300:
                raise
