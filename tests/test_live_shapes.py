"""A live profile of any shape: plan compares it with the document and never crashes (exit 1).

The API's answers are data, not promises: a live `whitelisted_destinations` of ["US", null], a
number given as text, a list where an object belongs.  The diff (document/changes.py) treats a
value it cannot read as different, so plan shows it and apply replaces it with the document's.
Served by the canned server (tests/canned.py) on 127.0.0.1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from canned import Canned
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.document.rules import RULES

DOC = (
    "name: P\nwhitelisted_destinations: [US, CA]\nenabled: true\nwebhook_url: https://x.example.com/h\n"
    "daily_spend_limit: '10.50'\nalpha_sender: null\n"
    "number_pool_settings:\n  long_code_weight: 1\n  toll_free_weight: 2.5\n  skip_unhealthy: true\n"
    "url_shortener_settings:\n  domain: x.example.com\n  replace_blacklist_only: true\n"
)


def _list_answer(live: dict[str, Any]) -> bytes:
    return json.dumps({"data": [{"id": "p-1", "name": "P", **live}], "meta": {"total_pages": 1}}).encode()


@pytest.mark.parametrize(
    ("live", "old"),
    [
        ({"whitelisted_destinations": ["US", None]}, '["US", null]'),
        ({"whitelisted_destinations": ["US", 5]}, '["US", 5]'),
        ({"whitelisted_destinations": ["US", {"a": 1}]}, '["US", {"a": 1}]'),
        ({"whitelisted_destinations": [["US"], "CA"]}, '[["US"], "CA"]'),
        ({"whitelisted_destinations": "US,CA"}, '"US,CA"'),
    ],
)
def test_a_malformed_live_list_is_a_change_not_a_crash(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, live: dict[str, Any], old: str
) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(DOC)
    with Canned(200, _list_answer(live)) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("plan", "-f", str(f))
        as_json = cli("plan", "-f", str(f), "--json")
    assert res.exit_code == 0, res.output
    assert f'~ whitelisted_destinations: {old} -> ["US", "CA"]' in res.stdout
    assert as_json.exit_code == 0, as_json.output
    [item] = json.loads(as_json.stdout)["items"]
    assert {"field": "whitelisted_destinations", "old": live["whitelisted_destinations"], "new": ["US", "CA"]} in item[
        "changes"
    ]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _shapes(rule: Any) -> st.SearchStrategy[Any]:
    """Any JSON, plus values near the right shape (which reach the deeper comparisons)."""
    if rule.kind == "countries":
        return JSON | st.lists(st.sampled_from(["US", "CA", "GB"]) | JSON, max_size=4)
    if rule.kind == "object":
        return JSON | st.dictionaries(st.sampled_from([c.name for c in rule.children] + ["extra"]), JSON, max_size=6)
    return JSON


LIVE = st.fixed_dictionaries({}, optional={r.name: _shapes(r) for r in RULES if r.name != "name"} | {"extra": JSON})


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(live=LIVE)
def test_plan_of_any_live_shape_exits_cleanly(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, live: dict) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(DOC)
    with Canned(200, _list_answer(live)) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        for fmt in ((), ("--json",), ("--format", "markdown")):
            res = cli("plan", "-f", str(f), "--max-retries", "0", *fmt)
            assert res.exit_code in (0, 5, 6), (fmt, res.output)
            assert "Traceback" not in res.stderr and "internal error" not in res.stderr
