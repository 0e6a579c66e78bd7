"""What a document changes: the diff against a live profile, the request payloads, the writable view."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from msgprof_cli.document.document import Document, Issue, Path, format_path, redact
from msgprof_cli.document.rules import RULES, RULES_BY_NAME, Rule
from msgprof_cli.errors import InvalidInput


@dataclass
class Change:
    path: Path
    old: Any
    new: Any

    @property
    def field(self) -> str:
        return format_path(self.path)


def _canonical(value: Any) -> str:
    """A total order for any JSON value: live values come from the API and may be of any shape."""
    return json.dumps(value, sort_keys=True, default=repr)


def _same(rule: Rule | None, want: Any, have: Any) -> bool:
    """Whether a document's (validated) value equals a live one; the live one may be malformed
    (``["US", null]``, a number as text, a list for an object): then it differs, never a crash."""
    if rule is not None:
        if rule.kind == "countries" and isinstance(want, list) and isinstance(have, list):
            return sorted(want, key=_canonical) == sorted(have, key=_canonical)
        if rule.kind == "url":  # "" and null both mean "no URL"
            return (want or None) == (have or None)
        if rule.name == "daily_spend_limit" and isinstance(want, str) and isinstance(have, str):
            from decimal import Decimal, InvalidOperation

            try:
                return Decimal(want) == Decimal(have)
            except InvalidOperation:
                return want == have
    if isinstance(want, (int, float)) and isinstance(have, (int, float)) and not isinstance(want, bool):
        # exact, never through float(): a live integer of 400 digits must not overflow
        return not isinstance(have, bool) and want == have
    return bool(want == have)


def diff(desired: dict[str, Any], live: dict[str, Any]) -> list[Change]:
    """Fields of ``desired`` whose value differs from ``live`` (only the fields ``desired`` names).

    This compares; it does not predict.  What a request will change is ``effect``.
    """
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


# The model of a document's effect on a live profile.  The rule: a document governs only the
# fields it names, nested objects included.  The API replaces a nested object whole (the fields
# a request leaves out take their defaults), so a request that sets some fields of a nested
# object carries the live values of the others.  Every command that changes a profile from a
# document (update, apply) sends what this model builds, and every preview of it (update
# --dry-run, plan) shows what this model predicts.


def merge_live(payload: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """The request body for ``payload``: nested objects completed with the live object's fields."""
    body = dict(payload)
    for key, given in payload.items():
        rule = RULES_BY_NAME.get(key)
        have = live.get(key)
        if rule is not None and rule.kind == "object" and isinstance(given, dict) and isinstance(have, dict):
            # null children are left out: the API's default is what a null live value means
            body[key] = {**{k: v for k, v in have.items() if v is not None}, **given}
    return body


def after(live: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The profile as the API holds it after taking ``body``: nested objects replaced whole."""
    out = dict(live)
    for key, value in body.items():
        rule = RULES_BY_NAME.get(key)
        if rule is not None and rule.kind == "object" and isinstance(value, dict):
            value = {**{c.name: c.default for c in rule.children if c.default is not None}, **value}
        out[key] = value
    return out


def changed_fields(before: dict[str, Any], later: dict[str, Any], keys: Iterable[str]) -> list[Change]:
    """The fields under ``keys`` whose value differs between two states of a profile.

    A nested object present on both sides is compared field by field; otherwise (one side is
    null or absent) the object is one field.
    """
    changes: list[Change] = []
    for key in keys:
        rule = RULES_BY_NAME.get(key)
        old, new = before.get(key), later.get(key)
        if rule is not None and rule.kind == "object" and isinstance(old, dict) and isinstance(new, dict):
            known = {c.name: c for c in rule.children}
            names = list(known) + sorted(str(k) for k in {*old, *new} if k not in known)
            for ck in names:
                if not _same(known.get(ck), new.get(ck), old.get(ck)):
                    changes.append(Change((key, ck), old.get(ck), new.get(ck)))
        elif not _same(rule, new, old):
            changes.append(Change((key,), old, new))
    return changes


@dataclass
class Effect:
    """What a validated document does to a live profile."""

    body: dict[str, Any]  # every field the document names, nested objects completed from live
    changes: list[Change]  # every field whose live value the body changes, nested or not

    secrets: dict[Path, str] = field(default_factory=dict)  # the document's, by field path

    def shown_body(self) -> dict[str, Any]:
        """The body as previews may show it: values from secret variables replaced."""
        shown: dict[str, Any] = redact(self.body, (), self.secrets)
        return shown

    def shown_changes(self) -> list[Change]:
        """The changes as reports may show them: old and new values at secret fields replaced."""
        s = self.secrets
        return [Change(c.path, redact(c.old, c.path, s), redact(c.new, c.path, s)) for c in self.changes]

    @property
    def patch(self) -> dict[str, Any]:
        """The smallest request with the same effect: the changed fields, nested objects whole."""
        changed = {c.path[0] for c in self.changes}
        return {k: v for k, v in self.body.items() if k in changed}


def with_defaults(live: dict[str, Any]) -> dict[str, Any]:
    """The live profile as the API means it: a field it leaves out holds its documented default,
    nested ones included (an answer may omit ``sticky_sender: false`` or ``enabled: true``).
    Compared with the raw answer, every apply would plan ``null -> false``, PATCH, and never
    converge."""
    # a top-level field it leaves out holds its documented default too (`enabled`: true, ...)
    out = {**{r.name: r.default for r in RULES_BY_NAME.values() if r.default is not None}, **live}
    for key, value in live.items():
        rule = RULES_BY_NAME.get(key)
        if rule is not None and rule.kind == "object" and isinstance(value, dict):
            absent = {c.name: c.default for c in rule.children if c.default is not None and c.name not in value}
            out[key] = {**value, **absent}
    return out


def effect(payload: dict[str, Any], live: dict[str, Any]) -> Effect:
    body = merge_live(payload, live)
    changes = changed_fields(with_defaults(live), after(live, body), body)
    # a whole field shows what the request carries (a new nested object without the defaults the
    # API will fill in): plan lists exactly what is sent
    return Effect(body, [Change(c.path, c.old, body[str(c.path[0])]) if len(c.path) == 1 else c for c in changes])


def update_effect(doc: Document, payload: dict[str, Any], live: dict[str, Any]) -> Effect:
    """The effect of an update document (validated with ``partial``), refused when incomplete."""
    done = effect(payload, live)
    done.secrets = doc.secrets
    missing = incomplete_objects(done.body)
    if missing:
        last = {path[0]: path for path in missing}  # the hint goes once per object, on its last field
        issues = [
            doc.locate(
                Issue(
                    path,
                    "required field is missing",
                    hint=(
                        f"the live profile has no {path[0]}, so this update creates it: give all its required "
                        f"fields ({', '.join(str(p[-1]) for p in missing if p[0] == path[0])})"
                    )
                    if last[path[0]] == path
                    else None,
                )
            )
            for path in missing
        ]
        n = len(issues)
        raise InvalidInput(f"{n} problem{'s' if n > 1 else ''} found; nothing was sent", issues)
    return done


def incomplete_objects(body: dict[str, Any]) -> list[Path]:
    """Required fields of nested objects that neither the document nor the live profile gives.

    A partial nested object is completed from the live one; when the live profile has none, the
    request would create the object, and the API requires these fields.
    """
    missing: list[Path] = []
    for key, value in body.items():
        rule = RULES_BY_NAME.get(key)
        if rule is not None and rule.kind == "object" and isinstance(value, dict):
            missing += [(key, c.name) for c in rule.children if c.required and c.name not in value]
    return missing


def writable_view(profile: dict[str, Any]) -> dict[str, Any]:
    """The document form of a live profile: writable fields only, in rule order."""
    out: dict[str, Any] = {}
    for rule in RULES:
        if rule.name not in profile:
            continue
        value = profile[rule.name]
        if value is None and not rule.nullable:
            continue  # e.g. daily_spend_limit never set: the API answers null, a document cannot say it
        if rule.kind == "object" and isinstance(value, dict):
            known = {c.name for c in rule.children}
            extra = {k: v for k, v in value.items() if rule.open and k not in known}  # features: passed through
            value = {c.name: value[c.name] for c in rule.children if c.name in value and value[c.name] is not None}
            value.update(extra)
        out[rule.name] = value
    return out


def merged_countries(live: Any, add: list[str], remove: list[str]) -> list[str]:
    """The live destination list with ``add`` appended (each once, in order) and ``remove`` taken
    out: what `update --add-whitelist/--remove-whitelist` sends (the API replaces the list whole).

    The codes are already checked (document.validation); the result is checked again by the same
    rule (an empty list is refused).  "*" (every destination) absorbs what is added; a country
    cannot be removed from "*" (the other ~250 would have to be listed): refused, nothing sent."""
    current = [c for c in live if isinstance(c, str)] if isinstance(live, list) else []
    if "*" in add:
        current, add = ["*"], []
    if current == ["*"]:
        taken = [c for c in remove if c != "*"]
        if taken:
            raise InvalidInput(
                f'the profile allows every destination ("*"), so {", ".join(taken)} cannot be taken out of it',
                hint="give the countries to allow with --whitelist, which replaces the whole list",
            )
        return [] if "*" in remove else current
    out = [c for c in current if c not in remove]
    return out + [c for c in dict.fromkeys(add) if c not in out and c not in remove]
