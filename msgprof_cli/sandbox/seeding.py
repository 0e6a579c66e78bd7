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


def complete_related(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    record_type = {"short_codes": "short_code", "alphanumeric_sender_ids": "alphanumeric_sender_id"}.get(kind, kind)
    base: dict[str, Any] = {"record_type": record_type, "id": str(uuid.uuid4()), "messaging_profile_id": None}
    if kind == "alphanumeric_sender_ids":
        base["organization_id"] = ORGANIZATION_ID
    if kind == "short_codes":  # every field of the spec's ShortCode
        base.update(country_code="US", tags=[], created_at=SEEDED_AT, updated_at=SEEDED_AT)
    return {**base, **item}


def _complete_autoresp(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "resp_text": "", "created_at": SEEDED_AT, "updated_at": SEEDED_AT, **item}


def _complete_order(item: dict[str, Any]) -> dict[str, Any]:
    base = {"order_id": str(uuid.uuid4()), "record_type": "messaging_numbers_bulk_update", "success": [], "failed": []}
    return {**base, "pending": [], "messaging_profile_id": None, "polls": 0, **item}


def complete(state: State) -> None:
    """Complete the records a state file gave (ids, timestamps, defaults); ids given are kept.

    A record the API could never hold is refused first (exit 3, its place and field named), and
    nothing is loaded: the file is left as it is."""
    problems = record_problems(snapshot(state))
    if problems:
        from msgprof_cli.errors import InvalidInput

        shown = "; ".join(detail for _, detail in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidInput(
            f"sandbox state file {state.path}: a record the API could never hold: {shown}{more}; "
            "nothing was loaded and the file was left as it is",
            hint="fix those fields (the rules are docs/documents.md's), or move the file away",
        )
    with state.lock:
        state.profiles = {p["id"]: p for p in (complete_profile(p) for p in state.profiles.values())}
        for kind in RELATED:
            if kind != "phone_numbers":
                state.related[kind] = [complete_related(kind, x) for x in state.related[kind]]
        state.autoresp = [_complete_autoresp(x) for x in state.autoresp]
        state.orders = {o["order_id"]: o for o in (_complete_order(o) for o in state.orders.values())}
        sendpath.complete_state(state)


# Where a seed may hold what no request can set, and why (the spec wins unless a source says the
# API differs):
# * ``daily_spend_limit: null``: the spec types it a string, but the official SDK's response model
#   (telnyx 4.189.0, ``types/messaging_messaging_profile.py``) types it ``Optional[str]`` and the
#   API answers null for a profile whose limit was never set (tests/spec/README.md): a seed may
#   hold null, as a profile the sandbox creates does.
# * ``redaction_level``: the spec and the SDK type it an integer; the SDK's update-params
#   docstring (``messaging_profile_update_params.py``) names only 1 and 2, so 0 is refused here as
#   in requests (document/rules.py).
# * fields an update cannot change (``health_webhook_url``, ``resource_group_id``), read-only
#   ones and unknown ones: a record of the API holds them.
_RECORD_ONLY = ("unknown field", "is a read-only", "cannot be changed by an update")
_DIGITS = frozenset("0123456789")


def record_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Every record of a seed that the API could never hold, as (JSON pointer, detail naming its
    place and field), checked by the rules requests are checked by (``document/``)."""
    # long: each kind of record's rules in one place, the send path's in sendpath.seed_problems
    from msgprof_cli.document.document import Document, format_path
    from msgprof_cli.document.validation import validate
    from msgprof_cli.sandbox import autoresp, sender_ids

    problems: list[tuple[str, str]] = []

    def add(kind: str, i: int, field: str, detail: str) -> None:
        place = f"{kind}[{i}]" + (f".{field}" if field and not field.startswith("[") else field)
        pointer = f"/{kind}/{i}" + (f"/{field}" if field else "")
        problems.append((pointer.replace(".", "/").replace("[", "/").replace("]", ""), f"{place}: {detail}"))

    profile_ids = set()
    for i, p in enumerate(data.get("profiles") or []):
        profile_ids.add(p.get("id"))
        record = dict(p)
        if record.get("daily_spend_limit") is None:
            record.pop("daily_spend_limit", None)  # null: never set (above)
        if "name" not in p:
            add("profiles", i, "name", "is missing: every profile has a name")
        for issue in validate(Document(record, "seed"), mode="update", allow_unknown=False, strict=True).errors:
            if not issue.message.startswith(_RECORD_ONLY):
                add("profiles", i, format_path(issue.path), issue.message)

    def belongs(kind: str, i: int, item: dict[str, Any], *, required: bool) -> None:
        owner = item.get("messaging_profile_id")
        if owner in (None, "") and not required:
            return
        if owner not in profile_ids:
            shown = repr(owner)[:50]
            add(kind, i, "messaging_profile_id", f"no profile of this seed has the id {shown}")

    for i, n in enumerate(data.get("phone_numbers") or []):
        if isinstance(n, dict):
            belongs("phone_numbers", i, n, required=False)
    for i, x in enumerate(data.get("short_codes") or []):
        code = x.get("short_code")
        if not isinstance(code, str) or not code or not set(code) <= _DIGITS:
            add("short_codes", i, "short_code", "a short code is a string of digits (the spec's ShortCode)")
        belongs("short_codes", i, x, required=False)
    checks = (("alphanumeric_sender_ids", sender_ids.seed_problems), ("autoresp_configs", autoresp.seed_problems))
    for kind, check in checks:
        for i, x in enumerate(data.get(kind) or []):
            for pointer, detail in check(x):
                add(kind, i, pointer.lstrip("/").replace("/", "."), detail)
            belongs(kind, i, x, required=True)
    for kind, i, field, detail in sendpath.seed_problems(data, profile_ids):
        add(kind, i, field, detail)
    return problems


def reseed(state: State, body: Any) -> dict[str, int]:
    """Replace everything the sandbox holds with ``body`` (the state file's format); 422 if malformed
    or if a record is one the API could never hold (``record_problems``).

    Nothing changes unless the whole body is good.  The answer counts the records of each kind."""
    data = _checked(body)
    try:
        numbers = [number_record(n) for n in data.get("phone_numbers", [])]
    except (ValueError, TypeError) as exc:
        raise invalid([("/phone_numbers", str(exc))]) from None
    profiles = [complete_profile(p) for p in data.get("profiles", [])]
    related = {k: [complete_related(k, dict(x)) for x in data.get(k, [])] for k in RELATED if k != "phone_numbers"}
    autoresp = [_complete_autoresp(dict(x)) for x in data.get("autoresp_configs", [])]
    orders = [_complete_order(dict(x)) for x in data.get("bulk_updates", [])]
    _unique("profiles", [p["id"] for p in profiles])
    _unique("phone_numbers", [n["id"] for n in numbers])
    for kind, items in related.items():
        _unique(kind, [x["id"] for x in items])
    _unique("autoresp_configs", [x["id"] for x in autoresp])
    _unique("bulk_updates", [o["order_id"] for o in orders])
    problems = record_problems(data)
    if problems:
        raise invalid(problems[:50])
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
