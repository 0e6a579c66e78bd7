"""Read and parse profile files (YAML or JSON) under the input limits.

A file holds one profile (a mapping), a list of profiles, or (YAML) a stream of documents; each
profile becomes its own Document, converted once (loading N profiles is O(N)).  The same limits
hold for YAML and JSON and are enforced while parsing: the file's size and total number of values
(after YAML aliases are expanded) bound the work; each profile's number of values, depth and
value length bound one profile.  Only finite numbers are read.  YAML is built straight from the
parser's events (no node tree), and no line table is kept: lines are found by reading the file
again, once, only when there is an issue to locate.  ``yaml`` is imported only when a YAML document
is actually read, so JSON input stays fast.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from msgprof_cli.document.document import Document, Issue, Path, SourceText, format_path, quote
from msgprof_cli.document.rules import RULES, SETUP_SECTIONS
from msgprof_cli.errors import InvalidInput

# Input limits (documented in the README).  A full profile holds about 35 values in 1 KiB, so a
# file of 10,000 full profiles fits; an alias bomb or junk stops at the file's limits.
MAX_FILE_BYTES = 16 * 1024 * 1024  # one file or stdin
MAX_FILE_VALUES = 500_000  # in one file, counted after YAML aliases are expanded
# The alias-bomb guard measures expansion, not size: a profile may hold any number of values it
# writes out (a document may list 10,000 phone numbers), but YAML aliases may not make it more than
# MAX_EXPANSION times what was written, once it holds more than MAX_VALUES.
MAX_VALUES = 2_000  # values in one profile that aliases may reach freely (every field fits many times over)
MAX_EXPANSION = 10  # values after aliases, per value written, past MAX_VALUES
MAX_PROFILE_VALUES = 100_000  # in one profile, however written (10,000 numbers with `move:` are 30,000)
MAX_DEPTH = 32  # nesting in one profile
MAX_VALUE_CHARS = 8_192  # one string value or field name
MAX_NUMBER = sys.float_info.max  # numbers must be finite doubles: what JSON and the API can carry
MAX_INT_DIGITS = 309


def read_bytes(path: str, stdin: Any = None, what: str = "profile file") -> tuple[bytes, str]:
    """Read a file (or stdin for "-") up to the size limit; ``what`` names it in the message."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_FILE_BYTES + 1)
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            # an unmatched shell pattern reaches us as written
            hint = "no file matches this pattern" if any(c in path for c in "*?[") else None
            raise InvalidInput(f"{path}: no such file", hint=hint) from None
        except IsADirectoryError:
            raise InvalidInput(f"{path}: is a directory; give a .yaml, .yml or .json file") from None
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from None
        name = path
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"{name}: larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for a {what}")
    return data, name


def parse_documents(data: bytes, source: str, env: Mapping[str, str] | None = None) -> list[Document]:
    """Parse YAML or JSON bytes into profile documents.

    With ``env``, ``${VAR}`` references in string values are resolved after parsing (see
    interpolation.py); the file's text never holds a variable's value.
    """
    text = _decode(data, source)
    protected = None
    if env is not None and "${" in text:
        from msgprof_cli.document.interpolation import protect

        protected = protect(text)
        if protected.problems:
            _refuse_non_profile_data(text, source)  # a README's `${` is not a document's problem
            issues = [Issue((), message, source=source, line=line) for line, message in protected.problems]
            raise InvalidInput(_count(issues, "interpolation problem", source), issues)
        text = protected.text
    docs = _parse(text, source)
    if not docs:
        raise InvalidInput(f"{source}: the file holds no profile")
    if protected is not None and protected.refs:
        from msgprof_cli.document.interpolation import resolve

        assert env is not None
        issues = [issue for doc in docs for issue in resolve(doc, protected, env)]
        if issues:  # with the values refused while reading, so the file's problems come at once
            issues = [issue for doc in docs for issue in doc.refused] + issues
            raise InvalidInput(_count(issues, "interpolation problem", source), issues)
    return docs


def _refuse_non_profile_data(text: str, source: str) -> None:
    """Say first that a file is not profile data at all (prose, a script), rather than report
    its `${` as malformed references; costs a second parse, on this error path only."""
    try:
        docs = _parse(text, source)
    except InvalidInput:
        docs = []
    if not docs or not all(isinstance(d.data, dict) for d in docs):
        raise InvalidInput(
            f"{source}: not a profile document (expected a mapping or a list of mappings)",
            hint="give a .yaml, .yml or .json file of profiles (see sample-configs/)",
        )


def _count(issues: list[Issue], what: str, source: str) -> str:
    n = len(issues)
    return f"{source}: {n} {what}{'s' if n > 1 else ''}"


def _decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="save the file as UTF-8",
        ) from None
    if not text.strip():
        raise InvalidInput(f"{source}: the file is empty; a profile needs at least name and whitelisted_destinations")
    return text


def _parse(text: str, source: str) -> list[Document]:
    if source.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            return _json_documents(text, source)
        except InvalidInput:
            if source.endswith(".json"):
                raise
            # not JSON after all: a YAML flow mapping or list such as [{name: x, ...}]
    return _parse_yaml(text, source)


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


# --------------------------------------------------------------------------- limits


class Budget:
    """Counts values for one file and for the profile being read; refuses past the limits."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.file_values = 0
        self.values = 0
        self.written = 0
        self.name = source

    def start(self, name: str) -> None:
        self.values, self.written, self.name = 0, 0, name

    def count(self, path: Path, n: int = 1, depth: int = 0, *, alias: bool = False) -> None:
        """``n`` values at ``path``, the deepest ``depth`` levels below it (an alias holds many,
        written once)."""
        self.values += n
        self.written += 0 if alias else n
        self.file_values += n
        if self.values > MAX_VALUES and self.values > MAX_EXPANSION * self.written:
            raise InvalidInput(
                f"{self.name}: YAML aliases expand {self.written:,} values written into more than "
                f"{self.values:,} (more than {MAX_EXPANSION} times, past {MAX_VALUES:,})",
                hint="write the values out, or share fewer of them by alias; is this a YAML alias bomb?",
            )
        if self.values > MAX_PROFILE_VALUES:
            raise InvalidInput(
                f"{self.name}: more than {MAX_PROFILE_VALUES:,} values in one profile (after expanding YAML aliases)",
                hint="a profile, even one listing 10,000 numbers, is far smaller: is this the right file?",
            )
        if self.file_values > MAX_FILE_VALUES:
            raise InvalidInput(
                f"{self.source}: more than {MAX_FILE_VALUES:,} values in one file (after expanding YAML aliases)",
                hint="split the profiles over several files; or is this a YAML alias bomb?",
            )
        if len(path) + depth > MAX_DEPTH:
            raise InvalidInput(f"{self.name}: nested more than {MAX_DEPTH} levels deep (the limit is {MAX_DEPTH})")

    def text(self, value: str, path: Path) -> None:
        if len(value) > MAX_VALUE_CHARS:
            where = f"{self.name}: {format_path(path, 40)}" if path else self.name
            raise InvalidInput(f"{where}: a value of {len(value):,} characters (the limit is {MAX_VALUE_CHARS:,})")


def finite(value: Any, where: str, written: str | None = None) -> Any:
    """Only finite numbers a double can hold are read: NaN, Infinity and 1e400 are refused."""
    if isinstance(value, float) and not math.isfinite(value):
        shown = written[:40] if written else repr(value)
        raise InvalidInput(f"{where}: {shown} is not a finite number", hint="give a number such as 1 or 2.5")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise InvalidInput(f"{where}: a number of {len(str(abs(value)))} digits is out of range")
    return value


# --------------------------------------------------------------------------- JSON


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _json_depth(text: str, source: str) -> None:
    """Refuse deep nesting before the parser recurses: one linear scan of the brackets."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        c = m.group(0)
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH + 1:  # + the list that holds several profiles
                raise InvalidInput(f"{source}: nested more than {MAX_DEPTH} levels deep (the limit is {MAX_DEPTH})")
        elif c in "]}":
            depth -= 1


def _parse_json(text: str, source: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                raise InvalidInput(f"{source}: key {quote(k)} appears twice in one object")
            out[k] = v
        return out

    def constant(name: str) -> Any:
        raise InvalidInput(f"{source}: {name} is not a finite number", hint="JSON numbers are finite")

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise InvalidInput(f"{source}: a number of {len(digits.lstrip('-')):,} digits is out of range")
        return int(digits)

    _json_depth(text, source)
    try:
        return json.loads(
            text,
            object_pairs_hook=no_duplicates,
            parse_constant=constant,
            parse_float=lambda s: finite(float(s), source, s),
            parse_int=integer,
        )
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply (the limit is {MAX_DEPTH} levels)") from None


def _json_documents(text: str, source: str) -> list[Document]:
    root = _parse_json(text, source)
    budget = Budget(source)
    shared = SourceText(text, source_lines)  # line numbers are found lazily, once for the file, on issues only
    many = isinstance(root, list)
    docs = []
    for i, value in enumerate(root if many else [root]):
        name = f"{source}#{i + 1}" if many else source
        budget.start(name)
        _measure(value, budget)
        docs.append(Document(value, name, text=shared, prefix=(0, i) if many else (0,)))
    return docs


def _measure(value: Any, budget: Budget) -> None:
    """Apply the per-profile limits to a parsed JSON value (depth is bounded by _json_depth)."""
    stack: list[tuple[Any, Path]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        budget.count(path)
        if isinstance(item, dict):
            for k, v in item.items():
                budget.text(k, path)
                stack.append((v, path + (k,)))
        elif isinstance(item, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(item))
        elif isinstance(item, str):
            budget.text(item, path)


def source_lines(text: str) -> dict[Path, int]:
    """Line numbers for every value of a file, keyed by (document, [item,] path...) as in
    ``Document.prefix``; read again, on the error path only, so loading keeps no line tables."""
    try:
        import yaml

        reader = _Reader(yaml, text, Budget("lines"), record=True)
        for _ in reader.profiles():
            pass
        return reader.lines
    except Exception:  # best effort only: a JSON quirk YAML 1.1 rejects just loses line numbers
        return {}


# --------------------------------------------------------------------------- YAML

_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
# Fields whose values are read as written (a bare NO in the destinations is Norway; "2010-04-01"
# and 100.50 stay as typed): the text of their plain, non-string scalars is kept.
# The setup sections too: a phone number +15550100001 is read as written, not as a number.
# (setup_rules.SECTIONS, written out: `create` reads documents but needs no setup rules, and
# importing them costs start-up time; a test keeps the two equal.)
SECTIONS = SETUP_SECTIONS
_RAW_FIELDS = frozenset([*(r.name for r in RULES if r.numeric_string or r.kind == "countries"), *SECTIONS])
# Fields whose plain scalars are their text whatever YAML reads them as: `webhook_api_version:
# 2010-04-01` is the version "2010-04-01", never a date.
_AS_WRITTEN = frozenset(r.name for r in RULES if r.numeric_string)

# One rule for YAML values JSON does not have: a document holds only what JSON (and so the API)
# holds (text, numbers, true/false, null, lists, mappings).  A date, a date and time, `!!binary`,
# `!!set`, `!!omap`, `!!pairs` or any other tag is refused wherever it appears (exit 3, with its
# field and line), by the loader that every command reads documents through, so validate, plan,
# create, update, apply and doctor refuse alike.  The loader records each as an issue of its
# document (Document.refused, the value None in its place) and reading goes on: validation
# reports them with every other problem of the document in one run (docs/documents.md).  The fields read as written
# (_AS_WRITTEN) never hold one: their plain scalars are their text.
_JSON_SCALARS = (str, int, float, bool, type(None))
_YAML_ONLY = {
    "tag:yaml.org,2002:set": ("a YAML set (`!!set`)", "write a list: [a, b]"),
    "tag:yaml.org,2002:omap": ("a YAML ordered mapping (`!!omap`)", "write a mapping"),
    "tag:yaml.org,2002:pairs": ("a YAML list of pairs (`!!pairs`)", "write a mapping"),
    "tag:yaml.org,2002:binary": ("`!!binary` data", "give the text as a string, without the tag"),
}


@functools.cache
def _loader(yaml: Any) -> Any:
    """libyaml's parser when available (several times faster), with each distinct scalar resolved
    once: profiles repeat true, US and 1 thousands of times."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not yaml.ScalarNode:
                return super().resolve(kind, value, implicit)
            cache = self.__dict__.setdefault("_resolved", {})
            key = (value, implicit)
            if key not in cache:
                cache[key] = super().resolve(kind, value, implicit)
            return cache[key]

    return Loader


class _Reader:
    """Build each profile straight from the parser's events: no node tree, so memory stays near
    the size of the values, and every value is counted as it is read (an alias counts as all it
    holds, without being walked again)."""

    def __init__(self, yaml: Any, text: str, budget: Budget, record: bool = False) -> None:
        self.yaml, self.budget, self.record = yaml, budget, record
        self.loader = _loader(yaml)(text)
        self.constructor = yaml.constructor.SafeConstructor()
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # value, values in it, depth below it
        self.lines: dict[Path, int] = {}
        self.raw: dict[Path, str] = {}
        self.problems: list[tuple[Path, Issue]] = []  # values JSON does not have: (profile's prefix, issue)
        self.prefix: Path = ()
        self.deepest = 0
        self.n = 0  # profiles read

    def event(self) -> Any:
        return self.loader.get_event()

    def where(self, event: Any) -> str:
        return f"{self.budget.source}:{event.start_mark.line + 1}"

    def profiles(self) -> Iterator[tuple[Path, Any]]:
        """(prefix, value) of each profile: a stream root, or each item of a root list."""
        yaml = self.yaml
        try:
            self.event()  # StreamStart
            r = 0
            while not isinstance(self.event(), yaml.StreamEndEvent):  # DocumentStart
                first = self.event()
                if isinstance(first, yaml.SequenceStartEvent) and not first.anchor:
                    i = 0
                    while not isinstance(event := self.event(), yaml.SequenceEndEvent):
                        yield self.profile((r, i), event, f"{self.budget.source}#{self.n + 1}")
                        i += 1
                else:
                    name = self.budget.source if r == 0 else f"{self.budget.source}#{self.n + 1}"
                    yield self.profile((r,), first, name)
                self.event()  # DocumentEnd
                self.anchors.clear()  # anchors belong to one YAML document
                r += 1
        finally:
            self.loader.dispose()

    def profile(self, prefix: Path, event: Any, name: str) -> tuple[Path, Any]:
        self.prefix, self.raw = prefix, {}
        self.n += 1
        self.budget.start(name)
        return prefix, self.node(event, ())

    def node(self, event: Any, path: Path) -> Any:
        yaml = self.yaml
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, path)
        self.budget.count(path)
        if self.record:
            self.lines.setdefault(self.prefix + path, event.start_mark.line + 1)
        if not event.anchor:
            return self.value(event, path)
        outer, self.deepest = self.deepest, len(path)
        before = self.budget.values
        value = self.value(event, path)
        self.anchors[event.anchor] = (value, self.budget.values - before, self.deepest - len(path))
        self.deepest = max(outer, self.deepest)
        return value

    def value(self, event: Any, path: Path) -> Any:
        yaml = self.yaml
        self.deepest = max(self.deepest, len(path))
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, path)
        tag = event.tag if event.tag not in (None, "!") else None
        if isinstance(event, yaml.SequenceStartEvent) and tag in (None, "tag:yaml.org,2002:seq"):
            out: list[Any] = []
            while not isinstance(item := self.event(), yaml.SequenceEndEvent):
                out.append(self.node(item, path + (len(out),)))
            return out
        if isinstance(event, yaml.MappingStartEvent) and tag in (None, "tag:yaml.org,2002:map"):
            return self.mapping(path)
        # a tagged list or mapping (`!!set {a, b}`): read on, so every such value is named at once
        self.yaml_only(event, path, str(event.tag))
        if isinstance(event, yaml.SequenceStartEvent):
            i = 0
            while not isinstance(item := self.event(), yaml.SequenceEndEvent):
                self.node(item, path + (i,))
                i += 1
        else:
            self.mapping(path)
        return None

    def yaml_only(self, event: Any, path: Path, tag: str, written: str | None = None) -> None:
        """Note a value JSON does not have (see _YAML_ONLY above), with its field and line."""
        if tag in _YAML_ONLY:
            what, hint = _YAML_ONLY[tag]
            message = f"{what} is a value JSON (and so the API) does not have"
        elif tag == "tag:yaml.org,2002:timestamp" and written is not None:
            kind = "date" if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", written) else "date and time"
            message = f"{quote(written)} is a YAML {kind}, a value JSON (and so the API) does not have"
            hint = f'quote it ("{written}") to send it as text' if len(written) <= 40 else "quote it to send it as text"
        else:
            message = f"the tag {quote(tag)} is not supported: a document holds only what JSON holds"
            hint = "remove the tag (`!!str` keeps a value as text)"
        issue = Issue(path, message, hint, source=self.budget.source, line=event.start_mark.line + 1)
        self.problems.append((self.prefix, issue))

    def alias(self, event: Any, path: Path) -> Any:
        if event.anchor not in self.anchors:
            raise InvalidInput(f"{self.where(event)}: unknown alias {quote(event.anchor)}")
        value, count, depth = self.anchors[event.anchor]
        self.budget.count(path, count, depth, alias=True)  # it holds all its values again (alias bombs)
        if self.record:
            self.lines.setdefault(self.prefix + path, event.start_mark.line + 1)
        return value

    def mapping(self, path: Path) -> dict[Any, Any]:
        yaml = self.yaml
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        while not isinstance(key := self.event(), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent):
                raise InvalidInput(f"{self.where(key)}: a key must be a plain name")
            if self.tag_of(key) == _MERGE:
                merged = self.merge(key, path, merged)  # `<<: *defaults` shares settings between profiles
                continue
            name = key.value  # the key's text: `no:` or `on:` stay strings, not YAML 1.1 booleans
            self.budget.text(name, path)
            if name in out:
                raise InvalidInput(f"{self.where(key)}: key {quote(name)} appears twice")
            if self.record:
                self.lines[self.prefix + path + (name,)] = key.start_mark.line + 1
            out[name] = self.node(self.event(), path + (name,))
        return {**merged, **out} if merged else out  # explicit keys win over merged ones

    def merge(self, key: Any, path: Path, merged: dict[Any, Any]) -> dict[Any, Any]:
        value = self.node(self.event(), path)
        for src in value if isinstance(value, list) else [value]:
            if not isinstance(src, dict):
                raise InvalidInput(f"{self.where(key)}: `<<` merges mappings only")
            merged = {**src, **merged}  # earlier sources win, as YAML says
        return merged

    def tag_of(self, event: Any) -> str:
        if event.tag == "!":  # the non-specific tag: text, whatever it looks like (YAML 1.1 and 1.2 alike)
            return _STR
        if event.tag is not None:
            return str(event.tag)
        return str(self.loader.resolve(self.yaml.ScalarNode, event.value, event.implicit))

    def scalar(self, event: Any, path: Path) -> Any:
        yaml = self.yaml
        tag = self.tag_of(event)
        if tag == _STR:  # most values: no constructor needed
            self.budget.text(event.value, path)
            return event.value
        if tag == "tag:yaml.org,2002:int" and len(event.value.lstrip("+-")) > MAX_INT_DIGITS:
            raise InvalidInput(f"{self.where(event)}: a number of {len(event.value):,} digits is out of range")
        plain = not event.style and event.tag in (None, "!")
        if plain and tag in ("tag:yaml.org,2002:value", _MERGE):  # a bare `=` or `<<` as a value: text
            self.budget.text(event.value, path)
            return event.value
        if plain and len(path) == 1 and path[0] in _AS_WRITTEN and tag != "tag:yaml.org,2002:null":
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"):
                self.budget.text(event.value, path)
                return event.value  # a date here is the text written (see _AS_WRITTEN)
        construct = type(self.constructor).yaml_constructors.get(tag)
        if construct is None or tag in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map") or tag in _YAML_ONLY:
            self.yaml_only(event, path, tag)
            return None
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = construct(self.constructor, node)
        except (ValueError, OverflowError, yaml.YAMLError):  # e.g. a timestamp with month 13
            raise InvalidInput(f"{self.where(event)}: not a valid value (quote it to keep it as text)") from None
        if not isinstance(value, _JSON_SCALARS):  # a date or a date and time
            self.yaml_only(event, path, tag, event.value)
            return None
        finite(value, self.where(event), event.value)
        if not event.style and path and path[0] in _RAW_FIELDS:  # plain scalar: keep what was written
            self.raw[path] = event.value
        return value


def _parse_yaml(text: str, source: str) -> list[Document]:
    import yaml

    shared = SourceText(text, source_lines)
    docs: list[Document] = []
    reader = _Reader(yaml, text, Budget(source))
    found: list[tuple[Path, Any, dict[Path, str]]] = []
    try:
        for prefix, value in reader.profiles():
            found.append((prefix, value, reader.raw))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise InvalidInput(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    one = len(found) == 1 and len(found[0][0]) == 1  # a single profile, not a list of one
    for n, (prefix, value, raw) in enumerate(found, start=1):
        name = source if one else f"{source}#{n}"
        # each refused value goes to the profile it sits in (its path is within that profile)
        refused = [issue for where, issue in reader.problems if where == prefix]
        docs.append(Document(value, name, raw=raw, text=shared, prefix=prefix, refused=refused))
    return docs
