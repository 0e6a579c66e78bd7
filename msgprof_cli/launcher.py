"""The console script's entry point: Ctrl-C handled from the first instant, ``--version`` answered
without importing typer, else the CLI run and the process ended with its ``ExitStatus``.

Ctrl-C at any instant ends with one line (``msgprof: interrupted``) and exit 130, never a
traceback: this module installs its handler before anything heavy is imported (typer, rich,
requests and msgprof's own modules take ~0.2 s), and the handler ends the process at once.  Only
inside a command's body does Ctrl-C raise ``KeyboardInterrupt`` (``cli/common.py::run`` switches
to it and back), so that a command can say what it did before it was stopped (apply's report).
"""

import os
import signal

# Light on purpose (enum and typing): the handler below needs them before anything else loads.
from msgprof_cli.errors import CommandStatus, ExitStatus, exit_with

INTERRUPTED_LINE = b"msgprof: interrupted\n"


def _say_interrupted() -> None:
    """The one line, written straight to the file descriptor: the handler may have stopped the
    main thread in the middle of a write to ``sys.stderr``, whose buffer must not be re-entered."""
    try:
        os.write(2, INTERRUPTED_LINE)
    except OSError:  # stderr closed or full: the exit code still says it
        pass


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
    exit_with(status)
