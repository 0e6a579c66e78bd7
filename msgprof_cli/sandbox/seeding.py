"""Seeding the sandbox with chosen records, and resetting a running one (``POST /_sandbox/reset``).

A test suite that uses the sandbox as a mock seeds the records it needs, with the ids it chooses,
and resets between tests without a restart.  The body of a reset is the state file's format
(``state.py``); every record keeps the id it is given, and whatever an answer needs that the
seed leaves out is completed here (ids when none is given, timestamps, the spec's defaults), so
that a hand-written seed answers like a record the sandbox made itself.

The control endpoints live under ``/_sandbox/``, outside ``/v2``: a client whose base URL is the
sandbox's ``/v2`` URL (the official SDK, msgprof) can never reach them by accident.  They take the
same bearer token as the API, and are neither rate limited nor faulted nor recorded.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from msgprof_cli.sandbox import sendpath
from msgprof_cli.sandbox.errors import HttpError, invalid
from msgprof_cli.sandbox.state import ORGANIZATION_ID, RELATED, SEEDED_AT, SENDPATH, State, number_record

KEYS = (
    "profiles",
    "phone_numbers",
    "short_codes",
    "alphanumeric_sender_ids",
    "autoresp_configs",
    "bulk_updates",
    "metrics",
    *SENDPATH,
)


def complete_profile(profile: dict[str, Any]) -> dict[str, Any]:
    from msgprof_cli.sandbox.profiles import CREATE_DEFAULTS

    return {
        "id": str(uuid.uuid4()),
        "record_type": "messaging_profile",
        **CREATE_DEFAULTS,
        "created_at": SEEDED_AT,
        "updated_at": SEEDED_AT,
        "v1_secret": secrets.token_urlsafe(18)[:24],
        "organization_id": ORGANIZATION_ID,
        **profile,
    }


def _complete_related(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    record_type = {"short_codes": "short_code", "alphanumeric_sender_ids": "alphanumeric_sender_id"}.get(kind, kind)
    base: dict[str, Any] = {"record_type": record_type, "id": str(uuid.uuid4()), "messaging_profile_id": None}
    if kind == "alphanumeric_sender_ids":
        base["organization_id"] = ORGANIZATION_ID
    return {**base, **item}


def _complete_autoresp(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "resp_text": "", "created_at": SEEDED_AT, "updated_at": SEEDED_AT, **item}


def _complete_order(item: dict[str, Any]) -> dict[str, Any]:
    base = {"order_id": str(uuid.uuid4()), "record_type": "messaging_numbers_bulk_update", "success": [], "failed": []}
    return {**base, "pending": [], "messaging_profile_id": None, "polls": 0, **item}


def complete(state: State) -> None:
    """Complete the records a state file gave (ids, timestamps, defaults); ids given are kept."""
    with state.lock:
        state.profiles = {p["id"]: p for p in (complete_profile(p) for p in state.profiles.values())}
        for kind in RELATED:
            if kind != "phone_numbers":
                state.related[kind] = [_complete_related(kind, x) for x in state.related[kind]]
        state.autoresp = [_complete_autoresp(x) for x in state.autoresp]
        state.orders = {o["order_id"]: o for o in (_complete_order(o) for o in state.orders.values())}
        sendpath.complete_state(state)


def reseed(state: State, body: Any) -> dict[str, int]:
    """Replace everything the sandbox holds with ``body`` (the state file's format); 422 if malformed.

    Nothing changes unless the whole body is good.  The answer counts the records of each kind."""
    data = _checked(body)
    try:
        numbers = [number_record(n) for n in data.get("phone_numbers", [])]
    except (ValueError, TypeError) as exc:
        raise invalid([("/phone_numbers", str(exc))]) from None
    profiles = [complete_profile(p) for p in data.get("profiles", [])]
    related = {k: [_complete_related(k, dict(x)) for x in data.get(k, [])] for k in RELATED if k != "phone_numbers"}
    autoresp = [_complete_autoresp(dict(x)) for x in data.get("autoresp_configs", [])]
    orders = [_complete_order(dict(x)) for x in data.get("bulk_updates", [])]
    _unique("profiles", [p["id"] for p in profiles])
    _unique("phone_numbers", [n["id"] for n in numbers])
    for kind, items in related.items():
        _unique(kind, [x["id"] for x in items])
    _unique("autoresp_configs", [x["id"] for x in autoresp])
    _unique("bulk_updates", [o["order_id"] for o in orders])
    send_path = sendpath.completed(data)
    with state.lock:
        state.profiles = {p["id"]: p for p in profiles}
        state.related = {"phone_numbers": numbers, **related}
        state.autoresp = autoresp
        state.orders = {o["order_id"]: o for o in orders}
        state.metrics = [dict(x) for x in data.get("metrics", [])]
        state.sendpath = send_path
        state.save()
        return {k: len(v) for k, v in snapshot(state).items()}


def snapshot(state: State) -> dict[str, list[dict[str, Any]]]:
    """Everything the sandbox holds, in the state file's format (``GET /_sandbox/state``)."""
    with state.lock:
        return {
            "profiles": [dict(p) for p in state.profiles.values()],
            **{k: [dict(x) for x in state.related[k]] for k in RELATED},
            "autoresp_configs": [dict(x) for x in state.autoresp],
            "bulk_updates": [dict(o) for o in state.orders.values()],
            "metrics": [dict(x) for x in state.metrics],
            **{k: [dict(x) for x in state.sendpath[k]] for k in SENDPATH},
        }


def _checked(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise invalid([("", "the body is a state: a JSON object (the --state file's format)")])
    problems = [(f"/{k}"[:80], f"unknown key; the keys are {', '.join(KEYS)}") for k in body if k not in KEYS]
    for key in KEYS:
        value = body.get(key, [])
        if not isinstance(value, list):
            problems.append((f"/{key}", f"{key} must be a list"))
        elif key != "phone_numbers":
            problems += [(f"/{key}/{i}", "must be an object") for i, x in enumerate(value) if not isinstance(x, dict)]
    for i, p in enumerate(body.get("profiles") or []):
        if isinstance(p, dict) and "id" in p and not isinstance(p["id"], str):
            problems.append((f"/profiles/{i}/id", "an id is a string"))
    if problems:
        raise invalid(problems)
    return body


def _unique(kind: str, ids: list[Any]) -> None:
    seen: set[Any] = set()
    for i, ident in enumerate(ids):
        if not isinstance(ident, str):
            raise invalid([(f"/{kind}/{i}", "an id is a string")])
        if ident in seen:
            raise invalid([(f"/{kind}/{i}", f"id {ident[:40]!r} is given twice")])
        seen.add(ident)


def control(state: State, method: str, path: str, body: Any) -> tuple[int, Any]:
    """The answer of a ``/_sandbox/`` control endpoint."""
    if path.rstrip("/") == "/_sandbox/reset":
        if method != "POST":
            raise HttpError(405, [{"code": "10015", "title": "Method not allowed", "detail": "use POST"}])
        return 200, {"data": reseed(state, body)}
    if path.rstrip("/") == "/_sandbox/state":
        if method != "GET":
            raise HttpError(405, [{"code": "10015", "title": "Method not allowed", "detail": "use GET"}])
        return 200, {"data": snapshot(state)}
    raise HttpError(404, [{"code": "10005", "title": "Resource not found", "detail": "No such sandbox endpoint"}])
