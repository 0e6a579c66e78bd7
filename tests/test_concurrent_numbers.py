"""Two applies assign the same number at once (issue 28 round 5): no "done" that is false.

The race is made certain, as in tests/test_concurrent_apply.py: run 0's PATCH of the number is
processed first, then run 1's (the later writer wins, as the API does), and only then does either
run send another request.  So both runs' owner re-reads (before the writes) saw the number free,
and both PATCHed it.  Invariants:
- the run whose PATCH lost reports that number failed, "taken by another run meanwhile: now on
  profile P" (exit 5), never "done"; the winner reports it done;
- with campaigns, the loser sends no campaign write for a number that is not on its profile; the
  number carries the winner's campaign, or none: never the loser's;
- the end state is what each run reports.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TEST_KEY, run_msgprof

from msgprof_cli.sandbox.server import Received, Sandbox

N = "+13125550100"
RUN_KEYS = ["KEY-num0-SECRET-aaa0", "KEY-num1-SECRET-bbb1"]  # one key per run: the sandbox takes any
SEED: dict[str, Any] = {
    "phone_numbers": [N, "+13125550101"],
    "brands": [{"brandId": "b-1", "displayName": "Acme"}],
    "campaigns": [{"campaignId": "c-x", "brandId": "b-1"}, {"campaignId": "c-y", "brandId": "b-1"}],
}


class PatchRace(Sandbox):
    """Both runs send their number PATCH (both planned it free); run 0's is processed first, then
    run 1's; run 0 sends nothing more until run 1's PATCH is processed (each seen in the sandbox's
    state, not guessed from timing)."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 0, order_polls=0)
        self.ids: dict[str, str] = {}
        self.patched = threading.Event()
        self.both = threading.Event()  # run 1 has sent its PATCH: both runs planned the number free

    def _owner_becomes(self, name: str) -> None:
        for _ in range(6000):
            if {n["phone_number"]: n.get("messaging_profile_id") for n in self.numbers()}.get(N) == self.ids[name]:
                return
            time.sleep(0.01)
        raise AssertionError(f"{N} never went to {name}")

    def record(self, item: Received) -> None:
        super().record(item)
        key = item.headers.get("Authorization", "").removeprefix("Bearer ")
        if key not in RUN_KEYS:
            return
        if item.method == "PATCH" and "/phone_numbers/" in item.path:
            if key == RUN_KEYS[1]:
                self.both.set()
                self._owner_becomes("Alpha")  # run 0's PATCH was processed
            else:
                assert self.both.wait(60), "run 1 never sent its PATCH"
                self.patched.set()
        elif key == RUN_KEYS[0] and self.patched.is_set():
            self._owner_becomes("Beta")  # run 0 goes on once run 1's PATCH was processed


def _document(d: Path, name: str, campaign: str | None) -> str:
    entry = f"{{number: '{N}', campaign_id: {campaign}}}" if campaign else f"'{N}'"
    path = d / f"{name}.yaml"
    path.write_text(f"name: {name}\nwhitelisted_destinations: [US]\nphone_numbers:\n  - {entry}\n")
    return str(path)


@pytest.mark.parametrize("campaigns", [False, True])
def test_two_applies_assigning_one_number_report_what_happened(tmp_path: Path, campaigns: bool) -> None:
    race = PatchRace()
    with race as sb:
        auth = {"Authorization": f"Bearer {TEST_KEY}"}
        assert requests.post(sb.url.removesuffix("/v2") + "/_sandbox/reset", json=SEED, headers=auth, timeout=10).ok
        ids = {n: sb.create({"name": n, "whitelisted_destinations": ["US"]})["id"] for n in ("Alpha", "Beta")}
        race.ids = ids
        docs = [_document(tmp_path, "Alpha", "c-x" if campaigns else None),
                _document(tmp_path, "Beta", "c-y" if campaigns else None)]  # fmt: skip
        env = {"TELNYX_BASE_URL": sb.url}
        results: list[Any] = [None, None]

        def go(k: int) -> None:
            results[k] = run_msgprof("apply", "-f", docs[k], "--json", env={**env, "TELNYX_API_KEY": RUN_KEYS[k]})

        threads = [threading.Thread(target=go, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        owner = {n["phone_number"]: n.get("messaging_profile_id") for n in sb.numbers()}[N]
        got = requests.get(sb.url + "/10dlc/phone_number_campaigns?recordsPerPage=100", headers=auth, timeout=10)
        campaign = {r["phoneNumber"]: r["campaignId"] for r in got.json()["records"]}.get(N)
        writes = [(r.headers.get("Authorization", "")[-4:], r.method, r.path) for r in sb.received if r.method != "GET"]
    assert owner == ids["Beta"], (ids, writes, results[0].stderr, results[1].stderr)  # the later PATCH won
    alpha, beta = (json.loads(r.stdout) for r in results)
    number = [{c["kind"]: c for c in rep["items"][0]["setup"]} for rep in (alpha, beta)]
    assert number[1]["phone_number"]["result"] == "done"
    assert results[1].returncode == 0, results[1].stderr
    assert number[0]["phone_number"]["result"] == "failed"  # never a false "done"
    assert f"taken by another run meanwhile: now on profile {ids['Beta']}" in results[0].stdout
    assert results[0].returncode == 5, results[0].stderr
    if campaigns:
        assert number[0]["campaign"]["result"] == "failed"
        assert "its campaign was not changed" in results[0].stdout
        assert not [w for w in writes if w[0] == "aaa0" and "10dlc" in w[2]]  # run 0 sent no campaign write
        assert campaign == "c-y" and number[1]["campaign"]["result"] == "done"
    else:
        assert campaign is None
