"""issue 29's doctor rows: one route's requests, and `doctor --all` over 10,000 numbers beside the
listing of those numbers, against an API with 50 ms of latency per answer.

Until the sandbox serves the send-path endpoints, the API is tests/sendpath_api.py (the scripted
server doctor's tests use, spec-shaped) with ``latency`` = 0.05 s; the sandbox row replaces it once
it does.  Each command runs as a real process (python -m msgprof_cli), medians of ``--repeats``.

    .venv/bin/python bench/doctor_bench.py [--numbers 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sendpath_api import SendPathApi, assignment, brand, campaign, number, profile  # noqa: E402

P = "11111111-1111-4111-8111-111111111111"


def run(args: list[str], url: str) -> tuple[float, int]:
    env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "KEYbench0000000000000000", "NO_COLOR": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "msgprof_cli", *args], env=env, capture_output=True, text=True, check=False
    )
    return time.perf_counter() - start, done.returncode


def seed(api: SendPathApi, n: int, campaigns: int = 20, brands: int = 5) -> None:
    api.profiles[P] = profile(P, "Alerts")
    for i in range(n):
        phone = f"+1312{i:07d}"
        api.numbers.append(number(phone, P))
        api.assignments.append(assignment(phone, f"c-{i % campaigns}", brand=f"b-{i % brands}"))
    for i in range(campaigns):
        api.campaigns[f"c-{i}"] = campaign(f"c-{i}", brand=f"b-{i % brands}")
    for i in range(brands):
        api.brands[f"b-{i}"] = brand(f"b-{i}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--numbers", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    with SendPathApi() as api:
        seed(api, args.numbers)
        api.latency = args.latency
        rows = []
        api.received.clear()
        t, code = run(["doctor", "--from", "+13120000001", "--to", "+13125550123", "--json"], api.url)
        rows.append(
            (
                "one route, US long code to US (10DLC)",
                f"{len(api.received)} requests, {t:.2f} s",
                "≤ 6 requests",
                len(api.received) <= 6,
            )
        )
        lists, sweeps, counts = [], [], []
        for _ in range(args.repeats):
            lists.append(run(["numbers", "list", P, "--json"], api.url)[0])
            api.received.clear()
            t, code = run(["doctor", "--all", "--json"], api.url)
            sweeps.append(t)
            counts.append(len(api.received))
        listing, sweep = statistics.median(lists), statistics.median(sweeps)
        bound = 3 * math.ceil(args.numbers / 250) + len(api.campaigns) + len(api.brands)
        rows.append((f"numbers list PROFILE --json, {args.numbers} numbers", f"{listing:.2f} s", "", ""))
        rows.append(
            (
                f"doctor --all, {args.numbers} numbers (exit {code})",
                f"{sweep:.2f} s (+{sweep - listing:.2f} s)",
                "≤ listing + 2 s",
                sweep - listing <= 2,
            )
        )
        rows.append(("doctor --all requests", f"{max(counts)}", f"≤ {bound}", max(counts) <= bound))
    print(f"| what (API latency {args.latency * 1000:.0f} ms) | measured | target | met |")
    print("|---|---|---|---|")
    for what, measured, target, met in rows:
        print(f"| {what} | {measured} | {target} | {met if met != '' else ''} |")


if __name__ == "__main__":
    main()
