"""Summaries count everything: a profile whose only changes are setup changes (a number to assign,
a sender ID to add, an auto-response to change) changes the Markdown headline, the text summary
and both --json summaries, and is never headed "unchanged".

Each case sets the account up with apply, then changes only a setup section of the document, and
reads every format the real CLI prints against the sandbox.  The contrast (a plan with nothing
pending) is read too, so a summary that ignored setup would fail here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import Sandbox, make_sandbox

from msgprof_cli.declarative import report
from msgprof_cli.output import markdown, report_view
from msgprof_cli.output.report_view import ShownItem, ShownSetup

NUMBER = "+13125550042"
BASE = "name: Support\nwhitelisted_destinations: [US]\n"

# resource: (what the account holds first, the section that changes only setup, kind, action, phrase)
CASES: dict[str, tuple[str, str, str, str, str]] = {
    "numbers": ("", f'phone_numbers: ["{NUMBER}"]\n', "phone_number", "assign", "1 number"),
    "sender_ids": ("", "alphanumeric_sender_ids: [Acme]\n", "sender_id", "add", "1 sender ID"),
    "autoresp": (
        "autoresp_configs: [{op: info, keywords: [HELP], country_code: US, resp_text: old text}]\n",
        "autoresp_configs: [{op: info, keywords: [HELP], country_code: US, resp_text: new text}]\n",
        "autoresp",
        "change",
        "1 auto-response",
    ),
}
PROFILES_PLAN = "0 to create, 0 to update, 1 unchanged, 0 failed"
PROFILES_APPLY = "0 created, 0 updated, 1 unchanged, 0 failed"


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch):
    box = make_sandbox(monkeypatch, numbers=[NUMBER], order_polls=1)
    yield box
    box.stop()


def _past(action: str) -> str:
    return action + ("d" if action.endswith("e") else "ed")


@pytest.mark.parametrize("apply_json", [False, True], ids=["apply-text", "apply-json"])
@pytest.mark.parametrize("resource", list(CASES))
def test_only_setup_pending_changes_every_summary(
    cli: Any, sb: Sandbox, tmp_path: Path, resource: str, apply_json: bool
) -> None:
    first, then, kind, action, phrase = CASES[resource]
    f = tmp_path / "support.yaml"
    f.write_text(BASE + first)
    assert cli("apply", "-f", str(f)).exit_code == 0
    quiet = cli("plan", "-f", str(f), "--format", "markdown")
    assert quiet.stdout.splitlines()[0] == f"### msgprof plan: {PROFILES_PLAN}"  # nothing pending: no setup part

    f.write_text(BASE + then)
    setup_part = f"setup: {phrase} to {action}"
    md = cli("plan", "-f", str(f), "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert md.stdout.splitlines()[0] == f"### msgprof plan: {PROFILES_PLAN}; {setup_part}"
    assert "<b>setup</b> Support" in md.stdout and "<b>unchanged</b>" not in md.stdout
    assert "Unchanged:" not in md.stdout

    text = cli("plan", "-f", str(f))
    lines = text.stdout.splitlines()
    assert lines[0].startswith("~ setup Support (") and not lines[0].startswith("= unchanged")
    assert lines[-1] == f"Plan: {PROFILES_PLAN}; {setup_part}."

    planned = json.loads(cli("plan", "-f", str(f), "--json").stdout)
    jsonschema.validate(planned, report.json_schema())
    assert planned["summary"]["setup"] == {kind: {action: 1}}
    assert planned["summary"]["unchanged"] == 1

    applied = cli("apply", "-f", str(f), *(["--json"] if apply_json else []))
    assert applied.exit_code == 0, applied.output
    if apply_json:
        out = json.loads(applied.stdout)
        jsonschema.validate(out, report.json_schema())
        assert out["summary"]["setup"] == {kind: {action: 1}}
    else:
        lines = applied.stdout.splitlines()
        assert lines[0].startswith("setup      Support (")
        assert lines[-1] == f"Apply: {PROFILES_APPLY}; setup: {phrase} {_past(action)}."
    again = json.loads(cli("plan", "-f", str(f), "--json").stdout)
    assert again["summary"]["setup"] == {}  # converged: the count went back to nothing


def _item(setup: tuple[ShownSetup, ...], action: str = "unchanged", status: str = "planned") -> ShownItem:
    return ShownItem("P", "p.yaml", "id-1", action, status, None, (), None, None, setup)


def test_a_kind_of_setup_no_summary_knows_is_counted_and_named_all_the_same() -> None:
    # the 10DLC campaign assignment (a later resource): no list of kinds to extend
    campaign = ShownSetup("campaign_assignment", "assign", "C123", "", None, None)
    items = [_item((campaign,))]
    assert report_view.summary_line(items) == f"{PROFILES_PLAN}; setup: 1 campaign assignment to assign"
    assert markdown.plan_markdown(items).splitlines()[0].endswith("; setup: 1 campaign assignment to assign")
    assert report.summary(items, "plan")["setup"] == {"campaign_assignment": {"assign": 1}}
    assert report_view.plan_lines(items)[-1][0][0].endswith("; setup: 1 campaign assignment to assign.")
    assert "+ assign campaign assignment C123" in report_view.plan_lines(items)[1][0][0]


def test_after_apply_a_setup_change_counts_by_what_became_of_it() -> None:
    done = ShownSetup("phone_number", "assign", "+1", "", "done", None)
    failed = ShownSetup("phone_number", "assign", "+2", "", "failed", "refused")
    not_sent = ShownSetup("sender_id", "add", "Acme", "", None, "not sent: the profile's change failed")
    items = [_item((done, failed), status="failed"), _item((not_sent,), "update", "failed")]
    assert report_view.setup_counts(items, "apply") == {"phone_number": {"assign": 1, "failed": 1}}
    assert report_view.summary_line(items, "apply").endswith("; setup: 1 number assigned, 1 number failed")
    # in a plan, an item that could not be planned does nothing: its setup is not counted
    assert report_view.setup_counts([_item((done,), "failed")], "plan") == {}
