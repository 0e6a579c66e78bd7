"""plan --json and apply --json share one shape, and `msgprof schema --report` describes it.

Every report below is printed by the real CLI against the sandbox and validated against the
schema that `schema --report` prints: creates, updates, unchanged items, twin deletions and
failed items, in the plan and after apply.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from conftest import TEST_KEY
from typer.testing import CliRunner

from msgprof_cli.cli import app
from msgprof_cli.sandbox.server import Sandbox


def invoke(sb: Sandbox, *args: str):
    env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
    return CliRunner().invoke(app, list(args), env=env, prog_name="msgprof")


def test_every_plan_and_apply_report_validates_against_schema_report(tmp_path: Path) -> None:
    with Sandbox() as sb:
        schema = json.loads(invoke(sb, "schema", "--report").stdout)
        validator = jsonschema.Draft202012Validator(schema)
        sb.create({"name": "Same", "whitelisted_destinations": ["US"]})
        sb.create({"name": "Old", "whitelisted_destinations": ["US"]})
        for _ in range(2):  # accidental twins
            sb.create({"name": "Twin", "whitelisted_destinations": ["US"]})
        d = tmp_path / "p"
        d.mkdir()
        (d / "a.yaml").write_text("name: New\nwhitelisted_destinations: [US]\n")
        (d / "b.yaml").write_text("name: Same\nwhitelisted_destinations: [US]\n")
        (d / "c.yaml").write_text("name: Old\nwhitelisted_destinations: [CA]\nnumber_pool_settings: {toll_free_weight: 2, long_code_weight: 1, skip_unhealthy: true}\n")
        (d / "d.yaml").write_text("name: Twin\nwhitelisted_destinations: [US]\n")
        reports = []
        for args in (("plan",), ("plan", "--resolve-twins"), ("apply",), ("apply", "--resolve-twins")):
            res = invoke(sb, *args, "-f", str(d), "--json")
            assert res.exit_code in (0, 5), res.stderr
            reports.append(json.loads(res.stdout))
        for report in reports:
            errors = sorted(validator.iter_errors(report), key=str)
            assert not errors, errors[0].message
        actions = {i["action"] for r in reports for i in r["items"]}
        assert actions == {"create", "update", "unchanged", "delete", "failed"}
        assert [r["phase"] for r in reports] == ["plan", "plan", "apply", "apply"]
        statuses = {i["status"] for r in reports for i in r["items"]}
        assert statuses == {"planned", "done", "failed"}
