"""``msgprof sandbox -- COMMAND``: run one command against a sandbox, and give its exit status back.

The command's environment points every Telnyx client at the sandbox, whatever the caller's holds:
``TELNYX_BASE_URL`` and ``TELNYX_API_KEY`` are set (they beat any account of msgprof's config file,
settings.py's precedence), and ``MSGPROF_ACCOUNT`` is removed, so an account named there can
neither redirect msgprof nor stop it.  Nothing else is touched: the command's own flags
(``--base-url``, ``--account``, ``--api-key-file``) are its caller's to give.

Signals: a Ctrl-C at a terminal reaches the whole foreground process group, the command included,
so it is not sent twice; a SIGINT sent to msgprof alone (no terminal, or msgprof not in the
foreground), a SIGTERM or a SIGHUP is passed on to the command.  A second SIGINT sends SIGTERM.
msgprof then waits for the command, and the caller stops the sandbox.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from msgprof_cli.errors import CommandNotFound, CommandNotRunnable

REMOVED = ("MSGPROF_ACCOUNT",)  # would choose an account: a name that is not there stops msgprof


def environment(base: Mapping[str, str], url: str, api_key: str) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in REMOVED}
    env["TELNYX_BASE_URL"] = url
    env["TELNYX_API_KEY"] = api_key
    return env


def _in_terminal_foreground() -> bool:
    """msgprof's process group is a terminal's foreground group: Ctrl-C there reached the command too."""
    for fd in (0, 1, 2):
        try:
            if os.isatty(fd) and os.tcgetpgrp(fd) == os.getpgrp():
                return True
        except OSError:
            continue
    return False


def run(command: Sequence[str], env: Mapping[str, str]) -> int:
    """Run ``command`` to its end; its exit status (128 + N when signal N ended it, as a shell says)."""
    try:
        child = subprocess.Popen(list(command), env=dict(env))
    except FileNotFoundError:
        raise CommandNotFound(
            f"{command[0]}: command not found", hint="check the name, or give its full path after --"
        ) from None
    except OSError as exc:  # a folder, no execute permission, not an executable format
        raise CommandNotRunnable(f"{command[0]}: cannot run it ({exc.strerror or exc})") from None
    interrupts = 0

    def forward(signum: int, frame: Any) -> None:
        nonlocal interrupts
        if signum == signal.SIGINT:
            interrupts += 1
            if interrupts == 1 and _in_terminal_foreground():
                return  # the terminal sent it to the command as well
            signum = signal.SIGINT if interrupts == 1 else signal.SIGTERM
        try:
            child.send_signal(signum)
        except OSError:
            pass  # it has just ended

    names = ("SIGINT", "SIGTERM", "SIGHUP")
    signums = [getattr(signal, n) for n in names if hasattr(signal, n)]
    previous = {s: signal.signal(s, forward) for s in signums}
    try:
        code = child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code if code >= 0 else 128 - code
