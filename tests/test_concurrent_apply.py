"""Two apply runs at once converge: one profile per name, exit 0, no manual deletion.

The race is made certain, not hoped for: the sandbox holds the first list request of each run
until both runs have listed, so both plan all 50 creates and both send them.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from conftest import TEST_KEY, run_msgprof

from msgprof_cli.sandbox.server import Received, Sandbox


class RacingSandbox(Sandbox):
    """Makes `runs` applies race for certain: no create of any run (told apart by its key, see
    RUN_KEYS) is processed before every run has sent a create, that is, before every run has
    planned against the same empty account.  Nothing waits on a list, so a short --timeout only
    ever cuts a create (as the tests intend), and a slow start under load changes nothing."""

    def __init__(self, runs: int, commit_delay: float = 0.0) -> None:
        super().__init__("127.0.0.1", 0, commit_delay=commit_delay)
        self.runs = runs
        self.posted: set[str] = set()
        self.all_posted = threading.Event()
        self.race_lock = threading.Lock()

    def record(self, item: Received) -> None:
        super().record(item)
        run = item.headers.get("Authorization", "").removeprefix("Bearer ")
        if item.method == "POST" and item.path == "/v2/messaging_profiles" and run in RUN_KEYS:
            with self.race_lock:
                self.posted.add(run)
                if len(self.posted) >= self.runs:
                    self.all_posted.set()
            assert self.all_posted.wait(60), "the other run never sent a create"


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
    with RacingSandbox(runs=2, commit_delay=0.8) as sb:
        env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        results: list = [None, None]

        def go(k: int) -> None:
            run_env = {**env, "TELNYX_API_KEY": RUN_KEYS[k]}
            results[k] = run_msgprof("apply", "-f", str(d), "--timeout", "0.3", "--json", env=run_env)

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
