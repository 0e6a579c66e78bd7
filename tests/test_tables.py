"""Tables never lose a character, at any width from 40 columns up (issue 24, item 1).

The property draws generated records at generated widths through the terminal double and reads
the screen back: every non-space character of every value and heading is there (as a multiset,
nothing dropped and nothing added, no "…"), no line is wider than the screen, and ids, numbers
and URLs sit whole on one line.  The examples are the screens a new user reported."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from screens import screen

from msgprof_cli.output import tables
from msgprof_cli.output.cells import width
from msgprof_cli.output.render import Renderer
from msgprof_cli.output.terminal import Terminal
from msgprof_cli.sandbox.server import Sandbox

UUID = "3f2c1a8e-1b2c-4d5e-8f90-123456789abc"
TEXT = "You have been unsubscribed. Reply HELP for help or visit https://example.com/help"


def _fits(text: str, columns: int) -> None:
    for line in text.splitlines():
        assert width(line) <= columns, f"{width(line)} > {columns}: {line!r}"


def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ.,!?'/é漢字"), min_size=1, max_size=30)
uuids = st.uuids().map(str)
phones = st.integers(10**9, 10**14).map(lambda n: f"+{n}")
urls = st.from_regex(r"https://[a-z]{1,12}\.example\.com/[a-z0-9/]{0,40}", fullmatch=True)
counts = st.integers(0, 10**9).map(str)
sentences = st.lists(st.one_of(words, urls, counts), min_size=0, max_size=12).map(" ".join)
KINDS = {"id": uuids, "phone_number": phones, "webhook_url": urls, "sent": counts, "text": sentences, "name": words}


@st.composite
def tables_(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    names = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=6, unique=True))
    columns = [
        n if n != "text" else draw(st.sampled_from(["resp_text", "us_long_code_fallback", "keywords"])) for n in names
    ]
    rows = draw(st.lists(st.tuples(*(KINDS[n] for n in names)).map(list), min_size=1, max_size=4))
    return columns, rows


@settings(max_examples=150)
@given(tables_(), st.integers(40, 200))
def test_every_character_of_every_value_is_on_the_screen(
    table: tuple[list[str], list[list[str]]], columns: int
) -> None:
    names, rows = table
    term = Terminal.fake(width=columns, color=False)
    Renderer(term).table(names, rows)
    shown = term.out()
    _fits(shown, columns)
    values = _chars("".join(v or '""' for r in rows for v in r))  # an empty value is shown as ""
    as_table = values + _chars("".join(names).upper())  # headings once
    as_blocks = values + _chars("".join(names) * len(rows))  # keys once per record
    assert _chars(shown) in (as_table, as_blocks), shown
    lines = shown.splitlines()
    for row in rows:
        for value in row:
            for token in value.split():
                if tables.protected(token) and width(token) <= columns - 2:
                    assert any(token in line for line in lines), (token, shown)


@given(st.text(min_size=0, max_size=200), st.integers(2, 60))
def test_wrap_keeps_every_character_in_order(text: str, cells: int) -> None:
    lines = tables.wrap(text, cells)
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    assert all(width(line) <= max(cells, 2) or len(line) == 1 for line in lines)


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_autoresp_list_keeps_every_letter(sandbox: Sandbox, columns: int) -> None:
    p = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})
    made = screen(
        "autoresp",
        "create",
        p["id"],
        "--op",
        "stop",
        "-k",
        "STOP",
        "-k",
        "UNSUBSCRIBE",
        "--country",
        "US",
        "--text",
        TEXT,
        "--json",
        tty=False,
    )
    assert made.code == 0, made.err
    s = screen("autoresp", "list", p["id"], width=columns)
    assert s.code == 0, s.err
    _fits(s.text, columns)
    assert "Unsubscribed." not in s.text  # the text as the user gave it
    flat = " ".join(s.text.split())
    assert "unsubscribed. Reply" in flat and "https://example.com/help" in s.text, s.text
    assert "UNSUBSCRIBE" in s.text


def test_sender_ids_list_heads_each_column_whole_and_keeps_the_fallback_at_60(sandbox: Sandbox) -> None:
    p = sandbox.create({"name": "P", "whitelisted_destinations": ["GB"]})
    sandbox.seed(
        "alphanumeric_sender_ids", p["id"], {"alphanumeric_sender_id": "Acme", "us_long_code_fallback": "+12025550100"}
    )
    wide = screen("sender-ids", "list", p["id"], width=80)
    assert "US_LONG_CODE_FALLB\n" not in wide.text and "FALLBACK" in wide.text, wide.text
    narrow = screen("sender-ids", "list", p["id"], width=60)
    _fits(narrow.text, 60)
    assert re.search(r"^us_long_code_fallback +\+12025550100$", narrow.text, re.M), narrow.text


def test_numbers_list_at_70_columns_cuts_neither_product_nor_number(sandbox: Sandbox) -> None:
    p = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})
    done = screen("numbers", "assign", p["id"], "+12025550100", tty=False)
    assert done.code == 0, done.err
    s = screen("numbers", "list", p["id"], width=70)
    assert s.code == 0, s.err
    _fits(s.text, 70)
    assert "+12025550100" in s.text and re.search(r"\bP2P\b", s.text), s.text


def test_a_pipe_gets_one_line_per_record_with_nothing_dropped() -> None:
    term = Terminal.fake(width=40, tty=False, color=False)
    Renderer(term).table(["id", "resp_text"], [[UUID, {"a": 1, "b": "two"}]])
    assert term.out().splitlines() == ["ID                                    RESP_TEXT", f"{UUID}  a: 1; b: two"]


def test_a_long_heading_wraps_after_an_underscore_in_balanced_lines() -> None:
    assert tables._heading("ALPHANUMERIC_SENDER_ID", 20) == ["ALPHANUMERIC_", "SENDER_ID"]
    assert tables._heading("US_LONG_CODE_FALLBACK", 14) == ["US_LONG_CODE_", "FALLBACK"]
    assert tables._heading("ID", 36) == ["ID"]


@given(st.from_regex(r"[A-Z]{1,12}(_[A-Z]{1,12}){0,4}", fullmatch=True), st.integers(2, 40))
def test_a_heading_keeps_every_letter_and_breaks_only_after_underscores(name: str, cells: int) -> None:
    lines = tables._heading(name, cells)
    assert "".join(lines) == name
    widest = max(len(p) for p in re.findall(r"[^_]*_|[^_]+$", name))
    if cells >= widest:
        assert all(len(line) <= cells for line in lines) and all(line.endswith("_") for line in lines[:-1])
