"""The rules of a profile's messaging setup: phone numbers, alphanumeric sender IDs, auto-responses.

One place states each rule; the commands (``numbers``, ``sender-ids``, ``autoresp``) and the
optional document sections ``phone_numbers:``, ``alphanumeric_sender_ids:`` and
``autoresp_configs:`` are all checked through it.  Every problem is reported at once, each with
its field path (or argument) and, for a file, its line, with a "did you mean" where one is clear.

The rules follow ``telnyx-messaging-setup.openapi.yaml`` and the ``autoresp_configs`` schemas of
``telnyx-messaging-profiles.openapi.yaml``.  Where the schema and its own prose disagree, we follow
the prose and say so next to the rule.

This module never touches the network, never prints and knows nothing of flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from msgprof_cli.document.countries import COMMON_MISTAKES, ISO_3166_ALPHA2
from msgprof_cli.document.document import QUOTE_CHARS, Document, Issue, Path, describe, quote
from msgprof_cli.errors import InvalidInput
from msgprof_cli.secrets import holds_secret

# --------------------------------------------------------------------------- the rules

# The spec types phone numbers as plain strings marked "x-format: +E.164"; its prose says
# "+E.164 formatted".  E.164 (ITU-T): a "+", a country code that does not start with 0, and at
# most 15 digits in all; the shortest numbers in use (Niue: +683 and four digits) have 7.  ASCII
# digits only ([0-9], not \d, which also matches other scripts' digits).
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# CreateAlphanumericSenderIdRequest has no pattern at all; its prose and the profile's
# alpha_sender rule (^[A-Za-z0-9 ]{1,11}$) say 1-11 letters, digits or spaces: we follow those.
SENDER_ID = re.compile(r"[A-Za-z0-9 ]{1,11}")
# us_long_code_fallback is typed as any string; its prose says "a US long code number": +1 and
# ten digits, the area code not starting with 0 or 1 (NANP).  The exchange is not checked, so the
# spec's own example +15551234567 passes.
US_LONG_CODE = re.compile(r"\+1[2-9][0-9]{9}")
# PhoneNumberCampaignCreate.campaignId is typed as a string with no pattern or length; its examples
# are a Telnyx campaign id (4b300178-131c-d902-d54e-72d90ba1620j: hex-like groups and hyphens, not
# a strict UUID) and, for shared campaigns, a TCR campaign id (CWZTFH1).  We accept letters,
# digits and hyphens, 1 to 64 of them: both forms, and nothing a path segment would refuse.
CAMPAIGN_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# The NANP's toll-free area codes in service (NANPA, "Toll-Free Numbers": 800, 833, 844, 855, 866,
# 877, 888).  One list for msgprof and its sandbox (sandbox/state.py reads it).
TOLL_FREE_NPA = frozenset({"800", "833", "844", "855", "866", "877", "888"})
OPS: tuple[str, ...] = ("start", "stop", "info")  # the auto-response `op` enum
ALL_COUNTRIES = "*"  # the spec's examples use country_code "*" for every country; it is allowed


MAX_KEYWORDS = 50  # keywords in one auto-response config (the sandbox's limit; the spec sets none)


def is_keyword(text: str) -> bool:
    """A keyword is the first word of an inbound message: one word of letters or digits.

    The spec types keywords as plain strings; a keyword holding a space could never match, and the
    sandbox (our model of the API) takes letters and digits only (str.isalnum).
    """
    return text.isalnum()


# Secret rule for every problem below: a value the run knows as secret (secrets.py) is never
# quoted, and no suggestion is computed from it ("did you mean +12025550100?" would print it):
# the message says the value is invalid, and the hint says how to write one.


def number_problem(text: str) -> tuple[str, str | None] | None:
    """None for an E.164 number; else (message, hint)."""
    if E164.fullmatch(text):
        return None
    guess = None if holds_secret(text) else _number_guess(text)
    hint = f"did you mean {guess}?" if guess else "write it in E.164: +, country code, number, e.g. +15550100001"
    return f"{quote(text)} is not an E.164 phone number", hint


# A US (NANP) number written without its country code: ten digits, the area code and the exchange
# each starting 2-9.  Its guess is +1 and the ten digits, never "+" and the ten digits (another
# country: 3125550100 is not +31 25550100).
NANP_NATIONAL = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{6}")


def _number_guess(text: str) -> str | None:
    """A suggestion that validates (E.164), or None."""
    digits = re.sub(r"[\s().\-]", "", text)
    if NANP_NATIONAL.fullmatch(digits):
        digits = "+1" + digits
    elif digits.startswith("00"):
        digits = "+" + digits[2:]
    elif not digits.startswith("+"):
        digits = "+" + digits
    return digits if digits != text and E164.fullmatch(digits) else None


def sender_id_problem(text: str) -> tuple[str, str | None] | None:
    if SENDER_ID.fullmatch(text) and text.strip():
        return None
    if not text.strip():  # spaces alone name no sender (the sandbox, too, refuses them)
        return "a sender ID may not be empty or blank", "use 1 to 11 letters, digits or spaces"
    if holds_secret(text):
        return f"{quote(text)} is not a sender ID", "use 1 to 11 letters, digits or spaces"
    problems = []
    if len(text) > 11:
        problems.append(f"is {len(text)} characters long; a sender ID has at most 11")
    bad = sorted({c for c in text if not re.fullmatch(r"[A-Za-z0-9 ]", c)})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:8]) + (f" and {len(bad) - 8} more" if len(bad) > 8 else "")
        problems.append(f"holds {shown}: only letters, digits and spaces are allowed")
    cleaned = re.sub(r"[^A-Za-z0-9 ]", "", text)
    if bad and cleaned.strip() and len(cleaned) <= 11:
        hint = f"did you mean {cleaned!r}?"
    elif len(text) > 11:
        hint = "shorten it" + (" and use only letters, digits and spaces" if bad else "")
    else:
        hint = "use letters, digits and spaces"
    return f"{quote(text)} " + ", and ".join(problems), hint


def us_long_code_problem(text: str) -> tuple[str, str | None] | None:
    if US_LONG_CODE.fullmatch(text):
        return None
    guess = None if holds_secret(text) else _number_guess(text)
    if guess and not guess.startswith("+1") and len(guess) == 11:
        guess = "+1" + guess[1:]
    hint = f"did you mean {guess}?" if guess and US_LONG_CODE.fullmatch(guess) else "e.g. +15550100001"
    return f"{quote(text)} is not a US long code (+1 and ten digits)", hint


def is_toll_free(number: str) -> bool:
    """A NANP toll-free number (+1 and a toll-free area code)."""
    return number.startswith("+1") and number[2:5] in TOLL_FREE_NPA


def ten_dlc_number_problem(text: str) -> tuple[str, str | None] | None:
    """10DLC is the US long-code registration (Telnyx, "10DLC"): a number on a campaign is a +1
    long code (``US_LONG_CODE``) outside the toll-free area codes.  Canada and the other +1
    countries are not told apart offline (that needs the numbering plan's metadata:
    document/numbering.py says why documents are not checked with it)."""
    if is_toll_free(text):
        return (
            f"{quote(text)} is a toll-free number: only a US long code goes on a 10DLC campaign",
            "remove campaign_id: a toll-free number is verified instead (Messaging > Toll-free verification)",
        )
    if not US_LONG_CODE.fullmatch(text):
        return (
            f"{quote(text)} is not a US long code (+1 and ten digits): only those go on a 10DLC campaign",
            "remove campaign_id from this number",
        )
    return None


def campaign_id_problem(text: str) -> tuple[str, str | None] | None:
    if CAMPAIGN_ID.fullmatch(text):
        return None
    if not text.strip():
        return "a campaign_id may not be empty", "write the campaign's id: `msgprof doctor` and the portal show it"
    why = f"{len(text)} characters; at most 64" if len(text) > 64 else "only letters, digits and hyphens"
    return (
        f"{quote(text)} is not a 10DLC campaign id ({why})",
        "write the Telnyx campaign id (4b300178-...) or, for a shared campaign, the TCR id (CWZTFH1)",
    )


def op_problem(text: str) -> tuple[str, str | None] | None:
    if text in OPS:
        return None
    import difflib  # only on the error path

    close = [] if holds_secret(text) else difflib.get_close_matches(text.lower(), OPS, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else None
    return f"op must be one of start, stop, info; found {quote(text)}", hint


def keyword_key(word: str) -> str:
    """What two keywords share when they match: one rule for ``validate`` and the sandbox.

    Upper-casing first, then case folding, so that every pair that matches either way matches:
    ``ıNFO`` and ``INFO`` (dotless i upper-cases to I), ``ß`` and ``SS``."""
    return word.upper().casefold()


def keyword_problem(text: str) -> tuple[str, str | None] | None:
    if is_keyword(text):
        return None
    if not text:
        return "a keyword may not be empty", None
    words = text.split()
    cleaned = "".join(c for c in text if c.isalnum())
    listed = ", ".join(words)
    # a hint suggests only what validates, and only what it can show whole (a quote may be cut)
    if holds_secret(text):
        hint = "use one word of letters and digits"
    elif len(words) > 1 and all(is_keyword(w) for w in words):
        hint = f"give each word as its own keyword: {listed if len(listed) <= QUOTE_CHARS else 'one word each'}"
    elif len(words) > 1:
        hint = "give each word as its own keyword, of letters and digits only"
    elif cleaned and len(cleaned) <= QUOTE_CHARS:
        hint = f"did you mean {quote(cleaned)}?"
    else:
        hint = "use letters and digits"
    return f"{quote(text)} is not one word of letters or digits: a keyword is the first word of a message", hint


def country(text: str) -> tuple[str | None, tuple[str, str | None] | None]:
    """(the normalised code, None) or (None, (message, hint)).  Lower case is upper-cased."""
    code = text.strip().upper()
    if code == ALL_COUNTRIES or code in ISO_3166_ALPHA2:
        return code, None
    if code in COMMON_MISTAKES and not holds_secret(text):
        message = f"{quote(text)} is not an ISO 3166-1 alpha-2 country code"
        return None, (message, f"did you mean {COMMON_MISTAKES[code]}?")
    return None, (
        f"{quote(text)} is not an ISO 3166-1 alpha-2 country code",
        'use two-letter codes such as US, GB, DE, or "*" for every country',
    )


# --------------------------------------------------------------------------- values from the command line


@dataclass(frozen=True)
class Given:
    """One value from the command line or a list file, with where it came from."""

    value: str
    where: str  # "argument 2", "--keyword", or a file name
    line: int | None = None

    def issue(self, message: str, hint: str | None) -> Issue:
        if self.line is not None:
            return Issue((), message, hint, source=self.where, line=self.line)
        return Issue((), message, hint, origin=self.where)


def arguments(values: Sequence[str], label: str = "argument") -> list[Given]:
    return [Given(v, f"{label} {i}") for i, v in enumerate(values, 1)]


def decode_list(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source}: not UTF-8 text (at byte {exc.start})", hint="save the list as UTF-8") from None


def parse_number_list(text: str, source: str) -> list[Given]:
    """A list file: one number a line; blank lines and ``#`` comments are skipped."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        value = raw.split("#", 1)[0].strip()
        if value:
            out.append(Given(value, source, n))
    return out


def check_numbers(values: Iterable[Given]) -> list[str]:
    """The numbers in order without duplicates; raises InvalidInput with every problem at once."""
    issues: list[Issue] = []
    seen: dict[str, None] = {}  # insertion-ordered: linear in the number of lines (a list was quadratic)
    for g in values:
        problem = number_problem(g.value)
        if problem:
            issues.append(g.issue(*problem))
        else:
            seen.setdefault(g.value)
    raise_issues(issues)
    return list(seen)


def check_one(given: Given, problem: tuple[str, str | None] | None, issues: list[Issue]) -> str:
    if problem:
        issues.append(given.issue(*problem))
    return given.value


def raise_issues(issues: list[Issue]) -> None:
    if issues:
        n = len(issues)
        raise InvalidInput(f"{n} problem{'s' if n > 1 else ''} found; nothing was sent", issues)


# --------------------------------------------------------------------------- auto-response configs


@dataclass
class Autoresp:
    """An auto-response config as the API takes it (AutoRespConfigCreateSchema)."""

    op: str
    keywords: list[str]
    country_code: str
    resp_text: str | None = None

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "keywords": list(self.keywords), "country_code": self.country_code}
        if self.resp_text is not None:
            out["resp_text"] = self.resp_text
        return out

    @property
    def key(self) -> tuple[str, str]:
        """What identifies a config within a profile for msgprof: its country and op."""
        return (self.country_code, self.op)


def check_keywords(values: Sequence[str], report: Callable[[int, str, str | None], None]) -> list[str]:
    """The keywords that pass; ``report(index, message, hint)`` is called for each that does not."""
    out: list[str] = []
    seen: set[str] = set()
    if len(values) > MAX_KEYWORDS:
        report(MAX_KEYWORDS, f"{len(values)} keywords; a config takes at most {MAX_KEYWORDS}", "split it in two")
    for i, value in enumerate(values):
        problem = keyword_problem(value)
        if problem:
            report(i, *problem)
        elif keyword_key(value) in seen:  # carriers match keywords without regard to case
            report(i, f"keyword {quote(value)} is given twice (keywords match in any case)", "give it once")
        else:
            seen.add(keyword_key(value))
            out.append(value)
    return out


def check_country(given: Given, issues: list[Issue]) -> str:
    code, problem = country(given.value)
    if problem:
        issues.append(given.issue(*problem))
    return code or given.value


# --------------------------------------------------------------------------- document sections

SECTIONS = ("phone_numbers", "alphanumeric_sender_ids", "autoresp_configs")


@dataclass
class NumberEntry:
    number: str
    move: bool = False  # take the number from another profile (the document must say so)
    source: str = ""
    campaign_id: str | None = None  # its 10DLC campaign (None: the number's campaign is not managed)


@dataclass
class SenderEntry:
    sender_id: str
    us_long_code_fallback: str | None = None
    source: str = ""


@dataclass
class Setup:
    """The setup sections of one profile document; a section left out is None (not managed)."""

    numbers: list[NumberEntry] | None = None
    sender_ids: list[SenderEntry] | None = None
    autoresp: list[Autoresp] | None = None
    secrets: dict[Path, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.numbers is None and self.sender_ids is None and self.autoresp is None


def split_setup(doc: Document) -> tuple[Document, Document | None]:
    """The profile part and the setup part of a document (the same lines; paths unchanged)."""
    if not isinstance(doc.data, dict) or not any(k in doc.data for k in SECTIONS):
        return doc, None
    profile = {k: v for k, v in doc.data.items() if k not in SECTIONS}
    setup = {k: v for k, v in doc.data.items() if k in SECTIONS}
    import dataclasses

    return dataclasses.replace(doc, data=profile), dataclasses.replace(doc, data=setup)


def validate_setup(doc: Document | None) -> tuple[Setup, list[Issue]]:
    """Check the setup sections of a document; every problem at once."""
    if doc is None:
        return Setup(), []
    v = _SetupValidator(doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    setup = Setup(secrets=doc.secrets)
    if "phone_numbers" in data:
        setup.numbers = v.entries(data["phone_numbers"], ("phone_numbers",), v.number_entry)
    if "alphanumeric_sender_ids" in data:
        setup.sender_ids = v.entries(data["alphanumeric_sender_ids"], ("alphanumeric_sender_ids",), v.sender_entry)
    if "autoresp_configs" in data:
        setup.autoresp = v.entries(data["autoresp_configs"], ("autoresp_configs",), v.autoresp_entry)
    v.duplicates(setup)
    return setup, v.issues


NUMBER_KEYS = ("number", "move", "campaign_id")
SENDER_KEYS = ("sender_id", "us_long_code_fallback")
AUTORESP_KEYS = ("op", "keywords", "country_code", "resp_text")


class _SetupValidator:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.issues: list[Issue] = []
        self.paths: dict[int, Path] = {}  # id(entry) -> where it is in the document

    def error(self, path: Path, problem: tuple[str, str | None]) -> None:
        self.issues.append(self.doc.locate(Issue(path, problem[0], problem[1])))

    def entries(self, value: Any, path: Path, check: Any) -> list[Any]:
        if value is None:  # an empty section (`phone_numbers:`) manages an empty set
            return []
        if not isinstance(value, list):
            self.error(path, (f"expected a list, found {describe(value)}", f"write it as a YAML list under {path[0]}:"))
            return []
        out = []
        for i, item in enumerate(value):
            entry = check(item, path + (i,))
            if entry is not None:
                self.paths[id(entry)] = path + (i,)
                out.append(entry)
        return out

    def mapping(self, item: Any, path: Path, keys: tuple[str, ...], what: str = "a mapping") -> dict[str, Any] | None:
        if not isinstance(item, dict):
            self.error(path, (f"expected {what}, found {describe(item)}", None))
            return None
        import difflib

        for key in item:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"the keys are {', '.join(keys)}"
                self.error(path + (key,), ("unknown field", hint))
        return item

    def text(self, item: dict[str, Any], key: str, path: Path, required: bool = True) -> str | None:
        if key not in item:
            if required:
                self.error(path + (key,), ("required field is missing", f"add `{key}:`"))
            return None
        value = self.scalar(item[key], path + (key,))
        if not isinstance(value, str):
            self.error(path + (key,), (f"expected a string, found {describe(value)}", "quote it"))
            return None
        return value

    def scalar(self, value: Any, path: Path) -> Any:
        """A plain YAML scalar as it was written: YAML 1.1 reads +15550100001 as a number, NO as false."""
        raw = self.doc.raw.get(path)
        return raw if raw is not None and isinstance(value, (bool, int, float)) else value

    def checked(self, value: str | None, path: Path, rule: Any) -> str | None:
        if value is None:
            return None
        problem = rule(value)
        if problem:
            self.error(path, problem)
            return None
        return value

    def number_entry(self, item: Any, path: Path) -> NumberEntry | None:
        item = self.scalar(item, path)
        if isinstance(item, str):
            number = self.checked(item, path, number_problem)
            return NumberEntry(number, source=self._where(path)) if number else None
        data = self.mapping(item, path, NUMBER_KEYS, "a number or a mapping with number:")
        if data is None:
            return None
        number = self.checked(self.text(data, "number", path), path + ("number",), number_problem)
        move = data.get("move", False)
        if not isinstance(move, bool):
            self.error(path + ("move",), (f"expected true or false, found {describe(move)}", None))
            move = False
        campaign = self.checked(
            self.text(data, "campaign_id", path, required=False), path + ("campaign_id",), campaign_id_problem
        )
        if "campaign_id" in data and campaign is None:
            return None
        if campaign is not None and number is not None:
            problem = ten_dlc_number_problem(number)
            if problem:
                self.error(path + ("number",), problem)
                return None
        return NumberEntry(number, move, self._where(path), campaign) if number else None

    def sender_entry(self, item: Any, path: Path) -> SenderEntry | None:
        item = self.scalar(item, path)
        if isinstance(item, str):
            sid = self.checked(item, path, sender_id_problem)
            return SenderEntry(sid, source=self._where(path)) if sid else None
        data = self.mapping(item, path, SENDER_KEYS, "a sender ID or a mapping with sender_id:")
        if data is None:
            return None
        sid = self.checked(self.text(data, "sender_id", path), path + ("sender_id",), sender_id_problem)
        fallback = self.checked(
            self.text(data, "us_long_code_fallback", path, required=False),
            path + ("us_long_code_fallback",),
            us_long_code_problem,
        )
        bad_fallback = "us_long_code_fallback" in data and fallback is None
        return SenderEntry(sid, fallback, self._where(path)) if sid and not bad_fallback else None

    def autoresp_entry(self, item: Any, path: Path) -> Autoresp | None:
        data = self.mapping(item, path, AUTORESP_KEYS)
        if data is None:
            return None
        before = len(self.issues)
        op = self.checked(self.text(data, "op", path), path + ("op",), op_problem)
        code = self.text(data, "country_code", path)
        if code is not None:
            code, problem = country(code)
            if problem:
                self.error(path + ("country_code",), problem)
        keywords = self.keywords(data, path + ("keywords",))
        text = self.text(data, "resp_text", path, required=False)
        if len(self.issues) > before or op is None or code is None:
            return None
        return Autoresp(op, keywords, code, text)

    def keywords(self, data: dict[str, Any], path: Path) -> list[str]:
        if "keywords" not in data:
            self.error(path, ("required field is missing", "add `keywords: [STOP]`"))
            return []
        value = data["keywords"]
        if isinstance(value, str):
            short = len(value) <= QUOTE_CHARS and not holds_secret(value) and is_keyword(value)  # what validates
            hint = f"write [{value}]" if short else "write a YAML list: [STOP]"
            self.error(path, (f"expected a list of keywords, found {describe(value)}", hint))
            return []
        if not isinstance(value, list) or not value:
            self.error(path, (f"expected a non-empty list of keywords, found {describe(value)}", None))
            return []
        index: list[int] = []
        words: list[str] = []
        for i, item in enumerate(value):
            item = self.scalar(item, path + (i,))
            if isinstance(item, str):
                index.append(i)
                words.append(item)
            else:
                self.error(path + (i,), (f"expected a keyword, found {describe(item)}", "quote it"))
        return check_keywords(words, lambda k, message, hint: self.error(path + (index[k],), (message, hint)))

    def keyword_clashes(self, configs: list[Autoresp]) -> None:
        """A keyword belongs to one config per country: two would answer the same message."""
        owner: dict[tuple[str, str], str] = {}
        for config in configs:
            for k, word in enumerate(config.keywords):
                key = (config.country_code, keyword_key(word))
                if key in owner and owner[key] != config.op:
                    where = self.paths.get(id(config), ("autoresp_configs",)) + ("keywords", k)
                    problem = (
                        f"keyword {quote(word)} is also a keyword of the {owner[key]} config for {config.country_code}"
                    )
                    self.error(where, (problem, "a keyword answers once per country: keep it in one config"))
                owner.setdefault(key, config.op)

    def duplicates(self, setup: Setup) -> None:
        self.keyword_clashes(setup.autoresp or [])
        for name, items, key in (
            ("phone_numbers", setup.numbers, lambda e: e.number),
            ("alphanumeric_sender_ids", setup.sender_ids, lambda e: e.sender_id),
            ("autoresp_configs", setup.autoresp, lambda e: e.key),
        ):
            seen: set[Any] = set()
            for entry in items or []:
                k = key(entry)
                if k in seen:
                    what = f"country {k[0]} and op {k[1]}" if isinstance(k, tuple) else quote(k)
                    self.error(self.paths.get(id(entry), (name,)), (f"{what} is listed twice", "keep one entry"))
                seen.add(k)

    def _where(self, path: Path) -> str:
        line = self.doc.line_of(path)
        return f"{self.doc.source}:{line}" if line else self.doc.source


def section_schemas() -> dict[str, Any]:
    """JSON Schema of the three sections, for editors (the validator above is the authority)."""
    number = {"type": "string", "pattern": f"^{E164.pattern}$"}
    sender = {"type": "string", "pattern": f"^{SENDER_ID.pattern}$"}
    fallback = {"type": "string", "pattern": f"^{US_LONG_CODE.pattern}$"}
    country_code = {"type": "string", "pattern": "^(\\*|[A-Za-z]{2})$"}

    def entries(short: dict[str, Any], key: str, props: dict[str, Any], help_: str) -> dict[str, Any]:
        long = {"type": "object", "required": [key], "additionalProperties": False, "properties": props}
        return {"type": ["array", "null"], "items": {"anyOf": [short, long]}, "description": help_}

    return {
        "phone_numbers": entries(
            number,
            "number",
            {
                "number": number,
                "move": {"type": "boolean"},
                "campaign_id": {"type": "string", "pattern": f"^{CAMPAIGN_ID.pattern}$"},
            },
            "Numbers on this profile (E.164), each with its 10DLC campaign_id if managed.",
        ),
        "alphanumeric_sender_ids": entries(
            sender, "sender_id", {"sender_id": sender, "us_long_code_fallback": fallback}, "Sender IDs."
        ),
        "autoresp_configs": {
            "type": ["array", "null"],
            "description": "Keyword auto-responses, one per country and op.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["op", "keywords", "country_code"],
                "properties": {
                    "op": {"enum": list(OPS)},
                    "keywords": {"type": "array", "minItems": 1, "maxItems": MAX_KEYWORDS, "items": {"type": "string"}},
                    "country_code": country_code,
                    "resp_text": {"type": "string"},
                },
            },
        },
    }
