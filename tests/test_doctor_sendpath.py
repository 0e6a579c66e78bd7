"""doctor's send-path checks against a scripted server stricter than the sandbox (tests/sendpath_api.py):
10DLC assignment, campaign and brand; toll-free verification; opt-outs; hosted numbers; short codes;
401/403 as unknown; a route's cost; every documented enum value; ``--message`` and ``--all``."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY
from sendpath_api import SendPathApi, assignment, brand, campaign, number, profile, tf_request

from msgprof_cli.document import message_codes
from msgprof_cli.document import registration as tables

P = "11111111-1111-4111-8111-111111111111"
LONG = "+13125550100"
TOLL = "+18335550100"
TO = "+13125550123"
STATUSES = {"pass", "fail", "warn", "unknown"}


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[SendPathApi]:
    with SendPathApi() as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        server.profiles[P] = profile(P, "Alerts")
        server.numbers += [number(LONG, P), number(TOLL, P, kind="tollfree")]
        server.assignments.append(assignment(LONG, "c-1"))
        server.campaigns["c-1"] = campaign("c-1")
        server.brands["b-1"] = brand("b-1")
        server.tf_requests.append(tf_request("r-1", [TOLL], "Verified"))
        yield server


def doctor(cli: Any, *args: str) -> tuple[int, dict[str, Any]]:
    res = cli("doctor", *args, "--json")
    assert res.exit_code in (0, 9), (res.exit_code, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    report = json.loads(res.stdout)
    for c in report.get("checks", []):
        assert list(c) == ["check", "status", "detail", "fix"] and c["status"] in STATUSES and c["detail"]
    return res.exit_code, report


def check(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [c for c in report["checks"] if c["check"] == name]
    assert len(found) == 1, (name, report["checks"])
    return found[0]


def names(report: dict[str, Any]) -> list[str]:
    return [c["check"] for c in report["checks"]]


# --------------------------------------------------------------------------- 10DLC


def test_a_registered_us_long_code_passes_in_6_requests(cli: Any, api: SendPathApi) -> None:
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    assert code == 0 and report["ready"] is True
    assert names(report)[-6:-3] == ["10dlc_assignment", "10dlc_campaign", "10dlc_brand"]
    assert {c["status"] for c in report["checks"]} == {"pass"}
    assert api.paths() == [
        "GET /v2/phone_numbers/messaging",
        f"GET /v2/messaging_profiles/{P}",
        "GET /v2/messaging_optouts",
        f"GET /v2/10dlc/phone_number_campaigns/{LONG}",
        "GET /v2/10dlc/campaign/c-1",
        "GET /v2/10dlc/brand/b-1",
    ]


def test_a_number_with_no_assignment_fails_and_reads_no_campaign(cli: Any, api: SendPathApi) -> None:
    api.assignments.clear()
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    a = check(report, "10dlc_assignment")
    assert code == 9 and a["status"] == "fail" and "assigned to no 10DLC campaign" in a["detail"]
    assert a["fix"] == "assign the number to an approved 10DLC campaign (the Telnyx portal, Messaging > 10DLC)"
    assert "10dlc_campaign" not in names(report) and not any("/10dlc/campaign" in p for p in api.paths())


@pytest.mark.parametrize("value", sorted(tables.ASSIGNMENT))
def test_every_assignment_status_is_judged_by_the_table(cli: Any, api: SendPathApi, value: str) -> None:
    api.assignments[:] = [assignment(LONG, "c-1", value, failureReasons="carrier said no")]
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    a = check(report, "10dlc_assignment")
    assert a["status"] == tables.ASSIGNMENT[value].status
    assert code == (9 if a["status"] == "fail" else 0)
    assert "carrier said no" in a["detail"]
    if value == "PENDING_ASSIGNMENT":
        assert "assignment pending since 2026-12-02T10:00:00.000000" in a["detail"]


@pytest.mark.parametrize("value", sorted(tables.CAMPAIGN_STATUS))
def test_every_campaign_status_is_judged_by_the_table(cli: Any, api: SendPathApi, value: str) -> None:
    api.campaigns["c-1"] = campaign("c-1", value, failureReasons="bad sample")
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    c = check(report, "10dlc_campaign")
    assert c["status"] == tables.CAMPAIGN_STATUS[value].status and value in c["detail"]
    assert "bad sample" in c["detail"] and code == (9 if c["status"] == "fail" else 0)


@pytest.mark.parametrize("value", sorted(tables.CAMPAIGN_LIFECYCLE))
def test_every_campaign_lifecycle_status_is_judged(cli: Any, api: SendPathApi, value: str) -> None:
    api.campaigns["c-1"] = campaign("c-1", status=value)
    _, report = doctor(cli, "--from", LONG, "--to", TO)
    assert check(report, "10dlc_campaign")["status"] == tables.CAMPAIGN_LIFECYCLE[value].status


@pytest.mark.parametrize("value", sorted(tables.BRAND_STATUS))
def test_every_brand_status_is_judged(cli: Any, api: SendPathApi, value: str) -> None:
    api.brands["b-1"] = brand("b-1", value)
    _, report = doctor(cli, "--from", LONG, "--to", TO)
    assert check(report, "10dlc_brand")["status"] == tables.BRAND_STATUS[value].status


@pytest.mark.parametrize("value", sorted(tables.BRAND_IDENTITY))
def test_every_brand_identity_status_is_judged(cli: Any, api: SendPathApi, value: str) -> None:
    api.brands["b-1"] = brand("b-1", identity=value)
    _, report = doctor(cli, "--from", LONG, "--to", TO)
    assert check(report, "10dlc_brand")["status"] == tables.BRAND_IDENTITY[value].status


def test_a_value_no_table_knows_is_unknown_never_pass(cli: Any, api: SendPathApi) -> None:
    api.assignments[:] = [assignment(LONG, "c-1", "SOMETHING_NEW")]
    api.campaigns["c-1"] = campaign("c-1", "TCR_SOMETHING")
    api.brands["b-1"] = brand("b-1", "NEW_STATE")
    _, report = doctor(cli, "--from", LONG, "--to", TO)
    for name in ("10dlc_assignment", "10dlc_campaign", "10dlc_brand"):
        assert check(report, name)["status"] == "unknown", name


def test_403_on_the_10dlc_paths_is_unknown_with_the_reason(cli: Any, api: SendPathApi) -> None:
    api.forbid = ("/v2/10dlc",)
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    a = check(report, "10dlc_assignment")
    assert code == 0 and a["status"] == "unknown" and "HTTP 403" in a["detail"]
    assert "10dlc_campaign" not in names(report)


def test_a_403_on_the_campaign_alone_leaves_the_assignment_judged(cli: Any, api: SendPathApi) -> None:
    api.forbid = ("/v2/10dlc/campaign", "/v2/10dlc/brand")
    _, report = doctor(cli, "--from", LONG, "--to", TO)
    assert check(report, "10dlc_assignment")["status"] == "pass"
    assert check(report, "10dlc_campaign")["status"] == "unknown"
    assert "HTTP 403" in check(report, "10dlc_campaign")["detail"]


def test_10dlc_is_checked_for_us_destinations_only(cli: Any, api: SendPathApi) -> None:
    api.profiles[P]["whitelisted_destinations"] = ["US", "CA"]
    _, report = doctor(cli, "--from", LONG, "--to", "+14165550199")
    assert not any(n.startswith("10dlc") for n in names(report))


# --------------------------------------------------------------------------- toll-free


@pytest.mark.parametrize("value", sorted(tables.TOLL_FREE))
def test_every_verification_status_is_judged(cli: Any, api: SendPathApi, value: str) -> None:
    api.tf_requests[:] = [tf_request("r-1", [TOLL], value, reason="website does not load")]
    code, report = doctor(cli, "--from", TOLL, "--to", TO)
    t = check(report, "toll_free_verification")
    assert t["status"] == tables.TOLL_FREE[value].status and value in t["detail"]
    assert "website does not load" in t["detail"]  # a rejection's reason is shown
    assert code == (9 if t["status"] == "fail" else 0)


def test_a_toll_free_number_without_a_request_fails_and_the_newest_request_counts(cli: Any, api: SendPathApi) -> None:
    api.tf_requests[:] = [tf_request("r-2", ["+18335550199"], "Verified")]
    code, report = doctor(cli, "--from", TOLL, "--to", TO)
    t = check(report, "toll_free_verification")
    assert code == 9 and t["status"] == "fail" and "no toll-free verification request" in t["detail"]
    api.tf_requests[:] = [
        tf_request("old", [TOLL], "Rejected", updatedAt="2026-11-01T00:00:00Z"),
        tf_request("new", [TOLL], "Verified", updatedAt="2026-12-01T00:00:00Z"),
    ]
    assert check(doctor(cli, "--from", TOLL, "--to", TO)[1], "toll_free_verification")["status"] == "pass"


def test_403_on_toll_free_verification_is_unknown(cli: Any, api: SendPathApi) -> None:
    api.forbid = ("/v2/messaging_tollfree",)
    code, report = doctor(cli, "--from", TOLL, "--to", TO)
    t = check(report, "toll_free_verification")
    assert code == 0 and t["status"] == "unknown" and "HTTP 403" in t["detail"]


# --------------------------------------------------------------------------- opt-outs


def test_an_opted_out_destination_fails_with_keyword_date_and_start(cli: Any, api: SendPathApi) -> None:
    api.optouts.append(
        {
            "from": "+13125550199",
            "to": TO,
            "keyword": "STOP",
            "created_at": "2026-12-03 09:00:00+00:00",
            "messaging_profile_id": P,
        }
    )
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    o = check(report, "destination_opted_out")
    assert code == 9 and o["status"] == "fail" and o["fix"] == "the recipient texts START"
    assert "texted STOP" in o["detail"] and "2026-12-03 09:00:00+00:00" in o["detail"]
    query = next(q for m, p, q in api.received if p == "/v2/messaging_optouts")
    assert query["filter[messaging_profile_id]"] == P
    code, other = doctor(cli, "--from", LONG, "--to", "+13125550124")
    assert code == 0 and check(other, "destination_opted_out")["status"] == "pass"


def test_more_opt_outs_than_one_page_is_unknown_not_pass(cli: Any, api: SendPathApi) -> None:
    api.optouts += [{"to": f"+1312556{i:04d}", "messaging_profile_id": P} for i in range(300)]
    _, report = doctor(cli, "--from", LONG, "--to", TO)
    o = check(report, "destination_opted_out")
    assert o["status"] == "unknown" and "300" in o["detail"]


def test_a_sender_id_route_checks_opt_outs_too(cli: Any, api: SendPathApi) -> None:
    api.profiles[P]["alpha_sender"] = "Acme"
    api.profiles[P]["whitelisted_destinations"] = ["GB"]
    api.optouts.append({"to": "+447700900123", "keyword": "STOP", "messaging_profile_id": P})
    code, report = doctor(cli, "--from", "Acme", "--to", "+447700900123", "--profile", P)
    assert code == 9 and check(report, "destination_opted_out")["status"] == "fail"


# --------------------------------------------------------------------------- hosted numbers, short codes


HOSTED = "+13125550777"


@pytest.mark.parametrize("value", sorted(tables.HOSTED))
def test_every_hosted_status_is_judged(cli: Any, api: SendPathApi, value: str) -> None:
    api.hosted.append({**number(HOSTED, P, kind="longcode"), "status": value})
    api.assignments.append(assignment(HOSTED, "c-1"))
    code, report = doctor(cli, "--from", HOSTED, "--to", "+14165550199")  # Canada: no 10DLC
    assert check(report, "number_on_account")["status"] == "pass"
    assert check(report, "hosted_number")["status"] == tables.HOSTED[value].status
    assert code == (9 if tables.HOSTED[value].status == "fail" else 0)


def test_a_hosted_number_without_a_status_is_unknown_and_a_us_route_stays_within_6(cli: Any, api: SendPathApi) -> None:
    api.hosted.append(number(HOSTED, P))  # the spec's shape: no status
    api.assignments.append(assignment(HOSTED, "c-1"))
    _, report = doctor(cli, "--from", HOSTED, "--to", TO)
    assert check(report, "hosted_number")["status"] == "unknown"
    assert len(api.received) == 6
    brand_check = check(report, "10dlc_brand")
    assert brand_check["status"] == "unknown" and "not read" in brand_check["detail"]


def test_a_short_code_on_the_profile_or_not(cli: Any, api: SendPathApi) -> None:
    api.short_codes[P] = [{"id": "s1", "short_code": "12345", "messaging_profile_id": P, "country_code": "US"}]
    code, report = doctor(cli, "--from", "12345", "--to", TO, "--profile", P)
    assert code == 0 and check(report, "short_code_on_profile")["status"] == "pass"
    code, report = doctor(cli, "--from", "54321", "--to", TO, "--profile", P)
    assert code == 9 and check(report, "short_code_on_profile")["status"] == "fail"
    code, report = doctor(cli, "--from", "12345", "--to", TO)
    assert code == 0 and check(report, "short_code_on_profile")["status"] == "unknown"


@pytest.mark.parametrize(
    "args",
    [
        ["--from", LONG, "--to", TO],
        ["--from", LONG, "--to", TO, "--profile", "Alerts"],
        ["--from", LONG, "--to", TO, "--profile", P],
        ["--from", TOLL, "--to", TO, "--profile", "Alerts"],
        ["--from", HOSTED, "--to", TO, "--profile", "Alerts"],
        ["--from", "12345", "--to", TO, "--profile", "Alerts"],
        ["--from", "Acme", "--to", TO],
    ],
)
def test_one_route_costs_at_most_6_requests(cli: Any, api: SendPathApi, args: list[str]) -> None:
    api.hosted.append(number(HOSTED, P))
    api.assignments.append(assignment(HOSTED, "c-1"))
    api.profiles[P]["alpha_sender"] = "Acme"
    doctor(cli, *args)
    assert 1 <= len(api.received) <= 6, api.paths()


# --------------------------------------------------------------------------- the tables


SPEC_ENUMS = {  # copied from telnyx-send-path.openapi.yaml (and the SDK's HostedNumber.status)
    "assignmentStatus": [
        "FAILED_ASSIGNMENT",
        "PENDING_ASSIGNMENT",
        "ASSIGNED",
        "PENDING_UNASSIGNMENT",
        "FAILED_UNASSIGNMENT",
    ],
    "campaignStatus": [
        "TCR_PENDING",
        "TCR_SUSPENDED",
        "TCR_EXPIRED",
        "TCR_ACCEPTED",
        "TCR_FAILED",
        "TELNYX_ACCEPTED",
        "TELNYX_FAILED",
        "MNO_PENDING",
        "MNO_ACCEPTED",
        "MNO_REJECTED",
        "MNO_PROVISIONED",
        "MNO_PROVISIONING_FAILED",
    ],  # fmt: skip
    "status (campaign)": ["ACTIVE", "EXPIRED"],
    "status (brand)": ["OK", "REGISTRATION_PENDING", "REGISTRATION_FAILED"],
    "identityStatus": ["VERIFIED", "UNVERIFIED", "SELF_DECLARED", "VETTED_VERIFIED"],
    "verificationStatus": [
        "Verified",
        "Rejected",
        "Waiting For Vendor",
        "Waiting For Customer",
        "Waiting For Telnyx",
        "In Progress",
    ],  # fmt: skip
    "status (hosted number)": [
        "deleted",
        "failed",
        "failed_activation",
        "failed_carrier_rejected",
        "failed_ineligible_carrier",
        "failed_number_already_hosted",
        "failed_number_not_found",
        "failed_ownership_verification",
        "failed_timeout",
        "pending",
        "provisioning",
        "successful",
    ],  # fmt: skip
}


def test_each_table_maps_exactly_the_documented_values() -> None:
    assert {k: sorted(v) for k, v in tables.TABLES.items()} == {k: sorted(v) for k, v in SPEC_ENUMS.items()}
    passing = {k: [v for v, verdict in t.items() if verdict.status == "pass"] for k, t in tables.TABLES.items()}
    assert passing["assignmentStatus"] == ["ASSIGNED"] and passing["campaignStatus"] == ["MNO_PROVISIONED"]
    assert passing["verificationStatus"] == ["Verified"] and passing["status (hosted number)"] == ["successful"]
    assert tables.judge(tables.ASSIGNMENT, None).status == "unknown"
    assert tables.judge(tables.ASSIGNMENT, 7).status == "unknown"


# --------------------------------------------------------------------------- doctor --message

M = "40385f64-5717-4562-b3fc-2c963f66afa6"


def message(code: str, title: str, status: str = "delivery_failed", sender: str = LONG, to: str = TO) -> dict[str, Any]:
    return {
        "id": M,
        "record_type": "message",
        "direction": "outbound",
        "type": "SMS",
        "messaging_profile_id": P,
        "from": {"phone_number": sender, "carrier": "TELNYX LLC", "line_type": "VoIP"},
        "to": [{"phone_number": to, "status": status, "carrier": "T-MOBILE USA, INC.", "line_type": "Wireless"}],
        "errors": [{"code": code, "title": title}] if code else [],
    }


def _break(api: SendPathApi, check_name: str) -> tuple[str, str]:
    """Make the account such that the check fails now; the (sender, to) of a message that shows it."""
    if check_name == "destination_opted_out":
        api.optouts.append(
            {"to": TO, "keyword": "STOP", "created_at": "2026-12-03T09:00:00Z", "messaging_profile_id": P}
        )
    elif check_name == "number_on_profile":
        api.numbers[0]["messaging_profile_id"] = None
    elif check_name == "destination_whitelisted":
        api.profiles[P]["whitelisted_destinations"] = ["CA"]
    elif check_name == "10dlc_assignment":
        api.assignments.clear()
    elif check_name == "toll_free_verification":
        api.tf_requests[:] = [tf_request("r-1", [TOLL], "Rejected", reason="no opt-in")]
        return TOLL, TO
    elif check_name == "spend_limit_reached":
        api.profiles[P].update({"daily_spend_limit_enabled": True, "daily_spend_limit": "5.00"})
    elif check_name == "number_on_account":
        api.numbers.pop(0)
    elif check_name == "number_health":
        return LONG, TO  # the health check warns at most: its cause is gone while it passes
    return LONG, TO


EXPLAINED = [row for row in message_codes.ROWS if row.check is not None]


@pytest.mark.parametrize("row", EXPLAINED, ids=[r.code for r in EXPLAINED])
def test_each_code_of_the_table_is_explained_and_gone_once_fixed(cli: Any, api: SendPathApi, row: Any) -> None:
    sender = TOLL if row.check == "toll_free_verification" else LONG
    api.messages[M] = message(row.code, row.title, sender=sender)
    code, fine = doctor(cli, "--message", M)
    cause = fine["causes"][0]
    assert (cause["code"], cause["check"], cause["matched_by"]) == (row.code, row.check, "code")
    assert cause["source"] == row.source
    if row.check == "number_health":
        assert cause["cause"] == "gone" and code == 0
        return
    assert cause["cause"] == "gone" and code == 0 and fine["ready"] is True
    sender, to = _break(api, row.check)
    api.messages[M] = message(row.code, row.title, sender=sender, to=to)
    code, broken = doctor(cli, "--message", M)
    cause = broken["causes"][0]
    assert cause["cause"] == "remains" and code == 9, broken
    assert broken["ready"] is False and cause["detail"]


def test_the_cause_text_says_remains_with_the_fix(cli: Any, api: SendPathApi) -> None:
    api.messages[M] = message("40300", "Blocked due to STOP message")
    _break(api, "destination_opted_out")
    res = cli("doctor", "--message", M)
    assert res.exit_code == 9
    lines = res.stdout.splitlines()
    assert lines[0] == f"message {M}: {LONG} to {TO}, delivery_failed"
    assert lines[1].startswith("  FAIL  40300 Blocked due to STOP message [destination_opted_out]: ")
    assert lines[1].endswith("-> the recipient texts START")
    assert res.stderr.startswith("msgprof: error: the cause remains: destination_opted_out")


@pytest.mark.parametrize(
    ("status", "exit_code"), [("delivery_failed", 9), ("sending_failed", 9), ("delivered", 0), ("sent", 0)]
)
def test_an_unknown_code_is_said_plainly_and_the_message_state_decides(
    cli: Any, api: SendPathApi, status: str, exit_code: int
) -> None:
    api.messages[M] = message("49999", "Something new", status=status)
    code, report = doctor(cli, "--message", M)
    cause = report["causes"][0]
    assert cause["cause"] == "unknown" and cause["check"] is None and "does not know the code 49999" in cause["detail"]
    assert code == exit_code


def test_a_code_not_in_the_table_is_found_by_its_title(cli: Any, api: SendPathApi) -> None:
    api.messages[M] = message("40999", "Destination not in whitelisted destinations")
    _break(api, "destination_whitelisted")
    code, report = doctor(cli, "--message", M)
    cause = report["causes"][0]
    assert (cause["check"], cause["matched_by"], cause["cause"], code) == (
        "destination_whitelisted",
        "title",
        "remains",
        9,
    )


def test_a_delivered_message_exits_0_and_a_missing_one_exits_5(cli: Any, api: SendPathApi) -> None:
    api.messages[M] = message("", "", status="delivered")
    code, report = doctor(cli, "--message", M)
    assert code == 0 and report["causes"] == [] and report["status"] == "delivered"
    res = cli("doctor", "--message", "aaaaaaaa-5717-4562-b3fc-2c963f66afa6")
    assert res.exit_code == 5 and "Traceback" not in res.stderr


# --------------------------------------------------------------------------- doctor --all


def _account(api: SendPathApi, n: int) -> None:
    api.numbers.clear()
    api.assignments.clear()
    api.tf_requests.clear()
    for i in range(n):
        phone = f"+1312{i:07d}"
        api.numbers.append(number(phone, P if i % 7 else None))
        if i % 5:
            api.assignments.append(assignment(phone, f"c-{i % 3}", brand=f"b-{i % 2}"))
    for i in range(3):
        api.campaigns[f"c-{i}"] = campaign(f"c-{i}", "MNO_PROVISIONED" if i else "MNO_PENDING")
    for i in range(2):
        api.brands[f"b-{i}"] = brand(f"b-{i}")
    api.assignments.append(api.assignments[0])  # a duplicate, kept by the server


def test_all_sweeps_every_number_in_pages_not_per_number(cli: Any, api: SendPathApi) -> None:
    n = 600
    _account(api, n)
    code, report = doctor(cli, "--all")
    assert code == 9 and report["numbers"] == n
    pages = math.ceil(n / 250)
    assert len(api.received) <= 3 * pages + 3 + 2, api.paths()
    assert sum(p.startswith("GET /v2/10dlc/campaign/") for p in api.paths()) == 3
    assert sum(p.startswith("GET /v2/10dlc/brand/") for p in api.paths()) == 2
    blocked = {b["cause"]: b for b in report["blocked"]}
    unassigned = [f"+1312{i:07d}" for i in range(n) if i % 5 == 0]
    assert blocked["10dlc_assignment"]["numbers"] == unassigned and blocked["10dlc_assignment"]["count"] == len(
        unassigned
    )
    assert blocked["number_on_profile"]["fix"] == "msgprof numbers assign PROFILE NUMBER..."
    pending = [f"+1312{i:07d}" for i in range(n) if i % 5 and i % 3 == 0]
    assert blocked["10dlc_campaign"]["numbers"] == pending
    assert report["ready_count"] == len(report["ready_numbers"]) and all(
        not s["ready"] or s["checks"] for s in report["senders"]
    )
    assert report["blocked_count"] == n - report["ready_count"]


def test_all_of_one_profile_and_a_403_on_10dlc(cli: Any, api: SendPathApi) -> None:
    _account(api, 20)
    api.forbid = ("/v2/10dlc",)
    code, report = doctor(cli, "--all", "--profile", "Alerts")
    on_profile = [n for n in api.numbers if n["messaging_profile_id"] == P]
    assert report["numbers"] == len(on_profile) and report["profile"].startswith("profile 'Alerts'")
    assert code == 0 and report["blocked"] == []
    assert [u["cause"] for u in report["unknown"]] == ["10dlc_assignment"]
    res = cli("doctor", "--all")
    assert res.exit_code == 9
    assert res.stdout.splitlines()[0] == "20 messaging numbers: 17 ready, 3 blocked"
    assert "number_on_profile (3)" in res.stdout and "-> msgprof numbers assign PROFILE NUMBER..." in res.stdout


def test_all_ready_exits_0(cli: Any, api: SendPathApi) -> None:
    code, report = doctor(cli, "--all")
    assert code == 0 and report["ready"] is True and report["ready_count"] == 2


# --------------------------------------------------------------------------- doctor -f


def test_f_adds_the_registration_checks_of_the_documents_numbers(cli: Any, api: SendPathApi, tmp_path: Path) -> None:
    api.assignments[:] = [assignment(LONG, "c-1", "PENDING_ASSIGNMENT")]
    api.tf_requests[:] = [tf_request("r-1", [TOLL], "Waiting For Customer")]
    doc = tmp_path / "alerts.yaml"
    doc.write_text(f"name: Alerts\nwhitelisted_destinations: [US]\nphone_numbers: ['{LONG}', '{TOLL}']\n")
    res = cli("doctor", "-f", str(doc), "--json")
    assert res.exit_code == 9, res.stderr
    checks = {c["check"]: c for c in json.loads(res.stdout)[0]["checks"]}
    assert checks["10dlc_assignment"]["status"] == "fail" and "pending since" in checks["10dlc_assignment"]["detail"]
    assert (
        checks["toll_free_verification"]["status"] == "fail"
        and "Waiting For Customer" in checks["toll_free_verification"]["detail"]
    )
    listed = [p for p in api.paths() if "10dlc" in p or "tollfree" in p]
    assert sorted(listed) == [
        "GET /v2/10dlc/brand/b-1",
        "GET /v2/10dlc/campaign/c-1",
        "GET /v2/10dlc/phone_number_campaigns",
        "GET /v2/messaging_tollfree/verification/requests",
    ]


# --------------------------------------------------------------------------- hostile shapes, duplicates, clamped pages

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ANY_VALUE = st.one_of(
    st.none(),
    st.integers(-2, 2),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(sorted({v for t in tables.TABLES.values() for v in t})),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=ANY_VALUE, c=ANY_VALUE, b=ANY_VALUE, i=ANY_VALUE, t=ANY_VALUE)
def test_any_shape_of_registration_records_never_crashes_and_never_passes_unknown_values(
    cli: Any, api: SendPathApi, a: Any, c: Any, b: Any, i: Any, t: Any
) -> None:
    api.assignments[:] = [assignment(LONG, "c-1", a)]
    api.campaigns["c-1"] = campaign("c-1", c)
    api.brands["b-1"] = brand("b-1", b, i)
    api.tf_requests[:] = [tf_request("r-1", [TOLL], t)]
    for sender, names_ in (
        (LONG, ("10dlc_assignment", "10dlc_campaign", "10dlc_brand")),
        (TOLL, ("toll_free_verification",)),
    ):
        res = cli("doctor", "--from", sender, "--to", TO, "--json")
        assert res.exit_code in (0, 5, 9), (res.exit_code, res.stderr)
        assert "Traceback" not in res.stderr
        if res.exit_code == 5:  # a field of the wrong JSON type: refused at the boundary, said plainly
            assert "the API answered with a" in res.stderr
            continue
        report = json.loads(res.stdout)
        known = {"10dlc_assignment": (a, tables.ASSIGNMENT), "toll_free_verification": (t, tables.TOLL_FREE)}
        for name in names_:
            found = [x for x in report["checks"] if x["check"] == name]
            if name in known and found:
                value, table = known[name]
                expected = table[value].status if isinstance(value, str) and value in table else "unknown"
                assert found[0]["status"] == expected, (name, value, found[0])
            for x in found:
                assert x["status"] != "pass" or name not in known or known[name][0] in known[name][1]


def test_all_says_unknown_for_a_number_listed_twice_with_different_campaigns(cli: Any, api: SendPathApi) -> None:
    api.assignments.append(assignment(LONG, "c-2", "PENDING_ASSIGNMENT"))
    code, report = doctor(cli, "--all")
    unknown = {u["cause"]: u["numbers"] for u in report["unknown"]}
    assert unknown == {"10dlc_assignment": [LONG]} and code == 0
    sender = next(s for s in report["senders"] if s["number"] == LONG)
    assert "2 different assignments" in sender["checks"][-1]["detail"]


def test_a_server_that_clamps_the_toll_free_page_size_is_followed(cli: Any, api: SendPathApi) -> None:
    api.clamp_toll_free = 40
    api.numbers[:] = [number(f"+1833555{i:04d}", P, kind="tollfree") for i in range(130)]
    api.tf_requests[:] = [tf_request(f"r-{i}", [f"+1833555{i:04d}"], "Verified") for i in range(130)]
    code, report = doctor(cli, "--all")
    assert code == 0 and report["ready_count"] == 130
    pages = [q["page"] for m, p, q in api.received if p.endswith("/verification/requests")]
    assert sorted(pages, key=int) == ["1", "2", "3", "4"]


def test_the_code_table_is_in_the_docs_with_a_source_per_row() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "doctor.md").read_text(encoding="utf-8")
    for row in message_codes.ROWS:
        assert row.source and f"`{row.code}`" in doc, row.code
    for table in tables.TABLES.values():
        for value in table:
            assert f"`{value}`" in doc, value


def test_401_on_opt_outs_is_unknown_and_a_bare_answer_that_is_not_an_object_exits_6(cli: Any, api: SendPathApi) -> None:
    api.unauthorized = ("/v2/messaging_optouts",)
    code, report = doctor(cli, "--from", LONG, "--to", TO)
    o = check(report, "destination_opted_out")
    assert code == 0 and o["status"] == "unknown" and "HTTP 401" in o["detail"]
    api.override[f"/v2/10dlc/phone_number_campaigns/{LONG}"] = (200, [assignment(LONG, "c-1")])
    res = cli("doctor", "--from", LONG, "--to", TO)
    assert res.exit_code == 6 and "without a JSON object" in res.stderr and "Traceback" not in res.stderr


def test_a_10dlc_page_larger_than_asked_is_refused(cli: Any, api: SendPathApi) -> None:
    many = [assignment(f"+1312555{i:04d}", "c-1") for i in range(300)]
    api.override["/v2/10dlc/phone_number_campaigns"] = (200, {"records": many, "page": 1, "totalRecords": 300})
    res = cli("doctor", "--all")
    assert res.exit_code == 6 and "300 records for a page of 250" in res.stderr
