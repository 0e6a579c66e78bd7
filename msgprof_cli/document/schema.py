"""The JSON Schema (2020-12) of a profile document, generated from the rules."""

from __future__ import annotations

from typing import Any

from msgprof_cli.document.countries import ISO_3166_ALPHA2
from msgprof_cli.document.rules import RULES, Rule


def json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) of the profile document, generated from RULES."""
    from msgprof_cli.document.setup_rules import section_schemas

    profile = _object(RULES)
    profile["properties"].update(section_schemas())  # phone_numbers, alphanumeric_sender_ids, autoresp_configs
    # A file holds one profile or a list of them (a YAML stream is checked document by document).
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/msgprof/msgprof/schema/messaging-profile.json",
        "title": "Telnyx messaging profile (msgprof document): one profile, or a list of them",
        "$defs": {"profile": profile},
        "anyOf": [
            {"$ref": "#/$defs/profile"},
            {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/profile"}},
        ],
    }


def _object(rules: tuple[Rule, ...], open_: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": open_,  # an open object (features) passes unknown keys through
        "properties": {r.name: _property(r) for r in rules},
        "required": [r.name for r in rules if r.required],
    }


def _property(rule: Rule) -> dict[str, Any]:
    s: dict[str, Any]
    if rule.kind == "boolean":
        s = {"type": "boolean"}
    elif rule.kind == "number":
        s = {"type": "number", "minimum": 0}
    elif rule.kind == "enum":
        s = {"enum": list(rule.enum) + [int(e) for e in rule.enum if e.isdigit()]}
    elif rule.kind == "url":
        s = {"type": "string", "anyOf": [{"const": ""}, {"pattern": "^https?://[^\\s/]+"}]}
    elif rule.kind == "countries":
        s = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": ["*"] + sorted(ISO_3166_ALPHA2)}}
    elif rule.kind == "integer":
        s = {"type": "integer", "enum": list(rule.choices)} if rule.choices else {"type": "integer"}
    elif rule.kind == "object":
        s = _object(rule.children, rule.open)
    else:
        s = _string(rule)
    if rule.nullable:
        s = {"anyOf": [s, {"type": "null"}]}
    s["description"] = rule.help
    return s


def _string(rule: Rule) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "string"}
    if rule.pattern:
        s["pattern"] = rule.pattern
    if rule.max_length:
        s["maxLength"] = rule.max_length
    if rule.nonblank:
        s["minLength"] = 1
    if rule.numeric_string:
        s = {"anyOf": [s, {"type": "number", "minimum": 0}]}
    return s
