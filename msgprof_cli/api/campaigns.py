"""A number's 10DLC campaign as setup: assign it once, move it, remove it, and wait for it.

The requests are ``resources.Campaigns``' (the same values every ``--dry-run`` prints); the reads
are doctor's (``sendpath.SendPathOperations``: one number's assignment, and the account's paged
list).  What this module promises, for ``apply`` and ``msgprof numbers campaign`` alike:

* **Never twice.**  An assignment is made by a POST, a create: it goes through the one create
  protocol (``create_once.create``).  After a late commit, a lost answer or a gateway's 5xx, the
  number's assignment is read: one that names the campaign, where there was none before the send,
  is the one this attempt made (a number has one assignment).  A 409/422 after which the number's
  assignment names the campaign is "made meanwhile"; nothing more is sent.
* **Only what was planned.**  Before a write, the number's assignment is read again: one that has
  changed since the plan read it is left alone and reported (it is not taken from a campaign the
  plan did not show); one that already names the campaign is done, nothing sent.  An
  answer (a read or a write's) must name the number asked for (``records.of_number``): a record of
  another number is never acted on (exit 5).  ``apply`` runs a number's campaign change only
  while the number is on the document's profile (``setup_plan.apply_campaigns``).
* **Asynchronous, bounded.**  An assignment is PENDING_ASSIGNMENT until the carriers take it: it
  is polled (``Pacing``, as bulk orders are) until it is ASSIGNED, FAILED_ASSIGNMENT (reported with
  its ``failureReasons``, exit 5) or the wait is over (reported pending, exit 6).

It prints nothing and exits nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from msgprof_cli.api.create_once import Found, create
from msgprof_cli.api.resources import Campaigns, Request
from msgprof_cli.api.setup import Pacing, interrupted, with_details
from msgprof_cli.errors import ApiError, CreateUnknown, MsgprofError, NotFound, Unavailable

if TYPE_CHECKING:  # the types only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import TelnyxClient
    from msgprof_cli.api.sendpath import Assignment

Outcome = Literal["assigned", "removed", "unchanged", "pending", "failed"]
Notify = Callable[[str], None]
UNREAD: Any = object()  # ``planned``: the plan did not read this number (the terminal command)


@dataclass
class CampaignResult:
    number: str
    result: Outcome
    detail: str = ""
    error: MsgprofError | None = None
    record: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        status = (self.record or {}).get("assignmentStatus")
        return {"number": self.number, "result": self.result, "detail": self.detail, "assignment_status": status}


def _quiet(message: str) -> None:
    pass


def read(client: TelnyxClient, number: str) -> Assignment | None:
    """The number's assignment (None: it has none)."""
    from msgprof_cli.api.sendpath import SendPathOperations

    return SendPathOperations(client).get_phone_number_campaign(number)


def read_all(client: TelnyxClient) -> list[Assignment]:
    """Every assignment of the account, page by page (duplicates kept: the plan decides)."""
    from msgprof_cli.api.sendpath import SendPathOperations

    return SendPathOperations(client).list_phone_number_campaigns()


class _AssignCreation:
    """An assignment in the create protocol.  The number had none before the send (it was read);
    ours is its assignment now, when it names the campaign."""

    noun = "campaign assignment"
    name = ""
    proof = "the number's assignment names the campaign, and it had none before the send"

    def __init__(self, client: TelnyxClient, number: str, campaign_id: str) -> None:
        self.client, self.number, self.campaign_id = client, number, campaign_id
        self.what = f"the campaign assignment of {number}"
        self.request: Request = Campaigns.assign(number, campaign_id)

    def send(self) -> Any:
        return _answer(self.client.create(self.request, enveloped=False), self.number)

    def label(self, record: Any) -> str:
        return f"the assignment of {self.number} to campaign {self.campaign_id}"

    def look(self, sent: float) -> Found[Any]:
        live = read(self.client, self.number)
        if live is not None and Campaigns.same(self.campaign_id, live):
            return Found(ours=[live])
        return Found()


def assign(
    client: TelnyxClient,
    number: str,
    campaign_id: str,
    *,
    planned: Assignment | None = UNREAD,
    pacing: Pacing | None = None,
    notify: Notify = _quiet,
) -> CampaignResult:
    """Put the number on the campaign (a POST when it has none, a PUT when it has another), then
    wait for the carriers.  ``planned``: the assignment the plan saw; a number whose assignment
    has changed since is left alone."""
    try:
        live = read(client, number)
        if live is not None and Campaigns.same(campaign_id, live):
            return _settled(client, number, campaign_id, live, pacing, "already on the campaign")
        if planned is not UNREAD and _moved(planned, live):
            was = f"campaign {planned['campaignId']}" if planned else "no campaign"
            now = f"campaign {live['campaignId']}" if live else "no campaign"
            raise ApiError(f"{number} is on {now} now, not on {was} as the plan saw it; it was not changed")
        if live is None:
            record = _create(client, number, campaign_id, notify)
        else:
            record = _send(client, Campaigns.reassign(number, campaign_id), number)
        return _settled(client, number, campaign_id, record, pacing, "")
    except MsgprofError as exc:
        if interrupted(exc):
            raise
        return CampaignResult(number, "failed", with_details(exc).message, exc)


def remove(
    client: TelnyxClient, number: str, *, planned: Assignment | None = UNREAD, notify: Notify = _quiet
) -> CampaignResult:
    """Take the number off its campaign (a DELETE); one with none is unchanged."""
    try:
        live = read(client, number)
        if live is None:
            return CampaignResult(number, "unchanged", "on no campaign")
        if planned is not UNREAD and _moved(planned, live):
            was = f"campaign {planned['campaignId']}" if planned else "no campaign"
            raise ApiError(f"{number} is on campaign {live['campaignId']} now, not on {was}; it was left there")
        try:
            _send(client, Campaigns.remove(number), number)
        except NotFound:  # a retried DELETE whose first attempt was done
            if read(client, number) is not None:
                raise
        return CampaignResult(number, "removed", f"was on campaign {live['campaignId']}", record=dict(live))
    except MsgprofError as exc:
        if interrupted(exc):
            raise
        return CampaignResult(number, "failed", with_details(exc).message, exc)


def _moved(planned: Assignment | None, live: Assignment | None) -> bool:
    if planned is None or live is None:
        return (planned is None) != (live is None)
    return planned.get("campaignId") != live.get("campaignId")


def _send(client: TelnyxClient, request: Request, number: str) -> Any:
    return _answer(client.send(request, enveloped=False), number)


def _answer(raw: Any, number: str) -> Any:
    """A write's answer, parsed, and checked to be the number's (``records.of_number``)."""
    from msgprof_cli.api.records import of_number
    from msgprof_cli.api.sendpath import assignment

    return of_number(assignment(raw), number, "10DLC assignment")


def _create(client: TelnyxClient, number: str, campaign_id: str, notify: Notify) -> Any:
    creation = _AssignCreation(client, number, campaign_id)
    try:
        done = create(client, creation, notify)
    except CreateUnknown as exc:
        exc.hint = f"`msgprof doctor --from {number} --to ...` shows its assignment; assigning it again reads first"
        raise
    except ApiError as exc:
        if exc.status in (409, 422):  # made meanwhile by another run (or a person)?
            live = read(client, number)
            if live is not None and Campaigns.same(campaign_id, live):
                notify(f"{number} was put on campaign {campaign_id} meanwhile by another run; nothing was sent again")
                return live
        raise
    if done.note:
        notify(done.note)
    return done.record


def _settled(
    client: TelnyxClient, number: str, campaign_id: str, record: Any, pacing: Pacing | None, unchanged: str
) -> CampaignResult:
    """The assignment once the carriers have decided, or the wait is over."""
    record = _wait(client, number, record, pacing or Pacing(wait=0.0))
    status = record.get("assignmentStatus")
    if status == Campaigns.FAILED:
        reasons = record.get("failureReasons") or "no reason given"
        why: MsgprofError = ApiError(f"{number}: the assignment to campaign {campaign_id} failed: {reasons}")
        return CampaignResult(number, "failed", why.message, why, dict(record))
    if status == Campaigns.PENDING:
        since = record.get("updatedAt") or record.get("createdAt")
        why = Unavailable(
            f"{number}: the assignment to campaign {campaign_id} is pending" + (f" since {since}" if since else ""),
            hint="apply again later (or with --wait SECONDS): it sends nothing for an assignment already made",
        )
        return CampaignResult(number, "pending", why.message, why, dict(record))
    return CampaignResult(number, "unchanged" if unchanged else "assigned", unchanged, record=dict(record))


def _wait(client: TelnyxClient, number: str, record: Any, pacing: Pacing) -> Any:
    clock = pacing.clock
    deadline = clock.monotonic() + pacing.wait
    interval = pacing.first_interval
    while record.get("assignmentStatus") == Campaigns.PENDING and clock.monotonic() < deadline:
        clock.sleep(min(interval, max(0.0, deadline - clock.monotonic())))
        interval = min(interval * 2, pacing.max_interval)
        live = read(client, number)
        if live is None:  # gone meanwhile: the last state read is what is reported
            break
        record = live
    return record
