"""Run msgprof on the terminal double: a screen of a fixed width, a TTY or not, colour or not."""

from __future__ import annotations

import re
from dataclasses import dataclass

from typer.testing import CliRunner

from msgprof_cli.cli import app
from msgprof_cli.output.terminal import FakeTerminal, Terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\")


@dataclass
class Screen:
    code: int
    out: str  # as written, escape sequences included
    err: str
    term: FakeTerminal

    @property
    def text(self) -> str:
        """stdout without colour codes: what a person reads."""
        return ANSI.sub("", self.out)

    @property
    def err_text(self) -> str:
        return ANSI.sub("", self.err)


def screen(*args: str, width: int = 80, tty: bool = True, color: bool = True, stdin: str = "") -> Screen:
    term = Terminal.fake(width=width, tty=tty, color=color, stdin=stdin)
    res = CliRunner().invoke(app, list(args), obj=term, prog_name="msgprof")
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return Screen(res.exit_code, term.out(), term.err(), term)
