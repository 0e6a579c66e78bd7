"""Alphanumeric sender IDs: list, create, retrieve, delete (telnyx-messaging-setup spec).

A sender ID is 1 to 11 letters, digits or spaces (the pattern the spec gives ``alpha_sender``).
The same sender ID twice on one profile is refused (422), so a retried create cannot duplicate it.
"""

from __future__ import annotations

import uuid
from typing import Any

from msgprof_cli.document import setup_rules as rules
from msgprof_cli.sandbox.errors import HttpError, api_error, invalid, not_found
from msgprof_cli.sandbox.listing import page, paging
from msgprof_cli.sandbox.profiles import json_object
from msgprof_cli.sandbox.state import ORGANIZATION_ID, State

KIND = "alphanumeric_sender_ids"


def list_sender_ids(state: State, query: dict[str, str]) -> dict[str, Any]:
    # The spec sets no bounds on this list's paging: any page[number]/page[size] the API would
    # read as an integer is served (a size past the largest page answers everything at once).
    number, size = paging(query, status=422, lenient=True)  # the spec documents 401 and 422 only
    with state.lock:
        items = [dict(x) for x in state.related[KIND]]
    if "filter[messaging_profile_id]" in query:
        items = [x for x in items if x.get("messaging_profile_id") == query["filter[messaging_profile_id]"]]
    return page(items, number, size)


def _find(state: State, sender_id: str) -> dict[str, Any]:
    found = next((x for x in state.related[KIND] if x.get("id") == sender_id), None)
    if found is None:
        raise not_found("alphanumeric sender ID", sender_id)
    return found


def get_sender_id(state: State, sender_id: str) -> dict[str, Any]:
    with state.lock:
        return dict(_find(state, sender_id))


def delete_sender_id(state: State, sender_id: str) -> dict[str, Any]:
    with state.lock:
        found = _find(state, sender_id)
        state.related[KIND].remove(found)
        state.save()
        return dict(found)


def _problems(body: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    for field in ("alphanumeric_sender_id", "messaging_profile_id"):
        if field not in body:
            raise HttpError(
                422, [api_error("10004", "Missing required parameter", f"{field} is required", f"/{field}")]
            )
    value, fallback = body["alphanumeric_sender_id"], body.get("us_long_code_fallback")
    # msgprof's own rules (document/setup_rules.py): one rule per field for msgprof and its sandbox
    if not isinstance(value, str) or rules.sender_id_problem(value):
        problems.append(("/alphanumeric_sender_id", "must be 1 to 11 letters, digits or spaces"))
    if fallback is not None and (not isinstance(fallback, str) or rules.us_long_code_problem(fallback)):
        problems.append(("/us_long_code_fallback", "must be a US long code in +E.164 form: +1 and ten digits"))
    if not isinstance(body["messaging_profile_id"], str):
        problems.append(("/messaging_profile_id", "must be a messaging profile id"))
    return problems


def seed_problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A seeded sender ID checked as a create request is (seeding.py): (pointer, detail)."""
    try:
        return _problems(record)
    except HttpError as exc:  # a missing field
        return [(e["source"]["pointer"], e["detail"]) for e in exc.errors]


def create_sender_id(state: State, body: Any) -> dict[str, Any]:
    body = json_object(body)
    problems = _problems(body)
    if problems:
        raise invalid(problems)
    profile_id, value = body["messaging_profile_id"], body["alphanumeric_sender_id"]
    with state.lock:
        if profile_id not in state.profiles:
            raise invalid([("/messaging_profile_id", f"No messaging profile with id {profile_id[:40]}.")])
        if any(
            x.get("messaging_profile_id") == profile_id and x.get("alphanumeric_sender_id") == value
            for x in state.related[KIND]
        ):
            raise invalid([("/alphanumeric_sender_id", f"{value!r} already exists on this messaging profile")])
        record = {
            "record_type": "alphanumeric_sender_id",
            "id": str(uuid.uuid4()),
            "alphanumeric_sender_id": value,
            "messaging_profile_id": profile_id,
            "organization_id": ORGANIZATION_ID,
        }
        if body.get("us_long_code_fallback") is not None:
            record["us_long_code_fallback"] = body["us_long_code_fallback"]
        state.related[KIND].append(record)
        state.save()
        return dict(record)
