"""Messaging metrics: seeded per profile and time frame, or generated as demo data.

A seeded entry (the state file's ``metrics`` list) is
``{"messaging_profile_id": ID, "time_frame": "24h", "intervals": [INTERVAL, ...]}`` where an
interval is ``{"start": ISO, "end": ISO, "sent": N, "delivered": N, "failed": N, "received": N}``.
The answer for a profile carries those intervals and their totals; a profile without an entry
for the asked time frame gets zeros and no intervals.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from typing import Any

from msgprof_cli.sandbox.errors import bad_parameter
from msgprof_cli.sandbox.listing import page, paging
from msgprof_cli.sandbox.profiles import get as get_profile
from msgprof_cli.sandbox.state import State

# time frame -> (number of intervals, interval length)
TIME_FRAMES: dict[str, tuple[int, timedelta]] = {
    "1h": (12, timedelta(minutes=5)),
    "3h": (12, timedelta(minutes=15)),
    "24h": (24, timedelta(hours=1)),
    "3d": (18, timedelta(hours=4)),
    "7d": (14, timedelta(hours=12)),
    "30d": (30, timedelta(days=1)),
}
COUNTS = ("sent", "delivered", "failed", "received")


def time_frame(query: dict[str, str]) -> str:
    tf = query.get("time_frame", "24h")
    if tf not in TIME_FRAMES:
        raise bad_parameter("time_frame", f"time_frame must be one of {', '.join(TIME_FRAMES)}")
    return tf


def _intervals(state: State, profile_id: str, tf: str) -> list[dict[str, Any]]:
    entry = next(
        (m for m in state.metrics if m.get("messaging_profile_id") == profile_id and m.get("time_frame") == tf), None
    )
    return [dict(i) for i in entry.get("intervals", [])] if entry else []


def _totals(intervals: list[dict[str, Any]]) -> dict[str, int]:
    return {k: sum(int(i.get(k, 0)) for i in intervals) for k in COUNTS}


def profile_metrics(state: State, profile_id: str, query: dict[str, str]) -> dict[str, Any]:
    tf = time_frame(query)
    with state.lock:
        get_profile(state, profile_id)
        numbers = sum(1 for x in state.related["phone_numbers"] if x.get("messaging_profile_id") == profile_id)
        intervals = _intervals(state, profile_id, tf)
    t = _totals(intervals)
    return {
        "data": {
            "messaging_profile_id": profile_id,
            "time_frame": tf,
            "phone_numbers": numbers,
            "outbound": {"sent": t["sent"], "delivered": t["delivered"], "failed": t["failed"]},
            "inbound": {"received": t["received"]},
            "intervals": intervals,
        }
    }


def all_metrics(state: State, query: dict[str, str]) -> dict[str, Any]:
    tf = time_frame(query)
    number, size = paging(query)
    with state.lock:
        items = []
        for p in state.profiles.values():
            t = _totals(_intervals(state, p["id"], tf))
            items.append(
                {
                    "messaging_profile_id": p["id"],
                    "name": p.get("name"),
                    "time_frame": tf,
                    "outbound_sent": t["sent"],
                    "outbound_delivered": t["delivered"],
                    "outbound_failed": t["failed"],
                    "inbound_received": t["received"],
                }
            )
    return page(items, number, size)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def demo_series(now: float, tf: str, rng: random.Random, volume: int) -> list[dict[str, Any]]:
    """Plausible traffic: a daily rhythm, ~95% delivered, a bad interval now and then."""
    count, step = TIME_FRAMES[tf]
    step_s = step.total_seconds()
    end = datetime.fromtimestamp(math.floor(now / step_s) * step_s, timezone.utc)
    out = []
    for i in range(count, 0, -1):
        start = end - i * step
        hour = start.hour + start.minute / 60
        rhythm = 0.35 + 0.65 * max(0.0, math.sin(math.pi * (hour - 6) / 16)) if 6 <= hour <= 22 else 0.35
        sent = int(volume * (step_s / 3600) * rhythm * rng.uniform(0.8, 1.2))
        fail_share = rng.uniform(0.15, 0.3) if rng.random() < 0.08 else rng.uniform(0.005, 0.04)
        failed = int(sent * fail_share)
        received = int(sent * rng.uniform(0.1, 0.3))
        row = {"start": _iso(start), "end": _iso(start + step), "sent": sent, "delivered": sent - failed}
        out.append({**row, "failed": failed, "received": received})
    return out


def seed_demo(state: State, now: float, seed: int | None) -> None:
    """Metrics for every time frame of every profile that has none yet."""
    rng = random.Random(seed if seed is not None else 0)
    with state.lock:
        seeded = {m.get("messaging_profile_id") for m in state.metrics}
        for n, profile in enumerate(state.profiles.values()):
            if profile["id"] in seeded:
                continue
            volume = (400, 90, 1500)[n % 3]
            for tf in TIME_FRAMES:
                state.metrics.append(
                    {
                        "messaging_profile_id": profile["id"],
                        "time_frame": tf,
                        "intervals": demo_series(now, tf, rng, volume),
                    }
                )
        state.save()
