"""``doctor``'s checklist for a person: one line per check, each failing line ending with the
command that fixes it.  It reads the same dicts that ``doctor --json`` prints, so the two cannot
say different things; render draws the (text, style) parts it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgprof_cli.output import cells

Parts = list[tuple[str, str]]

MARK = {"pass": "ok", "fail": "FAIL", "warn": "warn", "unknown": "?"}
STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "unknown": "cyan"}
WIDTH = max(len(m) for m in MARK.values())


def _check(check: dict[str, Any]) -> Parts:
    status = str(check.get("status"))
    parts: Parts = [
        (f"  {MARK.get(status, status):<{WIDTH}}  ", STYLE.get(status, "")),
        (f"{cells.visible(str(check.get('check')))}: {cells.visible(str(check.get('detail')))}", ""),
    ]
    if check.get("fix"):
        parts.append((f"  -> {cells.visible(str(check['fix']))}", "bold"))
    return parts


def _summary(checks: Sequence[dict[str, Any]]) -> str:
    counts = {s: sum(1 for c in checks if c.get("status") == s) for s in MARK}
    words = (("failed", "fail"), ("warning", "warn"), ("unknown", "unknown"), ("passed", "pass"))
    shown = [f"{counts[s]} {w}{'s' if w == 'warning' and counts[s] != 1 else ''}" for w, s in words if counts[s]]
    return ", ".join(shown)


def route_lines(report: dict[str, Any]) -> list[Parts]:
    """``doctor --from --to``: the route, every check, and a last line when nothing blocks."""
    country = report.get("destination_country") or "no country"
    head = f"{cells.visible(str(report.get('from')))} to {cells.visible(str(report.get('to')))} ({country})"
    lines: list[Parts] = [[(head, "bold")]]
    lines += [_check(c) for c in report.get("checks", [])]
    if report.get("ready"):
        lines.append([("ready: ", "green"), (f"nothing blocks this message ({_summary(report['checks'])})", "")])
    return lines


def profile_lines(reports: Sequence[dict[str, Any]]) -> list[Parts]:
    """``doctor -f``: per profile, the checks that do not pass (a count of those that do)."""
    lines: list[Parts] = []
    for report in reports:
        checks = report.get("checks", [])
        head = f"{cells.visible(str(report.get('profile')))}  [{cells.visible(str(report.get('source')))}]"
        verdict = ("ready", "green") if report.get("ready") else ("refused routes", "bold red")
        lines.append([(head, "bold"), ("  ", ""), verdict])
        lines += [_check(c) for c in checks if c.get("status") != "pass"]
        passed = sum(1 for c in checks if c.get("status") == "pass")
        lines.append([(f"  {passed} check{'s' if passed != 1 else ''} passed", "dim")])
    return lines
