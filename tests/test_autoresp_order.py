"""The order of one profile's auto-response steps (setup_plan._autoresp_steps): any reshuffle of
keywords between configs ends, never has two configs holding a keyword at once (the API refuses
that), and ends with every config as wanted.  In-process: the steps are computed, then played on
a model of the account.  A config that keeps every keyword it holds while another config of the
cycle takes from a third once made the ordering loop for ever (found by test_scale's property)."""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from msgprof_cli.declarative.setup_plan import SetupChange, _autoresp_steps
from msgprof_cli.document.setup_rules import Autoresp

OPS = ("start", "stop", "info")
WORDS = [f"K{i}" for i in range(6)]


def _change(op: str, old: list[str], new: list[str]) -> SetupChange:
    return SetupChange("autoresp", "change", f"US/{op}", "", {"keywords": old, "resp_text": "t"}, Autoresp(op, new, "US", "t"))


def _steps_within(changes: list[SetupChange], seconds: float = 5.0) -> list[Any]:
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(_autoresp_steps(changes)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert out, "the ordering did not end"
    return list(out[0])


def _play(changes: list[SetupChange], steps: list[Any]) -> dict[str, set[str]]:
    held = {c.new.op: set((c.old or {}).get("keywords") or []) for c in changes}
    for change, step, body in steps:
        held[change.new.op] = set() if step == "delete" else set(body.keywords)
        everyone = [w for words in held.values() for w in words]
        assert len(everyone) == len(set(everyone)), f"a keyword held twice after {step} {change.new.op}: {held}"
    return held


def test_a_config_that_keeps_all_it_holds_does_not_stall_the_cycle() -> None:
    changes = [_change("start", ["K1"], ["K1", "K5"]), _change("stop", ["K2", "K5"], ["K3"]), _change("info", ["K3"], ["K2"])]
    held = _play(changes, _steps_within(changes))
    assert held == {"start": {"K1", "K5"}, "stop": {"K3"}, "info": {"K2"}}


partition = st.lists(st.integers(0, 2), min_size=6, max_size=6).filter(lambda owners: set(owners) == {0, 1, 2})


@settings(max_examples=300)
@given(before=partition, after=partition)
def test_any_reshuffle_ends_and_never_holds_a_keyword_twice(before: list[int], after: list[int]) -> None:
    changes = [
        _change(op, [w for w, o in zip(WORDS, before, strict=True) if o == i], [w for w, o in zip(WORDS, after, strict=True) if o == i])
        for i, op in enumerate(OPS)
    ]
    changes = [c for c in changes if set((c.old or {})["keywords"]) != set(c.new.keywords)]
    held = _play(changes, _steps_within(changes))
    assert held == {c.new.op: set(c.new.keywords) for c in changes}
