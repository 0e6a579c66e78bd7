"""Tables that never lose a character, at any width: columns, or one record per block.

Pure layout (no rich, no printing): ``render.py`` draws the lines this module returns, styled
at a colour terminal.  The promise, checked by a property in ``tests/test_tables.py``: every
character of every value is on the screen, and no line is wider than the screen.

- A value wraps at spaces.  A word longer than its column is broken inside the word, nothing
  dropped.  Ids, numbers and URLs (``protected``) are never broken: a column is at least as wide
  as the widest of them, and when the columns cannot all fit, the table becomes one block per
  record (``key  value`` lines), where the value has the whole width left after the key.
- Headings are the column names upper-cased; a long one wraps after its underscores.
- A line only breaks inside a protected token when the token is wider than the whole screen
  (a URL of 120 characters at 80 columns): then the terminal would have folded it anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from msgprof_cli.output.cells import char_width, width

GAP = 2  # cells between two columns
FLEX_MIN = 15  # a wrapping column narrower than this reads worse than a block per record
# What is never broken inside: URLs and host/paths, numbers (phone numbers, counts, ids that are
# digits), UUIDs and other ids (letters and digits with - or _ and at least one digit), e-mail,
# file paths.
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://\S+|[\w-]+(?:\.[\w-]+)+(?:/\S*)?|\S+@\S+\.\S+)$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?\d[\d.,:%-]*$")
_ID = re.compile(r"^(?=[^ ]*\d)[0-9A-Za-z]+(?:[-_][0-9A-Za-z]+)+$")
_PATH = re.compile(r"^(?:~|\.{1,2})?/\S+$")  # a file path: /home/me/.config/msgprof/config.yaml
_WORD = re.compile(r"\S+")


def protected(token: str) -> bool:
    """An id, a number, a URL or a path: never broken across lines (when the screen allows)."""
    core = token.rstrip(",;.)")  # "example.com/help." ends a sentence: the dot is not the URL's
    return bool(_URL.match(core) or _NUMBER.match(core) or _ID.match(core) or _PATH.match(core))


@dataclass(frozen=True)
class Column:
    name: str
    whole: bool = False  # never wrapped (ids, short values): as wide as its widest value
    right: bool = False  # right-aligned (numbers)
    role: str = ""  # "id" for ids (cyan at a colour terminal)


Span = tuple[str, str]  # (text, role): role is "head", "id" or ""
Line = list[Span]


def break_word(word: str, cells: int) -> list[str]:
    """A word in pieces of at most ``cells`` cells each (a two-cell character never split)."""
    pieces: list[str] = []
    piece, used = "", 0
    for ch in word:
        w = char_width(ch)
        if used + w > cells and piece:
            pieces.append(piece)
            piece, used = "", 0
        piece += ch
        used += w
    if piece or not pieces:
        pieces.append(piece)
    return pieces


def wrap(text: str, cells: int, *, breaks: str = "") -> list[str]:
    """``text`` in lines of at most ``cells`` cells: at spaces, and inside a word only when the
    word is wider than a line.  ``breaks`` are extra characters a line may end after (headings
    wrap after "_").  Every non-space character is kept, in order."""
    cells = max(cells, 2)
    lines: list[str] = []
    for para in text.split("\n"):
        words = _WORD.findall(para)
        if breaks:
            words = [p for w in words for p in re.findall(f"[^{re.escape(breaks)}]*[{re.escape(breaks)}]|.+$", w)]
            words = [w for w in words if w]
        line, used = "", 0
        for word in words:
            w = width(word)
            glue = "" if breaks and line.endswith(tuple(breaks)) else " "
            if line and used + len(glue) + w <= cells:
                line, used = line + glue + word, used + len(glue) + w
                continue
            if line:
                lines.append(line)
            if w <= cells:
                line, used = word, w
                continue
            *full, line = break_word(word, cells)
            lines.extend(full)
            used = width(line)
        lines.append(line)
    return lines


def _longest_protected(text: str) -> int:
    return max((width(t) for t in _WORD.findall(text) if protected(t)), default=0)


def _natural(text: str) -> int:
    return max((width(p) for p in text.split("\n")), default=0)


def layout(columns: Sequence[Column], rows: Sequence[Sequence[str]], cells: int) -> list[Line]:
    """The table as lines of styled spans, ``cells`` wide at most: columns when they fit (each
    wrapping column at least FLEX_MIN or its natural width), else one block per record."""
    widths = fit(columns, rows, cells)
    if widths is None:
        return blocks(columns, rows, cells)
    out: list[Line] = []
    heads = [_heading(c.name.upper(), w) for c, w in zip(columns, widths, strict=True)]
    out += _join(columns, widths, heads, head=True)
    for row in rows:
        parts = [
            [v.replace("\n", " ")] if c.whole else wrap(v, w) for c, v, w in zip(columns, row, widths, strict=True)
        ]
        out += _join(columns, widths, parts, head=False)
    return out


def _heading(name: str, cells: int) -> list[str]:
    """A heading in as few lines as ``cells`` allows, balanced: ALPHANUMERIC_ / SENDER_ID rather
    than ALPHANUMERIC_SENDER_ / ID."""
    lines = wrap(name, cells, breaks="_")
    least = max(width(p) for p in re.findall(r"[^_]*_|[^_]+$", name) or [name])  # never inside a word
    while cells - 1 >= least and len(narrower := wrap(name, cells - 1, breaks="_")) == len(lines):
        lines, cells = narrower, cells - 1
    return lines


def fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], cells: int) -> list[int] | None:
    """Each column's width, or None when the columns cannot fit without cutting a value."""
    natural, least = [], []
    for n, c in enumerate(columns):
        values = [r[n] for r in rows]
        head = max(width(p) for p in re.findall(r"[^_]*_|[^_]+$", c.name.upper()) or [c.name])
        nat = max(width(c.name), *(_natural(v.replace("\n", " ") if c.whole else v) for v in values))
        if c.whole:
            low = max(head, *(width(v.replace("\n", " ")) for v in values))
        else:
            low = max(head, min(nat, FLEX_MIN), *(_longest_protected(v) for v in values))
        natural.append(nat)
        least.append(min(low, nat) if not c.whole else low)
    gaps = GAP * (len(columns) - 1)
    if sum(least) + gaps > cells:
        return None
    widths = list(natural)
    # Narrow the widest wrapping column, a cell at a time, until the table fits.
    while sum(widths) + gaps > cells:
        n = max((i for i in range(len(widths)) if widths[i] > least[i]), key=lambda i: widths[i])
        widths[n] -= 1
    return widths


def _join(columns: Sequence[Column], widths: Sequence[int], parts: Sequence[list[str]], *, head: bool) -> list[Line]:
    """One table row (heading or record) from each column's lines, side by side."""
    lines: list[Line] = []
    for k in range(max(len(p) for p in parts)):
        line: Line = []
        for n, (c, w, p) in enumerate(zip(columns, widths, parts, strict=True)):
            text = p[k] if k < len(p) else ""
            pad = " " * max(0, w - width(text))
            last = n == len(columns) - 1
            cell = (pad + text) if c.right and not head else (text + ("" if last else pad))
            role = "head" if head and text else (c.role if text else "")
            if n:
                line.append((" " * GAP, ""))
            line.append((cell, role))
        lines.append(_rstrip(line))
    return lines


def _rstrip(line: Line) -> Line:
    while line and not line[-1][0].strip():
        line.pop()
    if line:
        line[-1] = (line[-1][0].rstrip(), line[-1][1])
    return line


def blocks(columns: Sequence[Column], rows: Sequence[Sequence[str]], cells: int) -> list[Line]:
    """One record per block: ``key  value`` lines, a blank line between records.  A value that
    does not fit beside its key starts on the next line, indented two cells."""
    keys = [c.name for c in columns]
    key_width = max(width(k) for k in keys)
    beside = cells - key_width - GAP
    out: list[Line] = []
    for r, row in enumerate(rows):
        if r:
            out.append([])
        for c, value in zip(columns, row, strict=True):
            fits = beside >= max(FLEX_MIN, _longest_protected(value)) or beside >= _natural(value)
            role = c.role
            if fits:
                for k, text in enumerate(wrap(value, beside)):
                    key = c.name if k == 0 else ""
                    out.append(
                        _rstrip([(key + " " * (key_width - width(key) + GAP), "head" if key else ""), (text, role)])
                    )
            else:
                out.append([(c.name, "head")])
                out += [[("  " + text, role)] for text in wrap(value, cells - 2)]
    return out
