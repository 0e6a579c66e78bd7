"""Declarative messaging setup: plan, apply and export the optional document sections
``phone_numbers:``, ``alphanumeric_sender_ids:`` and ``autoresp_configs:``.

Used by ``pipeline`` (plan/apply/export) a few lines at a time; prints nothing, knows no exit
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
* **A number's 10DLC campaign** (``campaign_id`` in its entry) is planned ``+ campaign`` (it has
  none), ``~ campaign`` (it has another).  A document that names a campaign for any of its numbers
  manages the campaigns of the numbers it lists: with ``prune`` a listed number without
  ``campaign_id`` that has one is planned ``- campaign``.  A document naming no campaign leaves
  every campaign alone.  Apply goes through ``api.campaigns`` (the create protocol for the POST).
* A second apply finds nothing to do and sends no writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from msgprof_cli.api import setup as sa
from msgprof_cli.api.resources import AutoResps, SenderIds
from msgprof_cli.document.setup_rules import Autoresp, NumberEntry, SenderEntry, Setup
from msgprof_cli.errors import Ambiguous, ApiError, MsgprofError, Unavailable

if TYPE_CHECKING:  # the type only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import SetupOperations, TelnyxClient
    from msgprof_cli.api.inventory import Inventory

Kind = Literal["phone_number", "sender_id", "autoresp", "campaign"]
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
    started: bool = False  # apply began sending it (a Ctrl-C after that: it may or may not be done)

    def __post_init__(self) -> None:
        self.target = self.target or self.key


@dataclass
class SetupPlan:
    changes: list[SetupChange] = field(default_factory=list)
    errors: list[MsgprofError] = field(default_factory=list)


# --------------------------------------------------------------------------- plan


def plan_setup(
    source: SetupOperations | Inventory,
    profile_id: str | None,
    setup: Setup,
    *,
    prune: bool,
    names: Callable[[str], str] | None = None,
) -> SetupPlan:
    """What apply would do for one profile (``profile_id`` None: the profile is to be created).

    ``source`` is the run's inventory (plan and apply read the account once), or the operations,
    to read just this profile's setup (a few requests)."""
    from msgprof_cli.api.inventory import Inventory

    inv = source if isinstance(source, Inventory) else _one_profile(source, profile_id, setup, prune)
    out = SetupPlan()
    if setup.numbers is not None:
        _plan_numbers(inv, profile_id, setup.numbers, prune, names or inv.name_of, out)
    if setup.sender_ids is not None:
        senders = inv.sender_ids_of(profile_id) if profile_id else []
        _plan_sender_ids(senders, setup.sender_ids, prune, out)
    if setup.autoresp is not None:
        configs = inv.autoresp_of(profile_id) if profile_id else []
        _plan_autoresp(configs, setup.autoresp, prune, out)
    if manages_campaigns(setup):
        _plan_campaigns(inv.campaigns or [], setup.numbers or [], prune, out)
    _refuse_odd_ids(out)
    out.changes.sort(key=lambda c: ORDER[c.action])  # removals first, as the plan shows them
    return out


NOUNS = {
    "phone_number": "phone number",
    "sender_id": "sender ID",
    "autoresp": "auto-response",
    "campaign": "10DLC assignment",
}


def _refuse_odd_ids(out: SetupPlan) -> None:
    """A change on a record whose id cannot be placed in a URL (``..``) is refused by the plan as
    apply would refuse it (the one path builder's check and message), not listed as a change."""
    from msgprof_cli.api import paths
    from msgprof_cli.errors import UnexpectedRecord

    for change in list(out.changes):
        if change.record_id is None:
            continue
        try:
            paths.segment(change.record_id, NOUNS[change.kind])
        except UnexpectedRecord as exc:
            out.changes.remove(change)
            out.errors.append(exc)


def _one_profile(ops: SetupOperations, pid: str | None, setup: Setup, prune: bool) -> Inventory:
    """The inventory of one profile's setup, for a caller that plans a single profile."""
    from msgprof_cli.api.inventory import Inventory

    inv = Inventory([])
    if setup.numbers is not None:
        numbers = list(sa.look_up_numbers(ops, [e.number for e in setup.numbers]).values())
        if prune and pid:
            numbers += ops.list_phone_numbers_with_messaging_settings(profile_id=pid)
        inv.numbers = numbers
    if setup.sender_ids is not None and pid:
        inv.sender_ids = ops.list_alphanumeric_sender_ids(pid)
    if setup.autoresp is not None and pid:
        inv.autoresp[pid] = ops.get_autoresp_configs(pid)
    complete_campaigns(ops.client, inv, [setup])
    return inv


# --------------------------------------------------------------------------- 10DLC campaigns


def manages_campaigns(setup: Setup) -> bool:
    """Whether a document manages its numbers' campaigns: it names one for any of them."""
    return any(e.campaign_id for e in setup.numbers or [])


def complete_campaigns(client: TelnyxClient, inv: Inventory, setups: Sequence[Setup]) -> None:
    """List the account's 10DLC assignments once, when a document names a campaign (doctor's read:
    the paged list, 250 a page)."""
    if inv.campaigns is None and any(manages_campaigns(s) for s in setups):
        from msgprof_cli.api import campaigns

        inv.campaigns = [dict(a) for a in campaigns.read_all(client)]


def _plan_campaigns(live: Sequence[Mapping[str, Any]], entries: list[NumberEntry], prune: bool, out: SetupPlan) -> None:
    from msgprof_cli.api.resources import Campaigns

    by_number: dict[str, list[Mapping[str, Any]]] = {}
    for a in live:
        by_number.setdefault(Campaigns.key(a), []).append(a)
    for e in entries:
        have = by_number.get(e.number, [])
        if len(have) > 1:  # a number holds one assignment: the API's answer cannot be acted on
            names = ", ".join(str(a.get("campaignId")) for a in have)
            out.errors.append(Ambiguous(f"{e.number}: {len(have)} live 10DLC assignments ({names}) ({e.source})"))
            continue
        rec = have[0] if have else None
        if e.campaign_id and rec is None:
            out.changes.append(
                SetupChange("campaign", "assign", e.number, f"campaign {e.campaign_id}", None, e.campaign_id)
            )
        elif e.campaign_id and rec is not None and not Campaigns.same(e.campaign_id, rec):
            detail = "; ".join(Campaigns.differences(e.campaign_id, rec))
            out.changes.append(SetupChange("campaign", "change", e.number, detail, dict(rec), e.campaign_id))
        elif not e.campaign_id and rec is not None and prune:
            detail = f"campaign {rec.get('campaignId')}; not in the document: it stops sending 10DLC traffic"
            out.changes.append(SetupChange("campaign", "remove", e.number, detail, dict(rec)))


def apply_campaigns(
    ops: SetupOperations,
    profile_id: str,
    changes: Sequence[SetupChange],
    pacing: sa.Pacing | None,
    notify: sa.Notify,
    owners: Mapping[str, Any] | None = None,
) -> None:
    """A profile's campaign changes, each only while its number is on the profile.

    ``owners``: the numbers' records re-read after the wave's number writes (pipeline: one look-up
    for the wave); None: re-read here, one look-up for these numbers.  A number that is not on
    the profile now (another run took it meanwhile, or its assignment failed) gets no campaign
    change: the change fails with the reason and nothing is sent for it.  The campaign write itself
    re-reads the number's assignment right before it (``campaigns.assign``/``remove``)."""
    from msgprof_cli import interrupt
    from msgprof_cli.api import campaigns

    todo = [c for c in changes if c.result is None]
    if not todo:
        return
    if owners is None:
        try:
            owners = sa.look_up_numbers(ops, [c.target for c in todo])
        except MsgprofError as exc:
            if sa.interrupted(exc):
                raise
            for c in todo:
                c.result, c.error = "failed", sa.with_details(exc)
            return
    for c in todo:
        if interrupt.requested():  # after a Ctrl-C nothing new starts: "before it started"
            return
        record = owners.get(c.target)
        owner = (record or {}).get("messaging_profile_id") or None
        if owner != profile_id:
            where = f"on profile {owner}" if owner else ("on no profile" if record else "not in the account")
            c.result = "failed"
            c.error = ApiError(
                f"{c.target} is {where} now, not on this profile ({profile_id}): its campaign was not changed",
                hint="`msgprof plan` shows where it stands; apply again once the number is on the profile",
            )
            continue
        c.started = True
        if c.action == "remove":
            res = campaigns.remove(ops.client, c.target, planned=c.old, notify=notify)
        else:
            res = campaigns.assign(ops.client, c.target, str(c.new), planned=c.old, pacing=pacing, notify=notify)
        c.result = "failed" if res.result in ("failed", "pending") else "done"
        c.error = res.error if c.result == "failed" else None


def verify_numbers(profile_id: str, changes: Sequence[SetupChange], owners: Mapping[str, Any]) -> None:
    """After a wave's number writes: a number just assigned (or moved) to this profile that the
    re-read finds elsewhere was taken by another run meanwhile (no conditional PATCH exists, so
    a concurrent writer can land between the owner re-read and the PATCH): it is reported failed,
    never "done".  A number the re-read did not answer is left as its write said."""
    for c in changes:
        if c.kind != "phone_number" or c.action not in ("assign", "move") or c.result != "done":
            continue
        if c.target not in owners:
            continue
        owner = owners[c.target].get("messaging_profile_id") or None
        if owner != profile_id:
            c.result = "failed"
            c.error = ApiError(
                f"{c.target}: taken by another run meanwhile: now on "
                + (f"profile {owner}" if owner else "no profile"),
                hint="`msgprof plan` shows where it stands; apply again (with `move: true` to take it back)",
            )


def _plan_numbers(
    inv: Inventory,
    pid: str | None,
    entries: list[NumberEntry],
    prune: bool,
    names: Callable[[str], str],
    out: SetupPlan,
) -> None:
    wanted = [e.number for e in entries]
    records = inv.look_up(wanted)
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
        listed = set(wanted)
        for rec in inv.numbers_of(pid):
            if rec.get("phone_number") not in listed:
                detail = "not in the document; it stops sending"
                out.changes.append(
                    SetupChange(
                        "phone_number", "unassign", str(rec.get("phone_number")), detail, record_id=rec.get("id")
                    )
                )


def _plan_sender_ids(
    live: Sequence[Mapping[str, Any]], entries: list[SenderEntry], prune: bool, out: SetupPlan
) -> None:
    by_text: dict[str, list[Mapping[str, Any]]] = {}
    for r in live:
        by_text.setdefault(SenderIds.key(r), []).append(r)
    for e in entries:
        matches = by_text.get(e.sender_id, [])
        rec = matches[0] if matches else None
        if len(matches) > 1:  # as auto-responses: which one a change would touch cannot be told
            ids = ", ".join(str(m.get("id")) for m in matches)
            out.errors.append(
                Ambiguous(
                    f"sender ID {e.sender_id!r}: {len(matches)} live records ({ids}); msgprof changes none of them",
                    hint="remove the extra ones with `msgprof sender-ids remove PROFILE ID`, then apply again",
                )
            )
        elif rec is None:
            detail = f"us_long_code_fallback {e.us_long_code_fallback}" if e.us_long_code_fallback else ""
            out.changes.append(SetupChange("sender_id", "add", e.sender_id, detail, new=e.us_long_code_fallback))
        elif not SenderIds.same(e.sender_id, e.us_long_code_fallback, rec):
            detail = "; ".join(SenderIds.differences(e.us_long_code_fallback, rec)) + "; remove, then add"
            old = rec.get("us_long_code_fallback") or None
            out.changes.append(
                SetupChange("sender_id", "change", e.sender_id, detail, old, e.us_long_code_fallback, rec.get("id"))
            )
    if prune:
        wanted = {e.sender_id for e in entries}
        for r in live:
            if SenderIds.key(r) not in wanted:
                out.changes.append(SetupChange("sender_id", "remove", SenderIds.key(r), record_id=r.get("id")))


def _plan_autoresp(live: Sequence[Mapping[str, Any]], entries: list[Autoresp], prune: bool, out: SetupPlan) -> None:
    by_key: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in live:
        by_key.setdefault(AutoResps.key(r), []).append(r)
    for e in entries:
        label = f"{e.country_code} {e.op}"
        matches = by_key.get(e.key, [])
        if len(matches) > 1:
            ids = ", ".join(str(m.get("id")) for m in matches)
            out.errors.append(Ambiguous(f"auto-responses for {label}: {len(matches)} live configs ({ids})"))
        elif not matches:
            out.changes.append(SetupChange("autoresp", "add", label, _describe(e), new=e))
        elif not AutoResps.same(e, matches[0]):
            detail = "; ".join(AutoResps.differences(e, matches[0]))
            out.changes.append(SetupChange("autoresp", "change", label, detail, matches[0], e, matches[0].get("id")))
    if prune:
        wanted = {e.key for e in entries}
        for key, records in by_key.items():
            if key not in wanted:
                for r in records:
                    out.changes.append(SetupChange("autoresp", "remove", f"{key[0]} {key[1]}", record_id=r.get("id")))


def _describe(e: Autoresp) -> str:
    return f"keywords {', '.join(e.keywords)}" + (f"; text {e.resp_text!r}" if e.resp_text is not None else "")


# --------------------------------------------------------------------------- apply


def apply_setup(
    ops: SetupOperations,
    profile_id: str,
    plan: SetupPlan,
    *,
    pacing: sa.Pacing | None = None,
    notify: sa.Notify = sa._no_notify,
    only: Callable[[SetupChange], bool] | None = None,
    owners: Mapping[str, Any] | None = None,
    campaigns: bool = True,
) -> list[SetupChange]:
    """Carry out a plan in its order (removals first).  One failed change does not stop the others.
    ``only``: just the changes it accepts (apply_items runs every profile's removals first).
    ``owners``: the numbers' records as re-read once for the whole wave (pipeline); a number whose
    owner there differs from the plan's is not taken, as when each profile re-read its own.
    ``campaigns``: False leaves the campaign changes to the caller (pipeline runs them after the
    wave's number writes are re-read: ``verify_numbers``, ``apply_campaigns``); True (alone)
    re-reads this profile's numbers after its writes and runs them here."""
    # longer than 50 lines: every kind's step in its order (numbers, campaigns, the rest, auto-responses)
    changes = [c for c in plan.changes if only is None or only(c)]
    numbers = [c for c in changes if c.kind == "phone_number"]
    _apply_numbers(ops, profile_id, numbers, pacing, notify, owners)
    campaign_changes = [c for c in changes if c.kind == "campaign"]
    if campaigns and (campaign_changes or any(c.result == "done" and c.action in ("assign", "move") for c in numbers)):
        written = [c.target for c in numbers if c.result == "done" and c.action in ("assign", "move")]
        try:
            now = sa.look_up_numbers(ops, list(dict.fromkeys([*written, *(c.target for c in campaign_changes)])))
        except MsgprofError as exc:
            if sa.interrupted(exc):
                raise
            now = None
        if now is not None:
            verify_numbers(profile_id, numbers, now)
        apply_campaigns(ops, profile_id, campaign_changes, pacing, notify, now)
    configs = [c for c in changes if c.kind == "autoresp" and c.action in ("add", "change")]
    ordered = {id(c) for c in configs}
    for change in changes:
        if change.kind in ("phone_number", "campaign") or id(change) in ordered:
            continue
        _apply_safely(ops, profile_id, change, notify)
    for change, step, body in _autoresp_steps(configs):  # last, and in keyword order
        if change.result == "failed":
            continue  # its first step failed: the second is not tried
        change.started = True
        try:
            _autoresp_step(ops, profile_id, change, step, body, notify)
            if step in ("post", "put"):  # its final state (a step aside is only the first of two)
                change.result = "done"
        except MsgprofError as exc:
            if sa.interrupted(exc):
                raise
            change.result, change.error = "failed", sa.with_details(exc)
    return plan.changes


def _apply_safely(ops: SetupOperations, profile_id: str, change: SetupChange, notify: sa.Notify) -> None:
    change.started = True
    try:
        _apply_one(ops, profile_id, change, notify)
        change.result = "done"
    except MsgprofError as exc:
        if sa.interrupted(exc):
            raise  # Ctrl-C during a create: stop here
        change.result, change.error = "failed", sa.with_details(exc)


Step = Literal["post", "put", "step aside", "delete"]


def _autoresp_steps(changes: list[SetupChange]) -> list[tuple[SetupChange, Step, Autoresp | None]]:
    """Adds and changes of one profile's auto-responses, ordered so that a keyword leaves its
    config before another config takes it (the API refuses a keyword two configs of a country
    hold, matched without regard to case).  A cycle (two configs swapping keywords) is broken:
    one config first steps aside, keeping only the keywords it keeps (a PUT), or, keeping none,
    is deleted; its final state comes after the others (a PUT, or a create)."""

    def words(keywords: Any) -> set[str]:
        return {str(k).upper() for k in keywords or []}

    pending = list(changes)
    old = {id(c): words((c.old or {}).get("keywords")) if c.action == "change" else set() for c in pending}
    final: dict[int, Step] = {id(c): "put" if c.action == "change" else "post" for c in pending}
    steps: list[tuple[SetupChange, Step, Autoresp | None]] = []

    def takes(c: SetupChange) -> set[tuple[str, str]]:  # the keywords it adds to its config
        return {(c.new.country_code, w) for w in words(c.new.keywords) - old[id(c)]}

    while pending:
        held = {(c.new.country_code, w) for c in pending for w in old[id(c)]}
        ready = next((c for c in pending if not takes(c) & held), None)
        if ready is not None:
            steps.append((ready, final[id(ready)], ready.new))
            pending = [c for c in pending if c is not ready]
            continue
        # A config that holds a keyword another one takes: the final configs hold no keyword in
        # common, so it gives that keyword up, and every turn frees at least one keyword.  (Not
        # merely the first config holding any keyword: one that keeps all it holds would step
        # aside to the same keywords, turn after turn, for ever.)
        wanted = set().union(*(takes(c) for c in pending))
        aside = next(c for c in pending if {(c.new.country_code, w) for w in old[id(c)]} & wanted)
        keep = [k for k in (aside.old or {}).get("keywords") or [] if str(k).upper() in words(aside.new.keywords)]
        if keep:
            text = (aside.old or {}).get("resp_text")
            steps.append((aside, "step aside", Autoresp(aside.new.op, keep, aside.new.country_code, text)))
        else:
            steps.append((aside, "delete", None))
            final[id(aside)] = "post"
        old[id(aside)] = words(keep)
    return steps


def _autoresp_step(
    ops: SetupOperations, profile_id: str, change: SetupChange, step: Step, body: Autoresp | None, notify: sa.Notify
) -> None:
    if step == "post":
        assert body is not None
        sa.create_autoresp(ops, profile_id, body, notify)
    elif step == "delete":
        sa.delete_autoresp(ops, profile_id, str(change.record_id))
    else:
        assert body is not None
        ops.update_autoresp_config(profile_id, str(change.record_id), AutoResps.put_body(body, change.old or {}))


def _apply_numbers(
    ops: SetupOperations,
    profile_id: str,
    changes: list[SetupChange],
    pacing: sa.Pacing | None,
    notify: sa.Notify,
    owners: Mapping[str, Any] | None = None,
) -> None:
    by_number = {c.target: c for c in changes}
    planned = {c.target: c.old for c in changes if c.action in ("assign", "move")}
    # the re-read owners of this profile's numbers (absent from ``owners``: not in the account)
    live = None if owners is None else {c.target: owners[c.target] for c in changes if c.target in owners}

    def batch(action: str) -> list[str]:
        return [c.target for c in changes if c.action == action]

    how: dict[str, Any] = {"pacing": pacing, "notify": notify, "live": live}
    batches = (
        (batch("unassign"), lambda ns: sa.unassign_numbers(ops, ns, only_from=profile_id, **how)),
        (batch("assign"), lambda ns: sa.assign_numbers(ops, profile_id, ns, planned_owners=planned, **how)),
        # only the numbers the document marked `move: true` may be taken, and only from where the plan saw them
        (batch("move"), lambda ns: sa.assign_numbers(ops, profile_id, ns, move=True, planned_owners=planned, **how)),
    )
    for numbers, run in batches:
        if not numbers:
            continue
        for number in numbers:
            by_number[number].started = True
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
            if not ok:  # still pending when the wait ended: unavailable (try again later), not refused
                kind = Unavailable if res.result == "pending" else ApiError
                c.error = sa.with_details(res.error or kind(f"{res.number}: {res.result}: {res.detail}"))


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
        ops.update_autoresp_config(profile_id, str(change.record_id), AutoResps.put_body(want, change.old))


# --------------------------------------------------------------------------- export


def export_setup(ops: SetupOperations | Inventory, profile_id: str) -> dict[str, Any]:
    """The sections of a live profile, as a document lists them (only the non-empty ones).

    ``ops``: the run's inventory (``export_setups``), or the operations, to read this profile's."""
    from msgprof_cli.api.inventory import Inventory

    if isinstance(ops, Inventory):
        inv = ops
    else:
        inv = Inventory([], ops.list_phone_numbers_with_messaging_settings(profile_id=profile_id))
        inv.sender_ids = ops.list_alphanumeric_sender_ids(profile_id)
        inv.autoresp[profile_id] = ops.get_autoresp_configs(profile_id)
        read_campaigns_for_export(ops.client, inv)
    out: dict[str, Any] = {}
    numbers = sorted(str(r.get("phone_number")) for r in inv.numbers_of(profile_id))
    if numbers:
        out["phone_numbers"] = _with_campaigns(numbers, inv.campaigns or [])
    senders = []
    for r in inv.sender_ids_of(profile_id):
        fallback = r.get("us_long_code_fallback")
        sid = str(r.get("alphanumeric_sender_id"))
        senders.append({"sender_id": sid, "us_long_code_fallback": fallback} if fallback else sid)
    if senders:
        out["alphanumeric_sender_ids"] = senders
    configs = []
    for c in inv.autoresp_of(profile_id):
        item: dict[str, Any] = {"op": c["op"], "keywords": c["keywords"], "country_code": c["country_code"]}
        if c.get("resp_text") is not None:
            item["resp_text"] = c["resp_text"]
        configs.append(item)
    if configs:
        out["autoresp_configs"] = configs
    _exportable(out, profile_id)
    return out


def read_campaigns_for_export(client: TelnyxClient, inv: Inventory) -> None:
    """The account's 10DLC assignments, for export.  An account that may not use the 10DLC paths
    (401/403, or 404 where the API has none) has no campaign to write: exported without."""
    from msgprof_cli.api import campaigns
    from msgprof_cli.errors import CredentialsError, NotFound

    try:
        inv.campaigns = [dict(a) for a in campaigns.read_all(client)]
    except (CredentialsError, NotFound):
        inv.campaigns = []


def _with_campaigns(numbers: list[str], live: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Numbers as a document writes them: a number on one 10DLC campaign names it
    (``{number, campaign_id}``), the others stay plain strings.  A number listed with two
    assignments (a server keeping duplicates) names none: its campaign cannot be told."""
    by_number: dict[str, list[Mapping[str, Any]]] = {}
    for a in live:
        by_number.setdefault(str(a.get("phoneNumber")), []).append(a)
    out: list[Any] = []
    for n in numbers:
        have = by_number.get(n, [])
        out.append({"number": n, "campaign_id": str(have[0].get("campaignId"))} if len(have) == 1 else n)
    return out


def _exportable(sections: dict[str, Any], profile_id: str) -> None:
    """What export writes, `plan` reads: records the API answered that no document may hold
    (`op: nuke`, no keywords) are an unexpected answer (exit 5), and nothing is written."""
    from msgprof_cli.document.document import Document
    from msgprof_cli.document.setup_rules import validate_setup
    from msgprof_cli.errors import UnexpectedRecord

    _, issues = validate_setup(Document(sections, f"the API's records of profile {profile_id}"))
    if issues:
        first = issues[0]
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        where = ".".join(str(p) for p in first.path)
        raise UnexpectedRecord(
            f"profile {profile_id}: the API answered {where}: {first.message}{more}; "
            "a document can't hold it, so nothing was exported",
            hint="`msgprof autoresp list` / `sender-ids list` show the records as the API holds them",
        )


EXPORT_BY_PROFILE = 8  # up to this many profiles, their own setup is listed, not the account's


def export_setups(client: TelnyxClient, profiles: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every profile's sections, by id.  For many profiles, the account's numbers and sender IDs
    are listed once (not once per profile); for a few, just theirs (a large account's listing
    would cost more).  Auto-responses (per-profile endpoints only) are read in parallel."""
    from msgprof_cli.api import inventory as inventories

    ids = [str(p.get("id")) for p in profiles]
    if not ids:
        return {}
    if len(ids) > EXPORT_BY_PROFILE:
        inv = inventories.read(client, numbers=True, sender_ids=True, profiles=False)
    else:
        inv = inventories.read_of_profiles(client, ids)
    inventories.read_autoresp(client, inv, ids)
    read_campaigns_for_export(client, inv)
    return {pid: export_setup(inv, pid) for pid in ids}
