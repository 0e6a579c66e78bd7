"""Messaging metrics read for a person: totals, delivery rate, per-interval counts, sparklines.

The API documents metrics as free-form objects; this reads the shape the sandbox serves (and
Telnyx's documented examples): ``outbound {sent, delivered, failed}``, ``inbound {received}`` and
``intervals [{start, end, sent, delivered, failed, received}]``.  Missing counts read as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from msgprof_cli.output import cells

SPARKS = "▁▂▃▄▅▆▇█"
COUNTS = ("sent", "delivered", "failed", "received")


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0
    return max(0, int(value))


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Interval:
    start: str
    sent: int
    delivered: int
    failed: int
    received: int


@dataclass(frozen=True)
class Totals:
    sent: int
    delivered: int
    failed: int
    received: int

    @property
    def delivery_rate(self) -> float | None:
        """Delivered of sent, or None when nothing was sent."""
        return self.delivered / self.sent if self.sent else None


def intervals(data: dict[str, Any]) -> list[Interval]:
    out = []
    for i in data.get("intervals") or []:
        if not isinstance(i, dict):
            continue
        flat = {**_obj(i.get("outbound")), **i}
        inbound = _obj(i.get("inbound"))
        out.append(
            Interval(
                start=str(i.get("start") or i.get("timestamp") or ""),
                sent=_count(flat.get("sent")),
                delivered=_count(flat.get("delivered")),
                failed=_count(flat.get("failed")),
                received=_count(flat.get("received", inbound.get("received"))),
            )
        )
    return out


def totals(data: dict[str, Any]) -> Totals:
    """The answer's own totals; summed from the intervals when it gives none."""
    out, inb = _obj(data.get("outbound")), _obj(data.get("inbound"))
    if not isinstance(data.get("outbound"), dict):
        rows = intervals(data)
        return Totals(*(sum(getattr(r, k) for r in rows) for k in COUNTS))
    return Totals(
        _count(out.get("sent")), _count(out.get("delivered")), _count(out.get("failed")), _count(inb.get("received"))
    )


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1)))] for v in values)


def bar_cells(value: int, top: int, width: int) -> int:
    """How many cells of a ``width``-cell bar ``value`` fills when ``top`` fills all of it."""
    if top <= 0 or value <= 0:
        return 0
    return max(1, round(value / top * width))


def bar_split(sent: int, delivered: int, failed: int, top: int, width: int) -> tuple[int, int, int]:
    """Cells of delivered, failed and the rest of a bar where ``top`` fills all ``width`` cells.

    Scaled from the cumulative counts, so the parts never add up to more than the bar (rounding
    each part on its own could overshoot by a cell, and the failed part, drawn last, was cut).
    Any failure keeps at least one cell, taken from the delivered part if need be."""
    whole = max(sent, delivered + failed)
    if top <= 0 or whole <= 0 or width <= 0:
        return 0, 0, 0
    total = min(width, bar_cells(whole, max(top, whole), width))
    good = min(total, round(delivered / max(top, whole) * width))
    bad = min(total, round((delivered + failed) / max(top, whole) * width)) - good
    if failed and not bad:
        bad = 1
        good = min(good, total - 1)
    return good, bad, total - good - bad


def short_time(iso: str) -> str:
    """2026-11-29T04:00:00Z -> 11-29 04:00 (the year and seconds add nothing per interval)."""
    if len(iso) >= 16 and iso[4] == "-" and iso[10] in "T ":
        return f"{iso[5:10]} {iso[11:16]}"
    return iso


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


@dataclass(frozen=True)
class Metrics:
    """One profile's metrics as a person reads them."""

    ident: str
    frame: str
    totals: Totals
    intervals: list[Interval]


def read(data: dict[str, Any]) -> Metrics:
    ident = cells.visible(str(data.get("messaging_profile_id") or ""))
    frame = cells.visible(str(data.get("time_frame") or ""))
    return Metrics(ident, frame, totals(data), intervals(data))


def head(total: Totals) -> str:
    return (
        f"sent {total.sent}  delivered {total.delivered} ({percent(total.delivery_rate)})"
        f"  failed {total.failed}  received {total.received}"
    )


def plain_lines(m: Metrics) -> list[str]:
    """Totals and the delivery rate first, then each interval, as plain text."""
    lines = [f"profile {m.ident}  time frame {m.frame}", head(m.totals)]
    if m.intervals:
        table = [[r.start, r.sent, r.delivered, r.failed, r.received] for r in m.intervals]
        text = [[cells.visible(str(v)) for v in row] for row in table]
        lines.append(cells.plain_table(["interval", "sent", "delivered", "failed", "received"], text))
    return lines


KNOWN = {"outbound_sent", "outbound_delivered", "outbound_failed"}


def summary_table(items: list[dict[str, Any]], *, wide: bool) -> tuple[list[str], list[list[Any]]]:
    """Every profile's totals, one row each.  A shape this does not know is shown whole.  Not
    ``wide`` (a terminal below 100 columns): sent, failed and the rate (delivered is what the rate
    says; ``metrics ID`` has it), so that the name, not the numbers, gets the room."""
    if items and not all(KNOWN & set(i) for i in items):
        cols = sorted({k for i in items for k in i}, key=lambda k: (k != "messaging_profile_id", k != "name", k))
        return cols, [[i.get(c) for c in cols] for i in items]
    columns = ["id", "name", "sent", "delivered", "failed", "rate", "received"]
    columns = columns if wide else ["id", "name", "sent", "failed", "rate"]
    rows = []
    for i in items:
        sent, done = i.get("outbound_sent") or 0, i.get("outbound_delivered") or 0
        counted = isinstance(sent, int) and sent > 0 and isinstance(done, int)
        value = {
            "id": i.get("messaging_profile_id"),
            "name": i.get("name"),
            "sent": sent,
            "delivered": done,
            "failed": i.get("outbound_failed") or 0,
            "rate": percent(done / sent if counted else None),
            "received": i.get("inbound_received") or 0,
        }
        rows.append([value[c] for c in columns])
    return columns, rows
