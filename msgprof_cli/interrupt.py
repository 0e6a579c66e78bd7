"""Ctrl-C inside a command's body: the first one stops everything, the second one ends the process.

The promise (docs/reliability-security.md): after the first Ctrl-C no thread starts anything new
(a listing's next page, a look-up, a create, a retry, a back-off wait), requests in flight are cut,
and the command says what it did (apply's report) and exits 130; a second Ctrl-C exits at once
(130), report or not.

Signals reach only the main thread; worker threads (the pager's pages, the account read side by
side, ``apply --parallel``) learn of the Ctrl-C here:

- ``handler`` is the SIGINT handler of a command's body (``cli/common.py::_interruptible``): the
  first call sets the stop flag, runs the ``on_stop`` callbacks (the client cuts the connections
  of every request in flight, so a blocked read returns at once), and raises
  ``KeyboardInterrupt`` in the main thread; the second writes one line and ends the process.
- ``requested`` is what every thread asks before it starts a request or an attempt
  (``api/client.py``), and ``wait`` is the back-off sleep that a Ctrl-C ends early.

This module imports only ``errors`` (the launcher loads it before anything heavy).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from msgprof_cli.errors import ExitStatus, exit_with

_STOP = threading.Event()
_ON_STOP: dict[str, Callable[[], None]] = {}
_LOCK = threading.Lock()
INTERRUPTED_LINE = b"msgprof: interrupted\n"


def reset() -> None:
    """A new run starts with no Ctrl-C seen (tests run many commands in one process)."""
    _STOP.clear()


def requested() -> bool:
    """Whether a Ctrl-C asked this run to stop: nothing new may start."""
    return _STOP.is_set()


def wait(seconds: float) -> bool:
    """Sleep up to ``seconds``; True when a Ctrl-C ended the wait early (or came before it)."""
    return _STOP.wait(max(0.0, seconds))


def on_stop(name: str, callback: Callable[[], None]) -> None:
    """Run ``callback`` at the first Ctrl-C (in the signal handler: it must be quick and never
    raise).  One callback per ``name``: registering again replaces it."""
    with _LOCK:
        _ON_STOP[name] = callback


def stop() -> None:
    """What the first Ctrl-C does, besides raising in the main thread: every thread is told to stop,
    and what is in flight is cut."""
    _STOP.set()
    for callback in list(_ON_STOP.values()):
        try:
            callback()
        except Exception:  # noqa: BLE001, S110 - a cleanup that fails must not hide the Ctrl-C
            pass


def say_interrupted() -> None:
    """The one line, written straight to the file descriptor: the signal may have stopped the main
    thread in the middle of a write to ``sys.stderr``, whose buffer must not be re-entered."""
    try:
        os.write(2, INTERRUPTED_LINE)
    except OSError:  # stderr closed or full: the exit code still says it
        pass


def handler(signum: int, frame: object) -> None:
    """SIGINT inside a command's body: the first stops everything and raises KeyboardInterrupt (the
    command reports); the second ends the process at once with 130."""
    if _STOP.is_set():
        say_interrupted()
        exit_with(ExitStatus.INTERRUPTED, at_once=True)
    stop()
    raise KeyboardInterrupt
