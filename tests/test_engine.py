"""One engine for every resource: one URL path builder, typed records, one create protocol.

Each test is a finding of issues 19/20 that failed on 141e991: against the hostile API
(tests/hostile_api.py: keeps duplicates, commits late, answers odd ids) or the sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from conftest import TEST_KEY, Sandbox
from hostile_api import HostileApi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from urllib3.util import parse_url

from msgprof_cli.api import paths
from msgprof_cli.errors import UnexpectedRecord

ODD = [".", "..", "a/..", "", "x\n", "\x00", 12, 1.5, None, True, {"a": 1}, ["x"]]
PHONES = [f"+1415555{i:04d}" for i in range(12)]
FAST = ("--timeout", "0.2", "--max-retries", "2")


def use(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", api.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)


# --------------------------------------------------------------------------- one URL path builder


@given(st.one_of(st.text(max_size=12), st.sampled_from(["%2e%2e", "%2E.", ".%2e", "a%2fb", "..."])))
@settings(max_examples=300)
def test_property_an_id_is_one_segment_as_urllib3_sends_it_or_refused(value: str) -> None:
    """Judged as requests and urllib3 send it: one segment that decodes back to the id, or a refusal."""
    try:
        built = paths.path("messaging_profiles", paths.Id("P", "profile"), "autoresp_configs", paths.Id(value, "x"))
    except UnexpectedRecord as exc:
        assert paths.id_problem(value) is not None and "nothing was sent" in exc.message
        assert exc.exit_code == 5
        return
    prepared = requests.Request("DELETE", "http://h/v2" + built).prepare()
    sent = parse_url(prepared.url or "").path or ""
    assert sent.count("/") == 5, sent
    assert unquote(sent.rsplit("/", 1)[1]) == value


@pytest.mark.parametrize("value", ODD)
def test_what_cannot_be_an_id_is_refused_with_exit_5(value: Any) -> None:
    with pytest.raises(UnexpectedRecord) as err:
        paths.segment(value, "auto-response")
    assert err.value.exit_code == 5 and err.value.message.startswith("the auto-response id ")
    assert len(paths.shown(value)) <= paths.MAX_SHOWN


def test_percent_dot_dot_stays_literal() -> None:
    assert paths.path("a", paths.Id("%2e%2e", "x")) == "/a/%252e%252e"


# The structural scan (no request path or request built outside api/, over the whole package, with
# planted probes) is in tests/test_requests_as_values.py.


# --------------------------------------------------------------------------- odd ids from the API


@pytest.mark.parametrize("odd", [".", "..", "a/.."])
def test_an_auto_response_id_that_is_a_path_step_never_deletes_the_profile(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, odd: str
) -> None:
    """Finding: `..` as an auto-response id turned "remove it" into DELETE /messaging_profiles/P/."""
    with HostileApi() as api:
        pid = api.profile("Support", whitelisted_destinations=["US"])
        api.autoresp.append({"id": odd, "profile": pid, "op": "stop", "keywords": ["STOP"], "country_code": "US"})
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        doc.write_text("name: Support\nwhitelisted_destinations: [US]\nautoresp_configs: []\n")
        res = cli("apply", "-f", str(doc), "--prune-setup")
        direct = cli("autoresp", "delete", "Support", odd, "--yes")
        assert api.writes() == [] and len(api.profiles) == 1
    assert res.exit_code == 5, res.output
    assert f"the auto-response id {json.dumps(odd)} cannot be an id" in res.stdout
    assert direct.exit_code == 5 and "nothing was sent" in direct.stderr


def test_percent_encoded_dots_are_an_id_like_any_other(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileApi() as api:
        pid = api.profile("Support")
        api.autoresp.append({"id": "%2e%2e", "profile": pid, "op": "stop", "keywords": ["STOP"], "country_code": "US"})
        use(api, monkeypatch)
        res = cli("autoresp", "delete", "Support", "%2e%2e", "--yes")
        assert api.writes() == [("DELETE", f"/v2/messaging_profiles/{pid}/autoresp_configs/%252e%252e")]
        assert api.autoresp == [] and len(api.profiles) == 1
    assert res.exit_code == 0, res.output


RECORDS = {  # (resource, field): the command that reads it
    ("number", "id"): ("numbers", "assign", "Support", PHONES[0]),
    ("number", "messaging_profile_id"): ("numbers", "assign", "Support", PHONES[0]),
    ("sender", "id"): ("sender-ids", "remove", "Support", "Acme", "--yes"),
    ("sender", "alphanumeric_sender_id"): ("sender-ids", "add", "Support", "Beta"),
    ("autoresp", "id"): ("autoresp", "delete", "Support", "c1", "--yes"),
    ("profile", "id"): ("sender-ids", "list", "Support"),
}


@given(
    odd=st.sampled_from([12, 1.5, None, True, {"a": 1}, ["x"], {"id": {"id": []}}]),
    where=st.sampled_from(sorted(RECORDS)),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_an_id_of_another_json_type_is_exit_5_never_1(
    cli: Any, monkeypatch: pytest.MonkeyPatch, odd: Any, where: tuple[str, str]
) -> None:
    """Finding: a phone number whose id is a JSON number gave exit 1 (quote_from_bytes).  Any id,
    profile id or sender id of another JSON type is exit 5 with a message, and nothing is sent."""
    resource, key = where
    if key == "messaging_profile_id" and odd is None:
        odd = 0  # null is "on no profile"
    with HostileApi() as api:
        pid = api.profile("Support")
        api.number(PHONES[0])
        api.senders.append({"id": "s1", "alphanumeric_sender_id": "Acme", "messaging_profile_id": pid})
        api.autoresp.append({"id": "c1", "profile": pid, "op": "stop", "keywords": ["STOP"], "country_code": "US"})
        target = {
            "number": api.numbers[0],
            "sender": api.senders[0],
            "autoresp": api.autoresp[0],
            "profile": api.profiles[0],
        }
        target[resource][key] = odd
        use(api, monkeypatch)
        res = cli(*RECORDS[where])
        assert api.writes() == []
    assert res.exit_code == 5, res.output
    assert f"whose {key} is {paths.shown(odd)}" in res.stderr and "Traceback" not in res.output


def test_a_profile_id_of_another_type_is_exit_5(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileApi() as api:
        api.profile("Support", pid=12)
        use(api, monkeypatch)
        res = cli("sender-ids", "list", "Support")
    assert res.exit_code == 5 and "whose id is 12 (a JSON number), not a string" in res.stderr


# --------------------------------------------------------------------------- never twice


def _late_runs(kind: str, cli: Any, api: HostileApi) -> Any:
    if kind == "sender-ids":
        return cli("sender-ids", "add", "Support", "Acme", *FAST)
    if kind == "autoresp":
        return cli("autoresp", "create", "Support", "--op", "stop", "-k", "STOP", "--country", "US", *FAST)
    return cli("numbers", "assign", "Support", *PHONES[:8], *FAST)


@given(kind=st.sampled_from(["sender-ids", "autoresp", "numbers"]), after=st.integers(1, 12))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_a_create_whose_post_commits_late_is_made_once(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, kind: str, after: int
) -> None:
    """Finding: a sender ID, an auto-response or a bulk order whose POST commits after the client
    gave up was created 3 times, exit 0.  Now: one POST, whenever it commits; found (exit 0) or
    reported unknown (exit 6), never sent again."""
    with HostileApi(late=1, commit_after=after) as api:
        api.profile("Support")
        for p in PHONES[:8]:
            api.number(p)
        use(api, monkeypatch)
        res = _late_runs(kind, cli, api)
        api.late = 0
        for _ in range(after):  # let the late commit happen, then count
            requests.get(api.url + "/messaging_profiles", timeout=5)
        suffix = {"sender-ids": "alphanumeric_sender_ids", "autoresp": "autoresp_configs", "numbers": "bulk_updates"}
        assert api.posts(suffix[kind]) == 1
        made = {"sender-ids": len(api.senders), "autoresp": len(api.autoresp), "numbers": len(api.orders)}[kind]
        assert made == 1
    assert res.exit_code in (0, 6), res.output
    if res.exit_code == 6:
        assert "not sent again" in res.output or "did not send it again" in res.output


@given(late=st.integers(1, 3), after=st.integers(1, 10))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_apply_creates_each_setup_record_once_under_late_commits(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, tmp_path: Path, late: int, after: int
) -> None:
    """The same in apply: a bulk order, a sender ID and an auto-response whose POSTs commit late
    are each sent once and exist once."""
    doc = tmp_path / "s.yaml"
    doc.write_text(
        "name: Support\nwhitelisted_destinations: [US]\n"
        f"phone_numbers: [{', '.join(repr(p) for p in PHONES[:8])}]\n"
        "alphanumeric_sender_ids: [Acme]\n"
        "autoresp_configs:\n  - {op: stop, keywords: [STOP], country_code: US}\n"
    )
    with HostileApi(late=late, commit_after=after) as api:
        api.profile("Support", whitelisted_destinations=["US"])
        for p in PHONES[:8]:
            api.number(p)
        use(api, monkeypatch)
        res = cli("apply", "-f", str(doc), *FAST)
        api.late = 0
        for _ in range(after):
            requests.get(api.url + "/messaging_profiles", timeout=5)
        assert [api.posts(s) for s in ("bulk_updates", "alphanumeric_sender_ids", "autoresp_configs")] == [1, 1, 1]
        assert (len(api.orders), len(api.senders), len(api.autoresp)) == (1, 1, 1)
    assert res.exit_code in (0, 6), res.output


# --------------------------------------------------------------------------- bulk orders


def test_orders_are_split_at_5000_and_one_refused_order_hides_nothing(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    many = [f"+1202{i:07d}" for i in range(5003)]

    def refuse(path: str, body: dict[str, Any]) -> str | None:
        if path.endswith("bulk_updates") and len(body["numbers"]) > 5000:
            return "at most 5000 numbers an order"
        return "this batch is refused" if path.endswith("bulk_updates") and len(body["numbers"]) == 3 else None

    with HostileApi(refuse=refuse) as api:
        api.profile("Support")
        for p in many:
            api.number(p)
        use(api, monkeypatch)
        listing = tmp_path / "n.txt"
        listing.write_text("\n".join(many) + "\n")
        res = cli("numbers", "assign", "Support", "-f", str(listing), "--json")
        assert api.posts("bulk_updates") == 2
    report = json.loads(res.stdout)
    assert report["summary"] == {"assigned": 5000, "failed": 3}
    failed = [i for i in report["items"] if i["result"] == "failed"]
    assert [i["number"] for i in failed] == many[5000:]
    assert all("this batch is refused" in i["detail"] for i in failed)
    assert res.exit_code == 5


def test_a_number_taken_meanwhile_is_reported_not_moved(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding: a re-sent order moved numbers that another profile had taken since the first read."""
    state: dict[str, Any] = {"first": True}

    with HostileApi() as api:
        pid = api.profile("Support")
        other = api.profile("Other")
        for p in PHONES[:8]:
            api.number(p)

        def flaky(path: str, body: dict[str, Any]) -> str | None:
            return None

        api.refuse = flaky
        real = api._orders

        def orders(method: str, parts: list[str], body: Any) -> Any:
            if method == "POST" and state["first"]:  # the first order: 500 (the API's own error), and someone takes a number
                state["first"] = False
                api.numbers[0]["messaging_profile_id"] = other
                return 500, {"errors": [{"code": "10007", "title": "Internal error"}]}
            return real(method, parts, body)

        api._orders = orders  # type: ignore[method-assign]
        use(api, monkeypatch)
        res = cli("numbers", "assign", "Support", *PHONES[:8], "--move", "--json", "--max-retries", "2")
        bodies = [n for n in api.numbers if n["messaging_profile_id"] == pid]
        assert api.numbers[0]["messaging_profile_id"] == other
        assert len(bodies) == 7
    items = {i["number"]: i for i in json.loads(res.stdout)["items"]}
    assert items[PHONES[0]]["result"] == "failed" and "meanwhile" in items[PHONES[0]]["detail"]
    assert res.exit_code == 5


# --------------------------------------------------------------------------- sender IDs, errors, reports


def test_a_sender_id_whose_change_fails_is_put_back_and_the_report_says_so(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(path: str, body: dict[str, Any]) -> str | None:
        if path.endswith("alphanumeric_sender_ids") and body.get("us_long_code_fallback") == "+14155550199":
            return "us_long_code_fallback is not a long code of this account"
        return None

    with HostileApi(refuse=refuse) as api:
        pid = api.profile("Support", whitelisted_destinations=["US"])
        api.senders.append(
            {
                "id": "s1",
                "alphanumeric_sender_id": "Acme",
                "messaging_profile_id": pid,
                "us_long_code_fallback": "+14155550100",
            }
        )
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        doc.write_text(
            "name: Support\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids:\n"
            "  - {sender_id: Acme, us_long_code_fallback: '+14155550199'}\n"
        )
        res = cli("apply", "-f", str(doc))
        (left,) = api.senders
    assert left["us_long_code_fallback"] == "+14155550100"  # restored: nothing silently lost
    assert res.exit_code == 5
    assert "could not be changed" in res.stdout and "the old one was added back" in res.stdout
    assert "us_long_code_fallback is not a long code of this account" in res.stdout  # errors[].detail
    assert "none was applied" not in res.stderr


def test_the_report_never_says_none_was_applied_when_a_profile_was_changed(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with HostileApi(refuse=lambda path, body: "no" if path.endswith("alphanumeric_sender_ids") else None) as api:
        api.profile("Support", whitelisted_destinations=["US"])
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        doc.write_text("name: Support\nwhitelisted_destinations: [US, CA]\nalphanumeric_sender_ids: [Acme]\n")
        res = cli("apply", "-f", str(doc))
    assert res.exit_code == 5
    assert "none was applied" not in res.stderr and "some of their changes were applied" in res.stderr
    assert "1 setup change failed (0 done)" in res.stdout and "[10015] Invalid value: no" in res.stdout


def test_a_failed_create_says_its_setup_was_not_sent(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with HostileApi(refuse=lambda path, body: "bad" if path.endswith("messaging_profiles") else None) as api:
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        doc.write_text("name: Support\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: [Acme]\n")
        res = cli("apply", "-f", str(doc), "--json")
    (item,) = json.loads(res.stdout)["items"]
    assert item["setup"][0]["error"] == "not sent: the profile was not created"
    assert res.exit_code == 5


def test_swapping_keywords_between_two_auto_responses_converges(cli: Any, sandbox: Sandbox, tmp_path: Path) -> None:
    doc = tmp_path / "s.yaml"
    head = "name: Support\nwhitelisted_destinations: [US]\nautoresp_configs:\n"
    doc.write_text(
        head
        + "  - {op: stop, keywords: [STOP], country_code: US}\n  - {op: info, keywords: [HELP], country_code: US}\n"
    )
    assert cli("apply", "-f", str(doc)).exit_code == 0
    doc.write_text(
        head
        + "  - {op: stop, keywords: [HELP], country_code: US}\n  - {op: info, keywords: [STOP], country_code: US}\n"
    )
    res = cli("apply", "-f", str(doc))
    again = cli("plan", "-f", str(doc), "--detailed-exitcode")
    assert res.exit_code == 0, res.output
    assert again.exit_code == 0, again.output


# --------------------------------------------------------------------------- deletes and twins


def test_delete_id_and_name_of_one_profile_deletes_it_once(cli: Any, sandbox: Sandbox) -> None:
    made = cli("create", "--name", "Solo", "--whitelist", "US", "--json")
    pid = json.loads(made.stdout)["id"]
    res = cli("delete", pid, "Solo", "--yes", "--json")
    assert res.exit_code == 0, res.output
    assert [d["id"] for d in json.loads(res.stdout)] == [pid]
    assert [r.method for r in sandbox.writes()].count("DELETE") == 1


def test_resolve_twins_keeps_a_twin_with_a_webhook_or_an_auto_response(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Finding: a twin with a person's webhook and auto-response was deleted as "nothing attached".
    A webhook the file leaves out makes the twins differ: nothing is deleted.  An auto-response
    is attached: that twin is kept, and only the plain copy goes."""
    doc = tmp_path / "t.yaml"
    doc.write_text("name: Twin\nwhitelisted_destinations: [US]\n")
    with HostileApi() as api:
        api.profile("Twin", whitelisted_destinations=["US"])
        api.profile("Twin", whitelisted_destinations=["US"], webhook_url="https://example.com/hook")
        api.profiles[1]["created_at"] = "2026-02-01T00:00:00.000Z"
        use(api, monkeypatch)
        res = cli("apply", "-f", str(doc), "--resolve-twins")
        assert len(api.profiles) == 2 and not any(m == "DELETE" for m, _ in api.writes())
    assert res.exit_code == 5, res.output
    with HostileApi() as api:
        plain = api.profile("Twin", whitelisted_destinations=["US"])
        person = api.profile("Twin", whitelisted_destinations=["US"])
        api.autoresp.append({"id": "c1", "profile": person, "op": "stop", "keywords": ["STOP"], "country_code": "US"})
        use(api, monkeypatch)
        res = cli("apply", "-f", str(doc), "--resolve-twins")
        assert [p["id"] for p in api.profiles] == [person]
        assert [(m, p) for m, p in api.writes()] == [("DELETE", f"/v2/messaging_profiles/{plain}")]
    assert res.exit_code == 0, res.output


def test_two_applies_with_numbers_end_with_one_profile_holding_them(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Finding: the keeper held the other run's numbers, so it was "not accidental": two profiles
    stayed, with a note that they differ.  Now this run's own copy is what must be plain."""
    numbers = PHONES[:2]
    with HostileApi() as api:
        for p in numbers:
            api.number(p)
        real = api._profiles
        other: dict[str, Any] = {}

        def profiles(method: str, parts: list[str], query: dict[str, str], body: Any) -> Any:
            if method == "POST" and not other:  # the other run created it first, and assigned the numbers
                other["id"] = api.profile("Support", whitelisted_destinations=["US"])
                for n in api.numbers:
                    n["messaging_profile_id"] = other["id"]
            return real(method, parts, query, body)

        api._profiles = profiles  # type: ignore[method-assign]
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        doc.write_text(
            "name: Support\nwhitelisted_destinations: [US]\nphone_numbers: ['" + "', '".join(numbers) + "']\n"
        )
        res = cli("apply", "-f", str(doc))
        assert [p["id"] for p in api.profiles] == [other["id"]]
        assert all(n["messaging_profile_id"] == other["id"] for n in api.numbers)
    assert res.exit_code == 0, res.output
    assert "differs" not in res.stderr and "this run's copy" in res.stderr


def test_records_that_leave_out_defaulted_fields_read_as_their_defaults(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A number without messaging_profile_id is on no profile; a sender ID without a fallback has
    none; an auto-response without resp_text or keywords has none: no crash, no phantom change."""
    with HostileApi() as api:
        pid = api.profile("Support", whitelisted_destinations=["US"])
        api.numbers.append({"id": "n1", "phone_number": PHONES[0]})
        api.senders.append({"id": "s1", "alphanumeric_sender_id": "Acme", "messaging_profile_id": pid})
        api.autoresp.append({"id": "c1", "profile": pid, "op": "stop", "country_code": "US", "keywords": ["STOP"]})
        api.autoresp.append({"id": "c2", "profile": pid, "op": "info", "country_code": "US"})
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        doc.write_text(
            f"name: Support\nwhitelisted_destinations: [US]\nphone_numbers: ['{PHONES[0]}']\n"
            "alphanumeric_sender_ids: [Acme]\nautoresp_configs:\n"
            "  - {op: stop, keywords: [STOP], country_code: US}\n  - {op: info, keywords: [HELP], country_code: US}\n"
        )
        res = cli("plan", "-f", str(doc), "--json")
    (item,) = json.loads(res.stdout)["items"]
    assert [(c["kind"], c["action"], c["key"]) for c in item["setup"]] == [
        ("autoresp", "change", "US info"),  # changes before additions: the plan's order
        ("phone_number", "assign", PHONES[0]),
    ]
    assert res.exit_code == 0, res.output


def test_dry_run_shows_one_order_per_5000_numbers(cli: Any, tmp_path: Path) -> None:
    listing = tmp_path / "n.txt"
    listing.write_text("\n".join(f"+1202{i:07d}" for i in range(5001)) + "\n")
    res = cli("numbers", "assign", "Support", "-f", str(listing), "--dry-run", "--json")
    orders = json.loads(res.stdout)
    assert [len(o["body"]["numbers"]) for o in orders] == [5000, 1]
    assert res.exit_code == 0


@pytest.mark.parametrize("count", [2, 8])  # PATCH each, and a bulk order
def test_apply_moves_a_number_only_from_the_profile_the_plan_showed(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, count: int
) -> None:
    """`move: true` takes a number from the profile the plan named; one that went to a third
    profile between plan and apply is reported, and stays there."""
    with HostileApi() as api:
        api.profile("Support", whitelisted_destinations=["US"])
        sales, third = api.profile("Sales"), api.profile("Third")
        for p in PHONES[:count]:
            api.number(p, owner=sales)
        real, reads = api._numbers, {"n": 0}

        def numbers(method: str, parts: list[str], query: dict[str, str], body: Any) -> Any:
            if method == "GET":
                reads["n"] += 1
                if reads["n"] == 2:  # after the plan's read: someone gives the first number to Third
                    api.numbers[0]["messaging_profile_id"] = third
            return real(method, parts, query, body)

        api._numbers = numbers  # type: ignore[method-assign]
        use(api, monkeypatch)
        doc = tmp_path / "s.yaml"
        entries = "".join(f"  - {{number: '{p}', move: true}}\n" for p in PHONES[:count])
        doc.write_text(f"name: Support\nwhitelisted_destinations: [US]\nphone_numbers:\n{entries}")
        res = cli("apply", "-f", str(doc), "--json")
        assert api.numbers[0]["messaging_profile_id"] == third
    (item,) = json.loads(res.stdout)["items"]
    first = next(c for c in item["setup"] if c["key"] == PHONES[0])
    assert first["result"] == "failed" and "not where the plan saw it" in first["error"]
    assert [c["result"] for c in item["setup"] if c["key"] != PHONES[0]] == ["done"] * (count - 1)
    assert res.exit_code == 5
