"""The console script's entry point: Ctrl-C handled from the first instant, ``--version`` answered
without importing typer, else the CLI run and the process ended with its ``ExitStatus``.

Ctrl-C at any instant once this module runs ends with one line (``msgprof: interrupted``) and
exit 130, never a traceback: ``main`` first sets a handler that only records a press, then imports
``errors`` and ``interrupt``, then sets the handler that ends the process at once (and uses it
for a press recorded meanwhile), all before anything heavy is imported (typer, rich, requests and
msgprof's own modules take ~0.2 s).  Only
inside a command's body does the first Ctrl-C raise ``KeyboardInterrupt`` (``cli/common.py::run``
switches to ``interrupt.handler`` and back), after telling every thread to stop and cutting what
is in flight, so that a command can say what it did before it was stopped (apply's report); a
second Ctrl-C there ends the process at once.  An interrupted command's process ends as soon as it
has said so: no worker thread is waited for (``_end``).
"""

from __future__ import annotations

import signal

TYPE_CHECKING = False  # typing itself is not imported: only ``signal`` comes before the handler
if TYPE_CHECKING:
    from msgprof_cli.errors import CommandStatus, ExitStatus

# Nothing but ``signal`` is imported at the top: ``main`` sets a first handler before it imports
# msgprof's own modules (``errors``, ``interrupt``), so that a Ctrl-C while those load (the first
# ~25 ms) is recorded, not a traceback from importlib, and acted on as soon as they have loaded.
# A Ctrl-C before Python runs this module at all (the interpreter's start-up, site, ``.pth``
# files, the ``msgprof_cli`` package's ``__init__``) cannot be handled by msgprof (docs/usage.md).
_pressed: list[int] = []
__all__ = ["main"]


def _record(signum: int, frame: object) -> None:
    """The first handler, while the launcher's own imports load: remember the press, nothing more
    (``errors.exit_with`` is the one place that ends the process, and it is not loaded yet)."""
    _pressed.append(signum)


def _end(status: ExitStatus | CommandStatus) -> None:
    """End the process with ``status``.  After a Ctrl-C, at once: the report is written, and a worker
    thread still in a request must not hold the exit, as the interpreter's shutdown would (it joins
    every pool thread)."""
    from msgprof_cli.errors import ExitStatus, exit_with

    exit_with(status, at_once=status == ExitStatus.INTERRUPTED)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C outside a command's body: nothing was sent, and nothing is left to report."""
    from msgprof_cli.errors import ExitStatus, exit_with
    from msgprof_cli.interrupt import say_interrupted

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # one line, however often Ctrl-C is pressed
    say_interrupted()
    # at once (no SystemExit): a signal handler may run inside importlib's lock callback, where a
    # raised SystemExit is only printed as "Exception ignored" and the import goes on
    exit_with(ExitStatus.INTERRUPTED, at_once=True)


def main() -> None:
    signal.signal(signal.SIGINT, _record)  # first of all: even msgprof's lightest imports take a while
    from msgprof_cli.errors import ExitStatus
    from msgprof_cli.interrupt import say_interrupted

    signal.signal(signal.SIGINT, _interrupted)  # the real handler: the imports below take ~0.2 s
    if _pressed:  # pressed while the two modules above loaded: one line, exit 130, at once
        _interrupted(signal.SIGINT, None)
    status: ExitStatus | CommandStatus = ExitStatus.OK
    try:
        import sys

        if sys.argv[1:] in (["--version"], ["-V"]):
            from msgprof_cli import __version__

            sys.stdout.write(f"msgprof {__version__}\n")
        else:
            from msgprof_cli.cli import main as run

            status = run()
    except KeyboardInterrupt:  # raised in a command's body and not caught there
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        say_interrupted()
        status = ExitStatus.INTERRUPTED
    finally:
        # The command has ended and said how: a further Ctrl-C while the interpreter waits for
        # requests still in flight (bounded by their timeouts) would only print a traceback from
        # threading's shutdown.  So from here on, Ctrl-C is ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end(status)
