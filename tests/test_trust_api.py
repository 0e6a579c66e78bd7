"""Issue 28, the API findings: a gateway's 5xx, records of another profile, partial creates,
duplicate sender IDs, oversized pages.

Each test drives the real CLI against tests/hostile_api.py on 127.0.0.1, set to do what the
finding's server did: a gateway answering 502/503/504/408 before the backend commits late
(``gateway``), a server that ignores ``filter[messaging_profile_id]`` (``ignore_filters``), one
that answers every item in one page whatever was asked (``oversize``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TEST_KEY
from hostile_api import HostileApi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PHONES = [f"+1415555{i:04d}" for i in range(12)]
FAST = ("--timeout", "0.2", "--max-retries", "2")
GATEWAY = [408, 502, 503, 504]
KINDS = ["create", "apply", "sender-ids", "autoresp", "numbers", "apply-setup"]


def use(api: HostileApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", api.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)


def _doc(tmp: Path, text: str) -> str:
    path = tmp / "d.yaml"
    path.write_text(text)
    return str(path)


def _run(kind: str, cli: Any, tmp: Path, *extra: str) -> Any:
    if kind == "create":
        return cli("create", "--name", "Sales", "--whitelist", "US", *extra)
    if kind == "apply":
        return cli("apply", "-f", _doc(tmp, "name: Sales\nwhitelisted_destinations: [US]\n"), *extra)
    if kind == "sender-ids":
        return cli("sender-ids", "add", "Support", "Acme", *extra)
    if kind == "autoresp":
        return cli("autoresp", "create", "Support", "--op", "stop", "-k", "STOP", "--country", "US", *extra)
    if kind == "numbers":
        return cli("numbers", "assign", "Support", *PHONES[:8], *extra)
    doc = (
        "name: Support\nwhitelisted_destinations: [US]\n"
        f"phone_numbers: [{', '.join(repr(p) for p in PHONES[:8])}]\n"
        "alphanumeric_sender_ids: [Acme]\n"
        "autoresp_configs:\n  - {op: stop, keywords: [STOP], country_code: US}\n"
    )
    return cli("apply", "-f", _doc(tmp, doc), *extra)


def _made(kind: str, api: HostileApi) -> dict[str, tuple[int, int]]:
    """(POSTs sent, records made) per resource the run creates."""
    every = {
        "profile": (api.posts("messaging_profiles"), len([p for p in api.profiles if p["name"] == "Sales"])),
        "sender ID": (api.posts("alphanumeric_sender_ids"), len(api.senders)),
        "auto-response": (api.posts("autoresp_configs"), len(api.autoresp)),
        "bulk order": (api.posts("bulk_updates"), len(api.orders)),
    }
    which = {
        "create": ["profile"],
        "apply": ["profile"],
        "sender-ids": ["sender ID"],
        "autoresp": ["auto-response"],
        "numbers": ["bulk order"],
        "apply-setup": ["sender ID", "auto-response", "bulk order"],
    }[kind]
    return {w: every[w] for w in which}


def _hostile(status: int, after: int, late: int = 1) -> HostileApi:
    api = HostileApi(late=late, commit_after=after, gateway=status)
    api.profile("Support", whitelisted_destinations=["US"])
    for p in PHONES[:8]:
        api.number(p)
    return api


# --------------------------------------------------------------------------- 1: a gateway's 5xx


@given(kind=st.sampled_from(KINDS), status=st.sampled_from(GATEWAY), after=st.integers(1, 12))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_a_create_a_gateway_answered_before_a_late_commit_is_made_once(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, tmp_path: Path, kind: str, status: int, after: int
) -> None:
    """Finding 1: a POST answered 504 by a gateway while the backend committed it later was looked
    up once, not found, and sent again: two profiles, sender IDs, auto-responses, exit 0.  Now a
    502/503/504/408 is a lost answer: patient look-ups, one POST, one record, whenever it commits."""
    with _hostile(status, after) as api:
        use(api, monkeypatch)
        res = _run(kind, cli, tmp_path, *FAST)
        api.late = 0
        for _ in range(after):  # let the late commit happen, then count
            requests.get(api.url + "/messaging_profiles", timeout=5)
        made = _made(kind, api)
    assert all(posts == 1 and records == 1 for posts, records in made.values()), (made, res.output)
    assert res.exit_code in (0, 6), res.output
    if res.exit_code == 6:
        assert "did not send it again" in res.output or "not sent again" in res.output
    assert "sending it again" not in res.output


@pytest.mark.parametrize("status", GATEWAY)
def test_after_max_retries_0_a_gateway_answer_says_it_may_have_been_created(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, status: int
) -> None:
    """Finding 1: with --max-retries 0 it said "no profile was created", and one appeared 1.5 s
    later.  Now it says it may exist and how to see it; the profile then appears, once."""
    with _hostile(status, after=50) as api:  # commits long after msgprof has given up looking
        use(api, monkeypatch)
        res = cli("create", "--name", "Sales", "--whitelist", "US", "--timeout", "0.2", "--max-retries", "0")
        api.late = 0
        for _ in range(50):
            requests.get(api.url + "/messaging_profiles", timeout=5)
        assert [p["name"] for p in api.profiles].count("Sales") == 1 and api.posts("messaging_profiles") == 1
    assert res.exit_code == 6, res.output
    assert f"the create of 'Sales' got HTTP {status} (a gateway's or a timer's answer" in res.stderr
    assert "it may or may not exist; msgprof did not send it again" in res.stderr
    assert "hint: it may have been created: `msgprof list --name 'Sales'` shows it" in res.stderr
    assert "was created" not in res.stderr.replace("may have been created", "")


def test_the_apis_own_500_is_still_looked_up_once_and_resent(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any
) -> None:
    """A 500 is the API's own handler having finished: one look-up tells, and a re-send is safe."""
    with HostileApi() as api:
        use(api, monkeypatch)
        real, state = api._profiles, {"first": True}

        def profiles(method: str, parts: list[str], query: dict[str, str], body: Any) -> Any:
            if method == "POST" and state["first"]:
                state["first"] = False
                return 500, {"errors": [{"code": "10007", "title": "Internal error"}]}
            return real(method, parts, query, body)

        api._profiles = profiles  # type: ignore[method-assign]
        res = cli("create", "--name", "Sales", "--whitelist", "US", *FAST)
        assert api.posts("messaging_profiles") == 2 and len(api.profiles) == 1
    assert res.exit_code == 0, res.output
    assert "the API answered HTTP 500, and a look-up found nothing the create of 'Sales' made; sending it again" in res.stderr


# --------------------------------------------------------------------------- 10: records of another profile


def _two_profiles(api: HostileApi) -> tuple[str, str]:
    mine = api.profile("Mine", whitelisted_destinations=["US"])
    other = api.profile("Other", whitelisted_destinations=["US"])
    api.senders.append({"id": "s-other", "alphanumeric_sender_id": "Acme", "messaging_profile_id": other})
    api.number(PHONES[0], owner=other)
    return mine, other


def test_sender_ids_remove_never_deletes_another_profiles_sender_id(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 10: a server ignoring filter[messaging_profile_id] answered Other's Acme for Mine,
    and `sender-ids remove Mine Acme` deleted it.  Now: exit 5, naming it; nothing deleted."""
    with HostileApi(ignore_filters=True) as api:
        mine, other = _two_profiles(api)
        use(api, monkeypatch)
        res = cli("sender-ids", "remove", "Mine", "Acme", "--yes")
        listed = cli("sender-ids", "list", "Mine")
        assert [s["id"] for s in api.senders] == ["s-other"]
        assert api.writes() == []
    assert res.exit_code == 5, res.output
    said = (
        f'asked for the sender IDs of profile {mine}, the API answered sender ID "Acme" (id "s-other") '
        f'of profile "{other}": msgprof acts on no record listed for another profile'
    )
    assert said in res.stderr
    assert listed.exit_code == 5 and said in listed.stderr and listed.stdout == ""


@pytest.mark.parametrize("command", [["numbers", "list", "Mine"], ["numbers", "list", "Mine", "--json"]])
def test_numbers_list_never_shows_another_profiles_number_as_its_own(
    cli: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    with HostileApi(ignore_filters=True) as api:
        mine, other = _two_profiles(api)
        use(api, monkeypatch)
        res = cli(*command)
    assert res.exit_code == 5 and res.stdout == ""
    said = f'the API answered phone number "{PHONES[0]}" (id "{PHONES[0][1:]}") of profile "{other}"'
    assert said in (json.loads(res.stderr)["message"] if "--json" in command else res.stderr)


def test_sender_ids_add_never_takes_another_profiles_sender_id_for_its_own(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other's Acme, listed for Mine, was "already on the profile" (exit 0, nothing added)."""
    with HostileApi(ignore_filters=True) as api:
        _two_profiles(api)
        use(api, monkeypatch)
        res = cli("sender-ids", "add", "Mine", "Acme")
        assert [s["id"] for s in api.senders] == ["s-other"] and api.writes() == []
    assert res.exit_code == 5, res.output
    assert "msgprof acts on no record listed for another profile" in res.stderr


def test_apply_reads_the_account_once_and_files_each_record_under_its_owner(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """apply's inventory lists the whole account and groups by messaging_profile_id: a server
    ignoring filters changes nothing there (pruning Mine's sender IDs leaves Other's)."""
    with HostileApi(ignore_filters=True) as api:
        _two_profiles(api)
        use(api, monkeypatch)
        doc = _doc(tmp_path, "name: Mine\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: []\n")
        res = cli("apply", "-f", doc, "--prune-setup")
        assert [s["id"] for s in api.senders] == ["s-other"] and api.writes() == []
    assert res.exit_code == 0, res.output


def test_records_of_the_profile_are_listed_as_before(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileApi() as api:  # filters honoured: only Mine's records
        mine, _ = _two_profiles(api)
        api.senders.append({"id": "s-mine", "alphanumeric_sender_id": "Acme", "messaging_profile_id": mine})
        api.number(PHONES[1], owner=mine)
        use(api, monkeypatch)
        senders = cli("sender-ids", "list", "Mine", "--json")
        numbers = cli("numbers", "list", "Mine", "--json")
    assert senders.exit_code == 0 and [s["id"] for s in json.loads(senders.stdout)] == ["s-mine"]
    assert numbers.exit_code == 0 and [n["phone_number"] for n in json.loads(numbers.stdout)] == [PHONES[1]]


# --------------------------------------------------------------------------- 13: bounds


def test_a_page_larger_than_asked_is_refused(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 13: 400,000 items in one page of 250 were printed.  Now: exit 6, nothing printed."""
    with HostileApi(oversize=True) as api:
        for i in range(30):
            api.profile(f"P{i}")
        use(api, monkeypatch)
        first = cli("list")
        every = cli("list", "--all", "--json", "--page-size", "25")
    assert first.exit_code == 6 and first.stdout == ""
    assert "the API answered 30 items for a page of 20" in first.stderr
    assert every.exit_code == 6 and every.stdout == ""
    assert "the API answered 30 items for a page of 25" in json.loads(every.stderr)["message"]


def test_pages_as_asked_are_read_whole(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileApi() as api:
        for i in range(30):
            api.profile(f"P{i}")
        use(api, monkeypatch)
        every = cli("list", "--all", "--json", "--page-size", "7")
    assert every.exit_code == 0 and len(json.loads(every.stdout)) == 30


# --------------------------------------------------------------------------- 11: a create that partly succeeded


def _refusing_profile_patches(api: HostileApi) -> None:
    real = api._profiles

    def profiles(method: str, parts: list[str], query: dict[str, str], body: Any) -> Any:
        if method == "PATCH":
            return 422, {"errors": [{"code": "10015", "title": "Invalid value", "detail": "redaction is off"}]}
        return real(method, parts, query, body)

    api._profiles = profiles  # type: ignore[method-assign]


REDACTED = "name: Sales\nwhitelisted_destinations: [US]\nredaction_enabled: true\nredaction_level: 2\n"


@pytest.mark.parametrize("json_output", [False, True])
def test_create_whose_follow_up_update_fails_names_the_profile_it_made(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, json_output: bool
) -> None:
    """Finding 11: exit 5 with no word that the profile exists, nor its id (a retry made a twin)."""
    with HostileApi() as api:
        _refusing_profile_patches(api)
        use(api, monkeypatch)
        res = cli("create", "-f", _doc(tmp_path, REDACTED), *(["--json"] if json_output else []))
        assert [p["name"] for p in api.profiles] == ["Sales"]
        pid = api.profiles[0]["id"]
    assert res.exit_code == 5 and res.stdout == ""
    said = (
        f"profile 'Sales' was created (id {pid}), then setting redaction_enabled, redaction_level on it failed: "
        "the API refused the request (HTTP 422)"
    )
    hint = f"`msgprof update {pid} -f FILE` sets the rest; creating it again makes a second profile"
    if json_output:
        err = json.loads(res.stderr)
        assert said in err["message"] and err["hint"] == hint and err["exit_code"] == 5
    else:
        assert said in res.stderr and f"hint: {hint}" in res.stderr


def test_apply_whose_follow_up_update_fails_says_created_then_failed(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Finding 11: apply said "none was applied" after creating the profile."""
    doc = REDACTED + "alphanumeric_sender_ids: [Acme]\n"
    with HostileApi() as api:
        _refusing_profile_patches(api)
        use(api, monkeypatch)
        res = cli("apply", "-f", _doc(tmp_path, doc))
        again = cli("apply", "-f", _doc(tmp_path, doc), "--json")
        assert [p["name"] for p in api.profiles] == ["Sales"] and api.senders == []
        pid = api.profiles[0]["id"]
    assert res.exit_code == 5, res.output
    assert f"profile 'Sales' was created (id {pid}), then setting redaction_enabled, redaction_level" in res.output
    assert "none was applied" not in res.output and "the profile was not created" not in res.output
    assert "1 of 1 profiles failed; some of their changes were applied (see each line)" in res.output
    assert "not sent: the profile was created, but setting its other fields failed" in res.output
    assert again.exit_code == 5  # the rerun updates the profile made (refused again here): no second create


# --------------------------------------------------------------------------- lows


def test_a_setup_change_refused_on_an_unchanged_profile_is_none_applied(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Low: "some of their changes were applied" when the only change was refused."""
    with HostileApi(refuse=lambda path, body: "no" if path.endswith("alphanumeric_sender_ids") else None) as api:
        api.profile("Support", whitelisted_destinations=["US"])
        use(api, monkeypatch)
        doc = _doc(tmp_path, "name: Support\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: [Acme]\n")
        res = cli("apply", "-f", doc)
    assert res.exit_code == 5, res.output
    assert "1 of 1 profiles failed; none was applied" in res.output


def test_after_ctrl_c_only_the_change_being_sent_may_have_been_done(tmp_path: Path) -> None:
    """Low: after a Ctrl-C, setup changes never sent were reported "may or may not have been done"."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import Faults, Sandbox, record_output

    import msgprof_cli

    senders = "".join(f"  - ACME{i}\n" for i in range(6))
    doc = _doc(tmp_path, f"name: CtrlS\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids:\n{senders}")
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=300)) as sb:
        here = str(Path(msgprof_cli.__file__).parents[1])  # the code under test, wherever the test runs from
        env = {**os.environ, "TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY, "PYTHONPATH": here}
        proc = subprocess.Popen(
            [sys.executable, "-m", "msgprof_cli", "apply", "-f", doc, "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30  # a safety stop, not a timing
        while not any(r.path.endswith("/alphanumeric_sender_ids") and r.method == "POST" for r in sb.received):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        record_output(out + err)
        sent = {r.body.get("alphanumeric_sender_id") for r in sb.received if r.method == "POST" and isinstance(r.body, dict)}
    assert proc.returncode == 130, err
    changes = json.loads(out)["items"][0]["setup"]
    maybe = [c["key"] for c in changes if c["error"] == "interrupted: it may or may not have been done"]
    assert len(maybe) <= 1 and set(maybe) <= sent, changes
    for change in changes:
        if change["key"] not in sent:
            assert change["error"] == "interrupted before it started", change


# --------------------------------------------------------------------------- 12: duplicate sender IDs


def test_duplicate_sender_ids_are_flagged_by_plan_and_apply_touches_none(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Finding 12: with two live Acme and a fallback change, apply deleted one of them and said
    "the old one was added back"; plan did not flag them.  Now both say so and nothing is sent."""
    doc = _doc(
        tmp_path,
        f"name: Support\nwhitelisted_destinations: [US]\n"
        f"alphanumeric_sender_ids: [{{sender_id: Acme, us_long_code_fallback: '{PHONES[1]}'}}]\n",
    )
    with HostileApi() as api:
        pid = api.profile("Support", whitelisted_destinations=["US"])
        for sid in ("s1", "s2"):
            api.senders.append(
                {"id": sid, "alphanumeric_sender_id": "Acme", "messaging_profile_id": pid, "us_long_code_fallback": PHONES[0]}
            )
        use(api, monkeypatch)
        plan = cli("plan", "-f", doc)
        res = cli("apply", "-f", doc)
        assert api.writes() == [] and [s["id"] for s in api.senders] == ["s1", "s2"]
    said = "sender ID 'Acme': 2 live records (s1, s2); msgprof changes none of them"
    assert plan.exit_code == 5 and said in plan.output, plan.output
    assert res.exit_code == 5 and said in res.output, res.output
    assert "added back" not in res.output


# --------------------------------------------------------------------------- lows: plan refuses what apply refuses


@pytest.mark.parametrize("odd", [".", "..", "a/.."])
def test_plan_refuses_a_removal_apply_would_refuse(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, odd: str
) -> None:
    """Low: `plan --prune-setup` listed removing an auto-response with id `..` (exit 0), which
    apply refuses (exit 5).  Now plan refuses it in the same words."""
    with HostileApi() as api:
        pid = api.profile("Support", whitelisted_destinations=["US"])
        api.autoresp.append({"id": odd, "profile": pid, "op": "stop", "keywords": ["STOP"], "country_code": "US"})
        use(api, monkeypatch)
        doc = _doc(tmp_path, "name: Support\nwhitelisted_destinations: [US]\nautoresp_configs: []\n")
        plan = cli("plan", "-f", doc, "--prune-setup")
        res = cli("apply", "-f", doc, "--prune-setup")
        assert api.writes() == []
    said = f"the auto-response id {json.dumps(odd)} cannot be an id"
    assert plan.exit_code == res.exit_code == 5, plan.output
    assert said in plan.stdout and said in res.stdout
    assert "remove" not in plan.stdout.replace("removal", "")


def test_doctor_never_takes_another_profiles_sender_id_for_the_profiles(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 10 in doctor: Other's Acme, listed for Mine by a server ignoring the filter, passed
    "Acme is a sender ID of Mine".  Now: exit 5 naming it, no pass."""
    with HostileApi(ignore_filters=True) as api:
        _two_profiles(api)
        use(api, monkeypatch)
        res = cli("doctor", "--from", "Acme", "--to", "+447700900123", "--profile", "Mine")
    assert res.exit_code == 5, res.output
    assert "is a sender ID of" not in res.output
    assert "msgprof acts on no record listed for another profile" in res.stderr


def test_a_listing_past_its_item_budget_is_refused() -> None:
    """Finding 13: 300 long pages reached 1.3 GB.  A listing holds at most max_items items
    (MAX_ITEMS by default); past it, exit 6 and no more pages are read."""
    from msgprof_cli.api.client import MAX_ITEMS, TelnyxClient
    from msgprof_cli.errors import UnexpectedAnswer

    assert MAX_ITEMS == 500_000
    with HostileApi() as api:
        for i in range(30):
            api.profile(f"P{i}")
        client = TelnyxClient(api.url, TEST_KEY, max_items=25, page_workers=1)
        with pytest.raises(UnexpectedAnswer) as err:
            list(client.iter_messaging_profiles(page_size=10))
        assert len([p for m, p in api.paths if m == "GET"]) == 3
        assert len(list(TelnyxClient(api.url, TEST_KEY, max_items=30).iter_messaging_profiles(page_size=10))) == 30
    assert err.value.exit_code == 6
    assert "the listing holds more than 25 items, the most msgprof reads in one listing" in err.value.message


def test_a_bulk_order_note_says_when_a_number_went_elsewhere(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any
) -> None:
    """Low: the found-order note said every number was on the profile when one had been taken."""
    with HostileApi() as api:
        pid = api.profile("Support", whitelisted_destinations=["US"])
        other = api.profile("Other")
        for p in PHONES[:8]:
            api.number(p)

        def orders(method: str, parts: list[str], body: Any) -> Any:  # done, but a gateway answers 504
            for n in api.numbers:
                n["messaging_profile_id"] = other if n["phone_number"] == PHONES[0] else pid
            return 504, {"errors": [{"code": "10007", "title": "Gateway Timeout"}]}

        api._orders = orders  # type: ignore[method-assign]
        use(api, monkeypatch)
        res = cli("numbers", "assign", "Support", *PHONES[:8], *FAST)
        assert api.posts("bulk_updates") == 1
    assert "7 of its 8 numbers are on the profile now; 1 went to another profile meanwhile and was not taken" in res.stderr
    assert "each of its numbers is on the profile now" not in res.stderr
    assert res.exit_code == 5, res.output  # the taken number is reported failed, never moved back


def test_short_codes_never_shows_another_profiles_short_code(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lists under a profile's own path are checked too, for records that name their profile."""
    with HostileApi(ignore_filters=True) as api:
        mine, other = _two_profiles(api)
        api.short_codes.append({"id": "c1", "short_code": "12345", "country_code": "US", "messaging_profile_id": other})
        api.short_codes.append({"id": "c2", "short_code": "67890", "country_code": "US"})  # names no profile
        use(api, monkeypatch)
        res = cli("short-codes", "Mine")
        api.short_codes.pop(0)
        fine = cli("short-codes", "Mine", "--json")
    assert res.exit_code == 5 and res.stdout == ""
    assert f'the API answered short code "12345" (id "c1") of profile "{other}"' in res.stderr
    assert fine.exit_code == 0 and [c["id"] for c in json.loads(fine.stdout)] == ["c2"]


@pytest.mark.parametrize("json_output", [True, False])
def test_apply_after_a_gateway_answer_never_says_the_profile_was_not_created(
    cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any, tmp_path: Path, json_output: bool
) -> None:
    """Finding 1 in apply, --max-retries 0: the profile's setup said "not sent: the profile was not
    created" while the profile appeared later."""
    doc = _doc(tmp_path, "name: Sales\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: [Acme]\n")
    with _hostile(504, after=50) as api:
        use(api, monkeypatch)
        res = cli("apply", "-f", doc, *(["--json"] if json_output else []), "--timeout", "0.2", "--max-retries", "0")
        api.late = 0
        for _ in range(50):
            requests.get(api.url + "/messaging_profiles", timeout=5)
        assert [p["name"] for p in api.profiles].count("Sales") == 1 and api.senders == []
    assert res.exit_code == 6, res.output
    assert "was not created" not in res.output and "none was applied" not in res.output
    if not json_output:
        assert "1 of 1 profiles failed; some may have been applied (see each line)" in res.stderr
        return
    item = json.loads(res.stdout)["items"][0]
    assert "it may or may not exist; msgprof did not send it again" in item["error"]["message"]
    assert [c["error"] for c in item["setup"]] == ["not sent: the profile may or may not have been created (see its error)"]


def test_a_resent_sender_id_is_named_once(cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any) -> None:
    """Low: "no sender ID sender ID 'Acme' was created; sending the create again"."""
    with HostileApi() as api:
        api.profile("Support", whitelisted_destinations=["US"])
        real, state = api._senders, {"first": True}

        def senders(method: str, parts: list[str], query: dict[str, str], body: Any) -> Any:
            if method == "POST" and state["first"]:
                state["first"] = False
                return 500, {"errors": [{"code": "10007", "title": "Internal error"}]}
            return real(method, parts, query, body)

        api._senders = senders  # type: ignore[method-assign]
        use(api, monkeypatch)
        res = cli("sender-ids", "add", "Support", "Acme", *FAST)
        assert len(api.senders) == 1
    assert res.exit_code == 0, res.output
    assert "a look-up found nothing the create of sender ID 'Acme' made; sending it again" in res.stderr
    assert "sender ID sender ID" not in res.stderr
