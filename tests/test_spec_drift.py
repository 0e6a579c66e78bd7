"""The drift check's comparison (scripts/spec_drift.py), on small fixtures: no network, no SDK."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from conftest import ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_drift", ROOT / "scripts" / "spec_drift.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


drift = _load()
P = "POST /messaging_profiles"


def test_fields_only_one_side_has_are_listed_both_ways_nested_included() -> None:
    sdk = {P: {"name": None, "features": {"ai": None, "new_flag": None}, "brand_new": None}}
    ours = {P: {"name": None, "features": {"ai": None}, "retired": None}}
    found, known = drift.compare(sdk, ours)
    assert found == [
        f"{P}: brand_new is in the SDK, not in msgprof's rules",
        f"{P}: features.new_flag is in the SDK, not in msgprof's rules",
        f"{P}: retired is in msgprof's rules, not in the SDK",
    ]
    assert known == []


def test_equal_sides_path_parameters_and_known_gaps_are_no_drift() -> None:
    ep = "PATCH /phone_numbers/{id}/messaging"
    sdk = {ep: {"messaging_profile_id": None, "tags": None, "id": None}}
    found, known = drift.compare(sdk, {ep: {"messaging_profile_id": None}})
    assert found == []
    assert known == [f"{ep}: tags (not managed: msgprof moves numbers between profiles only)"]


def test_an_endpoint_missing_on_either_side_is_drift() -> None:
    found, _ = drift.compare({"GET /x": {}}, {"GET /y": {}})
    assert found == ["GET /x: msgprof's rules do not cover it", "GET /y: the SDK has no such request type"]


def test_msgprofs_rules_match_the_sdk_fields_read_for_the_docs() -> None:
    """The SDK 4.189.0 request fields tests/spec/README.md records: no drift for msgprof's rules."""
    sdk = json.loads((ROOT / "tests" / "spec" / "sdk-request-fields.json").read_text())
    found, known = drift.compare(sdk["endpoints"], drift.msgprof_fields())
    assert found == [] and len(known) == 3
    created = sdk["endpoints"][P]
    assert created["features"] == {"ai_opt_out_detection_enabled": None} and "redaction_enabled" not in created
    assert {"redaction_enabled", "redaction_level", "v1_secret"} <= set(
        sdk["endpoints"]["PATCH /messaging_profiles/{id}"]
    )


def test_the_command_reports_drift_with_exit_3_and_a_bad_input_with_exit_2(tmp_path: Path) -> None:
    fields = json.loads((ROOT / "tests" / "spec" / "sdk-request-fields.json").read_text())
    fields["endpoints"][P]["features"]["next_feature"] = None
    given = tmp_path / "sdk.json"
    given.write_text(json.dumps(fields))
    script = str(ROOT / "scripts" / "spec_drift.py")
    done = subprocess.run([sys.executable, script, "--sdk-fields", str(given)], capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert f"  DRIFT: {P}: features.next_feature is in the SDK, not in msgprof's rules" in done.stdout.splitlines()
    missing = subprocess.run(
        [sys.executable, script, "--sdk-fields", str(tmp_path / "nope.json")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and missing.stderr.startswith("spec-drift: ") and missing.stdout == ""
