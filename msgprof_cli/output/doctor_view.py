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
    """``doctor --from --to``: the route, every check, and a last line when nothing blocks.
    A ``--message`` report (it has ``causes``) and an ``--all`` one (``senders``) are drawn by
    their own functions: render hands every doctor dict to this one."""
    if "causes" in report:
        return message_lines(report)
    if "senders" in report:
        return sweep_lines(report)
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


CAUSE_MARK = {"remains": ("FAIL", "bold red"), "gone": ("gone", "green"), "unknown": ("?", "cyan")}


def message_lines(report: dict[str, Any]) -> list[Parts]:
    """``doctor --message``: the message, each error's cause now, then the route's checks."""
    status = report.get("status") or "no status"
    head = (
        f"message {cells.visible(str(report.get('message')))}: {cells.visible(str(report.get('from')))} to "
        f"{cells.visible(str(report.get('to')))}, {cells.visible(str(status))}"
    )
    lines: list[Parts] = [[(head, "bold")]]
    if not report.get("causes"):
        lines.append([("  no error codes", "dim")])
    for cause in report.get("causes", []):
        mark, style = CAUSE_MARK.get(str(cause.get("cause")), ("?", "cyan"))
        code = cells.visible(str(cause.get("code") or "-"))
        title = cells.visible(str(cause.get("title") or ""))
        check = cause.get("check")
        parts: Parts = [
            (f"  {mark:<{WIDTH}}  ", style),
            (f"{code} {title}".rstrip() + (f" [{cells.visible(str(check))}]" if check else "") + ": ", "bold"),
            (cells.visible(str(cause.get("detail"))), ""),
        ]
        if cause.get("fix"):
            parts.append((f"  -> {cells.visible(str(cause['fix']))}", "bold"))
        lines.append(parts)
    if report.get("checks"):
        lines.append([("the route now:", "dim")])
        lines += [_check(c) for c in report["checks"]]
    if report.get("ready"):
        verdict = "delivered" if report.get("status") == "delivered" else "no cause remains"
        lines.append([("ready: ", "green"), (verdict, "")])
    return lines


def sweep_lines(report: dict[str, Any]) -> list[Parts]:
    """``doctor --all``: ready and blocked counts, each cause with its numbers and its fix."""
    total, ready = report.get("numbers", 0), report.get("ready_count", 0)
    scope = f" of {cells.visible(str(report['profile']))}" if report.get("profile") else ""
    lines: list[Parts] = [
        [
            (f"{total} messaging number{'s' if total != 1 else ''}{scope}: ", "bold"),
            (f"{ready} ready", "green"),
            (", ", ""),
            (f"{report.get('blocked_count', 0)} blocked", "bold red" if report.get("blocked_count") else ""),
        ]
    ]
    for group in report.get("blocked", []):
        lines.append(
            [
                (f"  {MARK['fail']:<{WIDTH}}  ", STYLE["fail"]),
                (f"{cells.visible(str(group['cause']))} ({group['count']}): ", "bold"),
                (_numbers(group["numbers"]), ""),
            ]
        )
        if group.get("fix"):
            lines.append([(f"        -> {cells.visible(str(group['fix']))}", "bold")])
    for group in report.get("unknown", []):
        lines.append(
            [
                (f"  {MARK['unknown']:<{WIDTH}}  ", STYLE["unknown"]),
                (f"{cells.visible(str(group['cause']))} ({group['count']}): ", ""),
                (_numbers(group["numbers"]), ""),
            ]
        )
    return lines


def _numbers(numbers: Sequence[Any], shown: int = 10) -> str:
    out = ", ".join(cells.visible(str(n)) for n in numbers[:shown])
    return out + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")
