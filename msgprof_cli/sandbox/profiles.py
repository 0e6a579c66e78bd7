"""Messaging profiles: create, retrieve, update, delete, list, regenerate the secret, related lists."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from msgprof_cli.document.document import Document, format_path
from msgprof_cli.document.rules import API_ONLY, RULES_BY_NAME
from msgprof_cli.document.validation import validate
from msgprof_cli.sandbox.errors import HttpError, api_error, not_found
from msgprof_cli.sandbox.listing import later, page, paging
from msgprof_cli.sandbox.state import ORGANIZATION_ID, State, now_iso

Answer = tuple[int, Any]

# Defaults the spec documents for fields a create does not give.
CREATE_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "webhook_url": "",
    "webhook_failover_url": "",
    "webhook_api_version": "2",
    "alpha_sender": None,
    "daily_spend_limit": None,  # never set: the API answers null (not a missing key)
    "daily_spend_limit_enabled": False,
    "mms_fall_back_to_sms": False,
    "mms_transcoding": False,
    "mobile_only": False,
    "smart_encoding": False,
    "health_webhook_url": None,
    "ai_assistant_id": None,
    "resource_group_id": None,
    "number_pool_settings": None,
    "url_shortener_settings": None,
    "features": None,
    "redaction_enabled": False,
    "redaction_level": 2,
}
POOL_DEFAULTS = {"sticky_sender": False, "geomatch": False}


def json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HttpError(422, [api_error("10015", "Invalid parameter", "The body must be a JSON object.", pointer="")])
    return body


def get(state: State, profile_id: str) -> dict[str, Any]:
    profile = state.profiles.get(profile_id)
    if profile is None:
        raise not_found("messaging profile", profile_id)
    return profile


def _validated(body: Any, mode: str) -> dict[str, Any]:
    """The fields of a create or update request that the API takes, checked by msgprof's own rules.

    One rule per field: this is the validation msgprof runs (``strict``: without msgprof's
    normalisations, as the API's spec says), so msgprof and its sandbox cannot disagree.  Fields
    the request does not take are ignored, as the API ignores them: unknown fields, read-only
    response fields, and on a create the fields only an update can set (``creatable=False``).
    Fields the API takes but msgprof never sends (``API_ONLY``: an update's ``v1_secret``) are
    checked and stored, never dropped.
    """
    body = json_object(body)
    result = validate(Document(body, "request"), mode=mode, allow_unknown=False, strict=True)
    errors = []
    for issue in result.errors:
        if issue.message == "unknown field" or issue.message.startswith("is a read-only"):
            continue  # like the real API, ignore fields it does not take
        rule = RULES_BY_NAME.get(str(issue.path[0])) if issue.path else None
        if mode == "create" and rule is not None and not rule.creatable:
            continue  # not in the create request: ignored, whatever its value
        pointer = "/" + "/".join(str(p) for p in issue.path)
        missing = issue.message == "required field is missing"
        errors.append(
            api_error(
                "10004" if missing else "10015",
                "Missing required parameter" if missing else "Invalid parameter",
                f"{format_path(issue.path) or 'body'} {issue.message}",
                pointer=pointer,
            )
        )
    taken = {k: v for k, v in result.payload.items() if k in RULES_BY_NAME}
    if mode == "create":
        taken = {k: v for k, v in taken.items() if RULES_BY_NAME[k].creatable}
    for name, (request, kind) in API_ONLY.items():
        if name in body and request == mode:
            if kind == "string" and isinstance(body[name], str):
                taken[name] = body[name]
            else:
                errors.append(api_error("10015", "Invalid parameter", f"{name} must be a {kind}", pointer=f"/{name}"))
    if errors:
        raise HttpError(422, errors)
    return taken


def _merge(profile: dict[str, Any], payload: dict[str, Any]) -> None:
    for key, value in payload.items():
        if key == "number_pool_settings" and isinstance(value, dict):
            value = {**POOL_DEFAULTS, **value}
        profile[key] = value


def create(state: State, body: Any) -> dict[str, Any]:
    payload = _validated(body, "create")
    now = now_iso()
    profile: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "record_type": "messaging_profile",
        **CREATE_DEFAULTS,
        "created_at": now,
        "updated_at": now,
        "v1_secret": secrets.token_urlsafe(18)[:24],
        "organization_id": ORGANIZATION_ID,
    }
    _merge(profile, payload)
    with state.lock:
        state.profiles[profile["id"]] = profile
        state.save()
    return profile


def update(state: State, profile_id: str, body: Any) -> dict[str, Any]:
    payload = _validated(body, "update")
    with state.lock:
        profile = get(state, profile_id)
        _merge(profile, payload)
        profile["updated_at"] = later(profile["updated_at"])
        state.save()
        return dict(profile)


def delete(state: State, profile_id: str) -> dict[str, Any]:
    """Delete the profile; its numbers become unassigned, its sender ids and auto-responses go with it."""
    with state.lock:
        profile = get(state, profile_id)
        del state.profiles[profile_id]
        for number in state.related["phone_numbers"]:
            if number.get("messaging_profile_id") == profile_id:
                number["messaging_profile_id"] = None
        for kind in ("short_codes", "alphanumeric_sender_ids"):
            state.related[kind] = [x for x in state.related[kind] if x.get("messaging_profile_id") != profile_id]
        state.autoresp = [c for c in state.autoresp if c.get("messaging_profile_id") != profile_id]
        state.save()
        return profile


def regenerate(state: State, profile_id: str) -> dict[str, Any]:
    with state.lock:
        profile = get(state, profile_id)
        profile["v1_secret"] = secrets.token_urlsafe(18)[:24]
        profile["updated_at"] = later(profile["updated_at"])
        state.save()
        return dict(profile)


def list_profiles(state: State, query: dict[str, str]) -> dict[str, Any]:
    number, size = paging(query)
    eq = query.get("filter[name][eq]", query.get("filter[name]"))
    contains = query.get("filter[name][contains]")
    with state.lock:
        items = [dict(p) for p in state.profiles.values()]
    if eq is not None:
        items = [p for p in items if p.get("name") == eq]
    if contains is not None:
        items = [p for p in items if contains.lower() in str(p.get("name", "")).lower()]
    return page(items, number, size)


def list_related(state: State, profile_id: str, kind: str, query: dict[str, str]) -> dict[str, Any]:
    number, size = paging(query, lenient=kind == "alphanumeric_sender_ids")  # its spec sets no bounds
    with state.lock:
        get(state, profile_id)
        items = [dict(x) for x in state.related[kind] if x.get("messaging_profile_id") == profile_id]
    return page(items, number, size)


def retrieve(state: State, profile_id: str) -> dict[str, Any]:
    with state.lock:
        return dict(get(state, profile_id))
