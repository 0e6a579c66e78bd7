"""doctor's local checks before the API (issue 27, "what a person reads"; a new user's findings).

- `doctor --message ID` checks the id's form first: the spec types GET /messages/{id}'s id as a
  UUID (telnyx-send-path.openapi.yaml, GetMessage), so `--message 123` is exit 3 with a hint, no
  key needed and no request sent (it was a round trip ending in exit 5, HTTP 400).
- `doctor -f` on a document whose name two live profiles share (twins) says so as `plan` does,
  never "ready"; against the sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from screens import screen
from sendpath_api import SendPathApi
from test_doctor_sendpath import P, api, message  # noqa: F401 - the fixture is used by name
from test_yaml_only import PROPERTY

from msgprof_cli.sandbox.server import Sandbox

M = "40385f64-5717-4562-b3fc-2c963f66afa6"

not_uuids = st.one_of(
    st.sampled_from(["123", "m1", "", " ", "40385f64-5717-4562-b3fc-2c963f66afa", "40385f64571745622b3fc2c963f66afa6",
                     "40385f64-5717-4562-b3fc-2c963f66afa6x", "../messages", "40385f64-5717-4562-b3fc-2c963f66afag"]),
    st.text(max_size=40).filter(lambda t: len(t.strip()) != 36),
)  # fmt: skip


@PROPERTY
@given(bad=not_uuids)
def test_a_message_id_that_is_not_a_uuid_is_exit_3_and_nothing_is_sent(cli: Any, api: SendPathApi, bad: str) -> None:  # noqa: F811
    api.received.clear()
    res = cli("doctor", "--message", bad)
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    assert "is not a message id: a message id is a UUID" in res.stderr and "hint: " in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert api.received == []


def test_the_form_is_checked_before_the_key_is_needed(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    res = cli("doctor", "--message", "123", "--json")
    assert res.exit_code == 3
    error = json.loads(res.stderr)
    assert error["error"] == "invalid_input" and "40385f64-5717-4562-b3fc-2c963f66afa6" in error["hint"]


def test_a_uuid_in_any_case_or_with_spaces_around_still_reaches_the_api(cli: Any, api: SendPathApi) -> None:  # noqa: F811
    api.messages[M] = message("", "", status="delivered")
    for given_id in (M, f" {M} ", M.upper()):
        res = cli("doctor", "--message", given_id, "--json")
        assert res.exit_code in (0, 5), res.stderr  # the upper-case id is not in the scripted store: 5
    res = cli("doctor", "--message", f" {M} ", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["status"] == "delivered", res.stderr


# --------------------------------------------------------------------------- doctor -f and twins


def test_doctor_f_says_what_plan_says_about_twins(sandbox: Sandbox, tmp_path: Path) -> None:
    first = sandbox.create({"name": "Twin", "whitelisted_destinations": ["US"], "webhook_url": "https://example.com/h"})
    second = sandbox.create(
        {"name": "Twin", "whitelisted_destinations": ["US"], "webhook_url": "https://example.com/h"}
    )
    doc = tmp_path / "twin.yaml"
    doc.write_text("name: Twin\nwhitelisted_destinations: [US]\nwebhook_url: https://example.com/h\n")
    plan = screen("plan", "-f", str(doc), tty=False)
    assert plan.code == 5 and "2 live profiles are named 'Twin'" in plan.out + plan.err
    s = screen("doctor", "-f", str(doc), "--json", tty=False)
    assert s.code == 9, s.err  # a failed check: doctor's exit, never "ready"
    (entry,) = json.loads(s.out)
    twins = [c for c in entry["checks"] if c["check"] == "profile_twins"]
    assert entry["ready"] is False and [c["status"] for c in twins] == ["fail"]
    assert first["id"] in twins[0]["detail"] and second["id"] in twins[0]["detail"]
    assert "2 live profiles are named 'Twin'" in twins[0]["detail"] and "--resolve-twins" in twins[0]["detail"]
    text = screen("doctor", "-f", str(doc), tty=False)
    assert text.code == 9 and "FAIL  profile_twins: 2 live profiles are named 'Twin'" in text.out, text.out
    assert "routes would be refused for 1 of 1 profile: Twin" in text.err


def test_one_live_profile_of_that_name_has_no_twins_check(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.create({"name": "Solo", "whitelisted_destinations": ["US"], "webhook_url": "https://example.com/h"})
    doc = tmp_path / "solo.yaml"
    doc.write_text("name: Solo\nwhitelisted_destinations: [US]\nwebhook_url: https://example.com/h\n")
    s = screen("doctor", "-f", str(doc), "--json", tty=False)
    (entry,) = json.loads(s.out)
    assert s.code == 0 and "profile_twins" not in [c["check"] for c in entry["checks"]], s.out
