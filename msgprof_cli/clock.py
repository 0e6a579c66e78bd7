"""Time, injected: wall clock, monotonic clock and sleep in one object.

Back-off, rate-limit waits and a create's patient look-ups take a ``Clock``, so tests can pass a
``FakeClock`` whose ``sleep`` only moves time forward instead of waiting.  The command layer takes
the clock of the current run from ``current()``; a test drives a whole command on a fake clock
with ``using(FakeClock())``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float: ...  # seconds since the epoch (to read server dates and reset times)

    def monotonic(self) -> float: ...  # for elapsed times and deadlines

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock for tests: ``sleep`` advances both clocks at once and records the wait."""

    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0
        self._start = time.time() if start is None else start
        self._mono = time.monotonic()
        self.slept: list[float] = []

    def time(self) -> float:
        return self._start + (time.monotonic() - self._mono) + self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self._offset += max(0.0, seconds)


SYSTEM = SystemClock()


_current: ContextVar[Clock] = ContextVar("msgprof_clock", default=SYSTEM)


def current() -> Clock:
    return _current.get()


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)
