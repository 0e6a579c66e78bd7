"""Phone numbers' messaging settings and bulk assignment orders (telnyx-messaging-setup spec).

A bulk order answers with every owned number ``pending`` (numbers the account does not own are
``failed`` at once). It is worked off as it is polled, not on a timer: each GET of the order
processes the next share of its numbers, so after ``State.order_polls`` GETs it is done. Tests
therefore never wait on the clock, and a client sees real progress between polls.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from msgprof_cli.sandbox.errors import HttpError, api_error, invalid, not_found
from msgprof_cli.sandbox.listing import enum_param, later, page, paging
from msgprof_cli.sandbox.profiles import json_object
from msgprof_cli.sandbox.state import E164, State

NUMBER_TYPES = ("tollfree", "longcode", "shortcode")
MAX_BULK = 5000


def get_number(state: State, ref: str) -> dict[str, Any]:
    with state.lock:
        number = state.number(ref)
        if number is None:
            raise not_found("phone number", ref)
        return dict(number)


def list_numbers(state: State, query: dict[str, str]) -> dict[str, Any]:
    number, size = paging(query)
    kind = enum_param(query, "filter[type]", NUMBER_TYPES)
    order = enum_param(query, "sort[phone_number]", ("asc", "desc"))
    with state.lock:
        items = [dict(n) for n in state.related["phone_numbers"]]
    if "filter[messaging_profile_id]" in query:
        items = [n for n in items if n.get("messaging_profile_id") == query["filter[messaging_profile_id]"]]
    if "filter[phone_number]" in query:
        wanted = {x.strip() for x in query["filter[phone_number]"].split(",")}
        items = [n for n in items if n["phone_number"] in wanted]
    if "filter[phone_number][contains]" in query:
        items = [n for n in items if query["filter[phone_number][contains]"] in n["phone_number"]]
    if kind is not None:
        items = [n for n in items if n.get("type") == kind]
    if order is not None:
        items.sort(key=lambda n: n["phone_number"], reverse=order == "desc")
    return page(items, number, size)


def _profile_ref(state: State, value: Any, pointer: str) -> str | None:
    """The profile a number should move to: None to unassign (""), else an existing profile's id."""
    if not isinstance(value, str):
        raise invalid([(pointer, 'messaging_profile_id must be a string: a profile id, or "" to unassign')])
    if value == "":
        return None
    if value not in state.profiles:
        raise invalid([(pointer, f"No messaging profile with id {value[:40]}.")])
    return value


def update_number(state: State, ref: str, body: Any) -> dict[str, Any]:
    body = json_object(body)
    problems = []
    product, tags = body.get("messaging_product"), body.get("tags")
    if product is not None and (not isinstance(product, str) or not product):
        problems.append(("/messaging_product", "messaging_product must be a non-empty string"))
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        problems.append(("/tags", "tags must be a list of strings"))
    if problems:
        raise invalid(problems)
    with state.lock:
        number = state.number(ref)
        if number is None:
            raise not_found("phone number", ref)
        if body.get("messaging_profile_id") is not None:
            number["messaging_profile_id"] = _profile_ref(state, body["messaging_profile_id"], "/messaging_profile_id")
        if product is not None:
            number["messaging_product"] = product
        if tags is not None:
            number["tags"] = list(tags)
        number["updated_at"] = later(number["updated_at"])
        state.save()
        return dict(number)


def _bulk_numbers(body: dict[str, Any]) -> list[str]:
    numbers = body.get("numbers")
    if "numbers" not in body:
        raise HttpError(422, [api_error("10004", "Missing required parameter", "numbers is required", "/numbers")])
    if not isinstance(numbers, list) or not numbers or len(numbers) > MAX_BULK:
        raise invalid([("/numbers", f"numbers must be a list of 1 to {MAX_BULK} +E.164 phone numbers")])
    bad = [(f"/numbers/{i}", "is not a +E.164 phone number") for i, n in enumerate(numbers) if not _e164(n)]
    if bad:
        raise invalid(bad)
    return list(dict.fromkeys(numbers))  # the same number twice is one update


def _e164(value: Any) -> bool:
    return isinstance(value, str) and E164.fullmatch(value) is not None


def create_order(state: State, body: Any) -> dict[str, Any]:
    body = json_object(body)
    if "messaging_profile_id" not in body:
        raise HttpError(
            422,
            [
                api_error(
                    "10004", "Missing required parameter", "messaging_profile_id is required", "/messaging_profile_id"
                )
            ],
        )
    numbers = _bulk_numbers(body)
    if not isinstance(body.get("assign_only", False), bool):
        raise invalid([("/assign_only", "assign_only must be true or false")])
    with state.lock:
        target = _profile_ref(state, body["messaging_profile_id"], "/messaging_profile_id")
        owned = [n for n in numbers if state.number(n) is not None]
        order: dict[str, Any] = {
            "order_id": str(uuid.uuid4()),
            "record_type": "messaging_numbers_bulk_update",
            "success": [],
            "pending": owned,
            "failed": [n for n in numbers if state.number(n) is None],
            "messaging_profile_id": target,  # kept to work the order off; not part of the answer
            "polls": 0,
        }
        state.orders[order["order_id"]] = order
        if state.order_polls <= 0:
            _advance(state, order)
        state.save()
        return _public(order)


def get_order(state: State, order_id: str) -> dict[str, Any]:
    with state.lock:
        order = state.orders.get(order_id)
        if order is None:
            raise not_found("bulk update order", order_id)
        if order["pending"]:
            _advance(state, order)
            state.save()
        return _public(order)


def _advance(state: State, order: dict[str, Any]) -> None:
    """Process the next share of the order's numbers: all of them by the ``order_polls``-th poll."""
    order["polls"] += 1
    total = len(order["pending"]) + len(order["success"])
    due = total if state.order_polls <= 0 else math.ceil(total * min(1.0, order["polls"] / state.order_polls))
    while order["pending"] and len(order["success"]) < due:
        number = order["pending"].pop(0)
        record = state.number(number)
        if record is None:  # removed from the inventory since the order was placed
            order["failed"].append(number)
            continue
        record["messaging_profile_id"] = order["messaging_profile_id"]
        record["updated_at"] = later(record["updated_at"])
        order["success"].append(number)


def _public(order: dict[str, Any]) -> dict[str, Any]:
    return {
        k: list(v) if isinstance(v, list) else v for k, v in order.items() if k not in ("messaging_profile_id", "polls")
    }
