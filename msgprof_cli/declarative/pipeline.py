"""The plan/apply pipeline, one step after another, for the ``plan`` and ``apply`` commands.

    load (every document, validated at once)  ->  the live profiles (one listing)
    ->  plan the profiles (plan.py)  ->  plan their setup sections (setup_plan.py)
    ->  apply the profiles (in parallel)  ->  apply the setup of the profiles that were applied

The commands only parse, resolve settings, call these steps and render what they return.  This
module prints nothing, exits nothing and builds no URL.  Its promises:

- **Every problem at once.**  A setup that cannot be planned (a number not in the account, one on
  another profile without ``move: true``) fails its item with every problem in its message, in
  text and in ``--json`` alike; nothing is applied for that profile.
- **Ctrl-C is a report.**  Interrupted while profiles are applied (plan.py) or while their setup
  is, every item says how it ended: done, interrupted in flight (it may or may not have been
  done), or never started (nothing was sent for it); the exit status is 130.
- **Bounded waits.**  A bulk number order is waited for ``wait`` seconds on the client's clock;
  numbers still pending then fail their item as unavailable (exit 6), never as refused (5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from msgprof_cli.declarative import plan as profiles
from msgprof_cli.declarative import setup_plan
from msgprof_cli.declarative.plan import Desired, Item
from msgprof_cli.document.document import Issue
from msgprof_cli.errors import ApiError, CreateUnknown, ExitStatus, Interrupted, MsgprofError

if TYPE_CHECKING:  # the types only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import SetupOperations, TelnyxClient
    from msgprof_cli.api.inventory import Inventory
    from msgprof_cli.api.setup import Pacing
    from msgprof_cli.declarative.setup_plan import SetupChange
    from msgprof_cli.document.setup_rules import Setup

Notify = Callable[[str], None]
Phase = str  # "plan" or "apply" (report.Phase)


def _quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class Request:
    """What plan and apply were asked to do, beyond the connection."""

    files: list[str] = field(default_factory=list)
    allow_unknown: bool = False
    resolve_twins: bool = False
    prune_setup: bool = False
    parallel: int = 4
    wait: float = 120.0  # seconds a bulk number order is waited for (apply --wait)


def load(request: Request, env: Mapping[str, str], phase: Phase) -> tuple[list[Desired], list[Issue]]:
    """Every document loaded, interpolated and validated (InvalidInput with every problem)."""
    return profiles.load_desired(request.files, env, allow_unknown=request.allow_unknown, phase=phase)


def plan(client: TelnyxClient, desired: list[Desired], request: Request) -> list[Item]:
    """What apply would do for each document, its setup sections included, against the account
    as read once for the whole run (api/inventory.py)."""
    inventory = profiles.read_inventory(client, desired)
    resolver = profiles.twin_resolver(client) if request.resolve_twins else None
    items = profiles.plan(desired, inventory.by_name(), resolve_twins=resolver)
    plan_setup(client, items, prune=request.prune_setup, inventory=inventory)
    return items


def plan_setup(client: TelnyxClient, items: Sequence[Item], *, prune: bool, inventory: Inventory) -> None:
    """Attach its setup plan to every item whose document has setup sections.

    Everything is planned from the run's ``inventory``: what it lacks is listed here, once;
    auto-responses are read for the profiles whose documents have that section, in parallel.  A
    setup that cannot be planned fails its item, with every problem found in its message."""
    from msgprof_cli.api import inventory as inventories

    todo = [i for i in items if not i.desired.setup.empty and i.action not in ("failed", "delete")]
    if not todo:
        return
    _complete(client, inventory, [i.desired.setup for i in todo])
    # `autoresp_configs: []` (with --prune-setup, it removes every live one) reads them too
    with_autoresp = [i for i in todo if i.action != "create" and i.profile_id and i.desired.setup.autoresp is not None]
    inventories.read_autoresp(client, inventory, [str(i.profile_id) for i in with_autoresp])
    for item in todo:
        pid = item.profile_id if item.action != "create" else None
        planned = setup_plan.plan_setup(inventory, pid, item.desired.setup, prune=prune)
        item.setup = planned
        if planned.errors:
            n = len(planned.errors)
            item.intended = item.intended or item.action
            item.action, item.error = "failed", all_at_once(planned.errors, f"{n} setup problems" if n > 1 else "")


def _complete(client: TelnyxClient, inventory: Inventory, setups: Sequence[Setup]) -> None:
    """List what the inventory lacks and a document's sections need (each listing once)."""
    from msgprof_cli.api.client import SetupOperations

    ops = SetupOperations(client)
    if inventory.numbers is None and any(s.numbers is not None for s in setups):
        inventory.numbers = ops.list_phone_numbers_with_messaging_settings()
    if inventory.sender_ids is None and any(s.sender_ids is not None for s in setups):
        inventory.sender_ids = ops.list_alphanumeric_sender_ids()
    setup_plan.complete_campaigns(client, inventory, setups)  # the 10DLC assignments, when a document names one


def all_at_once(errors: Sequence[MsgprofError], lead: str = "") -> MsgprofError:
    """One error that carries every one of ``errors``, each message in it after ``lead`` (one
    error: its message as is): a copy of the worst of them, whose kind and exit status it keeps."""
    worst = max(errors, key=lambda e: int(e.exit_code))
    if len(errors) == 1:
        message = f"{lead}: {worst.message}" if lead else worst.message
    else:
        message = f"{lead}: " + "; ".join(f"({n}) {e.message}" for n, e in enumerate(errors, 1))
    # a copy without calling the constructor: some kinds take more than a message (NetworkError)
    error = type(worst).__new__(type(worst))
    error.__dict__.update(vars(worst))
    error.message, error.args = message, (message,)
    error.hint = "; ".join(dict.fromkeys(e.hint for e in errors if e.hint)) or None
    return error


def apply(
    client: TelnyxClient,
    items: list[Item],
    request: Request,
    *,
    on_done: Callable[[Item], None] | None = None,
    notify: Notify = _quiet,
) -> list[Item]:
    """Carry out a plan: the profiles (in parallel), then the setup of those that were applied.

    A Ctrl-C in the profile phase stops there (plan.apply reports it); in the setup phase, the
    items not yet done say so (``apply_setup``)."""
    done = profiles.apply(client, items, parallel=request.parallel, on_done=on_done)
    if any(isinstance(i.error, Interrupted) for i in done):
        return done
    apply_setup(client, done, wait=request.wait, parallel=request.parallel, notify=notify)
    return done


REMOVALS = frozenset({"unassign", "remove"})


def apply_setup(
    client: TelnyxClient, items: Sequence[Item], *, wait: float, parallel: int = 1, notify: Notify = _quiet
) -> None:
    """Carry out the setup plans of the items that were applied.

    Profiles' setups run side by side (``parallel`` at once; each profile's changes stay in their
    order), in two waves: first every profile's removals, then the rest.  So a number or sender ID
    that one profile gives up is free before another profile's change takes it, whatever the
    threads' timing (validate and plan refuse a number listed by two documents).  Ctrl-C stops
    what has not started; every item says how it ended."""
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.api.setup import Pacing

    ops = SetupOperations(client)
    pacing = Pacing(wait=wait, clock=client.clock)  # the client's clock: tests drive it
    todo = [i for i in items if i.setup is not None and i.setup.changes and i.status == "done" and i.profile_id]
    for item in items:
        if item.setup is not None and item.setup.changes and item not in todo:
            _not_sent(item)
    in_flight: set[int] = set()  # the items being set up when a Ctrl-C comes (set.add is atomic)
    try:
        for removals in (True, False):
            _wave(ops, todo, removals, pacing, notify, parallel, in_flight, _owners(client, todo, removals, parallel))
    except KeyboardInterrupt:
        _stopped(todo, in_flight)
        return
    except MsgprofError as exc:
        from msgprof_cli.api.setup import interrupted

        if not interrupted(exc):  # Ctrl-C during a setup create: the create protocol says so
            raise
        _stopped(todo, in_flight)
        return
    for item in todo:
        _settle(item)


def _stopped(todo: Sequence[Item], in_flight: set[int]) -> None:
    """After a Ctrl-C: Executor.map cancelled what had not started, a worker starts no item after
    it, and leaving the pool waited for the items in flight (answered within the client's 1 s
    grace, or cut: "may or may not"); in the main thread, the item being set up may be half done."""
    for item in todo:
        if item.setup is not None and any(c.result is None for c in item.setup.changes):
            _interrupted(item, in_flight=id(item) in in_flight)
        else:
            _settle(item)  # finished before the Ctrl-C (or while the pool waited for it)


def _owners(client: TelnyxClient, todo: Sequence[Item], removals: bool, parallel: int) -> dict[str, Any] | None:
    """The owners of every number this wave writes, re-read at once right before the wave (a few
    listings, side by side), not once per profile.  The promise stays: a number whose owner now
    differs from the plan's is not taken (nothing moves that the plan did not list).  The waves are
    the order: the second wave's owners are read after the first wave's removals.  A re-read that
    fails leaves it to each profile to read its own (as before): its failure is then that item's."""
    return _reread(
        client, todo, parallel, lambda c: c.kind == "phone_number" and (c.action in REMOVALS) == removals
    )


def _reread(
    client: TelnyxClient, todo: Sequence[Item], parallel: int, picked: Callable[[SetupChange], bool]
) -> dict[str, Any] | None:
    """The records of the numbers of the ``picked`` changes, in one look-up for the wave (chunked,
    side by side); None when there are none, or when the look-up failed (a Ctrl-C still stops)."""
    from msgprof_cli.api.inventory import reread_numbers

    numbers = [c.target for i in todo for c in (i.setup.changes if i.setup is not None else []) if picked(c)]
    if not numbers:
        return None
    try:
        return reread_numbers(client, numbers, max(1, parallel))
    except MsgprofError as exc:
        from msgprof_cli.api.setup import interrupted

        if interrupted(exc):
            raise
        return None


def _wave(
    ops: SetupOperations,
    todo: Sequence[Item],
    removals: bool,
    pacing: Pacing,
    notify: Notify,
    parallel: int,
    in_flight: set[int],
    owners: dict[str, Any] | None = None,
) -> None:
    """One wave: every profile's writes (numbers, sender IDs, auto-responses), then one re-read of
    the numbers written and of the numbers whose campaign changes (``_written_owners``), then the
    campaign changes: a number another run took meanwhile is reported failed, not "done", and gets
    no campaign change (setup_plan.verify_numbers, setup_plan.apply_campaigns)."""

    def picked(item: Item) -> set[int]:
        assert item.setup is not None
        return {id(c) for c in item.setup.changes if _in_wave(c, removals)}

    def run(item: Item) -> None:
        from msgprof_cli import interrupt

        assert item.setup is not None and item.profile_id is not None
        mine = picked(item)
        if not mine or interrupt.requested():  # after a Ctrl-C no worker starts a profile's setup
            return
        in_flight.add(id(item))
        setup_plan.apply_setup(
            ops,
            item.profile_id,
            item.setup,
            pacing=pacing,
            notify=notify,
            only=lambda c: id(c) in mine,
            owners=owners,
            campaigns=False,
        )
        in_flight.discard(id(item))

    _each(todo, run, parallel)
    now = _written_owners(ops.client, todo, removals, parallel)

    _each(todo, lambda item: _campaign_step(ops, item, picked(item), now, pacing, notify, in_flight), parallel)


def _campaign_step(
    ops: SetupOperations,
    item: Item,
    mine: set[int],
    now: dict[str, Any] | None,
    pacing: Pacing,
    notify: Notify,
    in_flight: set[int],
) -> None:
    """After the wave's number writes: this item's numbers checked against the re-read owners,
    then its campaign changes (each only while its number is on the profile)."""
    from msgprof_cli import interrupt

    assert item.setup is not None and item.profile_id is not None
    changes = [c for c in item.setup.changes if id(c) in mine]
    if now is not None:
        setup_plan.verify_numbers(item.profile_id, changes, now)
    campaigns = [c for c in changes if c.kind == "campaign"]
    if not campaigns or interrupt.requested():
        return
    in_flight.add(id(item))
    setup_plan.apply_campaigns(ops, item.profile_id, campaigns, pacing, notify, now)
    in_flight.discard(id(item))


def _in_wave(change: SetupChange, removals: bool) -> bool:
    """Removals first; a campaign change (of a number the document lists) always in the second
    wave, after every number write: its number is on the profile by then, or it is not sent."""
    if change.kind == "campaign":
        return not removals
    return (change.action in REMOVALS) == removals


def _each(todo: Sequence[Item], run: Callable[[Item], None], parallel: int) -> None:
    if parallel <= 1 or len(todo) <= 1:
        for item in todo:
            run(item)
        return
    from msgprof_cli.declarative.workers import run_all

    # not pool.map inside ``with pool``: a Ctrl-C while map hands out the items could lose a worker
    # the pool then never waits for (declarative/workers.py)
    run_all(run, todo, parallel=parallel, name="msgprof-setup")


def _written_owners(client: TelnyxClient, todo: Sequence[Item], removals: bool, parallel: int) -> dict[str, Any] | None:
    """The records, re-read once after the wave's number writes, of the numbers it assigned or
    moved and of the numbers whose campaign it changes (one look-up for the wave, chunked as the
    owner re-read is).  None when there are none, or when the re-read failed: then the numbers
    stay as their writes said, and each profile's campaign changes re-read their own numbers."""
    def written(c: SetupChange) -> bool:
        assigned = c.kind == "phone_number" and c.action in ("assign", "move") and c.result == "done"
        return _in_wave(c, removals) and (c.kind == "campaign" or assigned)

    return _reread(client, todo, parallel, written)


def _settle(item: Item) -> None:
    """An item whose setup is done: failed when a change failed, with every failure in its error."""
    assert item.setup is not None
    failed = [c for c in item.setup.changes if c.result == "failed"]
    if failed:
        n, done = len(failed), sum(1 for c in item.setup.changes if c.result == "done")
        errors = [c.error or ApiError("setup change failed") for c in failed]
        # applied: its profile's own change (its setup ran after it), a change done, or a failed
        # change that may have been done; not when every change was refused and the profile unchanged
        maybe = any(_maybe_done(c.error) for c in failed)
        item.applied = item.applied or done > 0 or item.action in ("create", "update") or maybe
        item.status = "failed"
        item.error = all_at_once(errors, f"{n} setup change{'s' if n > 1 else ''} failed ({done} done)")


def _not_sent(item: Item) -> None:
    """The profile's own change failed: its setup changes were not sent, and they say so."""
    assert item.setup is not None
    if item.action == "failed":
        why = "the profile could not be planned"
    elif item.action == "create" and item.applied:  # created, then its follow-up update failed
        why = "the profile was created, but setting its other fields failed (see its error)"
    elif item.action == "create" and isinstance(item.error, CreateUnknown):  # never "not created" unless known
        why = "the profile may or may not have been created (see its error)"
    else:
        why = "the profile was not created" if item.action == "create" else "the profile's change failed"
    for change in item.setup.changes:
        if change.result is None:
            change.error = MsgprofError(f"not sent: {why}")


def _interrupted(item: Item, *, in_flight: bool) -> None:
    """An item whose setup Ctrl-C cut short: what was done stands, the rest is said plainly.
    ``in_flight``: a change of it was being sent when the Ctrl-C came (it may have been done)."""
    assert item.setup is not None
    started = in_flight or any(c.result is not None for c in item.setup.changes)
    for change in item.setup.changes:
        if change.result is None:
            change.result = "failed"
            change.error = Interrupted(  # only a change apply began sending may have been done
                "interrupted: it may or may not have been done"
                if in_flight and change.started
                else "interrupted before it started"
            )
    item.status = "failed"
    if started:
        done = sum(1 for c in item.setup.changes if c.result == "done")
        item.error = Interrupted(
            f"interrupted while its setup was being applied ({done} done): "
            + ("the changes marked failed may or may not have been done" if in_flight else "the rest was not sent"),
            hint="`msgprof plan` shows where it stands; apply again converges",
        )
    else:
        item.error = Interrupted(
            "interrupted before its setup started; nothing was sent for its setup",
            hint="run apply again: it does what is left",
        )


def worst(items: Sequence[Item]) -> ExitStatus:
    """The exit status of a plan or an apply: the worst of its items' (0 when none failed)."""
    return ExitStatus(max((int(i.error.exit_code) for i in items if i.error is not None), default=0))


def pending(items: Sequence[Item]) -> bool:
    """Whether apply would change anything (``plan --detailed-exitcode``)."""
    return any(i.action in ("create", "update", "delete") for i in items) or any(
        i.setup is not None and i.setup.changes for i in items
    )


def item_notes(done: Sequence[Item]) -> list[str]:
    """What apply says before its report: each item's note (a delete's is in its report line).
    Notices hide secrets on their way out (``Renderer.notice``)."""
    return [f"{i.name}: {i.note}" for i in done if i.note and i.action != "delete"]


def closing_notes(done: Sequence[Item]) -> list[str]:
    """What apply says after its report: what an interrupt or a failure left."""
    notes: list[str] = []
    failed = sum(1 for i in done if i.status == "failed")
    stopped = sum(1 for i in done if isinstance(i.error, Interrupted))
    if stopped:
        notes.append(f"interrupted: {stopped} of {len(done)} profiles were not done (see each line)")
    if failed > stopped:
        applied = any(i.status == "done" or _partly_done(i) or i.applied for i in done)
        unknown = any(isinstance(i.error, CreateUnknown) for i in done)  # a create that may have been done
        rest = (
            "the others were applied"
            if failed < len(done)
            else "some of their changes were applied (see each line)"
            if applied
            else "some may have been applied (see each line)"
            if unknown
            else "none was applied"
        )
        notes.append(f"{failed - stopped} of {len(done)} profiles failed; {rest}")
    return notes


def _maybe_done(error: MsgprofError | None) -> bool:
    """A failed setup change may have been done unless the API refused it (4xx) or it was never sent."""
    status = getattr(error, "status", None)
    refused = isinstance(status, int) and 400 <= status < 500
    return not refused and not (isinstance(error, Interrupted) and "before it started" in error.message)


def _partly_done(item: Item) -> bool:
    """A failed item may still have had part of its work done: setup runs only after its profile
    was applied, so a create or an update whose setup started was applied; so is any setup change
    that is done."""
    if item.setup is None:
        return False
    started = any(c.result == "done" or (c.result == "failed" and not isinstance(c.error, Interrupted))
                  for c in item.setup.changes)  # fmt: skip
    return started and (
        item.action in ("create", "update")
        or any(c.result == "done" or (c.result == "failed" and _maybe_done(c.error)) for c in item.setup.changes)
    )


def export_setups(client: TelnyxClient, profiles: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The setup sections of live profiles, by profile id (``export --with-setup``)."""
    return setup_plan.export_setups(client, profiles)
