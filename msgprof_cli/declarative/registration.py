"""The send path's checks: 10DLC registration, toll-free verification, opt-outs, hosted numbers.

Each check judges what the API answers with the tables of ``document/registration.py``, so a
route (``doctor --from --to``), the sweep (``doctor --all``), the documents (``doctor -f``) and a
message (``doctor --message``) say the same of the same state.  A route reads one number's
records; the sweep and ``-f`` read the account's lists once and share the campaigns and brands
(``Registry``).

An endpoint the account may not use (401, 403) makes its check ``unknown`` with the reason, never
a crash and never ``pass``.  So does a list the API does not serve (404).  A 404 for one number's
10DLC assignment is the API saying the number has none: ``fail``.

This module decides; it prints nothing, exits nothing and builds no URL (``api/sendpath.py`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from msgprof_cli.declarative.doctor import PLACEHOLDER, Check, Fix, Status
from msgprof_cli.document import registration as tables
from msgprof_cli.errors import CredentialsError, NotFound

if TYPE_CHECKING:
    from msgprof_cli.api.sendpath import (
        Assignment,
        Brand,
        Campaign,
        HostedNumber,
        OptOuts,
        SendPathOperations,
        TollFreeRequest,
    )

WHERE_10DLC = "the Telnyx portal, Messaging > 10DLC"
WHERE_TOLL_FREE = "the Telnyx portal, Messaging > Toll-free verification"
FIX_10DLC = f"assign the number to an approved 10DLC campaign ({WHERE_10DLC})"
FIX_TOLL_FREE = f"submit or complete the number's verification request ({WHERE_TOLL_FREE})"
FIX_CAMPAIGN = f"fix the campaign and resubmit it, or assign the number to an approved campaign ({WHERE_10DLC})"
FIX_OPT_OUT = "the recipient texts START"
FETCH_WORKERS = 8  # campaigns and brands read side by side (bounded by the client's pool)


def say(text: str) -> Fix:
    """A fix that is no msgprof command: the text is the fix."""
    return Fix("say", PLACEHOLDER, text)


def refused(check: str, what: str, exc: Exception, number: str | None = None) -> Check:
    """An endpoint the account may not use (or that is not served): the check cannot be made."""
    status = getattr(exc, "status", None)
    if isinstance(exc, CredentialsError):
        why = f"the API refused to show {what} (HTTP {status or '401/403'}): this key may not use them"
    else:
        why = f"the API does not serve {what} here (HTTP {status or 404})"
    return Check(check, "unknown", (f"{number}: " if number else "") + f"{why}; msgprof cannot tell")


# --------------------------------------------------------------------------- 10DLC


def assignment_check(number: str, found: Assignment | None, duplicates: Sequence[Assignment] = ()) -> Check:
    """The number's 10DLC assignment (None: the API has none for it)."""
    if found is None:
        detail = (
            f"{number} is assigned to no 10DLC campaign: US carriers refuse or filter A2P messages from an "
            "unregistered long code to the US"
        )
        return Check("10dlc_assignment", "fail", detail, say(FIX_10DLC))
    differing = {(d.get("campaignId"), d.get("assignmentStatus")) for d in (found, *duplicates)}
    if len(differing) > 1:
        shown = "; ".join(f"{c} {s or '(no status)'}" for c, s in sorted(differing, key=str))
        detail = (
            f"the API lists {len(differing)} different assignments for {number} ({shown}): which one holds is unclear"
        )
        return Check("10dlc_assignment", "unknown", detail)
    value = found.get("assignmentStatus")
    verdict = tables.judge(tables.ASSIGNMENT, value)
    campaign = found.get("telnyxCampaignId") or found.get("campaignId")
    detail = f"{number}: {value or 'no assignmentStatus'}: {verdict.meaning} (campaign {campaign})"
    if value == "PENDING_ASSIGNMENT" and found.get("updatedAt"):
        detail = f"{number}: assignment pending since {found.get('updatedAt')} (campaign {campaign})"
    if found.get("failureReasons"):
        detail += f": {found.get('failureReasons')}"
    fix = say(FIX_10DLC) if verdict.status == "fail" and not verdict.waiting else None
    return Check("10dlc_assignment", verdict.status, detail, fix)


def campaign_check(campaign_id: str, found: Campaign | Exception) -> Check:
    if isinstance(found, Exception):
        if isinstance(found, NotFound):
            detail = f"campaign {campaign_id} is not one the API shows to this account (a shared campaign?)"
            return Check("10dlc_campaign", "unknown", detail)
        return refused("10dlc_campaign", "10DLC campaigns", found)
    verdicts = [tables.judge(tables.CAMPAIGN_STATUS, found.get("campaignStatus"))]
    parts = [f"{found.get('campaignStatus') or 'no campaignStatus'}: {verdicts[0].meaning}"]
    if found.get("status"):
        verdicts.append(tables.judge(tables.CAMPAIGN_LIFECYCLE, found.get("status")))
        parts.append(f"status {found.get('status')}: {verdicts[1].meaning}")
    status = tables.worst(*(v.status for v in verdicts))
    detail = f"campaign {campaign_id}: " + "; ".join(parts)
    if found.get("failureReasons"):
        detail += f"; failure reasons: {found.get('failureReasons')}"
    fix = say(FIX_CAMPAIGN) if status == "fail" and not all(v.waiting for v in verdicts if v.status == "fail") else None
    return Check("10dlc_campaign", status, detail, fix)


def brand_check(brand_id: str, found: Brand | Exception) -> Check:
    if isinstance(found, Exception):
        if isinstance(found, NotFound):
            return Check("10dlc_brand", "unknown", f"brand {brand_id} is not one the API shows to this account")
        return refused("10dlc_brand", "10DLC brands", found)
    verdicts = [tables.judge(tables.BRAND_STATUS, found.get("status"))]
    parts = [f"{found.get('status') or 'no status'}: {verdicts[0].meaning}"]
    if found.get("identityStatus"):
        verdicts.append(tables.judge(tables.BRAND_IDENTITY, found.get("identityStatus")))
        parts.append(f"identity {found.get('identityStatus')}: {verdicts[1].meaning}")
    status = tables.worst(*(v.status for v in verdicts))
    detail = f"brand {brand_id}: " + "; ".join(parts)
    if found.get("failureReasons"):
        detail += f"; failure reasons: {found.get('failureReasons')}"
    waiting = all(v.waiting for v in verdicts if v.status == "fail")
    fix = (
        say(f"fix the brand's registration and resubmit it ({WHERE_10DLC})")
        if status == "fail" and not waiting
        else None
    )
    return Check("10dlc_brand", status, detail, fix)


def campaign_of(found: Assignment) -> str:
    """The campaign to read: Telnyx's id, or (a shared campaign) the one the assignment names."""
    return str(found.get("telnyxCampaignId") or found.get("campaignId"))


def ten_dlc(ops: SendPathOperations, number: str, budget: int) -> list[Check]:
    """One number's assignment, its campaign and its brand: at most 3 requests (``budget`` may be
    fewer: what is not read is ``unknown``, saying so)."""
    try:
        found = ops.get_phone_number_campaign(number)
    except CredentialsError as exc:
        return [refused("10dlc_assignment", "10DLC assignments", exc)]
    checks = [assignment_check(number, found)]
    if found is None:
        return checks
    cid = campaign_of(found)
    if budget < 2:
        return checks + [_unread("10dlc_campaign", f"campaign {cid}")]
    campaign: Campaign | Exception
    try:
        campaign = ops.get_campaign(cid)
    except (CredentialsError, NotFound) as exc:
        campaign = exc
    checks.append(campaign_check(cid, campaign))
    bid = found.get("brandId") or (None if isinstance(campaign, Exception) else campaign.get("brandId"))
    if not bid:
        return checks
    if budget < 3:
        return checks + [_unread("10dlc_brand", f"brand {bid}")]
    try:
        brand: Brand | Exception = ops.get_brand(bid)
    except (CredentialsError, NotFound) as exc:
        brand = exc
    return checks + [brand_check(bid, brand)]


def _unread(check: str, what: str) -> Check:
    return Check(check, "unknown", f"{what} was not read: one route reads at most 6 requests (doctor --all reads it)")


# --------------------------------------------------------------------------- toll-free


def toll_free_check(number: str, requests: Iterable[TollFreeRequest]) -> Check:
    """The newest verification request that names the number."""
    mine = [r for r in requests if number in r.get("numbers", [])]
    if not mine:
        detail = (
            f"{number} has no toll-free verification request: "
            "US and Canadian carriers block unverified toll-free traffic"
        )
        return Check("toll_free_verification", "fail", detail, say(FIX_TOLL_FREE))
    newest = max(mine, key=lambda r: str(r.get("updatedAt") or r.get("createdAt") or ""))
    value = newest.get("verificationStatus")
    verdict = tables.judge(tables.TOLL_FREE, value)
    detail = f"{number}: {value}: {verdict.meaning} (request {newest.get('id')})"
    if newest.get("reason"):
        detail += f"; reason: {newest.get('reason')}"
    fix = say(FIX_TOLL_FREE) if verdict.status == "fail" and not verdict.waiting else None
    return Check("toll_free_verification", verdict.status, detail, fix)


def toll_free(ops: SendPathOperations, number: str) -> Check:
    try:
        found = ops.list_verification_requests(phone_number=number)
    except (CredentialsError, NotFound) as exc:
        return refused("toll_free_verification", "toll-free verification requests", exc)
    return toll_free_check(number, found)


# --------------------------------------------------------------------------- opt-outs, hosted numbers


def opt_out_check(to: str, profile_label: str, found: OptOuts) -> Check:
    hits = [o for o in found.items if o.get("to") == to]
    if hits:
        first = min(hits, key=lambda o: str(o.get("created_at") or ""))
        keyword = first.get("keyword") or "a stop word"
        when = first.get("created_at") or "an unknown date"
        sender = f" to {first.get('sender')}" if first.get("sender") else ""
        detail = (
            f"{to} opted out of {profile_label}: texted {keyword}{sender} on {when} "
            "(40300: every number of the profile is blocked)"
        )
        return Check("destination_opted_out", "fail", detail, say(FIX_OPT_OUT))
    if found.complete:
        return Check("destination_opted_out", "pass", f"{to} has not opted out of {profile_label}")
    detail = (
        f"{to} is not among the first {len(found.items)} of the {found.total or 'many'} opt-outs of {profile_label}; "
        "a route reads one page (the API filters opt-outs by sender, not by recipient)"
    )
    return Check("destination_opted_out", "unknown", detail)


def opt_outs(ops: SendPathOperations, to: str, profile_id: str, profile_label: str) -> Check:
    try:
        found = ops.list_opt_outs(profile_id)
    except (CredentialsError, NotFound) as exc:
        return refused("destination_opted_out", "opt-outs", exc)
    return opt_out_check(to, profile_label, found)


def hosted_check(found: HostedNumber) -> Check:
    number = found.get("phone_number")
    value = found.get("status")
    if value is None:
        detail = (
            f"{number} is a hosted number; the API gives no hosting status, so msgprof cannot tell whether it is active"
        )
        return Check("hosted_number", "unknown", detail)
    verdict = tables.judge(tables.HOSTED, value)
    return Check("hosted_number", verdict.status, f"{number} is a hosted number: {value}: {verdict.meaning}")


def hosted(ops: SendPathOperations, number: str) -> HostedNumber | None:
    """The number among the hosted ones (None: not hosted, or the list cannot be read)."""
    try:
        found = ops.list_hosted_numbers(phone_number=number)
    except (CredentialsError, NotFound):
        return None
    return next((h for h in found if h.get("phone_number") == number), None)


# --------------------------------------------------------------------------- many numbers at once


@dataclass
class Registry:
    """The account's 10DLC assignments and toll-free requests, listed once each, and the campaigns
    and brands they name, each read once.  A listing that cannot be read is kept as its error."""

    assignments: dict[str, list[Assignment]] = field(default_factory=dict)
    assignments_error: Exception | None = None
    toll_free: dict[str, list[TollFreeRequest]] = field(default_factory=dict)
    toll_free_error: Exception | None = None
    campaigns: dict[str, Campaign | Exception] = field(default_factory=dict)
    brands: dict[str, Brand | Exception] = field(default_factory=dict)
    _judged: dict[str, Check] = field(default_factory=dict, repr=False)

    def checks_of(self, number: str, *, ten_dlc: bool, toll_free_number: bool) -> list[Check]:
        if ten_dlc:
            if self.assignments_error is not None:
                return [refused("10dlc_assignment", "10DLC assignments", self.assignments_error, number)]
            listed = self.assignments.get(number, [])
            found = listed[0] if listed else None
            checks = [assignment_check(number, found, listed[1:])]
            if found is None or checks[0].status == "unknown":
                return checks
            cid = campaign_of(found)
            if cid in self.campaigns:
                if cid not in self._judged:  # a campaign is judged once, however many numbers it has
                    self._judged[cid] = campaign_check(cid, self.campaigns[cid])
                checks.append(self._judged[cid])
            bid = self.brand_of(found)
            if bid and bid in self.brands:
                key = f"brand {bid}"
                if key not in self._judged:
                    self._judged[key] = brand_check(bid, self.brands[bid])
                checks.append(self._judged[key])
            return checks
        if toll_free_number:
            if self.toll_free_error is not None:
                error = self.toll_free_error
                return [refused("toll_free_verification", "toll-free verification requests", error, number)]
            return [toll_free_check(number, self.toll_free.get(number, []))]
        return []

    def brand_of(self, found: Assignment) -> str | None:
        campaign = self.campaigns.get(campaign_of(found))
        from_campaign = None if campaign is None or isinstance(campaign, Exception) else campaign.get("brandId")
        return found.get("brandId") or from_campaign


def read_registry(
    ops: SendPathOperations, ten_dlc_numbers: Iterable[str], toll_free_numbers: Iterable[str]
) -> Registry:
    """List what these numbers need (each listing once, side by side), then read each campaign and
    brand they name once.  Cost: the listings' pages + campaigns + brands."""
    ten_dlc, toll_free = list(ten_dlc_numbers), list(toll_free_numbers)
    listed = list_registrations(ops, ten_dlc=bool(ten_dlc), toll_free=bool(toll_free))
    return build_registry(ops, listed, ten_dlc, toll_free)


def list_registrations(ops: SendPathOperations, *, ten_dlc: bool, toll_free: bool) -> dict[str, Any]:
    """The account's 10DLC assignments and toll-free requests (those asked), side by side; a
    listing the key may not read (or that is not served) is kept as its error."""
    jobs: dict[str, Callable[[], Any]] = {}
    if ten_dlc:
        jobs["assignments"] = ops.list_phone_number_campaigns
    if toll_free:
        jobs["toll_free"] = ops.list_verification_requests
    return _side_by_side(jobs)


def build_registry(
    ops: SendPathOperations, listed: dict[str, Any], ten_dlc_numbers: Iterable[str], toll_free_numbers: Iterable[str]
) -> Registry:
    """Index the listings by number (only the numbers asked), and read each campaign and brand
    their assignments name, once each."""
    wanted_10dlc, wanted_tf = set(ten_dlc_numbers), set(toll_free_numbers)
    out = Registry()
    assignments = listed.get("assignments")
    if isinstance(assignments, Exception):
        out.assignments_error = assignments
    elif assignments is not None:
        for a in assignments:
            if a["phoneNumber"] in wanted_10dlc:
                out.assignments.setdefault(a["phoneNumber"], []).append(a)
    requests = listed.get("toll_free")
    if isinstance(requests, Exception):
        out.toll_free_error = requests
    elif requests is not None:
        for r in requests:
            for n in dict.fromkeys(r.get("numbers", [])):
                if n in wanted_tf:
                    out.toll_free.setdefault(n, []).append(r)
    campaign_ids = {campaign_of(found[0]) for found in out.assignments.values() if _single(found)}
    out.campaigns = _fetch_each(ops.get_campaign, campaign_ids)
    brand_ids = {b for found in out.assignments.values() if _single(found) for b in [out.brand_of(found[0])] if b}
    out.brands = _fetch_each(ops.get_brand, brand_ids)
    return out


def _single(found: Sequence[Assignment]) -> bool:
    """A number listed once (or its duplicates all agree): its campaign is worth reading."""
    return len({(a.get("campaignId"), a.get("assignmentStatus")) for a in found}) == 1


def _side_by_side(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Each listing's result, or its CredentialsError/NotFound (the check then says unknown)."""

    def guarded(job: Callable[[], Any]) -> Any:
        try:
            return job()
        except (CredentialsError, NotFound) as exc:
            return exc

    if len(jobs) <= 1:
        return {k: guarded(job) for k, job in jobs.items()}
    pool = ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="msgprof-registry")
    try:
        futures = {k: pool.submit(guarded, job) for k, job in jobs.items()}
        return {k: f.result() for k, f in futures.items()}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _fetch_each(fetch: Callable[[str], Any], ids: Iterable[str]) -> dict[str, Any]:
    ordered = sorted(ids)
    if not ordered:
        return {}

    def one(i: str) -> Any:
        try:
            return fetch(i)
        except (CredentialsError, NotFound) as exc:
            return exc

    pool = ThreadPoolExecutor(max_workers=min(FETCH_WORKERS, len(ordered)), thread_name_prefix="msgprof-fetch")
    try:
        return dict(zip(ordered, pool.map(one, ordered), strict=True))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def status_of(checks: Sequence[Check]) -> Status:
    return tables.worst(*(c.status for c in checks)) if checks else "pass"
