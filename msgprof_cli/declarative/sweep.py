"""``doctor --all``: every messaging number of the account (or of one profile) as a sender to its
own country, and a summary: ready, or blocked by cause, with counts, the numbers and one fix per
cause.

Per number (no request of its own): on a profile; domestic SMS features; its messaging product;
a US long code's 10DLC assignment, campaign and brand; a US or Canadian toll-free number's
verification.  With ``--profile``, the profile too (enabled, its own country whitelisted).

Cost grows with pages, not numbers: the numbers, the 10DLC assignments and the toll-free
verification requests are each listed page by page (the three listings side by side, each one's
pages side by side), then each campaign and each brand they name is read once:
``3 × ⌈N/250⌉ + campaigns + brands`` requests at most.  Hosted numbers are not swept: listing them
would be a fourth listing (``doctor --from`` checks one).

This module decides; it prints nothing, exits nothing and builds no URL.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from msgprof_cli.declarative import registration
from msgprof_cli.declarative.doctor import (
    PLACEHOLDER,
    Check,
    Fix,
    _enabled,
    _label,
    _product,
    _whitelisted,
    registration_kind,
    route_features,
)
from msgprof_cli.document import numbering

if TYPE_CHECKING:
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.api.records import NumberSettings
    from msgprof_cli.api.sendpath import SendPathOperations

JSON = dict[str, Any]


@dataclass
class Sender:
    number: str
    country: str | None
    checks: list[Check]

    @property
    def ready(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)


@dataclass
class Sweep:
    profile: str | None
    senders: list[Sender] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(s.ready for s in self.senders)

    def to_dict(self, command: Callable[[Fix], str]) -> JSON:
        blocked: dict[str, list[str]] = {}
        unknown: dict[str, list[str]] = {}
        fixes: dict[str, Fix | None] = {}
        for s in self.senders:
            for c in s.checks:
                if c.status == "fail":
                    blocked.setdefault(c.check, []).append(s.number)
                    if fixes.get(c.check) is None:  # the first number with a fix: one that only waits has none
                        fixes[c.check] = _general(c.fix)
                elif c.status == "unknown":
                    unknown.setdefault(c.check, []).append(s.number)
        ready = [s.number for s in self.senders if s.ready]
        return {
            "ready": self.ready,
            "profile": self.profile,
            "numbers": len(self.senders),
            "ready_count": len(ready),
            "blocked_count": len(self.senders) - len(ready),
            "blocked": [
                {
                    "cause": cause,
                    "count": len(numbers),
                    "numbers": numbers,
                    "fix": command(fix) if (fix := fixes.get(cause)) else None,
                }
                for cause, numbers in blocked.items()
            ],
            "unknown": [{"cause": cause, "count": len(n), "numbers": n} for cause, n in unknown.items()],
            "ready_numbers": ready,
            # in full only the senders with something to say: 10,000 passing senders are their numbers above
            "senders": [
                {
                    "number": s.number,
                    "country": s.country,
                    "ready": s.ready,
                    "checks": [c.to_dict(command) for c in s.checks],
                }
                for s in self.senders
                if any(c.status != "pass" for c in s.checks)
            ],
        }


def _general(fix: Fix | None) -> Fix | None:
    """One fix for every number of a cause: a number in the fix becomes NUMBER..."""
    if fix is None:
        return None
    return replace(fix, value="NUMBER...") if fix.action == "assign" else fix


def sweep(ops: SetupOperations, send: SendPathOperations, profile: JSON | None = None) -> Sweep:
    """The numbers (of ``profile`` when given) and the registrations, listed side by side."""
    pid = str(profile.get("id")) if profile else None
    jobs: dict[str, Callable[[], Any]] = {
        "numbers": lambda: ops.list_phone_numbers_with_messaging_settings(profile_id=pid),
        "registrations": lambda: registration.list_registrations(send, ten_dlc=True, toll_free=True),
    }
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="msgprof-sweep")
    try:
        futures = {k: pool.submit(job) for k, job in jobs.items()}
        numbers: list[NumberSettings] = futures["numbers"].result()  # a failed listing fails the sweep
        listed = futures["registrations"].result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    origins = {str(r.get("phone_number")): _origin(r) for r in numbers}
    kinds = {n: registration_kind(r, origins[n], origins[n]) for r in numbers for n in [str(r.get("phone_number"))]}
    registry = registration.build_registry(
        send,
        listed,
        [n for n, k in kinds.items() if k == "10dlc"],
        [n for n, k in kinds.items() if k == "toll_free"],
    )
    result = Sweep(_label(profile) if profile else None)
    for record in numbers:
        number = str(record.get("phone_number"))
        country = origins[number]
        checks = _sender_checks(record, country, profile)
        kind = kinds[number]
        checks += registry.checks_of(number, ten_dlc=kind == "10dlc", toll_free_number=kind == "toll_free")
        result.senders.append(Sender(number, country, checks))
    return result


def _origin(record: NumberSettings) -> str | None:
    """The number's country: the API's own ``country_code`` (ISO 3166-1 alpha-2, per number),
    else the numbering plan's reading (which costs ~0.5 ms a number: 5 s over 10,000)."""
    code = record.get("country_code")
    if isinstance(code, str) and len(code) == 2 and code.isascii() and code.isupper():
        return code
    return numbering.country_of(str(record.get("phone_number")))


def _sender_checks(record: NumberSettings, country: str | None, profile: JSON | None) -> list[Check]:
    number = str(record.get("phone_number"))
    checks: list[Check] = []
    if profile is not None:
        checks.append(Check("number_on_profile", "pass", f"on {_label(profile)}"))
        checks += [_enabled(profile), _whitelisted(profile, country)]
    elif record.get("messaging_profile_id"):
        checks.append(Check("number_on_profile", "pass", f"on profile {record.get('messaging_profile_id')}"))
    else:
        detail = f"{number} is on no messaging profile: the API refuses it as a sender (40305)"
        checks.append(Check("number_on_profile", "fail", detail, Fix("assign", PLACEHOLDER, number)))
    status, reason = route_features(record, "sms", country, country, False)
    checks.append(Check("sms_features", status, f"{number}: {reason} ({country or 'no country'})"))
    checks.append(_product(record))
    return checks
