"""One model of a document's effect: plan lists exactly what apply changes, nested fields included.

The rule (README, "Nested objects"): a document governs only the fields it names, nested objects
included; the request carries the live values of the nested fields it leaves out, because the API
replaces a nested object whole.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.document.rules import RULES
from msgprof_cli.sandbox.server import Sandbox

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def seed(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    """A live profile, created by the sandbox's own create (validated as the API would)."""
    return sandbox.create(body)


def stored(sandbox: Sandbox, profile_id: str) -> dict[str, Any]:
    with sandbox.state.lock:
        return copy.deepcopy(sandbox.state.profiles[profile_id])


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """Writable fields whose stored value differs; a nested object on both sides field by field."""
    out: set[str] = set()
    for rule in RULES:
        old, new = before.get(rule.name), after.get(rule.name)
        if rule.kind == "object" and isinstance(old, dict) and isinstance(new, dict):
            out |= {f"{rule.name}.{k}" for k in {*old, *new} if old.get(k) != new.get(k)}
        elif old != new:
            out.add(rule.name)
    return out


def plan_fields(cli, path: Path) -> tuple[str, set[str]]:
    res = cli("plan", "-f", str(path), "--json")
    assert res.exit_code == 0, res.output
    [item] = json.loads(res.stdout)["items"]
    return item["action"], {c["field"] for c in item["changes"]}


# ------------------------------------------------------------------ generated profiles and documents

countries = st.lists(st.sampled_from(["US", "CA", "GB", "DE"]), min_size=1, max_size=3, unique=True)
weights = st.sampled_from([0, 1, 2, 3, 2.5])
pools = st.fixed_dictionaries(
    {"long_code_weight": weights, "toll_free_weight": weights, "skip_unhealthy": st.booleans()},
    optional={"sticky_sender": st.booleans(), "geomatch": st.booleans()},
)
shorteners = st.fixed_dictionaries(
    {"domain": st.sampled_from(["acct.fyi", "msg.link"])},
    optional={
        "prefix": st.sampled_from(["", "brand"]),
        "replace_blacklist_only": st.booleans(),
        "send_webhooks": st.booleans(),
    },
)
optional_fields = {
    "enabled": st.booleans(),
    "webhook_url": st.sampled_from(["", None, "https://a.example/h", "https://b.example/h"]),
    "alpha_sender": st.sampled_from([None, "Acme", "Shop"]),
    "daily_spend_limit": st.sampled_from(["100", "100.00", "250.5"]),
}
# nested objects are where the model is subtle: give them most of the examples
nested = {
    "number_pool_settings": st.one_of(st.none(), pools, pools, pools),
    "url_shortener_settings": st.one_of(st.none(), shorteners, shorteners),
}
profiles = st.fixed_dictionaries(
    {"name": st.just("P"), "whitelisted_destinations": countries, **nested}, optional=optional_fields
)
# Some live pools hold null where a field was never set: the API's default is what null means.
null_children = st.sets(st.sampled_from(["sticky_sender", "geomatch"]), max_size=2)  # often non-empty


@PROPERTY
@given(live=profiles, nulls=null_children, document=profiles)
def test_plan_lists_exactly_the_fields_apply_changes(
    cli, sandbox: Sandbox, tmp_path: Path, live: dict[str, Any], nulls: set[str], document: dict[str, Any]
) -> None:
    with sandbox.state.lock:
        sandbox.state.profiles.clear()
    pid = seed(sandbox, live)["id"]
    with sandbox.state.lock:
        pool = sandbox.state.profiles[pid].get("number_pool_settings")
        if isinstance(pool, dict):
            pool.update(dict.fromkeys(nulls))
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document))
    before = stored(sandbox, pid)
    action, listed = plan_fields(cli, path)
    res = cli("apply", "-f", str(path), "--json")
    assert res.exit_code == 0, res.output
    assert listed == changed_fields(before, stored(sandbox, pid))
    assert action == ("update" if listed else "unchanged")
    assert plan_fields(cli, path) == ("unchanged", set())  # and apply converged


# ------------------------------------------------------------------ the cases of issue 11, as found


POOL = {"long_code_weight": 1, "toll_free_weight": 2, "skip_unhealthy": True, "sticky_sender": True}


def test_a_pool_without_sticky_sender_keeps_the_live_sticky_sender(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    pid = seed(sandbox, {"name": "P", "whitelisted_destinations": ["US"], "number_pool_settings": POOL})["id"]
    doc = tmp_path / "p.yaml"
    doc.write_text(
        "name: P\nwhitelisted_destinations: [US]\nnumber_pool_settings:\n"
        "  long_code_weight: 1\n  toll_free_weight: 3\n  skip_unhealthy: true\n"
    )
    plan = cli("plan", "-f", str(doc))
    assert plan.exit_code == 0
    assert "    ~ number_pool_settings.toll_free_weight: 2 -> 3\n" in plan.stdout
    assert plan.stdout.count("    ~ ") == 1
    assert cli("apply", "-f", str(doc)).exit_code == 0
    assert stored(sandbox, pid)["number_pool_settings"] == {**POOL, "toll_free_weight": 3, "geomatch": False}
    [patch] = [r for r in sandbox.received if r.method == "PATCH"]
    assert patch.body == {"number_pool_settings": {**POOL, "toll_free_weight": 3, "geomatch": False}}


def test_update_dry_run_prints_the_merged_body_that_update_sends(cli, sandbox: Sandbox) -> None:
    pid = seed(sandbox, {"name": "P", "whitelisted_destinations": ["US"], "number_pool_settings": POOL})["id"]
    dry = cli("update", "P", "--pool-geomatch", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    body = json.loads(dry.stdout)["body"]
    assert body == {"number_pool_settings": {**POOL, "geomatch": True}}
    assert not [r for r in sandbox.received if r.method == "PATCH"]
    real = cli("update", "P", "--pool-geomatch", "--json")
    assert real.exit_code == 0, real.stderr
    [patch] = [r for r in sandbox.received if r.method == "PATCH"]
    assert patch.body == body
    assert stored(sandbox, pid)["number_pool_settings"] == {**POOL, "geomatch": True}


def test_a_partial_pool_on_a_profile_without_one_names_the_missing_fields(cli, sandbox: Sandbox) -> None:
    seed(sandbox, {"name": "P", "whitelisted_destinations": ["US"]})
    for extra in ([], ["--dry-run"]):
        res = cli("update", "P", "--pool-geomatch", *extra)
        assert res.exit_code == 3
        for name in ("long_code_weight", "toll_free_weight", "skip_unhealthy"):
            assert f"number_pool_settings.{name}: required field is missing" in res.stderr
        assert "the live profile has no number_pool_settings" in res.stderr
    assert not [r for r in sandbox.received if r.method == "PATCH"]


def test_validate_for_update_accepts_a_partial_nested_object_as_update_does(cli, tmp_path: Path) -> None:
    doc = tmp_path / "u.yaml"
    doc.write_text("number_pool_settings:\n  geomatch: true\n")
    res = cli("validate", "--for", "update", str(doc))
    assert (res.exit_code, res.stdout) == (0, f"ok  {doc}\n")
    # a document for create (or plan/apply, which may create) still needs the whole object
    res = cli("validate", str(doc))
    assert res.exit_code == 3
    assert "number_pool_settings.long_code_weight: required field is missing" in res.stderr
