"""A profile document, the issues found in it, and the paths that locate both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]


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
        return format_path(self.path)

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
    origins: dict[Path, str] = field(default_factory=dict)  # values given outside the file, e.g. by a flag
    text: str | None = None  # JSON text, kept to find lines only when there are issues
    secrets: dict[Path, str] = field(default_factory=dict)  # values interpolated from secret variables

    def locate(self, issue: Issue) -> Issue:
        path = issue.path
        for n in range(len(path), 0, -1):
            if path[:n] in self.origins:
                issue.origin = self.origins[path[:n]]
                return issue
        issue.source = self.source
        if not self.lines and self.text is not None:
            from msgprof_cli.document.loading import json_lines

            self.lines = json_lines(self.text)
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                issue.line = self.lines[path[:n]]
                break
        return issue
