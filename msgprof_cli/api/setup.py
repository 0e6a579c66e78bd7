"""Messaging-setup operations that must never lose a number or create anything twice.

Above the client: this module decides, the client only sends; the client's answers arrive as
typed records (``records``).

* **Numbers** are assigned one PATCH each up to ``BULK_THRESHOLD`` (a PATCH is safe to repeat);
  more go through bulk orders of at most ``BULK_MAX`` numbers (the API's per-order size), each on
  its own: one order failing never hides the others.  A bulk order is a create, made once through
  the create protocol (``create_once``): the API's own 5xx (500) is looked up and re-sent only for the
  numbers still where they were (each owner read again first); an order whose answer was lost (or
  answered by a gateway: 502, 503, 504, 408) is
  never re-sent, and its numbers that have not arrived are reported pending.  A number is reported
  assigned only when the API lists it on the profile.
* **Sender IDs and auto-responses** are created through the same protocol: the profile's records
  are listed first (an equal one is the result, nothing is sent), and after a failure a new
  record equal to what was sent is the one this attempt created.  With no answer, look-ups are
  patient and the POST is never sent again.
* A sender ID cannot be changed by the API: ``change_sender_id`` removes it, adds it again, and
  when the add fails puts the old one back (or says plainly that it is gone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from msgprof_cli.api.create_once import Found, create
from msgprof_cli.api.records import AutoResp, BulkOrder, NumberSettings, SenderId
from msgprof_cli.api.resources import BULK_MAX, BULK_THRESHOLD, AutoResps, Numbers, Request, SenderIds
from msgprof_cli.clock import SYSTEM, Clock
from msgprof_cli.document.setup_rules import Autoresp
from msgprof_cli.errors import (
    ApiError,
    CreateUnknown,
    ExitStatus,
    MsgprofError,
    NotFound,
    Unavailable,
    format_api_error,
)

if TYPE_CHECKING:  # the type only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import SetupOperations

__all__ = ["BULK_MAX", "BULK_THRESHOLD"]  # the numbers' split lives with their requests (api.resources)
LOOKUP_CHUNK = 100  # numbers per filter[phone_number] look-up (keeps the URL short)

NumberOutcome = Literal["assigned", "unassigned", "unchanged", "pending", "failed"]
Notify = Callable[[str], None]
Progress = Callable[[int, int], None]
R = TypeVar("R", SenderId, AutoResp)


@dataclass
class NumberResult:
    number: str
    result: NumberOutcome
    detail: str = ""
    number_id: str | None = None
    error: MsgprofError | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "result": self.result, "detail": self.detail, "id": self.number_id}


@dataclass
class Pacing:
    """How long to wait for a bulk order, and the clock to wait with (injected in tests)."""

    wait: float = 120.0
    first_interval: float = 0.5
    max_interval: float = 2.0
    clock: Clock = SYSTEM


def with_details(exc: MsgprofError) -> MsgprofError:
    """The API's errors[] (code, title, detail, field) in the error's message: a setup change or a
    number is reported in one line, and "HTTP 422: 1 error" alone does not say what to fix."""
    errors = getattr(exc, "errors", None)
    if errors and not getattr(exc, "detailed", False):
        exc.message = f"{exc.message}: " + "; ".join(format_api_error(e) for e in errors)
        exc.args = (exc.message,)
        exc.detailed = True  # type: ignore[attr-defined]
    return exc


def interrupted(exc: MsgprofError) -> bool:
    """Ctrl-C during a create (create_once says so with exit 130): stop, never go on to the next write."""
    return isinstance(exc, CreateUnknown) and exc.exit_code == ExitStatus.INTERRUPTED


def _no_notify(message: str) -> None:
    pass


def _no_progress(done: int, total: int) -> None:
    pass


# --------------------------------------------------------------------------- numbers


def look_up_numbers(ops: SetupOperations, numbers: Sequence[str]) -> dict[str, NumberSettings]:
    """The account's records for these numbers, by number (absent: not in the account)."""
    found: dict[str, NumberSettings] = {}
    for i in range(0, len(numbers), LOOKUP_CHUNK):
        chunk = list(numbers[i : i + LOOKUP_CHUNK])
        for record in ops.list_phone_numbers_with_messaging_settings(phone_numbers=chunk):
            if record["phone_number"] in chunk:
                found[record["phone_number"]] = record
    return found


def assign_numbers(
    ops: SetupOperations,
    profile_id: str,
    numbers: Sequence[str],
    *,
    move: bool = False,
    planned_owners: Mapping[str, str | None] | None = None,
    pacing: Pacing | None = None,
    notify: Notify = _no_notify,
    progress: Progress = _no_progress,
    live: Mapping[str, NumberSettings] | None = None,
) -> list[NumberResult]:
    """Put these numbers on the profile.  A number on another profile moves only with ``move``,
    and (with ``planned_owners``, from a plan) only from the profile the plan showed.
    ``live``: the numbers' records as just re-read by the caller (apply re-reads every profile's
    at once, api/inventory.py ``reread_numbers``); else they are looked up here."""
    live = look_up_numbers(ops, numbers) if live is None else live
    results: dict[str, NumberResult] = {}
    todo: list[str] = []
    for n in numbers:
        rec = live.get(n)
        owner = rec.get("messaging_profile_id") if rec is not None else None
        if rec is None:
            results[n] = NumberResult(n, "failed", "not a phone number of this account")
        elif owner == profile_id:
            results[n] = NumberResult(n, "unchanged", "already on the profile", rec.get("id"))
        elif planned_owners is not None and n in planned_owners and owner and owner != planned_owners[n]:
            # on a profile the plan did not show (a number that has gone free may still be taken)
            why = ApiError(
                f"{n} is on profile {owner} now, not where the plan saw it "
                f"({planned_owners[n] or 'no profile'}); it was not taken"
            )
            results[n] = NumberResult(n, "failed", why.message, rec.get("id"), why)
        elif owner and not move:
            results[n] = NumberResult(
                n, "failed", f"on profile {owner}; --move (or move: true) takes it", rec.get("id")
            )
        else:
            todo.append(n)
    done = _set_profile(ops, profile_id, todo, live, pacing or Pacing(), notify, progress)
    for n, result in done.items():  # a move says where the number came from
        owner = (live.get(n) or {}).get("messaging_profile_id")
        if owner and result.result == "assigned" and not result.detail:
            result.detail = f"moved from profile {owner}"
    results.update(done)
    return [results[n] for n in numbers]


def unassign_numbers(
    ops: SetupOperations,
    numbers: Sequence[str],
    *,
    pacing: Pacing | None = None,
    notify: Notify = _no_notify,
    progress: Progress = _no_progress,
    only_from: str | None = None,
    live: Mapping[str, NumberSettings] | None = None,
) -> list[NumberResult]:
    """Take these numbers off their profile (they stop sending); with ``only_from``, only off that
    one: a number that has moved meanwhile (say, an earlier item of the same apply took it) stays.
    ``live``: as in ``assign_numbers``."""
    live = look_up_numbers(ops, numbers) if live is None else live
    results: dict[str, NumberResult] = {}
    todo = []
    for n in numbers:
        rec = live.get(n)
        if rec is None:
            results[n] = NumberResult(n, "failed", "not a phone number of this account")
        elif not rec.get("messaging_profile_id"):
            results[n] = NumberResult(n, "unchanged", "on no profile", rec.get("id"))
        elif only_from is not None and rec.get("messaging_profile_id") != only_from:
            detail = f"now on profile {rec.get('messaging_profile_id')}: left there"
            results[n] = NumberResult(n, "unchanged", detail, rec.get("id"))
        else:
            todo.append(n)
    results.update(_set_profile(ops, "", todo, live, pacing or Pacing(), notify, progress))
    return [results[n] for n in numbers]


def _set_profile(
    ops: SetupOperations,
    profile_id: str,
    numbers: list[str],
    records: Mapping[str, NumberSettings],
    pacing: Pacing,
    notify: Notify,
    progress: Progress,
) -> dict[str, NumberResult]:
    if not numbers:
        return {}
    if Numbers.by_patch(len(numbers)):
        return {n: _patch_one(ops, profile_id, n, records[n]) for n in numbers}
    owners = {n: records[n].get("messaging_profile_id") for n in numbers}
    results: dict[str, NumberResult] = {}
    done = 0
    for chunk in Numbers.orders(numbers):  # the API's per-order size; each order on its own
        results.update(_bulk(ops, profile_id, chunk, owners, pacing, notify, _offset(progress, done, len(numbers))))
        done += len(chunk)
    return results


def _offset(progress: Progress, base: int, total: int) -> Progress:
    return lambda done, _total: progress(base + done, total)


def _patch_one(ops: SetupOperations, profile_id: str, number: str, record: NumberSettings) -> NumberResult:
    outcome: NumberOutcome = "assigned" if profile_id else "unassigned"
    try:
        ops.update_phone_number_messaging_settings(record["id"], {"messaging_profile_id": profile_id})
    except MsgprofError as exc:  # reported per number; the others go on
        return NumberResult(number, "failed", with_details(exc).message, record.get("id"), exc)
    return NumberResult(number, outcome, "", record.get("id"))


class _OrderCreation:
    """A bulk order in the create protocol.  There is no list of orders: the look reads the numbers'
    owners.  The order is found when each of its numbers is on the target (or was taken by another
    profile meanwhile); before a re-send (after an answered 5xx) each owner has just been read
    again, and the order carries only the numbers still where they were: none is taken from a
    profile that got it meanwhile."""

    noun = "bulk order"
    name = ""
    proof = "each of its numbers is on the profile now"

    def __init__(self, ops: SetupOperations, target: str, numbers: list[str], owners: Mapping[str, str | None]) -> None:
        self.ops, self.target, self.numbers, self.owners = ops, target, numbers, owners
        self.what = f"the bulk order for {len(numbers)} number{'s' if len(numbers) != 1 else ''}"
        self.arrived: set[str] = set()
        self.taken: dict[str, str | None] = {}

    @property
    def todo(self) -> list[str]:
        return [n for n in self.numbers if n not in self.arrived and n not in self.taken]

    @property
    def request(self) -> Request:
        return Numbers.bulk(self.target, self.todo)

    def send(self) -> BulkOrder:
        if not self.todo:
            return BulkOrder(order_id="", success=sorted(self.arrived), pending=[], failed=[])
        return self.ops.bulk_update_messaging_settings(self.target, self.todo)

    def label(self, record: BulkOrder) -> str:
        return self.what

    def look(self, sent: float) -> Found[BulkOrder]:
        live = look_up_numbers(self.ops, self.numbers)
        for n in self.numbers:
            owner = live[n].get("messaging_profile_id") if n in live else None
            if (owner or "") == self.target:
                self.arrived.add(n)
            elif owner != self.owners.get(n):
                self.taken[n] = owner
        if self.arrived and len(self.arrived) + len(self.taken) == len(self.numbers):
            if self.taken:  # the note says what is true: not "each of its numbers"
                gone = len(self.taken)
                self.proof = (
                    f"{len(self.arrived)} of its {len(self.numbers)} numbers are on the profile now; "
                    f"{gone} went to another profile meanwhile and {'was' if gone == 1 else 'were'} not taken"
                )
            return Found(ours=[BulkOrder(order_id="", success=sorted(self.arrived), pending=[], failed=[])])
        return Found()


def _bulk(
    ops: SetupOperations,
    profile_id: str,
    numbers: list[str],
    owners: Mapping[str, str | None],
    pacing: Pacing,
    notify: Notify,
    progress: Progress,
) -> dict[str, NumberResult]:
    """One bulk order, created once (create_once), then polled until nothing is pending or the wait
    is over.  Each number is then reported from its owner as the API lists it."""
    order = _OrderCreation(ops, profile_id, numbers, owners)
    state: BulkOrder | None = None
    error: MsgprofError | None = None
    try:
        made = create(ops.client, order, notify)
        state = made.record
        if made.note:
            notify(made.note)
    except CreateUnknown as exc:  # the order may exist and still run: never sent again
        if interrupted(exc):
            raise
        exc.hint = "its numbers are reported pending; run the command again later: it sends only what is missing"
        error = exc
    except MsgprofError as exc:  # refused (4xx), or unavailable on every attempt: nothing was made
        error = exc
    if state is not None and state["order_id"]:
        state = _poll(ops, state, len(numbers), pacing, notify, progress)
    return _number_results(ops, profile_id, numbers, state, order.taken, error)


def _poll(
    ops: SetupOperations, order: BulkOrder, total: int, pacing: Pacing, notify: Notify, progress: Progress
) -> BulkOrder:
    """The order's last known state, polled until nothing is pending or the wait is over."""
    clock = pacing.clock
    deadline = clock.monotonic() + pacing.wait
    interval = pacing.first_interval
    state = order
    first = True
    while state["pending"] and (first or clock.monotonic() < deadline):
        progress(len(state["success"]) + len(state["failed"]), total)
        if not first:  # the first look is at once: a small order is often done by then
            clock.sleep(min(interval, max(0.0, deadline - clock.monotonic())))
            interval = min(interval * 2, pacing.max_interval)
        first = False
        try:
            state = ops.get_bulk_update_status(order["order_id"])
        except MsgprofError as exc:  # each number is read afterwards; what is not there is pending
            notify(f"checking bulk order {order['order_id']} failed ({exc.message}); checking the numbers instead")
            return state
    progress(len(state["success"]) + len(state["failed"]), total)
    return state


def _number_results(
    ops: SetupOperations,
    profile_id: str,
    numbers: list[str],
    state: BulkOrder | None,
    taken: Mapping[str, str | None],
    error: MsgprofError | None,
) -> dict[str, NumberResult]:
    """Each number from its owner as the API lists it now; what the order says explains the rest."""
    live = look_up_numbers(ops, numbers)
    ok: NumberOutcome = "assigned" if profile_id else "unassigned"
    failed = set(state["failed"]) if state is not None else set()
    out: dict[str, NumberResult] = {}
    for n in numbers:
        rec = live.get(n)
        rid = rec.get("id") if rec is not None else None
        owner = (rec.get("messaging_profile_id") if rec is not None else None) or ""
        if owner == profile_id:
            out[n] = NumberResult(n, ok, "", rid)
        elif n in taken:
            why = ApiError(f"{n} went to profile {taken[n] or '(none)'} meanwhile; it was not taken from there")
            out[n] = NumberResult(n, "failed", why.message, rid, why)
        elif n in failed:
            why = ApiError(f"{n}: the API failed this number in the bulk order")
            out[n] = NumberResult(n, "failed", why.message, rid, why)
        elif isinstance(error, CreateUnknown) or (state is not None and error is None):
            detail = "the bulk order has not finished; run again later"
            if isinstance(error, CreateUnknown):
                detail = "the bulk order's answer was lost; it may still run, and was not sent again"
            out[n] = NumberResult(n, "pending", detail, rid, error)
        else:
            gone: MsgprofError = with_details(error or Unavailable("the bulk order was not made"))
            out[n] = NumberResult(n, "failed", gone.message, rid, gone)
    return out


# --------------------------------------------------------------------------- creates that never duplicate


@dataclass
class Created:
    record: dict[str, Any]  # a SenderId or an AutoResp: shown as the API answered it
    result: Literal["created", "exists"]
    note: str | None = None


class _ListedCreation(Generic[R]):
    """A sender ID or an auto-response in the create protocol: the profile's records are listed
    before the POST, and "ours" is a record not in that list with every field sent."""

    name = ""
    proof = "every field sent is equal, and it was not there before the send"

    def __init__(
        self,
        what: str,
        noun: str,
        request: Request,
        before: list[R],
        listing: Callable[[], list[R]],
        same: Callable[[R], bool],
        post: Callable[[], R],
    ) -> None:
        self.what, self.noun, self.request = what, noun, request
        self.listing: Callable[[], list[R]] = listing
        self.same: Callable[[R], bool] = same
        self.post: Callable[[], R] = post
        self.known = {r.get("id") for r in before}

    def send(self) -> R:
        return self.post()

    def label(self, record: R) -> str:
        return f"{self.noun} {record.get('id')}"

    def look(self, sent: float) -> Found[R]:
        fresh = [r for r in self.listing() if r.get("id") not in self.known]
        return Found(ours=[r for r in fresh if self.same(r)])


def _create_listed(
    ops: SetupOperations, creation: _ListedCreation[R], before: list[R], notify: Notify, hint: str
) -> Created:
    """What is there already is the result (nothing sent); else one create through the protocol."""
    for record in before:
        if creation.same(record):
            return Created(dict(record), "exists")
    try:
        done = create(ops.client, creation, notify)
    except CreateUnknown as exc:
        exc.hint = hint
        raise
    except ApiError as exc:
        # Refused as a duplicate (409/422) after our listing found none: another run (or a
        # person) made the same record meanwhile.  It is what was asked for: nothing more to do.
        if exc.status in (409, 422):
            for record in creation.listing():
                if creation.same(record):
                    note = f"{creation.noun} {record.get('id')} was made meanwhile by another run; nothing was added"
                    return Created(dict(record), "exists", note)
        raise
    return Created(dict(done.record), "created", done.note)


def sender_ids(ops: SetupOperations, profile_id: str) -> list[SenderId]:
    return ops.list_alphanumeric_sender_ids(profile_id)


def autoresps(ops: SetupOperations, profile_id: str) -> list[AutoResp]:
    return ops.get_autoresp_configs(profile_id)


def add_sender_id(
    ops: SetupOperations, profile_id: str, sender_id: str, fallback: str | None, notify: Notify = _no_notify
) -> Created:
    request = SenderIds.add(profile_id, sender_id, fallback)
    before = sender_ids(ops, profile_id)
    creation = _ListedCreation(
        f"sender ID {sender_id!r}",
        "sender ID",
        request,
        before,
        lambda: sender_ids(ops, profile_id),
        # no fallback asked for (`sender-ids add X`): whatever fallback is live will do
        lambda r: SenderIds.same(sender_id, fallback, r, any_fallback=fallback is None),
        lambda: ops.create_alphanumeric_sender_id(request),
    )
    live = next((r for r in before if SenderIds.key(r) == sender_id), None)
    if live is not None and fallback is not None and SenderIds.differences(fallback, live):
        raise ApiError(
            f"sender ID {sender_id!r} is already on the profile, with us_long_code_fallback "
            f"{live.get('us_long_code_fallback') or 'unset'}",
            hint="sender IDs cannot be changed: remove it, then add it again",
        )
    hint = "`msgprof sender-ids list PROFILE` shows whether it was made; adding it again looks first"
    return _create_listed(ops, creation, before, notify, hint)


def change_sender_id(
    ops: SetupOperations,
    profile_id: str,
    sender_id: str,
    record_id: str,
    old: str | None,
    new: str | None,
    notify: Notify = _no_notify,
) -> Created:
    """The API cannot change a sender ID: remove it, then add it again.  When the add fails, the old
    one is added back; when that fails too, the error says plainly that it is gone."""
    remove_sender_id(ops, profile_id, record_id)
    try:
        return add_sender_id(ops, profile_id, sender_id, new, notify)
    except CreateUnknown as exc:  # the new one may exist: adding the old one could make two
        exc.message = f"sender ID {sender_id!r} was removed to change it; {exc.message}"
        exc.args = (exc.message,)
        raise
    except MsgprofError as exc:
        failure = with_details(exc)
    try:
        add_sender_id(ops, profile_id, sender_id, old, notify)
    except MsgprofError as again:
        raise type(failure)(
            f"sender ID {sender_id!r} was removed to change it, adding it back failed ({failure.message}), "
            f"and restoring the old one failed too ({again.message}): it is no longer on the profile",
            hint="add it again: `msgprof sender-ids add PROFILE SENDER_ID`",
        ) from None
    raise type(failure)(
        f"sender ID {sender_id!r} could not be changed ({failure.message}); the old one was added back",
        hint=failure.hint,
    ) from None


def remove_sender_id(ops: SetupOperations, profile_id: str, ref: str) -> SenderId:
    """Delete a sender ID of the profile, named by its text or its id."""
    matches = [r for r in sender_ids(ops, profile_id) if ref in (r.get("alphanumeric_sender_id"), r.get("id"))]
    if not matches:
        raise NotFound(f"no sender ID {ref!r} on this profile", hint="`msgprof sender-ids list PROFILE` lists them")
    record = matches[0]
    try:
        ops.delete_alphanumeric_sender_id(record["id"])
    except NotFound:  # a retried DELETE whose first attempt was done
        if any(r.get("id") == record["id"] for r in sender_ids(ops, profile_id)):
            raise
    return record


def create_autoresp(ops: SetupOperations, profile_id: str, config: Autoresp, notify: Notify = _no_notify) -> Created:
    before = autoresps(ops, profile_id)
    creation = _ListedCreation(
        f"the {config.op} auto-response for {config.country_code}",
        "auto-response",
        AutoResps.create(profile_id, config.payload()),
        before,
        lambda: autoresps(ops, profile_id),
        lambda r: AutoResps.same(config, r),
        lambda: ops.create_autoresp_config(profile_id, config.payload()),
    )
    hint = "`msgprof autoresp list PROFILE` shows whether it was made; creating it again looks first"
    return _create_listed(ops, creation, before, notify, hint)


def find_autoresp(ops: SetupOperations, profile_id: str, config_id: str) -> AutoResp:
    for record in autoresps(ops, profile_id):
        if record.get("id") == config_id:
            return record
    raise NotFound(f"no auto-response config {config_id} on this profile", hint="`msgprof autoresp list PROFILE`")


def require_autoresps(ops: SetupOperations, profile_id: str, config_ids: list[str]) -> None:
    """Every id names a config of the profile, or nothing is deleted (a 404 on the DELETE itself
    is taken for a retried DELETE that was done, so it can't tell an id that never existed)."""
    live = {record.get("id") for record in autoresps(ops, profile_id)}
    missing = [c for c in config_ids if c not in live]
    if missing:
        raise NotFound(
            f"no auto-response config {', '.join(missing)} on this profile; nothing was deleted",
            hint="`msgprof autoresp list PROFILE` lists them",
        )


def delete_autoresp(ops: SetupOperations, profile_id: str, config_id: str) -> None:
    try:
        ops.delete_autoresp_config(profile_id, config_id)
    except NotFound:  # a retried DELETE whose first attempt was done
        if any(r.get("id") == config_id for r in autoresps(ops, profile_id)):
            raise
