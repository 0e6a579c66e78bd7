"""What every list and every record shares: paging parameters, the page envelope, timestamps."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from msgprof_cli.sandbox.errors import HttpError, api_error
from msgprof_cli.sandbox.state import now_iso

MAX_PAGE_SIZE = 250


def later(previous: str) -> str:
    """A new updated_at that is always after the previous one, even within the same millisecond."""
    now = now_iso()
    if now > previous:
        return now
    ts = datetime.fromisoformat(previous.replace("Z", "+00:00")).timestamp() + 0.001
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def int_param(query: dict[str, str], name: str, default: int, lo: int, hi: int | None, status: int = 400) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(
            status, [api_error("10015", "Invalid parameter", f"{name} must be an integer", parameter=name)]
        ) from None
    if value < lo or (hi is not None and value > hi):
        limit = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise HttpError(status, [api_error("10015", "Invalid parameter", f"{name} must be {limit}", parameter=name)])
    return value


def paging(query: dict[str, str], status: int = 400, lenient: bool = False) -> tuple[int, int]:
    """(page number, page size); ``status`` is what the endpoint's spec documents for a bad value.

    ``lenient``: the endpoint's spec types both as bare integers, with no bounds (the sender-ID
    lists), so any integer is served: a page number below 1 is the first page, a size below 1 the
    default, and a size past MAX_PAGE_SIZE is taken as given."""
    if lenient:
        number = int_param(query, "page[number]", 1, -(2**63), None, status)
        size = int_param(query, "page[size]", 20, -(2**63), None, status)
        return max(1, number), size if size >= 1 else 20
    return (
        int_param(query, "page[number]", 1, 1, None, status),
        int_param(query, "page[size]", 20, 1, MAX_PAGE_SIZE, status),
    )


def enum_param(query: dict[str, str], name: str, allowed: tuple[str, ...], status: int = 400) -> str | None:
    value = query.get(name)
    if value is not None and value not in allowed:
        raise HttpError(
            status,
            [api_error("10015", "Invalid parameter", f"{name} must be one of {', '.join(allowed)}", parameter=name)],
        )
    return value


def page(items: list[dict[str, Any]], number: int, size: int) -> dict[str, Any]:
    total = len(items)
    start = (number - 1) * size
    return {
        "data": items[start : start + size],
        "meta": {
            "page_number": number,
            "page_size": size,
            "total_results": total,
            "total_pages": max(1, math.ceil(total / size)),
        },
    }
