"""The one URL path builder: every request path, and every id placed in one, comes from here.

An id placed in a URL is data from the network (an id the API answered with) or from the user.
It is judged as urllib3 and requests will send it, because that is what the server receives:

* ``.`` and ``..`` are path steps: urllib3 resolves them before sending
  (``/messaging_profiles/P/autoresp_configs/..`` becomes ``DELETE /messaging_profiles/P/``, the
  whole profile), so they are refused.  So are ``""`` (a path that names the collection), anything
  with ``/`` (a second segment), a control character (no id has one; some servers cut the request
  line at it), and anything that is not a string (``12``, ``null``, an object: ``str()`` of them is
  not what the API meant).
* Everything else is percent-encoded whole, ``%`` included: ``%2e%2e`` is sent as ``%252e%252e``,
  so neither requests' re-quoting (which decodes ``%2e`` to ``.``) nor the server can turn it into
  a path step.

A refusal raises ``UnexpectedRecord`` (exit 5) naming the resource, before anything is sent.
``ApiPath`` is the only type the transport sends (``TelnyxClient._request`` checks it), and only
this module makes one: a path built anywhere else cannot reach the wire.

A ``--dry-run`` runs before the ids it needs are known (the profile named ``Support`` is looked
up only by the real run).  Such an id is a ``Pending`` segment, printed as ``<id of 'Support'>``;
a path holding one is a ``PreviewPath``, which the transport refuses to send.  Every other id of a
preview's path passes ``segment`` exactly as in the real run: what the run refuses (``..``), the
preview refuses, and what the run encodes (``a/b?x=1`` is refused, ``a?b`` becomes ``a%3Fb``),
the preview shows encoded the same way.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any, NamedTuple
from urllib.parse import quote

from msgprof_cli.errors import UnexpectedRecord

MAX_SHOWN = 40  # an id in a message is quoted to at most this many characters


class ApiPath(str):
    """A request path made by ``path()``; the transport refuses any other string."""

    __slots__ = ()


class PreviewPath(ApiPath):
    """A path holding a ``Pending`` segment: printed by a preview, never sent (the transport
    accepts only an exact ``ApiPath``)."""

    __slots__ = ()


class Pending(NamedTuple):
    """An id not known before the run (``Pending("id of 'Support'")``), printed ``<id of 'Support'>``."""

    shown: str

    def __str__(self) -> str:
        return f"<{self.shown}>"


class Id(NamedTuple):
    """An id to place in a path, and what it is the id of (for the message if it is refused)."""

    value: object
    what: str


def path(*parts: str | Id | Pending) -> ApiPath:
    """``/part/part/...``: a ``str`` part is this package's literal text; an ``Id`` is checked and
    encoded; a ``Pending`` part makes the path a ``PreviewPath`` (shown, never sent)."""
    out = []
    for p in parts:
        if isinstance(p, Pending):
            out.append(str(p))
        elif isinstance(p, Id):
            out.append(segment(p.value, p.what))
        elif not p or "/" in p or p in (".", ".."):  # the package's own text: a bug, not the API's
            raise ValueError(f"not a literal path segment: {p!r}")
        else:
            out.append(p)
    joined = "/" + "/".join(out)
    return PreviewPath(joined) if any(isinstance(p, Pending) for p in parts) else ApiPath(joined)


def awaiting(where: ApiPath) -> ApiPath:
    """The same path as a ``PreviewPath``: for a request whose body holds a ``Pending`` id (a sender
    ID's POST names its profile in the body), so that it, too, is never sent."""
    return PreviewPath(where)


def segment(value: object, what: str) -> str:
    """One id as one path segment, percent-encoded; ``UnexpectedRecord`` when it cannot be an id."""
    problem = id_problem(value)
    if problem is not None:
        raise UnexpectedRecord(
            f"the {what} id {shown(value)} cannot be an id ({problem}); nothing was sent",
            hint="msgprof will not guess which record it means (from the API or given, it is refused alike)",
        )
    assert isinstance(value, str)
    return quote(value, safe="")


def id_problem(value: object) -> str | None:
    """Why ``value`` cannot be placed in a URL as an id, or None when it can."""
    if not isinstance(value, str):
        return f"a JSON {json_type(value)}, not a string"
    if value == "":
        return "it is empty"
    if value in (".", ".."):
        return "it is a path step"
    if "/" in value:
        return "it contains /"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return "it contains a control character"
    return None


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string" if isinstance(value, str) else type(value).__name__


def shown(value: object) -> str:
    """A value as a message quotes it: JSON (control characters escaped), at most MAX_SHOWN characters."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"
