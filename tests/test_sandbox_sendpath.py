"""The sandbox's send path (issue 29, deliverable 5): 10DLC brands, campaigns and number
assignments, toll-free verification requests, opt-outs, hosted numbers and messages.

Invariants pinned here:
- every answer (success and error) is what the spec subset documents for its path, method and
  status (tests/spec/telnyx-send-path.openapi.yaml);
- an assignment made here is PENDING_ASSIGNMENT until its number was polled ``order_polls`` times,
  then ASSIGNED; lists never advance it; a refused request (unknown campaign, a number not in the
  account, a second POST) changes nothing;
- the paged lists give every record exactly once, whatever the page size, and filter by campaign
  and brand;
- every collection is seedable through ``POST /_sandbox/reset`` and the state file, ids kept;
- ``--demo-data`` has one sender of each outcome, and leaves the first two demo profiles as they were;
- the generic features (auth, faults, latency) hold on the new routes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_check import SEND_PATH_SPEC, check_answer, load_spec

from msgprof_cli.errors import InvalidInput
from msgprof_cli.sandbox import sendpath_demo as demo
from msgprof_cli.sandbox.server import Faults, Sandbox
from msgprof_cli.sandbox.state import DEMO_NUMBERS, SENDPATH

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
BRAND, BRAND2 = "b-1", "b-2"
CAMP, CAMP2, CAMP3 = "c-1", "c-2", "c-3"
N0, N1, N2 = DEMO_NUMBERS[0], DEMO_NUMBERS[1], DEMO_NUMBERS[2]
VR = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
MSG = "0b0e9c1a-7f1e-4a3c-9d55-0a1c2e3f4a5b"
NOWHERE = "+19995550123"  # in no account


def call(sb: Sandbox, method: str, path: str, **kw: Any) -> requests.Response:
    kw.setdefault("headers", AUTH)
    return requests.request(method, sb.url + path, timeout=10, **kw)


def control(sb: Sandbox, method: str, name: str, **kw: Any) -> requests.Response:
    kw.setdefault("headers", AUTH)
    return requests.request(method, f"{sb.url.removesuffix('/v2')}/_sandbox/{name}", timeout=10, **kw)


def conform(spec_path: str, method: str, resp: requests.Response) -> requests.Response:
    check_answer(load_spec(SEND_PATH_SPEC), spec_path, method, resp.status_code, resp.json())
    return resp


def q(number: str) -> str:
    return quote(number, safe="")


SEED: dict[str, Any] = {
    "phone_numbers": [N0, N1, N2],
    "brands": [
        {"brandId": BRAND, "tcrBrandId": "BTCR1", "displayName": "Acme"},
        {
            "brandId": BRAND2,
            "displayName": "Unverified",
            "identityStatus": "UNVERIFIED",
            "status": "REGISTRATION_FAILED",
        },
    ],
    "campaigns": [
        {"campaignId": CAMP, "brandId": BRAND, "tcrCampaignId": "CTCR1", "tcrBrandId": "BTCR1"},
        {"campaignId": CAMP2, "brandId": BRAND},
        {"campaignId": CAMP3, "brandId": BRAND2, "campaignStatus": "TCR_PENDING"},
    ],
    "phone_number_campaigns": [
        {"phoneNumber": N1, "campaignId": CAMP, "telnyxCampaignId": CAMP, "brandId": BRAND},
    ],
    "tollfree_verifications": [
        {
            "id": VR,
            "phoneNumbers": [{"phoneNumber": "+18005550100"}],
            "verificationStatus": "Rejected",
            "reason": "No opt-in",
        }
    ],
    "profiles": [{"id": "p-1", "name": "P1"}],  # the opt-out's and hosted number's profile
    "optouts": [{"from": N1, "to": "+13125550142", "messaging_profile_id": "p-1", "keyword": "STOP"}],
    "hosted_numbers": [
        {"id": "h-1", "phone_number": "+17185550100", "messaging_profile_id": "p-1", "status": "pending"}
    ],
    "messages": [{"id": MSG, "errors": [{"code": "40300", "title": "Blocked due to STOP message"}]}],
}


@pytest.fixture
def seeded(sandbox: Sandbox) -> Sandbox:
    assert control(sandbox, "POST", "reset", json=SEED).status_code == 200
    return sandbox


# --------------------------------------------------------------------------- conformance

PNC, TFV = "/10dlc/phone_number_campaigns", "/messaging_tollfree/verification/requests"
CASES: list[tuple[str, str, str, dict[str, Any], int]] = [
    # (spec path, method, URL path, request kwargs, status)
    ("/10dlc/brand", "get", "/10dlc/brand?page=1&recordsPerPage=1", {}, 200),
    ("/10dlc/brand", "get", "/10dlc/brand?recordsPerPage=501", {}, 400),
    ("/10dlc/brand/{brandId}", "get", f"/10dlc/brand/{BRAND}", {}, 200),
    ("/10dlc/brand/{brandId}", "get", "/10dlc/brand/nope", {}, 404),
    ("/10dlc/campaign", "get", f"/10dlc/campaign?brandId={BRAND}", {}, 200),
    ("/10dlc/campaign", "get", "/10dlc/campaign", {}, 422),
    ("/10dlc/campaign", "get", f"/10dlc/campaign?brandId={BRAND}&page=0", {}, 422),
    ("/10dlc/campaign/{campaignId}", "get", f"/10dlc/campaign/{CAMP}", {}, 200),
    ("/10dlc/campaign/{campaignId}", "get", "/10dlc/campaign/nope", {}, 404),
    ("/10dlc/phone_number_campaigns", "get", f"{PNC}?filter[telnyx_brand_id]={BRAND}", {}, 200),
    ("/10dlc/phone_number_campaigns", "get", f"{PNC}?sort=sideways", {}, 400),
    ("/10dlc/phone_number_campaigns", "post", PNC, {"json": {"phoneNumber": N0, "campaignId": CAMP}}, 200),
    ("/10dlc/phone_number_campaigns", "post", PNC, {"json": {"phoneNumber": N2, "campaignId": "nope"}}, 422),
    ("/10dlc/phone_number_campaigns", "post", PNC, {"json": {"phoneNumber": N1, "campaignId": CAMP}}, 409),
    ("/10dlc/phone_number_campaigns/{phoneNumber}", "get", f"{PNC}/{q(N1)}", {}, 200),
    ("/10dlc/phone_number_campaigns/{phoneNumber}", "get", f"{PNC}/{q(N2)}", {}, 404),
    (
        "/10dlc/phone_number_campaigns/{phoneNumber}",
        "put",
        f"{PNC}/{q(N1)}",
        {"json": {"phoneNumber": N1, "campaignId": CAMP2}},
        200,
    ),
    ("/10dlc/phone_number_campaigns/{phoneNumber}", "delete", f"{PNC}/{q(N1)}", {}, 200),
    ("/10dlc/phone_number_campaigns/{phoneNumber}", "delete", f"{PNC}/{q(N1)}", {}, 404),
    (
        "/messaging_tollfree/verification/requests",
        "get",
        f"{TFV}?page=1&page_size=5&phone_number=%2B18005550100",
        {},
        200,
    ),
    ("/messaging_tollfree/verification/requests", "get", f"{TFV}?page=1", {}, 400),
    ("/messaging_tollfree/verification/requests/{id}", "get", f"{TFV}/{VR}", {}, 200),
    ("/messaging_tollfree/verification/requests/{id}", "get", f"{TFV}/{MSG}", {}, 404),
    (
        "/messaging_tollfree/verification/requests/{id}/status_history",
        "get",
        f"{TFV}/{VR}/status_history?page[number]=1&page[size]=10",
        {},
        200,
    ),
    ("/messaging_optouts", "get", "/messaging_optouts?filter[messaging_profile_id]=p-1", {}, 200),
    ("/messaging_optouts", "get", "/messaging_optouts?page[size]=0", {}, 400),
    ("/messaging_hosted_numbers", "get", "/messaging_hosted_numbers?filter[phone_number]=%2B17185550100", {}, 200),
    ("/messaging_hosted_numbers/{id}", "get", "/messaging_hosted_numbers/h-1", {}, 200),
    ("/messaging_hosted_numbers/{id}", "get", "/messaging_hosted_numbers/nope", {}, 404),
    ("/messages/{id}", "get", f"/messages/{MSG}", {}, 200),
    ("/messages/{id}", "get", f"/messages/{VR}", {}, 404),
    ("/messages/{id}", "get", "/messages/not-a-uuid", {}, 400),
]


def test_every_send_path_answer_conforms_to_the_spec(seeded: Sandbox) -> None:
    for spec_path, method, path, kw, status in CASES:
        resp = call(seeded, method.upper(), path, **kw)
        assert resp.status_code == status, (method, path, resp.status_code, resp.text[:300])
        conform(spec_path, method, resp)


def test_the_spec_covers_every_send_path_route_the_sandbox_serves() -> None:
    from msgprof_cli.sandbox.routes import ROUTES

    spec = load_spec(SEND_PATH_SPEC)
    served = {(CASE[1], CASE[0]) for CASE in CASES}
    for method, spec_path in served:
        assert method in spec["paths"][spec_path], (method, spec_path)
    patterns = [p.pattern for _, p, _ in ROUTES]
    for spec_path in {c[0] for c in CASES}:
        assert any(spec_path.split("{")[0].rstrip("/") in p for p in patterns), spec_path


def test_errors_say_what_was_wrong(seeded: Sandbox) -> None:
    unknown = call(seeded, "POST", PNC, json={"phoneNumber": N2, "campaignId": "nope"}).json()["errors"]
    assert unknown[0]["source"] == {"pointer": "/campaignId"} and "nope" in unknown[0]["detail"]
    foreign = call(seeded, "POST", PNC, json={"phoneNumber": NOWHERE, "campaignId": CAMP}).json()["errors"]
    assert foreign[0]["source"] == {"pointer": "/phoneNumber"} and "not in your account" in foreign[0]["detail"]
    missing = call(seeded, "POST", PNC, json={"phoneNumber": N2})
    assert missing.status_code == 422 and missing.json()["errors"][0]["source"] == {"pointer": "/campaignId"}
    assert call(seeded, "POST", PNC, data="[").status_code == 400
    assert call(seeded, "POST", PNC, json=["x"]).status_code in (400, 422)
    other = call(seeded, "PUT", f"{PNC}/{q(N1)}", json={"phoneNumber": N0, "campaignId": CAMP})
    assert other.status_code == 422  # the body names another number than the path
    fastapi = call(seeded, "GET", "/10dlc/campaign").json()
    assert fastapi["detail"][0]["loc"] == ["query", "brandId"]
    optout = call(seeded, "GET", "/messaging_optouts?page[number]=x").json()
    assert optout["code"] == "10015" and optout["errors"][0]["source"] == {"parameter": "page[number]"}


# --------------------------------------------------------------------------- assignments


def _state(sb: Sandbox) -> dict[str, Any]:
    return control(sb, "GET", "state").json()["data"]


def test_an_assignment_is_pending_until_polled_order_polls_times(monkeypatch: pytest.MonkeyPatch) -> None:
    for polls in (0, 1, 3):
        with Sandbox("127.0.0.1", 0, order_polls=polls) as sb:
            control(sb, "POST", "reset", json=SEED)
            made = call(sb, "POST", PNC, json={"phoneNumber": N0, "campaignId": CAMP}).json()
            assert made["assignmentStatus"] == ("ASSIGNED" if polls == 0 else "PENDING_ASSIGNMENT")
            assert (made["campaignId"], made["brandId"], made["tcrCampaignId"]) == (CAMP, BRAND, "CTCR1")
            for _ in range(3):  # lists show the state as it is, and never advance it
                listed = call(sb, "GET", f"{PNC}?filter[telnyx_campaign_id]={CAMP}").json()["records"]
                assert {r["phoneNumber"]: r["assignmentStatus"] for r in listed}[N0] == made["assignmentStatus"]
            seen = [call(sb, "GET", f"{PNC}/{q(N0)}").json()["assignmentStatus"] for _ in range(polls + 1)]
            assert seen == ["PENDING_ASSIGNMENT"] * (polls - 1) + ["ASSIGNED"] * (2 if polls else 1)
            assert all(not k.startswith("_") for k in call(sb, "GET", f"{PNC}/{q(N0)}").json())


def test_put_moves_to_another_campaign_and_delete_removes(seeded: Sandbox) -> None:
    moved = call(seeded, "PUT", f"{PNC}/{q(N1)}", json={"phoneNumber": N1, "campaignId": CAMP2}).json()
    assert (moved["campaignId"], moved["assignmentStatus"]) == (CAMP2, "PENDING_ASSIGNMENT")
    assert "tcrCampaignId" not in moved  # CAMP2 has none: the old campaign's is not kept
    same = call(seeded, "PUT", f"{PNC}/{q(N1)}", json={"phoneNumber": N1, "campaignId": CAMP2}).json()
    assert same["updatedAt"] == moved["updatedAt"]  # the same campaign again changes nothing
    gone = call(seeded, "DELETE", f"{PNC}/{q(N1)}")
    assert gone.status_code == 200 and gone.json()["campaignId"] == CAMP2
    assert call(seeded, "GET", f"{PNC}/{q(N1)}").status_code == 404
    assert call(seeded, "PUT", f"{PNC}/{q(N1)}", json={"phoneNumber": N1, "campaignId": CAMP}).status_code == 404


def test_a_refused_request_changes_nothing(seeded: Sandbox) -> None:
    before = _state(seeded)
    refused = [
        ("POST", PNC, {"phoneNumber": N2, "campaignId": "nope"}),
        ("POST", PNC, {"phoneNumber": NOWHERE, "campaignId": CAMP}),
        ("POST", PNC, {"phoneNumber": N1, "campaignId": CAMP2}),  # already assigned: 409
        ("POST", PNC, {"phoneNumber": "12025550100", "campaignId": CAMP}),
        ("PUT", f"{PNC}/{q(N1)}", {"phoneNumber": N1, "campaignId": "nope"}),
        ("PUT", f"{PNC}/{q(N2)}", {"phoneNumber": N2, "campaignId": CAMP}),
        ("DELETE", f"{PNC}/{q(N2)}", None),
    ]
    for method, path, body in refused:
        resp = call(seeded, method, path, json=body)
        assert 400 <= resp.status_code < 500, (method, path, resp.status_code)
        assert resp.json()["errors"][0]["code"], resp.text
    assert _state(seeded) == before


def test_a_number_with_an_assignment_is_found_by_its_encoded_or_plain_plus(seeded: Sandbox) -> None:
    assert call(seeded, "GET", f"{PNC}/{q(N1)}").json()["phoneNumber"] == N1
    assert call(seeded, "GET", f"{PNC}/{N1}").json()["phoneNumber"] == N1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from([CAMP, CAMP2, CAMP3]), max_size=40),
    st.integers(1, 12),
)
def test_paged_lists_give_every_assignment_once_and_filter_by_campaign_and_brand(
    sandbox: Sandbox, campaigns: list[str], size: int
) -> None:
    numbers = [f"+1646555{i:04d}" for i in range(len(campaigns))]
    brand_of = {CAMP: BRAND, CAMP2: BRAND, CAMP3: BRAND2}
    seed = {
        **{k: SEED[k] for k in ("brands", "campaigns")},
        "phone_numbers": numbers,
        "phone_number_campaigns": [
            {"phoneNumber": n, "campaignId": c, "telnyxCampaignId": c, "brandId": brand_of[c]}
            for n, c in zip(numbers, campaigns, strict=True)
        ],
    }
    assert control(sandbox, "POST", "reset", json=seed).status_code == 200
    for flt, want in [
        ("", set(numbers)),
        (f"&filter[telnyx_campaign_id]={CAMP}", {n for n, c in zip(numbers, campaigns, strict=True) if c == CAMP}),
        (f"&filter[telnyx_brand_id]={BRAND}", {n for n, c in zip(numbers, campaigns, strict=True) if c != CAMP3}),
    ]:
        got: list[str] = []
        page = 1
        while True:
            body = call(sandbox, "GET", f"{PNC}?page={page}&recordsPerPage={size}&sort=phoneNumber{flt}").json()
            assert body["page"] == page and body["totalRecords"] == len(want)
            got += [r["phoneNumber"] for r in body["records"]]
            if page * size >= body["totalRecords"]:
                break
            page += 1
        assert got == sorted(want)  # each once, in the order asked for


# --------------------------------------------------------------------------- the other reads


def test_toll_free_hosted_optouts_and_messages_filter_and_page(seeded: Sandbox) -> None:
    found = call(seeded, "GET", f"{TFV}?page=1&page_size=10&phone_number=%2B18005550100").json()
    assert found["total_records"] == 1 and found["records"][0]["reason"] == "No opt-in"
    assert call(seeded, "GET", f"{TFV}?page=1&page_size=10&phone_number=%2B18005550101").json()["total_records"] == 0
    assert call(seeded, "GET", f"{TFV}?page=1&page_size=10&status=Verified").json()["records"] == []
    assert call(seeded, "GET", f"{TFV}?page=1&page_size=10&status=Approved").status_code == 400
    history = call(seeded, "GET", f"{TFV}/{VR}/status_history?page[number]=1&page[size]=10").json()
    assert [h["verificationStatus"] for h in history["records"]] == ["Rejected"]
    assert call(seeded, "GET", f"{TFV}/{VR}/status_history?page[number]=1").status_code == 400
    assert "_history" not in call(seeded, "GET", f"{TFV}/{VR}").json()
    optouts = call(seeded, "GET", f"/messaging_optouts?filter[messaging_profile_id]=p-1&filter[from]={q(N1)}").json()
    assert [o["to"] for o in optouts["data"]] == ["+13125550142"] and optouts["meta"]["total_results"] == 1
    assert call(seeded, "GET", "/messaging_optouts?filter[messaging_profile_id]=p-2").json()["data"] == []
    redacted = call(seeded, "GET", "/messaging_optouts?redaction_enabled=true").json()["data"][0]["to"]
    assert redacted.endswith("****") and not redacted.endswith("0142")
    assert call(seeded, "GET", "/messaging_hosted_numbers/%2B17185550100").json()["data"]["id"] == "h-1"
    hosted = call(seeded, "GET", "/messaging_hosted_numbers?filter[messaging_profile_id]=p-1").json()["data"]
    assert [h["status"] for h in hosted] == ["pending"]
    assert call(seeded, "GET", f"/messages/{MSG}").json()["data"]["errors"][0]["code"] == "40300"


# --------------------------------------------------------------------------- seeding and state


def test_reset_seeds_and_snapshots_every_send_path_collection(seeded: Sandbox) -> None:
    state = _state(seeded)
    for kind in SENDPATH:
        assert len(state[kind]) == len(SEED[kind]), kind
    assert [b["brandId"] for b in state["brands"]] == [BRAND, BRAND2]  # ids kept
    assert control(seeded, "POST", "reset", json=state).json()["data"]["brands"] == 2
    assert _state(seeded) == state  # a snapshot round-trips
    dup = {"brands": [{"brandId": "x"}, {"brandId": "x"}]}
    bad = control(seeded, "POST", "reset", json=dup)
    assert bad.status_code == 422 and bad.json()["errors"][0]["source"]["pointer"] == "/brands/1/brandId"
    assert control(seeded, "POST", "reset", json={"messages": [1]}).status_code == 422
    assert _state(seeded) == state  # a refused reset changes nothing
    assert control(seeded, "POST", "reset").json()["data"]["campaigns"] == 0


def test_the_state_file_keeps_the_send_path(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with Sandbox("127.0.0.1", 0, state_file=str(path)) as sb:
        control(sb, "POST", "reset", json=SEED)
        call(sb, "POST", PNC, json={"phoneNumber": N0, "campaignId": CAMP})
        call(sb, "GET", f"{PNC}/{q(N0)}")  # one poll of two
    with Sandbox("127.0.0.1", 0, state_file=str(path)) as sb:
        assert [c["campaignId"] for c in call(sb, "GET", f"/10dlc/campaign?brandId={BRAND}").json()["records"]] == [
            CAMP,
            CAMP2,
        ]
        assert call(sb, "GET", f"{PNC}/{q(N0)}").json()["assignmentStatus"] == "ASSIGNED"  # the second poll
    path.write_text(json.dumps({"campaigns": [{"campaignId": "x"}, {"campaignId": "x"}]}))
    with pytest.raises(InvalidInput, match="given twice"):
        Sandbox("127.0.0.1", 0, state_file=str(path))
    with Sandbox("127.0.0.1", 0, state_file=str(tmp_path / "other.json")):
        pass  # the refused file's sandbox gave the lock up; another starts


# --------------------------------------------------------------------------- demo data


def test_the_demo_has_one_sender_of_each_outcome(sandbox: Sandbox) -> None:
    sandbox.seed_demo_data(seed=1)
    profiles = {p["name"]: p["id"] for p in sandbox.profiles()}
    assert list(profiles) == ["Demo Alerts", "Demo Marketing", "Demo US Senders"]
    pid = profiles["Demo US Senders"]
    on = {n["phone_number"] for n in sandbox.numbers() if n.get("messaging_profile_id") == pid}
    assert on == set(demo.NEW_NUMBERS)

    def assignment(n: str) -> requests.Response:
        return conform("/10dlc/phone_number_campaigns/{phoneNumber}", "get", call(sandbox, "GET", f"{PNC}/{q(n)}"))

    ok = assignment(demo.ASSIGNED).json()
    assert ok["assignmentStatus"] == "ASSIGNED"
    campaign = conform(
        "/10dlc/campaign/{campaignId}", "get", call(sandbox, "GET", f"/10dlc/campaign/{ok['campaignId']}")
    )
    assert campaign.json()["campaignStatus"] == "MNO_PROVISIONED"
    brand = conform("/10dlc/brand/{brandId}", "get", call(sandbox, "GET", f"/10dlc/brand/{ok['brandId']}")).json()
    assert (brand["status"], brand["identityStatus"]) == ("OK", "VERIFIED")
    for _ in range(5):  # seeded pending: stays pending, however often it is polled
        assert assignment(demo.PENDING).json()["assignmentStatus"] == "PENDING_ASSIGNMENT"
    failed = assignment(demo.FAILED).json()
    assert failed["assignmentStatus"] == "FAILED_ASSIGNMENT" and failed["failureReasons"]
    assert assignment(demo.UNASSIGNED).status_code == 404
    weak = assignment(demo.UNVERIFIED_BRAND).json()
    brand2 = call(sandbox, "GET", f"/10dlc/brand/{weak['brandId']}").json()
    assert brand2["identityStatus"] == "UNVERIFIED" and brand2["failureReasons"]

    def verification(n: str) -> dict[str, Any]:
        resp = call(sandbox, "GET", f"{TFV}?page=1&page_size=10&phone_number={q(n)}")
        records = conform("/messaging_tollfree/verification/requests", "get", resp).json()["records"]
        assert len(records) == 1, n
        return records[0]

    for n in ("+18005550100", "+18005550101", "+18885550100", "+18885550101"):  # the first demo's: verified
        assert verification(n)["verificationStatus"] == "Verified"
    rejected = verification(demo.TF_REJECTED)
    assert rejected["verificationStatus"] == "Rejected" and rejected["reason"] == demo.TF_REASON
    hosted = call(sandbox, "GET", f"/messaging_hosted_numbers?filter[phone_number]={q(demo.HOSTED_PENDING)}")
    assert [h["status"] for h in conform("/messaging_hosted_numbers", "get", hosted).json()["data"]] == ["pending"]
    opted = call(sandbox, "GET", f"/messaging_optouts?filter[messaging_profile_id]={pid}")
    assert [o["to"] for o in conform("/messaging_optouts", "get", opted).json()["data"]] == [demo.OPTED_OUT]
    codes = {}
    for ident in (demo.MESSAGE_OPTED_OUT, demo.MESSAGE_NOT_ON_PROFILE, demo.MESSAGE_DELIVERED):
        message = conform("/messages/{id}", "get", call(sandbox, "GET", f"/messages/{ident}")).json()["data"]
        codes[ident] = [e["code"] for e in message["errors"]]
    assert codes == {
        demo.MESSAGE_OPTED_OUT: ["40300"],
        demo.MESSAGE_NOT_ON_PROFILE: ["40305"],
        demo.MESSAGE_DELIVERED: [],
    }
    not_on = next(n for n in sandbox.numbers() if n["phone_number"] == demo.NOT_ON_PROFILE)
    assert not_on["messaging_profile_id"] is None  # the 40305 message's cause is there to see


def test_the_demo_leaves_the_first_two_profiles_as_they_were() -> None:
    from msgprof_cli.sandbox.server import DEMO_PROFILES

    def first_two(sb: Sandbox) -> Any:
        names = [b["name"] for b in DEMO_PROFILES]
        ids = {p["id"]: p["name"] for p in sb.profiles() if p["name"] in names}
        numbers = sorted(
            (ids[n["messaging_profile_id"]], n["phone_number"])
            for n in sb.numbers()
            if n.get("messaging_profile_id") in ids
        )
        series = [
            (ids[m["messaging_profile_id"]], m["time_frame"], m["intervals"])
            for m in sb.state.metrics
            if m["messaging_profile_id"] in ids
        ]
        return numbers, series

    with Sandbox("127.0.0.1", 0) as sb:
        sb.seed_demo_data(now=1_796_000_000.0, seed=5)
        with_send_path = first_two(sb)
    with Sandbox("127.0.0.1", 0) as sb:
        from msgprof_cli.sandbox import metrics, profiles

        free = [n for n in sb.state.related["phone_numbers"]][-4:]  # the old seeding, by hand
        for i, body in enumerate(DEMO_PROFILES):
            p = profiles.create(sb.state, dict(body))
            for n in free[2 * i : 2 * i + 2]:
                n["messaging_profile_id"] = p["id"]
        metrics.seed_demo(sb.state, 1_796_000_000.0, 5)
        assert first_two(sb) == with_send_path
    with Sandbox("127.0.0.1", 0) as sb:  # a sandbox that has profiles gets no second demo
        sb.seed_demo_data(seed=1)
        sb.seed_demo_data(seed=1)
        assert len(sb.profiles()) == 3 and len(_state(sb)["brands"]) == 2


# --------------------------------------------------------------------------- generic features


def test_auth_faults_and_latency_hold_on_the_new_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    with Sandbox("127.0.0.1", 0, api_key=TEST_KEY, faults=Faults(latency_ms=50), sleep=slept.append) as sb:
        control(sb, "POST", "reset", json=SEED)
        assert call(sb, "GET", f"{PNC}/{q(N1)}").status_code == 200 and slept == [0.05]
        for path in (PNC, "/10dlc/brand", f"{TFV}?page=1&page_size=1", "/messaging_optouts", f"/messages/{MSG}"):
            bad = call(sb, "GET", path, headers={"Authorization": "Bearer wrong"})
            assert bad.status_code == 401 and bad.json()["errors"][0]["code"] == "10009", path
    with Sandbox("127.0.0.1", 0, faults=Faults(fail_rate=1.0, seed=3)) as sb:
        control(sb, "POST", "reset", json=SEED)
        assert call(sb, "POST", PNC, json={"phoneNumber": N0, "campaignId": CAMP}).status_code >= 500
        assert _state(sb)["phone_number_campaigns"] == _state(sb)["phone_number_campaigns"][:1]  # nothing made
    with Sandbox("127.0.0.1", 0, faults=Faults(drop_rate=1.0, seed=3)) as sb:
        control(sb, "POST", "reset", json=SEED)
        with pytest.raises(requests.ConnectionError):
            call(sb, "POST", PNC, json={"phoneNumber": N0, "campaignId": CAMP})
        assert N0 in {a["phoneNumber"] for a in _state(sb)["phone_number_campaigns"]}  # committed, answer lost
    with Sandbox("127.0.0.1", 0, faults=Faults(rate_limit=1, clock=lambda: 5.0)) as sb:
        assert call(sb, "GET", "/10dlc/brand").status_code == 200
        assert call(sb, "GET", "/10dlc/brand").status_code == 429


def test_a_seeded_assignment_resolves_only_when_it_says_how_many_polls(sandbox: Sandbox) -> None:
    seed = {
        **{k: SEED[k] for k in ("phone_numbers", "brands", "campaigns")},
        "phone_number_campaigns": [
            {"phoneNumber": N0, "campaignId": CAMP, "assignmentStatus": "PENDING_ASSIGNMENT", "_polls_left": 2},
            {"phoneNumber": N1, "campaignId": CAMP, "assignmentStatus": "PENDING_ASSIGNMENT"},
        ],
    }
    control(sandbox, "POST", "reset", json=seed)
    first = [call(sandbox, "GET", f"{PNC}/{q(N0)}").json()["assignmentStatus"] for _ in range(3)]
    assert first == ["PENDING_ASSIGNMENT", "ASSIGNED", "ASSIGNED"]
    assert {call(sandbox, "GET", f"{PNC}/{q(N1)}").json()["assignmentStatus"] for _ in range(4)} == {"PENDING_ASSIGNMENT"}
    listed = call(sandbox, "GET", f"{PNC}?sort=-phoneNumber").json()["records"]
    assert [r["phoneNumber"] for r in listed] == sorted([N0, N1], reverse=True)
