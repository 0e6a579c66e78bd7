"""The machine-readable report of plan and apply: one shape, one vocabulary, and its JSON Schema.

``plan --json`` and ``apply --json`` print the same shape (README "Reports"); ``phase`` says
which.  ``action`` is what the plan decided for an item, ``status`` where it stands: ``planned``
in a plan, ``done`` or ``failed`` after apply.  The summary counts the items by action, except
that every failed item counts under ``failed`` only.  Secret values are shown as
``<secret from $VAR>``, never as themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgprof_cli.declarative.plan import ACTIONS, Item

Phase = Literal["plan", "apply"]


def item_dict(item: Item) -> dict[str, Any]:
    # Every free-text string the report shows has already passed the item's scrub: plan and apply
    # return items after Item.scrub_shown (name, changed values, error, note, setup keys and
    # details).  The report's own keys and vocabulary ("name", "action": "create") are never
    # scrubbed: a secret whose value is a word such as "name" must not rewrite the report's shape.
    return {
        "name": item.name,
        "source": item.desired.source,
        "id": item.profile_id,
        "action": item.action,
        "status": item.status,
        "changes": [
            {"field": c.field, "old": item.shown(c.path, c.old), "new": item.shown(c.path, c.new)} for c in item.changes
        ],
        "error": item.error.to_dict() if item.error else None,
        "note": item.note,
        "setup": [c.to_dict() for c in item.setup.changes] if item.setup is not None else [],
    }


def summary(items: Sequence[Item]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
    for item in items:
        counts["failed" if item.status == "failed" else item.action] += 1
    return counts


def build(items: Sequence[Item], phase: Phase) -> dict[str, Any]:
    return {"phase": phase, "items": [item_dict(i) for i in items], "summary": summary(items)}


_NULLABLE_STR: dict[str, Any] = {"type": ["string", "null"]}
_CHANGE: dict[str, Any] = {
    "type": "object",
    "required": ["field", "old", "new"],
    "properties": {"field": {"type": "string"}, "old": {}, "new": {}},
    "additionalProperties": False,
}
_ERROR: dict[str, Any] = {
    "type": ["object", "null"],
    "required": ["error", "message", "exit_code"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "exit_code": {"type": "integer"}},
}
_SETUP_CHANGE: dict[str, Any] = {  # numbers, sender IDs, auto-responses (reconcile_setup.py)
    "type": "object",
    "required": ["kind", "action", "key", "detail", "result", "error"],
    "properties": {
        "kind": {"enum": ["phone_number", "sender_id", "autoresp"]},
        "action": {"enum": ["assign", "move", "unassign", "add", "change", "remove"]},
        "key": {"type": "string"},
        "detail": {"type": "string"},
        "result": {"enum": ["done", "failed", None]},
        "error": _NULLABLE_STR,
    },
    "additionalProperties": False,
}
_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["name", "source", "id", "action", "status", "changes", "error", "note", "setup"],
    "properties": {
        "name": {"type": "string"},
        "source": {"type": "string"},
        "id": _NULLABLE_STR,
        "action": {"enum": list(ACTIONS)},
        "status": {"enum": ["planned", "done", "failed"]},
        "changes": {"type": "array", "items": _CHANGE},
        "error": _ERROR,
        "note": _NULLABLE_STR,
        "setup": {"type": "array", "items": _SETUP_CHANGE},
    },
    "additionalProperties": False,
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of build()'s output (``msgprof schema --report``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "msgprof plan/apply report",
        "type": "object",
        "required": ["phase", "items", "summary"],
        "properties": {
            "phase": {"enum": ["plan", "apply"]},
            "items": {"type": "array", "items": _ITEM},
            "summary": {
                "type": "object",
                "required": list(ACTIONS),
                "properties": {a: {"type": "integer", "minimum": 0} for a in ACTIONS},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
