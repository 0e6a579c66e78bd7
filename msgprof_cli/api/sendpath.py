"""The send path's read operations: 10DLC assignments, campaigns and brands, toll-free
verification requests, opt-outs, hosted numbers and one message (telnyx-send-path.openapi.yaml).

A class over the one ``TelnyxClient`` (like ``SetupOperations``), so every call shares its
Session, retries, deadline and error decoding.  Paths come only from ``paths.path``; every answer
is checked here, at the boundary, into the typed records below (a field of the wrong JSON type is
``UnexpectedRecord``, exit 5); nothing downstream reads raw JSON.

Three envelopes:

* the messaging lists (opt-outs, hosted numbers) are ``data`` + ``meta`` and go through the
  client's one pager;
* the 10DLC operations answer bare objects, and their list is ``records`` / ``page`` /
  ``totalRecords`` with ``page`` and ``recordsPerPage`` parameters;
* the toll-free verification list is ``records`` / ``total_records`` with ``page`` and
  ``page_size``.

The client's pager (``TelnyxClient.pages``) reads ``data``/``meta`` only, so ``_record_pages``
below pages the two ``records`` envelopes, on top of the client's public ``get`` and
``page_slots``: the first page says how many there are, the others are read side by side (at
most the client's ``page_workers``) and kept in order; ``max_pages`` bounds a listing, and a page
holding more records than asked is refused.  A server that clamps the page size is followed:
the first page's length is the page size from then on.

Errors are the client's: 401/403 ``CredentialsError``, 404 ``NotFound``, and so on.  Whether a
refusal means "no such record" or "this check cannot be made" is the caller's to decide.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from msgprof_cli.api.client import MAX_PAGE_SIZE, TelnyxClient
from msgprof_cli.api.paths import ApiPath, Id, json_type, path, shown
from msgprof_cli.api.records import of_number
from msgprof_cli.errors import NotFound, UnexpectedAnswer, UnexpectedRecord

JSON = dict[str, Any]
RECORDS_PER_PAGE = 250  # the 10DLC and toll-free lists, as the messaging lists: cost grows with pages


class Assignment(TypedDict, total=False):
    """PhoneNumberCampaign: a number's 10DLC campaign assignment."""

    phoneNumber: str
    campaignId: str
    telnyxCampaignId: str | None
    tcrCampaignId: str | None
    brandId: str | None
    assignmentStatus: str | None
    failureReasons: str | None
    createdAt: str | None
    updatedAt: str | None


class Campaign(TypedDict, total=False):
    """TelnyxCampaign_CSP, the fields doctor reads."""

    campaignId: str
    brandId: str | None
    campaignStatus: str | None
    status: str | None
    failureReasons: str | None


class Brand(TypedDict, total=False):
    """TelnyxBrand, the fields doctor reads."""

    brandId: str
    status: str | None
    identityStatus: str | None
    failureReasons: str | None


class TollFreeRequest(TypedDict, total=False):
    """VerificationRequestStatus, the fields doctor reads; ``numbers`` from ``phoneNumbers``."""

    id: str
    verificationStatus: str
    reason: str | None
    createdAt: str | None
    updatedAt: str | None
    numbers: list[str]


class OptOut(TypedDict, total=False):
    """OptOutItem."""

    sender: str | None  # the API's `from`
    to: str | None
    keyword: str | None
    created_at: str | None
    messaging_profile_id: str | None


class HostedNumber(TypedDict, total=False):
    """PhoneNumberWithMessagingSettings as /messaging_hosted_numbers lists it, with the SDK's ``status``."""

    id: str
    phone_number: str
    messaging_profile_id: str | None
    status: str | None


class Message(TypedDict, total=False):
    """Outbound/InboundMessagePayload, the fields doctor reads."""

    id: str
    direction: str | None
    sender: str | None  # from.phone_number
    to: list[tuple[str, str | None]]  # (phone_number, status)
    messaging_profile_id: str | None
    errors: list[tuple[str, str, str]]  # (code, title, detail)
    type: str | None


@dataclass(frozen=True)
class OptOuts:
    """The opt-outs read, and whether they are all of them."""

    items: list[OptOut]
    complete: bool
    total: int | None


class SendPathOperations:
    """The send-path operations of the API, named after them; transport only."""

    def __init__(self, client: TelnyxClient) -> None:
        self.client = client
        # The record pages share the client's bound on pages in flight, so listings side by side
        # never open more connections than its pool holds.
        self._slots = client.page_slots

    # ------------------------------------------------------------------ 10DLC

    def get_phone_number_campaign(self, number: str) -> Assignment | None:
        """GetSinglePhoneNumberCampaign; None when the API says the number has none (404)."""
        try:
            raw = self.client.get(path("10dlc", "phone_number_campaigns", Id(number, "phone number")), enveloped=False)
        except NotFound:
            return None
        return of_number(assignment(raw), number, "10DLC assignment")

    def list_phone_number_campaigns(self) -> list[Assignment]:
        """GetAllPhoneNumberCampaigns, every page (duplicates kept: the caller decides)."""
        where = path("10dlc", "phone_number_campaigns")
        pages = self._record_pages(where, {}, ("page", "recordsPerPage"), "totalRecords")
        return [assignment(r) for r in pages]

    def get_campaign(self, campaign_id: str) -> Campaign:
        raw = self.client.get(path("10dlc", "campaign", Id(campaign_id, "campaign")), enveloped=False)
        return campaign(raw)

    def get_brand(self, brand_id: str) -> Brand:
        raw = self.client.get(path("10dlc", "brand", Id(brand_id, "brand")), enveloped=False)
        return brand(raw)

    # ------------------------------------------------------------------ toll-free verification

    def list_verification_requests(self, phone_number: str | None = None) -> list[TollFreeRequest]:
        """ListVerificationRequests (one number's, or the account's), every page."""
        params = {} if phone_number is None else {"phone_number": phone_number}
        where = path("messaging_tollfree", "verification", "requests")
        return [toll_free_request(r) for r in self._record_pages(where, params, ("page", "page_size"), "total_records")]

    # ------------------------------------------------------------------ messaging

    def list_opt_outs(self, profile_id: str, *, max_pages: int = 1) -> OptOuts:
        """ListOptOuts of a profile (``filter[messaging_profile_id]``), at most ``max_pages`` pages."""
        where = path("messaging_optouts")
        params = {"filter[messaging_profile_id]": profile_id}
        items: list[OptOut] = []
        total_pages = total = None
        read = 0
        for page in self.client.pages(where, params, limit=MAX_PAGE_SIZE * max_pages):
            if total_pages is None:
                total_pages, total = page.total_pages or 1, page.total_results
            read += 1
            items += [opt_out(r) for r in page.data]
        complete = read >= (total_pages or 1) or (total is not None and len(items) >= total)
        return OptOuts(items, complete, total)

    def list_hosted_numbers(self, *, phone_number: str | None = None) -> list[HostedNumber]:
        """ListMessagingHostedNumbers (``filter[phone_number]`` for one), every page."""
        params = {} if phone_number is None else {"filter[phone_number]": phone_number}
        pages = self.client.pages(path("messaging_hosted_numbers"), params)
        return [hosted_number(r) for page in pages for r in page.data]

    def get_message(self, message_id: str) -> Message:
        body = self.client.get(path("messages", Id(message_id, "message")))
        data = body.get("data")
        if not isinstance(data, dict):
            raise UnexpectedAnswer("GET /messages/{id}: the API answered without an object in `data`")
        return message(data)

    # ------------------------------------------------------------------ the records envelope

    def _record_pages(
        self, where: ApiPath, params: dict[str, Any], names: tuple[str, str], total_key: str
    ) -> list[JSON]:
        number_key, size_key = names
        size = RECORDS_PER_PAGE

        def fetch(n: int, asked: int) -> tuple[list[JSON], int | None]:
            with self._slots:
                body = self.client.get(where, {**params, number_key: n, size_key: asked}, enveloped=False)
            records = body.get("records")
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise UnexpectedAnswer(f"GET {where}: the API answered without a list of objects in `records`")
            if len(records) > asked:
                raise UnexpectedAnswer(f"GET {where}: the API answered {len(records)} records for a page of {asked}")
            return records, _count(body.get(total_key), total_key, where)

        first, total = fetch(1, size)
        if total is None or not first or total <= len(first):
            return first
        if len(first) < size:  # the server clamped the page size: follow it
            size = len(first)
        pages = math.ceil(total / size)
        if pages > self.client.max_pages:
            raise UnexpectedAnswer(
                f"GET {where}: the API reports {pages} pages; msgprof reads at most {self.client.max_pages}"
            )
        out = list(first)
        workers = max(1, min(self.client.page_workers, pages - 1))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="msgprof-records")
        try:
            futures = [pool.submit(fetch, n, size) for n in range(2, pages + 1)]
            for future in futures:  # in order; the first failed page fails the listing
                records, _ = future.result()
                out += records
                if not records:
                    break
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return out


# ---------------------------------------------------------------------- records, checked once


def assignment(raw: Mapping[str, Any]) -> Assignment:
    out = _record(raw, "10DLC assignment", ("phoneNumber", "campaignId"))
    for key in ("telnyxCampaignId", "tcrCampaignId", "brandId", "assignmentStatus", "failureReasons"):
        _optional(out, "10DLC assignment", key)
    for key in ("createdAt", "updatedAt"):
        _optional(out, "10DLC assignment", key)
    return cast(Assignment, out)


def campaign(raw: Mapping[str, Any]) -> Campaign:
    out = _record(raw, "10DLC campaign", ("campaignId",))
    for key in ("brandId", "campaignStatus", "status", "failureReasons"):
        _optional(out, "10DLC campaign", key)
    return cast(Campaign, out)


def brand(raw: Mapping[str, Any]) -> Brand:
    out = _record(raw, "10DLC brand", ("brandId",))
    for key in ("status", "identityStatus", "failureReasons"):
        _optional(out, "10DLC brand", key)
    return cast(Brand, out)


def toll_free_request(raw: Mapping[str, Any]) -> TollFreeRequest:
    out = _record(raw, "toll-free verification request", ("id", "verificationStatus"))
    for key in ("reason", "createdAt", "updatedAt"):
        _optional(out, "toll-free verification request", key)
    listed = out.get("phoneNumbers")
    if not isinstance(listed, list) or not all(
        isinstance(p, dict) and isinstance(p.get("phoneNumber"), str) for p in listed
    ):
        raise _bad("toll-free verification request", "phoneNumbers", listed, "a list of {phoneNumber: string}")
    out["numbers"] = [p["phoneNumber"] for p in listed]
    return cast(TollFreeRequest, out)


def opt_out(raw: Mapping[str, Any]) -> OptOut:
    out = dict(raw)
    for key in ("from", "to", "keyword", "created_at", "messaging_profile_id"):
        _optional(out, "opt-out", key)
    out["sender"] = out.pop("from", None)
    return cast(OptOut, out)


def hosted_number(raw: Mapping[str, Any]) -> HostedNumber:
    out = _record(raw, "hosted number", ("phone_number",))
    for key in ("id", "messaging_profile_id", "status"):
        _optional(out, "hosted number", key)
    return cast(HostedNumber, out)


def message(raw: Mapping[str, Any]) -> Message:
    what = "message"
    if not isinstance(raw.get("id"), str):
        raise _bad(what, "id", raw.get("id"), "a string")
    out: JSON = {"id": raw["id"]}
    for key in ("direction", "messaging_profile_id", "type"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise _bad(what, key, value, "a string or null")
        out[key] = value
    sender = raw.get("from")
    number = sender.get("phone_number") if isinstance(sender, dict) else None
    if sender is not None and not (isinstance(sender, dict) and (number is None or isinstance(number, str))):
        raise _bad(what, "from", sender, "an object with a string phone_number")
    out["sender"] = number
    out["to"] = _addressees(raw.get("to"), what)
    out["errors"] = _errors(raw.get("errors"), what)
    return cast(Message, out)


def _addressees(value: Any, what: str) -> list[tuple[str, str | None]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(what, "to", value, "a list")
    out = []
    for item in value:
        ok = isinstance(item, dict) and isinstance(item.get("phone_number"), str)
        status = item.get("status") if isinstance(item, dict) else None
        if not ok or not (status is None or isinstance(status, str)):
            raise _bad(what, "to", item, "an object with a string phone_number and status")
        out.append((item["phone_number"], status))
    return out


def _errors(value: Any, what: str) -> list[tuple[str, str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(what, "errors", value, "a list")
    out = []
    for item in value[:50]:
        if not isinstance(item, dict):
            raise _bad(what, "errors", item, "an object")
        code = item.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)  # x-format: integer; some answers send the number itself
        if not isinstance(code, str):
            raise _bad(what, "errors[].code", code, "a string")
        title, detail = item.get("title"), item.get("detail")
        out.append((code[:20], str(title or "")[:200], str(detail or "")[:500]))
    return out


def _record(raw: Mapping[str, Any], what: str, required: tuple[str, ...]) -> JSON:
    out = dict(raw)
    for key in required:
        if not isinstance(out.get(key), str) or not out[key]:
            raise _bad(what, key, out.get(key), "a non-empty string")
    return out


def _optional(out: JSON, what: str, key: str) -> None:
    value = out.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(what, key, value, "a string or null")
    out[key] = value or None


def _count(value: Any, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise UnexpectedAnswer(f"GET {where}: the API answered with {key} {shown(value)}, not a whole number")


def _bad(what: str, key: str, value: Any, expected: str) -> UnexpectedRecord:
    return UnexpectedRecord(
        f"the API answered with a {what} whose {key} is {shown(value)} (a JSON {json_type(value)}), not {expected}",
        hint="msgprof does not use a record it cannot read; check --base-url, or report it to the API's owner",
    )
