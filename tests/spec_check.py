"""Check an HTTP answer against the vendored official spec (tests/spec/, see its README).

A missing spec file is an error, never a skip: the conformance tests must run in every clone.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_DIR = Path(__file__).resolve().parent / "spec"
PROFILES_SPEC = SPEC_DIR / "telnyx-messaging-profiles.openapi.yaml"
SETUP_SPEC = SPEC_DIR / "telnyx-messaging-setup.openapi.yaml"
SEND_PATH_SPEC = SPEC_DIR / "telnyx-send-path.openapi.yaml"


@functools.cache
def load_spec(path: Path) -> dict[str, Any]:
    """The parsed spec; FileNotFoundError (a failing test) when the vendored copy is missing."""
    return _as_today(yaml.safe_load(path.read_text(encoding="utf-8")))


def _as_today(spec: dict[str, Any]) -> dict[str, Any]:
    """The vendored spec with what the API answers today (tests/spec/README.md, "Since the
    spec"): a profile's ``daily_spend_limit`` is null when it was never set (the SDK 4.189.0's
    ``MessagingMessagingProfile`` types it ``Optional[str]``)."""
    profile = spec.get("components", {}).get("schemas", {}).get("MessagingProfile")
    if profile is not None:
        profile["properties"]["daily_spend_limit"]["type"] = ["string", "null"]
    return spec


def check_answer(spec: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """Assert that ``body`` is what the spec documents for ``method path`` answering ``status``."""
    responses = spec["paths"][path][method]["responses"]
    key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    assert key in responses, f"{method.upper()} {path} has no documented {status} answer"
    node = responses[key]
    if "$ref" in node:
        node = spec["components"]["responses"][node["$ref"].rsplit("/", 1)[1]]
    schema = node["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012))
    wrapped = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:answer",
        "$defs": {},
        **_rebase(schema),
    }
    validator = Draft202012Validator(wrapped, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(body))
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def _rebase(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (f"urn:spec{v}" if k == "$ref" and v.startswith("#") else _rebase(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase(x) for x in node]
    return node
