"""The one secret registry (msgprof_cli/secrets.py), with generated secrets: it is filled before
any input is parsed (the key first), every message, hint, suggestion and quote consults it, no
suggestion is computed from a secret, a --debug trace at a terminal hides a secret that wraps,
and every quote of input is at most 40 characters."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_KEY, Cli, Sandbox
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from screens import screen

from msgprof_cli import secrets

FUNCTION_SCOPED = [HealthCheck.function_scoped_fixture]
KEY_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=20, max_size=64)
# Secrets that look like numbers: a suggestion would be computed from them.
PHONE_LIKE = st.builds(
    lambda cc, area, rest, sep: sep.join(["+" + cc if cc else "", f"({area})", rest[:3], rest[3:]]).strip(sep),
    st.sampled_from(["1", "44", ""]),
    st.integers(201, 989).map(str),
    st.text(alphabet=string.digits, min_size=7, max_size=7),
    st.sampled_from([" ", "-", "."]),
)


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox("127.0.0.1", 0) as sb:
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        yield sb


def pieces(secret: str, n: int = 8) -> set[str]:
    return {secret[i : i + n] for i in range(len(secret) - n + 1)} or {secret}


def assert_hidden(text: str, secret: str, *forms: str) -> None:
    flat = re.sub(r"\s+", "", text)  # a value wrapped across lines is still a leak
    for form in (secret, *forms):
        assert form not in text and re.sub(r"\s+", "", form) not in flat, form
    for piece in pieces(re.sub(r"\s+", "", secret)):
        assert piece not in flat, piece


# --------------------------------------------------------------------------- the registry itself


@settings(max_examples=60, deadline=None)
@given(secret=st.text(min_size=6, max_size=60).filter(lambda s: s.strip() == s and "<" not in s), before=st.text(max_size=50), after=st.text(max_size=50))
def test_a_registered_value_is_never_quoted_or_left_in_a_message(secret: str, before: str, after: str) -> None:
    secrets.forget()
    try:
        secrets.register_variable("HOOK_TOKEN", secret)
        message = before + secret + after
        assert secret not in secrets.scrub(message)
        assert secrets.holds_secret(message)
        shown = secrets.quote(message)
        assert secret not in shown
        assert secrets.quote(secret) == "<secret from $HOOK_TOKEN>"
        hidden = secrets.scrub(message)  # what is quoted: the message with the secret replaced
        if message != secret:
            assert shown == repr(hidden) if len(hidden) <= 40 else shown.startswith(repr(hidden[:40]) + "…")
    finally:
        secrets.forget()


@settings(max_examples=60, deadline=None)
@given(value=st.text(min_size=41, max_size=400))
def test_every_quote_is_at_most_40_characters(value: str) -> None:
    secrets.forget()
    shown = secrets.quote(value)
    assert shown.startswith(repr(value[:40])) and value[:41] not in shown


@settings(max_examples=40, deadline=None)
@given(key=KEY_TEXT, start=st.integers(0, 10), length=st.integers(8, 20))
def test_any_run_of_eight_characters_of_the_key_is_hidden(key: str, start: int, length: int) -> None:
    secrets.forget()
    try:
        secrets.register_key(key)
        piece = key[start : start + length]
        assume(len(piece) >= 8)
        assert piece not in secrets.scrub(f"server said: {piece}!")
        assert secrets.holds_secret(piece)
    finally:
        secrets.forget()


# --------------------------------------------------------------------------- the key first


@settings(max_examples=15, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(key=KEY_TEXT | st.text(alphabet=string.digits, min_size=11, max_size=14), how=st.sampled_from(["file", "env"]))
def test_a_key_file_given_as_a_number_list_is_never_quoted(
    box: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, how: str
) -> None:
    """The registry knows the key before the list is read: no quote, no "did you mean +<key>?"."""
    keyfile = tmp_path / "telnyx.key"
    keyfile.write_text(key + "\n")
    keyfile.chmod(0o600)
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    args = ["numbers", "assign", "P", "-f", str(keyfile)]
    if how == "file":
        args += ["--api-key-file", str(keyfile)]
    else:
        monkeypatch.setenv("TELNYX_API_KEY", key)
    res = Cli()(*args)
    assert res.exit_code == 3, res.stderr
    assert "<API key>" in res.stderr
    assert_hidden(res.stdout + res.stderr, key, "+" + key, "+1" + key)
    assert not box.writes()


# --------------------------------------------------------------------------- no suggestion from a secret


@settings(max_examples=20, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(number=PHONE_LIKE, fallback=PHONE_LIKE)
def test_no_suggestion_is_computed_from_a_secret_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: str, fallback: str
) -> None:
    digits, fallback_digits = re.sub(r"\D", "", number), re.sub(r"\D", "", fallback)
    monkeypatch.setenv("PHONE_TOKEN", number)
    monkeypatch.setenv("FALLBACK_SECRET", fallback)
    f = tmp_path / "p.yaml"
    f.write_text(
        "name: P\nwhitelisted_destinations: [US]\nphone_numbers: ['${PHONE_TOKEN}']\n"
        "alphanumeric_sender_ids:\n  - {sender_id: ACME, us_long_code_fallback: '${FALLBACK_SECRET}'}\n"
    )
    for args in (["validate", str(f)], ["validate", str(f), "--json"], ["plan", "-f", str(f)]):
        res = Cli()(*args)
        assert res.exit_code == 3, res.stderr
        out = res.stdout + res.stderr
        for value, d in ((number, digits), (fallback, fallback_digits)):
            assert value not in out and "+" + d not in out and d not in out, (value, out)
        assert "did you mean" not in out
        assert "<secret from $PHONE_TOKEN>" in out


@settings(max_examples=15, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(word=st.text(alphabet=string.ascii_letters + "-!. ", min_size=6, max_size=30).filter(lambda w: w.strip() == w))
def test_no_keyword_or_sender_id_suggestion_is_computed_from_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    assume(not word.isalnum() and not re.fullmatch(r"[A-Za-z0-9 ]{1,11}", word))
    monkeypatch.setenv("WORD_SECRET", word)
    f = tmp_path / "k.yaml"
    f.write_text(
        "name: K\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: ['${WORD_SECRET}']\n"
        "autoresp_configs:\n  - {op: stop, country_code: US, keywords: ['${WORD_SECRET}']}\n"
    )
    res = Cli()("validate", str(f))
    assert res.exit_code == 3
    cleaned = "".join(c for c in word if c.isalnum())
    assert word not in res.stderr and f"did you mean {cleaned!r}" not in res.stderr
    assert "<secret from $WORD_SECRET>" in res.stderr


# --------------------------------------------------------------------------- --debug at a terminal


WORDS = st.lists(st.text(alphabet=string.ascii_letters + string.digits, min_size=3, max_size=9), min_size=3, max_size=6)


@settings(max_examples=8, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(words=WORDS, width=st.sampled_from([40, 52, 80]))
def test_debug_at_a_terminal_hides_a_secret_that_wraps(
    box: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, words: list[str], width: int
) -> None:
    """A secret with spaces in it wraps at a terminal: it is hidden before the line is wrapped."""
    token = " ".join(words)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
    monkeypatch.setenv("NAME_TOKEN", token)
    number = len(box.received)  # a profile of its own for each example: it is created
    shown = screen("create", "--name", "x", "--debug", width=width, tty=True, color=False)  # the key's trace
    assert_hidden(shown.err_text, TEST_KEY)
    doc = f"name: 'P{number} ${{NAME_TOKEN}}'\nwhitelisted_destinations: [US]\n"
    f = tmp_path / f"p{number}.yaml"
    f.write_text(doc)
    shown = screen("apply", "-f", str(f), "--debug", width=width, tty=True, color=False)
    assert shown.code == 0, shown.err
    flat = re.sub(r"\s+", "", shown.err_text)
    assert "debug:>POST" in flat and "<secretfrom$NAME_TOKEN>" in flat
    assert_hidden(shown.err_text + shown.text, token)


# --------------------------------------------------------------------------- every quote of input


@settings(max_examples=20, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(value=st.text(alphabet=string.ascii_letters + string.digits + "!#%&", min_size=41, max_size=200))
def test_every_quote_of_command_line_input_is_at_most_40_characters(value: str) -> None:
    cli = Cli()
    runs = [
        cli("numbers", "assign", "P", value, "--dry-run"),
        cli("sender-ids", "add", "P", value, "--dry-run"),
        cli("sender-ids", "add", "P", "ACME", "--us-long-code-fallback", value, "--dry-run"),
        cli("autoresp", "create", "P", "--op", value, "-k", value, "--country", value, "--dry-run"),
    ]
    for res in runs:
        assert res.exit_code == 3, res.stderr
        assert value[:41] not in res.stderr and value[:40] in res.stderr
