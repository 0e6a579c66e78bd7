"""The sandbox's setup endpoints (issue 15): phone numbers, bulk orders, sender IDs, auto-responses;
seeded metrics and demo data (issue 14); POSTs that commit late (issue 13)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_check import PROFILES_SPEC, SETUP_SPEC, check_answer, load_spec

from msgprof_cli.sandbox.server import Faults, Sandbox
from msgprof_cli.sandbox.state import DEMO_NUMBERS

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
MISSING = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def call(sb: Sandbox, method: str, path: str, **kw: Any) -> requests.Response:
    kw.setdefault("headers", AUTH)
    return requests.request(method, sb.url + path, timeout=10, **kw)


def new_profile(sb: Sandbox, name: str = "P") -> str:
    return call(sb, "POST", "/messaging_profiles", json={"name": name, "whitelisted_destinations": ["US"]}).json()[
        "data"
    ]["id"]


def conform(spec_file: Path, spec_path: str, method: str, resp: requests.Response) -> requests.Response:
    check_answer(load_spec(spec_file), spec_path, method, resp.status_code, resp.json())
    return resp


# --------------------------------------------------------------------------- conformance


def test_every_setup_answer_conforms_to_the_spec(sandbox: Sandbox) -> None:
    pid = new_profile(sandbox)
    n0, n1 = DEMO_NUMBERS[0], DEMO_NUMBERS[1]
    S, P = SETUP_SPEC, PROFILES_SPEC
    cases: list[tuple[Path, str, str, str, str, dict[str, Any], int]] = [
        (S, "/phone_numbers/messaging", "get", "GET", "/phone_numbers/messaging?filter[type]=longcode", {}, 200),
        (S, "/phone_numbers/messaging", "get", "GET", "/phone_numbers/messaging?filter[type]=mobile", {}, 400),
        (S, "/phone_numbers/{id}/messaging", "get", "GET", f"/phone_numbers/{n0}/messaging", {}, 200),
        (S, "/phone_numbers/{id}/messaging", "get", "GET", "/phone_numbers/+19995550000/messaging", {}, 404),
        (
            S,
            "/phone_numbers/{id}/messaging",
            "patch",
            "PATCH",
            f"/phone_numbers/{n0}/messaging",
            {"json": {"messaging_profile_id": pid, "tags": ["a"]}},
            200,
        ),
        (
            S,
            "/phone_numbers/{id}/messaging",
            "patch",
            "PATCH",
            f"/phone_numbers/{n0}/messaging",
            {"json": {"messaging_profile_id": MISSING}},
            422,
        ),
        (
            S,
            "/messaging_numbers_bulk_updates",
            "post",
            "POST",
            "/messaging_numbers_bulk_updates",
            {"json": {"messaging_profile_id": pid, "numbers": [n1, "+19995550000"]}},
            200,
        ),
        (
            S,
            "/messaging_numbers_bulk_updates",
            "post",
            "POST",
            "/messaging_numbers_bulk_updates",
            {"json": {"messaging_profile_id": pid, "numbers": ["555"]}},
            422,
        ),
        (
            S,
            "/messaging_numbers_bulk_updates/{order_id}",
            "get",
            "GET",
            f"/messaging_numbers_bulk_updates/{MISSING}",
            {},
            404,
        ),
        (
            S,
            "/alphanumeric_sender_ids",
            "post",
            "POST",
            "/alphanumeric_sender_ids",
            {"json": {"messaging_profile_id": pid, "alphanumeric_sender_id": "Acme 1", "us_long_code_fallback": n0}},
            201,
        ),
        (
            S,
            "/alphanumeric_sender_ids",
            "post",
            "POST",
            "/alphanumeric_sender_ids",
            {"json": {"messaging_profile_id": pid, "alphanumeric_sender_id": "Way too long id"}},
            422,
        ),
        (
            S,
            "/alphanumeric_sender_ids",
            "get",
            "GET",
            f"/alphanumeric_sender_ids?filter[messaging_profile_id]={pid}",
            {},
            200,
        ),
        (S, "/alphanumeric_sender_ids", "get", "GET", "/alphanumeric_sender_ids?page[size]=x", {}, 422),
        (S, "/alphanumeric_sender_ids", "get", "GET", "/alphanumeric_sender_ids", {"headers": {}}, 401),
        (S, "/alphanumeric_sender_ids/{id}", "get", "GET", f"/alphanumeric_sender_ids/{MISSING}", {}, 404),
        (
            P,
            "/messaging_profiles/{profile_id}/autoresp_configs",
            "post",
            "POST",
            f"/messaging_profiles/{pid}/autoresp_configs",
            {"json": {"op": "stop", "keywords": ["STOP", "END"], "country_code": "US", "resp_text": "Bye."}},
            200,
        ),
        (
            P,
            "/messaging_profiles/{profile_id}/autoresp_configs",
            "post",
            "POST",
            f"/messaging_profiles/{pid}/autoresp_configs",
            {"json": {"op": "halt", "keywords": [], "country_code": "usa"}},
            422,
        ),
        (
            P,
            "/messaging_profiles/{profile_id}/autoresp_configs",
            "get",
            "GET",
            f"/messaging_profiles/{pid}/autoresp_configs?country_code=US",
            {},
            200,
        ),
        (
            P,
            "/messaging_profiles/{profile_id}/autoresp_configs",
            "get",
            "GET",
            f"/messaging_profiles/{MISSING}/autoresp_configs",
            {},
            404,
        ),
    ]
    for spec_file, spec_path, method, verb, url, kw, status in cases:
        resp = call(sandbox, verb, url, **kw)
        assert resp.status_code == status, (verb, url, resp.text)
        conform(spec_file, spec_path, method, resp)
    order = call(sandbox, "POST", "/messaging_numbers_bulk_updates", json={"messaging_profile_id": "", "numbers": [n1]})
    polled = call(sandbox, "GET", f"/messaging_numbers_bulk_updates/{order.json()['data']['order_id']}")
    conform(S, "/messaging_numbers_bulk_updates/{order_id}", "get", polled)
    sid = call(sandbox, "GET", "/alphanumeric_sender_ids").json()["data"][0]["id"]
    conform(S, "/alphanumeric_sender_ids/{id}", "get", call(sandbox, "GET", f"/alphanumeric_sender_ids/{sid}"))
    conform(S, "/alphanumeric_sender_ids/{id}", "delete", call(sandbox, "DELETE", f"/alphanumeric_sender_ids/{sid}"))
    cfg = call(sandbox, "GET", f"/messaging_profiles/{pid}/autoresp_configs").json()["data"][0]["id"]
    one = f"/messaging_profiles/{pid}/autoresp_configs/{cfg}"
    item = "/messaging_profiles/{profile_id}/autoresp_configs/{autoresp_cfg_id}"
    conform(P, item, "get", call(sandbox, "GET", one))
    body = {"op": "info", "keywords": ["HELP"], "country_code": "*", "resp_text": "Help."}
    conform(P, item, "put", call(sandbox, "PUT", one, json=body))
    assert conform(P, item, "delete", call(sandbox, "DELETE", one)).json() == "OK"
    assert call(sandbox, "GET", one).status_code == 404
    conform(
        P,
        "/messaging_profiles/{id}/phone_numbers",
        "get",
        call(sandbox, "GET", f"/messaging_profiles/{pid}/phone_numbers"),
    )


# --------------------------------------------------------------------------- phone numbers


def test_default_inventory_and_list_filters(sandbox: Sandbox) -> None:
    def numbers(q: str) -> list[str]:
        return [n["phone_number"] for n in call(sandbox, "GET", f"/phone_numbers/messaging?{q}").json()["data"]]

    assert numbers("page[size]=250") == DEMO_NUMBERS and len(set(DEMO_NUMBERS)) == 10
    assert numbers("filter[type]=tollfree") == [n for n in DEMO_NUMBERS if n[2:5] in ("800", "888")]
    assert numbers("filter[phone_number]=%2B12025550101,%2B13125550100") == ["+12025550101", "+13125550100"]
    assert numbers("filter[phone_number][contains]=415") == ["+14155550100", "+14155550101"]
    assert numbers("sort[phone_number]=desc")[:2] == ["+18885550101", "+18885550100"]
    pid = new_profile(sandbox)
    call(sandbox, "PATCH", "/phone_numbers/+14155550100/messaging", json={"messaging_profile_id": pid})
    assert numbers(f"filter[messaging_profile_id]={pid}") == ["+14155550100"]
    page = call(sandbox, "GET", "/phone_numbers/messaging?page[size]=3&page[number]=4").json()
    assert page["meta"] == {"page_number": 4, "page_size": 3, "total_results": 10, "total_pages": 4}
    assert [n["phone_number"] for n in page["data"]] == DEMO_NUMBERS[9:]


def test_patch_assigns_by_id_or_number_and_unassigns(sandbox: Sandbox) -> None:
    pid = new_profile(sandbox)
    rec = call(sandbox, "GET", f"/phone_numbers/{DEMO_NUMBERS[2]}/messaging").json()["data"]
    got = call(sandbox, "PATCH", f"/phone_numbers/{rec['id']}/messaging", json={"messaging_profile_id": pid}).json()
    assert got["data"]["messaging_profile_id"] == pid and got["data"]["updated_at"] > rec["updated_at"]
    kept = call(sandbox, "PATCH", f"/phone_numbers/{rec['id']}/messaging", json={"messaging_profile_id": None})
    assert kept.json()["data"]["messaging_profile_id"] == pid  # null keeps the value, as the spec says
    listed = call(sandbox, "GET", f"/messaging_profiles/{pid}/phone_numbers").json()["data"]
    assert [n["phone_number"] for n in listed] == [DEMO_NUMBERS[2]]
    call(sandbox, "PATCH", "/phone_numbers/%2B" + DEMO_NUMBERS[2][1:] + "/messaging", json={"messaging_profile_id": ""})
    assert call(sandbox, "GET", f"/messaging_profiles/{pid}/phone_numbers").json()["data"] == []
    bad = call(sandbox, "PATCH", f"/phone_numbers/{rec['id']}/messaging", json={"messaging_profile_id": 7, "tags": "x"})
    assert bad.status_code == 422
    assert sorted(e["source"]["pointer"] for e in bad.json()["errors"]) == ["/tags"]  # tags first, then the id


def test_a_bulk_order_goes_from_pending_to_done_as_it_is_polled() -> None:
    inventory = [f"+1202555{i:04d}" for i in range(300)]
    with Sandbox("127.0.0.1", 0, numbers=inventory, order_polls=3) as sb:
        pid = new_profile(sb)
        placed = call(
            sb,
            "POST",
            "/messaging_numbers_bulk_updates",
            json={"messaging_profile_id": pid, "numbers": inventory + ["+19995550000", inventory[0]]},
        )
        order = placed.json()["data"]
        assert (len(order["pending"]), order["success"], order["failed"]) == (300, [], ["+19995550000"])
        assert all(n["messaging_profile_id"] is None for n in sb.numbers())  # nothing done before a poll
        progress = []
        for _ in range(4):
            data = call(sb, "GET", f"/messaging_numbers_bulk_updates/{order['order_id']}").json()["data"]
            progress.append((len(data["success"]), len(data["pending"])))
            assert sum(n["messaging_profile_id"] == pid for n in sb.numbers()) == len(data["success"])
        assert progress == [(100, 200), (200, 100), (300, 0), (300, 0)]
        assert data["success"] == inventory and data["failed"] == ["+19995550000"]


def test_a_bulk_order_with_no_polls_is_done_at_once_and_can_unassign() -> None:
    with Sandbox("127.0.0.1", 0, order_polls=0) as sb:
        pid = new_profile(sb)
        done = call(
            sb,
            "POST",
            "/messaging_numbers_bulk_updates",
            json={"messaging_profile_id": pid, "numbers": DEMO_NUMBERS[:4]},
        )
        assert done.json()["data"]["success"] == DEMO_NUMBERS[:4] and done.json()["data"]["pending"] == []
        call(
            sb,
            "POST",
            "/messaging_numbers_bulk_updates",
            json={"messaging_profile_id": "", "numbers": DEMO_NUMBERS[:2]},
        )
        assert [n["phone_number"] for n in sb.numbers() if n["messaging_profile_id"] == pid] == DEMO_NUMBERS[2:4]


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"numbers": ["+12025550100"]}, ["/messaging_profile_id"]),
        ({"messaging_profile_id": ""}, ["/numbers"]),
        ({"messaging_profile_id": "", "numbers": []}, ["/numbers"]),
        ({"messaging_profile_id": "", "numbers": ["+1202", 5, "+12025550100"]}, ["/numbers/0", "/numbers/1"]),
        ({"messaging_profile_id": MISSING, "numbers": ["+12025550100"]}, ["/messaging_profile_id"]),
        ({"messaging_profile_id": "", "numbers": ["+12025550100"], "assign_only": "yes"}, ["/assign_only"]),
    ],
)
def test_a_bad_bulk_order_is_refused_and_changes_nothing(
    sandbox: Sandbox, body: dict[str, Any], pointers: list[str]
) -> None:
    resp = call(sandbox, "POST", "/messaging_numbers_bulk_updates", json=body)
    assert resp.status_code == 422
    assert [e["source"]["pointer"] for e in resp.json()["errors"]] == pointers
    assert sandbox.state.orders == {}


# --------------------------------------------------------------------------- sender IDs and auto-responses


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(st.characters(codec="ascii"), max_size=14))
def test_sender_ids_follow_the_pattern(sandbox: Sandbox, value: str) -> None:
    pid = new_profile(sandbox, "S")
    resp = call(
        sandbox, "POST", "/alphanumeric_sender_ids", json={"messaging_profile_id": pid, "alphanumeric_sender_id": value}
    )
    valid = 1 <= len(value) <= 11 and value.strip() != "" and all(c.isalnum() or c == " " for c in value)
    assert resp.status_code == (201 if valid else 422), (value, resp.text)


def test_a_sender_id_is_not_duplicated_on_a_profile(sandbox: Sandbox) -> None:
    a, b = new_profile(sandbox, "A"), new_profile(sandbox, "B")

    def post(pid: str) -> requests.Response:
        body = {"messaging_profile_id": pid, "alphanumeric_sender_id": "Acme"}
        return call(sandbox, "POST", "/alphanumeric_sender_ids", json=body)

    assert [post(a).status_code, post(a).status_code, post(b).status_code] == [201, 422, 201]
    listed = call(sandbox, "GET", f"/messaging_profiles/{a}/alphanumeric_sender_ids").json()["data"]
    assert [s["alphanumeric_sender_id"] for s in listed] == ["Acme"]
    call(sandbox, "DELETE", f"/messaging_profiles/{a}")
    assert [s["messaging_profile_id"] for s in call(sandbox, "GET", "/alphanumeric_sender_ids").json()["data"]] == [b]


def test_a_keyword_belongs_to_one_config_per_profile_and_country(sandbox: Sandbox) -> None:
    pid = new_profile(sandbox)
    path = f"/messaging_profiles/{pid}/autoresp_configs"
    first = call(sandbox, "POST", path, json={"op": "stop", "keywords": ["STOP"], "country_code": "US"})
    clash = call(sandbox, "POST", path, json={"op": "info", "keywords": ["HELP", "stop"], "country_code": "US"})
    other = call(sandbox, "POST", path, json={"op": "stop", "keywords": ["STOP"], "country_code": "CA"})
    assert (first.status_code, clash.status_code, other.status_code) == (200, 422, 200)
    assert clash.json()["errors"][0]["source"]["pointer"] == "/keywords/1"
    own = call(
        sandbox,
        "PUT",
        f"{path}/{first.json()['data']['id']}",
        json={"op": "stop", "keywords": ["STOP", "END"], "country_code": "US"},
    )
    assert own.status_code == 200 and own.json()["data"]["keywords"] == ["STOP", "END"]
    assert own.json()["data"]["created_at"] == first.json()["data"]["created_at"]
    assert (
        call(
            sandbox,
            "GET",
            f"/messaging_profiles/{new_profile(sandbox, 'Q')}/autoresp_configs/{first.json()['data']['id']}",
        ).status_code
        == 404
    )


# --------------------------------------------------------------------------- state, faults, late commits


def test_the_state_file_inventory_is_completed_and_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"phone_numbers": ["+442071838750", {"phone_number": "+18005550199", "tags": ["x"]}]}))
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        uk, tf = sb.numbers()
        assert (uk["country_code"], uk["type"], uk["messaging_profile_id"]) == ("GB", "longcode", None)
        assert (tf["country_code"], tf["type"], tf["tags"]) == ("US", "tollfree", ["x"])
        pid = new_profile(sb)
        call(sb, "PATCH", f"/phone_numbers/{uk['id']}/messaging", json={"messaging_profile_id": pid})
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        assert [n["messaging_profile_id"] for n in sb.numbers()] == [pid, None]
        assert sb.numbers()[0]["id"] == uk["id"]


def test_a_bad_inventory_is_a_clear_error(cli, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"phone_numbers": ["+12025", 5]}))
    res = cli("sandbox", "--port", "0", "--state", str(state))
    assert res.exit_code == 3
    assert "sandbox phone numbers: phone number '+12025' is not in E.164 form" in res.stderr


def test_faults_apply_to_the_setup_endpoints() -> None:
    with Sandbox("127.0.0.1", 0, faults=Faults(drop_rate=1.0, seed=3), order_polls=0) as sb:
        sb.seed_demo_data()
        pid = sb.profiles()[0]["id"]
        with pytest.raises(requests.exceptions.ConnectionError):
            call(
                sb,
                "POST",
                "/messaging_numbers_bulk_updates",
                json={"messaging_profile_id": pid, "numbers": DEMO_NUMBERS[:2]},
            )
        assert [n["messaging_profile_id"] for n in sb.numbers()][:2] == [pid, pid]  # committed, then dropped
    with Sandbox("127.0.0.1", 0, faults=Faults(fail_rate=1.0, seed=3)) as sb:
        assert call(sb, "GET", "/phone_numbers/messaging").status_code >= 500
    with Sandbox("127.0.0.1", 0, faults=Faults(rate_limit=1)) as sb:
        statuses = [call(sb, "GET", "/alphanumeric_sender_ids").status_code for _ in range(3)]
        assert 429 in statuses


def test_a_late_commit_holds_the_answer_and_the_record_until_the_delay_passed() -> None:
    """The injected sleep blocks until the test releases it: no wall-clock wait."""
    release, sleeping = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:
        assert seconds == 2.5
        sleeping.set()
        release.wait(10)

    with Sandbox("127.0.0.1", 0, commit_delay=2.5, sleep=sleep) as sb:
        answers: list[requests.Response] = []
        body = {"name": "slow", "whitelisted_destinations": ["US"]}
        sender = threading.Thread(target=lambda: answers.append(call(sb, "POST", "/messaging_profiles", json=body)))
        sender.start()
        assert sleeping.wait(10)
        assert call(sb, "GET", "/messaging_profiles?filter[name][eq]=slow").json()["data"] == []  # not yet
        assert answers == []
        release.set()
        sender.join(10)
        assert answers[0].status_code == 200
        assert [p["name"] for p in call(sb, "GET", "/messaging_profiles").json()["data"]] == ["slow"]


# --------------------------------------------------------------------------- metrics


def test_seeded_metrics_are_answered_with_their_totals(sandbox: Sandbox) -> None:
    pid = new_profile(sandbox)
    intervals = [
        {
            "start": "2026-11-28T05:00:00Z",
            "end": "2026-11-28T06:00:00Z",
            "sent": 10,
            "delivered": 9,
            "failed": 1,
            "received": 2,
        },
        {
            "start": "2026-11-28T06:00:00Z",
            "end": "2026-11-28T07:00:00Z",
            "sent": 30,
            "delivered": 27,
            "failed": 3,
            "received": 5,
        },
    ]
    sandbox.seed_metrics(pid, "24h", intervals)
    data = call(sandbox, "GET", f"/messaging_profiles/{pid}/metrics?time_frame=24h").json()["data"]
    assert data["outbound"] == {"sent": 40, "delivered": 36, "failed": 4} and data["inbound"] == {"received": 7}
    assert data["intervals"] == intervals
    assert call(sandbox, "GET", f"/messaging_profiles/{pid}/metrics?time_frame=7d").json()["data"]["intervals"] == []
    summary = call(sandbox, "GET", "/messaging_profile_metrics?time_frame=24h").json()["data"]
    assert summary == [
        {
            "messaging_profile_id": pid,
            "name": "P",
            "time_frame": "24h",
            "outbound_sent": 40,
            "outbound_delivered": 36,
            "outbound_failed": 4,
            "inbound_received": 7,
        }
    ]


def test_demo_data_is_reproducible_and_consistent() -> None:
    now = 1_796_000_000.0
    series = []
    for _ in range(2):
        with Sandbox("127.0.0.1", 0) as sb:
            sb.seed_demo_data(now=now, seed=5)
            assert [p["name"] for p in sb.profiles()] == ["Demo Alerts", "Demo Marketing", "Demo US Senders"]
            pid = sb.profiles()[0]["id"]
            data = call(sb, "GET", f"/messaging_profiles/{pid}/metrics?time_frame=24h").json()["data"]
            series.append(data["intervals"])
            assert data["phone_numbers"] == 2
            assert all(i["delivered"] + i["failed"] == i["sent"] and i["sent"] > 0 for i in data["intervals"])
            for tf, count in {"1h": 12, "3h": 12, "24h": 24, "3d": 18, "7d": 14, "30d": 30}.items():
                got = call(sb, "GET", f"/messaging_profiles/{pid}/metrics?time_frame={tf}").json()["data"]["intervals"]
                last_end = datetime.fromisoformat(got[-1]["end"].replace("Z", "+00:00")).timestamp()
                step = last_end - datetime.fromisoformat(got[-1]["start"].replace("Z", "+00:00")).timestamp()
                assert len(got) == count and 0 <= now - last_end < step, (tf, got[-1])
    assert series[0] == series[1]


def test_the_sandbox_command_takes_demo_data(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    state = tmp_path / "state.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--port", "0", "--demo-data", "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        proc.stdout.readline()  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    saved = json.loads(state.read_text())
    assert [p["name"] for p in saved["profiles"]] == ["Demo Alerts", "Demo Marketing", "Demo US Senders"]
    assert len(saved["metrics"]) == 18 and len(saved["phone_numbers"]) == 16  # Demo US Senders: 6 numbers


INVENTORY = [f"+1312555{i:04d}" for i in range(40)]


@settings(max_examples=30, deadline=None)
@given(
    picks=st.lists(st.sampled_from(INVENTORY + ["+19995550001", "+19995550002"]), min_size=1, max_size=60),
    polls=st.integers(0, 5),
)
def test_a_bulk_order_puts_exactly_its_owned_numbers_on_the_profile(picks: list[str], polls: int) -> None:
    """Whatever numbers are asked (repeats and unknown ones included) and however many polls an
    order takes: progress only grows, and at the end exactly the owned numbers asked for are on
    the profile, the unknown ones are failed, and no other number moved."""
    with Sandbox("127.0.0.1", 0, numbers=INVENTORY, order_polls=polls) as sb:
        pid = new_profile(sb)
        order = call(
            sb, "POST", "/messaging_numbers_bulk_updates", json={"messaging_profile_id": pid, "numbers": picks}
        )
        data = order.json()["data"]
        done = [len(data["success"])]
        for _ in range(polls):
            data = call(sb, "GET", f"/messaging_numbers_bulk_updates/{data['order_id']}").json()["data"]
            done.append(len(data["success"]))
        wanted = list(dict.fromkeys(p for p in picks if p in INVENTORY))
        assert done == sorted(done) and data["pending"] == []
        assert data["success"] == wanted
        assert data["failed"] == list(dict.fromkeys(p for p in picks if p not in INVENTORY))
        assert [n["phone_number"] for n in sb.numbers() if n["messaging_profile_id"] == pid] == [
            n for n in INVENTORY if n in wanted
        ]
        assert all(n["messaging_profile_id"] in (None, pid) for n in sb.numbers())


def test_the_readme_state_example_loads(tmp_path: Path) -> None:
    from conftest import ROOT

    section = (ROOT / "docs" / "sandbox.md").read_text(encoding="utf-8")
    example = section.split("```json", 1)[1].split("```", 1)[0]
    state = tmp_path / "state.json"
    state.write_text(example)
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        assert [(n["phone_number"], n["messaging_profile_id"]) for n in sb.numbers()] == [
            ("+12025550100", None),
            ("+18005550100", "ID"),
        ]
        assert sb.state.metrics[0]["intervals"][0]["sent"] == 120
