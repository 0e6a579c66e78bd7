"""Read and parse profile files (YAML or JSON) under the input limits.

A file holds one profile (a mapping), a list of profiles, or (YAML) a stream of documents; each
profile becomes its own Document, converted once (loading N profiles is O(N)).  The same limits
hold for YAML and JSON and are enforced while parsing: the file's size and total number of values
(after YAML aliases are expanded) bound the work; each profile's number of values, depth and
value length bound one profile.  Only finite numbers are read.  ``yaml`` is imported only when a
YAML document is actually read, so JSON input stays fast.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

from msgprof_cli.document.document import Document, Issue, JsonText, Path, format_path, quote
from msgprof_cli.errors import InvalidInput

# Input limits (documented in the README).  A full profile holds about 35 values in 1 KiB, so a
# file of 10,000 full profiles fits; an alias bomb or junk stops at the file's limits.
MAX_FILE_BYTES = 16 * 1024 * 1024  # one file or stdin
MAX_FILE_VALUES = 500_000  # in one file, counted after YAML aliases are expanded
MAX_VALUES = 2_000  # in one profile (250 destinations and every field fit many times over)
MAX_DEPTH = 32  # nesting in one profile
MAX_VALUE_CHARS = 8_192  # one string value or field name
MAX_NUMBER = sys.float_info.max  # numbers must be finite doubles: what JSON and the API can carry
MAX_INT_DIGITS = 309


def read_bytes(path: str, stdin: Any = None) -> tuple[bytes, str]:
    """Read a file (or stdin for "-") up to the size limit."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_FILE_BYTES + 1)
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise InvalidInput(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InvalidInput(f"{path}: is a directory; give a .yaml, .yml or .json file") from None
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from None
        name = path
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"{name}: larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for a profile file")
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
        if issues:
            raise InvalidInput(_count(issues, "interpolation problem", source), issues)
    return docs


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
        self.name = source

    def start(self, name: str) -> None:
        self.values, self.name = 0, name

    def count(self, path: Path) -> None:
        self.values += 1
        self.file_values += 1
        if self.values > MAX_VALUES:
            raise InvalidInput(
                f"{self.name}: more than {MAX_VALUES:,} values in one profile (after expanding YAML aliases)",
                hint="a profile is small; is this a YAML alias bomb?",
            )
        if self.file_values > MAX_FILE_VALUES:
            raise InvalidInput(
                f"{self.source}: more than {MAX_FILE_VALUES:,} values in one file (after expanding YAML aliases)",
                hint="split the profiles over several files; or is this a YAML alias bomb?",
            )
        if len(path) > MAX_DEPTH:
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
    shared = JsonText(text)  # line numbers are found lazily, once for the file, on issues only
    many = isinstance(root, list)
    docs = []
    for i, value in enumerate(root if many else [root]):
        name = f"{source}#{i + 1}" if many else source
        budget.start(name)
        _measure(value, budget)
        docs.append(Document(value, name, json=shared, prefix=(i,) if many else ()))
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


def json_lines(text: str) -> dict[Path, int]:
    """Line numbers for a JSON document, found through the YAML composer (on the error path only)."""
    try:
        import yaml

        conv = _Converter(Budget("json"))
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if node is not None:
            conv.convert(node, ())
        return conv.lines
    except Exception:  # best effort only: a JSON quirk YAML 1.1 rejects just loses line numbers
        return {}


# --------------------------------------------------------------------------- YAML


class _Converter:
    """Turn the YAML nodes of one profile into Python values, recording lines and counting values."""

    def __init__(self, budget: Budget) -> None:
        import yaml

        self.yaml = yaml
        self.budget = budget
        self.constructor = yaml.constructor.SafeConstructor()
        self.lines: dict[Path, int] = {}
        self.raw: dict[Path, str] = {}

    def where(self, node: Any) -> str:
        return f"{self.budget.source}:{node.start_mark.line + 1}"

    def convert(self, node: Any, path: Path) -> Any:
        yaml = self.yaml
        self.budget.count(path)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: Any, path: Path) -> dict[Any, Any]:
        yaml = self.yaml
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise InvalidInput(f"{self.where(knode)}: a key must be a plain name")
            if knode.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults` shares settings between profiles
                for src in vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]:
                    value = self.convert(src, path)
                    if not isinstance(value, dict):
                        raise InvalidInput(f"{self.where(knode)}: `<<` merges mappings only")
                    merged = {**value, **merged}  # earlier sources win, as YAML says
                continue
            key = knode.value  # the key's text: `no:` or `on:` stay strings, not YAML 1.1 booleans
            self.budget.text(key, path)
            if key in out:
                raise InvalidInput(f"{self.where(knode)}: key {quote(key)} appears twice")
            self.lines[path + (key,)] = knode.start_mark.line + 1
            out[key] = self.convert(vnode, path + (key,))
        return {**merged, **out} if merged else out  # explicit keys win over merged ones

    def scalar(self, node: Any, path: Path) -> Any:
        if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-")) > MAX_INT_DIGITS:
            raise InvalidInput(f"{self.where(node)}: a number of {len(node.value):,} digits is out of range")
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, OverflowError):  # e.g. a timestamp with month 13
            raise InvalidInput(f"{self.where(node)}: not a valid value (quote it to keep it as text)") from None
        if isinstance(value, str):
            self.budget.text(value, path)
        else:
            finite(value, self.where(node), node.value)
        if not node.style and not isinstance(value, str):  # plain scalar (libyaml says "", PyYAML None)
            self.raw[path] = node.value
        return value


def _parse_yaml(text: str, source: str) -> list[Document]:
    import yaml

    budget = Budget(source)
    docs: list[Document] = []
    try:
        # libyaml's parser when available: the same nodes and marks, several times faster
        roots = [n for n in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if n]
        for node in roots:
            items = node.value if isinstance(node, yaml.SequenceNode) else [node]
            for item in items:
                one = len(roots) == 1 and not isinstance(node, yaml.SequenceNode)
                name = source if one else f"{source}#{len(docs) + 1}"
                budget.start(name)
                conv = _Converter(budget)
                docs.append(Document(conv.convert(item, ()), name, conv.lines, conv.raw))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise InvalidInput(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    return docs
