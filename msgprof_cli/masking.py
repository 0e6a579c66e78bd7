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
MIN_HIDDEN = 6
# A message may cut what a server echoed (a quote cut at 40 characters, a summary cut at a "<").
# For the key (random, so any long piece of it is its own) its starts and ends are hidden too:
# those of MIN_PIECE..SHORT_PIECE characters, and (for keys up to MAX_PIECED) those that lack at
# most PIECE_SPAN characters.  A bounded number, so a 4 KiB key costs no more than a short one.
# mask() shows the last 4.
MIN_PIECE, SHORT_PIECE, PIECE_SPAN, MAX_PIECED = 8, 48, 24, 512
_HIDDEN: dict[str, tuple[str, bool]] = {}  # every secret read in this run -> (shown as, pieces too)
# (replacements with every piece, every form of them, their pattern), built on first use
_hidden_compiled: tuple[dict[str, str], dict[str, str], re.Pattern[str]] | None = None
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


def hide(value: str | None, shown: str, *, pieces: bool = False) -> None:
    """From now on, stderr shows ``shown`` wherever ``value`` (with ``pieces``, or a long start or
    end of it) would have appeared."""
    global _hidden_compiled
    if value and len(value) >= MIN_HIDDEN and value not in _HIDDEN:
        with _LOCK:
            _HIDDEN[value] = (shown, pieces)
            _hidden_compiled = None


def _pieces(value: str) -> list[str]:
    lengths = set(range(MIN_PIECE, min(SHORT_PIECE, len(value) - 1) + 1))
    if len(value) <= MAX_PIECED:
        lengths |= set(range(max(MIN_PIECE, len(value) - PIECE_SPAN), len(value)))
    return [value, *(value[:n] for n in sorted(lengths)), *(value[-n:] for n in sorted(lengths))]


def forms(value: str) -> tuple[str, ...]:
    """The ways a value can appear in output: as is, quoted by repr or JSON, or in a URL."""
    every = "".join(f"\\u{ord(c):04x}" for c in value)  # JSON with every character escaped
    return (value, repr(value)[1:-1], json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
            every, quote(value, safe=""), quote_plus(value, safe=""))  # fmt: skip


API_KEY_SHOWN = "<API key>"
_DONE = re.compile(r"(<secret from \$[A-Za-z_][A-Za-z0-9_]*>|<API key>)")  # replacements already made


def scrub(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with every value (in any of its ``forms``) replaced by what it maps to.

    One pass, longest form first, never inside a replacement already made: so scrubbing twice
    changes nothing, and a secret that is part of another (or of the word "secret") cannot leave
    a piece of the other behind."""
    if not replacements or not text:
        return text
    table, pattern = _compiled(replacements)
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
            table: dict[str, str] = {}
            for value, (shown, pieced) in list(_HIDDEN.items()):
                table.update((piece, shown) for piece in (_pieces(value) if pieced else [value]) if piece not in table)
            compiled = _hidden_compiled = (table, *_compiled(table))
    replacements, table, pattern = compiled
    if "<" not in text:  # nothing replaced yet (the common case): one scan
        return pattern.sub(lambda m: table[m.group(0)], text)
    return scrub(text, replacements)


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
