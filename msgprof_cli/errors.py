"""One exception tree for msgprof; each class carries the exit code it maps to.

    MsgprofError                 1  internal error (a bug: please report it)
    ├── UsageError               2  the command line is wrong
    ├── InvalidInput             3  a document or flag broke a field rule; nothing was sent
    ├── CredentialsError         4  no API key, or the API refused it (401, 403)
    ├── ApiError                 5  the API refused the request (any other 4xx)
    │   ├── NotFound             5  no profile has that id or name
    │   ├── Ambiguous            5  several profiles share that name
    │   ├── NameTaken            5  create --unique: a profile with that name exists
    │   └── UnexpectedRecord     5  an answer's record msgprof cannot use (an id that can't be an id)
    ├── Unavailable              6  429, 5xx, network error or timeout: try again later
    │   ├── NetworkError         6  no answer (refused, DNS, TLS, timeout, dropped, deadline)
    │   ├── UnexpectedAnswer     6  an answer that is not the API's (no `data`, too large, bad meta)
    │   ├── AmbiguousCreate      6  a create failed after it may have reached the server
    │   └── CreateUnknown        6  ... and msgprof cannot tell whether it was done
    ├── OutputError              8  output or a file could not be written (disk full, no permission)
    ├── RouteBlocked             9  ``doctor``: at least one check failed
    └── Interrupted            130  Ctrl-C: what had not started was not sent

    7 is ``plan --detailed-exitcode``'s (changes are pending): a result, not an error.  126 and 127
    are ``sandbox -- COMMAND``'s, as a shell's: COMMAND cannot be run, or was not found.
``ExitStatus`` is the only source of these numbers; its descriptions are the docs/usage.md
table, word for word, and each error's ``kind`` (the ``error`` of the JSON error object) is in
the docs' table of kinds (tests compare both).

One exit path: a command that handles many items (plan, apply, validate, the number commands,
doctor) ends with one ``Outcome`` whose ``exit_status`` is decided once, from the whole (black's
``Report.return_code``); ``cli/common.py::run`` turns that outcome, or an error, into the status;
``exit_with`` is the one place that ends the process.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NoReturn, Optional, Protocol


class ExitStatus(IntEnum):
    """Every exit code msgprof uses, and what each means (the docs' table)."""

    OK = 0
    INTERNAL_ERROR = 1
    USAGE = 2
    INVALID_INPUT = 3
    CREDENTIALS = 4
    API_ERROR = 5
    UNAVAILABLE = 6
    CHANGES_PENDING = 7
    OUTPUT = 8
    DOCTOR_FAILED = 9
    COMMAND_NOT_RUNNABLE = 126
    COMMAND_NOT_FOUND = 127
    INTERRUPTED = 130

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[ExitStatus, str] = {
    ExitStatus.OK: "ok",
    ExitStatus.INTERNAL_ERROR: "internal error (a bug in msgprof; `--debug` shows the traceback)",
    ExitStatus.USAGE: "usage: the command line is wrong",
    ExitStatus.INVALID_INPUT: "invalid input: a document or flag broke a field rule, or an input file (`-f`, "
    "`validate PATH`, `numbers assign -f`) is missing, can't be read or is not a profile document; nothing was sent",
    ExitStatus.CREDENTIALS: "credentials: no API key, or the API refused it (401, 403)",
    ExitStatus.API_ERROR: "the API refused the request (other 4xx), or no/several profiles match a name, or the API "
    "answered with a record msgprof cannot use (an id that cannot be an id, a field of the wrong JSON type; nothing is "
    "sent with it)",
    ExitStatus.UNAVAILABLE: "the API or the network is unavailable (429, 5xx, network error, timeout), or numbers "
    "are still pending when the wait ends: try again later",
    ExitStatus.CHANGES_PENDING: "`plan --detailed-exitcode`: changes are pending",
    ExitStatus.OUTPUT: "output could not be written (disk full, no permission): whatever was done before stands",
    ExitStatus.DOCTOR_FAILED: "doctor: at least one check failed",
    ExitStatus.COMMAND_NOT_RUNNABLE: "`sandbox -- COMMAND`: COMMAND cannot be run (not executable); otherwise the "
    "exit status is COMMAND's own, as a shell gives it",
    ExitStatus.COMMAND_NOT_FOUND: "`sandbox -- COMMAND`: COMMAND was not found",
    ExitStatus.INTERRUPTED: "interrupted (Ctrl-C)",
}


class CommandStatus(int):
    """``sandbox -- COMMAND``: COMMAND's own exit status (0..255), passed through as a shell passes
    it.  The one status that is not msgprof's: it is COMMAND's, and the docs' table says so."""

    def __new__(cls, value: int) -> CommandStatus:
        if not 0 <= value <= 255:
            raise ValueError(f"an exit status is 0..255, not {value}")
        return super().__new__(cls, value)


def exit_with(status: ExitStatus | CommandStatus, *, at_once: bool = False) -> NoReturn:
    """End the process with ``status``: the one place in msgprof that exits.  ``SystemExit``, so
    that ``finally`` blocks and buffered output are still flushed on the way out.  Called by the
    command group when a command has ended (cli/presentation.py) and by the launcher for a Ctrl-C
    outside a command's body.

    ``at_once`` (after a Ctrl-C: interrupt.py, launcher.py): stdout and stderr are flushed and the
    process ends now, without the interpreter's shutdown, which would wait for every worker thread
    still in a request (a connect to a host that never answers is bounded only by its timeout)."""
    code = int(status) if isinstance(status, CommandStatus) else int(ExitStatus(status))
    if at_once:
        import atexit
        import os
        import sys

        # what registered to run at exit still runs (the sandbox writes its state file); only the
        # interpreter's join of pool threads (threading's own exit hook, not atexit's) is skipped
        atexit._run_exitfuncs()

        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # closed or full: the exit code still says how it ended
                pass
        os._exit(code)
    raise SystemExit(code)


class Outcome(Protocol):
    """What a command that handles many items ended with (plan, apply, validate, the number
    commands, doctor): its exit status is a property of the whole, decided in one place."""

    @property
    def exit_status(self) -> ExitStatus: ...

    @property
    def error(self) -> Optional[MsgprofError]:
        """The closing message when the report printed before it does not say it all (else None)."""
        ...


class MsgprofError(Exception):
    exit_code: int = ExitStatus.INTERNAL_ERROR
    kind = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.kind, "message": self.message, "exit_code": int(self.exit_code)}
        if self.hint:
            out["hint"] = self.hint
        return out


class UsageError(MsgprofError):
    exit_code = ExitStatus.USAGE
    kind = "usage"


class InvalidInput(MsgprofError):
    """Carries every problem found, so the user can fix them all in one go."""

    exit_code = ExitStatus.INVALID_INPUT
    kind = "invalid_input"

    def __init__(self, message: str, issues: list[Any] | None = None, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.issues = list(issues or [])

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["issues"] = [i.to_dict() for i in self.issues]
        return out


class _Answered(MsgprofError):
    """An error that carries the API's HTTP status and its errors[] (when it answered)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.errors = errors or []

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.status is not None:
            out["status"] = self.status
            out["errors"] = self.errors
        return out


class CredentialsError(_Answered):
    exit_code = ExitStatus.CREDENTIALS
    kind = "credentials"


class ApiError(_Answered):
    exit_code = ExitStatus.API_ERROR
    kind = "api_error"


class NotFound(ApiError):
    kind = "not_found"


class Ambiguous(ApiError):
    kind = "ambiguous"


class NameTaken(ApiError):
    kind = "name_taken"


class UnexpectedRecord(ApiError):
    """The API answered, but a record in it cannot be used: an id that is not a string or that
    cannot be placed in a URL (``..``, ``a/b``), a field of the wrong JSON type.  Exit 5, not 6:
    the answer arrived, and asking again gets the same answer.  Nothing is sent with such an id."""

    kind = "unexpected_record"


class Unavailable(_Answered):
    exit_code = ExitStatus.UNAVAILABLE
    kind = "unavailable"


class NetworkError(Unavailable):
    """No answer.  ``maybe_sent`` is False only when the request certainly never reached the server."""

    def __init__(self, message: str, *, maybe_sent: bool, reason: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.maybe_sent = maybe_sent
        self.reason = reason


class UnexpectedAnswer(Unavailable):
    kind = "unexpected_answer"


class AmbiguousCreate(Unavailable):
    """A create that may have been done: the API answered 5xx (``answered``) or did not answer."""

    kind = "ambiguous_create"

    def __init__(self, message: str, *, answered: bool, reason: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.answered = answered
        self.reason = reason


class CreateUnknown(Unavailable):
    """A create whose outcome cannot be told: the profile may or may not exist."""

    kind = "create_unknown"

    def __init__(
        self, message: str, *, name: str, interrupted: bool = False, candidates: list[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.name = name
        self.candidates = candidates or []  # profiles that may be this attempt's: every field sent equal
        if interrupted:
            self.exit_code = ExitStatus.INTERRUPTED


class Interrupted(MsgprofError):
    """Ctrl-C: what had not started was not sent."""

    exit_code = ExitStatus.INTERRUPTED
    kind = "interrupted"


class CommandNotFound(MsgprofError):
    """``sandbox -- COMMAND``: COMMAND was not found (127, as a shell says it)."""

    exit_code = ExitStatus.COMMAND_NOT_FOUND
    kind = "command_not_found"


class CommandNotRunnable(MsgprofError):
    """``sandbox -- COMMAND``: COMMAND was found but cannot be run (126, as a shell says it)."""

    exit_code = ExitStatus.COMMAND_NOT_RUNNABLE
    kind = "command_not_runnable"


class OutputError(MsgprofError):
    """msgprof's own output could not be written: stdout, or a file export writes."""

    exit_code = ExitStatus.OUTPUT
    kind = "output"


class RouteBlocked(MsgprofError):
    """``doctor``: at least one check failed; a message on that route would be refused."""

    exit_code = ExitStatus.DOCTOR_FAILED
    kind = "route_blocked"


def format_api_error(e: dict[str, Any]) -> str:
    """One Telnyx error as a line: code, title, detail and the field source.pointer names."""
    code = e.get("code")
    title = e.get("title") or ""
    detail = e.get("detail") or ""
    source: dict[str, Any] = e["source"] if isinstance(e.get("source"), dict) else {}
    pointer = str(source.get("pointer") or "")  # the API's data: a number here must not crash
    param = str(source.get("parameter") or "")
    text = f"[{code}] {title}" if code else str(title)
    if detail and detail != title:
        text += f": {detail}"
    if pointer:
        text += f" (field {pointer.lstrip('/').replace('/', '.')})"
    elif param:
        text += f" (parameter {param})"
    return text


# Kept for callers that read a plain mapping; ExitStatus is the source.
EXIT_CODES: dict[int, str] = {int(s): s.description for s in ExitStatus}
