"""Messaging-setup operations that must never lose a number or duplicate a sender ID.

Above the client: this module decides, the client only sends.

* **Numbers** are assigned one PATCH each up to ``BULK_THRESHOLD``; more go through a bulk order,
  which is polled until no number is pending.  Whatever happens to the order (a 5xx, a dropped
  connection, a lost order id), the numbers are then looked up: a number is reported assigned only
  when the API lists it on the profile, and a number that is neither on the profile nor failed by
  the order is sent again in a new order (assigning a number twice is harmless).  So no number is
  lost, and the report says success, pending or failed for each one.
* **Creates** (a sender ID, an auto-response) are POSTs without an idempotency key.  Before the
  POST we list what is there; after any failure we list again, and a new record equal to what we
  sent is the one this attempt created.  Only if there is none do we send again.  A POST is never
  re-sent blindly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from msgprof_cli.clock import SYSTEM, Clock
from msgprof_cli.document.setup_rules import Autoresp
from msgprof_cli.errors import ApiError, MsgprofError, NotFound, Unavailable

if TYPE_CHECKING:  # the type only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import SetupOperations

BULK_THRESHOLD = 5  # up to this many numbers: one PATCH each; more: one bulk order
LOOKUP_CHUNK = 100  # numbers per filter[phone_number] look-up (keeps the URL short)
MIN_ATTEMPTS = 3  # orders (or creates) sent for the same thing, at least; more with --max-retries

NumberOutcome = Literal["assigned", "unassigned", "unchanged", "pending", "failed"]
Notify = Callable[[str], None]
Progress = Callable[[int, int], None]


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


def attempts(ops: SetupOperations) -> int:
    """How many times to send one thing: the client's retry budget, and at least MIN_ATTEMPTS."""
    return max(MIN_ATTEMPTS, int(getattr(ops.client, "max_retries", 0)) + 1)


def _no_notify(message: str) -> None:
    pass


def _no_progress(done: int, total: int) -> None:
    pass


# --------------------------------------------------------------------------- numbers


def look_up_numbers(ops: SetupOperations, numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The account's records for these numbers, by number (absent: not in the account)."""
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(numbers), LOOKUP_CHUNK):
        chunk = list(numbers[i : i + LOOKUP_CHUNK])
        for record in ops.list_phone_numbers_with_messaging_settings(phone_numbers=chunk):
            if record.get("phone_number") in chunk:
                found[record["phone_number"]] = record
    return found


def assign_numbers(
    ops: SetupOperations,
    profile_id: str,
    numbers: Sequence[str],
    *,
    move: bool = False,
    pacing: Pacing | None = None,
    notify: Notify = _no_notify,
    progress: Progress = _no_progress,
) -> list[NumberResult]:
    """Put these numbers on the profile.  A number on another profile moves only with ``move``."""
    records = look_up_numbers(ops, numbers)
    results: dict[str, NumberResult] = {}
    todo: list[str] = []
    for n in numbers:
        rec = records.get(n)
        owner = (rec or {}).get("messaging_profile_id") or None
        if rec is None:
            results[n] = NumberResult(n, "failed", "not a phone number of this account")
        elif owner == profile_id:
            results[n] = NumberResult(n, "unchanged", "already on the profile", rec.get("id"))
        elif owner and not move:
            results[n] = NumberResult(
                n, "failed", f"on profile {owner}; --move (or move: true) takes it", rec.get("id")
            )
        else:
            todo.append(n)
    done = _set_profile(ops, profile_id, todo, records, pacing or Pacing(), notify, progress)
    for n, result in done.items():  # a move says where the number came from
        owner = (records.get(n) or {}).get("messaging_profile_id")
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
) -> list[NumberResult]:
    """Take these numbers off their profile (they stop sending); with ``only_from``, only off that
    one: a number that has moved meanwhile (say, an earlier item of the same apply took it) stays."""
    records = look_up_numbers(ops, numbers)
    results: dict[str, NumberResult] = {}
    todo = []
    for n in numbers:
        rec = records.get(n)
        if rec is None:
            results[n] = NumberResult(n, "failed", "not a phone number of this account")
        elif not rec.get("messaging_profile_id"):
            results[n] = NumberResult(n, "unchanged", "on no profile", rec.get("id"))
        elif only_from is not None and rec.get("messaging_profile_id") != only_from:
            detail = f"now on profile {rec.get('messaging_profile_id')}: left there"
            results[n] = NumberResult(n, "unchanged", detail, rec.get("id"))
        else:
            todo.append(n)
    results.update(_set_profile(ops, "", todo, records, pacing or Pacing(), notify, progress))
    return [results[n] for n in numbers]


def _set_profile(
    ops: SetupOperations,
    profile_id: str,
    numbers: list[str],
    records: dict[str, dict[str, Any]],
    pacing: Pacing,
    notify: Notify,
    progress: Progress,
) -> dict[str, NumberResult]:
    if not numbers:
        return {}
    if len(numbers) <= BULK_THRESHOLD:
        return {n: _patch_one(ops, profile_id, n, records[n]) for n in numbers}
    return _bulk(ops, profile_id, numbers, pacing, notify, progress)


def _patch_one(ops: SetupOperations, profile_id: str, number: str, record: dict[str, Any]) -> NumberResult:
    outcome: NumberOutcome = "assigned" if profile_id else "unassigned"
    try:
        ops.update_phone_number_messaging_settings(record["id"], {"messaging_profile_id": profile_id})
    except MsgprofError as exc:  # reported per number; the others go on
        return NumberResult(number, "failed", exc.message, record.get("id"), exc)
    return NumberResult(number, outcome, "", record.get("id"))


def _bulk(
    ops: SetupOperations, profile_id: str, numbers: list[str], pacing: Pacing, notify: Notify, progress: Progress
) -> dict[str, NumberResult]:
    """Bulk orders until every number is on the profile, failed by the API, or still pending."""
    failed: dict[str, str] = {}
    pending: set[str] = set()
    remaining = list(numbers)
    last_error: MsgprofError | None = None
    for round_ in range(attempts(ops)):
        if round_:
            notify(f"{len(remaining)} numbers are not on the profile yet; sending them again in a new order")
            pacing.clock.sleep(min(pacing.max_interval, pacing.first_interval * 2 ** (round_ - 1)))
        order, error = _send_order(ops, profile_id, remaining, notify)
        last_error = error or last_error
        if order is not None:
            state = _poll(ops, order, len(numbers) - len(remaining), len(numbers), pacing, notify, progress)
            failed.update({n: "the API failed this number in the bulk order" for n in state.get("failed", [])})
            pending = set(state.get("pending", []))
        remaining = _not_yet(ops, profile_id, remaining, failed, pending)
        progress(len(numbers) - len(remaining) - len(pending), len(numbers))
        if not remaining:
            break
    return _number_results(ops, profile_id, numbers, failed, pending, remaining, last_error)


def _send_order(
    ops: SetupOperations, profile_id: str, numbers: list[str], notify: Notify
) -> tuple[dict[str, Any] | None, MsgprofError | None]:
    try:
        return ops.bulk_update_messaging_settings(profile_id, numbers), None
    except ApiError:
        raise  # a refusal (4xx) is an answer: the order was not made
    except MsgprofError as exc:
        notify(f"the bulk order failed ({exc.message}); checking which numbers were updated")
        return None, exc


def _poll(
    ops: SetupOperations,
    order: dict[str, Any],
    base: int,
    total: int,
    pacing: Pacing,
    notify: Notify,
    progress: Progress,
) -> dict[str, Any]:
    """The order's last known state, polled until nothing is pending or the wait is over."""
    clock = pacing.clock
    deadline = clock.monotonic() + pacing.wait
    interval = pacing.first_interval
    state = order
    first = True
    while state.get("pending") and (first or clock.monotonic() < deadline):
        progress(base + len(state.get("success", [])) + len(state.get("failed", [])), total)
        if not first:  # the first look is at once: a small order is often done by then
            clock.sleep(min(interval, max(0.0, deadline - clock.monotonic())))
            interval = min(interval * 2, pacing.max_interval)
        first = False
        order_id = str(state.get("order_id") or order.get("order_id"))
        try:
            state = ops.get_bulk_update_status(order_id)
        except MsgprofError as exc:  # the numbers are checked one by one afterwards anyway
            notify(f"checking bulk order {order_id} failed ({exc.message}); checking the numbers instead")
            return {"pending": [], "failed": [], "success": []}
    return state


def _not_yet(
    ops: SetupOperations, profile_id: str, numbers: list[str], failed: dict[str, str], pending: set[str]
) -> list[str]:
    """The numbers not on the target yet, and neither failed by the API nor still pending."""
    records = look_up_numbers(ops, numbers)
    out = []
    for n in numbers:
        owner = (records.get(n) or {}).get("messaging_profile_id") or ""
        if owner != profile_id and n not in failed and n not in pending:
            out.append(n)
    return out


def _number_results(
    ops: SetupOperations,
    profile_id: str,
    numbers: list[str],
    failed: dict[str, str],
    pending: set[str],
    remaining: list[str],
    error: MsgprofError | None,
) -> dict[str, NumberResult]:
    records = look_up_numbers(ops, numbers)
    ok: NumberOutcome = "assigned" if profile_id else "unassigned"
    out: dict[str, NumberResult] = {}
    for n in numbers:
        rec = records.get(n) or {}
        owner = rec.get("messaging_profile_id") or ""
        if owner == profile_id:
            out[n] = NumberResult(n, ok, "", rec.get("id"))
        elif n in pending:
            out[n] = NumberResult(n, "pending", "the bulk order has not finished; run again later", rec.get("id"))
        elif n in failed:
            out[n] = NumberResult(n, "failed", failed[n], rec.get("id"), ApiError(failed[n]))
        else:
            why = error or Unavailable("not updated after several bulk orders")
            out[n] = NumberResult(n, "failed", why.message, rec.get("id"), why)
    return out


# --------------------------------------------------------------------------- creates that never duplicate


@dataclass
class Created:
    record: dict[str, Any]
    result: Literal["created", "exists"]
    note: str | None = None


def _create_once(
    ops: SetupOperations,
    what: str,
    listing: Callable[[], list[dict[str, Any]]],
    same: Callable[[dict[str, Any]], bool],
    post: Callable[[], dict[str, Any]],
    notify: Notify,
) -> Created:
    """POST once: look up before, and after any failure look up again instead of re-sending."""
    before = listing()
    for record in before:
        if same(record):
            return Created(record, "exists")
    known = {r.get("id") for r in before}
    last: MsgprofError | None = None
    for _ in range(attempts(ops)):
        try:
            return Created(post(), "created")
        except ApiError:
            raise  # a refusal is an answer: nothing was created
        except MsgprofError as exc:
            last = exc
            notify(f"creating {what} failed ({exc.message}); checking whether it was created")
        try:
            fresh = [r for r in listing() if r.get("id") not in known]
        except MsgprofError as check:
            raise Unavailable(
                f"creating {what} failed, and looking for it failed too ({check.message}); it may or may not exist",
                hint="list them before adding it again",
            ) from None
        ours = [r for r in fresh if same(r)]
        if ours:
            return Created(ours[0], "created", f"{what} was created although the answer was lost")
        notify(f"{what} was not created; sending it again")
    assert last is not None
    raise last


def add_sender_id(
    ops: SetupOperations, profile_id: str, sender_id: str, fallback: str | None, notify: Notify = _no_notify
) -> Created:
    payload: dict[str, Any] = {"alphanumeric_sender_id": sender_id, "messaging_profile_id": profile_id}
    if fallback is not None:
        payload["us_long_code_fallback"] = fallback
    created = _create_once(
        ops,
        f"sender ID {sender_id!r}",
        lambda: ops.list_alphanumeric_sender_ids(profile_id),
        lambda r: r.get("alphanumeric_sender_id") == sender_id,
        lambda: ops.create_alphanumeric_sender_id(payload),
        notify,
    )
    live = created.record.get("us_long_code_fallback") or None
    if created.result == "exists" and fallback is not None and live != fallback:
        raise ApiError(
            f"sender ID {sender_id!r} is already on the profile, with us_long_code_fallback {live or 'unset'}",
            hint="sender IDs cannot be changed: remove it, then add it again",
        )
    return created


def remove_sender_id(ops: SetupOperations, profile_id: str, ref: str) -> dict[str, Any]:
    """Delete a sender ID of the profile, named by its text or its id."""
    matches = [
        r for r in ops.list_alphanumeric_sender_ids(profile_id) if ref in (r.get("alphanumeric_sender_id"), r.get("id"))
    ]
    if not matches:
        raise NotFound(f"no sender ID {ref!r} on this profile", hint="`msgprof sender-ids list PROFILE` lists them")
    record = matches[0]
    try:
        ops.delete_alphanumeric_sender_id(record["id"])
    except NotFound:  # a retried DELETE whose first attempt was done
        if any(r.get("id") == record["id"] for r in ops.list_alphanumeric_sender_ids(profile_id)):
            raise
    return record


def same_autoresp(want: Autoresp, have: dict[str, Any]) -> bool:
    return (
        have.get("op") == want.op
        and have.get("country_code") == want.country_code
        and sorted(have.get("keywords") or []) == sorted(want.keywords)
        and (want.resp_text is None or (have.get("resp_text") or "") == want.resp_text)
    )


def create_autoresp(ops: SetupOperations, profile_id: str, config: Autoresp, notify: Notify = _no_notify) -> Created:
    return _create_once(
        ops,
        f"the {config.op} auto-response for {config.country_code}",
        lambda: ops.get_autoresp_configs(profile_id),
        lambda r: same_autoresp(config, r),
        lambda: ops.create_autoresp_config(profile_id, config.payload()),
        notify,
    )


def find_autoresp(ops: SetupOperations, profile_id: str, config_id: str) -> dict[str, Any]:
    for record in ops.get_autoresp_configs(profile_id):
        if record.get("id") == config_id:
            return record
    raise NotFound(f"no auto-response config {config_id} on this profile", hint="`msgprof autoresp list PROFILE`")


def require_autoresps(ops: SetupOperations, profile_id: str, config_ids: list[str]) -> None:
    """Every id names a config of the profile, or nothing is deleted (a 404 on the DELETE itself
    is taken for a retried DELETE that was done, so it can't tell an id that never existed)."""
    live = {record.get("id") for record in ops.get_autoresp_configs(profile_id)}
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
        if any(r.get("id") == config_id for r in ops.get_autoresp_configs(profile_id)):
            raise
