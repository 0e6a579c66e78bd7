"""The terminal msgprof talks to: three streams, whether each is a terminal, the width, colour.

Read once per command from the process (``Terminal.system``) and handed to the command through
the CLI context, so nothing below the command layer looks at ``sys.std*``, ``isatty`` or the
environment.  ``Terminal.fake`` is the test double: fixed width, TTY-ness and colour, in-memory
streams, so a test renders the 80- and 120-column screens without a pseudo-terminal.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or stream-like object without a file
        return False


@dataclass(frozen=True)
class Terminal:
    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
    stdin_isatty: bool
    stdout_isatty: bool
    stderr_isatty: bool
    width: int
    no_color: bool  # NO_COLOR is set (https://no-color.org): no colour, no box drawing

    @property
    def stdout_fancy(self) -> bool:
        """Colour and box drawing on stdout: only at a terminal, and never under NO_COLOR."""
        return self.stdout_isatty and not self.no_color

    @property
    def stderr_fancy(self) -> bool:
        return self.stderr_isatty and not self.no_color

    @classmethod
    def system(cls, env: Mapping[str, str] | None = None) -> Terminal:
        """The process's streams as they are now (a test runner may have replaced them)."""
        env = os.environ if env is None else env
        # COLUMNS wins, as in shutil; otherwise the size of the terminal, else 80.
        width = shutil.get_terminal_size((80, 24)).columns
        return cls(
            stdin=sys.stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
            width=max(width, 20),
            no_color=bool(env.get("NO_COLOR")),
        )

    @classmethod
    def fake(cls, *, width: int = 80, tty: bool = True, color: bool = True, stdin: str | bytes = "") -> FakeTerminal:
        """In-memory streams that claim to be (or not be) a terminal of ``width`` columns."""
        data = stdin.encode() if isinstance(stdin, str) else stdin
        return FakeTerminal(
            stdin=io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            stdin_isatty=tty,
            stdout_isatty=tty,
            stderr_isatty=tty,
            width=width,
            no_color=not color,
        )


@dataclass(frozen=True)
class FakeTerminal(Terminal):
    """The test double; ``out()`` and ``err()`` read back what was written."""

    def out(self) -> str:
        assert isinstance(self.stdout, io.StringIO)
        return self.stdout.getvalue()

    def err(self) -> str:
        assert isinstance(self.stderr, io.StringIO)
        return self.stderr.getvalue()
