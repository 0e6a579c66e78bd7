"""Network faults against the sandbox: retries, rate limits, and creates that are never duplicated."""

from __future__ import annotations

import json
import time

import pytest
from canned import Canned
from conftest import TEST_KEY, make_sandbox

from msgprof_cli.api.client import MAX_RETRY_WAIT, TelnyxClient, _Retry
from msgprof_cli.api.create_once import create_once
from msgprof_cli.clock import FakeClock
from msgprof_cli.errors import Unavailable
from msgprof_cli.sandbox.server import Faults


def test_dropped_creates_give_exactly_n_profiles(cli, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock) -> None:
    sb = make_sandbox(monkeypatch, faults=Faults(drop_rate=0.3, seed=11))
    try:
        n = 12
        notes = 0
        for i in range(n):
            res = cli("create", "--name", f"Drop {i}", "--whitelist", "US", "--json", "--max-retries", "8")
            assert res.exit_code == 0, res.stderr
            created = json.loads(res.stdout)
            assert created["name"] == f"Drop {i}"
            notes += "is the one this attempt created" in res.stderr
        profiles = sb.profiles()
        assert len(profiles) == n  # zero duplicates, zero lost
        assert notes > 0  # the dangerous case really happened
        assert sum(1 for r in sb.received if r.method == "POST") == n  # a dropped create is never re-sent
    finally:
        sb.stop()


def test_same_name_creates_in_quick_succession_never_duplicate(
    cli, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock
) -> None:
    """Identical profiles made within the server Date's one-second resolution can't be told apart:
    then msgprof says so (exit 6) rather than guess, and still never sends a create twice."""
    sb = make_sandbox(monkeypatch, faults=Faults(drop_rate=0.3, seed=11))
    try:
        codes = [cli("create", "--name", "Drop", "--whitelist", "US", "--max-retries", "8").exit_code for _ in range(8)]
        assert set(codes) <= {0, 6} and 6 in codes
        posts = sum(1 for r in sb.received if r.method == "POST")
        assert posts == 8 and len(sb.profiles()) == 8  # one POST per create, each committed once
    finally:
        sb.stop()


def test_5xx_on_create_is_checked_before_resending(monkeypatch: pytest.MonkeyPatch) -> None:
    sb = make_sandbox(monkeypatch, faults=Faults(fail_rate=0.3, seed=7, fail_statuses=(500,)))  # the API's own 5xx
    notes: list[str] = []
    clock = FakeClock()  # back-off between re-sends and look-ups: no wall-clock waits
    try:
        client = TelnyxClient(sb.url, TEST_KEY, max_retries=8, notify=notes.append, clock=clock)
        for i in range(10):
            done = create_once(client, {"name": f"F{i}", "whitelisted_destinations": ["US"]}, clock=clock)
            assert done.profile["name"] == f"F{i}"
        assert sorted(p["name"] for p in sb.profiles()) == sorted(f"F{i}" for i in range(10))
        assert any("looking for it" in n for n in notes) and clock.slept
    finally:
        sb.stop()


@pytest.mark.slow
def test_rate_limited_requests_are_retried_after_the_reset(
    cli, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock
) -> None:
    # The sandbox's rate window moves only when msgprof waits (on the fake clock), so all six
    # creates fall in one window however slow the machine is: the fourth is certainly a 429.
    window_clock = lambda: 1000.5 + sum(fake_clock.slept)  # noqa: E731
    sb = make_sandbox(monkeypatch, faults=Faults(rate_limit=3, clock=window_clock))
    try:
        stderr = ""
        for i in range(6):
            res = cli("create", "--name", f"R{i}", "--whitelist", "US", "--json")
            assert res.exit_code == 0, res.stderr
            stderr += res.stderr
        assert len(sb.profiles()) == 6
        assert "HTTP 429; retry 1 in 1.0s" in stderr
        statuses = [r.path for r in sb.received]
        assert len(statuses) > 6  # some requests were answered 429 and sent again
    finally:
        sb.stop()


def test_retry_after_is_honoured_on_the_injected_clock() -> None:
    body = json.dumps({"errors": [{"code": "10011", "title": "Too many requests"}]}).encode()
    notes: list[str] = []
    clock = FakeClock()
    with Canned(429, body, headers={"Retry-After": "7"}) as server:
        client = TelnyxClient(server.url, TEST_KEY, max_retries=2, notify=notes.append, clock=clock)
        with pytest.raises(Unavailable, match="HTTP 429"):
            client.list_messaging_profiles()
    assert len(server.hits) == 3 and clock.slept == [7.0, 7.0]  # waited as told, on the fake clock
    assert notes[0] == "GET /v2/messaging_profiles: HTTP 429; retry 1 in 7.0s"


def test_rate_limit_reset_as_epoch_is_read_on_the_injected_clock() -> None:
    clock = FakeClock(start=2_000_000_000.0)
    body = json.dumps({"errors": [{"code": "10011"}]}).encode()
    with Canned(429, body, headers={"x-ratelimit-reset": "2000000004"}) as server:
        client = TelnyxClient(server.url, TEST_KEY, max_retries=1, clock=clock)
        with pytest.raises(Unavailable):
            client.list_messaging_profiles()
    assert len(clock.slept) == 1 and 3.0 <= clock.slept[0] <= 4.0


def test_post_is_not_retried_on_5xx_without_looking_first(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with Canned(500, b"<html>busy</html>", "text/html") as server:  # the API's own (a gateway's: test_trust_api)
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "x", "--whitelist", "US", "--max-retries", "0")
    assert res.exit_code == 6
    # the look-up after the 5xx is answered 500 too: nothing was POSTed blindly
    assert [m for m, _ in server.hits] == ["POST", "GET"]
    assert "looking for it failed too" in res.stderr and "it may or may not exist" in res.stderr


def test_retry_wait_is_capped() -> None:
    from urllib3.response import HTTPResponse

    r = _Retry(total=3)
    assert r.get_retry_after(HTTPResponse(status=429, headers={"Retry-After": "3600"})) == MAX_RETRY_WAIT
    assert r.get_retry_after(HTTPResponse(status=429, headers={"x-ratelimit-reset": "2"})) == 2
    assert r.get_retry_after(HTTPResponse(status=429, headers={"Retry-After": "soon"})) is None
    future = str(int(time.time()) + 5)
    assert 3 <= (r.get_retry_after(HTTPResponse(status=429, headers={"x-ratelimit-reset": future})) or 0) <= 5


def test_one_session_reuses_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    sb = make_sandbox(monkeypatch)
    try:
        client = TelnyxClient(sb.url, TEST_KEY)
        for _ in range(5):
            client.list_messaging_profiles()
        assert len(sb.received) == 5
        assert len({r.peer for r in sb.received}) == 1  # the server saw one TCP connection
        client.close()
    finally:
        sb.stop()


def test_a_failed_check_after_an_ambiguous_create_says_it_may_exist(
    cli, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock
) -> None:
    from canned import Scripted

    with Scripted([(None, b"")]) as server:  # the create is dropped; every look-up after it is 503
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "Maybe", "--whitelist", "US", "--max-retries", "0", "--timeout", "0.1")
    assert res.exit_code == 6
    assert "the create of 'Maybe' got no answer (connection dropped before an answer)" in res.stderr
    assert "the last look-up failed: the API is unavailable (HTTP 503)" in res.stderr
    assert "it may or may not exist" in res.stderr and "msgprof list --name 'Maybe'" in res.stderr
    methods = [m for m, _ in server.hits]
    assert methods[0] == "POST" and methods.count("POST") == 1 and methods.count("GET") >= 2  # patient
    assert len(fake_clock.slept) >= 2  # it waited between look-ups, on the fake clock
