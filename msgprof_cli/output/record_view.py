"""One record (a profile, a number's settings, a sender ID, an auto-response, an order) as a
person reads it: pure functions from the record to lines, drawn by ``Renderer.record``.

At a terminal, its id and name first, then each section as one entry, and the fields still at
their defaults folded into one line (``--all-fields`` shows them), so that create and get fit a
24-row screen; in a pipe, every field, one a line (``key_value_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from msgprof_cli.output import cells, profile_view, tables, views
from msgprof_cli.secrets import mask

ID_COLUMNS = ("id", "messaging_profile_id")
KEY_COLUMN = 26  # the widest key that sets the plain key column (daily_spend_limit_enabled is 25)


@dataclass(frozen=True)
class ShownRecord:
    title: str
    rows: list[tuple[views.Row, str]]  # each row and its value as text (a secret masked)
    folded: list[str]  # the fields at their defaults, not shown one a line

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(r.field, v) for r, v in self.rows]


def shown(kind: str, record: dict[str, Any], *, show_secrets: bool = False, all_fields: bool = False) -> ShownRecord:
    """The record in its own view (``views.KINDS``), values as text, secrets masked unless asked."""
    view = views.view(kind, record, all_fields=all_fields)
    rows = []
    for row in view.rows:
        value = row.value
        if row.field in profile_view.SECRET_FIELDS and not show_secrets and value:
            value = mask(str(value))
        rows.append((row, cells.text(value)))
    return ShownRecord(view.title, rows, list(view.folded))


def key_value_text(rows: Sequence[tuple[str, str]]) -> str:
    """key  value lines; the key column fits the keys up to KEY_COLUMN cells, and a longer key
    (a nested path such as url_shortener_settings.replace_blacklist_only) just pushes its own
    value right, so an id row stays narrow enough for 80 columns in ``| head``."""
    width = max((cells.width(k) for k, _ in rows if cells.width(k) <= KEY_COLUMN), default=0)
    lines = []
    for k, v in rows:
        parts = v.split("\n")
        lines.append(f"{cells.ljust(k, width)}  {parts[0]}".rstrip())
        lines.extend(f"{'':{width}}  {p}" for p in parts[1:])
    return "\n".join(lines)


def lines(record: ShownRecord, width: int, *, every: bool) -> list[tables.Line]:
    return record_lines(record.rows, record.folded, width, every=every)


def record_lines(rows: list[tuple[views.Row, str]], folded: list[str], width: int, *, every: bool) -> list[tables.Line]:
    """A record as key/value lines, its id and name first.  By default each section is one
    entry (``number pool  long_code_weight: 1; toll_free_weight: 10``), so that even a profile
    with every field set fits a 24-row screen, and the fields at their defaults are counted on
    one line.  ``every`` (--all-fields): each field on its own row under its section's heading,
    defaults dimmed."""
    entries: list[tuple[str, str | None, str]]  # (key, value or None for a heading, role)
    if every:
        entries = []
        section = ""
        for row, value in rows:
            if row.section != section:
                section = row.section
                entries.append((section, None, "section"))
            label = ("  " if row.section else "") + row.label
            entries.append((label, value, _role(row)))
    else:
        entries = [(row.label, value, _role(row)) for row, value in rows if not row.section]
        sections: dict[str, list[str]] = {}
        for row, value in rows:
            if row.section:
                sections.setdefault(row.section, []).append(f"{row.label}: {value.replace(chr(10), ', ')}")
        # "; " joins the fields, and "\n" marks where a field may start a new line (_packed)
        entries += [(title, ";\n".join(parts), "") for title, parts in sections.items()]
    labels = [label for label, text, _ in entries if text is not None]
    # The key column leaves room for a UUID beside it; a longer key pushes its own value right.
    key_width = min(max((cells.width(k) for k in labels), default=0), max(8, width - tables.GAP - 36))
    out: list[tables.Line] = []
    for label, text, role in entries:
        if text is None:
            out.append([(label, role)])
        else:
            out += _entry_lines(label, text, role, key_width, width)
    if folded:  # one line: the names when they fit, else how many
        text = f"at their defaults: {', '.join(folded)} (--all-fields shows them)"
        if cells.width(text) > width:
            text = f"{len(folded)} fields at their defaults (--all-fields shows them)"
        out += [[(line, "dim")] for line in cells.wrap(text, width)]
    return out


def _role(row: views.Row) -> str:
    return "id" if row.field in ID_COLUMNS or row.field == "order_id" else ("dim" if row.default else "")


def _entry_lines(label: str, value: str, role: str, key_width: int, width: int) -> list[tables.Line]:
    """One key and its value, wrapped beside the key; below it, indented, when the key is too
    wide or leaves too little room for the value's ids and URLs."""
    room = width - key_width - tables.GAP
    pushed = cells.width(label) + tables.GAP + cells.width(value)  # a long key pushes its value right
    if cells.width(label) > key_width and "\n" not in value and pushed <= width:
        return [[(label, "key"), (" " * tables.GAP, ""), (value, role)]]
    if cells.width(label) > key_width or room < max(tables.FLEX_MIN, _widest_protected(value)):
        return [[(label, "key")], *([("    ", ""), (text, role)] for text in _packed(value, width - 4))]
    out: list[tables.Line] = []
    for n, text in enumerate(_packed(value, room)):
        key = label if n == 0 else ""
        pad = " " * (key_width - cells.width(key) + tables.GAP)
        out.append([(key, "key"), (pad, ""), (text, role)] if text else [(key, "key")])
    return out


def _packed(value: str, room: int) -> list[str]:
    """``value``'s lines wrapped to ``room`` cells, each line's pieces (a section's fields, one a
    line) kept whole on one line when they fit: ``created_at: 2026-...`` is not split at its colon."""
    lines: list[str] = []
    current = ""
    for part in value.split("\n"):
        if current and cells.width(current) + 1 + cells.width(part) <= room:
            current += " " + part
            continue
        if current:
            lines.append(current)
        *whole, current = tables.wrap(part, room) if cells.width(part) > room else [part]
        lines += whole
    lines.append(current)
    return lines


def _widest_protected(value: str) -> int:
    return max((cells.width(t) for t in value.split() if tables.protected(t)), default=0)
