"""How a secret is shown (a leaf module: render, settings and the document layer use it).

Two tools: ``mask`` shows a key by its last 4 characters; ``hide`` + ``Scrubbed`` make sure a
secret this run has read (the API key, the value of a secret ``${VAR}``) never reaches stderr,
whatever carried it there: a --debug trace, an error message that a server echoed back.  stdout
is data and is left as it is (``--json`` prints exactly what the API returned; plan and apply
reports hide secret values themselves, by field path: document.py).
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Mapping
from typing import IO
from urllib.parse import quote, quote_plus

# A shorter "secret" (true, null, a 4-digit PIN) can't be told from ordinary text: hiding it
# would change what the user reads, so it is not hidden on stderr (reports still hide it by path).
# The key is random: it is hidden from 4 characters, and so is any run of GRAM or more of its
# characters in a row (a message may cut what a server echoed: a quote at 40 characters, a
# summary at a "<", a header at its end).  mask() shows the last 4.
MIN_HIDDEN, MIN_KEY, GRAM = 6, 4, 8
_HIDDEN: dict[str, tuple[str, bool]] = {}  # every secret read in this run -> (shown as, its runs too)
# (every form of every value, their pattern, [(the key's GRAM-grams, shown as)]), built on use
_hidden_compiled: tuple[dict[str, str], re.Pattern[str], list[tuple[set[str], str]]] | None = None
_LOCK = threading.Lock()


def mask(secret: str | None) -> str:
    """Show only the last 4 characters of a secret; short ones not at all."""
    if not secret:
        return "(none)"
    if len(secret) <= 8:
        return "****"
    return "****" + secret[-4:]


def forget() -> None:
    """A new run starts knowing no secrets (tests run many commands in one process)."""
    global _hidden_compiled
    with _LOCK:
        _HIDDEN.clear()
        _hidden_compiled = None


def hide(value: str | None, shown: str, *, key: bool = False) -> None:
    """From now on, stderr shows ``shown`` wherever ``value`` (for the ``key``, or any run of
    GRAM of its characters) would have appeared."""
    global _hidden_compiled
    if value and len(value) >= (MIN_KEY if key else MIN_HIDDEN) and value not in _HIDDEN:
        with _LOCK:
            _HIDDEN[value] = (shown, key)
            _hidden_compiled = None


def _runs(text: str, grams: set[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` in which every GRAM characters in a row are GRAM characters in a row of
    the key: its pieces, wherever a message cut it.  One pass."""
    spans: list[tuple[int, int]] = []
    i, end = 0, len(text) - GRAM
    while i <= end:
        if text[i : i + GRAM] in grams:
            j = i + GRAM
            while j < len(text) and text[j - GRAM + 1 : j + 1] in grams:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def forms(value: str) -> tuple[str, ...]:
    """The ways a value can appear in output: as is, quoted by repr or JSON, or in a URL."""
    every = "".join(f"\\u{ord(c):04x}" for c in value)  # JSON with every character escaped
    return (value, repr(value)[1:-1], json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
            every, quote(value, safe=""), quote_plus(value, safe=""))  # fmt: skip


API_KEY_SHOWN = "<API key>"
_DONE = re.compile(r"(<secret from \$[A-Za-z_][A-Za-z0-9_]*>|<API key>|<redacted>)")  # replacements, markers


def scrub(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with every value (in any of its ``forms``) replaced by what it maps to.

    One pass, longest form first, never inside a replacement already made: so scrubbing twice
    changes nothing, and a secret that is part of another (or of the word "secret") cannot leave
    a piece of the other behind."""
    if not replacements or not text:
        return text
    return _substitute(text, *_compiled(replacements))


def _substitute(text: str, table: dict[str, str], pattern: re.Pattern[str]) -> str:
    pieces = _DONE.split(text)  # odd indexes: replacements already made
    return "".join(p if i % 2 else pattern.sub(lambda m: table[m.group(0)], p) for i, p in enumerate(pieces))


_COMPILED: dict[tuple[tuple[str, str], ...], tuple[dict[str, str], re.Pattern[str]]] = {}


def _compiled(replacements: Mapping[str, str]) -> tuple[dict[str, str], re.Pattern[str]]:
    """Every form of every value, and one pattern for them (longest first), compiled once per
    table: output is scrubbed against the same few tables write after write."""
    key = tuple(sorted(replacements.items()))
    entry = _COMPILED.get(key)  # read once: another thread may clear the cache meanwhile
    if entry is None:
        table: dict[str, str] = {}
        for value, shown in key:
            for form in forms(value):
                if form:
                    table.setdefault(form, shown)
        entry = (table, re.compile("|".join(re.escape(f) for f in sorted(table, key=len, reverse=True))))
        if len(_COMPILED) >= 16:
            _COMPILED.clear()
        _COMPILED[key] = entry
    return entry


def scrub_hidden(text: str) -> str:
    """``text`` with every secret this run has read hidden (safe from apply's worker threads)."""
    global _hidden_compiled
    if not _HIDDEN or not text:
        return text
    compiled = _hidden_compiled
    if compiled is None:
        with _LOCK:
            whole = {value: shown for value, (shown, _) in _HIDDEN.items()}
            keys = [
                ({value[i : i + GRAM] for i in range(len(value) - GRAM + 1)}, shown)
                for value, (shown, is_key) in _HIDDEN.items()
                if is_key and len(value) >= GRAM
            ]
            compiled = _hidden_compiled = (*_compiled(whole), keys)
    table, pattern, keys = compiled
    text = _substitute(text, table, pattern)
    for grams, shown in keys:
        for start, stop in reversed(_runs(text, grams)):
            text = text[:start] + shown + text[stop:]
    return text


class Scrubbed(io.TextIOBase):
    """A text stream that writes every hidden secret as what it is shown as."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(scrub_hidden(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"
