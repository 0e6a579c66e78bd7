"""Hints that say what the user most likely meant, in the command line's terms.

The layers below raise plain errors (they know no flags); ``cli/common.run`` asks ``for_error``
for a hint when an error has none, and ``near_names`` is asked when a profile name finds nothing.
Every hint here is computed from what the user typed and what the API answered, never from a
secret: a name that holds a secret this run has read is never offered, and a typed name that
holds one gets no suggestion (a near match would tell something about the secret).
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from msgprof_cli.errors import MsgprofError, NetworkError, NotFound
from msgprof_cli.secrets import scrub

if TYPE_CHECKING:  # the type only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import TelnyxClient

SANDBOX = "`msgprof sandbox` runs a local API to try msgprof without an account"


def _secret(text: str) -> bool:
    return scrub(text) != text


def near_names(client: TelnyxClient, ref: str) -> str | None:
    """``did you mean 'Billing'?`` for a name that matches a profile's but for case, spacing or a
    typo; from the first 250 profiles (one request), closest first."""
    if _secret(ref):
        return None
    try:
        names = [str(p.get("name") or "") for p in client.list_messaging_profiles(page_size=250).data]
    except MsgprofError:  # the hint is a courtesy: the user still gets the not-found error
        return None
    names = [n for n in dict.fromkeys(names) if n and not _secret(n)]
    folded = {n.casefold(): n for n in names}
    close = [folded[k] for k in difflib.get_close_matches(ref.casefold(), list(folded), n=3, cutoff=0.75)]
    if not close:
        return None
    shown = " or ".join(repr(n) for n in close)
    return f"did you mean {shown}? names match exactly, case included"


def with_v2(url: str) -> str | None:
    """The base URL ending in /v2 (the API and the sandbox answer there), when it does not: /v2 is
    added, or replaces another version (`.../v1` -> `.../v2`, never `.../v1/v2`)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/v2"):
        return None
    path = re.sub(r"/v[0-9]+$", "", path)
    return urlunsplit(parts._replace(path=f"{path}/v2"))


def other_version(url: str) -> str | None:
    """The version a base URL ends in when it is not v2 (``v1``), else None."""
    found = re.search(r"/(v[0-9]+)/?$", urlsplit(url).path)
    return found.group(1) if found and found.group(1) != "v2" else None


def for_error(exc: MsgprofError, base_url: str | None, base_url_source: str | None) -> str | None:
    """A hint from the base URL for an answer that says it is wrong: a 404 for every path (no /v2),
    or a TLS handshake with a server that speaks plain HTTP (https:// to the sandbox)."""
    if not base_url:
        return None
    flagged = base_url_source in (None, "--base-url")
    given = f"--base-url {base_url}" if flagged else f"{base_url} (from {base_url_source})"
    if isinstance(exc, NotFound) and exc.status == 404:
        fixed = with_v2(base_url)
        version = other_version(base_url)
        if fixed is not None and version:
            return f"{given} ends in /{version}: the Telnyx API (and the sandbox) answer under /v2; try {fixed}"
        if fixed is not None:
            return f"{given} has no /v2: the Telnyx API (and the sandbox) answer under it; try {fixed}"
    if isinstance(exc, NetworkError) and "TLS" in exc.message and base_url.startswith("https://"):
        parts = urlsplit(base_url)
        if parts.hostname in ("127.0.0.1", "localhost", "::1"):
            plain = urlunsplit(parts._replace(scheme="http"))
            return f"the server at {parts.netloc} speaks plain http (as the sandbox does): try {plain}"
    return None


def unknown_option(name: str, known: list[str]) -> str | None:
    """The closest known option to a mistyped one."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None
