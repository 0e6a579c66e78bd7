"""Create once: one request on the happy path, never a duplicate, even when the server commits late.

The scripted API (tests/scripted_api.py) plays each way a create can fail, over real HTTP on
127.0.0.1.  Back-off and patience run on a FakeClock, except where a late commit needs real time.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scripted_api import ScriptedApi, iso

from msgprof_cli.api.client import TelnyxClient
from msgprof_cli.api.create_once import Created, create_once
from msgprof_cli.clock import FakeClock
from msgprof_cli.errors import CreateUnknown, NameTaken, Unavailable

BODY = {"name": "slow", "whitelisted_destinations": ["US"]}


def client_for(api: ScriptedApi, clock: FakeClock, timeout: float = 0.2, retries: int = 3) -> TelnyxClient:
    return TelnyxClient(api.url, TEST_KEY, timeout=timeout, max_retries=retries, clock=clock, backoff_factor=0.01)


def test_happy_path_is_one_request(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedApi() as api:
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "one", "--whitelist", "US", "--json")
    assert res.exit_code == 0, res.stderr
    assert api.methods == ["POST"] and res.stderr == ""


def test_unique_refuses_a_taken_name_and_says_which(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedApi() as api:
        api.commit({"id": "old-1", "name": "one", "whitelisted_destinations": ["US"]})
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "one", "--whitelist", "US", "--unique")
        fresh = cli("create", "--name", "two", "--whitelist", "US", "--unique", "--json")
    assert res.exit_code == 5
    assert "msgprof: error: 1 profile named 'one' already exists (old-1); refusing to create another" in res.stderr
    assert fresh.exit_code == 0 and json.loads(fresh.stdout)["name"] == "two"
    assert api.methods == ["GET", "GET", "POST"]  # --unique costs one look-up; nothing sent for 'one'


def test_late_commit_is_found_and_never_sent_twice(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedApi(["late"], commit_delay=0.5) as api:
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "slow", "--whitelist", "US", "--timeout", "0.2", "--json")
        api.settle()
    assert res.exit_code == 0, res.stderr
    assert api.methods.count("POST") == 1 and len(api.profiles) == 1
    assert json.loads(res.stdout)["id"] == api.profiles[0]["id"]
    assert "is the one this attempt created" in res.stderr


def test_commit_later_than_the_patience_exits_6_and_never_duplicates(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedApi(["late"], commit_delay=3.0) as api:  # commits after the test is done: not waited for
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "slow", "--whitelist", "US", "--timeout", "0.1")
    assert res.exit_code == 6
    assert "the create of 'slow' got no answer (timed out waiting for the answer)" in res.stderr
    assert "it may or may not exist; msgprof did not send it again" in res.stderr
    assert "hint: it may have been created: `msgprof list --name 'slow'` shows it; rerun `msgprof apply`, which converges" in res.stderr
    assert api.methods.count("POST") == 1 and api.profiles == []


def test_an_older_identical_profile_is_not_taken_for_ours() -> None:
    clock = FakeClock()
    with ScriptedApi(["lost"]) as api:
        api.commit({"id": "old", **BODY}, at=time.time() - 120)
        with pytest.raises(CreateUnknown) as err:
            create_once(client_for(api, clock), BODY, clock=clock)
    assert api.methods.count("POST") == 1 and len(api.profiles) == 1
    assert "may or may not exist" in err.value.message
    assert sum(clock.slept) >= 0.5  # it looked with patience (on the fake clock) before giving up


def test_5xx_looks_once_then_resends() -> None:
    clock = FakeClock()
    with ScriptedApi(["5xx", "ok"]) as api:
        done = create_once(client_for(api, clock), BODY, clock=clock)
    assert api.methods == ["POST", "GET", "POST"]
    assert done.note is None and len(api.profiles) == 1


def test_5xx_after_commit_is_reported_as_created_with_a_note() -> None:
    clock = FakeClock()
    with ScriptedApi(["commit-5xx"]) as api:
        api.commit({"id": "old", **BODY}, at=time.time() - 120)
        done = create_once(client_for(api, clock), BODY, clock=clock)
    assert api.methods == ["POST", "GET"]
    assert done.profile["id"] == api.profiles[1]["id"]
    assert done.note is not None and "other profiles named 'slow' already exist: old" in done.note


def test_an_unreadable_200_after_commit_is_found_and_reported_created(cli, monkeypatch, fake_clock) -> None:  # type: ignore[no-untyped-def]
    """Deeply nested JSON in the create's answer: no crash; the profile is looked for, found, and not re-sent."""
    with ScriptedApi(["commit-garbled"]) as api:
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "slow", "--whitelist", "US", "--json")
    assert res.exit_code == 0, res.stderr
    assert api.methods == ["POST", "GET"] and len(api.profiles) == 1
    assert json.loads(res.stdout)["id"] == api.profiles[0]["id"]
    assert "the create got an answer msgprof cannot read (HTTP 200); profile " in res.stderr


def test_an_unreadable_200_is_never_sent_again_and_says_it_may_exist(cli, monkeypatch, fake_clock) -> None:  # type: ignore[no-untyped-def]
    with ScriptedApi(["garbled"]) as api:
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "slow", "--whitelist", "US", "--json")
    assert res.exit_code == 6 and res.stdout == ""
    err = json.loads(res.stderr.splitlines()[-1])  # notices first, then the error as JSON
    assert err["error"] == "create_unknown"
    assert err["message"].startswith("the create of 'slow' got an answer msgprof cannot read (HTTP 200), and no profile")
    assert "it may or may not exist; msgprof did not send it again" in err["message"]
    assert api.methods.count("POST") == 1 and api.profiles == []


def test_a_profile_without_readable_time_cannot_be_told_apart() -> None:
    clock = FakeClock()
    with ScriptedApi(["drop"]) as api:
        api.profiles.append({"id": "no-time", **BODY, "created_at": "yesterday"})
        with pytest.raises(CreateUnknown) as err:
            create_once(client_for(api, clock), BODY, clock=clock)
    assert "cannot tell which (if any) this attempt created" in err.value.message
    assert api.methods.count("POST") == 1


POSTS = st.sampled_from(["ok", "429", "5xx", "commit-5xx", "drop", "lost", "late", "garbled", "commit-garbled"])
LOOKS = st.sampled_from(["ok", "5xx", "drop"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    posts=st.lists(POSTS, max_size=4),
    looks=st.lists(LOOKS, max_size=6),
    old=st.booleans(),
    delay=st.sampled_from([0.0, 0.05]),
)
def test_never_more_than_one_profile_per_create(posts: list[str], looks: list[str], old: bool, delay: float) -> None:
    """Whatever fails, a create leaves at most one new profile, and exactly one when it succeeds."""
    clock = FakeClock()
    with ScriptedApi(posts, looks, commit_delay=delay, hold=0.5) as api:
        if old:
            api.commit({"id": "old", **BODY}, at=time.time() - 600)
        outcome: Created | Exception
        try:
            outcome = create_once(client_for(api, clock, timeout=0.1), BODY, clock=clock)
        except (CreateUnknown, Unavailable) as exc:
            outcome = exc
        api.settle()
    new = [p for p in api.profiles if p["id"] != "old"]
    assert len(new) <= 1
    if isinstance(outcome, Created):
        assert [p["id"] for p in new] == [outcome.profile["id"]]
    elif not isinstance(outcome, CreateUnknown):  # every re-send was answered 5xx or 429: none was made
        assert new == []


def test_created_at_window_uses_the_servers_date() -> None:
    """A profile created 3 s before the send is not ours, even on a server whose clock is off."""
    clock = FakeClock()
    with ScriptedApi(["lost"]) as api:
        api.profiles.append({"id": "x", **BODY, "created_at": iso(time.time() - 3)})
        with pytest.raises(CreateUnknown):
            create_once(client_for(api, clock), BODY, clock=clock)


def test_unique_is_a_name_taken_error() -> None:
    clock = FakeClock()
    with ScriptedApi() as api:
        api.commit({"id": "a", **BODY})
        with pytest.raises(NameTaken):
            create_once(client_for(api, clock), BODY, clock=clock, unique=True)
    assert api.methods == ["GET"]


def test_ctrl_c_during_a_create_says_it_may_or_may_not_exist() -> None:
    import signal
    import subprocess
    import sys

    with ScriptedApi(["late"], commit_delay=0.0, hold=10) as api:
        env = {**os.environ, "TELNYX_BASE_URL": api.url, "TELNYX_API_KEY": TEST_KEY}
        proc = subprocess.Popen(
            [sys.executable, "-m", "msgprof_cli", "create", "--name", "slow", "--whitelist", "US"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(500):  # until the create has reached the server (bounded: 10 s)
            if "POST" in api.methods:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "interrupted during the create of 'slow': the profile may or may not exist" in err
    assert "it may have been created: `msgprof list --name 'slow'` shows it; rerun `msgprof apply`" in err
    assert out == "" and api.methods == ["POST"]


def test_apply_creates_with_one_request_each_and_no_name_look_ups(cli, sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "three.yaml"
    doc.write_text("".join(f"- name: A{i}\n  whitelisted_destinations: [US]\n" for i in range(3)))
    res = cli("apply", "-f", str(doc), "--json")
    assert res.exit_code == 0, res.stderr
    posts = [r for r in sandbox.received if r.method == "POST"]
    by_name = [r for r in sandbox.received if r.method == "GET" and "filter[name][eq]" in r.query]
    assert len(posts) == 3 and by_name == []
