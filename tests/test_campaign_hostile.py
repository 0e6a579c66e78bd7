"""10DLC assignments against a server less forgiving than the sandbox (tests/campaign_api.py).

Invariants, for apply and for ``numbers campaign`` alike:
- never twice: an assignment's POST is sent once, whenever a late commit lands and behind a
  gateway's 504 (the create protocol: a found assignment is ours, none found is "unknown", exit 6);
- never more than planned: a number whose assignment changed after the plan is left alone;
- a server that keeps duplicate assignments makes the plan fail for that number (exit 5), nothing sent;
- an account that may not use the 10DLC paths (403): plan says so (exit 4), export writes no campaign;
- a preview is the request: ``--dry-run -o json`` prints the very request the run sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from campaign_api import CampaignApi
from conftest import TEST_KEY, Sandbox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

N = ["+13125550100", "+13125550101", "+13125550102"]
FAST = ("--timeout", "0.2", "--max-retries", "2")


def use(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", api.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)


def account(api: CampaignApi) -> str:
    pid = api.profile("Sales", whitelisted_destinations=["US"])
    for n in N:
        api.number(n, owner=pid)
    return pid


def document(tmp_path: Path, campaign: str = "c-1") -> str:
    doc = tmp_path / "sales.yaml"
    doc.write_text(
        "name: Sales\nwhitelisted_destinations: [US]\n"
        f"phone_numbers:\n  - {{number: '{N[0]}', campaign_id: {campaign}}}\n  - '{N[1]}'\n  - '{N[2]}'\n"
    )
    return str(doc)


def settle(api: CampaignApi, after: int) -> None:
    """Let a held commit land (it waits for requests, not time), then stop holding any."""
    api.late = api.gateway = 0
    for _ in range(after + 1):
        requests.get(api.url + "/messaging_profiles", timeout=5)


@given(run=st.sampled_from(["apply", "command"]), after=st.integers(1, 12))
@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_an_assignment_whose_post_commits_late_is_posted_once(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, tmp_path: Path, run: str, after: int
) -> None:
    """A POST that commits late (no answer) is never sent again: found, it is reported assigned
    (exit 0); not found, unknown (exit 6)."""
    posted_once(cli, monkeypatch, tmp_path, "late", run, after)


@given(run=st.sampled_from(["apply", "command"]), after=st.integers(1, 12))
@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_an_assignment_behind_a_gateway_504_is_posted_once(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, tmp_path: Path, run: str, after: int
) -> None:
    """A 504 (a gateway gave up; the API behind it commits later) is a lost answer, not the API's
    own error: never sent again.  The campaign resource gets this from the one create protocol
    (issue 28 finding 1, create_once.GATEWAY_STATUSES); it does nothing of its own for it."""
    posted_once(cli, monkeypatch, tmp_path, "gateway", run, after)


def posted_once(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str, run: str, after: int) -> None:
    with CampaignApi(commit_after=after, late=int(how == "late"), gateway=int(how == "gateway")) as api:
        account(api)
        use(api, monkeypatch)
        if run == "apply":
            res = cli("apply", "-f", document(tmp_path), *FAST)
        else:
            res = cli("numbers", "campaign", N[0], "c-1", *FAST)
        settle(api, after)
        assert api.count("POST") == 1, api.paths
        assert [a["phoneNumber"] for a in api.assignments] == [N[0]]
        assert api.count("PUT") == api.count("DELETE") == 0
    assert res.exit_code in (0, 6), res.output
    if res.exit_code == 6:
        assert "did not send it again" in res.output


def test_a_second_apply_after_a_late_commit_sends_nothing(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, tmp_path: Path
) -> None:
    with CampaignApi(late=1, commit_after=30) as api:
        account(api)
        use(api, monkeypatch)
        first = cli("apply", "-f", document(tmp_path), *FAST)
        settle(api, 30)
        writes = len(api.writes())
        again = cli("apply", "-f", document(tmp_path), *FAST)
        assert again.exit_code == 0, again.output
        assert len(api.writes()) == writes and api.count("POST") == 1
    assert first.exit_code in (0, 6), first.output


def test_duplicate_assignments_fail_the_plan_and_nothing_is_sent(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with CampaignApi() as api:
        account(api)
        api.assigned(N[0], "c-1")
        api.assigned(N[0], "c-2")
        use(api, monkeypatch)
        res = cli("apply", "-f", document(tmp_path, "c-2"), *FAST)
        assert res.exit_code == 5, res.output
        assert "2 live 10DLC assignments" in res.output
        assert api.writes() == []


def test_an_assignment_changed_after_the_plan_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never more than planned: the plan saw no campaign; meanwhile another run put the number on
    c-2.  Apply neither POSTs nor moves it, and says why."""
    from msgprof_cli.api import campaigns
    from msgprof_cli.api.client import TelnyxClient

    with CampaignApi() as api:
        account(api)
        api.assigned(N[0], "c-2")
        client = TelnyxClient(api.url, TEST_KEY)
        res = campaigns.assign(client, N[0], "c-1", planned=None)
        assert res.result == "failed" and "not on no campaign as the plan saw it" in res.detail
        gone = campaigns.remove(client, N[0], planned={"phoneNumber": N[0], "campaignId": "c-1"})
        assert gone.result == "failed"
        assert api.writes() == []
        assert api.assignments[0]["campaignId"] == "c-2"


def test_an_account_without_10dlc_plan_says_so_and_export_writes_plain_numbers(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with CampaignApi(forbid=True) as api:
        account(api)
        use(api, monkeypatch)
        plan = cli("plan", "-f", document(tmp_path), *FAST)
        assert plan.exit_code == 4, plan.output
        assert "403" in plan.output
        out = tmp_path / "out"
        exported = cli("export", "--all", "--with-setup", "--to", str(out), *FAST)
        assert exported.exit_code == 0, exported.output
        assert "campaign_id" not in (out / "sales.yaml").read_text()
        assert api.writes() == []


@pytest.mark.parametrize("remove", [False, True])
def test_a_preview_is_the_request_the_run_sends(cli: Any, sandbox: Sandbox, remove: bool) -> None:
    seed = {"phone_numbers": N, "brands": [{"brandId": "b-1"}], "campaigns": [{"campaignId": "c-1", "brandId": "b-1"}]}
    if remove:
        seed["phone_number_campaigns"] = [{"phoneNumber": N[0], "campaignId": "c-1"}]
    base = sandbox.url.removesuffix("/v2")
    assert requests.post(
        f"{base}/_sandbox/reset", json=seed, headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=10
    ).ok
    args = ("numbers", "campaign", N[0], *(["--remove"] if remove else ["c-1"]))
    dry = cli(*args, "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry.output
    [shown] = json.loads(dry.stdout)
    res = cli(*args, "--wait", "5")
    assert res.exit_code == 0, res.output
    [sent] = sandbox.writes()
    assert (shown["method"], shown["url"], shown["body"]) == (
        sent.method,
        sandbox.url.removesuffix("/v2") + sent.path,
        sent.body,
    )
