"""`msgprof doctor` against the sandbox: each check passes and fails, with its exit code and the
JSON shape of issue 23; countries from the numbering plan; the cost of a route in requests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.sandbox.server import Sandbox

STATUSES = {"pass", "fail", "warn", "unknown"}
TOLL_FREE = "+18005550100"  # Demo Alerts (US, CA; no webhook): domestic-only SMS, no MMS
TOLL_FREE_SPAMMY = "+18885550101"  # Demo Marketing (US; webhook): a health that looks like spam
TOLL_FREE_HEALTHY = "+18885550100"  # Demo Marketing
LONG_CODE = "+12025550100"  # free: international SMS and MMS
US, GB, CA = "+12025550123", "+447700900123", "+14165550199"


@pytest.fixture
def demo(sandbox: Sandbox) -> Iterator[dict[str, str]]:
    """The sandbox's demo data: profile ids by name."""
    sandbox.seed_demo_data(seed=1)
    yield {p["name"]: p["id"] for p in sandbox.profiles()}


def doctor(cli: Any, *args: str) -> tuple[int, dict[str, Any]]:
    """doctor --json: the exit code and the report, whose shape is checked on the way."""
    res = cli("doctor", *args, "--json")
    assert res.exit_code in (0, 9), (res.exit_code, res.stdout, res.stderr)
    report = json.loads(res.stdout)
    assert list(report) == ["ready", "from", "to", "destination_country", "checks"]
    for check in report["checks"]:
        assert list(check) == ["check", "status", "detail", "fix"]
        assert check["status"] in STATUSES and isinstance(check["detail"], str) and check["detail"]
        # a command, or the words of a fix no command makes ("the recipient texts START")
        assert check["fix"] is None or (isinstance(check["fix"], str) and check["fix"].strip() == check["fix"] != "")
    assert report["ready"] == (not any(c["status"] == "fail" for c in report["checks"]))
    assert res.exit_code == (0 if report["ready"] else 9)
    if res.exit_code == 9:  # --json: the error is JSON on stderr too
        assert json.loads(res.stderr)["exit_code"] == 9
    return res.exit_code, report


def check(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [c for c in report["checks"] if c["check"] == name]
    assert len(found) == 1, (name, report["checks"])
    return found[0]


def names(report: dict[str, Any]) -> list[str]:
    return [c["check"] for c in report["checks"]]


# --------------------------------------------------------------------------- a number's route


def test_a_route_that_nothing_blocks_passes_every_profile_and_number_check(cli: Any, demo: dict[str, str]) -> None:
    """The send-path checks (opt-outs, verification) are what the sandbox serves of them: their
    outcomes are pinned against a scripted server in tests/test_doctor_sendpath.py."""
    code, report = doctor(cli, "--from", TOLL_FREE_HEALTHY, "--to", US)
    assert (report["from"], report["to"], report["destination_country"]) == (TOLL_FREE_HEALTHY, US, "US")
    assert names(report) == [
        "number_on_account",
        "number_on_profile",
        "profile_enabled",
        "destination_whitelisted",
        "destination_opted_out",
        "sms_features",
        "messaging_product",
        "toll_free_verification",
        "webhook_url",
        "number_health",
        "daily_spend_limit",
    ]
    send_path = {"destination_opted_out", "toll_free_verification"}
    assert {c["status"] for c in report["checks"] if c["check"] not in send_path} == {"pass"}


def test_number_on_account_fails_for_a_number_the_account_does_not_have(cli: Any, demo: dict[str, str]) -> None:
    code, report = doctor(cli, "--from", "+12025550199", "--to", US)
    assert code == 9
    assert report["checks"] == [
        {
            "check": "number_on_account",
            "status": "fail",
            "detail": "+12025550199 is not a number of this account (the API lists no messaging settings for it, "
            "and it is not among the hosted numbers)",
            "fix": None,
        }
    ]


def test_number_on_profile_fails_for_a_fresh_number_and_names_the_assign_command(
    cli: Any, demo: dict[str, str]
) -> None:
    code, report = doctor(cli, "--from", LONG_CODE, "--to", GB)
    assert code == 9
    assert check(report, "number_on_account")["status"] == "pass"
    on = check(report, "number_on_profile")
    assert on["status"] == "fail" and "40305" in on["detail"]
    assert on["fix"] == f"msgprof numbers assign PROFILE {LONG_CODE}"
    assert "profile_enabled" not in names(report)  # no profile: its checks are left out
    # with --profile, the rest is checked as if the number were on it
    code, report = doctor(cli, "--from", LONG_CODE, "--to", GB, "--profile", "Demo Alerts")
    assert check(report, "number_on_profile")["fix"] == f"msgprof numbers assign 'Demo Alerts' {LONG_CODE}"
    assert check(report, "destination_whitelisted")["status"] == "fail"


def test_number_on_another_profile_than_the_one_named_is_moved(cli: Any, demo: dict[str, str]) -> None:
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US, "--profile", "Demo Marketing")
    on = check(report, "number_on_profile")
    assert code == 9 and on["status"] == "fail"
    assert on["fix"] == f"msgprof numbers assign 'Demo Marketing' {TOLL_FREE} --move"
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US, "--profile", demo["Demo Alerts"])
    assert code == 0 and check(report, "number_on_profile")["status"] == "pass"


def test_profile_enabled_passes_and_fails(cli: Any, demo: dict[str, str], sandbox: Sandbox) -> None:
    assert check(doctor(cli, "--from", TOLL_FREE, "--to", US)[1], "profile_enabled")["status"] == "pass"
    sandbox.update(demo["Demo Alerts"], {"enabled": False})
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US)
    assert code == 9
    assert check(report, "profile_enabled") == {
        "check": "profile_enabled",
        "status": "fail",
        "detail": "profile 'Demo Alerts' is disabled",
        "fix": "msgprof update 'Demo Alerts' --enabled",
    }


def test_destination_whitelisted_passes_fails_and_takes_star(cli: Any, demo: dict[str, str], sandbox: Sandbox) -> None:
    assert check(doctor(cli, "--from", TOLL_FREE, "--to", CA)[1], "destination_whitelisted")["status"] == "pass"
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", GB)
    white = check(report, "destination_whitelisted")
    assert (
        code == 9 and white["status"] == "fail" and "GB is not in whitelisted_destinations (US, CA)" in white["detail"]
    )
    assert white["fix"] == "msgprof update 'Demo Alerts' --whitelist US,CA,GB"
    sandbox.update(demo["Demo Alerts"], {"whitelisted_destinations": ["*"]})
    assert check(doctor(cli, "--from", TOLL_FREE, "--to", GB)[1], "destination_whitelisted")["status"] == "pass"


def test_sms_features_domestic_and_international(cli: Any, demo: dict[str, str], sandbox: Sandbox) -> None:
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US)
    assert check(report, "sms_features")["detail"] == f"{TOLL_FREE}: domestic SMS (US to US)"
    sandbox.update(demo["Demo Alerts"], {"whitelisted_destinations": ["US", "GB"]})
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", GB)  # toll-free: domestic only
    features = check(report, "sms_features")
    assert code == 9 and features["status"] == "fail" and features["fix"] is None
    assert features["detail"].startswith(f"{TOLL_FREE}: no international outbound SMS (US to GB)")
    code, report = doctor(cli, "--from", LONG_CODE, "--to", GB, "--profile", "Demo Alerts")
    assert check(report, "sms_features") == {
        "check": "sms_features",
        "status": "pass",
        "detail": f"{LONG_CODE}: international outbound SMS (US to GB)",
        "fix": None,
    }


def test_sms_features_fail_without_domestic_two_way(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    number = {
        "phone_number": "+12025550142",
        "features": {"sms": {"domestic_two_way": False, "international_inbound": True, "international_outbound": True}},
    }
    with _sandbox_with(monkeypatch, [number]) as sb:
        _assign(sb, "+12025550142")
        code, report = doctor(cli, "--from", "+12025550142", "--to", US)
    assert code == 9 and check(report, "sms_features")["status"] == "fail"  # and no 10DLC assignment
    assert "no domestic two-way SMS (US to US)" in check(report, "sms_features")["detail"]


def test_mms_features_pass_and_fail(cli: Any, demo: dict[str, str]) -> None:
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US, "--mms")  # features.mms is null
    assert code == 9 and "sms_features" not in names(report)
    assert check(report, "mms_features")["detail"].startswith(f"{TOLL_FREE}: no MMS features (features.mms is null)")
    code, report = doctor(cli, "--from", LONG_CODE, "--to", US, "--mms", "--profile", "Demo Alerts")
    assert check(report, "mms_features")["status"] == "pass"


def test_within_plus_1_a_domestic_only_number_is_unknown_not_pass_or_fail(cli: Any, demo: dict[str, str]) -> None:
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", CA)  # US toll-free to Canada: both +1
    features = check(report, "sms_features")
    assert code == 0 and features["status"] == "unknown" and "share +1" in features["detail"]


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("+12645550100", "AI"),  # +1 264: Anguilla, not the US
        ("+14165550199", "CA"),  # +1 416: Toronto
        ("+17875550123", "PR"),  # +1 787: Puerto Rico
        ("+12025550123", "US"),
        ("+77012345678", "KZ"),  # +7 7xx: Kazakhstan, not Russia
        ("+79161234567", "RU"),
        ("+447700900123", "GB"),
        ("+80012345678", None),  # +800: international freephone, no country
    ],
)
def test_the_destination_country_comes_from_the_numbering_plan(
    cli: Any, demo: dict[str, str], number: str, country: str | None
) -> None:
    _, report = doctor(cli, "--from", TOLL_FREE, "--to", number)
    assert report["destination_country"] == country
    white = check(report, "destination_whitelisted")
    assert white["status"] == ("unknown" if country is None else "pass" if country in ("US", "CA") else "fail")


def test_a_number_in_anguilla_sending_to_the_us_is_international(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    domestic_only = {"domestic_two_way": True, "international_inbound": False, "international_outbound": False}
    numbers = [
        {"phone_number": "+12645550100", "country_code": "AI", "features": {"sms": domestic_only, "mms": None}},
        {"phone_number": "+77012345678", "country_code": "KZ", "features": {"sms": domestic_only, "mms": None}},
    ]
    with _sandbox_with(monkeypatch, numbers) as sb:
        _assign(sb, "+12645550100", "+77012345678", whitelist=("US", "RU", "KZ"))
        _, anguilla = doctor(cli, "--from", "+12645550100", "--to", US)
        _, kazakhstan = doctor(cli, "--from", "+77012345678", "--to", "+79161234567")
        _, at_home = doctor(cli, "--from", "+77012345678", "--to", "+77012345679")
    assert "(AI to US)" in check(anguilla, "sms_features")["detail"]
    assert check(anguilla, "sms_features")["status"] == "unknown"  # +1 on both sides: not in the API
    assert check(kazakhstan, "sms_features")["status"] == "fail"  # +7 on both sides, two countries
    assert "(KZ to RU)" in check(kazakhstan, "sms_features")["detail"]
    assert check(at_home, "sms_features")["detail"] == "+77012345678: domestic SMS (KZ to KZ)"


# --------------------------------------------------------------------------- alphanumeric senders


def _sender(sandbox: Sandbox, profile_id: str, fallback: str | None = None) -> None:
    item: dict[str, Any] = {"record_type": "alphanumeric_sender_id", "alphanumeric_sender_id": "Acme"}
    if fallback:
        item["us_long_code_fallback"] = fallback
    sandbox.seed("alphanumeric_sender_ids", profile_id, item)


def test_a_sender_id_on_no_profile_fails_with_the_add_command(cli: Any, demo: dict[str, str]) -> None:
    code, report = doctor(cli, "--from", "Acme", "--to", GB)
    assert code == 9
    assert report["checks"] == [
        {
            "check": "sender_id_on_profile",
            "status": "fail",
            "detail": "no messaging profile has the sender ID Acme",
            "fix": "msgprof sender-ids add PROFILE Acme",
        }
    ]
    _, report = doctor(cli, "--from", "Acme", "--to", GB, "--profile", "Demo Marketing")
    assert check(report, "sender_id_on_profile")["fix"] == "msgprof sender-ids add 'Demo Marketing' Acme"


def test_a_sender_id_reaches_gb_and_its_registration_is_unknown(
    cli: Any, demo: dict[str, str], sandbox: Sandbox
) -> None:
    _sender(sandbox, demo["Demo Marketing"])
    sandbox.update(demo["Demo Marketing"], {"whitelisted_destinations": ["GB"]})
    code, report = doctor(cli, "--from", "Acme", "--to", GB)
    assert code == 0
    assert names(report) == [
        "sender_id_on_profile",
        "profile_enabled",
        "destination_whitelisted",
        "destination_opted_out",
        "alphanumeric_destination",
        "sender_id_registration",
        "webhook_url",
        "daily_spend_limit",
    ]
    assert check(report, "alphanumeric_destination")["status"] == "pass"
    assert check(report, "sender_id_registration")["status"] == "unknown"


@pytest.mark.parametrize(
    ("to", "fallback", "status"),
    [
        (US, None, "fail"),
        (CA, None, "fail"),
        ("+17875550123", None, "fail"),  # Puerto Rico
        (US, "+12025550101", "pass"),  # the fallback long code sends instead
        (CA, "+12025550101", "pass"),
        ("+17875550123", "+12025550101", "unknown"),  # the fallback is not documented for PR
    ],
)
def test_the_us_canada_and_puerto_rico_refuse_alphanumeric_senders(
    cli: Any, demo: dict[str, str], sandbox: Sandbox, to: str, fallback: str | None, status: str
) -> None:
    _sender(sandbox, demo["Demo Marketing"], fallback)
    sandbox.update(demo["Demo Marketing"], {"whitelisted_destinations": ["*"]})
    code, report = doctor(cli, "--from", "Acme", "--to", to)
    assert check(report, "alphanumeric_destination")["status"] == status
    assert code == (9 if status == "fail" else 0)


def test_a_sender_id_sends_no_mms(cli: Any, demo: dict[str, str], sandbox: Sandbox) -> None:
    _sender(sandbox, demo["Demo Marketing"])
    sandbox.update(demo["Demo Marketing"], {"whitelisted_destinations": ["GB"]})
    code, report = doctor(cli, "--from", "Acme", "--to", GB, "--mms")
    assert code == 9 and check(report, "mms_features")["status"] == "fail"


def test_a_sender_id_on_two_profiles_needs_profile(cli: Any, demo: dict[str, str], sandbox: Sandbox) -> None:
    _sender(sandbox, demo["Demo Marketing"])
    _sender(sandbox, demo["Demo Alerts"])
    res = cli("doctor", "--from", "Acme", "--to", GB)
    assert res.exit_code == 5 and res.stdout == ""
    assert "2 messaging profiles have the sender ID 'Acme'" in res.stderr and "--profile" in res.stderr
    _, report = doctor(cli, "--from", "Acme", "--to", US, "--profile", "Demo Alerts")
    assert check(report, "sender_id_on_profile")["status"] == "pass"


def test_the_profiles_alpha_sender_field_counts_as_a_sender_id(
    cli: Any, demo: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox.update(demo["Demo Marketing"], {"alpha_sender": "Acme", "whitelisted_destinations": ["GB"]})
    code, report = doctor(cli, "--from", "Acme", "--to", GB)
    assert code == 0 and check(report, "sender_id_on_profile")["status"] == "pass"


# --------------------------------------------------------------------------- warnings and unknowns


def test_webhook_url_passes_and_warns(cli: Any, demo: dict[str, str]) -> None:
    assert check(doctor(cli, "--from", TOLL_FREE_HEALTHY, "--to", US)[1], "webhook_url")["status"] == "pass"
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US)
    assert code == 0  # a warning does not block
    assert check(report, "webhook_url") == {
        "check": "webhook_url",
        "status": "warn",
        "detail": "no webhook_url: no delivery receipts, and inbound messages reach no one",
        "fix": "msgprof update 'Demo Alerts' --webhook-url URL",
    }


def test_health_passes_and_warns(cli: Any, demo: dict[str, str]) -> None:
    healthy = check(doctor(cli, "--from", TOLL_FREE_HEALTHY, "--to", US)[1], "number_health")
    assert healthy == {
        "check": "number_health",
        "status": "pass",
        "detail": "spam 1%, delivered 97% over 1200 messages",
        "fix": None,
    }
    code, report = doctor(cli, "--from", TOLL_FREE_SPAMMY, "--to", US)
    health = check(report, "number_health")
    assert code == 0 and health["status"] == "warn"
    assert health["detail"].startswith("spam ratio 9% (above 5%), success ratio 71% (below 80%) over 800 messages")


def test_daily_spend_limit_passes_and_warns_when_enabled_and_zero(
    cli: Any, demo: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox.update(demo["Demo Alerts"], {"daily_spend_limit": "100.00", "daily_spend_limit_enabled": True})
    assert check(doctor(cli, "--from", TOLL_FREE, "--to", US)[1], "daily_spend_limit")["detail"] == (
        "at most 100.00 USD a day"
    )
    sandbox.update(demo["Demo Alerts"], {"daily_spend_limit": "0"})
    code, report = doctor(cli, "--from", TOLL_FREE, "--to", US)
    spend = check(report, "daily_spend_limit")
    assert code == 0 and spend["status"] == "warn"
    assert spend["fix"] == "msgprof update 'Demo Alerts' --no-daily-spend-limit-enabled"


def test_registration_is_checked_for_us_routes_only_and_is_never_pass_unread(cli: Any, demo: dict[str, str]) -> None:
    """Each outcome is pinned in tests/test_doctor_sendpath.py; here: which routes have which check."""
    toll_free = check(doctor(cli, "--from", TOLL_FREE, "--to", US)[1], "toll_free_verification")
    assert toll_free["status"] in ("fail", "unknown", "pass") and toll_free["detail"]
    _, report = doctor(cli, "--from", LONG_CODE, "--to", US, "--profile", "Demo Alerts")
    assert check(report, "10dlc_assignment")["detail"]
    _, abroad = doctor(cli, "--from", LONG_CODE, "--to", GB, "--profile", "Demo Alerts")
    assert not {"10dlc_assignment", "10dlc_campaign", "10dlc_brand"} & set(names(abroad))  # 10DLC is US to US only


def test_messaging_product_passes_warns_and_fails(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = [
        {"phone_number": "+12025550142", "messaging_product": "P2P", "eligible_messaging_products": ["P2P", "A2P"]},
        {"phone_number": "+12025550143", "messaging_product": "P2P", "eligible_messaging_products": ["A2P"]},
        {"phone_number": "+12025550144", "messaging_product": "P2P", "eligible_messaging_products": []},
    ]
    with _sandbox_with(monkeypatch, numbers) as sb:
        _assign(sb, "+12025550142", "+12025550143", "+12025550144")
        statuses = [
            check(doctor(cli, "--from", str(n["phone_number"]), "--to", US)[1], "messaging_product")["status"]
            for n in numbers
        ]
    assert statuses == ["pass", "warn", "fail"]


# --------------------------------------------------------------------------- input and output


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--from", "+1 202", "--to", US], 3, "FROM is not an E.164 phone number"),
        (["--from", "Acme!", "--to", US], 3, "neither a +E.164 phone number nor an alphanumeric sender ID"),
        (["--from", "123456789012", "--to", US], 3, "FROM is not an E.164 phone number"),
        (["--from", "Twelve chars", "--to", US], 3, "neither"),
        (["--from", TOLL_FREE, "--to", "+4412"], 3, "TO is not an E.164 phone number"),
        (["--from", TOLL_FREE, "--to", "+12025"], 3, "TO is not an E.164 phone number"),
        (["--from", TOLL_FREE, "--to", "+120255501234567"], 3, "a length that no number of +1 has"),
        (["--from", TOLL_FREE, "--to", "+9991234567"], 3, "no country calling code that the numbering plan knows"),
        (["--from", TOLL_FREE], 2, "--to missing"),
        (["--to", US], 2, "--from missing"),
        ([], 2, "--from and --to missing"),
        (["--from", TOLL_FREE, "--to", US, "-f", "x.yaml"], 2, "-f takes no route option"),
        (["--message", "m1", "--all"], 2, "--message and --all are different checks"),
        (["--message", "m1", "--profile", "P"], 2, "--message takes no route option"),
        (["--all", "--to", US], 2, "--all takes --profile"),
        (["--from", "1234567890123", "--to", US], 3, "FROM is not an E.164 phone number"),
    ],
)
def test_bad_input_exits_2_or_3_before_any_request(
    cli: Any, sandbox: Sandbox, args: list[str], code: int, says: str
) -> None:
    res = cli("doctor", *args)
    assert (res.exit_code, res.stdout) == (code, ""), res.stderr
    assert says in res.stderr and "Traceback" not in res.stderr
    assert sandbox.received == []


def test_text_output_is_a_checklist_whose_failing_lines_end_with_the_fix(cli: Any, demo: dict[str, str]) -> None:
    res = cli("doctor", "--from", TOLL_FREE, "--to", GB)
    assert res.exit_code == 9
    lines = res.stdout.splitlines()
    assert lines[0] == f"{TOLL_FREE} to {GB} (GB)"
    assert lines[1] == f"  ok    number_on_account: {TOLL_FREE}: tollfree, US"
    fail = [ln for ln in lines if ln.startswith("  FAIL")]
    assert fail[0].endswith("  -> msgprof update 'Demo Alerts' --whitelist US,CA,GB")
    assert fail[1].startswith(f"  FAIL  sms_features: {TOLL_FREE}: no international outbound SMS (US to GB)")
    assert res.stderr.startswith("msgprof: error: 2 checks failed: destination_whitelisted, sms_features")
    ready = cli("doctor", "--from", TOLL_FREE_HEALTHY, "--to", US)
    assert ready.exit_code == 0 and ready.stderr == ""
    assert ready.stdout.splitlines()[-1].startswith("ready: nothing blocks this message (")


# --------------------------------------------------------------------------- cost


def _requests(sandbox: Sandbox, cli: Any, *args: str) -> list[str]:
    before = len(sandbox.received)
    res = cli("doctor", *args, "--json")
    assert res.exit_code in (0, 9), res.stderr
    return [f"{r.method} {r.path}" for r in sandbox.received[before:]]


def test_one_route_costs_at_most_6_requests(cli: Any, demo: dict[str, str], sandbox: Sandbox) -> None:
    _sender(sandbox, demo["Demo Marketing"])
    sandbox.update(demo["Demo Alerts"], {"alpha_sender": "Zeta"})
    routes = [
        ["--from", TOLL_FREE, "--to", GB],
        ["--from", TOLL_FREE, "--to", GB, "--profile", "Demo Marketing"],
        ["--from", TOLL_FREE, "--to", GB, "--profile", demo["Demo Alerts"]],
        ["--from", LONG_CODE, "--to", GB],
        ["--from", "+12025550199", "--to", GB],
        ["--from", "Acme", "--to", GB],
        ["--from", "Acme", "--to", GB, "--profile", "Demo Marketing"],
        ["--from", "Zeta", "--to", GB],  # found through the profile's alpha_sender field
        ["--from", "Nobody", "--to", GB],
    ]
    counts = [len(_requests(sandbox, cli, *route)) for route in routes]
    # + the destination's opt-outs, a toll-free number's verification, a number not found among the hosted ones
    assert counts == [4, 4, 4, 1, 2, 3, 3, 4, 2]
    assert _requests(sandbox, cli, "--from", TOLL_FREE, "--to", US) == [
        "GET /v2/phone_numbers/messaging",
        f"GET /v2/messaging_profiles/{demo['Demo Alerts']}",
        "GET /v2/messaging_optouts",
        "GET /v2/messaging_tollfree/verification/requests",
    ]


# --------------------------------------------------------------------------- doctor -f

DOCUMENTS = """\
name: Demo Alerts
whitelisted_destinations: [US, CA, GB]
phone_numbers:
  - +18005550100
  - +12025550100
  - +12025550199
alphanumeric_sender_ids:
  - sender_id: Acme
---
name: Demo Marketing
whitelisted_destinations: ["*"]
---
name: Brand New
whitelisted_destinations: [DE, KZ]
alpha_sender: Acme
webhook_url: https://example.com/hooks
"""


def test_doctor_f_reports_each_profiles_refused_routes(cli: Any, demo: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "profiles.yaml"
    path.write_text(DOCUMENTS)
    res = cli("doctor", "-f", str(path), "--json")
    assert res.exit_code == 9, res.stderr
    reports = json.loads(res.stdout)
    assert [(r["profile"], r["ready"]) for r in reports] == [
        ("Demo Alerts", False),
        ("Demo Marketing", True),
        ("Brand New", True),
    ]
    for r in reports:
        assert list(r) == ["ready", "profile", "source", "from", "to", "checks"]
        assert all(list(c) == ["check", "status", "detail", "fix"] for c in r["checks"])
    alerts, marketing, new = reports
    assert alerts["from"] == ["+18005550100", "+12025550100", "+12025550199", "Acme"]
    assert alerts["to"] == ["US", "CA", "GB"]
    failed = [c["detail"] for c in alerts["checks"] if c["status"] == "fail"]
    assert failed == [
        "+18005550100 to GB: no international outbound SMS (from US)",
        # the sandbox's demo gives this long code no 10DLC campaign (sandbox/sendpath_demo.py)
        "+12025550100 is assigned to no 10DLC campaign: US carriers refuse or filter A2P messages "
        "from an unregistered long code to the US",
        "+12025550199 is not a number of this account",
        "Acme to US: United States (US) refuses alphanumeric senders: send from a number, "
        "or give the sender ID a US long-code fallback",
        "Acme to CA: Canada (CA) refuses alphanumeric senders: send from a number, "
        "or give the sender ID a US long-code fallback",
    ]
    # no phone_numbers section: the live profile's numbers; "*" makes a domestic-only number a warning
    assert marketing["from"] == ["+18885550100", "+18885550101"]
    assert [c["status"] for c in marketing["checks"] if c["check"] == "sms_features"] == [
        "pass",
        "warn",
        "pass",
        "warn",
    ]
    assert new["from"] == ["Acme"] and all(c["status"] in ("pass", "unknown") for c in new["checks"])
    assert json.loads(res.stderr)["message"] == "routes would be refused for 1 of 3 profiles: Demo Alerts"


def test_doctor_f_lists_the_inventory_once_whatever_the_documents(
    cli: Any, demo: dict[str, str], sandbox: Sandbox, tmp_path: Path
) -> None:
    docs = "\n---\n".join(
        f"name: P{i}\nwhitelisted_destinations: [US, GB]\nphone_numbers: [+1303555{i:04d}]" for i in range(12)
    )
    (tmp_path / "many.yaml").write_text(docs + "\n---\n" + DOCUMENTS)
    sent = _requests(sandbox, cli, "-f", str(tmp_path / "many.yaml"))
    assert sorted(sent) == [  # side by side: in any order
        "GET /v2/10dlc/phone_number_campaigns",  # a US long code to US, and a toll-free number: listed once
        "GET /v2/alphanumeric_sender_ids",
        "GET /v2/messaging_profiles",
        "GET /v2/messaging_tollfree/verification/requests",
        "GET /v2/phone_numbers/messaging",
    ]
    # every document lists its sender IDs: the account's are not listed
    only_numbers = tmp_path / "numbers.yaml"
    only_numbers.write_text(docs.replace("phone_numbers:", "alphanumeric_sender_ids: []\nphone_numbers:"))
    assert sorted(_requests(sandbox, cli, "-f", str(only_numbers))) == [
        "GET /v2/messaging_profiles",
        "GET /v2/phone_numbers/messaging",
    ]


def test_doctor_f_exits_0_when_every_route_is_open_and_3_on_an_invalid_document(
    cli: Any, demo: dict[str, str], sandbox: Sandbox, tmp_path: Path
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: Demo Marketing\nwhitelisted_destinations: [US]\n")
    res = cli("doctor", "-f", str(good))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines()[0] == f"Demo Marketing  [{good}]  ready"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nwhitelisted_destinations: [UK]\n")
    before = len(sandbox.received)
    res = cli("doctor", "-f", str(bad))
    assert res.exit_code == 3 and "nothing was checked" in res.stderr and len(sandbox.received) == before


# --------------------------------------------------------------------------- properties

E164_TEXT = st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sender=st.one_of(E164_TEXT, st.sampled_from([TOLL_FREE, LONG_CODE, "Acme"])), to=E164_TEXT)
def test_any_e164_route_exits_0_3_or_9_with_the_shape(cli: Any, demo: dict[str, str], sender: str, to: str) -> None:
    res = cli("doctor", "--from", sender, "--to", to, "--json")
    assert res.exit_code in (0, 3, 9), res.stderr
    assert "Traceback" not in res.stderr
    if res.exit_code == 3:
        assert res.stdout == "" and json.loads(res.stderr)["exit_code"] == 3
        return
    report = json.loads(res.stdout)
    assert report["ready"] == (res.exit_code == 0) == (not any(c["status"] == "fail" for c in report["checks"]))
    assert report["destination_country"] is None or re.fullmatch(r"[A-Z]{2}", report["destination_country"])


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=16))
def test_from_and_to_are_read_without_ever_crashing(text: str) -> None:
    """Any text as FROM or TO is a route or an InvalidInput (exit 3): nothing else escapes."""
    from msgprof_cli.declarative.doctor import read_route
    from msgprof_cli.errors import InvalidInput

    for sender, to in ((text, US), (TOLL_FREE, text)):
        try:
            route = read_route(sender, to)
        except InvalidInput as exc:
            assert exc.exit_code == 3 and exc.message
            continue
        assert route.kind in ("number", "sender_id") and route.to == to


# --------------------------------------------------------------------------- helpers


def _sandbox_with(monkeypatch: pytest.MonkeyPatch, numbers: list[dict[str, Any]]) -> Sandbox:
    """A sandbox (not yet started) whose inventory is these numbers, msgprof pointed at it."""
    sb = Sandbox("127.0.0.1", 0, numbers=numbers)
    monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
    return sb


def _assign(sb: Sandbox, *numbers: str, whitelist: tuple[str, ...] = ("US",)) -> None:
    """A profile named Doctor with these numbers on it."""
    profile = sb.create({"name": "Doctor", "whitelisted_destinations": list(whitelist)})
    with sb.state.lock:
        for n in sb.state.related["phone_numbers"]:
            if n["phone_number"] in numbers:
                n["messaging_profile_id"] = profile["id"]


COUNTRIES = ["US", "CA", "AI", "PR", "GB", "DE", "KZ", "RU", "FR"]
FLAGS_KEYS = ("domestic_two_way", "international_inbound", "international_outbound")
HEALTH_KEYS = ("inbound_outbound_ratio", "message_count", "spam_ratio", "success_ratio")
FLAGS = st.fixed_dictionaries(
    {"domestic_two_way": st.booleans(), "international_inbound": st.booleans(), "international_outbound": st.booleans()}
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sms=st.one_of(st.none(), FLAGS),
    origin=st.sampled_from(["US", "CA", "GB", "KZ"]),
    whitelist=st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=4, unique=True),
)
def test_doctor_f_and_one_route_agree_on_every_route(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sms: Any, origin: str, whitelist: list[str]
) -> None:
    """For each whitelisted country, -f's verdict on a number's route is the one-route verdict."""
    import phonenumbers

    def example(country: str) -> str:
        number = phonenumbers.example_number(country)
        assert number is not None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    sender = example(origin)
    path = tmp_path / "doc.yaml"
    path.write_text(f"name: Doctor\nwhitelisted_destinations: [{', '.join(whitelist)}]\nphone_numbers: [{sender}]\n")
    with _sandbox_with(monkeypatch, [{"phone_number": sender, "features": {"sms": sms, "mms": None}}]) as sb:
        _assign(sb, sender, whitelist=tuple(whitelist))
        res = cli("doctor", "-f", str(path), "--json")
        assert res.exit_code in (0, 9), res.stderr
        (report,) = json.loads(res.stdout)
        for country in whitelist:
            _, one = doctor(cli, "--from", sender, "--to", example(country))
            assert one["destination_country"] == country
            single = check(one, "sms_features")["status"]
            grouped = [
                c["status"]
                for c in report["checks"]
                if c["check"] == "sms_features" and country in c["detail"].split(":")[0].split(" to ")[1].split(", ")
            ]
            assert grouped == [single], (country, report["checks"], single)
    assert report["ready"] == all(c["status"] != "fail" for c in report["checks"])


@pytest.mark.parametrize("width", [40, 80, 120])
def test_the_checklist_at_a_colour_terminal_keeps_every_word_and_the_fix_whole(
    demo: dict[str, str], width: int
) -> None:
    from screens import screen

    shown = screen("doctor", "--from", TOLL_FREE, "--to", GB, width=width)
    assert shown.code == 9 and "\x1b[" in shown.out  # styled
    lines = shown.text.splitlines()
    # wrapped at spaces: a line is longer than the screen only when it is one word (an id) kept whole
    assert all(len(line) <= width or len(line.split()) == 1 for line in lines)
    fix = "msgprof update 'Demo Alerts' --whitelist US,CA,GB"
    words = " ".join(shown.text.split())
    assert fix in words  # wrapped at spaces only: no character of the command is lost
    assert "US,CA,GB" in shown.text and TOLL_FREE in shown.text  # a number or a list is never cut


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
FEATURE_SET = st.one_of(JSON_VALUES, st.fixed_dictionaries({}, optional={k: JSON_VALUES for k in FLAGS_KEYS}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    features=st.one_of(JSON_VALUES, st.fixed_dictionaries({}, optional={"sms": FEATURE_SET, "mms": FEATURE_SET})),
    health=st.one_of(JSON_VALUES, st.fixed_dictionaries({}, optional={k: JSON_VALUES for k in HEALTH_KEYS})),
    kind=JSON_VALUES,
    eligible=JSON_VALUES,
    mms=st.booleans(),
)
def test_any_shape_of_a_numbers_settings_never_crashes_doctor(
    cli: Any, monkeypatch: pytest.MonkeyPatch, features: Any, health: Any, kind: Any, eligible: Any, mms: bool
) -> None:
    """Whatever the API says of a number's features, health, type or products: exit 0 or 9, never 1."""
    number = {
        "phone_number": "+12025550142",
        "features": features,
        "health": health,
        "type": kind,
        "eligible_messaging_products": eligible,
    }
    with _sandbox_with(monkeypatch, [number]) as sb:
        _assign(sb, "+12025550142", whitelist=("US", "GB"))
        for to in (US, GB):
            res = cli("doctor", "--from", "+12025550142", "--to", to, "--json", *(["--mms"] if mms else []))
            assert res.exit_code in (0, 9), res.stderr
            assert json.loads(res.stdout)["ready"] == (res.exit_code == 0)
