"""The machine-readable report of plan and apply: one shape, one vocabulary, and its JSON Schema.

``plan --json`` and ``apply --json`` print the same shape (docs/plan-apply-ci.md "Reports");
``phase`` says which.  ``action`` is what the plan decided for a profile, ``status`` where it
stands: ``planned`` in a plan, ``done`` or ``failed`` after apply.  ``summary`` counts the
profiles by action (every failed item under ``failed`` only) and, under ``setup``, the setup
changes by kind and action (``output/report_view.py::setup_counts``): what is to be done in a
plan, what was done (or ``failed``) after apply; a kind with nothing to do is left out.

The report is drawn from ``ShownItem``s, so its secrets were hidden on the way out, in the one
place every report format shares (``report_view.shown_item``): ``<secret from $VAR>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgprof_cli.declarative.plan import ACTIONS, Item
from msgprof_cli.output.report_view import ShownItem, counts, setup_counts, shown_items

Phase = Literal["plan", "apply"]


def item_dict(item: ShownItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "source": item.source,
        "id": item.profile_id,
        "action": item.action,
        "status": item.status,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in item.changes],
        "error": item.error.whole if item.error else None,
        "note": item.note,
        "setup": [
            {"kind": c.kind, "action": c.action, "key": c.key, "detail": c.detail, "result": c.result, "error": c.error}
            for c in item.setup
        ],
    }


def summary(items: Sequence[ShownItem], phase: Phase) -> dict[str, Any]:
    return {**counts(items, phase), "setup": setup_counts(items, phase)}


def build(items: Sequence[Item], phase: Phase) -> dict[str, Any]:
    shown = shown_items(items)
    return {"phase": phase, "items": [item_dict(i) for i in shown], "summary": summary(shown, phase)}


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
_SETUP_CHANGE: dict[str, Any] = {  # numbers, sender IDs, auto-responses (setup_plan.py), and any later kind
    "type": "object",
    "required": ["kind", "action", "key", "detail", "result", "error"],
    "properties": {
        "kind": {"type": "string", "examples": ["phone_number", "sender_id", "autoresp"]},
        "action": {"type": "string", "examples": ["assign", "move", "unassign", "add", "change", "remove"]},
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
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_SETUP_SUMMARY: dict[str, Any] = {
    "description": "setup changes by kind, then by action (after apply: done ones by action, and `failed`)",
    "type": "object",
    "additionalProperties": {"type": "object", "additionalProperties": _COUNT},
    "examples": [{"phone_number": {"assign": 1}, "autoresp": {"change": 1}}],
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
                "required": [*ACTIONS, "setup"],
                "properties": {**{a: _COUNT for a in ACTIONS}, "setup": _SETUP_SUMMARY},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
