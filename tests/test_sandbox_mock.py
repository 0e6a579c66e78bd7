"""The sandbox as a drop-in mock for anyone's test suite (issue 22), and one rule per field.

Seeding with chosen ids, ``POST /_sandbox/reset`` and ``GET /_sandbox/state`` outside ``/v2``,
spec leniency where the spec is lenient, and a property: for every field, msgprof's validation
and the sandbox's answer agree on generated values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.document import setup_rules as rules
from msgprof_cli.document.document import Document
from msgprof_cli.document.rules import RULES, Rule
from msgprof_cli.document.validation import validate
from msgprof_cli.sandbox.server import Faults, Sandbox
from msgprof_cli.sandbox.state import SENDPATH

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
PID = "0f6b6a3e-1111-4000-8000-00000000a001"


def call(sb: Sandbox, method: str, path: str, **kw: Any) -> requests.Response:
    kw.setdefault("headers", AUTH)
    return requests.request(method, sb.url + path, timeout=10, **kw)


def control(sb: Sandbox, method: str, name: str, **kw: Any) -> requests.Response:
    kw.setdefault("headers", AUTH)
    root = sb.url.removesuffix("/v2")
    return requests.request(method, f"{root}/_sandbox/{name}", timeout=10, **kw)


SEED: dict[str, Any] = {
    "profiles": [{"id": PID, "name": "Seeded", "whitelisted_destinations": ["US"]}],
    "phone_numbers": [
        {"id": "num-1", "phone_number": "+12025550100", "messaging_profile_id": PID},
        "+12025550101",
    ],
    "short_codes": [{"id": "sc-1", "short_code": "12345", "messaging_profile_id": PID}],
    "alphanumeric_sender_ids": [{"id": "sid-1", "alphanumeric_sender_id": "Acme", "messaging_profile_id": PID}],
    "autoresp_configs": [
        {"id": "ar-1", "messaging_profile_id": PID, "op": "stop", "keywords": ["STOP"], "country_code": "US"}
    ],
    "bulk_updates": [{"order_id": "ord-1", "messaging_profile_id": PID, "pending": ["+12025550101"]}],
}


# --------------------------------------------------------------------------- seeding and reset


def test_reset_seeds_every_resource_with_its_chosen_id(sandbox: Sandbox) -> None:
    sandbox.create({"name": "Before", "whitelisted_destinations": ["US"]})
    resp = control(sandbox, "POST", "reset", json=SEED)
    assert resp.status_code == 200
    assert resp.json()["data"] == {
        "profiles": 1,
        "phone_numbers": 2,
        "short_codes": 1,
        "alphanumeric_sender_ids": 1,
        "autoresp_configs": 1,
        "bulk_updates": 1,
        "metrics": 0,
        **dict.fromkeys(SENDPATH, 0),  # the send path's collections (test_sandbox_sendpath.py)
    }
    assert [p["name"] for p in call(sandbox, "GET", "/messaging_profiles").json()["data"]] == ["Seeded"]
    profile = call(sandbox, "GET", f"/messaging_profiles/{PID}").json()["data"]
    assert profile["record_type"] == "messaging_profile" and profile["daily_spend_limit"] is None
    assert call(sandbox, "GET", "/phone_numbers/num-1/messaging").json()["data"]["messaging_profile_id"] == PID
    assert call(sandbox, "GET", "/alphanumeric_sender_ids/sid-1").json()["data"]["alphanumeric_sender_id"] == "Acme"
    assert call(sandbox, "GET", f"/messaging_profiles/{PID}/autoresp_configs/ar-1").json()["data"]["op"] == "stop"
    assert [s["id"] for s in call(sandbox, "GET", f"/messaging_profiles/{PID}/short_codes").json()["data"]] == ["sc-1"]
    order = call(sandbox, "GET", "/messaging_numbers_bulk_updates/ord-1").json()["data"]
    assert order["order_id"] == "ord-1" and order["record_type"] == "messaging_numbers_bulk_update"
    # seeded records behave like made ones: an update moves updated_at, a clash is refused
    assert call(sandbox, "PATCH", f"/messaging_profiles/{PID}", json={"enabled": False}).status_code == 200
    clash = {"op": "info", "keywords": ["stop"], "country_code": "US"}
    assert call(sandbox, "POST", f"/messaging_profiles/{PID}/autoresp_configs", json=clash).status_code == 422
    # a reset without a body empties the sandbox
    assert control(sandbox, "POST", "reset").json()["data"]["profiles"] == 0
    assert sandbox.profiles() == [] and sandbox.numbers() == []


def test_state_round_trips_and_control_traffic_is_not_api_traffic(sandbox: Sandbox) -> None:
    control(sandbox, "POST", "reset", json=SEED)
    state = control(sandbox, "GET", "state").json()["data"]
    assert control(sandbox, "POST", "reset", json=state).status_code == 200
    assert control(sandbox, "GET", "state").json()["data"] == state
    assert sandbox.received == []  # tests that count API requests never see the control calls


def test_control_endpoints_are_outside_the_api_namespace_and_take_the_key() -> None:
    with Sandbox("127.0.0.1", 0, api_key="right-key", faults=Faults(fail_rate=1.0)) as sb:
        # under /v2 (what a client's base URL reaches) there is no such thing
        under_api = requests.post(sb.url + "/_sandbox/reset", headers={"Authorization": "Bearer right-key"}, timeout=10)
        assert under_api.status_code >= 500  # the API's faults apply to /v2 only: proof it went to the API side
        wrong = control(sb, "POST", "reset", headers={"Authorization": "Bearer wrong"}, json={})
        assert wrong.status_code == 401 and wrong.json()["errors"][0]["code"] == "10009"
        ok = control(sb, "POST", "reset", headers={"Authorization": "Bearer right-key"}, json={})
        assert ok.status_code == 200  # no injected fault on the control endpoint
        assert control(sb, "GET", "reset", headers={"Authorization": "Bearer right-key"}).status_code == 405
        assert control(sb, "GET", "nothing", headers={"Authorization": "Bearer right-key"}).status_code == 404
    with Sandbox("127.0.0.1", 0) as sb:
        assert requests.post(sb.url + "/_sandbox/reset", headers=AUTH, timeout=10).status_code == 404


def test_a_bad_seed_is_422_and_changes_nothing(sandbox: Sandbox) -> None:
    control(sandbox, "POST", "reset", json=SEED)
    before = control(sandbox, "GET", "state").json()["data"]
    for body, pointer in (
        ([], ""),
        ({"profile": []}, "/profile"),
        ({"profiles": {}}, "/profiles"),
        ({"profiles": ["x"]}, "/profiles/0"),
        ({"profiles": [{"id": 7}]}, "/profiles/0/id"),
        ({"profiles": [{"id": "a"}, {"id": "a"}]}, "/profiles/1"),
        ({"phone_numbers": ["12025550100"]}, "/phone_numbers"),
        ({"alphanumeric_sender_ids": [{"id": "s"}, {"id": "s"}]}, "/alphanumeric_sender_ids/1"),
    ):
        resp = control(sandbox, "POST", "reset", json=body)
        assert resp.status_code == 422, body
        assert [e["source"]["pointer"] for e in resp.json()["errors"]] == [pointer], body
    assert control(sandbox, "GET", "state").json()["data"] == before


def test_a_hand_written_state_file_is_completed_and_keeps_its_ids(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps(
            {**SEED, "alphanumeric_sender_ids": [{"alphanumeric_sender_id": "NoId", "messaging_profile_id": PID}]}
        )
    )
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        sender = call(sb, "GET", "/alphanumeric_sender_ids").json()["data"][0]
        assert sender["id"] and sender["record_type"] == "alphanumeric_sender_id"
        assert call(sb, "GET", f"/alphanumeric_sender_ids/{sender['id']}").status_code == 200
        updated = call(sb, "PATCH", f"/messaging_profiles/{PID}", json={"name": "Renamed"}).json()["data"]
        assert updated["id"] == PID and updated["updated_at"] > updated["created_at"]
        assert (
            call(
                sb, "PUT", f"/messaging_profiles/{PID}/autoresp_configs/ar-1", json=SEED["autoresp_configs"][0]
            ).status_code
            == 200
        )
        # a reset is written to the state file, as every change is
        assert control(sb, "POST", "reset", json={"profiles": [{"id": "kept", "name": "K"}]}).status_code == 200
    assert [p["id"] for p in json.loads(state.read_text())["profiles"]] == ["kept"]


# --------------------------------------------------------------------------- leniency where the spec is lenient


def test_sender_id_lists_take_any_integer_paging(sandbox: Sandbox) -> None:
    control(sandbox, "POST", "reset", json=SEED)
    for query in ("page[size]=1000", "page[size]=0&page[number]=0", "page[number]=-5", "page[size]=251"):
        for path in ("/alphanumeric_sender_ids", f"/messaging_profiles/{PID}/alphanumeric_sender_ids"):
            resp = call(sandbox, "GET", f"{path}?{query}")
            assert resp.status_code == 200, (path, query)
            assert [x["id"] for x in resp.json()["data"]] == ["sid-1"]
    assert call(sandbox, "GET", "/alphanumeric_sender_ids?page[size]=many").status_code == 422
    assert call(sandbox, "GET", "/messaging_profiles?page[size]=251").status_code == 400  # its spec sets 250


# --------------------------------------------------------------------------- one rule per field


def test_the_specs_own_fallback_example_passes_in_msgprof_and_the_sandbox(cli, sandbox: Sandbox) -> None:
    pid = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})["id"]
    assert rules.us_long_code_problem("+15551234567") is None
    body = {"alphanumeric_sender_id": "Acme", "messaging_profile_id": pid, "us_long_code_fallback": "+15551234567"}
    assert call(sandbox, "POST", "/alphanumeric_sender_ids", json=body).status_code == 201


def test_validate_and_the_sandbox_share_the_keyword_clash_rule(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    """ıNFO upper-cases to INFO: one keyword for the sandbox, so one for validate too."""
    f = tmp_path / "p.yaml"
    f.write_text(
        "name: P\nwhitelisted_destinations: [US]\nautoresp_configs:\n"
        "  - {op: info, keywords: [INFO], country_code: US}\n"
        "  - {op: stop, keywords: [ıNFO], country_code: US}\n"
    )
    res = cli("validate", str(f))
    assert res.exit_code == 3
    assert "keyword 'ıNFO' is also a keyword of the info config for US" in res.stderr
    pid = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})["id"]
    path = f"/messaging_profiles/{pid}/autoresp_configs"
    assert (
        call(sandbox, "POST", path, json={"op": "info", "keywords": ["INFO"], "country_code": "US"}).status_code == 200
    )
    assert (
        call(sandbox, "POST", path, json={"op": "stop", "keywords": ["ıNFO"], "country_code": "US"}).status_code == 422
    )


def _fields(rules_: tuple[Rule, ...], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Rule]]:
    out: list[tuple[tuple[str, ...], Rule]] = []
    for r in rules_:
        out.append((prefix + (r.name,), r))
        out += _fields(r.children, prefix + (r.name,))
    return out


FIELDS = _fields(RULES)
NESTED_BASE: dict[str, dict[str, Any]] = {
    "number_pool_settings": {"long_code_weight": 1, "toll_free_weight": 1, "skip_unhealthy": True},
    "url_shortener_settings": {"domain": "acct.fyi"},
    "features": {},
}
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 4),
    st.integers(10**300, 10**310),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2", "2010-04-01", "100.50", "1e3", "https://example.com/h", "ftp://x", "a" * 65]),
    st.lists(st.sampled_from(["US", "us", "*", "UK", "ZZ", "GB", " US", 1]), max_size=3),
    st.dictionaries(st.sampled_from(["domain", "prefix", "x"]), st.sampled_from(["acct.fyi", True, 1]), max_size=2),
)


def _request(path: tuple[str, ...], value: Any, mode: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "P", "whitelisted_destinations": ["US"]} if mode == "create" else {}
    if len(path) == 1:
        body[path[0]] = value
    else:
        body[path[0]] = {**NESTED_BASE[path[0]], path[1]: value}
    return body


def _at(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=VALUES)
def test_msgprof_and_the_sandbox_agree_on_every_field(sandbox: Sandbox, field: Any, value: Any) -> None:
    """msgprof accepts v (sending p) => the sandbox takes p and answers it back; the sandbox takes v
    => msgprof accepts v and sends it unchanged.  On values msgprof does not normalise, the two
    accept exactly the same: one rule per field."""
    path, rule = field
    top = RULES[[r.name for r in RULES].index(path[0])]
    mode = "create" if top.creatable else "update"
    pid = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})["id"] if mode == "update" else None
    body = _request(path, value, mode)
    checked = validate(Document(body), mode=mode)

    def send(b: dict[str, Any]) -> requests.Response:
        if mode == "create":
            return call(sandbox, "POST", "/messaging_profiles", json=b)
        return call(sandbox, "PATCH", f"/messaging_profiles/{pid}", json=b)

    if not checked.errors:
        taken = send(checked.payload)
        assert taken.status_code == 200, (body, checked.payload, taken.text)
        assert _at(taken.json()["data"], path) == _at(checked.payload, path)
    raw = send(body)
    assert raw.status_code in (200, 422), raw.text
    if raw.status_code == 200:
        assert checked.errors == [], (body, raw.text)
        assert _at(checked.payload, path) == value


SETUP_VALUES = st.one_of(
    st.text(max_size=13),
    st.sampled_from(["+15551234567", "+12025550100", "+1202555010", "+11025550100", "15551234567", "Acme 1", "  "]),
    st.sampled_from(["start", "stop", "info", "STOP", "US", "us", "*", "ZZ", "UK", "GB"]),
    st.integers(0, 3),
    st.none(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["sender_id", "fallback", "op", "country_code", "keyword"]), value=SETUP_VALUES)
def test_msgprof_and_the_sandbox_agree_on_every_setup_field(sandbox: Sandbox, kind: str, value: Any) -> None:
    """The same for sender IDs and auto-responses: msgprof's rule accepts exactly what the sandbox takes
    (country codes: msgprof upper-cases first, so the sandbox takes what msgprof sends)."""
    pid = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})["id"]
    if kind in ("sender_id", "fallback"):
        body: dict[str, Any] = {"alphanumeric_sender_id": "Acme", "messaging_profile_id": pid}
        body["alphanumeric_sender_id" if kind == "sender_id" else "us_long_code_fallback"] = value
        check = rules.sender_id_problem if kind == "sender_id" else rules.us_long_code_problem
        resp = call(sandbox, "POST", "/alphanumeric_sender_ids", json=body)
        msgprof_ok = isinstance(value, str) and check(value) is None
        if kind == "fallback" and value is None:
            msgprof_ok = True  # no fallback at all
        assert resp.status_code == (201 if msgprof_ok else 422), (kind, value, resp.text)
        return
    body = {"op": "stop", "keywords": ["STOP"], "country_code": "US"}
    if kind == "keyword":
        body["keywords"] = [value]
        issues: list[str] = []
        if isinstance(value, str):
            rules.check_keywords([value], lambda *a: issues.append(str(a)))
        ok = isinstance(value, str) and not issues
        sent = value
    elif kind == "op":
        body["op"] = value
        ok, sent = isinstance(value, str) and rules.op_problem(value) is None, value
    else:
        body["country_code"] = value
        code, problem = rules.country(value) if isinstance(value, str) else (None, ("not text", None))
        ok, sent = problem is None, code
    resp = call(sandbox, "POST", f"/messaging_profiles/{pid}/autoresp_configs", json=body)
    if kind == "country_code" and ok:
        # msgprof normalises (" us" -> "US"): the sandbox takes what msgprof sends
        assert (
            call(
                sandbox,
                "POST",
                f"/messaging_profiles/{pid}/autoresp_configs",
                json={**body, "country_code": sent, "op": "info", "keywords": ["HELP"]},
            ).status_code
            == 200
        )
        assert resp.status_code == (200 if sent == value else 422), (value, resp.text)
        return
    assert resp.status_code == (200 if ok else 422), (kind, value, resp.text)


CASES = st.text(st.sampled_from("iIıİsSſßkKKfﬀaA1"), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=CASES, second=CASES)
def test_validate_finds_a_keyword_clash_exactly_when_the_sandbox_refuses_one(
    cli, sandbox: Sandbox, tmp_path: Path, first: str, second: str
) -> None:
    """Two configs of one profile and country: `validate` reports a clash iff the sandbox says 422."""
    f = tmp_path / "p.yaml"
    f.write_text(
        "name: P\nwhitelisted_destinations: [US]\nautoresp_configs:\n"
        f"  - {{op: info, keywords: [{json.dumps(first)}], country_code: US}}\n"
        f"  - {{op: stop, keywords: [{json.dumps(second)}], country_code: US}}\n"
    )
    res = cli("validate", str(f))
    assert res.exit_code in (0, 3), res.stderr
    clash = "is also a keyword of the info config" in res.stderr
    assert res.exit_code == (3 if clash else 0), res.stderr
    pid = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})["id"]
    path = f"/messaging_profiles/{pid}/autoresp_configs"
    assert (
        call(sandbox, "POST", path, json={"op": "info", "keywords": [first], "country_code": "US"}).status_code == 200
    )
    second_answer = call(sandbox, "POST", path, json={"op": "stop", "keywords": [second], "country_code": "US"})
    assert second_answer.status_code == (422 if clash else 200), (first, second, second_answer.text)
