"""Deterministic fault injection: latency, rate limits (429), 5xx answers, dropped connections."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Faults:
    latency_ms: float = 0.0
    rate_limit: int = 0  # requests per second; 0 = none
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int | None = None
    clock: Callable[[], float] = time.time  # wall-clock seconds: the rate window; injectable for tests
    # a failed request is answered one of these, and not done; 502/503/504 are a gateway's (a
    # client cannot tell it from one whose request the API still commits: it never re-sends a create)
    fail_statuses: tuple[int, ...] = (500, 502, 503, 504)
    rng: random.Random = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _window: int = field(default=0, init=False)
    _count: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def rate_check(self) -> dict[str, str] | None:
        """None if allowed; else the 429 headers."""
        if not self.rate_limit:
            return None
        with self.lock:
            now = self.clock()
            window = int(now)
            if window != self._window:
                self._window, self._count = window, 0
            self._count += 1
            remaining = self.rate_limit - self._count
            if remaining >= 0:
                return None
            reset = max(1, math.ceil(window + 1 - now))
            return {
                "x-ratelimit-limit": str(self.rate_limit),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(reset),
            }

    def draw(self) -> tuple[bool, int, bool, bool]:
        """(fail?, fail status, fail with HTML?, drop?) drawn in one go so runs are reproducible."""
        with self.lock:
            fail = self.rng.random() < self.fail_rate
            status = self.rng.choice(self.fail_statuses)
            html = self.rng.random() < 0.5
            drop = self.rng.random() < self.drop_rate
        return fail, status, html, drop
