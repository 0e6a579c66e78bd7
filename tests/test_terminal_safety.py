"""Terminal-safe output: values from the API or a file are text, never markup or control sequences.

--json and -o yaml stay exact data.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screens import ANSI, screen

from msgprof_cli.output.cells import visible
from msgprof_cli.sandbox.server import Sandbox

# What a terminal would obey: C0 but newline, DEL, C1, and the bidi embeddings/overrides/isolates.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = [
    "Promo [/sale] EU",
    "[link=https://evil.example]Click[/link]",
    "[bold red]alarm[/]",
    "\x1b[2J\x1b[31mwiped\x07",
    "\x1b]8;;https://evil.example\x1b\\Click\x1b]8;;\x1b\\",
    "invoice\u202egnp.exe",
    "C1 \x9b31m and \x85",
    ":smile: [i]",
]


def named(sandbox: Sandbox, name: str) -> dict:
    """A profile the API returns with this name (set in the sandbox's state, as a hostile API could)."""
    p = sandbox.create({"name": "placeholder", "whitelisted_destinations": ["US"]})
    with sandbox.state.lock:
        sandbox.state.profiles[p["id"]]["name"] = name
    return {**p, "name": name}


def clean(s: str) -> str:
    """Output minus msgprof's own colour codes: what is left must hold no control character."""
    return ANSI.sub("", s)


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_hostile_names_are_shown_literally(sandbox: Sandbox, name: str, tty: bool) -> None:
    p = named(sandbox, name)
    for args in (["get", p["id"]], ["list"], ["list", "--all"]):
        s = screen(*args, tty=tty, width=200)
        assert s.code == 0, s.err
        assert not RAW_CONTROL.search(clean(s.out) + clean(s.err)), args
        assert "\x1b]8;" not in s.out  # never a hyperlink
        assert visible(name) in clean(s.out), args


def test_a_name_that_is_markup_is_not_read_as_markup(sandbox: Sandbox) -> None:
    p = named(sandbox, "[bold]loud[/bold] [link=https://evil.example]Click[/link]")
    s = screen("get", p["id"], width=120)
    assert s.code == 0
    assert "[bold]loud[/bold] [link=https://evil.example]Click[/link]" in s.text
    assert "\x1b[1mloud" not in s.out


@pytest.mark.parametrize("name", HOSTILE)
def test_json_and_yaml_stay_exact_data(sandbox: Sandbox, name: str) -> None:
    p = named(sandbox, name)
    as_json = screen("get", p["id"], "--json")
    assert json.loads(as_json.out)["name"] == name
    assert not RAW_CONTROL.search(as_json.out)  # JSON escapes them, which is the same data
    assert yaml.safe_load(screen("get", p["id"], "-o", "yaml").out)["name"] == name
    assert json.loads(screen("list", "--json").out)[0]["name"] == name


def test_errors_show_control_characters_visibly(sandbox: Sandbox) -> None:
    s = screen("get", "no\x1b[31mbody\x07", tty=False)
    assert s.code == 5
    assert not RAW_CONTROL.search(s.err) and "\\x1b[31mbody" in s.err


PIECES = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
    st.sampled_from(["\x1b[31m", "\x07", "\x9b", "\x85", "\u202e", "\u2066", "[link=https://x.example]", "[/link]", "[/]"]),
)
NAMES = st.lists(PIECES, min_size=1, max_size=8).map("".join).filter(bool)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, tty=st.booleans())
def test_any_name_renders_without_crash_or_raw_control(sandbox: Sandbox, name: str, tty: bool) -> None:
    with sandbox.state.lock:
        sandbox.state.profiles.clear()
    p = named(sandbox, name)
    for args in (["get", p["id"]], ["list"]):
        s = screen(*args, tty=tty, width=100)
        assert s.code == 0, (args, s.err)
        assert not RAW_CONTROL.search(clean(s.out) + clean(s.err)), (args, s.out)
        assert "\x1b]8;" not in s.out
    assert json.loads(screen("get", p["id"], "--json").out)["name"] == name
