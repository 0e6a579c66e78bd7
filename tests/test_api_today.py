"""The API as it is today (issue 22): features, redaction_enabled, redaction_level, v1_secret.

The fields come from the official SDK's request types (tests/spec/README.md).  A document using
them validates, plans, applies and exports clean against the sandbox; the sandbox stores them and
never drops a field the API takes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
import yaml
from conftest import TEST_KEY
from jsonschema import Draft202012Validator

from msgprof_cli.document.document import Document
from msgprof_cli.document.rules import RULES_BY_NAME, split_create
from msgprof_cli.document.schema import json_schema
from msgprof_cli.document.validation import validate
from msgprof_cli.sandbox.server import Sandbox

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}


def call(sb: Sandbox, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, sb.url + path, headers=AUTH, timeout=10, **kw)


def check(data: dict[str, Any], mode: str = "create") -> tuple[dict[str, Any], list[str]]:
    result = validate(Document(data), mode=mode)
    return result.payload, [f"{i.field}: {i.message}" for i in result.errors]


BASE = {"name": "P", "whitelisted_destinations": ["US"]}


# --------------------------------------------------------------------------- the rules


def test_features_known_keys_are_typed_and_unknown_keys_pass_through() -> None:
    payload, errors = check({**BASE, "features": {"ai_opt_out_detection_enabled": True, "next_thing": {"a": 1}}})
    assert errors == []
    assert payload["features"] == {"ai_opt_out_detection_enabled": True, "next_thing": {"a": 1}}
    _, errors = check({**BASE, "features": {"ai_opt_out_detection_enabled": "yes"}})
    assert errors == ["features.ai_opt_out_detection_enabled: expected true or false, found the string 'yes'"]
    _, errors = check({**BASE, "features": ["ai_opt_out_detection_enabled"]})
    assert errors == ["features: expected an object (a mapping of field names), found a list"]
    assert check({**BASE, "features": None}) == ({**BASE, "features": None}, [])
    assert check({"features": {"ai_opt_out_detection_enabled": False}}, mode="update")[1] == []


def test_redaction_fields_take_a_boolean_and_level_1_or_2() -> None:
    payload, errors = check({**BASE, "redaction_enabled": True, "redaction_level": 1})
    assert errors == [] and payload["redaction_level"] == 1
    assert check({**BASE, "redaction_level": "2"})[0]["redaction_level"] == 2  # a quoted YAML value
    for bad, found in ((3, "the number 3"), (True, "true"), (1.0, "the number 1.0"), ("two", "the string 'two'")):
        assert check({**BASE, "redaction_level": bad})[1] == [f"redaction_level: must be 1 or 2, found {found}"]
    assert check({"redaction_enabled": "true"}, mode="update")[1] == [
        "redaction_enabled: expected true or false, found the string 'true'"
    ]


def test_update_only_fields_follow_a_create_as_an_update() -> None:
    """The SDK's create request has no redaction fields: a create sends them in a second request."""
    assert not RULES_BY_NAME["redaction_enabled"].creatable and RULES_BY_NAME["redaction_enabled"].updatable
    assert RULES_BY_NAME["features"].creatable and RULES_BY_NAME["features"].updatable
    body, later = split_create({**BASE, "features": None, "redaction_enabled": True, "redaction_level": 1})
    assert body == {**BASE, "features": None}
    assert later == {"redaction_enabled": True, "redaction_level": 1}


def test_v1_secret_in_a_document_is_refused_with_a_hint() -> None:
    for mode in ("create", "update"):
        result = validate(Document({**BASE, "v1_secret": "abc"}), mode=mode)
        assert [(i.field, i.message, i.hint) for i in result.errors] == [
            (
                "v1_secret",
                "is a read-only field of the API's response",
                "remove it: secrets do not belong in files; use `msgprof regenerate-secret` to rotate it",
            )
        ]


def test_the_schema_takes_the_new_fields_as_validation_does() -> None:
    schema = Draft202012Validator(json_schema())
    good = {**BASE, "features": {"ai_opt_out_detection_enabled": True, "x": 1}, "redaction_level": 2}
    assert list(schema.iter_errors(good)) == []
    assert list(schema.iter_errors({**BASE, "features": {"ai_opt_out_detection_enabled": 1}}))
    assert list(schema.iter_errors({**BASE, "redaction_level": 3}))
    assert list(schema.iter_errors({**BASE, "redaction_enabled": "no"}))


# --------------------------------------------------------------------------- flags


def test_flags_set_features_and_redaction_on_update(cli, sandbox: Sandbox) -> None:
    pid = sandbox.create(dict(BASE))["id"]
    res = cli("update", pid, "--ai-opt-out-detection", "--redaction", "--redaction-level", "1", "--output", "json")
    assert res.exit_code == 0, res.stderr
    assert sandbox.writes()[-1].body == {
        "features": {"ai_opt_out_detection_enabled": True},
        "redaction_enabled": True,
        "redaction_level": 1,
    }
    live = sandbox.profiles()[0]
    assert (live["features"], live["redaction_enabled"], live["redaction_level"]) == (
        {"ai_opt_out_detection_enabled": True},
        True,
        1,
    )
    bad = cli("update", pid, "--redaction-level", "3")
    assert bad.exit_code == 3 and "--redaction-level: redaction_level: must be 1 or 2, found the number 3" in bad.stderr
    assert cli("update", pid, "--no-features").exit_code == 0
    assert sandbox.profiles()[0]["features"] is None


def test_create_offers_features_but_not_the_update_only_flags(cli, sandbox: Sandbox) -> None:
    res = cli("create", "--name", "F", "--whitelist", "US", "--no-ai-opt-out-detection", "--output", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["features"] == {"ai_opt_out_detection_enabled": False}
    refused = cli("create", "--name", "G", "--whitelist", "US", "--redaction")
    assert refused.exit_code == 2 and "--redaction" in refused.stderr
    assert [p["name"] for p in sandbox.profiles()] == ["F"]


# --------------------------------------------------------------------------- documents end to end


DOC = """\
name: Today
whitelisted_destinations: [US]
features:
  ai_opt_out_detection_enabled: true
  rolling_feature: on-later
redaction_enabled: true
redaction_level: 1
"""


def test_a_document_with_the_new_fields_plans_applies_and_exports_clean(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.create({"name": "Today", "whitelisted_destinations": ["US"]})  # redaction: update only
    f = tmp_path / "today.yaml"
    f.write_text(DOC)
    assert cli("validate", str(f)).exit_code == 0
    plan = cli("plan", "-f", str(f), "--json")
    assert plan.exit_code == 0, plan.stderr
    changes = {c["field"] for i in json.loads(plan.stdout)["items"] for c in i["changes"]}
    assert changes == {"features", "redaction_enabled", "redaction_level"}
    applied = cli("apply", "-f", str(f))
    assert applied.exit_code == 0, applied.stderr
    live = sandbox.profiles()[0]
    assert live["features"] == {"ai_opt_out_detection_enabled": True, "rolling_feature": "on-later"}
    assert (live["redaction_enabled"], live["redaction_level"]) == (True, 1)
    writes = len(sandbox.writes())
    again = cli("plan", "-f", str(f), "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout  # converged: nothing left to change
    out = tmp_path / "out"
    assert cli("export", "--all", "--to", str(out)).exit_code == 0
    exported = yaml.safe_load(next(out.iterdir()).read_text())
    assert exported["features"] == {"ai_opt_out_detection_enabled": True, "rolling_feature": "on-later"}
    assert (exported["redaction_enabled"], exported["redaction_level"]) == (True, 1)
    assert "daily_spend_limit" not in exported  # answered null: never set, so not a document value
    assert cli("validate", str(out)).exit_code == 0
    assert cli("plan", "-f", str(out), "--detailed-exitcode").exit_code == 0  # the export is the live state
    assert len(sandbox.writes()) == writes


def test_a_feature_the_document_leaves_out_is_kept_by_an_update(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    """features is replaced whole by the API; a document naming one key keeps the live others."""
    pid = sandbox.create({**BASE, "features": {"ai_opt_out_detection_enabled": False, "beta": True}})["id"]
    f = tmp_path / "p.yaml"
    f.write_text("name: P\nwhitelisted_destinations: [US]\nfeatures:\n  ai_opt_out_detection_enabled: true\n")
    assert cli("apply", "-f", str(f)).exit_code == 0
    assert sandbox.writes()[-1].body == {"features": {"ai_opt_out_detection_enabled": True, "beta": True}}
    assert sandbox.profiles()[0]["features"] == {"ai_opt_out_detection_enabled": True, "beta": True}
    assert sandbox.profiles()[0]["id"] == pid


# --------------------------------------------------------------------------- the sandbox takes what the API takes


def test_the_sandbox_stores_every_field_the_api_takes(sandbox: Sandbox) -> None:
    made = call(
        sandbox, "POST", "/messaging_profiles", json={**BASE, "features": {"ai_opt_out_detection_enabled": True}}
    )
    assert made.status_code == 200
    profile = made.json()["data"]
    assert profile["features"] == {"ai_opt_out_detection_enabled": True}
    assert profile["daily_spend_limit"] is None  # the API answers null, not a missing key
    patched = call(
        sandbox,
        "PATCH",
        f"/messaging_profiles/{profile['id']}",
        json={"redaction_enabled": True, "redaction_level": 1, "v1_secret": "chosen-secret-1234"},
    ).json()["data"]
    assert (patched["redaction_enabled"], patched["redaction_level"], patched["v1_secret"]) == (
        True,
        1,
        "chosen-secret-1234",
    )


def test_the_sandbox_refuses_what_the_api_refuses_with_422(sandbox: Sandbox) -> None:
    pid = sandbox.create(dict(BASE))["id"]
    for body, pointer in (
        ({"redaction_level": 3}, "/redaction_level"),
        ({"redaction_enabled": "yes"}, "/redaction_enabled"),
        ({"features": {"ai_opt_out_detection_enabled": 1}}, "/features/ai_opt_out_detection_enabled"),
        ({"v1_secret": 42}, "/v1_secret"),
    ):
        resp = call(sandbox, "PATCH", f"/messaging_profiles/{pid}", json=body)
        assert resp.status_code == 422, body
        assert [e["source"]["pointer"] for e in resp.json()["errors"]] == [pointer]


def test_a_create_ignores_update_only_fields_as_the_api_does(sandbox: Sandbox) -> None:
    """Not in the create request: ignored like any field a request does not take (never stored)."""
    made = call(sandbox, "POST", "/messaging_profiles", json={**BASE, "redaction_enabled": True, "v1_secret": "x" * 24})
    assert made.status_code == 200
    assert made.json()["data"]["redaction_enabled"] is False and made.json()["data"]["v1_secret"] != "x" * 24
    ignored = call(sandbox, "POST", "/messaging_profiles", json={**BASE, "redaction_level": 7})
    assert ignored.status_code == 200 and ignored.json()["data"]["redaction_level"] == 2


def test_a_created_profile_gets_update_only_fields_by_an_update(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    """The create request has no redaction fields: the POST leaves them out, and an update right
    after it sets them (rules.split_create), in apply and in create -f."""
    f = tmp_path / "new.yaml"
    f.write_text("name: New\nwhitelisted_destinations: [US]\nredaction_enabled: true\n")
    assert cli("apply", "-f", str(f)).exit_code == 0
    post, patch = sandbox.writes()[-2:]
    assert post.method == "POST" and "redaction_enabled" not in post.body
    assert patch.method == "PATCH" and patch.body == {"redaction_enabled": True}
    assert sandbox.profiles()[0]["redaction_enabled"] is True
    assert cli("plan", "-f", str(f), "--detailed-exitcode").exit_code == 0
    g = tmp_path / "other.yaml"
    g.write_text("name: Other\nwhitelisted_destinations: [US]\nredaction_level: 1\n")
    made = cli("create", "-f", str(g), "--output", "json")
    assert made.exit_code == 0, made.stderr
    assert json.loads(made.stdout)["redaction_level"] == 1
    h = tmp_path / "defaults.yaml"
    h.write_text("name: Plain\nwhitelisted_destinations: [US]\nredaction_enabled: false\nredaction_level: 2\n")
    writes = len(sandbox.writes())
    assert cli("apply", "-f", str(h)).exit_code == 0
    assert [w.method for w in sandbox.writes()[writes:]] == ["POST"]  # the create's defaults: no update
