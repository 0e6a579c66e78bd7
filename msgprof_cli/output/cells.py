"""Text made safe and measured for a terminal: no raw control characters, widths in cells.

A value from the API or from a file may hold anything.  Shown raw, ESC or BEL would recolour or
rewrite the user's terminal, and bidi overrides would reorder what the user reads; so every
control character is shown as an escape (``\\x1b``, ``\\u202e``).  Width is counted in terminal
cells, so CJK and emoji (two cells each) align.  No rich here: the plain paths stay light.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

# C0 (but tab and newline, handled by the caller), DEL, C1, and the bidi embeddings, overrides
# and isolates (U+202A-U+202E, U+2066-U+2069), plus the marks that change direction invisibly.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as an escape: safe on any terminal."""
    return _CONTROL.sub(_escape, text)


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """The number of terminal cells ``text`` takes (one line)."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def ljust(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns, headings upper-case, two spaces apart: for pipes and NO_COLOR."""
    widths = [max(width(c), *(width(r[i]) for r in rows)) for i, c in enumerate(columns)]
    lines = ["  ".join(ljust(c.upper(), w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(ljust(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


_WORD = re.compile(r"[^ ]+")


def wrap_spans(text: str, cells: int) -> tuple[list[tuple[int, int]], int]:
    """Where to break one line for a terminal of ``cells`` columns: (start, end) spans of ``text``
    and the indent of the continuation lines.

    Breaks only at spaces, so an id, a field path or a URL is never split: a token wider than the
    line gets a line of its own (the terminal folds it).  Continuation lines hang two cells
    deeper than the line's own indent, so they read as one message."""
    words = [m.span() for m in _WORD.finditer(text)]
    lead = len(text) - len(text.lstrip(" "))
    hang = min(lead + 2, cells // 2)
    if not words:
        return [(0, len(text))], hang
    spans: list[tuple[int, int]] = []
    start, end, prefix = 0, words[0][1], 0
    for s, e in words[1:]:
        if prefix + width(text[start:e]) <= cells:
            end = e
            continue
        spans.append((start, end))
        start, end, prefix = s, e, hang
    spans.append((start, end))
    return spans, hang


def wrap(text: str, cells: int) -> list[str]:
    """``text`` broken at spaces to ``cells`` columns (see ``wrap_spans``)."""
    spans, hang = wrap_spans(text, cells)
    return [(" " * hang if n else "") + text[a:b] for n, (a, b) in enumerate(spans)]


def text(value: Any) -> str:
    """A value as one table cell's text, control characters made visible."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(text(v) for v in value) if value else "[]"
    if isinstance(value, dict):
        return "\n".join(f"{visible(str(k))}: {text(v)}" for k, v in value.items()) if value else "{}"
    if value == "":
        return '""'
    return visible(str(value))
