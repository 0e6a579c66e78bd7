"""Send-path seeds are checked as the API would hold them (issue 30 deliverable 5, issue 29
deliverable 5): brands, campaigns, number assignments, toll-free requests, opt-outs, hosted numbers
and messages.  An enum value the spec lacks, an id that is not one, a reference to a record the
seed does not hold, a 10DLC assignment of a number that is not a US long code (or not in the
inventory) is refused with its place and field: 422 on reset (nothing changes), exit 3 for a
``--state`` file.  The demo's own state passes, and ``POST /10dlc/phone_number_campaigns`` refuses a
toll-free number as the spec's errors do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TEST_KEY

from msgprof_cli.sandbox.server import Sandbox

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
P = "11111111-0000-4000-8000-000000000001"
BRAND = "4b20017f-8da9-4a92-a6c0-683072fb7729"
CAMPAIGN = "3008dd9f-66d7-40e0-bf23-bf2d8d1a96ba"
GOOD: dict[str, Any] = {
    "profiles": [{"id": P, "name": "Test", "whitelisted_destinations": ["US"]}],
    "phone_numbers": [{"phone_number": "+13125550100", "messaging_profile_id": P}, "+18005550100", "+442071234567"],
    "brands": [{"brandId": BRAND, "status": "OK", "identityStatus": "VERIFIED", "entityType": "PRIVATE_PROFIT"}],
    "campaigns": [{"campaignId": CAMPAIGN, "brandId": BRAND, "campaignStatus": "MNO_PROVISIONED"}],
    "phone_number_campaigns": [
        {"phoneNumber": "+13125550100", "campaignId": CAMPAIGN, "brandId": BRAND, "assignmentStatus": "ASSIGNED"}
    ],
    "tollfree_verifications": [
        {
            "id": "eaba9f52-164e-48e0-b002-4f668e18b7ed",
            "phoneNumbers": [{"phoneNumber": "+18005550100"}],
            "verificationStatus": "Verified",
        }
    ],
    "optouts": [{"from": "+13125550100", "to": "+13125550199", "messaging_profile_id": P}],
    "hosted_numbers": [{"id": "1293384261075731600", "phone_number": "+17185550100", "status": "pending"}],
    "messages": [{"id": "20000000-0000-4000-8000-000000000003", "messaging_profile_id": P, "type": "SMS"}],
}


def with_(kind: str, index: int, **fields: Any) -> dict[str, Any]:
    seed = json.loads(json.dumps(GOOD))
    seed[kind][index].update(fields)
    return seed


def assignment(number: str, **fields: Any) -> dict[str, Any]:
    return with_("phone_number_campaigns", 0, phoneNumber=number, **fields)


BAD = [
    (with_("phone_number_campaigns", 0, campaignId="NOPE"), "/phone_number_campaigns/0/campaignId",
     "phone_number_campaigns[0].campaignId: no campaign of this seed has the id 'NOPE'"),
    (assignment("+13125550177"), "/phone_number_campaigns/0/phoneNumber",
     "phone_number_campaigns[0].phoneNumber: +13125550177 is not a number of this seed's phone_numbers"),
    (assignment("+18005550100"), "/phone_number_campaigns/0/phoneNumber", "phone_number_campaigns[0].phoneNumber"),
    (assignment("+18885550100"), "/phone_number_campaigns/0/phoneNumber", "phone_number_campaigns[0].phoneNumber"),
    (assignment("+18775550100"), "/phone_number_campaigns/0/phoneNumber", "phone_number_campaigns[0].phoneNumber"),
    (assignment("+442071234567"), "/phone_number_campaigns/0/phoneNumber", "phone_number_campaigns[0].phoneNumber"),
    (with_("phone_number_campaigns", 0, assignmentStatus="BOGUS"), "/phone_number_campaigns/0/assignmentStatus",
     "phone_number_campaigns[0].assignmentStatus"),
    (with_("phone_number_campaigns", 0, brandId="gone"), "/phone_number_campaigns/0/brandId",
     "phone_number_campaigns[0].brandId"),
    (with_("campaigns", 0, campaignStatus="WHATEVER"), "/campaigns/0/campaignStatus", "campaigns[0].campaignStatus"),
    (with_("campaigns", 0, brandId="nobody"), "/campaigns/0/brandId", "campaigns[0].brandId"),
    (with_("brands", 0, status="FINE"), "/brands/0/status", "brands[0].status"),
    (with_("brands", 0, identityStatus="SURE"), "/brands/0/identityStatus", "brands[0].identityStatus"),
    (with_("brands", 0, entityType="PERSON"), "/brands/0/entityType", "brands[0].entityType"),
    (with_("tollfree_verifications", 0, verificationStatus="Done"), "/tollfree_verifications/0/verificationStatus",
     "tollfree_verifications[0].verificationStatus"),
    (with_("tollfree_verifications", 0, phoneNumbers=[{"phoneNumber": "+13125550100"}]),
     "/tollfree_verifications/0/phoneNumbers/0", "tollfree_verifications[0].phoneNumbers[0]"),
    (with_("tollfree_verifications", 0, id="tf-1"), "/tollfree_verifications/0/id", "tollfree_verifications[0].id"),
    (with_("optouts", 0, messaging_profile_id="gone"), "/optouts/0/messaging_profile_id",
     "optouts[0].messaging_profile_id"),
    (with_("hosted_numbers", 0, status="hosted-ish"), "/hosted_numbers/0/status", "hosted_numbers[0].status"),
    (with_("hosted_numbers", 0, phone_number="7185550100"), "/hosted_numbers/0/phone_number",
     "hosted_numbers[0].phone_number"),
    (with_("messages", 0, type="FAX"), "/messages/0/type", "messages[0].type"),
    (with_("messages", 0, id="../x"), "/messages/0/id", "messages[0].id"),
]  # fmt: skip


@pytest.fixture(scope="module")
def sandbox() -> Any:
    with Sandbox("127.0.0.1", 0) as sb:
        yield sb


def root(sb: Sandbox) -> str:
    return sb.url.rsplit("/v2", 1)[0]


def reset(sb: Sandbox, body: Any) -> requests.Response:
    return requests.post(f"{root(sb)}/_sandbox/reset", json=body, headers=AUTH, timeout=10)


def held(sb: Sandbox) -> dict[str, Any]:
    return requests.get(f"{root(sb)}/_sandbox/state", headers=AUTH, timeout=10).json()["data"]


def test_a_good_send_path_seed_loads(sandbox: Sandbox) -> None:
    res = reset(sandbox, GOOD)
    assert res.status_code == 200, res.text
    got = requests.get(f"{sandbox.url}/10dlc/phone_number_campaigns/+13125550100", headers=AUTH, timeout=10)
    assert got.json()["campaignId"] == CAMPAIGN


@pytest.mark.parametrize(("seed", "pointer", "place"), BAD)
def test_a_send_path_record_the_api_could_never_hold_is_422_with_its_place_and_nothing_changes(
    sandbox: Sandbox, seed: dict[str, Any], pointer: str, place: str
) -> None:
    assert reset(sandbox, GOOD).status_code == 200
    before = held(sandbox)
    res = reset(sandbox, seed)
    assert res.status_code == 422, res.text
    errors = res.json()["errors"]
    assert [e["source"]["pointer"] for e in errors] == [pointer], errors
    assert errors[0]["detail"].startswith(place), errors
    assert held(sandbox) == before


@pytest.mark.parametrize(
    ("kind", "key"), [("campaigns", "campaignId"), ("brands", "brandId"), ("hosted_numbers", "id")]
)
def test_an_id_that_is_no_path_segment_is_refused(sandbox: Sandbox, kind: str, key: str) -> None:
    """``campaignId: "../x"`` made ``doctor --from/--all`` fail as a whole: it is not an id."""
    res = reset(sandbox, with_(kind, 0, **{key: "../x"}))
    assert res.status_code == 422, res.text
    assert f"/{kind}/0/{key}" in [e["source"]["pointer"] for e in res.json()["errors"]]


@pytest.mark.parametrize(("seed", "pointer", "place"), BAD[:7])
def test_a_state_file_with_such_a_record_is_exit_3_and_left_as_it_is(
    cli, tmp_path: Path, seed: dict[str, Any], pointer: str, place: str
) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps(seed))
    before = state.read_bytes()
    res = cli("sandbox", "--port", "0", "--state", str(state))
    assert res.exit_code == 3, res.output
    assert place in res.stderr and "nothing was loaded" in res.stderr
    assert "listening" not in res.stderr and res.stdout == ""
    assert state.read_bytes() == before


def test_the_demo_data_is_a_seed_the_rules_take() -> None:
    """``--demo-data``'s records pass the same rules: its state resets to itself."""
    with Sandbox("127.0.0.1", 0) as sb:
        sb.seed_demo_data(seed=1)
        state = held(sb)
        assert state["phone_number_campaigns"] and state["tollfree_verifications"]
        res = reset(sb, state)
        assert res.status_code == 200, res.text


@pytest.mark.parametrize("number", ["+18005550100", "+18885550100", "+442071234567"])
def test_post_assignment_of_a_number_that_is_no_us_long_code_is_422_at_phone_number(
    sandbox: Sandbox, number: str
) -> None:
    assert reset(sandbox, {**GOOD, "phone_number_campaigns": []}).status_code == 200
    res = requests.post(
        f"{sandbox.url}/10dlc/phone_number_campaigns",
        json={"phoneNumber": number, "campaignId": CAMPAIGN},
        headers=AUTH,
        timeout=10,
    )
    assert res.status_code == 422, res.text
    errors = res.json()["errors"]
    assert [e["source"]["pointer"] for e in errors] == ["/phoneNumber"]
    assert held(sandbox)["phone_number_campaigns"] == []
    ok = requests.post(
        f"{sandbox.url}/10dlc/phone_number_campaigns",
        json={"phoneNumber": "+13125550100", "campaignId": CAMPAIGN},
        headers=AUTH,
        timeout=10,
    )
    assert ok.status_code == 200, ok.text
