"""numbers, sender-ids and autoresp against the sandbox: exact results, nothing lost, nothing twice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import TEST_KEY, Faults, Sandbox, make_sandbox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.api import setup as sa
from msgprof_cli.api.client import SetupOperations, TelnyxClient
from msgprof_cli.clock import FakeClock
from msgprof_cli.document.setup_rules import Autoresp

INVENTORY = [f"+1202555{i:04d}" for i in range(320)]


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch):
    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=1)
    yield box
    box.stop()


def profile(cli: Any, name: str = "P") -> str:
    res = cli("create", "--name", name, "--whitelist", "US", "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["id"]


def on_profile(box: Sandbox, pid: str) -> set[str]:
    return {n["phone_number"] for n in box.numbers() if n.get("messaging_profile_id") == pid}


def writes(box: Sandbox) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in box.writes()]


def ops_for(box: Sandbox, retries: int = 3, clock: FakeClock | None = None) -> SetupOperations:
    client = TelnyxClient(box.url, TEST_KEY, max_retries=retries, backoff_factor=0, clock=clock or FakeClock())
    return SetupOperations(client)


def new_profile(ops: SetupOperations, name: str = "P") -> str:
    return ops.client.create_messaging_profile({"name": name, "whitelisted_destinations": ["US"]})["id"]


# --------------------------------------------------------------------------- numbers


def test_assign_300_numbers_through_one_bulk_order(cli: Any, sb: Sandbox) -> None:
    pid = profile(cli)
    wanted = INVENTORY[10:310]
    sb.received.clear()
    res = cli("numbers", "assign", "P", *wanted, "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["summary"] == {"assigned": 300}
    assert [i["number"] for i in report["items"]] == wanted
    assert on_profile(sb, pid) == set(wanted)
    assert writes(sb) == [("POST", "/v2/messaging_numbers_bulk_updates")]  # one order, no PATCH


def test_bulk_progress_rises_to_the_total_while_the_order_is_polled(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=4)
    try:
        pid = profile(cli)
        seen: list[tuple[int, int]] = []
        clock = FakeClock()
        results = sa.assign_numbers(
            ops_for(box), pid, INVENTORY[:300], pacing=sa.Pacing(clock=clock), progress=lambda d, t: seen.append((d, t))
        )
        assert {r.result for r in results} == {"assigned"}
        assert on_profile(box, pid) == set(INVENTORY[:300])
        done = [d for d, _ in seen]
        assert done == sorted(done) and done[-1] == 300 and len(set(done)) >= 4  # it moved step by step
        assert {t for _, t in seen} == {300}
        assert clock.slept and clock.slept == sorted(clock.slept)  # back-off between polls
    finally:
        box.stop()


def test_few_numbers_are_patched_one_by_one_and_reported_per_number(cli: Any, sb: Sandbox) -> None:
    pid = profile(cli)
    other = profile(cli, "Other")
    cli("numbers", "assign", "Other", INVENTORY[2])
    sb.received.clear()
    res = cli("numbers", "assign", "P", INVENTORY[0], INVENTORY[1], INVENTORY[2], "+19995550100")
    assert res.exit_code == 5
    rows = [line.split(None, 2) for line in res.stdout.splitlines()[1:]]
    assert [r[:2] for r in rows] == [
        [INVENTORY[0], "assigned"],
        [INVENTORY[1], "assigned"],
        [INVENTORY[2], "failed"],
        ["+19995550100", "failed"],
    ]
    assert f"on profile {other}" in rows[2][2] and "not a phone number of this account" in rows[3][2]
    assert "2 of 4 numbers failed" in res.stderr
    assert [m for m, _ in writes(sb)] == ["PATCH", "PATCH"]
    assert on_profile(sb, pid) == {INVENTORY[0], INVENTORY[1]}
    moved = cli("numbers", "assign", "P", INVENTORY[2], "--move")
    assert moved.exit_code == 0 and on_profile(sb, pid) == set(INVENTORY[:3]) and on_profile(sb, other) == set()


def test_assign_again_sends_no_write_and_unassign_takes_numbers_off(cli: Any, sb: Sandbox, tmp_path: Any) -> None:
    pid = profile(cli)
    listing = tmp_path / "numbers.txt"
    listing.write_text("# support line\n" + "\n".join(INVENTORY[:8]) + "\n")
    assert cli("numbers", "assign", "P", "-f", str(listing)).exit_code == 0
    sb.received.clear()
    again = cli("numbers", "assign", "P", "-f", str(listing), "--json")
    assert json.loads(again.stdout)["summary"] == {"unchanged": 8} and writes(sb) == []
    listed = cli("numbers", "list", "P", "--json")
    assert sorted(n["phone_number"] for n in json.loads(listed.stdout)) == INVENTORY[:8]
    refused = cli("numbers", "unassign", *INVENTORY[:2])
    assert refused.exit_code == 2 and "--yes" in refused.stderr and writes(sb) == []
    off = cli("numbers", "unassign", *INVENTORY[:7], "--yes", "--json")
    assert off.exit_code == 0 and json.loads(off.stdout)["summary"] == {"unassigned": 7}
    assert on_profile(sb, pid) == {INVENTORY[7]}


@pytest.mark.parametrize(
    "args",
    [
        ["numbers", "assign", "P", "+12025550000", "12025550001", "+1 202 555 0002"],
        ["numbers", "unassign", "--yes", "+12025550000", "0012025550001"],
        ["sender-ids", "add", "P", "Acme-Corp"],
        ["sender-ids", "add", "P", "Acme", "--us-long-code-fallback", "+442079460000"],
        ["autoresp", "create", "P", "--op", "halt", "--keyword", "STOP", "--country", "US"],
        ["autoresp", "create", "P", "--op", "stop", "--keyword", "STOP NOW", "--country", "UK"],
    ],
)
def test_invalid_input_exits_3_and_sends_nothing(cli: Any, sb: Sandbox, args: list[str]) -> None:
    profile(cli)
    sb.received.clear()
    res = cli(*args)
    assert res.exit_code == 3, res.output
    assert "nothing was sent" in res.stderr and res.stdout == ""
    assert sb.received == []  # not even a look-up


def test_invalid_numbers_are_all_reported_with_their_lines(cli: Any, sb: Sandbox, tmp_path: Any) -> None:
    listing = tmp_path / "n.txt"
    listing.write_text("+12025550000\n202-555-0001\n\n+12025550002 # desk\nabc\n")
    res = cli("numbers", "assign", "P", "-f", str(listing), "--json")
    assert res.exit_code == 3 and res.stdout == ""
    err = json.loads(res.stderr)
    assert [(i["source"], i["line"], i["hint"]) for i in err["issues"]] == [
        (str(listing), 2, "did you mean +12025550001?"),  # ten US digits: +1 (issue 27)
        (str(listing), 5, "write it in E.164: +, country code, number, e.g. +15550100001"),
    ]
    assert sb.received == []


def test_dry_run_needs_no_key_and_sends_nothing(cli: Any, sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    res = cli("numbers", "assign", "P", *INVENTORY[:6], "--dry-run", "--json")
    assert res.exit_code == 0
    (request,) = json.loads(res.stdout)
    assert request["method"] == "POST" and request["url"] == sb.url + "/messaging_numbers_bulk_updates"
    assert request["body"] == {"messaging_profile_id": "<id of 'P'>", "numbers": INVENTORY[:6]}
    assert sb.received == []


# --------------------------------------------------------------------------- faults


def test_faults_during_a_bulk_order_lose_no_number(cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any) -> None:
    box = make_sandbox(
        monkeypatch, numbers=INVENTORY, order_polls=3, faults=Faults(fail_rate=0.2, drop_rate=0.2, rate_limit=0, seed=7)
    )
    try:
        box.faults.fail_rate = box.faults.drop_rate = 0.0
        pid = profile(cli)
        box.faults.fail_rate = box.faults.drop_rate = 0.2
        res = cli("numbers", "assign", "P", *INVENTORY[:300], "--max-retries", "10", "--json")
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)["summary"] == {"assigned": 300}
        assert on_profile(box, pid) == set(INVENTORY[:300])
        statuses = {r.path for r in box.received}
        assert "/v2/messaging_numbers_bulk_updates" in statuses
    finally:
        box.stop()


def test_a_dropped_bulk_order_is_never_sent_again_and_its_numbers_are_pending(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=2)
    try:
        pid = profile(cli)
        ops = ops_for(box, retries=0)
        notes: list[str] = []

        def post_then_heal(profile_id: str, numbers: list[str]) -> Any:
            # the first order is made and its answer lost (nobody ever polls it); later ones go through
            box.faults.drop_rate = 1.0 if not notes else 0.0
            try:
                return SetupOperations.bulk_update_messaging_settings(ops, profile_id, numbers)
            finally:
                box.faults.drop_rate = 0.0

        ops.bulk_update_messaging_settings = post_then_heal  # type: ignore[method-assign]
        results = sa.assign_numbers(ops, pid, INVENTORY[:50], pacing=sa.Pacing(clock=FakeClock()), notify=notes.append)
        assert {r.result for r in results} == {"pending"}  # the lost order may still run: never a second one
        posts = [r for r in box.received if r.method == "POST" and r.path.endswith("bulk_updates")]
        assert len(posts) == 1
        assert any("looking for it" in n for n in notes)
    finally:
        box.stop()


def test_sender_id_add_under_faults_creates_exactly_one(cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any) -> None:
    """30% 5xx and 30% dropped answers: every run ends with exactly one sender ID, and across the
    runs both ambiguous outcomes happen (a 5xx: nothing made, sent again; a lost answer: found)."""
    notes: list[str] = []
    for seed in range(12):
        box = make_sandbox(monkeypatch, numbers=INVENTORY, faults=Faults(seed=seed, fail_statuses=(500,)))  # the API's own 5xx
        try:
            ops = ops_for(box, retries=10)
            pid = new_profile(ops)
            box.faults.fail_rate = box.faults.drop_rate = 0.3
            created = sa.add_sender_id(ops, pid, "Acme", None, notes.append)
            notes.append(created.note or "")
            box.faults.fail_rate = box.faults.drop_rate = 0.0
            records = [s for s in ops.list_alphanumeric_sender_ids(pid) if s["alphanumeric_sender_id"] == "Acme"]
            assert [r["id"] for r in records] == [created.record["id"]]
        finally:
            box.stop()
    assert any("is the one this attempt created" in n for n in notes)
    assert any("made; sending it again" in n for n in notes)


def test_sender_id_add_through_the_cli_under_faults(cli: Any, monkeypatch: pytest.MonkeyPatch, fake_clock: Any) -> None:
    box = make_sandbox(monkeypatch, numbers=INVENTORY, faults=Faults(seed=5, fail_statuses=(500,)))  # a gateway's: test_trust_api
    try:
        pid = profile(cli)
        box.faults.fail_rate = box.faults.drop_rate = 0.3
        res = cli("sender-ids", "add", "P", "Acme", "--max-retries", "10", "--json")
        box.faults.fail_rate = box.faults.drop_rate = 0.0
        (record,) = ops_for(box).list_alphanumeric_sender_ids(pid)
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)["id"] == record["id"]
    finally:
        box.stop()


def test_a_lost_create_answer_is_looked_up_not_resent(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_sandbox(monkeypatch, numbers=INVENTORY)
    try:
        pid = profile(cli)
        ops = ops_for(box, retries=0)
        real = SetupOperations.create_autoresp_config

        def drop_once(profile_id: str, payload: dict[str, Any]) -> Any:
            box.faults.drop_rate = 1.0
            try:
                return real(ops, profile_id, payload)
            finally:
                box.faults.drop_rate = 0.0

        ops.create_autoresp_config = drop_once  # type: ignore[method-assign]
        config = Autoresp("stop", ["STOP"], "US", "Bye")
        created = sa.create_autoresp(ops, pid, config)
        assert created.result == "created" and created.note
        posts = [r for r in box.received if r.method == "POST" and r.path.endswith("autoresp_configs")]
        assert len(posts) == 1
        assert len(ops.get_autoresp_configs(pid)) == 1
    finally:
        box.stop()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    wanted=st.sets(st.sampled_from(INVENTORY[:40]), min_size=1, max_size=40),
    before=st.sets(st.sampled_from(INVENTORY[:40]), max_size=10),
    seed=st.integers(0, 1000),
)
def test_property_assign_ends_with_exactly_the_numbers_asked_for(
    monkeypatch: pytest.MonkeyPatch, wanted: set[str], before: set[str], seed: int
) -> None:
    """Whatever was on the profile and whatever faults hit, the asked numbers end on it or are
    reported pending (a bulk order whose answer was lost is never sent again), and no others move."""
    box = make_sandbox(monkeypatch, numbers=INVENTORY[:40], order_polls=2, faults=Faults(seed=seed))
    try:
        ops = ops_for(box, retries=10)
        pid = ops.client.create_messaging_profile({"name": "P", "whitelisted_destinations": ["US"]})["id"]
        if before:
            sa.assign_numbers(ops, pid, sorted(before), pacing=sa.Pacing(clock=FakeClock()))
        box.faults.fail_rate = box.faults.drop_rate = 0.15
        results = sa.assign_numbers(ops, pid, sorted(wanted), pacing=sa.Pacing(clock=FakeClock()))
        box.faults.fail_rate = box.faults.drop_rate = 0.0
        ok = {r.number for r in results if r.result in ("assigned", "unchanged")}
        pending = {r.number for r in results if r.result == "pending"}
        assert ok | pending == wanted and not ok & pending
        assert ok | before <= on_profile(box, pid) <= wanted | before
        assert all("was not sent again" in r.detail for r in results if r.result == "pending")
    finally:
        box.stop()


# --------------------------------------------------------------------------- sender IDs and auto-responses


def test_sender_ids_add_list_remove(cli: Any, sb: Sandbox) -> None:
    profile(cli)
    added = cli("sender-ids", "add", "P", "Acme", "--us-long-code-fallback", INVENTORY[0], "--json")
    assert added.exit_code == 0 and json.loads(added.stdout)["us_long_code_fallback"] == INVENTORY[0]
    sb.received.clear()
    again = cli("sender-ids", "add", "P", "Acme")
    assert again.exit_code == 0 and "already on the profile; nothing was sent" in again.stderr
    assert writes(sb) == []
    clash = cli("sender-ids", "add", "P", "Acme", "--us-long-code-fallback", INVENTORY[1])
    assert clash.exit_code == 5 and "remove it, then add it again" in clash.stderr
    old_form = cli("sender-ids", "P", "--json")  # `sender-ids PROFILE` still lists
    assert [s["alphanumeric_sender_id"] for s in json.loads(old_form.stdout)] == ["Acme"]
    assert cli("sender-ids", "remove", "P", "Acme", "--yes").exit_code == 0
    assert json.loads(cli("sender-ids", "list", "P", "--json").stdout) == []
    gone = cli("sender-ids", "remove", "P", "Acme", "--yes")
    assert gone.exit_code == 5 and "no sender ID 'Acme' on this profile" in gone.stderr


def test_autoresp_create_update_delete(cli: Any, sb: Sandbox) -> None:
    profile(cli)
    made = cli(
        "autoresp",
        "create",
        "P",
        "--op",
        "stop",
        "-k",
        "STOP",
        "-k",
        "END",
        "--country",
        "us",
        "--text",
        "Bye",
        "--json",
    )
    assert made.exit_code == 0, made.output
    cfg = json.loads(made.stdout)
    assert (cfg["op"], cfg["keywords"], cfg["country_code"], cfg["resp_text"]) == ("stop", ["STOP", "END"], "US", "Bye")
    same = cli("autoresp", "create", "P", "--op", "stop", "-k", "END", "-k", "STOP", "--country", "US", "--text", "Bye")
    assert same.exit_code == 0 and "nothing was sent" in same.stderr
    changed = cli("autoresp", "update", "P", cfg["id"], "--text", "Goodbye", "--json")
    assert changed.exit_code == 0
    after = json.loads(changed.stdout)
    assert (after["resp_text"], after["keywords"], after["op"]) == ("Goodbye", ["STOP", "END"], "stop")  # the rest kept
    listed = json.loads(cli("autoresp", "list", "P", "--json").stdout)
    assert [c["id"] for c in listed] == [cfg["id"]]
    assert cli("autoresp", "delete", "P", cfg["id"], "--yes").exit_code == 0
    assert json.loads(cli("autoresp", "list", "P", "--json").stdout) == []
    missing = cli("autoresp", "create", "P", "--keyword", "STOP")
    assert missing.exit_code == 2 and "missing --op, --country" in missing.stderr


def test_a_bulk_assign_shows_a_progress_bar_on_a_terminal_and_none_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    from screens import screen

    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=1)
    try:
        new_profile(ops_for(box))
        at_terminal = screen("numbers", "assign", "P", *INVENTORY[:300], "--json", tty=True)
        assert at_terminal.code == 0, at_terminal.err
        assert "numbers" in at_terminal.err_text and "300/300" not in at_terminal.out  # the bar is on stderr
        assert "━" in at_terminal.err  # rich's bar was drawn
        assert json.loads(at_terminal.out)["summary"] == {"assigned": 300}
        piped = screen("numbers", "unassign", "--yes", *INVENTORY[:300], "--json", tty=False)
        assert piped.code == 0 and piped.err == ""  # no bar, no noise when stderr is not a terminal
    finally:
        box.stop()


def test_numbers_come_from_stdin_with_f_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    from screens import screen

    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=1)
    try:
        pid = new_profile(ops_for(box))
        listing = "# from a pipe\n" + "\n".join(INVENTORY[:7]) + "\n"
        res = screen("numbers", "assign", "P", "-f", "-", "--json", tty=False, stdin=listing)
        assert res.code == 0, res.err
        assert json.loads(res.out)["summary"] == {"assigned": 7} and on_profile(box, pid) == set(INVENTORY[:7])
        bad = screen("numbers", "assign", "P", "-f", "-", tty=False, stdin="+12025550000\n12025550001\n")
        assert bad.code == 3 and "<stdin>:2: '12025550001' is not an E.164 phone number" in bad.err
    finally:
        box.stop()


def test_rate_limits_during_a_bulk_order_are_waited_out_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """429s (3 requests a second) on every step of a 300-number order: waited out on a fake clock."""
    clock = FakeClock()
    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=3, faults=Faults(rate_limit=3, clock=clock.time))
    try:
        ops = ops_for(box, retries=10, clock=clock)
        pid = new_profile(ops)
        results = sa.assign_numbers(ops, pid, INVENTORY[:300], pacing=sa.Pacing(clock=clock))
        assert {r.result for r in results} == {"assigned"} and on_profile(box, pid) == set(INVENTORY[:300])
        assert clock.slept  # the 429s were waited out (on the fake clock)
        posts = [r for r in box.received if r.method == "POST" and r.path.endswith("bulk_updates")]
        assert len(posts) >= 1 and all(p.body["numbers"] == INVENTORY[:300] for p in posts)
    finally:
        box.stop()


@pytest.mark.parametrize(
    ("args", "method", "path"),
    [
        (["sender-ids", "remove", "P", "Acme"], "DELETE", "/alphanumeric_sender_ids/<id of 'Acme' on 'P'>"),
        (["autoresp", "delete", "P", "c1"], "DELETE", "/messaging_profiles/<id of 'P'>/autoresp_configs/c1"),
        (["autoresp", "update", "P", "c1", "--text", "Hi"], "PUT", "/messaging_profiles/<id of 'P'>/autoresp_configs/c1"),
        (["sender-ids", "add", "P", "Acme"], "POST", "/alphanumeric_sender_ids"),
        (["numbers", "unassign", "+12025550000"], "PATCH", "/phone_numbers/<id of +12025550000>/messaging"),
    ],
)
def test_every_changing_command_has_a_dry_run_that_sends_nothing(
    cli: Any, sb: Sandbox, monkeypatch: pytest.MonkeyPatch, args: list[str], method: str, path: str
) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    res = cli(*args, "--dry-run", "--json")
    assert res.exit_code == 0, res.output
    (request,) = json.loads(res.stdout)
    assert (request["method"], request["url"]) == (method, sb.url + path)
    assert "dry run: nothing was sent" in res.stderr and sb.received == []


def test_deleting_an_auto_response_that_is_not_there_is_exit_5_and_deletes_nothing(cli: Any, sb: Sandbox) -> None:
    profile(cli)
    made = cli("autoresp", "create", "P", "--op", "stop", "-k", "STOP", "--country", "US", "--text", "Bye", "--json")
    kept = json.loads(made.stdout)["id"]
    before = len(sb.received)
    res = cli("autoresp", "delete", "P", kept, "no-such-config", "--yes")
    assert res.exit_code == 5, res.output
    assert "no auto-response config no-such-config on this profile; nothing was deleted" in res.stderr
    assert [r.method for r in sb.received[before:] if r.method == "DELETE"] == []
    assert [c["id"] for c in json.loads(cli("autoresp", "list", "P", "--json").stdout)] == [kept]


def test_end_of_input_at_a_prompt_ends_the_prompt_line(sb: Sandbox) -> None:
    from screens import screen

    assert screen("create", "--name", "P", "--whitelist", "US").code == 0
    s = screen("delete", "P", stdin="")  # Ctrl-D: no answer, and the terminal echoed no newline
    assert s.code == 0, s.err
    assert s.err_text.splitlines()[0].endswith("[y/N]: ")
    assert s.err_text.splitlines()[1] == "msgprof: nothing deleted"
