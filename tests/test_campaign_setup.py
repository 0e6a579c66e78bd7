"""10DLC assignment as code (issue 29, deliverable 4): a number entry names its campaign.

Invariants pinned here, against the sandbox and against a server less forgiving than it
(tests/campaign_api.py: keeps duplicate assignments, commits a POST late, answers a gateway 504
before committing):
- validate checks ``campaign_id`` offline (letters, digits, hyphens; 1 to 64), every problem at once;
- plan shows ``+ campaign`` (none), ``~ campaign`` (another), ``- campaign`` only with
  --prune-setup, in text, Markdown and --json, and every summary counts them;
- apply makes exactly what plan showed, an assignment's POST is sent once whatever happens to
  its answer, and a second apply sends no write;
- a pending assignment is waited for (bounded); still pending is exit 6, a failed one names its
  failureReasons (exit 5);
- export --with-setup writes the campaign of each number, and plans clean;
- ``numbers campaign`` (and --dry-run) sends the same Request values as apply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from conftest import TEST_KEY, Sandbox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
N = ["+13125550100", "+13125550101", "+13125550102"]
CAMP, CAMP2 = "4b300178-131c-d902-d54e-72d90ba1620j", "c-2"
SEED: dict[str, Any] = {
    "phone_numbers": N,
    "brands": [{"brandId": "b-1", "displayName": "Acme"}],
    "campaigns": [{"campaignId": CAMP, "brandId": "b-1"}, {"campaignId": CAMP2, "brandId": "b-1"}],
}


def control(sb: Sandbox, name: str, **kw: Any) -> requests.Response:
    return requests.post(f"{sb.url.removesuffix('/v2')}/_sandbox/{name}", headers=AUTH, timeout=10, **kw)


def writes(sb: Sandbox, start: int = 0) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sb.received[start:] if r.method != "GET"]


@pytest.fixture
def seeded(sandbox: Sandbox) -> Sandbox:
    assert control(sandbox, "reset", json=SEED).status_code == 200
    return sandbox


def doc(tmp_path: Path, entries: str, name: str = "Sales") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nwhitelisted_destinations: [US]\nphone_numbers:\n{entries}")
    return str(path)


def assignments(sb: Sandbox) -> dict[str, str]:
    got = requests.get(sb.url + "/10dlc/phone_number_campaigns?recordsPerPage=100", headers=AUTH, timeout=10)
    return {r["phoneNumber"]: r["campaignId"] for r in got.json()["records"]}


def test_plan_apply_converge_and_a_second_apply_sends_nothing(cli: Any, seeded: Sandbox, tmp_path: Path) -> None:
    f = doc(tmp_path, f"  - {{number: '{N[0]}', campaign_id: {CAMP}}}\n  - '{N[1]}'\n")
    plan = cli("plan", "-f", f)
    assert plan.exit_code == 0, plan.output
    assert f"+ assign campaign {N[0]} (campaign {CAMP})" in plan.stdout
    assert "1 campaign to assign" in plan.stdout
    res = cli("apply", "-f", f)
    assert res.exit_code == 0, res.output
    assert "1 campaign assigned" in res.stdout
    assert assignments(seeded) == {N[0]: CAMP}
    start = len(seeded.received)
    again = cli("apply", "-f", f)
    assert again.exit_code == 0, again.output
    assert writes(seeded, start) == []
    clean = cli("plan", "-f", f)
    assert clean.exit_code == 0 and "setup:" not in clean.stdout, clean.output


def test_change_and_removal_only_with_prune(cli: Any, seeded: Sandbox, tmp_path: Path) -> None:
    first = doc(
        tmp_path, f"  - {{number: '{N[0]}', campaign_id: {CAMP}}}\n  - {{number: '{N[1]}', campaign_id: {CAMP}}}\n"
    )
    assert cli("apply", "-f", first).exit_code == 0
    second = doc(tmp_path, f"  - {{number: '{N[0]}', campaign_id: {CAMP2}}}\n  - '{N[1]}'\n")
    plan = cli("plan", "-f", second, "--json")
    report = json.loads(plan.stdout)
    setup = report["items"][0]["setup"]
    assert [(c["kind"], c["action"], c["key"]) for c in setup] == [("campaign", "change", N[0])]
    assert report["summary"]["setup"] == {"campaign": {"change": 1}}
    pruned = cli("plan", "-f", second, "--prune-setup")
    assert f"- remove campaign {N[1]}" in pruned.stdout and f"~ change campaign {N[0]}" in pruned.stdout
    assert "1 campaign to remove" in pruned.stdout
    md = cli("plan", "-f", second, "--prune-setup", "-o", "markdown")
    assert md.exit_code == 0, md.output
    headline = next(line for line in md.stdout.splitlines() if "setup:" in line)
    assert "1 campaign to remove, 1 campaign to change" in headline, md.stdout
    assert f"remove campaign | <code>{N[1]}</code>" in md.stdout
    applied = cli("apply", "-f", second, "--prune-setup", "--json")
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["summary"]["setup"] == {"campaign": {"remove": 1, "change": 1}}
    assert assignments(seeded) == {N[0]: CAMP2}
    start = len(seeded.received)
    assert cli("apply", "-f", second, "--prune-setup").exit_code == 0
    assert writes(seeded, start) == []


def test_a_document_naming_no_campaign_leaves_every_campaign_alone(cli: Any, seeded: Sandbox, tmp_path: Path) -> None:
    assert cli("apply", "-f", doc(tmp_path, f"  - {{number: '{N[0]}', campaign_id: {CAMP}}}\n")).exit_code == 0
    plain = doc(tmp_path, f"  - '{N[0]}'\n")
    start = len(seeded.received)
    res = cli("apply", "-f", plain, "--prune-setup")
    assert res.exit_code == 0, res.output
    assert [r.path for r in seeded.received[start:] if "10dlc" in r.path] == []  # not even read
    assert writes(seeded, start) == [] and assignments(seeded) == {N[0]: CAMP}


def test_validate_checks_campaign_ids_offline(cli: Any, tmp_path: Path) -> None:
    f = doc(
        tmp_path,
        f"  - {{number: '{N[0]}', campaign_id: 'a b'}}\n  - {{number: '{N[1]}', campaign_id: {'x' * 65}}}\n  - {{number: '{N[2]}', campaign_id: [x]}}\n",
    )
    res = cli("validate", f)
    assert res.exit_code == 3, res.output
    assert "phone_numbers[0].campaign_id" in res.output and "phone_numbers[1].campaign_id" in res.output
    assert "phone_numbers[2].campaign_id" in res.output and "not a 10DLC campaign id" in res.output


def test_pending_is_waited_for_and_reported_pending_exit_6(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from conftest import make_sandbox

    sb = make_sandbox(monkeypatch, order_polls=50)
    try:
        assert control(sb, "reset", json=SEED).status_code == 200
        f = doc(tmp_path, f"  - {{number: '{N[0]}', campaign_id: {CAMP}}}\n")
        res = cli("apply", "-f", f, "--wait", "0")
        assert res.exit_code == 6, res.output
        assert "pending" in res.output
        assert [m for m, _ in writes(sb)].count("POST") == 2  # the profile, the assignment
        again = cli("apply", "-f", f, "--wait", "0")  # already on the campaign: nothing sent again
        assert again.exit_code == 0, again.output
        assert [m for m, _ in writes(sb)].count("POST") == 2
    finally:
        sb.stop()


def test_a_failed_assignment_names_its_failure_reasons(cli: Any, seeded: Sandbox, tmp_path: Path) -> None:
    seed = dict(SEED)
    seed["phone_number_campaigns"] = [
        {
            "phoneNumber": N[0],
            "campaignId": CAMP2,
            "assignmentStatus": "FAILED_ASSIGNMENT",
            "failureReasons": "brand suspended",
        }
    ]
    assert control(seeded, "reset", json=seed).status_code == 200
    res = cli("numbers", "campaign", N[0], CAMP2)
    assert res.exit_code == 5, res.output
    assert "brand suspended" in res.output


def test_export_with_setup_writes_campaigns_and_plans_clean(cli: Any, seeded: Sandbox, tmp_path: Path) -> None:
    f = doc(tmp_path, f"  - {{number: '{N[0]}', campaign_id: {CAMP}}}\n  - '{N[1]}'\n")
    assert cli("apply", "-f", f).exit_code == 0
    out = tmp_path / "out"
    res = cli("export", "--all", "--with-setup", "--to", str(out))
    assert res.exit_code == 0, res.output
    text = (out / "sales.yaml").read_text()
    assert CAMP in text and N[1] in text
    clean = cli("plan", "-f", str(out / "sales.yaml"), "--prune-setup")
    assert clean.exit_code == 0 and "setup:" not in clean.stdout, clean.output


def test_numbers_campaign_command_and_its_dry_run(cli: Any, seeded: Sandbox) -> None:
    dry = cli("numbers", "campaign", N[2], CAMP, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "POST" in dry.stdout and "/10dlc/phone_number_campaigns" in dry.stdout
    assert writes(seeded) == []
    res = cli("numbers", "campaign", N[2], CAMP, "--wait", "5")
    assert res.exit_code == 0, res.output
    assert assignments(seeded) == {N[2]: CAMP}
    again = cli("numbers", "campaign", N[2], CAMP)
    assert again.exit_code == 0 and len([w for w in writes(seeded) if w[0] == "POST"]) == 1
    moved = cli("numbers", "campaign", N[2], CAMP2, "--dry-run")
    assert "PUT" in moved.stderr and "/10dlc/phone_number_campaigns/%2B13125550102" in moved.stderr
    gone = cli("numbers", "campaign", N[2], "--remove")
    assert gone.exit_code == 0, gone.output
    assert assignments(seeded) == {}


STATES = st.sampled_from([None, CAMP, CAMP2])


@given(
    live=st.lists(STATES, min_size=3, max_size=3), want=st.lists(STATES, min_size=3, max_size=3), prune=st.booleans()
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_apply_writes_exactly_what_plan_shows_then_converges(
    cli: Any, sandbox: Sandbox, tmp_path: Path, live: list[str | None], want: list[str | None], prune: bool
) -> None:
    """For any live assignments and any document: apply sends one write per planned campaign change
    (POST for +, PUT for ~, DELETE for -), on that number, and nothing else to the 10DLC paths;
    the result is what the document says (with prune) and a second apply sends nothing."""
    seed = {
        **SEED,
        "phone_number_campaigns": [{"phoneNumber": n, "campaignId": c} for n, c in zip(N, live, strict=True) if c],
    }
    assert control(sandbox, "reset", json=seed).status_code == 200
    entries = "".join(
        f"  - {{number: '{n}', campaign_id: {c}}}\n" if c else f"  - '{n}'\n" for n, c in zip(N, want, strict=True)
    )
    f = doc(tmp_path, entries)
    flags = ["--prune-setup"] if prune else []
    plan = json.loads(cli("plan", "-f", f, "--json", *flags).stdout)
    planned = sorted(
        (c["key"], {"assign": "POST", "change": "PUT", "remove": "DELETE"}[c["action"]])
        for i in plan["items"]
        for c in i["setup"]
        if c["kind"] == "campaign"
    )
    start = len(sandbox.received)
    res = cli("apply", "-f", f, "--wait", "5", *flags)
    assert res.exit_code == 0, res.output
    sent = sorted(
        (unquote(r.path.rsplit("/", 1)[1]) if r.method != "POST" else r.body["phoneNumber"], r.method)
        for r in sandbox.received[start:]
        if "/10dlc/" in r.path and r.method != "GET"
    )
    assert sent == planned
    managed = any(want)
    expected = {}
    for n, have, w in zip(N, live, want, strict=True):
        final = w if managed and w else (None if managed and prune and not w else have)
        if final:
            expected[n] = final
    assert assignments(sandbox) == expected
    start = len(sandbox.received)
    assert cli("apply", "-f", f, *flags).exit_code == 0
    assert writes(sandbox, start) == []
