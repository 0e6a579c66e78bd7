"""Work on items, ``parallel`` at a time, that a Ctrl-C stops cleanly at any instant.

``list(ThreadPoolExecutor.map(...))`` inside ``with pool:`` does not: ``map`` submits every item
from the main thread before it returns the iterator whose clean-up cancels what has not started,
and each ``submit`` may start a worker thread.  A Ctrl-C that lands during those submissions
(likely on a loaded machine) cancels nothing, so the items queued still start after it; one that
lands inside a worker thread's start leaves that thread out of the pool's list, so leaving the
pool does not wait for it, and the item it runs is still in flight when the caller reports.  Seen
as: one Ctrl-C during ``apply``, and a profile reported "in flight" (only a second Ctrl-C may
leave one so, docs/plan-apply-ci.md).

``run_all`` keeps its own account instead: an item starts only while no Ctrl-C has come (checked
under a lock), and after a Ctrl-C the main thread waits until every item that started has ended,
then re-raises ``KeyboardInterrupt``.  A second Ctrl-C during that wait cuts it short: the items
still running may or may not finish (the caller says so).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_all(work: Callable[[T], R], items: Sequence[T], *, parallel: int, name: str = "msgprof") -> list[R]:
    """``work`` on every item, at most ``parallel`` at a time; the results in the items' order.

    Raises ``KeyboardInterrupt`` after a Ctrl-C, once no item can start any more and every item
    that started has ended (unless a second Ctrl-C cut that wait short).  An exception raised by
    ``work`` stops the items not started and is raised once the others have ended."""
    gate = threading.Condition()
    stopping = False
    running = 0

    def one(item: T) -> R | None:
        nonlocal running
        with gate:
            if stopping:  # a Ctrl-C came before this item started: it never will
                return None
            running += 1
        try:
            return work(item)
        finally:
            with gate:
                running -= 1
                gate.notify_all()

    def stop() -> None:
        nonlocal stopping
        with gate:
            stopping = True
        pool.shutdown(wait=False, cancel_futures=True)

    pool = ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix=name)
    try:
        futures = [pool.submit(one, item) for item in items]
        results = [future.result() for future in futures]
    except KeyboardInterrupt:
        try:
            stop()
            with gate:  # the items in flight finish: each will say how it ended
                gate.wait_for(lambda: running == 0)
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
            stop()
        raise
    except BaseException:
        stop()
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=True)
    return results  # type: ignore[return-value]  # no item was skipped: no Ctrl-C came
