"""Read and parse profile files (YAML or JSON) under the input limits.

A file holds one profile (a mapping), a list of profiles, or (YAML) a stream of documents.
``yaml`` is imported only when a YAML document is actually read, so JSON input stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from msgprof_cli.document.document import Document, Issue, Path
from msgprof_cli.errors import InvalidInput

# Input limits (documented in the README, enforced in read_bytes/_Converter).
MAX_DOCUMENT_BYTES = 1024 * 1024  # 1 MiB per file or stdin
MAX_NODES = 20_000  # values in one file, counted after YAML aliases are expanded
MAX_DEPTH = 32  # nesting depth


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
        from msgprof_cli.document.interpolation import interpolate

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
                doc.lines = json_lines(doc.text)
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


def json_lines(text: str) -> dict[Path, int]:
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
