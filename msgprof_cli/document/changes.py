"""What a document changes: the diff against a live profile, the request payloads, the writable view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msgprof_cli.document.document import Path, format_path
from msgprof_cli.document.rules import RULES, RULES_BY_NAME, Rule


@dataclass
class Change:
    path: Path
    old: Any
    new: Any

    @property
    def field(self) -> str:
        return format_path(self.path)


def _same(rule: Rule | None, want: Any, have: Any) -> bool:
    if rule is not None:
        if rule.kind == "countries" and isinstance(want, list) and isinstance(have, list):
            return sorted(want) == sorted(have)
        if rule.kind == "url":  # "" and null both mean "no URL"
            return (want or None) == (have or None)
        if rule.name == "daily_spend_limit" and isinstance(want, str) and isinstance(have, str):
            from decimal import Decimal, InvalidOperation

            try:
                return Decimal(want) == Decimal(have)
            except InvalidOperation:
                return want == have
    if isinstance(want, (int, float)) and isinstance(have, (int, float)) and not isinstance(want, bool):
        return not isinstance(have, bool) and float(want) == float(have)
    return bool(want == have)


def diff(desired: dict[str, Any], live: dict[str, Any]) -> list[Change]:
    """Field-level changes that would make ``live`` match ``desired`` (only fields ``desired`` gives)."""
    changes: list[Change] = []
    for key, want in desired.items():
        rule = RULES_BY_NAME.get(key)
        have = live.get(key)
        if rule is not None and rule.kind == "object" and isinstance(want, dict) and isinstance(have, dict):
            children = {c.name: c for c in rule.children}
            for ck, cw in want.items():
                if not _same(children.get(ck), cw, have.get(ck)):
                    changes.append(Change((key, ck), have.get(ck), cw))
            continue
        if not _same(rule, want, have):
            changes.append(Change((key,), have, want))
    return changes


def patch_payload(desired: dict[str, Any], changes: list[Change]) -> dict[str, Any]:
    """The PATCH body for a set of changes: changed fields, nested objects sent whole."""
    return {str(c.path[0]): desired[str(c.path[0])] for c in changes}


def writable_view(profile: dict[str, Any]) -> dict[str, Any]:
    """The document form of a live profile: writable fields only, in rule order."""
    out: dict[str, Any] = {}
    for rule in RULES:
        if rule.name not in profile:
            continue
        value = profile[rule.name]
        if rule.kind == "object" and isinstance(value, dict):
            value = {c.name: value[c.name] for c in rule.children if c.name in value and value[c.name] is not None}
        out[rule.name] = value
    return out
