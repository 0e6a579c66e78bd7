"""plan/apply/export of the setup sections: moves only when asked, removals only with --prune-setup,
and a second apply sends no writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import TEST_KEY, Sandbox, make_sandbox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.api.client import SetupOperations, TelnyxClient
from msgprof_cli.api.resources import SenderIds
from msgprof_cli.declarative import report
from msgprof_cli.declarative import setup_plan as rs
from msgprof_cli.document.setup_rules import Autoresp, NumberEntry, SenderEntry, Setup

NUMBERS = [f"+1312555{i:04d}" for i in range(40)]


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch):
    box = make_sandbox(monkeypatch, numbers=NUMBERS, order_polls=1)
    yield box
    box.stop()


def ops_for(box: Sandbox) -> SetupOperations:
    return SetupOperations(TelnyxClient(box.url, TEST_KEY, max_retries=3, backoff_factor=0))


def new_profile(ops: SetupOperations, name: str) -> str:
    return ops.client.create_messaging_profile({"name": name, "whitelisted_destinations": ["US"]})["id"]


def on(box: Sandbox, pid: str) -> set[str]:
    return {n["phone_number"] for n in box.numbers() if n.get("messaging_profile_id") == pid}


def doc(tmp_path: Path, text: str) -> str:
    path = tmp_path / "support.yaml"
    path.write_text("name: Support\nwhitelisted_destinations: [US]\n" + text)
    return str(path)


def test_a_number_moves_between_profiles_only_when_the_document_says_so(cli: Any, sb: Sandbox, tmp_path: Path) -> None:
    ops = ops_for(sb)
    sales = new_profile(ops, "Sales")
    ops.update_phone_number_messaging_settings(NUMBERS[0], {"messaging_profile_id": sales})
    ops.update_phone_number_messaging_settings(NUMBERS[1], {"messaging_profile_id": sales})
    sb.received.clear()

    stay = doc(tmp_path, f'phone_numbers: ["{NUMBERS[0]}", "{NUMBERS[2]}"]\n')
    refused = cli("apply", "-f", stay)
    assert refused.exit_code == 5
    assert f"{NUMBERS[0]} is on profile 'Sales' ({sales}); it moves only when the document says so" in refused.stdout
    assert sb.writes() == []  # the item failed whole: not even the profile was created

    move = doc(tmp_path, f'phone_numbers:\n  - {{number: "{NUMBERS[0]}", move: true}}\n  - "{NUMBERS[2]}"\n')
    planned = cli("plan", "-f", move)
    assert planned.exit_code == 0
    assert f"    > move number {NUMBERS[0]} (from profile 'Sales' ({sales}))" in planned.stdout.splitlines()
    assert f"    + assign number {NUMBERS[2]}" in planned.stdout.splitlines()
    markdown = cli("plan", "-f", move, "--format", "markdown")
    assert f"| `>` | move number | <code>{NUMBERS[0]}</code> | from profile 'Sales' ({sales}) |" in markdown.stdout
    applied = cli("apply", "-f", move, "--json")
    assert applied.exit_code == 0, applied.output
    (item,) = json.loads(applied.stdout)["items"]
    assert on(sb, item["id"]) == {NUMBERS[0], NUMBERS[2]} and on(sb, sales) == {NUMBERS[1]}
    assert {(c["action"], c["key"], c["result"]) for c in item["setup"]} == {
        ("move", NUMBERS[0], "done"),
        ("assign", NUMBERS[2], "done"),
    }
    sb.received.clear()
    again = cli("apply", "-f", move)
    assert again.exit_code == 0 and sb.writes() == []


SECTIONS = f"""\
phone_numbers: ["{NUMBERS[0]}"]
alphanumeric_sender_ids: [Acme]
autoresp_configs:
  - {{op: stop, keywords: [STOP], country_code: US, resp_text: Bye}}
"""


def test_removals_only_with_prune_setup_and_listed_first(cli: Any, sb: Sandbox, tmp_path: Path) -> None:
    ops = ops_for(sb)
    pid = new_profile(ops, "Support")
    for n in NUMBERS[:3]:
        ops.update_phone_number_messaging_settings(n, {"messaging_profile_id": pid})
    for s in ("Acme", "Old"):
        ops.create_alphanumeric_sender_id(SenderIds.add(pid, s, None))
    ops.create_autoresp_config(pid, {"op": "stop", "keywords": ["STOP"], "country_code": "US", "resp_text": "Bye"})
    ops.create_autoresp_config(pid, {"op": "info", "keywords": ["HELP"], "country_code": "US"})
    path = doc(tmp_path, SECTIONS)
    sb.received.clear()

    plain = cli("plan", "-f", path, "--detailed-exitcode")
    assert plain.exit_code == 0 and "Setup:" not in plain.stdout and "remove" not in plain.stdout
    assert cli("apply", "-f", path).exit_code == 0 and sb.writes() == []  # nothing removed without the opt-in

    same = cli("plan", "-f", path, "--format", "markdown")
    assert "Unchanged: Support" in same.stdout and "| setup |" not in same.stdout
    pruned = cli("plan", "-f", path, "--prune-setup", "--detailed-exitcode")
    assert pruned.exit_code == 7
    setup_lines = [line for line in pruned.stdout.splitlines() if line.startswith("    ")]
    assert setup_lines == [
        f"    - unassign number {NUMBERS[1]} (not in the document; it stops sending)",
        f"    - unassign number {NUMBERS[2]} (not in the document; it stops sending)",
        "    - remove sender ID Old",
        "    - remove auto-response US info",
    ]
    assert "; setup: 2 numbers to unassign, 1 sender ID to remove, 1 auto-response to remove." in pruned.stdout
    assert cli("apply", "-f", path, "--prune-setup").exit_code == 0
    assert on(sb, pid) == {NUMBERS[0]}
    assert [s["alphanumeric_sender_id"] for s in ops.list_alphanumeric_sender_ids(pid)] == ["Acme"]
    assert [(c["op"], c["country_code"]) for c in ops.get_autoresp_configs(pid)] == [("stop", "US")]
    sb.received.clear()
    assert cli("apply", "-f", path, "--prune-setup").exit_code == 0 and sb.writes() == []


def test_changes_are_planned_and_applied_then_nothing_more(cli: Any, sb: Sandbox, tmp_path: Path) -> None:
    ops = ops_for(sb)
    pid = new_profile(ops, "Support")
    ops.create_alphanumeric_sender_id(SenderIds.add(pid, "Acme", NUMBERS[5]))
    cfg = ops.create_autoresp_config(
        pid, {"op": "stop", "keywords": ["STOP"], "country_code": "US", "resp_text": "Bye"}
    )
    path = doc(
        tmp_path,
        f"alphanumeric_sender_ids: [{{sender_id: Acme, us_long_code_fallback: '{NUMBERS[6]}'}}]\n"
        "autoresp_configs: [{op: stop, keywords: [STOP, END], country_code: US}]\n",
    )
    planned = cli("plan", "-f", path, "--json")
    (item,) = json.loads(planned.stdout)["items"]
    jsonschema.validate(json.loads(planned.stdout), report.json_schema())
    assert [(c["kind"], c["action"], c["detail"]) for c in item["setup"]] == [
        ("sender_id", "change", f"us_long_code_fallback {NUMBERS[5]} -> {NUMBERS[6]}; remove, then add"),
        ("autoresp", "change", "keywords STOP -> STOP, END"),
    ]
    assert cli("apply", "-f", path).exit_code == 0
    (sender,) = ops.list_alphanumeric_sender_ids(pid)
    assert sender["us_long_code_fallback"] == NUMBERS[6]
    (live,) = ops.get_autoresp_configs(pid)
    assert live["id"] == cfg["id"] and sorted(live["keywords"]) == ["END", "STOP"] and live["resp_text"] == "Bye"
    sb.received.clear()
    assert cli("apply", "-f", path).exit_code == 0 and sb.writes() == []


def test_export_with_setup_round_trips_to_an_empty_plan(cli: Any, sb: Sandbox, tmp_path: Path) -> None:
    path = doc(tmp_path, SECTIONS)
    assert cli("apply", "-f", path).exit_code == 0
    out = tmp_path / "exported"
    assert cli("export", "Support", "--with-setup", "--to", str(out)).exit_code == 0
    text = (out / "support.yaml").read_text()
    assert "phone_numbers:" in text and "alphanumeric_sender_ids:" in text and "autoresp_configs:" in text
    sb.received.clear()
    planned = cli("plan", "-f", str(out), "--prune-setup", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert sb.writes() == []


def test_bad_sections_and_a_number_in_two_documents_are_invalid(cli: Any, sb: Sandbox, tmp_path: Path) -> None:
    bad = doc(
        tmp_path, "phone_numbers: [5550100]\nautoresp_configs: [{op: STOP, keywords: [STOP], country_code: US}]\n"
    )
    res = cli("validate", bad)
    assert res.exit_code == 3
    assert (
        f"{bad}:3: phone_numbers[0]: '5550100' is not an E.164 phone number\n  hint: did you mean +5550100?"
        in res.stderr
    )
    assert f"{bad}:4: autoresp_configs[0].op: op must be one of start, stop, info; found 'STOP'" in res.stderr
    other = tmp_path / "other.yaml"
    other.write_text(f'name: Other\nwhitelisted_destinations: [US]\nphone_numbers: ["{NUMBERS[0]}"]\n')
    twice = doc(tmp_path, f'phone_numbers: ["{NUMBERS[0]}"]\n')
    res = cli("plan", "-f", twice, "-f", str(other))
    assert res.exit_code == 3 and "is listed by the profiles 'Support' and 'Other'" in res.stderr
    assert sb.received == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    live_numbers=st.sets(st.sampled_from(NUMBERS[:12]), max_size=8),
    want_numbers=st.sets(st.sampled_from(NUMBERS[:12]), max_size=8),
    live_senders=st.sets(st.sampled_from(["Acme", "Beta", "Gamma", "Delta"]), max_size=3),
    want_senders=st.sets(st.sampled_from(["Acme", "Beta", "Gamma", "Delta"]), max_size=3),
    live_ops=st.sets(st.sampled_from(["start", "stop", "info"])),
    want_ops=st.dictionaries(st.sampled_from(["start", "stop", "info"]), st.sampled_from(["A", "B"])),
)
def test_property_apply_with_prune_makes_live_equal_the_document_and_then_plans_nothing(
    monkeypatch: pytest.MonkeyPatch,
    live_numbers: set[str],
    want_numbers: set[str],
    live_senders: set[str],
    want_senders: set[str],
    live_ops: set[str],
    want_ops: dict[str, str],
) -> None:
    box = make_sandbox(monkeypatch, numbers=NUMBERS[:12], order_polls=1)
    try:
        ops = ops_for(box)
        pid = new_profile(ops, "P")
        for n in live_numbers:
            ops.update_phone_number_messaging_settings(n, {"messaging_profile_id": pid})
        for s in live_senders:
            ops.create_alphanumeric_sender_id(SenderIds.add(pid, s, None))
        for op in live_ops:
            ops.create_autoresp_config(pid, {"op": op, "keywords": [f"{op}A"], "country_code": "US"})
        setup = Setup(
            [NumberEntry(n) for n in sorted(want_numbers)],
            [SenderEntry(s) for s in sorted(want_senders)],
            [Autoresp(op, [f"{op}{kw}"], "US") for op, kw in want_ops.items()],
        )
        plan = rs.plan_setup(ops, pid, setup, prune=True)
        assert not plan.errors
        expected = {("phone_number", n) for n in live_numbers ^ want_numbers}
        expected |= {("sender_id", s) for s in live_senders ^ want_senders}
        expected |= {("autoresp", f"US {op}") for op in live_ops ^ set(want_ops)}
        expected |= {("autoresp", f"US {op}") for op, kw in want_ops.items() if op in live_ops and kw != "A"}
        assert {(c.kind, c.key) for c in plan.changes} == expected  # the plan lists exactly what differs
        rs.apply_setup(ops, pid, plan)
        assert all(c.result == "done" for c in plan.changes)
        assert on(box, pid) == want_numbers
        assert {s["alphanumeric_sender_id"] for s in ops.list_alphanumeric_sender_ids(pid)} == want_senders
        assert {(c["op"], c["keywords"][0]) for c in ops.get_autoresp_configs(pid)} == {
            (op, f"{op}{kw}") for op, kw in want_ops.items()
        }
        box.received.clear()
        assert rs.plan_setup(ops, pid, setup, prune=True).changes == []
        assert box.writes() == []
    finally:
        box.stop()


def test_a_move_and_a_prune_in_one_apply_leave_the_number_where_it_moved(cli: Any, sb: Sandbox, tmp_path: Path) -> None:
    """Support takes a number from Sales (move: true); Sales, pruned, no longer lists it. Whatever the
    order, the number ends on Support: Sales's unassign leaves alone a number that moved meanwhile."""
    ops = ops_for(sb)
    sales = new_profile(ops, "Sales")
    for n in NUMBERS[:2]:
        ops.update_phone_number_messaging_settings(n, {"messaging_profile_id": sales})
    first = tmp_path / "a-support.yaml"
    first.write_text(f'name: Support\nwhitelisted_destinations: [US]\nphone_numbers: [{{number: "{NUMBERS[0]}", move: true}}]\n')
    second = tmp_path / "b-sales.yaml"
    second.write_text(f'name: Sales\nwhitelisted_destinations: [US]\nphone_numbers: ["{NUMBERS[1]}"]\n')
    planned = cli("plan", "-f", str(tmp_path), "--prune-setup")
    assert f"    - unassign number {NUMBERS[0]} (not in the document; it stops sending)" in planned.stdout
    assert f"    > move number {NUMBERS[0]} (from profile 'Sales' ({sales}))" in planned.stdout
    res = cli("apply", "-f", str(tmp_path), "--prune-setup", "--parallel", "1", "--json")
    assert res.exit_code == 0, res.output
    support = next(i["id"] for i in json.loads(res.stdout)["items"] if i["name"] == "Support")
    assert on(sb, support) == {NUMBERS[0]} and on(sb, sales) == {NUMBERS[1]}
    sb.received.clear()
    assert cli("apply", "-f", str(tmp_path), "--prune-setup").exit_code == 0 and sb.writes() == []
