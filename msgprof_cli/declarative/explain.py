"""``doctor --message ID``: why a message failed, and whether the cause is still there.

The message (``GET /messages/{id}``) names its sender, its addressees with their statuses, and
``errors[]``.  Each error's code is looked up in ``document/message_codes.py``, which names the
check that explains it; doctor then checks the message's route (its sender to its first failed
addressee) against the account as it is now, and reads that check:

* ``remains``: the check fails now (exit 9), with the check's fix;
* ``gone``: it passes (or only warns) now;
* ``unknown``: the code is not in the table, no check of the account explains it, or the check
  cannot be made now.  Said plainly, never guessed.

Exit: 0 when the message was delivered (whatever its errors), 9 while a cause remains, 0 when
every cause is gone; otherwise (an unknown cause) the message's state decides: 9 when it failed
(``sending_failed``, ``delivery_failed``, ``expired``), 0 when it did not.

This module decides; it prints nothing, exits nothing and builds no URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from msgprof_cli.declarative.doctor import Check, Diagnosis, Fix, diagnose, read_route, spend_limit_reached
from msgprof_cli.document import message_codes
from msgprof_cli.errors import InvalidInput

if TYPE_CHECKING:
    from msgprof_cli.api.client import SetupOperations, TelnyxClient
    from msgprof_cli.api.sendpath import Message, SendPathOperations

JSON = dict[str, Any]
State = Literal["remains", "gone", "unknown"]
FAILED = frozenset({"sending_failed", "delivery_failed", "expired"})


@dataclass
class Cause:
    code: str
    title: str
    check: str | None
    state: State
    detail: str
    source: str | None = None
    matched_by: str = ""  # "code", "title" or "" (not in the table)
    fix: Fix | None = None

    def to_dict(self, command: Callable[[Fix], str]) -> JSON:
        return {
            "code": self.code,
            "title": self.title,
            "check": self.check,
            "cause": self.state,
            "detail": self.detail,
            "matched_by": self.matched_by or None,
            "source": self.source,
            "fix": command(self.fix) if self.fix else None,
        }


@dataclass
class Explanation:
    message_id: str
    sender: str | None
    to: str | None
    status: str | None  # the addressee's delivery status
    causes: list[Cause] = field(default_factory=list)
    route: Diagnosis | None = None

    @property
    def delivered(self) -> bool:
        return self.status == "delivered"

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @property
    def ready(self) -> bool:
        """True: exit 0 (delivered, or every cause gone, or unknown on a message that did not fail)."""
        if self.delivered:
            return True
        if any(c.state == "remains" for c in self.causes):
            return False
        if any(c.state == "unknown" for c in self.causes) or (self.failed and not self.causes):
            return not self.failed
        return True

    def to_dict(self, command: Callable[[Fix], str]) -> JSON:
        return {
            "ready": self.ready,
            "message": self.message_id,
            "from": self.sender,
            "to": self.to,
            "status": self.status,
            "causes": [c.to_dict(command) for c in self.causes],
            "checks": [c.to_dict(command) for c in self.route.checks] if self.route else [],
        }


def explain(client: TelnyxClient, ops: SetupOperations, send: SendPathOperations, message_id: str) -> Explanation:
    """Read the message, check its route now, and say each error's cause (1 + a route's requests)."""
    msg = send.get_message(message_id)
    to, status = _addressee(msg)
    result = Explanation(message_id, msg.get("sender"), to, status)
    route, problem = _route(client, ops, send, msg, to)
    result.route = route
    if not msg.get("errors") and result.failed:
        detail = "the message failed and names no error code: msgprof cannot tell why"
        result.causes.append(Cause("", "", None, "unknown", detail))
    for code, title, _detail in msg.get("errors", []):
        result.causes.append(_cause(code, title, route, problem))
    return result


def _addressee(msg: Message) -> tuple[str | None, str | None]:
    """The first addressee whose delivery failed, else the first one."""
    listed = msg.get("to", [])
    failed = [t for t in listed if t[1] in FAILED]
    if not (failed or listed):
        return None, None
    return (failed or listed)[0]


def _route(
    client: TelnyxClient, ops: SetupOperations, send: SendPathOperations, msg: Message, to: str | None
) -> tuple[Diagnosis | None, str]:
    sender = msg.get("sender")
    if not sender or not to:
        return None, "the message names no sender or no addressee"
    try:
        route = read_route(sender, to)
    except InvalidInput as exc:
        return None, f"its route cannot be checked: {exc.message}"
    return diagnose(client, ops, route, sendpath=send), ""  # the route's own 6, after the message's 1


def _cause(code: str, title: str, route: Diagnosis | None, problem: str) -> Cause:
    row, by = message_codes.lookup(code, title)
    shown_title = title or (row.title if row else "")
    if row is None:
        detail = f"msgprof does not know the code {code or '(none)'}" + (f" ({title})" if title else "")
        return Cause(code, shown_title, None, "unknown", detail + ": it cannot say whether the cause remains")
    if row.check is None:
        return Cause(code, shown_title, None, "unknown", row.advice, row.source, by)
    if route is None:
        return Cause(code, shown_title, row.check, "unknown", problem, row.source, by)
    found = _find(route, row.check)
    if found is None:
        detail = f"the check {row.check} does not apply to the message's route as the account is now"
        return Cause(code, shown_title, row.check, "unknown", detail, row.source, by)
    state: State = {"fail": "remains", "unknown": "unknown"}.get(found.status, "gone")  # type: ignore[assignment]
    return Cause(
        code, shown_title, row.check, state, found.detail, row.source, by, found.fix if state == "remains" else None
    )


def _find(route: Diagnosis, name: str) -> Check | None:
    if name == "spend_limit_reached":
        return spend_limit_reached(route.profile_record) if route.profile_record is not None else None
    return next((c for c in route.checks if c.check == name), None)
