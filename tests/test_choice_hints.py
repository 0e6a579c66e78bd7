"""A mistyped value of a choice option gets "did you mean CHOICE?" (a new user's `plan --format
markdwn` got none), on every command's every choice option, under --json too; a value near no
choice, or one that is a secret's value, gets no suggestion.  Exit 2 throughout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from screens import screen
from typer.main import get_command

from msgprof_cli.cli import app


def _choice_options() -> Iterator[tuple[list[str], str, str]]:
    def walk(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield path, cmd

    for path, cmd in walk(get_command(app), []):
        for param in cmd.params:
            for choice in getattr(param.type, "choices", None) or ():
                yield path, param.opts[0], str(getattr(choice, "value", choice))


CHOICES = list(_choice_options())


def test_there_are_choice_options_to_check() -> None:
    assert (["plan"], "--format", "markdown") in CHOICES and len({tuple(p) for p, _, _ in CHOICES}) >= 10


@pytest.mark.parametrize(("path", "flag", "choice"), CHOICES, ids=[f"{' '.join(p)} {f} {c}" for p, f, c in CHOICES])
def test_a_mistyped_choice_is_suggested(path: list[str], flag: str, choice: str) -> None:
    for typo in (choice[:-1], choice.upper() if choice != choice.upper() else choice.lower()):
        s = screen(*path, flag, typo, tty=False)
        assert s.code == 2 and s.out == "", (typo, s.err)
        assert f"  hint: did you mean {choice}? `msgprof {' '.join(path)} --help` shows the options\n" in s.err, s.err


def test_the_users_example_in_text_and_json() -> None:
    s = screen("plan", "-f", "x.yaml", "--format", "markdwn", tty=False)
    assert s.code == 2
    assert s.err == (
        "msgprof: error: Invalid value for '--format' / '--output' / '-o': 'markdwn' is not one of 'text', 'json', "
        "'markdown'.\n  hint: did you mean markdown? `msgprof plan --help` shows the options\n"
    )
    s = screen("plan", "-f", "x.yaml", "--format", "markdwn", "--json", tty=False)
    assert s.code == 2 and json.loads(s.err)["hint"] == "did you mean markdown? `msgprof plan --help` shows the options"


@pytest.mark.parametrize("value", ["zzz", "", "'\"", "xyzzy-9"])
def test_a_value_near_no_choice_gets_the_plain_hint(value: str) -> None:
    s = screen("list", "-o", value, tty=False)
    assert s.code == 2 and "did you mean" not in s.err and "  hint: `msgprof list --help` shows the options\n" in s.err


def test_a_value_with_quotes_and_backslashes_is_read_back_whole() -> None:
    s = screen("list", "-o", "tab\\le'", tty=False)  # click shows it as "tab\\le'" (its repr)
    assert s.code == 2 and "did you mean table?" in s.err, s.err


def test_no_suggestion_from_a_secret_the_run_knows() -> None:
    from msgprof_cli import secrets

    secrets.register("jsonxy", "<secret from $X_TOKEN>")
    try:
        assert "did you mean json?" in screen("list", "-o", "jsonz", tty=False).err  # not a secret: suggested
        s = screen("list", "-o", "jsonxy", tty=False)
        assert s.code == 2 and "did you mean" not in s.err and "jsonxy" not in s.err, s.err
    finally:
        secrets.forget()
