"""The console script's entry point: Ctrl-C handled from the first instant, ``--version`` answered
without importing typer, else the CLI run and the process ended with its ``ExitStatus``.

Ctrl-C at any instant ends with one line (``msgprof: interrupted``) and exit 130, never a
traceback: this module installs its handler before anything heavy is imported (typer, rich,
requests and msgprof's own modules take ~0.2 s), and the handler ends the process at once.  Only
inside a command's body does the first Ctrl-C raise ``KeyboardInterrupt`` (``cli/common.py::run``
switches to ``interrupt.handler`` and back), after telling every thread to stop and cutting what
is in flight, so that a command can say what it did before it was stopped (apply's report); a
second Ctrl-C there ends the process at once.  An interrupted command's process ends as soon as it
has said so: no worker thread is waited for (``_end``).
"""

import signal

# Light on purpose (enum and typing): the handler below needs them before anything else loads.
from msgprof_cli.errors import CommandStatus, ExitStatus, exit_with
from msgprof_cli.interrupt import INTERRUPTED_LINE, say_interrupted

_say_interrupted = say_interrupted
__all__ = ["INTERRUPTED_LINE", "main"]


def _end(status: ExitStatus | CommandStatus) -> None:
    """End the process with ``status``.  After a Ctrl-C, at once: the report is written, and a worker
    thread still in a request must not hold the exit, as the interpreter's shutdown would (it joins
    every pool thread)."""
    exit_with(status, at_once=status == ExitStatus.INTERRUPTED)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C outside a command's body: nothing was sent, and nothing is left to report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # one line, however often Ctrl-C is pressed
    _say_interrupted()
    exit_with(ExitStatus.INTERRUPTED)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted)  # first of all: imports below take a while
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
        _say_interrupted()
        status = ExitStatus.INTERRUPTED
    finally:
        # The command has ended and said how: a further Ctrl-C while the interpreter waits for
        # requests still in flight (bounded by their timeouts) would only print a traceback from
        # threading's shutdown.  So from here on, Ctrl-C is ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end(status)
