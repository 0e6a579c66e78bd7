"""What each command that handles many items ended with, and so its exit status.

One object per run, whose ``exit_status`` is a property of the whole (black's
``Report.return_code``): plan and apply (``Items``), validate (``Validation``), the number
commands (``Numbers``), doctor (``Doctor``).  The command builds it and hands it to
``cli/common.py::run``, which alone turns it into the exit status; ``error`` is the closing
message when the report printed before it does not say it all.  This module prints nothing and
exits nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from msgprof_cli.errors import ApiError, ExitStatus, MsgprofError, RouteBlocked, Unavailable

if TYPE_CHECKING:  # the types only: each command loads its own engine
    from msgprof_cli.api.setup import NumberResult
    from msgprof_cli.declarative.doctor import Diagnosis
    from msgprof_cli.declarative.inputs import Checked
    from msgprof_cli.declarative.plan import Item


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class Items:
    """plan, apply and apply --dry-run: the worst item's status (130 for an interrupted run, whose
    items that never started carry it); else, with ``detailed`` (plan --detailed-exitcode), 7
    when anything is pending."""

    items: Sequence[Item]
    detailed: bool = False
    error: Optional[MsgprofError] = None  # each item's failure is in the report

    @property
    def exit_status(self) -> ExitStatus:
        from msgprof_cli.declarative.pipeline import pending, worst

        failed = worst(self.items)
        if failed:
            return failed
        if self.detailed and pending(self.items):
            return ExitStatus.CHANGES_PENDING
        return ExitStatus.OK


@dataclass(frozen=True)
class Validation:
    """validate: 3 when any document is invalid (each problem is printed with its place)."""

    checked: Sequence[Checked]
    error: Optional[MsgprofError] = None

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if all(c.valid for c in self.checked) else ExitStatus.INVALID_INPUT


@dataclass(frozen=True)
class Numbers:
    """numbers assign/unassign: numbers still pending when the wait ended are "try again later"
    (6), whatever else failed; else the worst failure's kind (5, or 6 for an unavailable API)."""

    results: Sequence[NumberResult]

    @property
    def error(self) -> Optional[MsgprofError]:
        failed = [x for x in self.results if x.result == "failed"]
        pending = sum(1 for x in self.results if x.result == "pending")
        if pending:
            also = f"; {len(failed)} failed (the table says why)" if failed else ""
            return Unavailable(
                f"{_plural(pending, 'number')} still pending when the wait ended{also}",
                hint="run the command again later, or give a longer --wait",
            )
        if not failed:
            return None
        worst = max(failed, key=lambda x: x.error.exit_code if x.error else ApiError.exit_code)
        if len(failed) < len(self.results):
            message = f"{len(failed)} of {len(self.results)} numbers failed"
            hint = "the table says why; the other numbers were done"
        else:
            message = "the number failed" if len(self.results) == 1 else f"all {len(self.results)} numbers failed"
            hint = "the table says why"
        if not isinstance(worst.error, Unavailable):
            return ApiError(message, hint=hint)
        # the worst failure's own kind (network_error, unexpected_answer...), with this message: a
        # copy, as some kinds take more than a message to make (NetworkError)
        error = type(worst.error).__new__(type(worst.error))
        error.__dict__.update(vars(worst.error))
        error.message, error.args, error.hint = message, (message,), hint
        return error

    @property
    def exit_status(self) -> ExitStatus:
        error = self.error
        return ExitStatus.OK if error is None else ExitStatus(error.exit_code)


@dataclass(frozen=True)
class Doctor:
    """doctor: 9 when a check failed, for one route or for any profile of ``doctor -f``."""

    results: Sequence[Diagnosis]
    per_profile: bool = False  # doctor -f: one result per profile document

    @property
    def error(self) -> Optional[MsgprofError]:
        from msgprof_cli.declarative.doctor import PLACEHOLDER

        if all(d.ready for d in self.results):
            return None
        if self.per_profile:
            names = [str(d.profile) for d in self.results if not d.ready]
            total = _plural(len(self.results), "profile")
            message = f"routes would be refused for {len(names)} of {total}: {', '.join(names)}"
            hint = "each FAIL line names the route and why; fix the document, then apply it"
        else:
            failed = [c.check for c in self.results[0].checks if c.status == "fail"]
            n = len(failed)
            message = f"{n} check{'s' if n > 1 else ''} failed: {', '.join(failed)}; the message would be refused"
            hint = "each FAIL line says why, and ends with the command that fixes it when there is one"
            if any(c.fix and c.fix.action != "say" and c.fix.profile == PLACEHOLDER for c in self.results[0].checks):
                hint += "; --profile ID|NAME also checks the profile it would be on"
        return RouteBlocked(message, hint=hint)

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.error is None else ExitStatus.DOCTOR_FAILED


@dataclass(frozen=True)
class DoctorMessage:
    """doctor --message: 9 while a cause of the message's failure remains (or cannot be told for a
    failed message), 0 when it was delivered or every cause is gone."""

    report: dict[str, Any]

    @property
    def error(self) -> Optional[MsgprofError]:
        if self.report["ready"]:
            return None
        remains = [str(c["check"]) for c in self.report["causes"] if c["cause"] == "remains"]
        if remains:
            causes = ", ".join(dict.fromkeys(remains))
            message = f"the cause remains: {causes}; a message sent now would fail the same way"
            return RouteBlocked(message, hint="each cause line ends with its fix")
        return RouteBlocked(
            f"the message {self.report['status']}, and msgprof cannot tell whether its cause remains",
            hint="the cause lines say what msgprof knows of each error code",
        )

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.error is None else ExitStatus.DOCTOR_FAILED


@dataclass(frozen=True)
class DoctorSweep:
    """doctor --all: 9 when any sender of the account (or of the profile) is blocked."""

    report: dict[str, Any]

    @property
    def error(self) -> Optional[MsgprofError]:
        if self.report["ready"]:
            return None
        causes = ", ".join(f"{b['cause']} ({b['count']})" for b in self.report["blocked"])
        n, total = self.report["blocked_count"], self.report["numbers"]
        return RouteBlocked(
            f"{n} of {_plural(total, 'sender')} blocked: {causes}",
            hint="each cause ends with its fix; doctor --from NUMBER --to TO checks one route in full",
        )

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.error is None else ExitStatus.DOCTOR_FAILED
