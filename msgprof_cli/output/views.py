"""One view per record type: which fields come first, how they group, what counts as a default.

Pure data (no rich, no printing): ``render.py`` draws the rows.  Every view starts with the
record's own id and its name (or what names it: the number, the sender ID, the keywords), so the
two lines a person looks for are at the top of the screen.  Fields still at their defaults fold
into one line (``--all-fields`` shows each of them on its own row); the rest keep their place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from msgprof_cli.output import profile_view


@dataclass(frozen=True)
class Kind:
    title: str  # what the record is called: "auto-response"
    id_field: str  # the record's own id
    name_field: str | None  # what names it, shown second
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (title, fields) after id and name
    defaults: tuple[tuple[str, Any], ...] = ()  # field -> the API's default value


META = ("metadata", ("record_type", "organization_id", "created_at", "updated_at"))

KINDS: dict[str, Kind] = {
    "number": Kind(
        "phone number",
        "id",
        "phone_number",
        (
            ("number", ("messaging_profile_id", "type", "country_code", "messaging_product", "traffic_type")),
            ("capabilities", ("eligible_messaging_products", "features", "health", "tags")),
            META,
        ),
        (("tags", []),),
    ),
    "sender_id": Kind(
        "sender ID",
        "id",
        "alphanumeric_sender_id",
        (("sender ID", ("messaging_profile_id", "us_long_code_fallback")), META),
    ),
    "autoresp": Kind(
        "auto-response",
        "id",
        "keywords",
        (("auto-response", ("op", "country_code", "resp_text", "messaging_profile_id")), META),
    ),
    "bulk_order": Kind(
        "bulk number order",
        "order_id",
        None,
        (("numbers", ("messaging_profile_id", "success", "pending", "failed")), META),
        (("success", []), ("pending", []), ("failed", [])),
    ),
    "twin": Kind(
        "twin profile",
        "id",
        "name",
        (("twin", ("created_at", "whitelisted_destinations", "enabled")), META),
    ),
}


@dataclass(frozen=True)
class Row:
    section: str  # "" for the id and name at the top
    field: str  # dotted path: number_pool_settings.long_code_weight
    label: str
    value: Any
    default: bool


@dataclass(frozen=True)
class View:
    title: str
    rows: list[Row]  # what is shown, one row each
    folded: list[str]  # fields at their defaults, named on one line (empty with all_fields)


def view(kind: str, record: dict[str, Any], *, all_fields: bool = False) -> View:
    """The rows of ``record`` as a ``kind`` (profile, number, sender_id, autoresp, bulk_order,
    twin); every field once, unknown fields at the end of the last section."""
    rows = list(_profile_rows(record) if kind == "profile" else _rows(KINDS[kind], record))
    title = "messaging profile" if kind == "profile" else KINDS[kind].title
    if all_fields:
        return View(title, rows, [])
    shown = [r for r in rows if not r.default or not r.section]
    return View(title, shown, [r.field for r in rows if r.default and r.section])


def _profile_rows(profile: dict[str, Any]) -> Iterator[Row]:
    head = [f for f in ("id", "name") if f in profile]
    for f in head:
        yield Row("", f, f, profile[f], False)
    for r in profile_view.rows(profile):
        if r.field not in head:
            yield Row(r.section, r.field, r.label, r.value, r.default)


def _rows(kind: Kind, record: dict[str, Any]) -> Iterator[Row]:
    head = [f for f in (kind.id_field, kind.name_field) if f and f in record]
    for f in head:
        yield Row("", f, f, record[f], False)
    named = set(head) | {f for _, fields in kind.sections for f in fields}
    defaults = dict(kind.defaults)
    last = kind.sections[-1][0]
    for title, fields in kind.sections:
        extra = [k for k in record if k not in named] if title == last else []
        for f in (*fields, *extra):
            if f in record:
                value = record[f]
                default = value is None or value in ("", [], {}) or (f in defaults and value == defaults[f])
                yield Row(title, f, f, value, default)
