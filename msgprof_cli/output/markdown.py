"""The plan as Markdown for a pull request: a summary line, then a collapsible section per profile.

Made for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment (the habit of Atlantis and tfcmt).
Its headline is what a reviewer reads first, so it tells the whole change in one line: the
profiles, then the setup changes by kind (``report_view.summary_line``).  Drawn from
``ShownItem`` (output/report_view.py), whose secrets are hidden already; escaped for HTML (GitHub
renders ``<details>`` as HTML, so a name like ``</details><script>`` must stay text), with ``|``
escaped inside tables and control characters shown as escapes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from msgprof_cli.output.cells import visible
from msgprof_cli.output.report_view import SETUP_SIGNS, SIGN, ShownItem, noun, summary_line


def _text(value: str) -> str:
    return html.escape(visible(value), quote=False).replace("|", "&#124;")


def _value(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return f"<code>{_text(shown)}</code>"


def _section(item: ShownItem) -> list[str]:
    ident = f" <code>{_text(item.profile_id)}</code>" if item.profile_id else ""
    word = item.heading  # a profile whose only changes are setup changes is headed "setup"
    head = (
        f"<summary><code>{SIGN[word]}</code> <b>{word}</b> {_text(item.name)}{ident}"
        f" <sub>{_text(item.source)}</sub></summary>"
    )
    lines = ["<details open>" if item.action == "failed" else "<details>", head, ""]
    if item.changes and item.planned in ("create", "update"):
        lines += ["| | field | before | after |", "|---|---|---|---|"]
        for c in item.changes:
            old = "" if item.planned == "create" else _value(c.old)
            sign = "+" if item.planned == "create" else "~"
            lines.append(f"| `{sign}` | <code>{_text(c.field)}</code> | {old} | {_value(c.new)} |")
    setup = _setup_rows(item)
    lines += setup[1:] if lines[-1] == "" else setup  # one blank line before its table
    if item.note:
        lines.append(f"\n{_text(item.note)}")
    if item.error is not None:
        hint = f" (hint: {_text(item.error.hint)})" if item.error.hint else ""
        lines.append(f"\n**Error:** {_text(item.error.message)}{hint}")
    return [*lines, "", "</details>", ""]


def _setup_rows(item: ShownItem) -> list[str]:
    """Numbers, sender IDs and auto-responses the plan changes, removals first."""
    if not item.setup:
        return []
    rows = ["", "| | setup | what | detail |", "|---|---|---|---|"]
    for c in item.setup:
        sign = SETUP_SIGNS.get(c.action, "~")
        rows.append(
            f"| `{sign}` | {_text(c.action)} {_text(noun(c.kind))} | <code>{_text(c.key)}</code> | {_text(c.detail)} |"
        )
    return rows


def plan_markdown(items: Sequence[ShownItem], *, title: str = "msgprof plan") -> str:
    """The whole plan; its headline tells the whole change (profiles, then setup changes by kind),
    and unchanged profiles are listed on one line, not given a section each."""
    lines = [f"### {title}: {summary_line(items, 'plan')}", ""]
    for item in items:
        if item.heading != "unchanged":
            lines += _section(item)
    same = [i for i in items if i.heading == "unchanged"]
    if same:
        lines.append("Unchanged: " + ", ".join(f"{_text(i.name)}" for i in same))
    if not items:
        lines.append("No profiles in the given files.")
    return "\n".join(lines).rstrip() + "\n"
