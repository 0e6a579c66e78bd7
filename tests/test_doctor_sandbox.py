"""doctor against the real sandbox's send path (``--demo-data``): the two halves of issue 29 meet.

The demo has one sender of each outcome (msgprof_cli/sandbox/sendpath_demo.py); these tests drive
the real CLI against it and pin, for each one, the status of the check that decides it, the exit
code (0 ready, 9 refused) and the JSON shape; ``--message`` on each demo message; ``--all`` with
and without ``--profile``; and a 10DLC failure fixed the way the portal fixes it (an assignment
POSTed, pending for the sandbox's polls, then assigned), after which the failed message's cause is
gone.  tests/test_doctor_sendpath.py holds the harsher server (403s, duplicates, clamped pages).

Invariants:
- a sender the demo made to be refused exits 9 with exactly its cause failing; a ready one exits 0;
- every check is ``{check, status, detail, fix}`` with a known status; ``ready`` is ``exit == 0``;
- no value the sandbox answers is one doctor's tables do not know (the sandbox speaks the spec's
  enums: a campaign ``status`` outside "ACTIVE, EXPIRED" made ``unknown`` details before);
- a fix exists exactly when something other than time fixes the cause (pending states carry none).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import TEST_KEY

from msgprof_cli.sandbox import sendpath_demo as demo
from msgprof_cli.sandbox.server import Sandbox

TO = "+12125550123"  # a US destination nobody opted out
STATUSES = {"pass", "fail", "warn", "unknown"}
ROUTE_KEYS = ["ready", "from", "to", "destination_country", "checks"]
MESSAGE_KEYS = ["ready", "message", "from", "to", "status", "causes", "checks"]
CAUSE_KEYS = ["code", "title", "check", "cause", "detail", "matched_by", "source", "fix"]
SWEEP_KEYS = ["ready", "profile", "numbers", "ready_count", "blocked_count", "blocked", "unknown", "ready_numbers"]
TOLL_FREE_VERIFIED = "+18005550100"  # a demo toll-free number of Demo Alerts: its request is Verified


@pytest.fixture(scope="module")
def demo_sandbox() -> Iterator[Sandbox]:
    """One demo sandbox for the read-only tests of this module (doctor only reads)."""
    with Sandbox("127.0.0.1", 0) as sb:
        sb.seed_demo_data(seed=1)
        yield sb


@pytest.fixture
def sb(demo_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("TELNYX_BASE_URL", demo_sandbox.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
    return demo_sandbox


def run(cli: Any, *args: str) -> tuple[int, dict[str, Any]]:
    res = cli("doctor", *args, "--json")
    assert res.exit_code in (0, 9), (res.exit_code, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    report = json.loads(res.stdout)
    assert report["ready"] is (res.exit_code == 0)
    for c in report.get("checks", []):
        assert list(c) == ["check", "status", "detail", "fix"] and c["status"] in STATUSES and c["detail"], c
        assert "a value msgprof does not know" not in c["detail"], c  # the sandbox speaks the spec's enums
    if res.exit_code == 9:  # the error is JSON on stderr too
        assert json.loads(res.stderr)["exit_code"] == 9
    return res.exit_code, report


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in report["checks"]:
        assert c["check"] not in out, c  # each check once per route
        out[c["check"]] = c
    return out


REG = ("10dlc_assignment", "10dlc_campaign", "10dlc_brand", "toll_free_verification", "hosted_number")

# sender, to, exit, the registration checks expected (absent: not made), words each detail has, fix?
ROUTES = [
    pytest.param(
        demo.ASSIGNED,
        TO,
        0,
        {"10dlc_assignment": "pass", "10dlc_campaign": "pass", "10dlc_brand": "pass"},
        {"10dlc_campaign": "MNO_PROVISIONED", "10dlc_brand": "VERIFIED"},
        {},
        id="approved-10dlc",
    ),
    pytest.param(
        demo.PENDING,
        TO,
        9,
        {"10dlc_assignment": "fail", "10dlc_campaign": "pass", "10dlc_brand": "pass"},
        {"10dlc_assignment": "assignment pending since"},
        {"10dlc_assignment": False},  # it waits: time is the fix
        id="pending-assignment",
    ),
    pytest.param(
        demo.FAILED,
        TO,
        9,
        {"10dlc_assignment": "fail", "10dlc_campaign": "pass", "10dlc_brand": "pass"},
        {"10dlc_assignment": demo.FAILURE_REASONS},
        {"10dlc_assignment": True},
        id="failed-assignment",
    ),
    pytest.param(
        demo.UNASSIGNED,
        TO,
        9,
        {"10dlc_assignment": "fail"},
        {"10dlc_assignment": "assigned to no 10DLC campaign"},
        {"10dlc_assignment": True},
        id="no-assignment",
    ),
    pytest.param(
        demo.UNVERIFIED_BRAND,
        TO,
        9,
        {"10dlc_assignment": "pass", "10dlc_campaign": "fail", "10dlc_brand": "fail"},
        {"10dlc_campaign": "TCR_PENDING", "10dlc_brand": demo.BRAND_FAILURE},
        {"10dlc_campaign": False, "10dlc_brand": True},
        id="unverified-brand",
    ),
    pytest.param(
        demo.TF_REJECTED,
        TO,
        9,
        {"toll_free_verification": "fail"},
        {"toll_free_verification": demo.TF_REASON},
        {"toll_free_verification": True},
        id="toll-free-rejected",
    ),
    pytest.param(
        TOLL_FREE_VERIFIED,
        TO,
        0,
        {"toll_free_verification": "pass"},
        {"toll_free_verification": "Verified"},
        {},
        id="toll-free-verified",
    ),
    pytest.param(
        demo.HOSTED_PENDING,
        TO,
        9,
        {"hosted_number": "fail", "10dlc_assignment": "fail"},
        {"hosted_number": "pending"},
        {"hosted_number": False},
        id="hosted-pending",
    ),
]


@pytest.mark.parametrize(("sender", "to", "exit_code", "expected", "words", "fixes"), ROUTES)
def test_each_demo_sender_gets_its_outcome(
    cli: Any,
    sb: Sandbox,
    sender: str,
    to: str,
    exit_code: int,
    expected: dict[str, str],
    words: dict[str, str],
    fixes: dict[str, bool],
) -> None:
    code, report = run(cli, "--from", sender, "--to", to)
    assert list(report) == ROUTE_KEYS and report["from"] == sender and report["destination_country"] == "US"
    checks = by_name(report)
    assert {k: c["status"] for k, c in checks.items() if k in REG} == expected
    for name, text in words.items():
        assert text in checks[name]["detail"], checks[name]
    for name, has_fix in fixes.items():
        assert (checks[name]["fix"] is not None) is has_fix, checks[name]
    # nothing but the demo's cause blocks it: the profile, the whitelist and the features pass
    others = {k: c["status"] for k, c in checks.items() if k not in REG and c["status"] == "fail"}
    assert others == {} and code == exit_code


def test_an_opted_out_recipient_blocks_the_profile(cli: Any, sb: Sandbox) -> None:
    code, report = run(cli, "--from", demo.ASSIGNED, "--to", demo.OPTED_OUT)
    opted = by_name(report)["destination_opted_out"]
    assert code == 9 and opted["status"] == "fail" and opted["fix"] == "the recipient texts START"
    assert "texted STOP" in opted["detail"] and demo.WHEN in opted["detail"]
    assert [c["check"] for c in report["checks"] if c["status"] == "fail"] == ["destination_opted_out"]


# message, exit, [(code, check, cause)], the addressee's status
MESSAGES = [
    (demo.MESSAGE_OPTED_OUT, 9, [("40300", "destination_opted_out", "remains")], "delivery_failed"),
    (demo.MESSAGE_NOT_ON_PROFILE, 9, [("40305", "number_on_profile", "remains")], "sending_failed"),
    (demo.MESSAGE_UNREGISTERED, 9, [("40010", "10dlc_assignment", "remains")], "delivery_failed"),
    (demo.MESSAGE_DELIVERED, 0, [], "delivered"),
]


@pytest.mark.parametrize(("message", "exit_code", "causes", "status"), MESSAGES, ids=["40300", "40305", "40010", "ok"])
def test_each_demo_message_is_explained(
    cli: Any, sb: Sandbox, message: str, exit_code: int, causes: list[tuple[str, str, str]], status: str
) -> None:
    code, report = run(cli, "--message", message)
    assert code == exit_code and list(report) == MESSAGE_KEYS
    assert report["message"] == message and report["status"] == status and report["checks"]
    assert [(c["code"], c["check"], c["cause"]) for c in report["causes"]] == causes
    for c in report["causes"]:
        assert list(c) == CAUSE_KEYS and c["matched_by"] == "code" and c["source"] and c["fix"]


def test_all_sweeps_the_demo_senders_by_cause(cli: Any, sb: Sandbox) -> None:
    code, report = run(cli, "--all", "--profile", str(demo.PROFILE["name"]))
    assert code == 9 and list(report)[: len(SWEEP_KEYS)] == SWEEP_KEYS
    blocked = {b["cause"]: (b["count"], b["numbers"], b["fix"] is not None) for b in report["blocked"]}
    assert blocked == {
        "10dlc_assignment": (3, [demo.PENDING, demo.FAILED, demo.UNASSIGNED], True),
        "10dlc_campaign": (1, [demo.UNVERIFIED_BRAND], False),  # TCR_PENDING: it waits
        "10dlc_brand": (1, [demo.UNVERIFIED_BRAND], True),
        "toll_free_verification": (1, [demo.TF_REJECTED], True),
    }
    assert report["ready_numbers"] == [demo.ASSIGNED] and report["unknown"] == []
    assert (report["numbers"], report["ready_count"], report["blocked_count"]) == (6, 1, 5)
    for sender in report["senders"]:
        assert list(sender) == ["number", "country", "ready", "checks"] and sender["country"] == "US"
        for c in sender["checks"]:
            assert list(c) == ["check", "status", "detail", "fix"] and c["status"] in STATUSES


def test_all_of_the_account_counts_the_demo_long_codes_without_a_campaign(cli: Any, sb: Sandbox) -> None:
    code, report = run(cli, "--all")
    blocked = {b["cause"]: b["numbers"] for b in report["blocked"]}
    assert code == 9 and report["ready"] is False
    # the first demo profiles' long codes have no 10DLC assignment in the demo: they are refused to the US
    assert {demo.PENDING, demo.FAILED, demo.UNASSIGNED} <= set(blocked["10dlc_assignment"])
    assert demo.ASSIGNED in report["ready_numbers"] and TOLL_FREE_VERIFIED in report["ready_numbers"]
    assert blocked["toll_free_verification"] == [demo.TF_REJECTED]


def test_a_10dlc_failure_is_fixed_and_the_failed_message_s_cause_is_gone(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The docs' story: no assignment (9); the portal assigns it (a POST); pending while the
    sandbox works the assignment off (9, no fix: it waits); assigned (0); the 40010 message's cause
    is then gone (0)."""
    with Sandbox("127.0.0.1", 0, order_polls=2) as own:
        own.seed_demo_data(seed=1)
        monkeypatch.setenv("TELNYX_BASE_URL", own.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        code, report = run(cli, "--from", demo.UNASSIGNED, "--to", TO)
        assert code == 9 and by_name(report)["10dlc_assignment"]["status"] == "fail"
        body = {"phoneNumber": demo.UNASSIGNED, "campaignId": demo.CAMPAIGN_OK}
        answer = requests.post(
            f"{own.url}/10dlc/phone_number_campaigns",
            json=body,
            headers={"Authorization": f"Bearer {TEST_KEY}"},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["assignmentStatus"] == "PENDING_ASSIGNMENT"
        code, report = run(cli, "--from", demo.UNASSIGNED, "--to", TO)  # poll 1 of 2
        pending = by_name(report)["10dlc_assignment"]
        assert code == 9 and pending["status"] == "fail" and pending["fix"] is None
        assert "assignment pending since" in pending["detail"]
        code, report = run(cli, "--from", demo.UNASSIGNED, "--to", TO)  # poll 2: assigned
        checks = by_name(report)
        assert code == 0 and [checks[k]["status"] for k in REG[:3]] == ["pass", "pass", "pass"]
        code, report = run(cli, "--message", demo.MESSAGE_UNREGISTERED)
        assert code == 0 and [(c["code"], c["cause"]) for c in report["causes"]] == [("40010", "gone")]


def test_the_send_path_operations_use_only_the_client_s_public_surface() -> None:
    """api/sendpath.py pages through ``TelnyxClient.pages`` and shares ``page_slots``: a private
    part of the client (``_pages``, ``_page_slots``...) used there would break silently when the
    client's pager changes."""
    import re
    from pathlib import Path

    from msgprof_cli.api import sendpath

    source = Path(sendpath.__file__).read_text(encoding="utf-8")
    assert re.findall(r"\bclient\._\w+", source) == []
    assert "client.pages(" in source and "client.page_slots" in source
