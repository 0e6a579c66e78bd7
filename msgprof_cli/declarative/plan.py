"""Declarative profiles: make the account match a set of documents (plan, apply, export).

Profiles are keyed by name.  Every document is loaded, interpolated and validated before any
request is made; one invalid document stops the whole run.  The live profiles are read once, in
as few list calls as the page size allows (250 a page), and shared by every item.  Creates go
through ``create_once`` (one request on the happy path, never a duplicate), with the ids already
listed under that name as the "known" set.  This module prints nothing and knows no exit codes;
it returns results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from msgprof_cli.declarative.inputs import check_inputs
from msgprof_cli.declarative.workers import run_all
from msgprof_cli.document.changes import Change, diff, effect
from msgprof_cli.document.document import Issue
from msgprof_cli.document.rules import RULES_BY_NAME
from msgprof_cli.document.setup_rules import Setup
from msgprof_cli.errors import ApiError, CreateUnknown, Interrupted, InvalidInput, MsgprofError

if TYPE_CHECKING:  # the types only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import TelnyxClient
    from msgprof_cli.api.inventory import Inventory
    from msgprof_cli.declarative.setup_plan import SetupPlan

# One vocabulary for plan and apply (README "Reports"): what the plan decided for an item, and
# where it stands.  "failed" as an action means it could not even be planned.
Action = Literal["create", "update", "delete", "unchanged", "failed"]
Status = Literal["planned", "done", "failed"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete", "unchanged", "failed")


@dataclass
class Desired:
    name: str
    source: str
    payload: dict[str, Any]
    secrets: dict[tuple[str | int, ...], str]
    setup: Setup = field(default_factory=Setup)  # numbers, sender IDs, auto-responses (reconcile_setup)


@dataclass
class Item:
    """One desired profile: what the plan found and what apply did."""

    desired: Desired
    action: Action
    live: dict[str, Any] | None = None
    changes: list[Change] = field(default_factory=list)
    error: MsgprofError | None = None
    status: Status = "planned"
    profile_id: str | None = None
    note: str | None = None
    setup: SetupPlan | None = None  # when the document has setup sections
    intended: Action | None = None  # a failed item's planned action: its changes read as that
    keeper: dict[str, Any] | None = None  # a twin's delete: the profile kept, which it must equal
    applied: bool = False  # something was changed for it (a failed item's setup may have been partly done)

    # Items carry raw values (the real name matches live profiles; notes and errors say what
    # happened in the API's and the document's words).  What a report shows of them is decided
    # once, on the way out (output/report_view.py::shown_item, secrets.shown).

    @property
    def name(self) -> str:
        return self.desired.name


def load_desired(
    paths: list[str], env: Mapping[str, str], *, allow_unknown: bool = False, phase: str = "apply"
) -> tuple[list[Desired], list[Issue]]:
    """Load, interpolate and validate every document (checking.py, as validate does).

    Raises InvalidInput with every issue found; its summary names the ``phase`` (plan or apply)
    that did nothing."""
    checked = check_inputs(paths, env, mode="create", allow_unknown=allow_unknown)  # the checks validate makes
    issues = [i for c in checked for i in c.errors]
    if issues:
        n = len(issues)
        raise InvalidInput(
            f"{n} problem{'s' if n > 1 else ''} found; nothing was {'planned' if phase == 'plan' else 'applied'}",
            issues,
        )
    desired = [
        Desired(c.payload["name"], c.source, c.payload, dict(c.doc.secrets), c.setup)
        for c in checked
        if c.doc is not None
    ]
    return desired, [w for c in checked for w in c.warnings]


def read_inventory(
    client: TelnyxClient, desired: list[Desired], on_page: Callable[[int, int], None] | None = None
) -> Inventory:
    """The account as this run needs it, read once (api/inventory.py): the profiles, and the
    numbers and sender IDs when a document has those sections; ``inventory.by_name()`` is what
    ``plan`` matches against, and ``setup_plan.plan_items`` plans the sections from it."""
    from msgprof_cli.api import inventory

    return inventory.read(
        client,
        numbers=any(d.setup.numbers is not None for d in desired),
        sender_ids=any(d.setup.sender_ids is not None for d in desired),
        on_page=on_page,
    )


def live_by_name(
    client: TelnyxClient, on_page: Callable[[int, int], None] | None = None
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for p in client.iter_messaging_profiles(page_size=250, on_page=on_page):
        out.setdefault(str(p.get("name")), []).append(p)
    return out


TwinResolver = Callable[["Desired", list[dict[str, Any]]], "tuple[dict[str, Any], list[dict[str, Any]]] | None"]


def plan(
    desired: list[Desired], live: dict[str, list[dict[str, Any]]], *, resolve_twins: TwinResolver | None = None
) -> list[Item]:
    """What apply would do for each document.  With resolve_twins, provably accidental twins are
    planned for deletion (see twins.py); without it, a name held by several profiles fails."""
    items: list[Item] = []
    for d in desired:
        matches = live.get(d.name, [])
        if len(matches) > 1:
            resolved = resolve_twins(d, matches) if resolve_twins is not None else None
            if resolved is None:
                items.append(_twins_item(d, matches, resolve_twins is not None))
                continue
            keeper, extra = resolved
            items += [
                Item(
                    d, "delete", live=p, profile_id=p.get("id"), note="accidental twin: nothing attached", keeper=keeper
                )
                for p in extra
            ]
            matches = [keeper]
        if not matches:
            items.append(Item(d, "create", changes=[Change((k,), None, v) for k, v in d.payload.items()]))
            continue
        items.append(_update_item(d, matches[0]))
    return items


def _twins_item(d: Desired, matches: list[dict[str, Any]], tried: bool) -> Item:
    from msgprof_cli.errors import Ambiguous

    ids = ", ".join(str(m.get("id")) for m in matches)
    hint = (
        "more than one of them differs from the file or has numbers or sender IDs attached (or auto-responses), "
        "or a twin differs from the one kept in a field the file leaves out: "
        "msgprof never guesses; rename or delete all but one"
        if tried
        else "msgprof never guesses: rename or delete all but one, or use --resolve-twins "
        "if they are accidental copies (equal to the file, nothing attached)"
    )
    return Item(d, "failed", error=Ambiguous(f"{len(matches)} live profiles are named {d.name!r}: {ids}", hint=hint))


def _update_item(d: Desired, current: dict[str, Any]) -> Item:
    changes = effect(d.payload, current).changes
    fixed = [c for c in changes if str(c.path[0]) in RULES_BY_NAME and not RULES_BY_NAME[str(c.path[0])].updatable]
    if fixed:
        fields = ", ".join(c.field for c in fixed)
        error = ApiError(
            f"{d.name!r}: {fields} differ, and the API's update cannot change them",
            hint="change the file to the live value, or delete and recreate the profile",
        )
        return Item(
            d, "failed", live=current, changes=changes, profile_id=current.get("id"), error=error, intended="update"
        )
    return Item(d, "update" if changes else "unchanged", live=current, changes=changes, profile_id=current.get("id"))


def twin_resolver(client: TelnyxClient) -> TwinResolver:
    from msgprof_cli.declarative import twins

    return lambda d, matches: twins.split(client, d.payload, matches, diff)


def apply(
    client: TelnyxClient,
    items: list[Item],
    *,
    parallel: int = 4,
    on_done: Callable[[Item], None] | None = None,
) -> list[Item]:
    """Carry out a plan.  One failed item does not stop the others.  Then, if this run created
    anything, settle the duplicates a concurrent run may have made (see twins.py)."""
    # Over 50 lines by its Ctrl-C handling, which must say for every item how it ended.

    started: set[int] = set()  # ids of the items whose request was sent (set.add is atomic)

    def run(item: Item) -> Item:
        from msgprof_cli import interrupt

        if interrupt.requested():  # after a Ctrl-C a worker starts no item: it stays "before it started"
            return item
        started.add(id(item))
        try:
            _carry_out(client, item)
            item.status, item.applied = "done", item.action in ("create", "update", "delete")
        except MsgprofError as exc:
            item.status, item.error = "failed", exc
            if isinstance(exc, CreateUnknown) and len(exc.candidates) > 1:
                # identical profiles made at once: another run's, or a person's; never guessed
                exc.hint = (
                    "another run (or a person) created the same profile at the same moment; "
                    "`msgprof apply --resolve-twins` keeps the oldest and deletes identical ones with nothing attached"
                )
        if on_done is not None:
            on_done(item)
        return item

    try:
        done = run_all(run, items, parallel=parallel)
    except KeyboardInterrupt:
        # run_all started nothing more and waited for the requests in flight: every item that
        # started says how it ended.  A second Ctrl-C cuts that wait short: those items may or may
        # not have been done.  No settling: the user asked to stop; a rerun of apply converges.
        for item in items:
            if item.status == "planned" and item.action in ("create", "update", "delete"):
                item.status = "failed"
                if id(item) in started:
                    item.error = Interrupted(
                        "interrupted while its request was in flight: it may or may not have been done",
                        hint="`msgprof plan` shows where it stands; apply again converges",
                    )
                else:
                    item.error = Interrupted(
                        "interrupted before it started; nothing was sent for it",
                        hint="run apply again: it does what is left",
                    )
        return items
    created = [i for i in done if i.action == "create" and i.status == "done"]
    if created:
        _settle_duplicates(client, created)
    return done


def _carry_out(client: TelnyxClient, item: Item) -> None:
    if item.error is not None:  # failed while planning
        raise item.error
    if item.action == "create":
        from msgprof_cli.api.create_once import create_profile, made_before

        try:  # the plan saw no profile with this name; redaction_* are set by an update after the create
            done = create_profile(client, item.desired.payload)
        except MsgprofError as exc:
            made = made_before(exc)
            if made is not None:  # created, then its update failed: applied (a rerun converges)
                item.profile_id, item.applied = made.get("id"), True
                exc.hint = "apply again: it updates the profile made, and creates no other"
            raise
        item.note, item.profile_id = done.note, done.profile.get("id")
    elif item.action == "update":
        assert item.profile_id is not None
        client.update_messaging_profile(item.profile_id, effect(item.desired.payload, item.live or {}).patch)
    elif item.action == "delete":
        from msgprof_cli.declarative import twins

        assert item.live is not None and item.profile_id is not None and item.keeper is not None
        fresh = client.retrieve_messaging_profile(item.profile_id)
        keeper = client.retrieve_messaging_profile(str(item.keeper.get("id")))
        if not twins.deletable(client, item.desired.payload, fresh, keeper, diff):  # checked again, right before
            raise ApiError(
                f"{item.name!r}: twin {item.profile_id} changed since the plan; it was not deleted",
                hint="run plan again",
            )
        client.delete_messaging_profile(item.profile_id)


def _settle_duplicates(client: TelnyxClient, created: list[Item]) -> None:
    """Delete what this run created when an older accidental twin holds the name."""
    from msgprof_cli.declarative import twins

    try:
        live = live_by_name(client)
    except MsgprofError as exc:
        for item in created:
            item.note = f"could not check for a concurrent run's twin ({exc.message}); rerun apply"
        return
    for item in created:
        keeper = twins.duplicate_of(str(item.profile_id), live.get(item.desired.name, []))
        if keeper is None:
            continue
        ours = item.profile_id
        mine = next((p for p in live.get(item.desired.name, []) if str(p.get("id")) == str(ours)), None)
        try:
            # The keeper may hold what the other run assigned already; what must be a plain copy
            # is this run's profile (its setup has not run yet), and the keeper must match the file.
            if (
                diff(item.desired.payload, keeper)
                or mine is None
                or not twins.is_accidental(client, item.desired.payload, mine, diff)
            ):
                item.note = f"another profile is named {item.name!r} ({keeper.get('id')}) and differs; both kept"
                continue
            client.delete_messaging_profile(str(ours))
        except MsgprofError as exc:
            item.note = f"another run created {item.name!r} too; deleting this run's copy {ours} failed ({exc.message})"
            continue
        item.profile_id = keeper.get("id")
        item.note = (
            f"a concurrent run created {item.name!r} first ({item.profile_id}); this run's copy {ours} was deleted"
        )
