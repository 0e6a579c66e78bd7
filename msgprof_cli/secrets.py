"""The one registry of what is secret in this run, and every way a secret is kept out of sight.

It is filled before any input is parsed (``cli/common.py::run``): the API key first, then the
value of every secret ``${VAR}`` as the document layer reads it (``register_variable``).  Then:

- ``scrub`` replaces every registered value (any of its ``forms``; for the key, any run of GRAM
  of its characters) in a message, a hint, an error or a --debug trace.  Render's stderr is a
  ``Scrubbed`` stream, and render scrubs a message *before* wrapping it for the terminal, so a
  secret cut across two lines is hidden too.
- ``holds_secret`` tells the rules whether a value is (or holds) a secret: a suggestion ("did
  you mean +12025550100?") is never computed from one, and it is never quoted.
- ``quote`` is the one way a message quotes input: its repr, at most QUOTE_CHARS characters, and
  never a secret.
- ``mask`` shows a key by its last 4 characters (``config show``).

- ``shown`` is what a report (plan and apply: text, Markdown, JSON) and a notice show of a value:
  every secret variable's value hidden, whatever its length.  It is called once, on the way out
  (``output/report_view.py::shown_item`` for a report item, ``Renderer.notice`` for a notice): the
  items themselves carry raw values.

stdout is data and is left as it is (``--json`` prints exactly what the API returned; plan and
apply reports hide secret values on the way out: ``shown``, and by field path).  This module
imports nothing from the package.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Mapping
from typing import IO, Any
from urllib.parse import quote as url_quote
from urllib.parse import quote_plus

# A shorter "secret" (true, null, a 4-digit PIN) can't be told from ordinary text: hiding it
# would change what the user reads, so it is not hidden on streams (reports and notices still hide
# it: ``shown``).
# The key is random: it is hidden from 4 characters, and so is any run of GRAM or more of its
# characters in a row (a message may cut what a server echoed: a quote at 40 characters, a
# summary at a "<", a header at its end).  mask() shows the last 4.
MIN_HIDDEN, MIN_KEY, GRAM = 6, 4, 8
_HIDDEN: dict[str, tuple[str, bool]] = {}  # every secret read in this run -> (shown as, its runs too)
_KNOWN: dict[str, str] = {}  # every secret value of this run, short ones too -> shown as
_VARIABLES: dict[str, str] = {}  # every secret variable's value, short ones too -> <secret from $VAR>
QUOTE_CHARS = 40  # the most of one value (or field name) a message quotes
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
        _KNOWN.clear()
        _VARIABLES.clear()
        _hidden_compiled = None


def register(value: str | None, shown: str, *, key: bool = False) -> None:
    """From now on, messages show ``shown`` wherever ``value`` (for the ``key``, or any run of
    GRAM of its characters) would have appeared; and the rules treat it as secret."""
    global _hidden_compiled
    if not value:
        return
    with _LOCK:
        _KNOWN.setdefault(value, shown)
    if len(value) >= (MIN_KEY if key else MIN_HIDDEN) and value not in _HIDDEN:
        with _LOCK:
            _HIDDEN[value] = (shown, key)
            _hidden_compiled = None


def register_key(key: str | None) -> None:
    """The API key: registered first, before any input of the run is read."""
    register(key, API_KEY_SHOWN, key=True)


def register_variable(name: str, value: str | None) -> None:
    """The value of a secret ``${VAR}``, as the document layer reads it."""
    register(value, variable_shown(name))
    if value:
        with _LOCK:
            _VARIABLES.setdefault(value, variable_shown(name))


def shown(value: Any, at: Mapping[tuple[str | int, ...], str] | None = None, path: tuple[str | int, ...] = ()) -> Any:
    """What output may show of ``value`` (a string, or a JSON-like value): the one way a report
    (plan and apply: text, Markdown, JSON) and a notice hide secrets, called on the way out.

    - By value: every secret variable's value this run has read, whatever its length and in any
      of its ``forms``, is shown as ``<secret from $VAR>`` inside any string.  Keys of a mapping
      are field names and stay; a number or a boolean is left (a secret ``true`` must not turn
      every ``true`` of a report into a marker): the one a secret gave is hidden by its path.
    - By path: ``at`` maps the field paths a secret variable filled (the document's record) to
      the variable; a value at such a path (``path``, or inside it) is shown whole as its marker,
      whatever it holds now: the live value a secret replaces is hidden too.

    The key and a webhook URL's password are the streams' to hide (``Scrubbed``): data shows a
    URL as written.  Nothing stays nothing (a create's old values are null)."""
    if value is None:
        return None
    if at:
        for n in range(len(path), 0, -1):
            if path[:n] in at:
                return variable_shown(at[path[:n]])
    if isinstance(value, dict):
        return {k: shown(v, at, (*path, k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown(v, at, (*path, n)) for n, v in enumerate(value)]
    table = dict(_VARIABLES)
    if not table:
        return value
    if isinstance(value, str):
        return scrub_with(value, table)
    return value


def variable_shown(name: str) -> str:
    return f"<secret from ${name}>"


def holds_secret(text: str | None) -> bool:
    """Whether ``text`` is, or holds, a value this run knows as secret (a whole short one, or the
    key's pieces): a message must neither quote it nor suggest anything computed from it."""
    if not text or not _KNOWN:
        return False
    for value in list(_KNOWN):
        if value == text or (len(value) >= MIN_KEY and value in text):
            return True
    return scrub(text) != text


def quote(value: str, limit: int = QUOTE_CHARS) -> str:
    """A string as messages quote it: its repr, cut to ``limit`` characters, never a secret (a
    secret is shown as what it is shown as: ``<secret from $VAR>``, ``<API key>``)."""
    if value in _KNOWN:
        return _KNOWN[value]
    if holds_secret(value):
        value = scrub(scrub_with(value, {v: shown for v, shown in list(_KNOWN.items()) if len(v) >= MIN_KEY}))
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value):,} characters)"


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
            every, url_quote(value, safe=""), quote_plus(value, safe=""))  # fmt: skip


API_KEY_SHOWN = "<API key>"
PASSWORD_SHOWN = "<password>"
_DONE = re.compile(r"(<secret from \$[A-Za-z_][A-Za-z0-9_]*>|<API key>|<redacted>|<password>)")  # replacements, markers


def scrub_with(text: str, replacements: Mapping[str, str]) -> str:
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


# A URL's password (``scheme://user:PASSWORD@host``) in any text on a stream, registered or not and
# of any length: the userinfo's delimiters mark it exactly, so hiding it can't touch other words.
_URL_PASSWORD = re.compile(r"(://[^\s/?#@:\"'<>]*:)([^\s/?#@\"'<>]+)(@)")
# A short secret (under MIN_HIDDEN: a 4-character webhook password, a 3-digit token) is hidden on
# streams only where delimiters mark a whole value: a URL's query value (``?t=abc&``) or a URL's
# password.  Anywhere else it can't be told from ordinary text (``US``, ``true``).
_QUERY_VALUE = re.compile(r"([?&][^=&\s\"'<>#]+=)([^&\s\"'<>#]+)")


def _short_tokens(text: str) -> str:
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + PASSWORD_SHOWN + m.group(3), text)
    short = {v: shown for v, shown in list(_KNOWN.items()) if len(v) < MIN_HIDDEN}
    if short and ("=" in text):
        table: dict[str, str] = {}
        for value, shown in short.items():
            for form in forms(value):
                table.setdefault(form, shown)
        text = _QUERY_VALUE.sub(lambda m: m.group(1) + table[m.group(2)] if m.group(2) in table else m.group(0), text)
    return text


def cut(text: str, limit: int, more: str = "…") -> str:
    """``text`` hidden (``scrub``) and then cut to at most ``limit`` characters (plus ``more``): a
    server's error that echoes a secret is hidden whole before msgprof shortens it, and a cut
    never ends inside a marker (``<secret from $VAR>``) nor, so, inside a secret."""
    text = scrub(text)
    if len(text) <= limit:
        return text
    end = limit
    for m in _DONE.finditer(text, max(0, limit - 64), limit + 64):
        if m.start() < limit < m.end():
            end = m.start()  # the marker whole or not at all
            break
    return text[:end] + more


def scrub(text: str) -> str:
    """``text`` with every secret this run has read hidden (safe from apply's worker threads), and
    every URL's password (``_short_tokens``)."""
    global _hidden_compiled
    if not text:
        return text
    if "://" in text or "=" in text:
        text = _short_tokens(text)
    if not _HIDDEN:
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
        try:
            self.stream.write(scrub(text))
        except OSError:
            self._gone()
        return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError:
            self._gone()

    def _gone(self) -> None:
        """stderr can't be written (a full disk, a closed pipe): messages are dropped from here
        on, and the exit code still says how the command ended (never 1, nor Python's 120 for a
        stream it could not flush at exit)."""
        import os
        import sys

        sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        if self.stream is sys.stderr:
            sys.stderr = sink
        self.stream = sink

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"
