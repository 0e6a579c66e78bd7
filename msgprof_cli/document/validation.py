"""Check a document against the rules, collecting every issue at once, and build the API payload."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from msgprof_cli.document.countries import COMMON_MISTAKES, ISO_3166_ALPHA2
from msgprof_cli.document.document import Document, Issue, Path, describe, quote, secret_at
from msgprof_cli.document.rules import READ_ONLY, RULES, SETUP_SECTIONS, Rule
from msgprof_cli.errors import InvalidInput
from msgprof_cli.secrets import holds_secret, register

# The userinfo of a URL as the text has it (before any parsing, which may fail on the rest).
_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*)@")


class _Bad:
    pass


_BAD = _Bad()


@dataclass
class Result:
    payload: dict[str, Any]
    errors: list[Issue]
    warnings: list[Issue]

    def raise_for_errors(self) -> None:
        if self.errors:
            n = len(self.errors)
            raise InvalidInput(f"{n} problem{'s' if n > 1 else ''} found; nothing was sent", self.errors)


def validate(
    doc: Document, *, mode: str = "create", allow_unknown: bool = False, strict: bool = False, partial: bool = False
) -> Result:
    """Check a document against every rule and return the API payload and all issues at once.

    ``mode`` is "create" (name and whitelisted_destinations required) or "update" (nothing
    required; fields the update request lacks are refused).  ``partial`` (update only) accepts
    nested objects that leave out required fields: the live object supplies them
    (changes.merge_live; changes.incomplete_objects checks what is still missing).  ``strict``
    turns off msgprof's normalisations (the sandbox uses it to answer as the API's spec says).
    """
    v = _Validator(doc, mode, allow_unknown, strict)
    v.partial = partial and mode == "update"
    payload = v.mapping(doc.data, RULES, (), top=True)
    return Result(payload if isinstance(payload, dict) else {}, with_refused(doc, v.errors), v.warnings)


def with_refused(doc: Document, errors: list[Issue]) -> list[Issue]:
    """The values refused while reading the document (a YAML date, `!!set`: Document.refused),
    then every other error, less those at or under a refused value's place: the value there is
    None, and "may not be null" would only repeat the refusal.  Every problem of the document
    thus comes in one run (docs/documents.md).  The setup sections' errors go through it too."""
    if not doc.refused:
        return errors
    return [*doc.refused, *(e for e in errors if not refused_at(doc, e))]


def refused_at(doc: Document, issue: Issue) -> bool:
    """Whether an issue sits at or under a value refused while reading (already reported)."""
    return any(issue.path[: len(r.path)] == r.path for r in doc.refused)


class _Validator:
    def __init__(self, doc: Document, mode: str, allow_unknown: bool, strict: bool = False) -> None:
        self.strict = strict
        self.doc = doc
        self.mode = mode
        self.allow_unknown = allow_unknown
        self.partial = False
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, path: Path, message: str, hint: str | None = None) -> _Bad:
        self.errors.append(self.doc.locate(Issue(path, message, hint)))
        return _BAD

    def mapping(self, data: Any, rules: tuple[Rule, ...], path: Path, top: bool = False, open_: bool = False) -> Any:
        if not isinstance(data, dict):
            what = "a profile" if top else "an object"
            # a whole file that is not a profile (a key file in the profiles folder?) is never quoted
            found = f"a string of {len(data):,} characters" if top and isinstance(data, str) else describe(data)
            return self.error(path, f"expected {what} (a mapping of field names), found {found}")
        known = {r.name: r for r in rules}
        out: dict[str, Any] = {}
        for key, value in data.items():
            p = path + (key,)
            rule = known.get(key)
            if rule is None and open_ and isinstance(key, str):
                out[key] = value  # an open object (features): keys newer than msgprof pass through
                continue
            if rule is None:
                self.unknown(key, value, p, known, top, out)
                continue
            if self.mode == "update" and not rule.updatable:
                self.error(
                    p,
                    "cannot be changed by an update: the API's update request has no such field",
                    hint="it can only be set when the profile is created",
                )
                continue
            checked = self.value(rule, value, p)
            if checked is not _BAD:
                out[key] = checked
        if self.mode == "create" or not (top or self.partial):
            for rule in rules:
                if rule.required and rule.name not in data:
                    where = f"give {rule.flag} or a `{rule.name}:` key" if rule.flag else f"add `{rule.name}:`"
                    self.error(path + (rule.name,), "required field is missing", hint=where)
        return out

    def unknown(self, key: Any, value: Any, p: Path, known: dict[str, Rule], top: bool, out: dict[str, Any]) -> None:
        if not isinstance(key, str):
            self.error(p, f"field names are strings, found {describe(key)}")
            return
        if top and key in READ_ONLY:
            self.error(p, "is a read-only field of the API's response", hint=f"remove it: {READ_ONLY[key]}")
            return
        if top and key in SETUP_SECTIONS:  # only here when the command takes profile fields only
            self.error(
                p,
                "is a setup section, not a profile field",
                hint="`msgprof apply -f FILE` sets up numbers, sender IDs and auto-responses with the profile",
            )
            return
        import difflib  # only on the error path

        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
        if self.allow_unknown:
            self.warnings.append(self.doc.locate(Issue(p, "unknown field, passed through as given (--allow-unknown)")))
            out[key] = value
            return
        hint = f"did you mean '{close[0]}'?" if close else None
        extra = "--allow-unknown sends fields newer than msgprof as given"
        self.error(p, "unknown field", hint=f"{hint} ({extra})" if hint else extra)

    def quoted(self, p: Path, text: str) -> str:
        """A value as an error may quote it: shortened, and never one from a secret variable."""
        var = secret_at(self.doc.secrets, p)
        return f"the value of secret ${var}" if var else quote(text)

    def secret(self, p: Path, value: Any) -> bool:
        """Whether a value came from a secret variable (by its path) or is one the run knows."""
        return secret_at(self.doc.secrets, p) is not None or (isinstance(value, str) and holds_secret(value))

    def describe(self, p: Path, value: Any) -> str:
        var = secret_at(self.doc.secrets, p)
        if var and isinstance(value, str):
            return f"the value of secret ${var}"
        return describe(value)

    def value(self, rule: Rule, value: Any, p: Path) -> Any:
        if value is None:
            if rule.nullable:
                return None
            return self.error(p, "may not be null", hint=self._expect(rule))
        if rule.kind == "boolean":
            if isinstance(value, bool):
                return value
            words = ("true", "false", "yes", "no")
            hint = "write true or false without quotes" if str(value).lower() in words else None
            return self.error(p, f"expected true or false, found {self.describe(p, value)}", hint=hint)
        if rule.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return self.error(p, f"expected a non-negative number, found {self.describe(p, value)}")
            try:
                finite = math.isfinite(value)
            except OverflowError:  # an integer past a double's range (from a request to the sandbox)
                return self.error(p, f"must be a number a double can hold, found {self.describe(p, value)}")
            if not finite or value < 0:
                return self.error(p, f"must be a non-negative number, found {describe(value)}")
            return value
        if rule.kind == "integer":
            return self.integer(rule, value, p)
        if rule.kind == "object":
            return self.mapping(value, rule.children, p, open_=rule.open)
        if rule.kind == "countries":
            return self.countries(value, p)
        text = self.as_text(rule, value, p)
        if text is None:
            return self.error(p, f"expected a string, found {self.describe(p, value)}", hint=self._expect(rule))
        return self.text(rule, text, p)

    def integer(self, rule: Rule, value: Any, p: Path) -> Any:
        allowed = " or ".join(str(c) for c in rule.choices)
        if isinstance(value, str) and not self.strict and value.strip().isdigit() and value.strip().isascii():
            value = int(value)  # "2" from a quoted YAML value or a whole ${VAR} reference
        if isinstance(value, bool) or not isinstance(value, int) or (rule.choices and value not in rule.choices):
            return self.error(p, f"must be {allowed}, found {self.describe(p, value)}")
        return value

    def text(self, rule: Rule, text: str, p: Path) -> Any:
        if rule.kind == "enum":
            if text not in rule.enum:
                allowed = ", ".join(f'"{e}"' for e in rule.enum)
                return self.error(p, f"must be one of {allowed}, found {self.quoted(p, text)}")
            return text
        if rule.kind == "url":
            return self.url(text, p)
        if rule.nonblank and not text.strip():
            return self.error(p, "may not be empty")
        if rule.max_length is not None and len(text) > rule.max_length:
            return self.error(p, f"is {len(text)} characters long; at most {rule.max_length} are allowed")
        if rule.pattern and not re.match(rule.pattern, text):
            return self.error(p, f"{self.quoted(p, text)} does not match {rule.pattern}", hint=self._expect(rule))
        return text

    def as_text(self, rule: Rule, value: Any, p: Path) -> str | None:
        if isinstance(value, str):
            return value
        if rule.numeric_string and not isinstance(value, bool) and not self.strict:
            raw = self.doc.raw.get(p)
            if raw is not None:  # keep "100.50" and "2010-04-01" exactly as written in YAML
                return raw
            if isinstance(value, (int, float)):
                return str(value)
        return None

    def url(self, text: str, p: Path) -> Any:
        if text == "":
            return text
        userinfo = _USERINFO.match(text)
        if userinfo and ":" in userinfo.group(1):  # a password in a webhook URL is a secret from here on
            register(userinfo.group(1).partition(":")[2], "<password>")
        hint = 'use e.g. "https://example.com/hooks", or "" / null for none'
        try:
            parts = urlsplit(text)
            host, _ = parts.hostname, parts.port  # a bracketed host or a port that can't be read raises
        except ValueError:
            return self.error(p, f"{self.quoted(p, text)} is not a URL: its host or port cannot be read", hint=hint)
        if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in text):
            return self.error(p, f"{self.quoted(p, text)} is not an absolute http(s) URL", hint=hint)
        return text

    def countries(self, value: Any, p: Path) -> Any:
        if isinstance(value, str):
            secret = secret_at(self.doc.secrets, p)
            code = value.strip().upper()
            hint = "write a YAML list: [US, CA]"
            if not secret and code == "*":
                hint = 'write ["*"]'  # a bare [*] is a YAML alias
            elif not secret and code in ISO_3166_ALPHA2:  # suggest only a list that validates
                hint = f"write [{code}]"
            return self.error(p, f"expected a list of country codes, found {self.describe(p, value)}", hint=hint)
        if not isinstance(value, list):
            return self.error(p, f"expected a list of country codes, found {describe(value)}")
        if not value:
            return self.error(
                p,
                "is empty: no destination would be allowed",
                hint='list ISO 3166-1 alpha-2 codes, or ["*"] for all destinations',
            )
        codes = [self.country(item, p + (i,), alone=len(value) == 1) for i, item in enumerate(value)]
        if any(c is _BAD for c in codes):
            return _BAD
        return list(dict.fromkeys(codes))  # duplicates are dropped

    def country(self, item: Any, ip: Path, alone: bool) -> Any:
        raw = self.doc.raw.get(ip)
        if isinstance(item, bool) and raw is not None:
            item = raw  # YAML 1.1 reads a bare NO (Norway) as false; use what was written
        if not isinstance(item, str):
            return self.error(ip, f"expected a country code, found {describe(item)}")
        code = item if self.strict else item.strip().upper()  # lower-case codes are upper-cased
        if code == "*":
            if not alone:
                return self.error(ip, '"*" (all destinations) must stand alone', hint='use ["*"] or a list of codes')
            return code
        if code in COMMON_MISTAKES and not self.strict and not self.secret(ip, item):  # no guess from a secret
            return self.error(
                ip,
                f"{self.quoted(ip, item)} is not an ISO 3166-1 alpha-2 country code",
                hint=f"did you mean {COMMON_MISTAKES[code]}?",
            )
        if code not in ISO_3166_ALPHA2:
            return self.error(
                ip,
                f"{self.quoted(ip, item)} is not an ISO 3166-1 alpha-2 country code",
                hint='use two-letter codes such as US, GB, DE, or "*" for all',
            )
        return code

    @staticmethod
    def _expect(rule: Rule) -> str | None:
        if rule.pattern:
            expected = rule.expect or f"a string matching {rule.pattern}"
            return f"expected {expected}" + (" or null" if rule.nullable else "")
        return None
