"""declarative/workers.py: a Ctrl-C at any instant of ``run_all`` starts nothing more, and when
``run_all`` re-raises it, every item that started has ended (so that apply's report can say how
each one ended; only a second Ctrl-C may leave one in flight).

The Ctrl-C is raised where it hurt under load: while the pool is being filled (``items`` is
iterated in the main thread, as Executor.map's submissions were)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from msgprof_cli.declarative.workers import run_all


class CtrlCAt(list[int]):
    """Items whose iteration (in the main thread, during the submissions) raises
    KeyboardInterrupt before item ``at``, as a Ctrl-C landing there would."""

    def __init__(self, n: int, at: int, interrupted: threading.Event) -> None:
        super().__init__(range(n))
        self.at, self.interrupted = at, interrupted

    def __iter__(self) -> Iterator[int]:
        for k in range(len(self)):
            if k == self.at:
                self.interrupted.set()
                raise KeyboardInterrupt
            yield k


@pytest.mark.parametrize("parallel", [1, 2])
def test_a_ctrl_c_while_the_pool_fills_starts_nothing_more_and_waits_for_what_started(parallel: int) -> None:
    interrupted = threading.Event()
    lock = threading.Lock()
    started: list[int] = []
    ended: list[int] = []

    def work(k: int) -> int:
        with lock:
            started.append(k)
        if k < parallel:  # busy until the Ctrl-C: the items queued behind them have not started
            assert interrupted.wait(30)
        with lock:
            ended.append(k)
        return k

    items = CtrlCAt(12, at=parallel + 4, interrupted=interrupted)  # 4 queued when the Ctrl-C comes
    with pytest.raises(KeyboardInterrupt):
        run_all(work, items, parallel=parallel)
    with lock:  # at the re-raise: whatever started has ended
        assert sorted(started) == sorted(ended)
        assert set(range(parallel)) <= set(started)
        # the 4 queued: a worker freed by the Ctrl-C may slip one in before the stop takes hold,
        # never all of them (Executor.map inside `with pool:` ran them all)
        assert len(started) < items.at, started
    for t in threading.enumerate():  # and nothing starts afterwards
        if t.name.startswith("msgprof"):
            t.join(30)
    assert sorted(started) == sorted(ended) and len(started) < items.at


def test_without_ctrl_c_every_item_runs_and_the_results_keep_their_order() -> None:
    assert run_all(lambda k: k * k, list(range(20)), parallel=3) == [k * k for k in range(20)]


def test_an_error_in_one_item_is_raised_as_executor_map_raised_it() -> None:
    def work(k: int) -> int:
        if k == 0:
            raise ValueError("planted")
        return k

    with pytest.raises(ValueError, match="planted"):
        run_all(work, [0, 1, 2], parallel=1)
