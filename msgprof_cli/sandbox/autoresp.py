"""Auto-response configs under /messaging_profiles/{profile_id}/autoresp_configs.

Each config answers its ``keywords`` (matched without regard to case) from senders in
``country_code`` (ISO alpha-2, or ``*`` for any) with ``resp_text``; ``op`` says what the keyword
does: ``start``, ``stop`` or ``info``.  One keyword can belong to one config per profile and
country, so the sandbox refuses (422) a config that would take a keyword another one has.  Every
field is checked with msgprof's own rules (``document/setup_rules.py``), so ``msgprof validate``
and the sandbox cannot disagree.
"""

from __future__ import annotations

import uuid
from typing import Any

from msgprof_cli.document import setup_rules as rules
from msgprof_cli.sandbox.errors import HttpError, api_error, invalid, not_found
from msgprof_cli.sandbox.listing import later, page, paging
from msgprof_cli.sandbox.profiles import get as get_profile
from msgprof_cli.sandbox.profiles import json_object
from msgprof_cli.sandbox.state import State, now_iso

FIELDS = ("op", "keywords", "country_code", "resp_text")


def _public(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != "messaging_profile_id"}


def list_configs(state: State, profile_id: str, query: dict[str, str]) -> dict[str, Any]:
    number, size = paging(query)
    with state.lock:
        get_profile(state, profile_id)
        items = [_public(c) for c in state.autoresp if c["messaging_profile_id"] == profile_id]
    if "country_code" in query:
        items = [c for c in items if c["country_code"] == query["country_code"]]
    for stamp in ("created_at", "updated_at"):
        if f"{stamp}[gte]" in query:
            items = [c for c in items if c[stamp] >= query[f"{stamp}[gte]"]]
        if f"{stamp}[lte]" in query:
            items = [c for c in items if c[stamp] <= query[f"{stamp}[lte]"]]
    return page(items, number, size)


def _find(state: State, profile_id: str, config_id: str) -> dict[str, Any]:
    get_profile(state, profile_id)
    found = next((c for c in state.autoresp if c["id"] == config_id and c["messaging_profile_id"] == profile_id), None)
    if found is None:
        raise not_found("auto-response config", config_id)
    return found


def get_config(state: State, profile_id: str, config_id: str) -> dict[str, Any]:
    with state.lock:
        return _public(_find(state, profile_id, config_id))


def delete_config(state: State, profile_id: str, config_id: str) -> str:
    with state.lock:
        state.autoresp.remove(_find(state, profile_id, config_id))
        state.save()
    return "OK"  # the spec's answer to a delete is the JSON string "OK"


def _checked(body: Any) -> dict[str, Any]:
    body = json_object(body)
    missing = [f for f in ("op", "keywords", "country_code") if f not in body]
    if missing:
        raise HttpError(
            422, [api_error("10004", "Missing required parameter", f"{f} is required", f"/{f}") for f in missing]
        )
    op, keywords, country, text = (body.get(f) for f in FIELDS)
    # msgprof's own rules (document/setup_rules.py), without its normalisations: one rule per field
    problems = []
    op_wrong = rules.op_problem(op) if isinstance(op, str) else ("op must be one of start, stop, info", None)
    if op_wrong:
        problems.append(("/op", op_wrong[0]))
    if not isinstance(keywords, list) or not keywords:
        problems.append(("/keywords", f"keywords must be a list of 1 to {rules.MAX_KEYWORDS} words"))
    else:
        problems += [
            (f"/keywords/{i}", "a keyword is a string") for i, k in enumerate(keywords) if not isinstance(k, str)
        ]
        if not problems:
            rules.check_keywords(keywords, lambda i, message, hint: problems.append((f"/keywords/{i}", message)))
    code, wrong = rules.country(country) if isinstance(country, str) else (None, None)
    if not isinstance(country, str) or wrong or code != country:
        problems.append(("/country_code", "country_code must be an ISO 3166-1 alpha-2 code in capitals, like US, or *"))
    if text is not None and not isinstance(text, str):
        problems.append(("/resp_text", "resp_text must be a string"))
    if problems:
        raise invalid(problems)
    return {"op": op, "keywords": list(keywords), "country_code": country, "resp_text": text or ""}


def seed_problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A seeded auto-response checked as a create request is (seeding.py): (pointer, detail)."""
    try:
        _checked(record)
    except HttpError as exc:
        return [(e["source"]["pointer"], e["detail"]) for e in exc.errors]
    return []


def _clash(state: State, profile_id: str, fields: dict[str, Any], own_id: str | None) -> None:
    key = rules.keyword_key  # the rule `msgprof validate` checks documents with
    taken = {
        key(k): c["id"]
        for c in state.autoresp
        if c["messaging_profile_id"] == profile_id and c["country_code"] == fields["country_code"] and c["id"] != own_id
        for k in c["keywords"]
    }
    clashes = [
        (f"/keywords/{i}", f"{k!r} is already a keyword of config {taken[key(k)]}")
        for i, k in enumerate(fields["keywords"])
        if key(k) in taken
    ]
    if clashes:
        raise invalid(clashes)


def create_config(state: State, profile_id: str, body: Any) -> dict[str, Any]:
    fields = _checked(body)
    with state.lock:
        get_profile(state, profile_id)
        _clash(state, profile_id, fields, None)
        now = now_iso()
        config = {"id": str(uuid.uuid4()), **fields, "created_at": now, "updated_at": now}
        state.autoresp.append({**config, "messaging_profile_id": profile_id})
        state.save()
        return config


def update_config(state: State, profile_id: str, config_id: str, body: Any) -> dict[str, Any]:
    fields = _checked(body)
    with state.lock:
        config = _find(state, profile_id, config_id)
        _clash(state, profile_id, fields, config_id)
        config.update(fields, updated_at=later(config["updated_at"]))
        state.save()
        return _public(config)
