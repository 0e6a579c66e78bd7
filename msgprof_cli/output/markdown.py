"""The plan as Markdown for a pull request: a summary line, then a collapsible section per profile.

Made for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment (the habit of Atlantis and tfcmt).
Values are secret-masked by the plan (``Item.shown``), escaped for HTML (GitHub renders
``<details>`` as HTML, so a name like ``</details><script>`` must stay text), with ``|`` escaped
inside tables and control characters shown as escapes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from msgprof_cli.output.cells import visible

SIGN = {"create": "+", "update": "~", "delete": "-", "unchanged": "=", "failed": "!"}
VERB = {
    "create": "to create",
    "update": "to update",
    "delete": "to delete",
    "unchanged": "unchanged",
    "failed": "failed",
}


def _text(value: str) -> str:
    return html.escape(visible(value), quote=False).replace("|", "&#124;")


def _value(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return f"<code>{_text(shown)}</code>"


def summary_line(items: Sequence[Any]) -> str:
    counts = {k: sum(1 for i in items if i.action == k) for k in VERB}
    if not counts["delete"]:
        del counts["delete"]
    line = ", ".join(f"{n} {VERB[k]}" for k, n in counts.items())
    # what the failed items were planned to do: "1 failed (1 create)", so a failed create is not lost
    meant = [getattr(i, "intended", None) for i in items if i.action == "failed"]
    kinds = {k: meant.count(k) for k in ("create", "update") if k in meant}
    return line + (" (" + ", ".join(f"{n} {k}" for k, n in kinds.items()) + ")" if kinds else "")


def _section(item: Any) -> list[str]:
    ident = f" <code>{_text(item.profile_id)}</code>" if item.profile_id else ""
    head = (
        f"<summary><code>{SIGN[item.action]}</code> <b>{item.action}</b> {_text(item.name)}{ident}"
        f" <sub>{_text(item.desired.source)}</sub></summary>"
    )
    lines = ["<details open>" if item.action == "failed" else "<details>", head, ""]
    planned = getattr(item, "intended", None) or item.action  # a failed create lists its fields with +
    if item.changes and planned in ("create", "update"):
        lines += ["| | field | before | after |", "|---|---|---|---|"]
        for c in item.changes:
            old = "" if planned == "create" else _value(item.shown(c.path, c.old))
            sign = "+" if planned == "create" else "~"
            lines.append(f"| `{sign}` | <code>{_text(c.field)}</code> | {old} | {_value(item.shown(c.path, c.new))} |")
    lines += _setup_rows(item)
    if item.note:
        lines.append(f"\n{_text(item.note)}")
    if item.error is not None:
        hint = f" (hint: {_text(item.error.hint)})" if item.error.hint else ""
        lines.append(f"\n**Error:** {_text(item.error.message)}{hint}")
    return [*lines, "", "</details>", ""]


def _setup_rows(item: Any) -> list[str]:
    """Numbers, sender IDs and auto-responses the plan changes (reconcile_setup), removals first."""
    plan = getattr(item, "setup", None)
    if plan is None or not plan.changes:
        return []
    rows = ["", "| | setup | what | detail |", "|---|---|---|---|"]
    signs = {"unassign": "-", "remove": "-", "change": "~", "move": ">", "assign": "+", "add": "+"}
    for c in plan.changes:
        rows.append(f"| `{signs[c.action]}` | {c.action} {c.kind} | <code>{_text(c.key)}</code> | {_text(c.detail)} |")
    return rows


def _has_setup(item: Any) -> bool:
    plan = getattr(item, "setup", None)
    return plan is not None and bool(plan.changes)


def plan_markdown(items: Sequence[Any], *, title: str = "msgprof plan") -> str:
    """The whole plan; unchanged profiles are listed on one line, not given a section each."""
    lines = [f"### {title}: {summary_line(items)}", ""]
    for item in items:
        if item.action != "unchanged" or _has_setup(item):
            lines += _section(item)
    same = [i for i in items if i.action == "unchanged" and not _has_setup(i)]
    if same:
        lines.append("Unchanged: " + ", ".join(f"{_text(i.name)}" for i in same))
    if not items:
        lines.append("No profiles in the given files.")
    return "\n".join(lines).rstrip() + "\n"
