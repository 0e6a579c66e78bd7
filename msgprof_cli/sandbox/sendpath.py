"""The send path (issue 29): 10DLC brands, campaigns and number assignments, toll-free
verification requests, opt-outs, hosted numbers and messages (``telnyx-send-path`` spec subset).

Records are kept in the spec's shapes (the 10DLC ones camelCase, as the API answers them), in
``State.sendpath`` under the state file's keys in ``SENDPATH``; a key starting with ``_`` is the
sandbox's own bookkeeping, kept in the state file and never answered.

An assignment made here (POST, or PUT to another campaign) is ``PENDING_ASSIGNMENT`` and is
worked off as it is polled, like a bulk order (numbers.py): each GET of
``/10dlc/phone_number_campaigns/{phoneNumber}`` counts one poll, and after ``State.order_polls``
polls it is ``ASSIGNED`` (0: at once). Lists show the state as it is and never advance it. A
seeded assignment without ``_polls_left`` keeps the status it was given (the demo's pending one
stays pending).

Errors take the shape each operation documents: ``{"errors": [...]}`` (10dlc_Errors,
toll-free-verification_Errors, messaging_Errors), and FastAPI's ``{"detail": [...]}``
(HTTPValidationError) for a bad query on the operations that document a 422 with it.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from msgprof_cli.document import registration
from msgprof_cli.document.setup_rules import is_toll_free, ten_dlc_number_problem
from msgprof_cli.sandbox.errors import HttpError, api_error, invalid
from msgprof_cli.sandbox.listing import enum_param, page, paging
from msgprof_cli.sandbox.profiles import json_object
from msgprof_cli.sandbox.state import E164, SEEDED_AT, SENDPATH, State, now_iso, number_record

MAX_RECORDS_PER_PAGE = 500  # GetBrands: "maximum of 500"; GetCampaigns: "between 1 and 500"
# the spec: page_size "is automatically clamped if ... too large", without the value: 100 is the sandbox's
TF_MAX_PAGE_SIZE = 100
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# The ids each collection is keyed by (unique within it).
ID_KEYS = {
    "brands": "brandId",
    "campaigns": "campaignId",
    "phone_number_campaigns": "phoneNumber",
    "tollfree_verifications": "id",
    "optouts": None,
    "hosted_numbers": "id",
    "messages": "id",
}


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record as answered: without the sandbox's own ``_`` keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _records(state: State, kind: str) -> list[dict[str, Any]]:
    return state.sendpath[kind]


def _find(state: State, kind: str, ident: str) -> dict[str, Any] | None:
    key = ID_KEYS[kind]
    return next((r for r in _records(state, kind) if key and r.get(key) == ident), None)


# ----------------------------------------------------------------------------- errors and params


def _not_found(what: str, ident: str) -> HttpError:
    return HttpError(404, [api_error("10005", "Resource not found", f"No {what} {ident[:80]}.")])


class Answer(Exception):
    """An error answer whose body is not the usual ``{"errors": [...]}``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status, self.body = status, body


class _Validation(Answer):
    """A bad query on an operation documenting a 422 HTTPValidationError."""

    def __init__(self, name: str, msg: str) -> None:
        super().__init__(422, {"detail": [{"loc": ["query", name], "msg": msg, "type": "value_error"}]})


def _int(query: dict[str, str], name: str, default: int | None, lo: int, hi: int | None, fastapi: bool) -> int:
    raw = query.get(name)
    if raw is None:
        if default is None:
            msg = "field required"
            raise (
                _Validation(name, msg)
                if fastapi
                else HttpError(
                    400, [api_error("10004", "Missing required parameter", f"{name} is required", parameter=name)]
                )
            )
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < lo or (hi is not None and value > hi):
        msg = f"{name} must be an integer " + (f"between {lo} and {hi}" if hi is not None else f"of at least {lo}")
        raise (
            _Validation(name, msg)
            if fastapi
            else HttpError(400, [api_error("10015", "Invalid parameter", msg, parameter=name)])
        )
    return value


def _tcr_page(items: list[dict[str, Any]], query: dict[str, str], fastapi: bool = False) -> dict[str, Any]:
    """The 10DLC envelope: ``records``, ``page``, ``totalRecords`` (``recordsPerPage`` a page)."""
    number = _int(query, "page", 1, 1, None, fastapi)
    size = _int(query, "recordsPerPage", 10, 1, MAX_RECORDS_PER_PAGE, fastapi)
    start = (number - 1) * size
    return {"records": items[start : start + size], "page": number, "totalRecords": len(items)}


def _sorted(items: list[dict[str, Any]], query: dict[str, str], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """``sort``: a field of ``keys``, ``-`` first for descending; createdAt descending by default."""
    allowed = tuple(x for k in keys for x in (k, f"-{k}"))
    order = enum_param(query, "sort", allowed) or "-createdAt"
    field = order.lstrip("-")
    return sorted(items, key=lambda r: str(r.get(field, "")), reverse=order.startswith("-"))


# ----------------------------------------------------------------------------- 10DLC brands, campaigns

BRAND_BASIC = (
    "brandId",
    "tcrBrandId",
    "displayName",
    "companyName",
    "entityType",
    "email",
    "website",
    "status",
    "identityStatus",
    "failureReasons",
    "createdAt",
    "updatedAt",
)


def _brand_campaigns(state: State, brand_id: str) -> int:
    return sum(1 for c in _records(state, "campaigns") if c.get("brandId") == brand_id)


def list_brands(state: State, query: dict[str, str]) -> dict[str, Any]:
    with state.lock:
        items = []
        for b in _records(state, "brands"):
            basic = {k: b[k] for k in BRAND_BASIC if k in b}
            basic["assignedCampaingsCount"] = _brand_campaigns(state, b["brandId"])  # the spec's spelling
            items.append(basic)
    for name in ("brandId", "tcrBrandId", "displayName", "entityType", "state", "country"):
        if query.get(name):
            items = [b for b in items if str(b.get(name, "")) == query[name]]
    items = _sorted(
        items,
        query,
        ("assignedCampaignsCount", "brandId", "createdAt", "displayName", "identityStatus", "status", "tcrBrandId"),
    )
    return _tcr_page(items, query)


def get_brand(state: State, brand_id: str) -> dict[str, Any]:
    with state.lock:
        brand = _find(state, "brands", brand_id)
        if brand is None:
            raise _not_found("brand with brandId", brand_id)
        return {**public(brand), "assignedCampaignsCount": _brand_campaigns(state, brand_id)}


def _campaign_numbers(state: State, campaign_id: str) -> int:
    return sum(1 for a in _records(state, "phone_number_campaigns") if a.get("campaignId") == campaign_id)


def list_campaigns(state: State, query: dict[str, str]) -> dict[str, Any]:
    if not query.get("brandId"):
        raise _Validation("brandId", "field required")
    with state.lock:
        items = [
            {**public(c), "assignedPhoneNumbersCount": _campaign_numbers(state, c["campaignId"])}
            for c in _records(state, "campaigns")
            if c.get("brandId") == query["brandId"]
        ]
    items = _sorted(items, query, ("assignedPhoneNumbersCount", "campaignId", "createdAt", "status", "tcrCampaignId"))
    return _tcr_page(items, query, fastapi=True)


def get_campaign(state: State, campaign_id: str) -> dict[str, Any]:
    with state.lock:
        campaign = _find(state, "campaigns", campaign_id)
        if campaign is None:
            raise _not_found("campaign with campaignId", campaign_id)
        return public(campaign)


# ----------------------------------------------------------------------------- 10DLC number assignments

ASSIGNMENT_FILTERS = {
    "filter[telnyx_campaign_id]": "telnyxCampaignId",
    "filter[telnyx_brand_id]": "brandId",
    "filter[tcr_campaign_id]": "tcrCampaignId",
    "filter[tcr_brand_id]": "tcrBrandId",
}


def list_assignments(state: State, query: dict[str, str]) -> dict[str, Any]:
    if "recordsPerPage" not in query:
        query = {**query, "recordsPerPage": "20"}  # this operation's default
    with state.lock:  # filtered and sorted as they are; only the page's records are copied
        items = _records(state, "phone_number_campaigns")
        for name, field in ASSIGNMENT_FILTERS.items():
            if name in query:
                items = [a for a in items if a.get(field) == query[name]]
        answer = _tcr_page(_sorted(items, query, ("assignmentStatus", "createdAt", "phoneNumber")), query)
        answer["records"] = [public(a) for a in answer["records"]]
    return answer


def get_assignment(state: State, phone_number: str) -> dict[str, Any]:
    with state.lock:
        record = _find(state, "phone_number_campaigns", phone_number)
        if record is None:
            raise _not_found("campaign assignment for the phone number", phone_number)
        if record.get("_polls_left") is not None:
            _poll(record)
            state.save()
        return public(record)


def _poll(record: dict[str, Any]) -> None:
    record["_polls_left"] -= 1
    if record["_polls_left"] <= 0:
        del record["_polls_left"]
        record["assignmentStatus"] = "ASSIGNED"
        record["updatedAt"] = _stamp()


def _stamp() -> str:
    return now_iso().rstrip("Z")  # the 10DLC records' form: '2021-03-08T17:57:48.801186'


def _assignment_body(state: State, body: Any, path_number: str | None) -> tuple[str, dict[str, Any]]:
    """(phone number, campaign) of a PhoneNumberCampaignCreate body; 422 when it is not one."""
    body = json_object(body)
    problems = []
    number, campaign_id = body.get("phoneNumber"), body.get("campaignId")
    for name, value in (("phoneNumber", number), ("campaignId", campaign_id)):
        if value is None:
            problems.append((f"/{name}", f"{name} is required"))
        elif not isinstance(value, str) or not value:
            problems.append((f"/{name}", f"{name} must be a non-empty string"))
    if problems:
        raise invalid(problems)
    assert isinstance(number, str) and isinstance(campaign_id, str)
    if path_number is not None and number != path_number:
        raise invalid(
            [("/phoneNumber", f"phoneNumber {number[:40]} is not the number of the path, {path_number[:40]}")]
        )
    if not E164.fullmatch(number):
        raise invalid([("/phoneNumber", f"{number[:40]} is not a +E.164 phone number")])
    problem = ten_dlc_number_problem(number)  # 10DLC is for US long codes only
    if problem:
        raise invalid([("/phoneNumber", problem[0])])
    if state.number(number) is None:
        raise invalid([("/phoneNumber", f"The phone number {number[:40]} is not in your account.")])
    campaign = _find(state, "campaigns", campaign_id)
    if campaign is None:
        raise invalid([("/campaignId", f"No campaign with campaignId {campaign_id[:80]}.")])
    return number, campaign


def _assign(state: State, record: dict[str, Any], campaign: dict[str, Any]) -> None:
    record.update(
        campaignId=campaign["campaignId"],
        telnyxCampaignId=campaign["campaignId"],
        brandId=campaign.get("brandId", ""),
        updatedAt=_stamp(),
    )
    for key in ("tcrCampaignId", "tcrBrandId"):
        if campaign.get(key):
            record[key] = campaign[key]
        else:
            record.pop(key, None)
    record.pop("failureReasons", None)
    if state.order_polls <= 0:
        record["assignmentStatus"] = "ASSIGNED"
        record.pop("_polls_left", None)
    else:
        record["assignmentStatus"] = "PENDING_ASSIGNMENT"
        record["_polls_left"] = state.order_polls


def create_assignment(state: State, body: Any) -> dict[str, Any]:
    with state.lock:
        number, campaign = _assignment_body(state, body, None)
        existing = _find(state, "phone_number_campaigns", number)
        if existing is not None:  # the spec documents 4XX only: 409 and 10012 are the sandbox's choice
            raise HttpError(
                409,
                [
                    api_error(
                        "10012",
                        "Duplicate resource",
                        f"{number} is already assigned to campaign {existing.get('campaignId', '')[:80]}; "
                        "PUT /10dlc/phone_number_campaigns/{phoneNumber} changes it",
                        pointer="/phoneNumber",
                    )
                ],
            )
        stamp = _stamp()
        record: dict[str, Any] = {"phoneNumber": number, "createdAt": stamp}
        _assign(state, record, campaign)
        _records(state, "phone_number_campaigns").append(record)
        state.save()
        return public(record)


def update_assignment(state: State, phone_number: str, body: Any) -> dict[str, Any]:
    """Move an assignment to another campaign; a number without one is a 404 (the sandbox's
    reading: the spec's summary calls PUT "Create New Phone Number Campaign", but says no more)."""
    with state.lock:
        record = _find(state, "phone_number_campaigns", phone_number)
        if record is None:
            raise _not_found("campaign assignment for the phone number", phone_number)
        _, campaign = _assignment_body(state, body, phone_number)
        if campaign["campaignId"] != record.get("campaignId") or record.get("assignmentStatus") == "FAILED_ASSIGNMENT":
            _assign(state, record, campaign)
            state.save()
        return public(record)


def delete_assignment(state: State, phone_number: str) -> dict[str, Any]:
    """Removed at once (the spec has PENDING_UNASSIGNMENT, but says not when it is used): the
    answer is the assignment as it was."""
    with state.lock:
        record = _find(state, "phone_number_campaigns", phone_number)
        if record is None:
            raise _not_found("campaign assignment for the phone number", phone_number)
        _records(state, "phone_number_campaigns").remove(record)
        state.save()
        return public(record)


# ----------------------------------------------------------------------------- toll-free verification


def _uuid_path(ident: str, what: str) -> None:
    if not UUID.match(ident):
        raise HttpError(400, [api_error("10015", "Invalid parameter", f"the {what} id is a UUID", parameter="id")])


def list_verifications(state: State, query: dict[str, str]) -> dict[str, Any]:
    number = _int(query, "page", None, 1, None, False)
    size = min(_int(query, "page_size", None, 1, None, False), TF_MAX_PAGE_SIZE)
    status = query.get("status")
    if status is not None and status not in TF_STATUSES:
        raise HttpError(
            400,
            [
                api_error(
                    "10015", "Invalid parameter", f"status must be one of {', '.join(TF_STATUSES)}", parameter="status"
                )
            ],
        )
    with state.lock:  # filtered as they are; only the page's records are copied
        items = _records(state, "tollfree_verifications")
        if query.get("phone_number"):
            wanted = query["phone_number"]
            items = [v for v in items if any(p.get("phoneNumber") == wanted for p in v.get("phoneNumbers", []))]
        if status is not None:
            items = [v for v in items if v.get("verificationStatus") == status]
        if query.get("business_name"):
            name = query["business_name"].lower()
            items = [v for v in items if name in str(v.get("businessName", "")).lower()]
        start = (number - 1) * size
        return {"records": [public(v) for v in items[start : start + size]], "total_records": len(items)}


TF_STATUSES = (
    "Verified",
    "Rejected",
    "Waiting For Vendor",
    "Waiting For Customer",
    "Waiting For Telnyx",
    "In Progress",
)


def get_verification(state: State, ident: str) -> dict[str, Any]:
    _uuid_path(ident, "verification request")
    with state.lock:
        record = _find(state, "tollfree_verifications", ident)
        if record is None:
            raise _not_found("verification request with id", ident)
        return public(record)


def verification_history(state: State, ident: str, query: dict[str, str]) -> dict[str, Any]:
    _uuid_path(ident, "verification request")
    number = _int(query, "page[number]", None, 1, None, False)
    size = min(_int(query, "page[size]", None, 1, None, False), TF_MAX_PAGE_SIZE)
    with state.lock:
        record = _find(state, "tollfree_verifications", ident)
        if record is None:
            raise _not_found("verification request with id", ident)
        history = [dict(h) for h in record.get("_history", [])]
    start = (number - 1) * size
    return {"records": history[start : start + size], "total_records": len(history)}


# ----------------------------------------------------------------------------- opt-outs, hosted, messages


def list_optouts(state: State, query: dict[str, str]) -> dict[str, Any]:
    try:
        number, size = paging(query)
    except HttpError as exc:
        # ListOptOuts documents its 400 as one messaging_Error, not a list: the answer is that
        # error, with the usual errors[] beside it for the clients that read errors[]
        raise Answer(400, {**exc.errors[0], "errors": exc.errors}) from None
    with state.lock:
        items = [public(o) for o in _records(state, "optouts")]
    if "filter[messaging_profile_id]" in query:
        items = [o for o in items if o.get("messaging_profile_id") == query["filter[messaging_profile_id]"]]
    if "filter[from]" in query:
        items = [o for o in items if o.get("from") == query["filter[from]"]]
    if query.get("created_at[gte]"):
        items = [o for o in items if str(o.get("created_at", "")) >= query["created_at[gte]"]]
    if query.get("created_at[lte]"):
        items = [o for o in items if str(o.get("created_at", "")) <= query["created_at[lte]"]]
    if query.get("redaction_enabled", "").lower() == "true":
        items = [{**o, "to": o["to"][:-4] + "****"} if isinstance(o.get("to"), str) else o for o in items]
    return page(items, number, size)


def list_hosted(state: State, query: dict[str, str]) -> dict[str, Any]:
    number, size = paging(query)
    order = enum_param(query, "sort[phone_number]", ("asc", "desc"))
    with state.lock:
        items = [public(h) for h in _records(state, "hosted_numbers")]
    if "filter[messaging_profile_id]" in query:
        items = [h for h in items if h.get("messaging_profile_id") == query["filter[messaging_profile_id]"]]
    if "filter[phone_number]" in query:
        items = [h for h in items if h.get("phone_number") == query["filter[phone_number]"]]
    if "filter[phone_number][contains]" in query:
        items = [h for h in items if query["filter[phone_number][contains]"] in str(h.get("phone_number", ""))]
    if order is not None:
        items.sort(key=lambda h: str(h.get("phone_number", "")), reverse=order == "desc")
    return page(items, number, size)


def get_hosted(state: State, ident: str) -> dict[str, Any]:
    """By id or by phone number (the spec: "The ID or phone number of the hosted number")."""
    with state.lock:
        for h in _records(state, "hosted_numbers"):
            if ident in (h.get("id"), h.get("phone_number")):
                return public(h)
    raise _not_found("hosted number", ident)


def get_message(state: State, ident: str) -> dict[str, Any]:
    _uuid_path(ident, "message")
    with state.lock:
        record = _find(state, "messages", ident)
        if record is None:
            raise _not_found("message with id", ident)
        return public(record)


# ----------------------------------------------------------------------------- seeding


_TS = SEEDED_AT.rstrip("Z")  # the 10DLC records' timestamps have no zone
# What a seeded record of each kind has unless the seed says otherwise (ids: see complete()).
DEFAULTS: dict[str, dict[str, Any]] = {
    "brands": {
        "entityType": "PRIVATE_PROFIT",
        "displayName": "Sandbox Brand",
        "country": "US",
        "email": "brand@example.com",
        "brandRelationship": "BASIC_ACCOUNT",
        "vertical": "TECHNOLOGY",
        "status": "OK",
        "identityStatus": "VERIFIED",
        "createdAt": _TS,
        "updatedAt": _TS,
    },
    "campaigns": {
        "brandId": "",
        "cspId": "SANDBOX",
        "description": "Sandbox campaign",
        "mock": False,
        "subUsecases": [],
        "termsAndConditions": True,
        "usecase": "MIXED",
        "campaignStatus": "MNO_PROVISIONED",
        "status": "ACTIVE",
        "createDate": _TS,
    },
    "phone_number_campaigns": {"campaignId": "", "assignmentStatus": "ASSIGNED", "createdAt": _TS, "updatedAt": _TS},
    "tollfree_verifications": {
        "businessName": "Sandbox Inc",
        "corporateWebsite": "https://example.com",
        "businessAddr1": "1 Example Street",
        "businessCity": "Austin",
        "businessState": "Texas",
        "businessZip": "78701",
        "businessContactFirstName": "Sam",
        "businessContactLastName": "Box",
        "businessContactEmail": "sam@example.com",
        "businessContactPhone": "+18005550199",
        "messageVolume": "1,000",
        "phoneNumbers": [],
        "useCase": "2FA",
        "useCaseSummary": "One-time codes for sign-in",
        "productionMessageContent": "Your code is 123456",
        "optInWorkflow": "Users opt in when they sign up",
        "optInWorkflowImageURLs": [],
        "additionalInformation": "",
        "verificationStatus": "In Progress",
        "createdAt": SEEDED_AT,
        "updatedAt": SEEDED_AT,
    },
    "optouts": {"messaging_profile_id": None, "keyword": "STOP", "created_at": SEEDED_AT},
    "hosted_numbers": {"record_type": "messaging_phone_number"},
    "messages": {
        "record_type": "message",
        "direction": "outbound",
        "type": "SMS",
        "text": "",
        "errors": [],
        "to": [],
        "tags": [],
        "parts": 1,
        "encoding": "GSM-7",
        "received_at": SEEDED_AT,
        "sent_at": None,
        "completed_at": None,
    },
}


def complete(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """A seeded record with what its answers need and the seed left out (ids given are kept)."""
    base: dict[str, Any] = {}
    if kind == "hosted_numbers" and isinstance(item.get("phone_number"), str):
        base = number_record(item["phone_number"])  # a hosted number's record is a number's
    key = ID_KEYS[kind]
    if key and key != "phoneNumber":
        base[key] = base.get(key) or str(uuid.uuid4())
    record = {**base, **copy.deepcopy(DEFAULTS[kind]), **item}
    if kind == "tollfree_verifications" and "_history" not in record:
        status, reason = record["verificationStatus"], record.get("reason")
        record["_history"] = [{"verificationStatus": status, "reason": reason, "updatedAt": record["updatedAt"]}]
    return record


def completed(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every send-path collection of a state (the reset body's format), completed; 422 when an
    id is given twice or a record is not an object."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in SENDPATH:
        items = data.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise invalid([(f"/{kind}", f"{kind} must be a list of objects")])
        out[kind] = [complete(kind, dict(x)) for x in items]
        key = ID_KEYS[kind]
        if key:
            seen: set[Any] = set()
            for i, record in enumerate(out[kind]):
                ident = record.get(key)
                if not isinstance(ident, str) or not ident:
                    raise invalid([(f"/{kind}/{i}/{key}", f"{key} is a non-empty string")])
                if ident in seen:
                    raise invalid([(f"/{kind}/{i}/{key}", f"{key} {ident[:40]!r} is given twice")])
                seen.add(ident)
    return out


# ----------------------------------------------------------------------------- what a seed may hold

# An id the API gives its records: letters, digits and hyphens (the spec's examples: UUIDs, the
# 10DLC ids 4b300178-131c-d902-d54e-72d90ba1620j, TCR ids CWZTFH1, hosted ids 1293384261075731600),
# so that it is a path segment as it is: "../x" never is one.
_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# The enums a seed's fields are checked against: the spec's (telnyx-send-path.openapi.yaml) and,
# for the hosted number's status, the official SDK's (document/registration.py names both).
_ENUMS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "brands": (
        ("status", ("OK", "REGISTRATION_PENDING", "REGISTRATION_FAILED")),  # TelnyxBrand.status
        ("identityStatus", ("VERIFIED", "UNVERIFIED", "SELF_DECLARED", "VETTED_VERIFIED")),  # BrandIdentityStatus
        ("entityType", ("PRIVATE_PROFIT", "PUBLIC_PROFIT", "NON_PROFIT", "GOVERNMENT", "SOLE_PROPRIETOR")),
    ),
    "campaigns": (("campaignStatus", tuple(registration.CAMPAIGN_STATUS)),),  # TelnyxCampaign_CSP
    "phone_number_campaigns": (("assignmentStatus", tuple(registration.ASSIGNMENT)),),  # PhoneNumberCampaign
    "tollfree_verifications": (("verificationStatus", TF_STATUSES),),  # TFVerificationStatus
    "hosted_numbers": (("status", tuple(registration.HOSTED)),),  # HostedNumber.status (SDK)
    "messages": (("type", ("SMS", "MMS")), ("direction", ("outbound", "inbound"))),  # *MessagePayload
}


def _shape_problems(kind: str, x: dict[str, Any]) -> list[tuple[str, str]]:
    """A record's id that is not one, and its enum fields' values that the spec does not have."""
    problems = []
    key = ID_KEYS[kind]
    value = x.get(key) if key else None
    if key and key != "phoneNumber" and value is not None and not (isinstance(value, str) and _ID.fullmatch(value)):
        problems.append((key, f"{repr(value)[:50]} is not an id (1 to 64 letters, digits and hyphens)"))
    elif kind in ("tollfree_verifications", "messages") and isinstance(value, str) and not UUID.match(value):
        # read by a UUID path (get_verification, get_message)
        problems.append(("id", f"{value[:50]!r} is not a UUID (the spec's id of a {kind[:-1].replace('_', ' ')})"))
    for field, allowed in _ENUMS.get(kind, ()):
        if field in x and x[field] not in allowed:
            problems.append((field, f"{repr(x[field])[:50]} is not one of the spec's values: {', '.join(allowed)}"))
    return problems


def _number_problems(number: Any, numbers: set[Any]) -> list[tuple[str, str]]:
    """What is wrong with an assignment's ``phoneNumber``: a US long code of the inventory."""
    if not isinstance(number, str) or not E164.fullmatch(number):
        return [("phoneNumber", f"{repr(number)[:50]} is not a +E.164 phone number")]
    problem = ten_dlc_number_problem(number)
    if problem:
        return [("phoneNumber", problem[0])]
    if number not in numbers:
        return [("phoneNumber", f"{number} is not a number of this seed's phone_numbers")]
    return []


def seed_problems(data: dict[str, Any], profile_ids: set[Any]) -> list[tuple[str, int, str, str]]:
    """Every send-path record of a seed (the reset body's format) that the API could never hold,
    as (collection, index, field, detail): an enum value the spec does not have, an id that is not
    one, a reference to a record the seed does not hold, a 10DLC assignment of a number that is not
    a US long code (or of one the inventory does not hold), a toll-free request for a number that is
    not toll-free."""
    # long: one rule per collection, a few lines each, read best side by side
    problems: list[tuple[str, int, str, str]] = []

    def items(kind: str) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(kind)
        return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []

    def add(kind: str, i: int, field: str, detail: str) -> None:
        problems.append((kind, i, field, detail))

    def ids(kind: str, key: str) -> set[Any]:
        return {x.get(key) for _, x in items(kind)}

    def refers(kind: str, i: int, x: dict[str, Any], field: str, known: set[Any], what: str) -> None:
        value = x.get(field)
        if value not in (None, "") and value not in known:
            add(kind, i, field, f"no {what} of this seed has the id {repr(value)[:50]}")

    for kind in ID_KEYS:
        for i, x in items(kind):
            for field, detail in _shape_problems(kind, x):
                add(kind, i, field, detail)
    brands, campaigns = ids("brands", "brandId"), ids("campaigns", "campaignId")
    numbers = {
        n if isinstance(n, str) else n.get("phone_number")
        for n in data.get("phone_numbers") or []
        if isinstance(n, (str, dict))
    }
    for i, c in items("campaigns"):
        refers("campaigns", i, c, "brandId", brands, "brand")
    for i, a in items("phone_number_campaigns"):
        for field, detail in _number_problems(a.get("phoneNumber"), numbers):
            add("phone_number_campaigns", i, field, detail)
        if a.get("campaignId") in (None, ""):
            add("phone_number_campaigns", i, "campaignId", "is missing: an assignment is to a campaign")
        refers("phone_number_campaigns", i, a, "campaignId", campaigns, "campaign")
        refers("phone_number_campaigns", i, a, "brandId", brands, "brand")
    for i, v in items("tollfree_verifications"):
        listed = v.get("phoneNumbers", [])
        for j, entry in enumerate(listed if isinstance(listed, list) else [None]):
            number = entry.get("phoneNumber") if isinstance(entry, dict) else entry
            if not isinstance(number, str) or not E164.fullmatch(number) or not is_toll_free(number):
                add("tollfree_verifications", i, f"phoneNumbers[{j}]", f"{repr(number)[:50]} is not a toll-free number")
    for kind in ("optouts", "hosted_numbers", "messages"):
        for i, x in items(kind):
            refers(kind, i, x, "messaging_profile_id", profile_ids, "profile")
    for i, x in items("hosted_numbers"):
        if not isinstance(x.get("phone_number"), str) or not E164.fullmatch(x["phone_number"]):
            add("hosted_numbers", i, "phone_number", f"{repr(x.get('phone_number'))[:50]} is not a +E.164 phone number")
    return problems


def complete_state(state: State) -> None:
    """Complete the send-path records a state file gave; a malformed one refuses the file."""
    from msgprof_cli.errors import InvalidInput

    try:
        state.sendpath = completed(state.sendpath)
    except HttpError as exc:
        where = exc.errors[0].get("source", {}).get("pointer", "")
        state.close(write=False)  # the state file is free for the next try
        raise InvalidInput(
            f"sandbox state file {state.path}: {where} {exc.errors[0].get('detail', '')}".strip(),
            hint="fix it, or move it away to start with an empty sandbox",
        ) from None
