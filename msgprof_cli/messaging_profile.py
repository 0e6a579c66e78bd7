"""The messaging-profile document: field rules, loading, validation, payloads, schema and diffs.

The rules below are the one declarative description of a profile document.  Validation, the
command-line flags of ``create``/``update``, ``msgprof schema`` and the plan diff are all derived
from them.  They follow ``CreateMessagingProfileRequest``, ``UpdateMessagingProfileRequest``,
``NumberPoolSettings`` and ``UrlShortenerSettings`` in the official Telnyx OpenAPI spec, except
where the spec and its own prose disagree; there we follow the prose and say so next to the rule.

This module never touches the network and never prints.  ``yaml`` is imported only when a YAML
document is actually read, so JSON input and the flag-only path stay fast.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from msgprof_cli.countries import COMMON_MISTAKES, ISO_3166_ALPHA2
from msgprof_cli.errors import InvalidInput, UsageError

Path = tuple[str | int, ...]

# Input limits (documented in the README, enforced in load_bytes/_Converter).
MAX_DOCUMENT_BYTES = 1024 * 1024  # 1 MiB per file or stdin
MAX_NODES = 20_000  # values in one file, counted after YAML aliases are expanded
MAX_DEPTH = 32  # nesting depth


@dataclass(frozen=True)
class Rule:
    """One field of the profile document."""

    name: str
    kind: str  # string | boolean | number | url | enum | countries | object
    help: str
    flag: str = ""  # long flag; booleans also get an "off" flag
    off_flag: str = ""
    nullable: bool = False
    required: bool = False  # on create (top level) or inside its object (nested)
    pattern: str | None = None
    max_length: int | None = None
    nonblank: bool = False
    enum: tuple[str, ...] = ()
    updatable: bool = True
    numeric_string: bool = False  # a YAML/JSON number is accepted as its string
    children: tuple[Rule, ...] = ()
    null_flag: str = ""  # objects: the flag that sends the object as null


POOL_RULES: tuple[Rule, ...] = (
    # The spec types weights as plain numbers; "non-negative" is only in the prose, which we follow.
    Rule(
        "long_code_weight",
        "number",
        "Weight of long-code numbers in the pool (>= 0).",
        flag="--pool-long-code-weight",
        required=True,
    ),
    Rule(
        "toll_free_weight",
        "number",
        "Weight of toll-free numbers in the pool (>= 0).",
        flag="--pool-toll-free-weight",
        required=True,
    ),
    Rule(
        "skip_unhealthy",
        "boolean",
        "Leave unhealthy numbers out of the pool.",
        flag="--pool-skip-unhealthy",
        off_flag="--no-pool-skip-unhealthy",
        required=True,
    ),
    Rule(
        "sticky_sender",
        "boolean",
        "Keep sending to a recipient from the same number.",
        flag="--pool-sticky-sender",
        off_flag="--no-pool-sticky-sender",
    ),
    Rule(
        "geomatch",
        "boolean",
        "Prefer a sender with the recipient's area code (NANP).",
        flag="--pool-geomatch",
        off_flag="--no-pool-geomatch",
    ),
)

SHORTENER_RULES: tuple[Rule, ...] = (
    Rule(
        "domain",
        "string",
        "A domain of the Telnyx URL shortener service.",
        flag="--shortener-domain",
        required=True,
        nonblank=True,
    ),
    Rule("prefix", "string", "Brand prefix after the domain in generated links.", flag="--shortener-prefix"),
    Rule(
        "replace_blacklist_only",
        "boolean",
        "Replace only links Telnyx blacklists.",
        flag="--shortener-replace-blacklist-only",
        off_flag="--no-shortener-replace-blacklist-only",
    ),
    Rule(
        "send_webhooks",
        "boolean",
        "Send webhooks when replaced links are clicked.",
        flag="--shortener-send-webhooks",
        off_flag="--no-shortener-send-webhooks",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule("name", "string", "A user-friendly name for the profile.", flag="--name", required=True, nonblank=True),
    # The spec's item pattern ^[A-Z]{2}$ rejects "*", which its own description and the
    # documentation page allow ("all destinations"); we follow the prose: "*" alone is accepted.
    Rule(
        "whitelisted_destinations",
        "countries",
        'Allowed destination countries (ISO 3166-1 alpha-2), or "*" for all. Repeatable; takes comma lists.',
        flag="--whitelist",
        required=True,
    ),
    Rule("enabled", "boolean", "Whether the profile is enabled.", flag="--enabled", off_flag="--disabled"),
    # format: url, but the spec's own default is "" (which a url format rejects) and null is
    # allowed: we accept "", null, or an absolute http(s) URL.
    Rule("webhook_url", "url", "Where webhooks for this profile are sent.", flag="--webhook-url", nullable=True),
    Rule(
        "webhook_failover_url",
        "url",
        "Where webhooks go when the primary URL fails.",
        flag="--webhook-failover-url",
        nullable=True,
    ),
    Rule(
        "webhook_api_version",
        "enum",
        'Webhook format: "1", "2" or "2010-04-01".',
        flag="--webhook-api-version",
        enum=("1", "2", "2010-04-01"),
        numeric_string=True,
    ),
    Rule(
        "alpha_sender",
        "string",
        "Alphanumeric sender ID (1-11 letters, digits or spaces).",
        flag="--alpha-sender",
        nullable=True,
        pattern=r"^[A-Za-z0-9 ]{1,11}$",
    ),
    Rule(
        "daily_spend_limit",
        "string",
        'Most USD the profile may spend per UTC day, e.g. "100.00".',
        flag="--daily-spend-limit",
        pattern=r"^[0-9]+(?:\.[0-9]+)?$",
        numeric_string=True,
    ),
    Rule(
        "daily_spend_limit_enabled",
        "boolean",
        "Enforce daily_spend_limit.",
        flag="--daily-spend-limit-enabled",
        off_flag="--no-daily-spend-limit-enabled",
    ),
    Rule(
        "mms_fall_back_to_sms",
        "boolean",
        "Fall back to SMS when MMS fails.",
        flag="--mms-fall-back-to-sms",
        off_flag="--no-mms-fall-back-to-sms",
    ),
    Rule(
        "mms_transcoding",
        "boolean",
        "Resize MMS media automatically.",
        flag="--mms-transcoding",
        off_flag="--no-mms-transcoding",
    ),
    Rule("mobile_only", "boolean", "Send only to mobile numbers.", flag="--mobile-only", off_flag="--no-mobile-only"),
    Rule(
        "smart_encoding",
        "boolean",
        "Pick GSM-7 or UCS-2 automatically.",
        flag="--smart-encoding",
        off_flag="--no-smart-encoding",
    ),
    # Not in UpdateMessagingProfileRequest: only a create can set it.
    Rule(
        "health_webhook_url",
        "url",
        "URL for number health webhooks (create only; deprecated by Telnyx).",
        flag="--health-webhook-url",
        nullable=True,
        updatable=False,
    ),
    Rule(
        "ai_assistant_id",
        "string",
        "AI assistant to associate (at most 64 characters).",
        flag="--ai-assistant-id",
        nullable=True,
        max_length=64,
    ),
    # Not in UpdateMessagingProfileRequest: only a create can set it.
    Rule(
        "resource_group_id",
        "string",
        "Resource group to associate (at most 64 characters; create only).",
        flag="--resource-group-id",
        nullable=True,
        max_length=64,
        updatable=False,
    ),
    Rule(
        "number_pool_settings",
        "object",
        "Number pool settings, or null to disable the pool.",
        nullable=True,
        children=POOL_RULES,
        null_flag="--no-pool",
    ),
    Rule(
        "url_shortener_settings",
        "object",
        "URL shortener settings, or null to disable it.",
        nullable=True,
        children=SHORTENER_RULES,
        null_flag="--no-shortener",
    ),
)

RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

# Fields of the API's response that a document cannot set, with why.
READ_ONLY: dict[str, str] = {
    "id": "the API assigns it; to change a profile, use `msgprof update ID` or `msgprof apply`",
    "record_type": "the API sets it",
    "created_at": "the API sets it",
    "updated_at": "the API sets it",
    "v1_secret": "secrets do not belong in files; use `msgprof regenerate-secret` to rotate it",
    "organization_id": "the API sets it from your account",
    "redaction_enabled": "the create and update requests have no such field",
    "redaction_level": "the create and update requests have no such field",
}


@dataclass
class Issue:
    """One problem with a document, located as precisely as we can."""

    path: Path
    message: str
    hint: str | None = None
    source: str | None = None
    line: int | None = None
    flag: str | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)

    def location(self) -> str:
        parts = []
        if self.flag:
            parts.append(self.flag)
        elif self.source and self.source != "<flags>":
            parts.append(f"{self.source}:{self.line}" if self.line else self.source)
        if self.path:
            parts.append(self.field)
        return ": ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "source": self.flag or self.source,
            "line": self.line,
        }


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass
class Document:
    """A profile document plus where each of its values came from."""

    data: Any
    source: str = "<flags>"
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)  # the text of plain YAML scalars
    flags: dict[Path, str] = field(default_factory=dict)  # values that came from flags
    text: str | None = None  # JSON text, kept to find lines only when there are issues
    secrets: dict[Path, str] = field(default_factory=dict)  # values interpolated from secret variables

    def locate(self, issue: Issue) -> Issue:
        path = issue.path
        for n in range(len(path), 0, -1):
            if path[:n] in self.flags:
                issue.flag = self.flags[path[:n]]
                return issue
        issue.source = self.source
        if not self.lines and self.text is not None:
            self.lines = _json_lines(self.text)
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                issue.line = self.lines[path[:n]]
                break
        return issue


# --------------------------------------------------------------------------- loading


def read_bytes(path: str, stdin: Any = None) -> tuple[bytes, str]:
    """Read a file (or stdin for "-") up to the size limit."""
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_DOCUMENT_BYTES + 1)
        except FileNotFoundError:
            raise InvalidInput(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InvalidInput(f"{path}: is a directory; give a .yaml, .yml or .json file") from None
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from None
        name = path
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"{name}: larger than the {MAX_DOCUMENT_BYTES // 1024} KiB limit for a profile file")
    return data, name


def parse_documents(data: bytes, source: str, env: Mapping[str, str] | None = None) -> list[Document]:
    """Parse YAML or JSON bytes into profile documents.

    A file holds one profile (a mapping), a list of profiles, or (YAML) a stream of documents.
    With ``env``, ``${VAR}`` references are interpolated first (see interpolate.py).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="save the file as UTF-8",
        ) from None
    if not text.strip():
        raise InvalidInput(f"{source}: the file is empty; a profile needs at least name and whitelisted_destinations")
    secret_lines: dict[int, str] = {}
    if env is not None and "$" in text:
        from msgprof_cli.interpolate import interpolate

        done = interpolate(text, env)
        if done.problems:
            issues = [Issue((), message, source=source, line=line) for line, message in done.problems]
            n = len(issues)
            raise InvalidInput(f"{source}: {n} interpolation problem{'s' if n > 1 else ''}", issues)
        text, secret_lines = done.text, done.secret_lines
    docs = None
    if source.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            docs = _split_roots([_parse_json(text, source)], source, {}, {}, text)
        except InvalidInput:
            if source.endswith(".json"):
                raise
            # not JSON after all: a YAML flow mapping or list such as [{name: x, ...}]
    if docs is None:
        docs = _parse_yaml(text, source)
    if not docs:
        raise InvalidInput(f"{source}: the file holds no profile")
    if secret_lines:
        for doc in docs:
            if not doc.lines and doc.text is not None:
                doc.lines = _json_lines(doc.text)
            doc.secrets = {p: secret_lines[ln] for p, ln in doc.lines.items() if ln in secret_lines and p}
    return docs


def load_documents(path: str, stdin: Any = None, env: Mapping[str, str] | None = None) -> list[Document]:
    data, name = read_bytes(path, stdin)
    return parse_documents(data, name, env)


def load_document(path: str, stdin: Any = None, env: Mapping[str, str] | None = None) -> Document:
    docs = load_documents(path, stdin, env)
    if len(docs) != 1:
        raise InvalidInput(
            f"{docs[0].source}: holds {len(docs)} profiles; this command takes one",
            hint="use `msgprof apply -f` for files with several profiles",
        )
    return docs[0]


def _parse_json(text: str, source: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                raise InvalidInput(f"{source}: key {k!r} appears twice in one object")
            out[k] = v
        return out

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply (the limit is {MAX_DEPTH} levels)") from None


def _json_lines(text: str) -> dict[Path, int]:
    """Line numbers for a JSON document, found through the YAML composer (on the error path only)."""
    try:
        conv = _Converter("json")
        import yaml

        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if node is not None:
            conv.convert(node, ())
        return conv.lines
    except Exception:  # best effort only: a JSON quirk YAML 1.1 rejects just loses line numbers
        return {}


class _Converter:
    """Turn YAML nodes into Python values, recording lines and guarding against alias bombs."""

    def __init__(self, source: str) -> None:
        import yaml

        self.yaml = yaml
        self.source = source
        self.constructor = yaml.constructor.SafeConstructor()
        self.lines: dict[Path, int] = {}
        self.raw: dict[Path, str] = {}
        self.count = 0

    def convert(self, node: Any, path: Path) -> Any:
        yaml = self.yaml
        self.count += 1
        if self.count > MAX_NODES:
            raise InvalidInput(
                f"{self.source}: more than {MAX_NODES} values (after expanding YAML aliases)",
                hint="a profile file is small; is this a YAML alias bomb?",
            )
        if len(path) > MAX_DEPTH:
            raise InvalidInput(f"{self.source}: nested more than {MAX_DEPTH} levels deep")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            merged: dict[Any, Any] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    raise InvalidInput(f"{self.source}:{knode.start_mark.line + 1}: a key must be a plain name")
                if knode.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults` shares settings between profiles
                    sources = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
                    for src in sources:
                        value = self.convert(src, path)
                        if not isinstance(value, dict):
                            raise InvalidInput(f"{self.source}:{knode.start_mark.line + 1}: `<<` merges mappings only")
                        merged = {**value, **merged}  # earlier sources win, as YAML says
                    continue
                key = knode.value  # the key's text: `no:` or `on:` stay strings, not YAML 1.1 booleans
                if key in out:
                    raise InvalidInput(f"{self.source}:{knode.start_mark.line + 1}: key {key!r} appears twice")
                self.lines[path + (key,)] = knode.start_mark.line + 1
                out[key] = self.convert(vnode, path + (key,))
            return {**merged, **out} if merged else out  # explicit keys win over merged ones
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        value = self.constructor.construct_object(node)
        if not node.style and not isinstance(value, str):  # plain scalar (libyaml says "", PyYAML None)
            self.raw[path] = node.value
        return value


def _parse_yaml(text: str, source: str) -> list[Document]:
    import yaml

    conv = _Converter(source)
    roots: list[Any] = []
    try:
        # libyaml's parser when available: the same nodes and marks, several times faster
        for node in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if node is None:
                continue
            roots.append(conv.convert(node, (len(roots),)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise InvalidInput(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    return _split_roots(roots, source, conv.lines, conv.raw, None, keyed=True)


def _split_roots(
    roots: list[Any], source: str, lines: dict[Path, int], raw: dict[Path, str], text: str | None, keyed: bool = False
) -> list[Document]:
    """Each root is a profile or a list of profiles; give each profile its own Document."""
    docs: list[Document] = []
    for r, root in enumerate(roots):
        prefix: Path = (r,) if keyed else ()
        items = [(root, prefix)] if not isinstance(root, list) else [(x, prefix + (i,)) for i, x in enumerate(root)]
        for value, pre in items:
            n = len(pre)
            sub_lines = {p[n:]: ln for p, ln in lines.items() if p[:n] == pre}
            sub_raw = {p[n:]: t for p, t in raw.items() if p[:n] == pre}
            name = source if len(roots) == 1 and not isinstance(root, list) else f"{source}#{len(docs) + 1}"
            # JSON lines are found lazily, but only a single-mapping JSON file maps paths 1:1.
            docs.append(Document(value, name, sub_lines, sub_raw, text=text if prefix == pre else None))
    return docs


# --------------------------------------------------------------------------- flags


@dataclass(frozen=True)
class FlagSpec:
    """A command-line flag derived from a rule."""

    param: str  # the Python parameter name
    path: Path  # where its value goes in the document
    rule: Rule
    decls: tuple[str, ...]
    kind: str  # value | bool | list | null


def flag_specs() -> list[FlagSpec]:
    specs: list[FlagSpec] = []

    def add(rule: Rule, path: Path) -> None:
        param = "f_" + "_".join(str(p) for p in path)
        if rule.kind == "boolean":
            specs.append(FlagSpec(param, path, rule, (f"{rule.flag}/{rule.off_flag}",), "bool"))
        elif rule.kind == "countries":
            specs.append(FlagSpec(param, path, rule, (rule.flag,), "list"))
        else:
            specs.append(FlagSpec(param, path, rule, (rule.flag,), "value"))

    for rule in RULES:
        if rule.kind == "object":
            specs.append(FlagSpec("f_null_" + rule.name, (rule.name,), rule, (rule.null_flag,), "null"))
            for child in rule.children:
                add(child, (rule.name, child.name))
        else:
            add(rule, (rule.name,))
    return specs


def _number_from_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text  # left for validation to report with the flag's name
    return value


def apply_flags(doc: Document | None, values: dict[str, Any]) -> Document:
    """Merge flag values (keyed by FlagSpec.param) over a document: flags win, nested flags merge."""
    base = doc if doc is not None else Document({})
    data = dict(base.data) if isinstance(base.data, dict) else base.data
    out = Document(data, base.source, dict(base.lines), dict(base.raw), dict(base.flags), base.text)
    if not isinstance(data, dict):
        return out  # validation reports the wrong type
    specs = flag_specs()
    nulls = {str(s.path[0]) for s in specs if s.kind == "null" and values.get(s.param)}
    for spec in specs:
        value = values.get(spec.param)
        if spec.kind == "null" or value is None or value == []:
            continue
        if spec.path[0] in nulls:
            null_flag = RULES_BY_NAME[str(spec.path[0])].null_flag
            raise UsageError(
                f"{spec.rule.flag} cannot be combined with {null_flag}",
                hint=f"{null_flag} sends {spec.path[0]} as null",
            )
        if spec.kind == "list":
            value = [c.strip() for item in value for c in str(item).split(",") if c.strip()]
        elif spec.rule.kind == "number":
            value = _number_from_text(str(value))
        flag_name = spec.rule.flag if spec.kind != "bool" else "/".join((spec.rule.flag, spec.rule.off_flag))
        if len(spec.path) == 1:
            data[spec.path[0]] = value
        else:
            parent = data.get(spec.path[0])
            parent = dict(parent) if isinstance(parent, dict) else {}
            parent[spec.path[1]] = value
            data[spec.path[0]] = parent
        out.flags[spec.path] = flag_name
    for name in nulls:
        name = str(name)
        data[name] = None
        out.flags[(name,)] = RULES_BY_NAME[name].null_flag
    return out


# --------------------------------------------------------------------------- validation


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


def validate(doc: Document, *, mode: str = "create", allow_unknown: bool = False, strict: bool = False) -> Result:
    """Check a document against every rule and return the API payload and all issues at once.

    ``mode`` is "create" (name and whitelisted_destinations required) or "update" (nothing
    required; fields the update request lacks are refused).  ``strict`` turns off msgprof's
    normalisations (the sandbox uses it to answer as the API's spec says).
    """
    v = _Validator(doc, mode, allow_unknown, strict)
    payload = v.mapping(doc.data, RULES, (), top=True)
    return Result(payload if isinstance(payload, dict) else {}, v.errors, v.warnings)


class _Validator:
    def __init__(self, doc: Document, mode: str, allow_unknown: bool, strict: bool = False) -> None:
        self.strict = strict
        self.doc = doc
        self.mode = mode
        self.allow_unknown = allow_unknown
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, path: Path, message: str, hint: str | None = None) -> _Bad:
        self.errors.append(self.doc.locate(Issue(path, message, hint)))
        return _BAD

    def mapping(self, data: Any, rules: tuple[Rule, ...], path: Path, top: bool = False) -> Any:
        if not isinstance(data, dict):
            what = "a profile" if top else "an object"
            return self.error(path, f"expected {what} (a mapping of field names), found {_describe(data)}")
        known = {r.name: r for r in rules}
        out: dict[str, Any] = {}
        for key, value in data.items():
            p = path + (key,)
            rule = known.get(key)
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
        if self.mode == "create" or not top:
            for rule in rules:
                if rule.required and rule.name not in data:
                    where = f"give {rule.flag} or a `{rule.name}:` key" if rule.flag else f"add `{rule.name}:`"
                    self.error(path + (rule.name,), "required field is missing", hint=where)
        return out

    def unknown(self, key: Any, value: Any, p: Path, known: dict[str, Rule], top: bool, out: dict[str, Any]) -> None:
        if not isinstance(key, str):
            self.error(p, f"field names are strings, found {_describe(key)}")
            return
        if top and key in READ_ONLY:
            self.error(p, "is a read-only field of the API's response", hint=f"remove it: {READ_ONLY[key]}")
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

    def value(self, rule: Rule, value: Any, p: Path) -> Any:
        if value is None:
            if rule.nullable:
                return None
            return self.error(p, "may not be null", hint=self._expect(rule))
        kind = rule.kind
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            hint = (
                "write true or false without quotes" if str(value).lower() in ("true", "false", "yes", "no") else None
            )
            return self.error(p, f"expected true or false, found {_describe(value)}", hint=hint)
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return self.error(p, f"expected a non-negative number, found {_describe(value)}")
            if not math.isfinite(value) or value < 0:
                return self.error(p, f"must be a non-negative number, found {value!r}")
            return value
        if kind == "object":
            return self.mapping(value, rule.children, p)
        if kind == "countries":
            return self.countries(value, p)
        text = self.as_text(rule, value, p)
        if text is None:
            return self.error(p, f"expected a string, found {_describe(value)}", hint=self._expect(rule))
        if kind == "enum":
            if text not in rule.enum:
                allowed = ", ".join(f'"{e}"' for e in rule.enum)
                return self.error(p, f"must be one of {allowed}, found {text!r}")
            return text
        if kind == "url":
            return self.url(text, p)
        if rule.nonblank and not text.strip():
            return self.error(p, "may not be empty")
        if rule.max_length is not None and len(text) > rule.max_length:
            return self.error(p, f"is {len(text)} characters long; at most {rule.max_length} are allowed")
        if rule.pattern and not re.match(rule.pattern, text):
            return self.error(p, f"{text!r} does not match {rule.pattern}", hint=self._expect(rule))
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
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
            return self.error(
                p,
                f"{text!r} is not an absolute http(s) URL",
                hint='use e.g. "https://example.com/hooks", or "" / null for none',
            )
        return text

    def countries(self, value: Any, p: Path) -> Any:
        if isinstance(value, str):
            return self.error(
                p,
                f"expected a list of country codes, found the string {value!r}",
                hint=f"write [{value}]" if "," not in value else "write a YAML list: [US, CA]",
            )
        if not isinstance(value, list):
            return self.error(p, f"expected a list of country codes, found {_describe(value)}")
        if not value:
            return self.error(
                p,
                "is empty: no destination would be allowed",
                hint='list ISO 3166-1 alpha-2 codes, or ["*"] for all destinations',
            )
        out: list[str] = []
        bad = False
        for i, item in enumerate(value):
            ip = p + (i,)
            raw = self.doc.raw.get(ip)
            if isinstance(item, bool) and raw is not None:
                item = raw  # YAML 1.1 reads a bare NO (Norway) as false; use what was written
            if not isinstance(item, str):
                self.error(ip, f"expected a country code, found {_describe(item)}")
                bad = True
                continue
            code = item if self.strict else item.strip().upper()  # lower-case codes are upper-cased
            if code == "*":
                if len(value) > 1:
                    self.error(ip, '"*" (all destinations) must stand alone', hint='use ["*"] or a list of codes')
                    bad = True
                out.append(code)
                continue
            if code in COMMON_MISTAKES and not self.strict:
                self.error(
                    ip, f"{item!r} is not an ISO 3166-1 alpha-2 code", hint=f"did you mean {COMMON_MISTAKES[code]}?"
                )
                bad = True
                continue
            if code not in ISO_3166_ALPHA2:
                self.error(
                    ip,
                    f"{item!r} is not an ISO 3166-1 alpha-2 country code",
                    hint='use two-letter codes such as US, GB, DE, or "*" for all',
                )
                bad = True
                continue
            if code not in out:  # duplicates are dropped
                out.append(code)
        return _BAD if bad else out

    @staticmethod
    def _expect(rule: Rule) -> str | None:
        if rule.pattern:
            return f"expected a string matching {rule.pattern}" + (" or null" if rule.nullable else "")
        return None


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value!s})"


# --------------------------------------------------------------------------- schema


def json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) of the profile document, generated from RULES."""

    def prop(rule: Rule) -> dict[str, Any]:
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
            s = {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": ["*"] + sorted(ISO_3166_ALPHA2)},
            }
        elif rule.kind == "object":
            s = obj(rule.children)
        else:
            s = {"type": "string"}
            if rule.pattern:
                s["pattern"] = rule.pattern
            if rule.max_length:
                s["maxLength"] = rule.max_length
            if rule.nonblank:
                s["minLength"] = 1
            if rule.numeric_string:
                s = {"anyOf": [s, {"type": "number", "minimum": 0}]}
        if rule.nullable:
            s = {"anyOf": [s, {"type": "null"}]}
        s["description"] = rule.help
        return s

    def obj(rules: tuple[Rule, ...]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {r.name: prop(r) for r in rules},
            "required": [r.name for r in rules if r.required],
        }

    schema = obj(RULES)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/msgprof/msgprof/schema/messaging-profile.json",
        "title": "Telnyx messaging profile (msgprof document)",
        **schema,
    }


# --------------------------------------------------------------------------- diff


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
