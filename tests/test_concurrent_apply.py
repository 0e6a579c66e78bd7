"""Two apply runs at once converge: one profile per name, exit 0, no manual deletion.

The race is made certain, not hoped for: the sandbox holds the first list request of each run
until both runs have listed, so both plan all 50 creates and both send them.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import TEST_KEY, run_msgprof

from msgprof_cli.sandbox.server import Received, Sandbox


class RacingSandbox(Sandbox):
    """Makes `runs` applies race for certain: no create of a name by any run (told apart by its
    key, see RUN_KEYS) is processed before every run has sent its create of that name, that is,
    before every run has planned against the same empty account.  Nothing waits on a list, so a
    short --timeout only ever cuts a create (as the tests intend), and a slow start under load
    changes nothing.

    ``commit_delay``: the creates of a name then commit together, that long after the last of
    them came (so each one's answer comes after the client's --timeout, and none is answered).
    From ``GATE`` before that commit until every run's profile of that name is in, a look-up of
    that name waits: a run looks and finds all of them or none, never one of several (which it
    would rightly take for its own)."""

    GATE = 0.5  # well within the look-ups' --timeout

    def __init__(self, runs: int, commit_delay: float = 0.0) -> None:
        super().__init__("127.0.0.1", 0)
        self.runs, self.delay = runs, commit_delay
        self.race_lock = threading.Lock()
        self.posted: dict[str, set[str]] = {}  # name -> the runs whose create of it came
        self.all_posted: dict[str, threading.Event] = {}
        self.committing: set[str] = set()

    def _name_event(self, name: str) -> threading.Event:
        with self.race_lock:
            return self.all_posted.setdefault(name, threading.Event())

    def _in(self, name: str) -> int:
        return sum(1 for p in self.profiles() if p["name"] == name)

    def record(self, item: Received) -> None:
        super().record(item)
        run = item.headers.get("Authorization", "").removeprefix("Bearer ")
        if item.method == "POST" and item.path == "/v2/messaging_profiles" and run in RUN_KEYS:
            name = str(item.body["name"])  # type: ignore[index]
            came = self._name_event(name)
            with self.race_lock:
                self.posted.setdefault(name, set()).add(run)
                if len(self.posted[name]) >= self.runs:
                    came.set()
            assert came.wait(60), f"the other run never sent its create of {name!r}"
            if self.delay:
                time.sleep(max(0.0, self.delay - self.GATE))
                with self.race_lock:
                    self.committing.add(name)
                time.sleep(min(self.delay, self.GATE))
        elif item.method == "GET" and item.path == "/v2/messaging_profiles" and "filter[name][eq]" in item.query:
            name = item.query["filter[name][eq]"]
            with self.race_lock:
                gated = name in self.committing
            deadline = time.monotonic() + 30  # a safety stop, not a timing
            while gated and self._in(name) < self.runs and time.monotonic() < deadline:
                time.sleep(0.005)


RUN_KEYS = ["KEY-run0-SECRET-aaa0", "KEY-run1-SECRET-bbb1"]  # one key per run: the sandbox takes any


def write_profiles(d: Path, n: int) -> None:
    d.mkdir()
    for k in range(n):
        (d / f"p{k:02}.yaml").write_text(f"name: Team {k:02}\nwhitelisted_destinations: [US, CA]\n")


@pytest.mark.slow
def test_two_concurrent_applies_then_one_more_end_with_one_profile_per_name(tmp_path: Path) -> None:
    d = tmp_path / "profiles"
    write_profiles(d, 50)
    with RacingSandbox(runs=2) as sb:
        env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        results: list = [None, None]

        def go(k: int) -> None:
            results[k] = run_msgprof("apply", "-f", str(d), "--json", env={**env, "TELNYX_API_KEY": RUN_KEYS[k]})

        threads = [threading.Thread(target=go, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        posts = [r for r in sb.received if r.method == "POST"]
        assert len(posts) == 100  # the race happened: both runs created all 50
        for res in results:
            assert res.returncode == 0, res.stderr
            assert not any(key in res.stdout + res.stderr for key in [TEST_KEY, *RUN_KEYS])
        names = Counter(p["name"] for p in sb.profiles())
        assert sorted(names) == [f"Team {k:02}" for k in range(50)]
        assert set(names.values()) == {1}
        # each name's surviving profile is the one both runs report
        reports = [{i["name"]: i for i in json.loads(res.stdout)["items"]} for res in results]
        live_ids = {p["name"]: p["id"] for p in sb.profiles()}
        for report in reports:
            assert {n: i["id"] for n, i in report.items()} == live_ids
        deleted = sum(1 for r in sb.received if r.method == "DELETE")
        assert deleted == 50
        third = run_msgprof("apply", "-f", str(d), "--json", env=env)
        assert third.returncode == 0, third.stderr
        assert json.loads(third.stdout)["summary"]["unchanged"] == 50
        assert len(sb.profiles()) == 50


@pytest.mark.slow
def test_two_applies_whose_creates_commit_late_never_resend_nor_guess(tmp_path: Path) -> None:
    """Both runs time out on their creates; when they look, each finds two identical profiles
    made after its send and cannot tell which (if either) is its own: a concurrent run's or a
    person's.  Neither sends again and neither deletes: each item fails (exit 6) naming both ids
    and the way out, and `apply --resolve-twins` then converges to one profile per name."""
    d = tmp_path / "profiles"
    write_profiles(d, 3)
    # --timeout 2: a create unanswered for 2 s fails, and its look-ups go on for 4 x 2 s; each create
    # commits 2.5 s after the other run's create of that name came, so a run may start up to
    # about 7 s after the other (a loaded machine) and still find both.
    with RacingSandbox(runs=2, commit_delay=2.5) as sb:
        env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        results: list = [None, None]

        def go(k: int) -> None:
            run_env = {**env, "TELNYX_API_KEY": RUN_KEYS[k]}
            results[k] = run_msgprof("apply", "-f", str(d), "--timeout", "2", "--json", env=run_env)

        threads = [threading.Thread(target=go, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sum(1 for r in sb.received if r.method == "POST") == 6  # one per name per run, no re-send
        assert not any(r.method == "DELETE" for r in sb.received)  # nothing guessed
        for res in results:
            assert res.returncode == 6, res.stderr
            items = json.loads(res.stdout)["items"]
            assert {i["error"]["error"] for i in items} == {"create_unknown"}
            assert all("--resolve-twins" in i["error"]["hint"] for i in items)
        assert Counter(p["name"] for p in sb.profiles()) == Counter({f"Team {k:02}": 2 for k in range(3)})
        plain = run_msgprof("apply", "-f", str(d), env=env)
        assert plain.returncode == 5 and "--resolve-twins" in plain.stdout  # twins are named, not guessed
        settled = run_msgprof("apply", "-f", str(d), "--resolve-twins", "--json", env=env)
        assert settled.returncode == 0, settled.stderr
        assert Counter(p["name"] for p in sb.profiles()) == Counter({f"Team {k:02}": 1 for k in range(3)})
