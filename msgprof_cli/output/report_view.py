"""The plan and apply reports as they go out: typed items, with their secrets hidden, and lines.

Every report of plan and apply leaves through this module.  ``shown_item`` is the one place a
report item's secrets are hidden (``secrets.shown``: by value, any length, and by the field paths
a secret variable filled); the items of the pipeline carry raw values.  Every view takes the
``ShownItem`` it returns and nothing else, so no view can print a raw item:

- ``plan_lines`` and ``apply_lines``: the text report, as (text, style) parts a line;
- ``output/markdown.py``: the plan for a pull request;
- ``declarative/report.py``: the ``--json`` report.

A command's per-item result table (``numbers assign/unassign``, ``numbers campaign``: text and
``--json``) leaves through ``shown_result``, the same hiding: its details are messages that may
quote what a server echoed, so the key and every secret are hidden there too (``message``).

The counts are written once too (``counts``, ``setup_counts``): every summary, text, Markdown and
JSON, counts the profiles by action and the setup changes (numbers, sender IDs, auto-responses,
and any kind a later resource adds) by kind and action.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from msgprof_cli import secrets
from msgprof_cli.errors import Interrupted, MsgprofError
from msgprof_cli.output.cells import visible

Parts = list[tuple[str, str]]
Phase = Literal["plan", "apply"]
FieldPath = tuple[str | int, ...]

# --------------------------------------------------------------------------- what a report reads


class ChangeLike(Protocol):
    @property
    def path(self) -> FieldPath: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> Any: ...
    @property
    def new(self) -> Any: ...


class SetupChangeLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def result(self) -> str | None: ...
    @property
    def error(self) -> MsgprofError | None: ...


class SetupLike(Protocol):
    @property
    def changes(self) -> Sequence[SetupChangeLike]: ...


class DesiredLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def secrets(self) -> Mapping[FieldPath, str]: ...


class ItemLike(Protocol):
    """A plan or apply item (``declarative/plan.py::Item``), as a report reads it."""

    @property
    def desired(self) -> DesiredLike: ...
    @property
    def action(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def profile_id(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def error(self) -> MsgprofError | None: ...
    @property
    def intended(self) -> str | None: ...
    @property
    def changes(self) -> Sequence[ChangeLike]: ...
    @property
    def setup(self) -> SetupLike | None: ...


# --------------------------------------------------------------------------- what a report shows


@dataclass(frozen=True)
class ShownChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ShownError:
    kind: str
    message: str
    hint: str | None
    exit_code: int
    never_started: bool  # a Ctrl-C stopped its item before its request left
    whole: dict[str, Any]  # the error object of --json (the API's errors[] too)


@dataclass(frozen=True)
class ShownSetup:
    kind: str  # phone_number, sender_id, autoresp, or a later resource's
    action: str
    key: str
    detail: str
    result: str | None
    error: str | None


@dataclass(frozen=True)
class ShownItem:
    name: str
    source: str
    profile_id: str | None
    action: str  # what the plan decided for the profile itself
    status: str
    intended: str | None
    changes: tuple[ShownChange, ...]
    error: ShownError | None
    note: str | None
    setup: tuple[ShownSetup, ...]

    @property
    def planned(self) -> str:
        """A failed item's planned action: its changes read as that (a failed create lists +)."""
        return self.intended or self.action

    @property
    def heading(self) -> str:
        """What its heading says: the profile's action, except that a profile whose only changes
        are setup changes is headed ``setup``, never ``unchanged``."""
        return "setup" if self.action == "unchanged" and self.setup else self.action


# The vocabulary of the report (actions, kinds, results, field names) is never hidden: a secret
# whose value is a word such as "name" must not rewrite the report's shape.
_VOCABULARY = ("error", "exit_code", "status")


def shown_item(item: ItemLike) -> ShownItem:
    """The one place a report item's secrets are hidden, on its way out."""
    at = item.desired.secrets
    error = item.error
    return ShownItem(
        name=secrets.shown(item.desired.name),
        source=secrets.shown(item.desired.source),
        profile_id=item.profile_id,
        action=item.action,
        status=item.status,
        intended=item.intended,
        changes=tuple(
            ShownChange(c.field, secrets.shown(c.old, at, c.path), secrets.shown(c.new, at, c.path))
            for c in item.changes
        ),
        error=_shown_error(error) if error is not None else None,
        note=message(item.note),
        setup=tuple(
            ShownSetup(
                c.kind,
                c.action,
                secrets.shown(c.key),
                message(c.detail) or "",
                c.result,
                message(c.error.message) if c.error is not None else None,
            )
            for c in (item.setup.changes if item.setup is not None else ())
        ),
    )


def shown_items(items: Sequence[ItemLike]) -> list[ShownItem]:
    return [shown_item(i) for i in items]


def message(text: str | None) -> str | None:
    """A message on its way to stdout (a detail, an error, a note): it may quote what a server
    echoed (a header, a request body, an assignment's failureReasons), so the key, a URL's
    password and every secret variable's value are hidden, as on stderr (``secrets.scrub``), and
    a secret variable's of any length (``secrets.shown``)."""
    if not text:
        return text
    return str(secrets.shown(secrets.scrub(text)))


def shown_result(value: Any) -> Any:
    """A result table's rows or its ``--json`` value, every string in it a ``message``: the one
    way a command's per-item results (numbers, campaigns) leave.  Keys stay (field names)."""
    if isinstance(value, str):
        return message(value)
    if isinstance(value, dict):
        return {k: shown_result(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown_result(v) for v in value]
    return value


def _shown_error(exc: MsgprofError) -> ShownError:
    whole = {k: v if k in _VOCABULARY else shown_result(v) for k, v in exc.to_dict().items()}
    return ShownError(
        kind=exc.kind,
        message=str(message(exc.message)),
        hint=message(exc.hint) if exc.hint else None,
        exit_code=int(exc.exit_code),
        never_started=isinstance(exc, Interrupted) and "before it started" in exc.message,
        whole=whole,
    )


# --------------------------------------------------------------------------- counts

ACTIONS = ("create", "update", "delete", "unchanged", "failed")
TO = {"create": "to create", "update": "to update", "delete": "to delete", "unchanged": "unchanged", "failed": "failed"}
PAST = {"create": "created", "update": "updated", "delete": "deleted", "unchanged": "unchanged", "failed": "failed"}
# Setup kinds and actions known today, in the order summaries list them; a later kind or action
# is counted and named all the same (after these, by name).
NOUNS = {"phone_number": "number", "sender_id": "sender ID", "autoresp": "auto-response"}
SETUP_ORDER = ("unassign", "remove", "change", "move", "assign", "add")
SETUP_SIGNS = {"unassign": "-", "remove": "-", "change": "~", "move": ">", "assign": "+", "add": "+"}


def counts(items: Sequence[ShownItem], phase: Phase) -> dict[str, int]:
    """The profiles by action; a failed item (in apply: any item that failed) under ``failed`` only."""
    out = dict.fromkeys(ACTIONS, 0)
    for i in items:
        out["failed" if i.status == "failed" or i.action == "failed" else i.action] += 1
    return out


def setup_counts(items: Sequence[ShownItem], phase: Phase) -> dict[str, dict[str, int]]:
    """The setup changes by kind, then by action: in a plan, what is to be done (an item that
    failed to plan does nothing, and counts under ``failed`` with the profiles); after apply, what
    was done, and ``failed`` for a change that failed (a change never sent because its profile
    failed is not counted: its item is)."""
    out: dict[str, dict[str, int]] = {}
    for i in items:
        if phase == "plan" and i.action == "failed":
            continue
        for c in i.setup:
            if phase == "plan" or c.result == "done":
                word = c.action
            elif c.result == "failed":
                word = "failed"
            else:
                continue
            kind = out.setdefault(c.kind, {})
            kind[word] = kind.get(word, 0) + 1
    kinds = sorted(out, key=lambda k: (list(NOUNS).index(k) if k in NOUNS else len(NOUNS), k))
    return {k: dict(sorted(out[k].items(), key=lambda a: _action_rank(a[0]))) for k in kinds}


def _action_rank(action: str) -> tuple[int, str]:
    if action == "failed":
        return (len(SETUP_ORDER) + 1, action)
    return (SETUP_ORDER.index(action) if action in SETUP_ORDER else len(SETUP_ORDER), action)


def noun(kind: str, n: int = 1) -> str:
    word = NOUNS.get(kind, kind.replace("_", " "))
    return word if n == 1 else word + "s"


def _past(action: str) -> str:
    if action == "failed":
        return action
    return action + ("d" if action.endswith("e") else "ed")


def summary_line(items: Sequence[ShownItem], phase: Phase = "plan") -> str:
    """The whole change in one line: the profiles, then the setup changes (when there are any):
    ``0 to create, 0 to update, 1 unchanged, 0 failed; setup: 1 number to assign``."""
    n = counts(items, phase)
    if not n["delete"]:
        del n["delete"]
    words = TO if phase == "plan" else PAST
    line = ", ".join(f"{k} {words[a]}" for a, k in n.items())
    if phase == "plan":  # what the failed items were planned to do: a failed create is not lost
        meant = [i.intended for i in items if i.action == "failed"]
        kinds = {k: meant.count(k) for k in ("create", "update") if k in meant}
        line += " (" + ", ".join(f"{k} {a}" for a, k in kinds.items()) + ")" if kinds else ""
    setup = setup_counts(items, phase)
    if setup:
        parts = [
            f"{k} {noun(kind, k)} " + (f"to {a}" if phase == "plan" else _past(a))
            for kind, actions in setup.items()
            for a, k in actions.items()
        ]
        line += "; setup: " + ", ".join(parts)
    return line


# --------------------------------------------------------------------------- text


SIGN = {"create": "+", "update": "~", "delete": "-", "unchanged": "=", "failed": "!", "setup": "~"}
ACTION_STYLE = {
    "create": "green",
    "update": "yellow",
    "delete": "red",
    "unchanged": "dim",
    "failed": "bold red",
    "setup": "yellow",
}
RESULT_STYLE = {
    "created": "green",
    "updated": "yellow",
    "deleted": "red",
    "unchanged": "dim",
    "failed": "bold red",
    "setup": "yellow",
}


def _short(value: Any) -> str:
    return visible(json.dumps(value, ensure_ascii=False))


def setup_lines(item: ShownItem, *, planned: bool) -> list[str]:
    """One line per setup change of an item, removals first (the plan's order)."""
    lines = []
    for c in item.setup:
        line = f"    {SETUP_SIGNS.get(c.action, '~')} {c.action} {noun(c.kind)} {c.key}"
        if c.detail:
            line += f" ({c.detail})"
        if not planned:
            line += f": {c.result or 'not done'}" + (f": {c.error}" if c.error else "")
        lines.append(visible(line))
    return lines


def plan_lines(items: Sequence[ShownItem]) -> list[Parts]:
    """The plan as text: a heading per profile, its field changes, its setup changes, one summary."""
    out: list[Parts] = []
    for i in items:
        ident = f" ({visible(i.profile_id)})" if i.profile_id else ""
        head = f"{SIGN[i.heading]} {i.heading} {visible(i.name)}{ident}"
        out.append([(head, ACTION_STYLE[i.heading]), (f"  [{visible(i.source)}]", "dim")])
        for c in i.changes if i.action != "unchanged" else ():
            if i.planned == "create":
                out.append([("    + ", "green"), (f"{visible(c.field)}: {_short(c.new)}", "")])
            else:
                out.append([("    ~ ", "yellow"), (f"{visible(c.field)}: {_short(c.old)} -> {_short(c.new)}", "")])
        if i.note and i.action == "delete":
            out.append([("    - ", "red"), (visible(i.note), "")])
        if i.error is not None:
            hint = f" (hint: {i.error.hint})" if i.error.hint else ""
            out.append([("    ! ", "bold red"), (visible(i.error.message + hint), "")])
        out += [[(line, "")] for line in setup_lines(i, planned=True)]
    out.append([(f"Plan: {summary_line(items, 'plan')}.", "")])
    return out


def apply_lines(items: Sequence[ShownItem]) -> list[Parts]:
    """The apply report as text: a line per profile (what became of it), its setup changes with
    their results, one line for the profiles a Ctrl-C stopped before they started, one summary."""
    out: list[Parts] = []
    never = [i for i in items if i.error is not None and i.error.never_started]
    for i in items:
        if i.error is not None and i.error.never_started:
            continue  # one line for them all, below
        word = "failed" if i.status == "failed" else "setup" if i.heading == "setup" else PAST.get(i.action, i.action)
        line = f"  {visible(i.name)}" + (f" ({visible(i.profile_id)})" if i.profile_id else "")
        if word == "updated":
            line += ": " + ", ".join(visible(c.field) for c in i.changes)
        if i.error is not None:
            line += f": {visible(i.error.message)}" + (f" (hint: {visible(i.error.hint)})" if i.error.hint else "")
        out.append([(f"{word:<9}", RESULT_STYLE.get(word, "")), (line, "")])
        out += [[(line, "")] for line in setup_lines(i, planned=False)]
    if never:
        names = ", ".join(visible(i.name) for i in never)
        head = f"{len(never)} profile{'s' if len(never) != 1 else ''} never started"
        line = f"  {head} (nothing was sent for them; apply again does what is left): {names}"
        out.append([(f"{'failed':<9}", RESULT_STYLE["failed"]), (line, "")])
    out.append([(f"Apply: {summary_line(items, 'apply')}.", "")])
    return out
