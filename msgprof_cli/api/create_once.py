"""Create once: one request on the happy path, never a duplicate, for every resource made by POST.

Profiles, sender IDs, auto-responses and bulk orders are all created through ``create``.  Each
resource gives a ``Creation``: its POST as a value (``request``, built by ``api.resources``: the
same value a ``--dry-run`` prints), how to send it once, and how to look for what that POST made
(what makes a found record "ours").  Telnyx has no idempotency key for creates, so after a create
fails, what happened has to be found out.  A failure is one of these kinds:

* **Certainly not received** (connection refused or never made, 429): urllib3 re-sends it in the
  client; nothing here.
* **Answered by the API with an error** (500 and any other 5xx not below): the API has finished
  with the request, so one look-up tells.  Found: reported as created, with a note.  Not found:
  sent again (up to the client's ``max_retries``, with back-off).  A 4xx is a refusal: nothing
  was made, nothing re-sent.
* **Answered by a gateway or a timer** (``GATEWAY_STATUSES``: 502, 503, 504 and 408): a proxy, a
  load balancer or the server's own request timer gave up waiting, and the API behind it may
  still commit the write (a 504 after 1 s, the profile made at 2.5 s).  That is the "no answer"
  case below, whatever the status line says: patient look-ups, never a re-send.
* **Answered 2xx, unreadably** (not JSON, NaN, nested too deep, no `data` object): the server
  says it was done, so it is never sent again; looked for with patience as below.
* **No answer** (timeout after the send, dropped connection, deadline): the request may still be
  in flight, so a look-up that finds nothing proves nothing.  Look up with patience (back-off,
  for ``PATIENCE_FACTOR`` × the read timeout, within ``MIN_PATIENCE``..``MAX_PATIENCE``), and
  never send again.  Found: created.  Not found: ``CreateUnknown`` (exit 6).  Ctrl-C during a
  create says the same (exit 130).

**Which record is "ours"** (each resource's ``look``):

* A profile (``create_once``): a look-up (``filter[name][eq]``) answers with the server's
  ``Date``.  The profile this attempt created was created after the send, so no earlier than
  ``Date − (local monotonic time from the send to the look-up's answer) − SKEW``.  A profile is
  ours when its id was not already known (``apply`` passes the ids it listed), every field that
  was sent is equal, and its ``created_at`` is at or after that bound.  The Date header has
  one-second resolution: an identical profile created by someone else within about a second
  before the send cannot be told from ours.
* A sender ID or an auto-response (``api/setup.py``): the profile's records are listed before the
  POST; ours is a record that was not in that list and has every field sent.
* A bulk order (``api/setup.py``): there is no list of orders, so the look reads the numbers'
  owners; the order is found when every number it carries is on the target.

When one record is ours it is the result.  When several are, or a candidate's time cannot be read
(no ``Date``, no ``created_at``), msgprof cannot tell and stops with ``CreateUnknown`` rather than
guess or re-send.

This module prints nothing and exits nothing: it returns ``Created`` or raises ``errors``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from msgprof_cli.api.resources import Profiles, Request
from msgprof_cli.clock import Clock
from msgprof_cli.document.changes import diff
from msgprof_cli.errors import (
    AmbiguousCreate,
    CreateUnknown,
    MsgprofError,
    NameTaken,
    Unavailable,
)

if TYPE_CHECKING:
    from msgprof_cli.api.client import TelnyxClient

PATIENCE_FACTOR = 4.0
MIN_PATIENCE = 0.5
MAX_PATIENCE = 60.0
FIRST_WAIT = 0.1  # between patient look-ups: 0.1 s, doubling, at most MAX_WAIT
MAX_WAIT = 2.0
MAX_RESEND_WAIT = 30.0
SKEW = 1.0  # allowed difference between the server's Date and its created_at clocks
# Answered, but not by the API's own handler having finished: RFC 9110 §15.6.3 (502: a gateway got
# no valid answer), §15.6.4 (503: the request may have been taken before the overload showed),
# §15.6.5 (504: a gateway gave up waiting), §15.5.9 (408: the server's timer; a proxy may also say
# it).  The write behind any of them may still be committed.
GATEWAY_STATUSES = frozenset({408, 502, 503, 504})

JSON = dict[str, Any]
R = TypeVar("R", bound=Mapping[str, Any])


@dataclass(frozen=True)
class Created(Generic[R]):
    record: R
    note: str | None = None

    @property
    def profile(self) -> R:  # the profile path's name for it
        return self.record


@dataclass
class Found(Generic[R]):
    """What one look-up found that could be this attempt's record."""

    ours: list[R] = field(default_factory=list)
    unclear: list[R] = field(default_factory=list)  # equal fields, but whose it is can't be told
    others: list[R] = field(default_factory=list)


class Creation(Protocol[R]):
    """One resource's part of the protocol: its POST, and what makes a found record ours."""

    name: str  # what CreateUnknown carries (a profile's name; the hint names it)
    what: str  # how messages name it: "'Sales'", "sender ID 'Acme'"
    noun: str  # "profile", "sender ID", "auto-response", "bulk order"
    proof: str  # why a found record is ours, for the note: "every field sent is equal, and ..."

    @property
    def request(self) -> Request: ...  # the POST this attempt sends (api.resources built it)

    def send(self) -> R: ...  # one POST of ``request``; AmbiguousCreate when it may have reached the server

    def look(self, sent: float) -> Found[R]: ...  # sent: the clock's monotonic time of the send

    def label(self, record: R) -> str: ...  # the record in a note ("profile 1234")


def patience(read_timeout: float) -> float:
    return min(MAX_PATIENCE, max(MIN_PATIENCE, PATIENCE_FACTOR * read_timeout))


def create(client: TelnyxClient, creation: Creation[R], say: Callable[[str], None] | None = None) -> Created[R]:
    """Create it once; see the module docstring for what happens when a create fails."""
    say = say or client.notify or (lambda _msg: None)
    try:
        return _attempts(client, creation, client.clock, say)
    except KeyboardInterrupt:
        raise CreateUnknown(
            f"interrupted during the create of {creation.what}: the {creation.noun} may or may not exist",
            name=creation.name,
            interrupted=True,
        ) from None


def create_once(
    client: TelnyxClient,
    payload: JSON,
    *,
    clock: Clock | None = None,
    known_ids: frozenset[str] | set[str] = frozenset(),
    unique: bool = False,
    notify: Callable[[str], None] | None = None,
) -> Created[JSON]:
    """Create the profile; see the module docstring for what happens when a create fails."""
    name = str(payload.get("name", ""))
    clock = clock or client.clock  # one clock for the client's back-off and these look-ups
    if unique:
        _refuse_taken(client, name)
    return create(client, _ProfileCreation(client, payload, name, clock, set(known_ids)), notify)


def create_profile(
    client: TelnyxClient,
    payload: JSON,
    *,
    known_ids: frozenset[str] | set[str] = frozenset(),
    unique: bool = False,
    notify: Callable[[str], None] | None = None,
) -> Created[JSON]:
    """A profile from a document: its create (``create_once``), then the update that sets the
    fields only an update can set (``redaction_*``, ``document.rules.split_create``).

    When that update fails, the profile exists all the same: the error raised is the update's,
    its message saying which profile was made (name and id) and what failed after, and it
    carries the profile as ``created`` (see ``made_before``), so no caller reports "not created"
    and no rerun of ``create`` is taken for harmless."""
    from msgprof_cli.document.rules import split_create

    body, later = split_create(payload)
    done = create_once(client, body, known_ids=known_ids, unique=unique, notify=notify)
    later = {k: v for k, v in later.items() if done.profile.get(k) != v}  # the defaults need no update
    if not later:
        return done
    pid = str(done.profile.get("id"))
    try:
        return Created(client.update_messaging_profile(pid, later), done.note)
    except MsgprofError as exc:
        exc.message = (
            f"profile {done.profile.get('name')!r} was created (id {pid}), then setting "
            f"{', '.join(sorted(later))} on it failed: {exc.message}"
        )
        exc.args = (exc.message,)
        exc.created = done.profile  # type: ignore[attr-defined]  # read through made_before
        raise


def made_before(exc: BaseException) -> JSON | None:
    """The profile a failed ``create_profile`` made before its follow-up update failed (else None)."""
    made = getattr(exc, "created", None)
    return made if isinstance(made, dict) else None


class _ProfileCreation:
    noun = "profile"
    proof = "every field sent is equal, and it was created after the send"

    def __init__(self, client: TelnyxClient, payload: JSON, name: str, clock: Clock, known: set[str]) -> None:
        self.client, self.payload, self.name, self.clock, self.known = client, payload, name, clock, known
        self.what = repr(name)
        self.request = Profiles.create(payload)

    def send(self) -> JSON:
        return self.client.create(self.request)

    def label(self, record: JSON) -> str:
        return f"profile {record.get('id')}"

    def look(self, sent: float) -> Found[JSON]:
        profiles: list[JSON] = []
        floor: float | None = None
        for number, page in enumerate(self.client.iter_messaging_profile_pages(name=self.name)):
            if number == 0 and page.date is not None:
                floor = page.date - (self.clock.monotonic() - sent) - SKEW
            profiles += page.data
        out: Found[JSON] = Found()
        for p in profiles:
            if str(p.get("id")) in self.known or p.get("name") != self.name or diff(self.payload, p):
                out.others.append(p)
                continue
            created = _timestamp(p.get("created_at"))
            if floor is None or created is None:
                out.unclear.append(p)
            elif created >= floor:
                out.ours.append(p)
            else:
                out.others.append(p)
        return out


def _refuse_taken(client: TelnyxClient, name: str) -> None:
    taken = [str(p.get("id")) for p in client.iter_messaging_profiles(name=name)]
    if taken:
        n = len(taken)
        raise NameTaken(
            f"{n} profile{'s' if n > 1 else ''} named {name!r} already exist{'' if n > 1 else 's'} "
            f"({', '.join(taken)}); refusing to create another"
        )


def _attempts(client: TelnyxClient, c: Creation[R], clock: Clock, say: Callable[[str], None]) -> Created[R]:
    last: AmbiguousCreate | None = None
    for attempt in range(client.max_retries + 1):
        if attempt:
            b = client.backoff_factor
            clock.sleep(min(MAX_RESEND_WAIT, b * 2 ** (attempt - 1)) + random.uniform(0, b / 2))
        sent = clock.monotonic()
        try:
            return Created(c.send())
        except AmbiguousCreate as exc:
            last = exc
        say(f"create of {c.what} failed after it may have reached the API ({last.reason}); looking for it")
        if not last.answered or _succeeded(last) or last.status in GATEWAY_STATUSES:
            return _patiently(client, c, sent, clock, last)
        try:
            look = c.look(sent)
        except MsgprofError as exc:  # any failure to look leaves the outcome unknown
            raise CreateUnknown(
                f"the create of {c.what} got {last.reason}, and looking for it failed too ({exc.message}): "
                "it may or may not exist; msgprof did not send it again",
                name=c.name,
            ) from None
        if look.ours or look.unclear:
            return _verdict(c, look, last.reason)
        if attempt < client.max_retries:
            found = f"a look-up found nothing the create of {c.what} made"
            say(f"the API answered {last.reason}, and {found}; sending it again")
    assert last is not None
    raise Unavailable(
        f"{last.message} (the API's own error, and a look-up after it found nothing the create of {c.what} made: "
        f"no {c.noun} was created)",
        status=last.status,
        hint="try again later",
    )


def _succeeded(failure: AmbiguousCreate) -> bool:
    """A 2xx that could not be read: the API said done, so sending again would duplicate."""
    return failure.status is None or 200 <= failure.status < 300


def _patiently(client: TelnyxClient, c: Creation[R], sent: float, clock: Clock, failure: AmbiguousCreate) -> Created[R]:
    """No answer: look again and again for a bounded time; never send again."""
    allowed = patience(client.timeout[1])
    end, wait = clock.monotonic() + allowed, FIRST_WAIT
    trouble = ""
    while True:
        try:
            look = c.look(sent)
            if look.ours or look.unclear:
                return _verdict(c, look, failure.reason if failure.answered else f"no answer ({failure.reason})")
        except CreateUnknown:
            raise
        except Unavailable as exc:  # the API or network is still in trouble: keep trying till the end
            trouble = f"; the last look-up failed: {exc.message}"
        except MsgprofError as exc:  # refused (4xx): looking again will not help
            trouble = f"; the look-up was refused: {exc.message}"
            break
        left = end - clock.monotonic()
        if left <= 0:
            break
        clock.sleep(min(wait, left))
        wait = min(wait * 2, MAX_WAIT)
    got = f"got {failure.reason}" if failure.answered else f"got no answer ({failure.reason})"
    if failure.status in GATEWAY_STATUSES:
        got += " (a gateway's or a timer's answer: the API behind it may still commit the create)"
    raise CreateUnknown(
        f"the create of {c.what} {got}, and no {c.noun} with the fields sent "
        f"appeared within {allowed:g}s{trouble}: it may or may not exist; msgprof did not send it again",
        name=c.name,
    )


def _verdict(c: Creation[R], look: Found[R], reason: str) -> Created[R]:
    if len(look.ours) == 1 and not look.unclear:
        ours = look.ours[0]
        note = f"the create got {reason}; {c.label(ours)} was found and is the one this attempt created ({c.proof})"
        if look.others:
            ids = ", ".join(str(p.get("id")) for p in look.others)
            note += f"; other {c.noun}s named {c.what} already exist: {ids}"
        return Created(ours, note)
    ids = ", ".join(str(p.get("id")) for p in look.ours + look.unclear)
    raise CreateUnknown(
        f"the create of {c.what} got {reason}; {c.noun}s {ids} have every field sent, and msgprof cannot tell "
        "which (if any) this attempt created: it did not send it again",
        name=c.name,
        candidates=look.ours + look.unclear,
    )


def _timestamp(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None
