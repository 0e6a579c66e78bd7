"""The Telnyx API client: one class around one ``requests.Session``.

Retries use urllib3's ``Retry`` through requests' ``HTTPAdapter``:

* GET, PATCH and DELETE are retried on connection errors, read errors, 408, 429 and 5xx, with
  exponential back-off and jitter, honouring ``Retry-After`` and ``x-ratelimit-reset`` (capped).
* POST (create) is retried by urllib3 only when the request certainly did not reach the server:
  the connection could not be made, or the API answered 429.  Any other failure of a create is
  ambiguous (the profile may exist), and ``create_profile`` resolves it by looking the name up
  before it sends again; see its docstring.

The client takes plain values, never reads the environment, never prints (it reports through the
``notify`` and ``trace`` callbacks) and knows nothing of exit codes: it raises ``errors``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

from msgprof_cli import USER_AGENT
from msgprof_cli.document.changes import diff
from msgprof_cli.errors import (
    ApiError,
    CredentialsError,
    MsgprofError,
    NotFound,
    Unavailable,
    UsageError,
)
from msgprof_cli.settings import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT

CONNECT_TIMEOUT = 10.0
MAX_RETRY_WAIT = 30.0  # cap on any single wait, whatever Retry-After says
MAX_PAGE_SIZE = 250
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

Notify = Callable[[str], None]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress  # only for plain-http base URLs

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Retry(Retry):
    """urllib3 Retry that tells the user about each retry and understands Telnyx's rate headers."""

    notify: Notify | None = None

    def new(self, **kw: Any) -> _Retry:
        out = super().new(**kw)
        out.notify = self.notify
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
            reset = response.headers.get("x-ratelimit-reset")
            try:
                value = float(reset) if reset is not None else None
            except ValueError:
                value = None
            if value is not None:
                # Telnyx sends seconds until the window resets; accept an epoch time too.
                wait = value - time.time() if value > 1_000_000_000 else value
        if wait is None:
            return None
        return max(0.0, min(wait, MAX_RETRY_WAIT))

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> _Retry:
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


def classify_network_error(error: BaseException | None) -> tuple[str, bool]:
    """Name a network failure and say whether the request may have reached the server."""
    seen: set[int] = set()
    e: BaseException | None = error
    chain: list[BaseException] = []
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(e)
        nxt = getattr(e, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = e.__cause__ or e.__context__
            if e.args and isinstance(e.args[0], BaseException):
                nxt = e.args[0]
        e = nxt
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


class TelnyxClient:
    """Methods are named after the API's operations.  Every call has a timeout."""

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
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"base URL {base_url!r} is not an absolute http(s) URL", hint="e.g. https://api.telnyx.com/v2"
            )
        if parts.scheme == "http" and api_key and not is_loopback(parts.hostname):
            raise CredentialsError(
                f"refusing to send the API key over plain http to {parts.hostname}",
                hint="use https, or plain http only to a loopback address such as 127.0.0.1",
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(CONNECT_TIMEOUT, timeout), timeout)
        self.max_retries = max_retries
        self.notify = notify
        self.backoff_factor = backoff_factor
        self.session = requests.Session()
        self.session.trust_env = False  # no .netrc or proxy surprises: the key goes only where we say
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"
        retry = _Retry(
            total=max_retries,
            connect=max_retries,
            read=max_retries,
            status=max_retries,
            other=0,
            redirect=0,
            backoff_factor=backoff_factor,
            backoff_jitter=backoff_factor / 2,
            backoff_max=MAX_RETRY_WAIT,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "PATCH", "DELETE"}),
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        retry.notify = notify
        adapter = HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        if trace is not None:
            self.session.hooks["response"].append(_tracer(trace))

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------------ plumbing

    def _request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: dict[str, Any] | None = None
    ) -> Any:
        url = self.base_url + path
        try:
            resp = self.session.request(
                method, url, params=params, json=body, timeout=self.timeout, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            kind, _sent = classify_network_error(exc)
            raise Unavailable(
                f"{method} {url}: {kind}", hint="check --base-url and your network, then try again"
            ) from None
        return self._decode(method, url, resp)

    def _decode(self, method: str, url: str, resp: requests.Response) -> Any:
        status = resp.status_code
        body: Any = None
        text = resp.text
        try:
            body = resp.json() if text.strip() else None
        except ValueError:
            body = None
        if 200 <= status < 300:
            if not isinstance(body, dict) or "data" not in body:
                excerpt = _excerpt(text)
                raise Unavailable(
                    f"{method} {url}: the API answered {status} without a JSON `data` member"
                    + (f": {excerpt}" if excerpt else " (empty body)"),
                    status=status,
                    hint="this is not a Telnyx API answer; check --base-url",
                )
            return body
        errors = _errors_of(body)
        summary = _summarise(errors, text)
        if status in (401, 403):
            raise CredentialsError(
                f"the API refused the credentials (HTTP {status}): {summary}",
                status=status,
                errors=errors,
                hint="check TELNYX_API_KEY, --api-key-file or the selected account",
            )
        if status == 404:
            raise NotFound(f"not found (HTTP 404): {summary}", status=status, errors=errors)
        if status == 429 or status >= 500 or status == 408:
            raise Unavailable(
                f"the API is unavailable (HTTP {status}): {summary}",
                status=status,
                errors=errors,
                hint="try again later",
            )
        if 400 <= status < 500:
            raise ApiError(f"the API refused the request (HTTP {status}): {summary}", status=status, errors=errors)
        raise Unavailable(f"unexpected HTTP {status} from the API: {summary}", status=status)

    # ------------------------------------------------------------------ operations

    def list_messaging_profiles(
        self, *, page_number: int = 1, page_size: int = 20, name: str | None = None, name_contains: str | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        params: dict[str, Any] = {"page[number]": page_number, "page[size]": page_size}
        if name is not None:
            params["filter[name][eq]"] = name
        if name_contains is not None:
            params["filter[name][contains]"] = name_contains
        body = self._request("GET", "/messaging_profiles", params=params)
        return _list_data(body), body.get("meta") or {}

    def iter_messaging_profiles(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        name: str | None = None,
        name_contains: str | None = None,
        on_page: Callable[[int, int], None] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every profile, following pages until the last one."""
        page = 1
        while True:
            data, meta = self.list_messaging_profiles(
                page_number=page, page_size=page_size, name=name, name_contains=name_contains
            )
            total_pages = int(meta.get("total_pages") or 1)
            if on_page is not None:
                on_page(page, total_pages)
            yield from data
            if page >= total_pages or not data:
                return
            page += 1

    def retrieve_messaging_profile(self, profile_id: str) -> dict[str, Any]:
        return _object_data(self._request("GET", f"/messaging_profiles/{_seg(profile_id)}"))

    def update_messaging_profile(self, profile_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        return _object_data(self._request("PATCH", f"/messaging_profiles/{_seg(profile_id)}", body=payload))

    def delete_messaging_profile(self, profile_id: str) -> dict[str, Any]:
        return _object_data(self._request("DELETE", f"/messaging_profiles/{_seg(profile_id)}"))

    def regenerate_secret(self, profile_id: str) -> dict[str, Any]:
        # A regenerate is safe to repeat (the newest secret wins), but urllib3 does not retry POSTs.
        return _object_data(self._request("POST", f"/messaging_profiles/{_seg(profile_id)}/actions/regenerate_secret"))

    def list_related(
        self, profile_id: str, what: str, *, page_number: int = 1, page_size: int = 20
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """phone_numbers, short_codes or alphanumeric_sender_ids of a profile."""
        params = {"page[number]": page_number, "page[size]": page_size}
        body = self._request("GET", f"/messaging_profiles/{_seg(profile_id)}/{what}", params=params)
        return _list_data(body), body.get("meta") or {}

    def profile_metrics(self, profile_id: str, time_frame: str | None = None) -> dict[str, Any]:
        params = {"time_frame": time_frame} if time_frame else None
        return _object_data(self._request("GET", f"/messaging_profiles/{_seg(profile_id)}/metrics", params=params))

    def list_profile_metrics(self, time_frame: str | None = None) -> list[dict[str, Any]]:
        params = {"time_frame": time_frame} if time_frame else None
        return _list_data(self._request("GET", "/messaging_profile_metrics", params=params))

    def create_messaging_profile(
        self, payload: dict[str, Any], *, known_ids: set[str] | None = None
    ) -> tuple[dict[str, Any], str | None]:
        """Create a profile, never twice.  Returns the profile and a note (or None).

        Telnyx has no idempotency key for this endpoint, so:

        1. Before the first POST we note the ids of the profiles that already have this name
           (``known_ids``; ``apply`` passes the ones it already listed).
        2. urllib3 re-sends the POST only if the connection was never made or the API said 429.
        3. After an ambiguous failure (timeout after sending, dropped connection, 5xx), we list the
           profiles with this name.  A profile that is not in ``known_ids`` and has every field we
           sent is the one this attempt created: we report it as created, with a note.  If there is
           none, we send the create again.  If a new profile with this name differs from what we
           sent, or there are several, someone else is creating profiles with this name: we stop
           and say so rather than guess.
        """
        name = str(payload.get("name", ""))
        if known_ids is None:
            known_ids = {p["id"] for p in self.iter_messaging_profiles(name=name) if "id" in p}
            if known_ids and self.notify:
                self.notify(
                    f"{len(known_ids)} profile{'s' if len(known_ids) > 1 else ''} named {name!r} already "
                    f"exist{'' if len(known_ids) > 1 else 's'} ({', '.join(sorted(known_ids))}); creating "
                    "another (`msgprof apply` creates only what is missing)"
                )
        last: MsgprofError | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(
                    min(MAX_RETRY_WAIT, self.backoff_factor * (2 ** (attempt - 1)))
                    + random.uniform(0, self.backoff_factor / 2)
                )
            try:
                return _object_data(self._post_create(payload)), None
            except _AmbiguousCreate as exc:
                last, reason = exc.error, exc.reason
                if self.notify:
                    self.notify(
                        f"create of {name!r} failed after it was sent ({exc.reason}); "
                        "checking whether the profile was created"
                    )
            try:
                fresh = [p for p in self.iter_messaging_profiles(name=name) if p.get("id") not in known_ids]
            except MsgprofError as check:
                raise Unavailable(
                    f"create of {name!r} failed after it was sent ({reason}), and looking for it failed too: "
                    f"{check.message}; it may or may not exist",
                    hint=f"look with `msgprof list --name {name!r}` before creating it again",
                ) from None
            ours = [p for p in fresh if not diff(payload, p)]
            if len(fresh) == 1 and len(ours) == 1:
                return ours[0], (
                    f"the connection failed after the create was sent; profile {ours[0]['id']} "
                    "was found by name and is the one this attempt created"
                )
            if fresh:
                ids = ", ".join(str(p.get("id")) for p in fresh)
                raise Unavailable(
                    f"create of {name!r} failed after it was sent, and new profiles with this name "
                    f"appeared that msgprof cannot attribute to this attempt: {ids}",
                    hint="check them with `msgprof list --name`; msgprof did not send it again",
                )
            if self.notify and attempt < self.max_retries:
                self.notify(f"no profile named {name!r} was created; sending the create again")
        assert last is not None
        raise last

    def _post_create(self, payload: dict[str, Any]) -> Any:
        url = self.base_url + "/messaging_profiles"
        try:
            resp = self.session.post(url, json=payload, timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            kind, sent = classify_network_error(exc)
            error = Unavailable(f"POST {url}: {kind}", hint="check --base-url and your network, then try again")
            if sent:
                raise _AmbiguousCreate(kind, error) from None
            raise error from None
        if resp.status_code >= 500 or resp.status_code == 408:
            try:
                self._decode("POST", url, resp)
            except Unavailable as error:
                raise _AmbiguousCreate(f"HTTP {resp.status_code}", error) from None
        return self._decode("POST", url, resp)


class _AmbiguousCreate(Exception):
    def __init__(self, reason: str, error: MsgprofError) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


def _seg(value: str) -> str:
    return quote(value, safe="")


def _list_data(body: Any) -> list[dict[str, Any]]:
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise Unavailable("the API answered with a list whose `data` is not a list of objects")
    return data


def _object_data(body: Any) -> dict[str, Any]:
    data = body.get("data")
    if not isinstance(data, dict):
        raise Unavailable("the API answered without an object in `data`")
    return data


def _errors_of(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return [e for e in body["errors"] if isinstance(e, dict)]
    return []


def _excerpt(text: str, limit: int = 120) -> str:
    import re

    flat = re.sub(r"<[^>]+>", " ", text)
    flat = " ".join(flat.split())
    return flat[:limit] + ("…" if len(flat) > limit else "")


def _summarise(errors: list[dict[str, Any]], text: str) -> str:
    if errors:  # the errors themselves are printed one per line by the renderer
        return f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
    excerpt = _excerpt(text)
    return excerpt or "(empty body)"


def _tracer(trace: Notify) -> Callable[..., Any]:
    def hook(resp: requests.Response, *args: Any, **kwargs: Any) -> None:
        req = resp.request
        headers = {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in req.headers.items()}
        trace(f"> {req.method} {req.url}")
        for k, v in headers.items():
            trace(f"> {k}: {v}")
        if req.body:
            body = req.body.decode() if isinstance(req.body, bytes) else str(req.body)
            trace(f"> {redact_secrets(body)}")
        trace(f"< HTTP {resp.status_code} in {resp.elapsed.total_seconds() * 1000:.0f} ms")
        for k, v in resp.headers.items():
            trace(f"< {k}: {v}")
        text = redact_secrets(resp.text)
        trace(f"< {text[:2000]}" + ("…" if len(text) > 2000 else ""))

    return hook


def redact_secrets(text: str) -> str:
    """Hide v1_secret values in trace text."""
    import re

    return re.sub(r'("v1_secret"\s*:\s*")[^"]*(")', r"\1<redacted>\2", text)
