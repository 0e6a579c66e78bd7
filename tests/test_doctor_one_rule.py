"""doctor's lows of issue 28: one sender-ID rule for validate, sender-ids add and doctor --from; a
fix command for a profile whose name a terminal can't show as typed names it by id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY

from msgprof_cli.sandbox.server import Sandbox

GB = "+447700900123"


@pytest.mark.parametrize("sender", ["123456789", "12345678901", "12"])
def test_an_all_digit_sender_id_is_one_for_every_command(
    cli: Any, sandbox: Sandbox, tmp_path: Path, sender: str
) -> None:
    """Before: 9-11 digits were a valid sender ID for validate and sender-ids add, but "not a
    phone number" (exit 3) for doctor --from."""
    doc = tmp_path / "p.yaml"
    doc.write_text(f"name: Digits\nwhitelisted_destinations: [GB]\nalphanumeric_sender_ids: ['{sender}']\n")
    assert cli("validate", str(doc)).exit_code == 0
    assert cli("create", "--name", "Digits", "--whitelist", "GB").exit_code == 0
    added = cli("sender-ids", "add", "Digits", sender)
    assert added.exit_code == 0, added.stderr
    res = cli("doctor", "--from", sender, "--to", GB, "--json")
    assert res.exit_code in (0, 9), res.stderr
    report = json.loads(res.stdout)
    assert report["from"] == sender
    on = [c for c in report["checks"] if c["check"] == "sender_id_on_profile"]
    assert on and on[0]["status"] == "pass", report["checks"]


def test_a_sender_that_is_neither_is_refused_naming_both_rules(cli: Any, sandbox: Sandbox) -> None:
    res = cli("doctor", "--from", "Acme-1", "--to", GB)
    assert res.exit_code == 3
    assert "neither a +E.164 phone number nor an alphanumeric sender ID" in res.stderr
    assert "a phone number starts with + and its country code" in res.stderr


def test_a_fix_for_a_name_with_a_control_character_names_the_profile_by_id(cli: Any, sandbox: Sandbox) -> None:
    from msgprof_cli.api.client import TelnyxClient

    client = TelnyxClient(sandbox.url, TEST_KEY)
    profile = client.create_messaging_profile({"name": "Bell\x07name", "whitelisted_destinations": ["US"]})
    sandbox.seed(
        "phone_numbers", profile["id"], {"phone_number": "+12025550142", "type": "longcode", "country_code": "US"}
    )
    res = cli("doctor", "--from", "+12025550142", "--to", GB, "--json")
    assert res.exit_code == 9, res.stderr
    fixes = [c["fix"] for c in json.loads(res.stdout)["checks"] if c["fix"]]
    assert fixes and all(profile["id"] in f for f in fixes if f.startswith("msgprof ")), fixes
    assert not any("\x07" in f for f in fixes)
