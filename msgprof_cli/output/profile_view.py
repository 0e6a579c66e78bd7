"""How a profile is laid out for a person: sections, nested settings as their own rows, defaults.

Pure data (no rich, no printing): ``render.py`` draws these rows as a table at a terminal and as
aligned text elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from msgprof_cli.output.cells import visible

# (title, nested object or None, fields in order).  Fields not named anywhere go to "metadata".
SECTIONS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("profile", None, ("id", "name", "enabled", "whitelisted_destinations", "v1_secret")),
    ("webhooks", None, ("webhook_url", "webhook_failover_url", "webhook_api_version", "health_webhook_url")),
    (
        "sending",
        None,
        (
            "alpha_sender",
            "daily_spend_limit",
            "daily_spend_limit_enabled",
            "mms_fall_back_to_sms",
            "mms_transcoding",
            "mobile_only",
            "smart_encoding",
            "redaction_enabled",
            "redaction_level",
        ),
    ),
    (
        "number pool",
        "number_pool_settings",
        ("long_code_weight", "toll_free_weight", "skip_unhealthy", "sticky_sender", "geomatch"),
    ),
    ("URL shortener", "url_shortener_settings", ("domain", "prefix", "replace_blacklist_only", "send_webhooks")),
    (
        "metadata",
        None,
        ("ai_assistant_id", "resource_group_id", "organization_id", "record_type", "created_at", "updated_at"),
    ),
)

# The API's documented defaults (the official spec's `default:` values); shown dimmed, because a
# person reads the few fields that were set, not the many that were left alone.
DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "webhook_api_version": "2",
    "webhook_url": "",
    "webhook_failover_url": "",
    "mms_fall_back_to_sms": False,
    "mms_transcoding": False,
    "mobile_only": False,
    "smart_encoding": False,
    "redaction_enabled": False,
    "redaction_level": 2,
    "number_pool_settings.geomatch": False,
    "number_pool_settings.sticky_sender": False,
}
SECRET_FIELDS = ("v1_secret",)


@dataclass(frozen=True)
class Row:
    section: str
    field: str  # the dotted path: number_pool_settings.long_code_weight
    label: str  # what the grouped view shows: long_code_weight
    value: Any
    default: bool  # the API's default, or not set


def is_default(path: str, value: Any) -> bool:
    if value is None or value == [] or value == {}:
        return True
    return path in DEFAULTS and value == DEFAULTS[path] and type(value) is type(DEFAULTS[path])


def rows(profile: dict[str, Any]) -> Iterator[Row]:
    """Every field of the profile, once, in section order; unknown fields end up in metadata."""
    named = {f for _, nested, fields in SECTIONS if nested is None for f in fields}
    named |= {nested for _, nested, _ in SECTIONS if nested}
    for title, nested, fields in SECTIONS:
        if nested is not None:
            if nested in profile:
                yield from _nested_rows(title, nested, fields, profile[nested])
            continue
        extra = tuple(k for k in profile if k not in named) if title == "metadata" else ()
        for name in (*fields, *extra):
            if name in profile:
                yield Row(title, name, name, profile[name], is_default(name, profile[name]))


def _nested_rows(title: str, nested: str, fields: tuple[str, ...], value: Any) -> Iterator[Row]:
    if not isinstance(value, dict):  # null (not set) or something odd: one row for the object
        yield Row(title, nested, nested, value, value is None)
        return
    for name in (*fields, *(k for k in value if k not in fields)):
        if name in value:
            path = f"{nested}.{name}"
            yield Row(title, path, name, value[name], is_default(path, value[name]))


def list_table(profiles: list[dict[str, Any]], *, tty: bool, width: int) -> tuple[list[str], list[list[Any]]]:
    """id, name, enabled, destinations, created; below 100 columns a terminal drops created
    (get shows it) so that the name has room and nothing is cut."""
    dated = not tty or width >= 100
    columns = ["id", "name", "enabled", "destinations"] + (["created"] if dated else [])
    length = 16 if tty else 19  # plain text keeps the seconds
    rows = []
    for p in profiles:
        row = [p.get("id"), p.get("name"), p.get("enabled"), p.get("whitelisted_destinations") or []]
        rows.append(row + ([_created(p.get("created_at"), length)] if dated else []))
    return columns, rows


def _created(value: Any, length: int) -> str:
    """2026-11-29T04:03:37.123Z cut to the date (10), minutes (16) or seconds (19)."""
    return visible(str(value or ""))[:length].replace("T", " ")
