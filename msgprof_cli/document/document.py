"""A profile document, the issues found in it, and the paths that locate both."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from msgprof_cli import secrets
from msgprof_cli.secrets import QUOTE_CHARS, quote

Path = tuple[str | int, ...]


def secret_at(at: dict[Path, str], path: Path) -> str | None:
    """The secret variable whose value the field at ``path`` (or an object around it) holds."""
    for n in range(len(path), 0, -1):
        if path[:n] in at:
            return at[path[:n]]
    return None


def redact(value: Any, path: Path, at: dict[Path, str]) -> Any:
    """``value`` (found at ``path``) with every value that came from a secret variable replaced."""
    if not at:
        return value
    var = secret_at(at, path)
    if var is not None:
        return secrets.variable_shown(var)
    if isinstance(value, dict):
        return {k: redact(v, path + (k,), at) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, path + (i,), at) for i, v in enumerate(value)]
    return value


def scrub(text: str, secret_values: Mapping[str, str]) -> str:
    """``text`` with every secret value (as written or as quoted) replaced by ``<secret from $VAR>``
    (secrets.py substitutes; a report hides the document's short secrets too)."""
    return secrets.scrub_with(text, {value: secrets.variable_shown(var) for value, var in secret_values.items()})



@dataclass
class Issue:
    """One problem with a document, located as precisely as we can."""

    path: Path
    message: str
    hint: str | None = None
    source: str | None = None
    line: int | None = None
    origin: str | None = None  # where the value came from when not a file, e.g. a flag's name

    @property
    def field(self) -> str:
        return format_path(self.path, QUOTE_CHARS)

    def location(self) -> str:
        parts = []
        if self.origin:
            parts.append(self.origin)
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
            "source": self.origin or self.source,
            "line": self.line,
        }


def format_path(path: Path, limit: int | None = None) -> str:
    """``a.b[0]``; with ``limit``, each field name is cut to that many characters."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = str(part)
            if limit is not None and len(name) > limit:
                name = name[:limit] + "…"
            out += ("." if out else "") + name
    return out


@dataclass
class Document:
    """A profile document plus where each of its values came from."""

    data: Any
    source: str = "<flags>"
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)  # the text of plain YAML scalars
    origins: dict[Path, str] = field(default_factory=dict)  # values given outside the file, e.g. by a flag
    text: SourceText | None = None  # the file's text, read again for line numbers only when there are issues
    prefix: Path = ()  # where this profile sits in that file: (document,) or (document, item)
    secrets: dict[Path, str] = field(default_factory=dict)  # values interpolated from secret variables
    secret_values: dict[str, str] = field(default_factory=dict)  # a secret variable's value -> its name
    # values refused while reading (a YAML date, `!!set`...), located; validation reports them
    # first and checks the rest of the document, the refused values (None in ``data``) excepted
    refused: list[Issue] = field(default_factory=list)

    def locate(self, issue: Issue) -> Issue:
        """Say where an issue is, and keep any secret value out of its words."""
        if self.secret_values:
            issue.message = self.scrub(issue.message)
            issue.hint = self.scrub(issue.hint) if issue.hint else issue.hint
        path = issue.path
        for n in range(len(path), 0, -1):
            if path[:n] in self.origins:
                issue.origin = self.origins[path[:n]]
                return issue
        issue.source = self.source
        for n in range(len(path), -1, -1):
            line = self.line_of(path[:n])
            if line is not None:
                issue.line = line
                break
        return issue

    def scrub(self, text: str) -> str:
        """``text`` with every secret variable's value (as written or as quoted) replaced."""
        return scrub(text, self.secret_values)

    def line_of(self, path: Path) -> int | None:
        """The line of the value at ``path``, if known (read from the file on first need)."""
        if self.lines:
            return self.lines.get(path)
        if self.text is not None:  # the file's table, where this profile sits in it
            return self.text.lines().get(self.prefix + path)
        return None


class SourceText:
    """A file's text, shared by its profiles; its line table is built once, on first need.

    ``restore`` gives field names back their ``${...}`` as written (interpolation swaps them).
    """

    def __init__(self, text: str, read_lines: Callable[[str], dict[Path, int]]) -> None:
        self.text = text
        # The loader that made this text reads its line table (given, not imported: loading sits
        # above this module, and a call back up would make a circle).
        self._read_lines = read_lines
        self.restore: Callable[[str], str] | None = None
        self._lines: dict[Path, int] | None = None

    def lines(self) -> dict[Path, int]:
        if self._lines is None:
            self._lines = self._read_lines(self.text)
            if self.restore is not None:
                fix = self.restore
                self._lines = {tuple(fix(p) if isinstance(p, str) else p for p in k): v for k, v in self._lines.items()}
        return self._lines


def describe(value: Any) -> str:
    """What a value is, for error messages: quoted at most QUOTE_CHARS characters."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, (int, float)):
        text = repr(value)
        return f"the number {text}" if len(text) <= QUOTE_CHARS else f"a number of {len(text):,} digits"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
