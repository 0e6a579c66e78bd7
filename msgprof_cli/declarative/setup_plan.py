"""Declarative messaging setup: plan, apply and export the optional document sections
``phone_numbers:``, ``alphanumeric_sender_ids:`` and ``autoresp_configs:``.

Used by ``reconcile`` (plan/apply/export) a few lines at a time; prints nothing, knows no exit
codes.  The rules:

* A section left out of a document is not managed: nothing in it is read or changed.
* What a section lists is made to exist: a number is assigned, a sender ID added, an
  auto-response (keyed by its country and op) created or changed.
* **Removal is never implicit.**  A live number, sender ID or auto-response that a managed section
  does not list is removed only with ``prune`` (``--prune-setup``); the plan lists removals first.
* **A number on another profile moves only when its entry says ``move: true``**; the plan shows
  the profile it comes from.  Without it the item fails and nothing moves.
* A sender ID cannot be changed by the API: a different ``us_long_code_fallback`` is planned as a
  change, carried out as remove then add.
* A second apply finds nothing to do and sends no writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from msgprof_cli.api import setup as sa
from msgprof_cli.document.document import Issue
from msgprof_cli.document.setup_rules import Autoresp, NumberEntry, SenderEntry, Setup
from msgprof_cli.errors import Ambiguous, ApiError, MsgprofError

if TYPE_CHECKING:  # the type only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import SetupOperations, TelnyxClient

Kind = Literal["phone_number", "sender_id", "autoresp"]
Action = Literal["assign", "move", "unassign", "add", "change", "remove"]
ORDER: dict[str, int] = {"unassign": 0, "remove": 0, "change": 1, "move": 2, "assign": 2, "add": 2}


@dataclass
class SetupChange:
    kind: Kind
    action: Action
    key: str  # the number, the sender ID, or "US stop"
    detail: str = ""  # e.g. "from profile Sales (id)"; the fields that change
    old: Any = None
    new: Any = None
    record_id: str | None = None  # the live record a change or removal works on
    result: str | None = None  # done | failed (after apply)
    error: MsgprofError | None = None
    target: str = ""  # the key apply sends; ``key`` is what reports show (secret values replaced)

    def __post_init__(self) -> None:
        self.target = self.target or self.key

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "action": self.action,
            "key": self.key,
            "detail": self.detail,
            "result": self.result,
            "error": self.error.message if self.error else None,
        }


@dataclass
class SetupPlan:
    changes: list[SetupChange] = field(default_factory=list)
    errors: list[MsgprofError] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return bool(self.changes)


def check_across(setups: list[tuple[str, Setup]]) -> list[Issue]:
    """A number listed by two documents would bounce between profiles: refuse it up front."""
    owner: dict[str, str] = {}
    issues = []
    for name, setup in setups:
        for entry in setup.numbers or []:
            if entry.number in owner and owner[entry.number] != name:
                issues.append(
                    Issue(
                        ("phone_numbers",),
                        f"{entry.number} is listed by the profiles {owner[entry.number]!r} and {name!r}",
                        "a number belongs to one profile: list it once",
                        source=entry.source,
                    )
                )
            owner.setdefault(entry.number, name)
    return issues


# --------------------------------------------------------------------------- plan


def plan_setup(
    ops: SetupOperations,
    profile_id: str | None,
    setup: Setup,
    *,
    prune: bool,
    names: Callable[[str], str] | None = None,
) -> SetupPlan:
    """What apply would do for one profile (``profile_id`` None: the profile is to be created)."""
    out = SetupPlan()
    if setup.numbers is not None:
        _plan_numbers(ops, profile_id, setup.numbers, prune, names or (lambda pid: "?"), out)
    if setup.sender_ids is not None:
        senders = sa.sender_ids(ops, profile_id) if profile_id else []
        _plan_sender_ids(senders, setup.sender_ids, prune, out)
    if setup.autoresp is not None:
        configs = sa.autoresps(ops, profile_id) if profile_id else []
        _plan_autoresp(configs, setup.autoresp, prune, out)
    out.changes.sort(key=lambda c: ORDER[c.action])  # removals first, as the plan shows them
    return out


def _plan_numbers(
    ops: SetupOperations,
    pid: str | None,
    entries: list[NumberEntry],
    prune: bool,
    names: Callable[[str], str],
    out: SetupPlan,
) -> None:
    wanted = [e.number for e in entries]
    records = sa.look_up_numbers(ops, wanted)
    for e in entries:
        rec = records.get(e.number)
        owner = (rec or {}).get("messaging_profile_id") or None
        if rec is None:
            out.errors.append(ApiError(f"{e.number} is not a phone number of this account ({e.source})"))
        elif pid is not None and owner == pid:
            continue
        elif owner is None:
            out.changes.append(SetupChange("phone_number", "assign", e.number, record_id=rec.get("id")))
        elif e.move:
            where = f"from profile {names(owner)!r} ({owner})"
            out.changes.append(SetupChange("phone_number", "move", e.number, where, owner, pid, rec.get("id")))
        else:
            out.errors.append(
                ApiError(
                    f"{e.number} is on profile {names(owner)!r} ({owner}); it moves only when the "
                    f"document says so ({e.source})",
                    hint="write it as {number: '" + e.number + "', move: true}",
                )
            )
    if prune and pid is not None:
        for rec in ops.list_phone_numbers_with_messaging_settings(profile_id=pid):
            if rec["phone_number"] not in wanted:
                detail = "not in the document; it stops sending"
                out.changes.append(
                    SetupChange(
                        "phone_number", "unassign", str(rec.get("phone_number")), detail, record_id=rec.get("id")
                    )
                )


def _plan_sender_ids(
    live: Sequence[Mapping[str, Any]], entries: list[SenderEntry], prune: bool, out: SetupPlan
) -> None:
    by_text = {r.get("alphanumeric_sender_id"): r for r in live}
    for e in entries:
        rec = by_text.get(e.sender_id)
        if rec is None:
            detail = f"us_long_code_fallback {e.us_long_code_fallback}" if e.us_long_code_fallback else ""
            out.changes.append(SetupChange("sender_id", "add", e.sender_id, detail, new=e.us_long_code_fallback))
        elif (rec.get("us_long_code_fallback") or None) != e.us_long_code_fallback:
            old = rec.get("us_long_code_fallback") or None
            out.changes.append(
                SetupChange(
                    "sender_id",
                    "change",
                    e.sender_id,
                    f"us_long_code_fallback {old or 'unset'} -> {e.us_long_code_fallback or 'unset'}; remove, then add",
                    old,
                    e.us_long_code_fallback,
                    rec.get("id"),
                )
            )
    if prune:
        wanted = {e.sender_id for e in entries}
        for r in live:
            if r.get("alphanumeric_sender_id") not in wanted:
                out.changes.append(
                    SetupChange("sender_id", "remove", str(r.get("alphanumeric_sender_id")), record_id=r.get("id"))
                )


def _autoresp_key(record: Mapping[str, Any]) -> tuple[str, str]:
    return (str(record.get("country_code")), str(record.get("op")))


def _plan_autoresp(live: Sequence[Mapping[str, Any]], entries: list[Autoresp], prune: bool, out: SetupPlan) -> None:
    by_key: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in live:
        by_key.setdefault(_autoresp_key(r), []).append(r)
    for e in entries:
        label = f"{e.country_code} {e.op}"
        matches = by_key.get(e.key, [])
        if len(matches) > 1:
            ids = ", ".join(str(m.get("id")) for m in matches)
            out.errors.append(Ambiguous(f"auto-responses for {label}: {len(matches)} live configs ({ids})"))
        elif not matches:
            out.changes.append(SetupChange("autoresp", "add", label, _describe(e), new=e))
        elif not _same(e, matches[0]):
            detail = _autoresp_diff(e, matches[0])
            out.changes.append(SetupChange("autoresp", "change", label, detail, matches[0], e, matches[0].get("id")))
    if prune:
        wanted = {e.key for e in entries}
        for key, records in by_key.items():
            if key not in wanted:
                for r in records:
                    out.changes.append(SetupChange("autoresp", "remove", f"{key[0]} {key[1]}", record_id=r.get("id")))


def _same(want: Autoresp, have: Mapping[str, Any]) -> bool:
    return sorted(have.get("keywords") or []) == sorted(want.keywords) and (
        want.resp_text is None or (have.get("resp_text") or "") == want.resp_text
    )


def _describe(e: Autoresp) -> str:
    return f"keywords {', '.join(e.keywords)}" + (f"; text {e.resp_text!r}" if e.resp_text is not None else "")


def _autoresp_diff(want: Autoresp, have: Mapping[str, Any]) -> str:
    parts = []
    if sorted(have.get("keywords") or []) != sorted(want.keywords):
        parts.append(f"keywords {', '.join(have.get('keywords') or [])} -> {', '.join(want.keywords)}")
    if want.resp_text is not None and (have.get("resp_text") or "") != want.resp_text:
        parts.append(f"text {have.get('resp_text')!r} -> {want.resp_text!r}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- apply


def apply_setup(
    ops: SetupOperations,
    profile_id: str,
    plan: SetupPlan,
    *,
    pacing: sa.Pacing | None = None,
    notify: sa.Notify = sa._no_notify,
) -> list[SetupChange]:
    """Carry out a plan in its order (removals first; auto-responses in an order the keyword rule
    allows, see ``_autoresp_order``).  One failed change does not stop the others."""
    numbers = [c for c in plan.changes if c.kind == "phone_number"]
    _apply_numbers(ops, profile_id, numbers, pacing, notify)
    rest = [c for c in plan.changes if c.kind != "phone_number"]
    removals = [c for c in rest if c.action == "remove"]
    writes = [c for c in rest if c.action != "remove"]
    for change in removals + [c for c in writes if c.kind == "sender_id"]:
        _apply_safely(ops, profile_id, change, notify)
    configs = [c for c in writes if c.kind == "autoresp"]
    if configs:
        _autoresp_order(ops, profile_id, configs, notify)
    return plan.changes


def _apply_safely(ops: SetupOperations, profile_id: str, change: SetupChange, notify: sa.Notify) -> None:
    try:
        _apply_one(ops, profile_id, change, notify)
        change.result = "done"
    except MsgprofError as exc:
        if sa.interrupted(exc):
            raise
        change.result, change.error = "failed", sa.with_details(exc)


def _autoresp_order(ops: SetupOperations, profile_id: str, changes: list[SetupChange], notify: sa.Notify) -> None:
    """Adds and changes of auto-responses, in an order the API accepts: a keyword is held by one
    config of a country at a time, so a write that adds a keyword another config still holds
    waits for that config's own write.  A cycle (two configs swapping keywords) is broken by
    releasing one config's contested keywords first: a PUT of the keywords it keeps, or, when it
    keeps none, remove then add (auto-responses are keyed by country and op, not by id)."""
    try:
        live = sa.autoresps(ops, profile_id)
    except MsgprofError as exc:
        for c in changes:
            c.result, c.error = "failed", sa.with_details(exc)
        return
    held = {r["id"]: (r["country_code"], {k.upper() for k in r["keywords"]}) for r in live}
    todo, released = list(changes), set[int]()
    while todo:
        ready = next((c for c in todo if not _contested(c, held)), None)
        if ready is None:
            ready = todo[0]
            stuck = next((c for c in todo if c.action == "change" and id(c) not in released), None)
            if stuck is not None and stuck.record_id in held:
                released.add(id(stuck))
                _release(ops, profile_id, stuck, held)
                continue  # the config waiting for those keywords may go now
        todo.remove(ready)
        _apply_safely(ops, profile_id, ready, notify)
        want: Autoresp = ready.new
        held.pop(str(ready.record_id), None)
        if ready.result == "done":
            held[f"new:{ready.key}"] = (want.country_code, {k.upper() for k in want.keywords})


def _contested(change: SetupChange, held: dict[str, tuple[str, set[str]]]) -> bool:
    want: Autoresp = change.new
    words = {k.upper() for k in want.keywords}
    return any(
        country == want.country_code and rid != change.record_id and words & keys
        for rid, (country, keys) in held.items()
    )


def _release(ops: SetupOperations, profile_id: str, change: SetupChange, held: dict[str, tuple[str, set[str]]]) -> None:
    """Free the keywords ``change`` gives up, so that the config holding its new ones can move."""
    want: Autoresp = change.new
    rid = str(change.record_id)
    country, keys = held[rid]
    keep = [k for k in change.old.get("keywords", []) if k.upper() in {w.upper() for w in want.keywords}]
    try:
        if keep:
            body = _put_body(Autoresp(want.op, keep, want.country_code, want.resp_text), change.old)
            ops.update_autoresp_config(profile_id, rid, body)
            held[rid] = (country, {k.upper() for k in keep})
        else:
            sa.delete_autoresp(ops, profile_id, rid)
            held.pop(rid)
            change.action, change.detail = "add", change.detail + "; removed, then added (keywords swapped)"
    except MsgprofError as exc:
        if sa.interrupted(exc):
            raise  # the write itself is tried next otherwise, and reports the API's answer


def _apply_numbers(
    ops: SetupOperations, profile_id: str, changes: list[SetupChange], pacing: sa.Pacing | None, notify: sa.Notify
) -> None:
    by_number = {c.target: c for c in changes}
    planned = {c.target: c.old for c in changes if c.action in ("assign", "move")}

    def batch(action: str) -> list[str]:
        return [c.target for c in changes if c.action == action]

    batches = (
        (
            batch("unassign"),
            lambda ns: sa.unassign_numbers(ops, ns, pacing=pacing, notify=notify, only_from=profile_id),
        ),
        (
            batch("assign"),
            lambda ns: sa.assign_numbers(ops, profile_id, ns, planned_owners=planned, pacing=pacing, notify=notify),
        ),
        # only the numbers the document marked `move: true` may be taken, and only from where the plan saw them
        (
            batch("move"),
            lambda ns: sa.assign_numbers(
                ops, profile_id, ns, move=True, planned_owners=planned, pacing=pacing, notify=notify
            ),
        ),
    )
    for numbers, run in batches:
        if not numbers:
            continue
        try:
            results = run(numbers)
        except MsgprofError as exc:
            if sa.interrupted(exc):
                raise
            for n in numbers:
                by_number[n].result, by_number[n].error = "failed", sa.with_details(exc)
            continue
        for res in results:
            c = by_number[res.number]
            ok = res.result in ("assigned", "unassigned", "unchanged")
            c.result = "done" if ok else "failed"
            if not ok:
                c.error = sa.with_details(res.error or ApiError(f"{res.number}: {res.result}: {res.detail}"))


def _apply_one(ops: SetupOperations, profile_id: str, change: SetupChange, notify: sa.Notify) -> None:
    if change.kind == "sender_id":
        if change.action == "remove":
            sa.remove_sender_id(ops, profile_id, str(change.record_id))
        elif change.action == "change":
            sa.change_sender_id(ops, profile_id, change.target, str(change.record_id), change.old, change.new, notify)
        else:
            sa.add_sender_id(ops, profile_id, change.target, change.new, notify)
        return
    if change.action == "remove":
        sa.delete_autoresp(ops, profile_id, str(change.record_id))
    elif change.action == "add":
        sa.create_autoresp(ops, profile_id, change.new, notify)
    else:
        want: Autoresp = change.new
        ops.update_autoresp_config(profile_id, str(change.record_id), _put_body(want, change.old))


def _put_body(want: Autoresp, live: Mapping[str, Any]) -> dict[str, Any]:
    """The API's update is a PUT of the whole config: a text the document leaves out stays live."""
    body = want.payload()
    if want.resp_text is None and live.get("resp_text") is not None:
        body["resp_text"] = live["resp_text"]
    return body


# --------------------------------------------------------------------------- export


def export_setup(ops: SetupOperations, profile_id: str) -> dict[str, Any]:
    """The sections of a live profile, as a document lists them (only the non-empty ones)."""
    out: dict[str, Any] = {}
    numbers = sorted(
        str(r.get("phone_number")) for r in ops.list_phone_numbers_with_messaging_settings(profile_id=profile_id)
    )
    if numbers:
        out["phone_numbers"] = numbers
    senders = []
    for r in ops.list_alphanumeric_sender_ids(profile_id):
        fallback = r.get("us_long_code_fallback")
        sid = str(r.get("alphanumeric_sender_id"))
        senders.append({"sender_id": sid, "us_long_code_fallback": fallback} if fallback else sid)
    if senders:
        out["alphanumeric_sender_ids"] = senders
    configs = []
    for c in ops.get_autoresp_configs(profile_id):
        item: dict[str, Any] = {"op": c["op"], "keywords": c["keywords"], "country_code": c["country_code"]}
        if c.get("resp_text") is not None:
            item["resp_text"] = c["resp_text"]
        configs.append(item)
    if configs:
        out["autoresp_configs"] = configs
    return out


# --------------------------------------------------------------------------- glue for plan/apply


def plan_items(client: Any, items: Sequence[Any], *, prune: bool) -> None:
    """Attach its setup plan to every reconcile item whose document has setup sections.

    A setup that cannot be planned (a number not in the account, or on another profile without
    ``move: true``) fails its item, so nothing is applied for that profile."""
    from msgprof_cli.api.client import SetupOperations

    ops = SetupOperations(client)
    cache: dict[str, str] = {}

    def name_of(pid: str) -> str:
        if pid not in cache:
            try:
                cache[pid] = str(client.retrieve_messaging_profile(pid).get("name"))
            except MsgprofError:
                cache[pid] = "?"
        return cache[pid]

    for item in items:
        setup = item.desired.setup
        if setup.empty or item.action in ("failed", "delete"):
            continue
        pid = item.profile_id if item.action != "create" else None
        plan = plan_setup(ops, pid, setup, prune=prune, names=name_of)
        item.setup = plan
        if plan.errors:
            first = plan.errors[0]
            more = f" (and {len(plan.errors) - 1} more setup problems)" if len(plan.errors) > 1 else ""
            item.intended = item.intended or item.action
            item.action, item.error = "failed", type(first)(first.message + more, hint=first.hint)
        item.scrub_shown()


class SetupItem(Protocol):
    """What apply_items reads and sets on a plan item (plan.Item; plan sits above this module)."""

    status: Literal["planned", "done", "failed"]
    profile_id: str | None
    setup: SetupPlan | None
    error: MsgprofError | None
    applied: bool

    @property
    def action(self) -> str: ...

    def scrub(self, text: str) -> str: ...

    def scrub_shown(self) -> object: ...


def apply_items(client: TelnyxClient, items: Sequence[SetupItem], notify: sa.Notify = sa._no_notify) -> None:
    """After reconcile.apply: carry out the setup plans of the items that were applied."""
    from msgprof_cli.api.client import SetupOperations

    ops = SetupOperations(client)
    for item in items:
        plan = getattr(item, "setup", None)
        if plan is None or not plan.changes:
            continue
        if item.status != "done" or not item.profile_id:
            _not_sent(plan, item)
            continue
        apply_setup(ops, item.profile_id, plan, notify=_scrubbing(notify, item))
        item.scrub_shown()
        failed = [c for c in plan.changes if c.result == "failed"]
        if failed:
            n, done = len(failed), sum(1 for c in plan.changes if c.result == "done")
            first = failed[0].error or ApiError("setup change failed")
            error = _retold(first, f"{n} setup change{'s' if n > 1 else ''} failed ({done} done): {first.message}")
            item.status, item.error, item.applied = "failed", error, True
            item.scrub_shown()


def _retold(exc: MsgprofError, message: str) -> MsgprofError:
    """The same error (class, exit code, the API's errors[]) with another message.  Not copy.copy:
    that re-creates an exception from its args, and CreateUnknown needs more than a message."""
    out = type(exc).__new__(type(exc), message)
    out.__dict__.update(exc.__dict__)
    out.message, out.args = message, (message,)
    return out


def _not_sent(plan: SetupPlan, item: SetupItem) -> None:
    """The profile's own change failed: its setup changes were not sent, and say so."""
    why = "the profile was not created" if item.action == "create" else "the profile's change failed"
    for c in plan.changes:
        if c.result is None:
            c.error = MsgprofError(f"not sent: {why}")


def _scrubbing(notify: sa.Notify, item: SetupItem) -> sa.Notify:
    """``notify`` with the item's secret values replaced (a sender ID may come from one)."""

    def say(message: str) -> None:
        notify(item.scrub(message))

    return say


def pending(items: Sequence[Any]) -> bool:
    return any(getattr(i, "setup", None) is not None and i.setup.changes for i in items)
