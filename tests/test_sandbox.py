"""The sandbox: spec conformance of every kind of answer, fault injection, state, concurrency."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TEST_KEY
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_check import PROFILES_SPEC, check_answer, load_spec

from msgprof_cli.sandbox.server import Faults, Sandbox

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
PROFILE: dict[str, Any] = {
    "name": "Conformance",
    "whitelisted_destinations": ["US", "CA"],
    "number_pool_settings": {"long_code_weight": 1, "toll_free_weight": 10, "skip_unhealthy": True},
    "url_shortener_settings": {
        "domain": "acct.fyi",
        "prefix": "",
        "replace_blacklist_only": True,
        "send_webhooks": False,
    },
}


def call(sb: Sandbox, method: str, path: str, **kw: Any) -> requests.Response:
    kw.setdefault("headers", AUTH)
    return requests.request(method, sb.url + path, timeout=10, **kw)


# --------------------------------------------------------------------------- conformance


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(PROFILES_SPEC)


def check_against_spec(spec: dict[str, Any], path: str, method: str, resp: requests.Response) -> None:
    check_answer(spec, path, method, resp.status_code, resp.json())


def test_every_kind_of_answer_conforms_to_the_spec(spec: dict[str, Any], sandbox: Sandbox) -> None:
    created = call(sandbox, "POST", "/messaging_profiles", json=PROFILE)
    assert created.status_code == 200
    check_against_spec(spec, "/messaging_profiles", "post", created)
    pid = created.json()["data"]["id"]
    sandbox.seed(
        "phone_numbers",
        pid,
        {
            "record_type": "messaging_settings",
            "phone_number": "+18005550001",
            "country_code": "US",
            "type": "tollfree",
            "created_at": "2019-01-23T18:10:02.574Z",
            "updated_at": "2019-01-23T18:10:02.574Z",
            "eligible_messaging_products": ["A2P"],
            "traffic_type": "A2P",
            "messaging_product": "A2P",
            "features": {
                "sms": {"domestic_two_way": True, "international_inbound": True, "international_outbound": True},
                "mms": None,
            },
            "health": {"inbound_outbound_ratio": 0.43, "message_count": 122, "spam_ratio": 0.06, "success_ratio": 0.94},
        },
    )
    sandbox.seed(
        "short_codes",
        pid,
        {
            "record_type": "short_code",
            "short_code": "12345",
            "country_code": "US",
            "created_at": "2019-01-23T18:10:02.574Z",
            "updated_at": "2019-01-23T18:10:02.574Z",
            "tags": [],
        },
    )
    sandbox.seed(
        "alphanumeric_sender_ids",
        pid,
        {"record_type": "alphanumeric_sender_id", "alphanumeric_sender_id": "Acme", "organization_id": "org"},
    )
    cases: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("/messaging_profiles", "get", "GET", "/messaging_profiles", {}),
        ("/messaging_profiles/{id}", "get", "GET", f"/messaging_profiles/{pid}", {}),
        ("/messaging_profiles/{id}", "patch", "PATCH", f"/messaging_profiles/{pid}", {"json": {"enabled": False}}),
        ("/messaging_profiles/{id}/phone_numbers", "get", "GET", f"/messaging_profiles/{pid}/phone_numbers", {}),
        ("/messaging_profiles/{id}/short_codes", "get", "GET", f"/messaging_profiles/{pid}/short_codes", {}),
        (
            "/messaging_profiles/{id}/alphanumeric_sender_ids",
            "get",
            "GET",
            f"/messaging_profiles/{pid}/alphanumeric_sender_ids",
            {},
        ),
        ("/messaging_profiles/{id}/metrics", "get", "GET", f"/messaging_profiles/{pid}/metrics?time_frame=7d", {}),
        ("/messaging_profile_metrics", "get", "GET", "/messaging_profile_metrics", {}),
        (
            "/messaging_profiles/{id}/actions/regenerate_secret",
            "post",
            "POST",
            f"/messaging_profiles/{pid}/actions/regenerate_secret",
            {},
        ),
        # errors
        ("/messaging_profiles", "get", "GET", "/messaging_profiles", {"headers": {}}),
        ("/messaging_profiles/{id}", "get", "GET", "/messaging_profiles/3fa85f64-5717-4562-b3fc-2c963f66afa6", {}),
        ("/messaging_profiles", "post", "POST", "/messaging_profiles", {"json": {"name": "x"}}),
        ("/messaging_profiles", "get", "GET", "/messaging_profiles?page[size]=251", {}),
        ("/messaging_profiles/{id}/metrics", "get", "GET", f"/messaging_profiles/{pid}/metrics?time_frame=2y", {}),
        (
            "/messaging_profiles/{id}/actions/regenerate_secret",
            "post",
            "POST",
            "/messaging_profiles/3fa85f64-5717-4562-b3fc-2c963f66afa6/actions/regenerate_secret",
            {},
        ),
        ("/messaging_profiles/{id}", "delete", "DELETE", f"/messaging_profiles/{pid}", {}),
    ]
    statuses = []
    for spec_path, method, verb, url, kw in cases:
        resp = call(sandbox, verb, url, **kw)
        statuses.append(resp.status_code)
        check_against_spec(spec, spec_path, method, resp)
    assert statuses == [200] * 9 + [401, 404, 422, 400, 400, 404, 200]


def test_the_conformance_check_catches_a_wrong_body(spec: dict[str, Any]) -> None:
    resp = requests.Response()
    resp.status_code = 200
    resp._content = json.dumps({"data": {"id": "x", "enabled": "yes", "webhook_api_version": "9"}}).encode()
    with pytest.raises(AssertionError):
        check_against_spec(spec, "/messaging_profiles/{id}", "get", resp)


def test_create_fills_documented_defaults(sandbox: Sandbox) -> None:
    data = call(sandbox, "POST", "/messaging_profiles", json={"name": "D", "whitelisted_destinations": ["US"]}).json()
    p = data["data"]
    assert p["record_type"] == "messaging_profile" and len(p["v1_secret"]) >= 20
    assert (p["enabled"], p["webhook_api_version"], p["webhook_url"], p["webhook_failover_url"]) == (True, "2", "", "")
    assert (p["mms_fall_back_to_sms"], p["mms_transcoding"], p["mobile_only"], p["smart_encoding"]) == (False,) * 4
    assert p["number_pool_settings"] is None and p["url_shortener_settings"] is None
    assert p["created_at"].endswith("Z") and p["created_at"] == p["updated_at"]
    pool = call(sandbox, "POST", "/messaging_profiles", json=PROFILE).json()["data"]["number_pool_settings"]
    assert pool == {"sticky_sender": False, "geomatch": False, **PROFILE["number_pool_settings"]}


def test_patch_is_partial_and_moves_updated_at(sandbox: Sandbox) -> None:
    p = call(sandbox, "POST", "/messaging_profiles", json=PROFILE).json()["data"]
    q = call(sandbox, "PATCH", f"/messaging_profiles/{p['id']}", json={"enabled": False}).json()["data"]
    assert q["enabled"] is False and q["name"] == p["name"] and q["updated_at"] > p["updated_at"]
    assert q["created_at"] == p["created_at"]


def test_422_points_at_each_bad_field(sandbox: Sandbox) -> None:
    resp = call(
        sandbox,
        "POST",
        "/messaging_profiles",
        json={
            "name": "x",
            "whitelisted_destinations": ["us"],
            "number_pool_settings": {"long_code_weight": -1, "toll_free_weight": 1, "skip_unhealthy": True},
        },
    )
    assert resp.status_code == 422
    pointers = sorted(e["source"]["pointer"] for e in resp.json()["errors"])
    assert pointers == ["/number_pool_settings/long_code_weight", "/whitelisted_destinations/0"]


def test_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox("127.0.0.1", 0, api_key="right") as sb:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic right"}):
            resp = requests.get(sb.url + "/messaging_profiles", headers=headers, timeout=5)
            assert resp.status_code == 401 and resp.json()["errors"][0]["code"] == "10009"
        ok = requests.get(sb.url + "/messaging_profiles", headers={"Authorization": "Bearer right"}, timeout=5)
        assert ok.status_code == 200


def test_list_filters_and_paging(sandbox: Sandbox) -> None:
    for name in ["alpha", "beta", "alphabet", "gamma", "alpha"]:
        call(sandbox, "POST", "/messaging_profiles", json={"name": name, "whitelisted_destinations": ["US"]})
    names = lambda r: [p["name"] for p in r.json()["data"]]  # noqa: E731
    assert names(call(sandbox, "GET", "/messaging_profiles?filter[name]=alpha")) == ["alpha", "alpha"]
    assert names(call(sandbox, "GET", "/messaging_profiles?filter[name][eq]=beta")) == ["beta"]
    assert names(call(sandbox, "GET", "/messaging_profiles?filter[name][contains]=ALPHA")) == [
        "alpha",
        "alphabet",
        "alpha",
    ]
    page = call(sandbox, "GET", "/messaging_profiles?page[number]=2&page[size]=2").json()
    assert [p["name"] for p in page["data"]] == ["alphabet", "gamma"]
    assert page["meta"] == {"page_number": 2, "page_size": 2, "total_results": 5, "total_pages": 3}
    for bad in ("page[size]=0", "page[size]=251", "page[number]=0", "page[number]=x"):
        resp = call(sandbox, "GET", f"/messaging_profiles?{bad}")
        assert resp.status_code == 400, bad
        assert resp.json()["errors"][0]["source"]["parameter"] in ("page[size]", "page[number]")


# --------------------------------------------------------------------------- faults


def test_latency() -> None:
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=300)) as sb:
        start = time.monotonic()
        call(sb, "GET", "/messaging_profiles")
        assert time.monotonic() - start >= 0.3


def test_rate_limit_answers_429_with_headers() -> None:
    with Sandbox("127.0.0.1", 0, faults=Faults(rate_limit=2)) as sb:
        with requests.Session() as s:
            answers = [s.get(sb.url + "/messaging_profiles", headers=AUTH, timeout=5) for _ in range(5)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    a = limited[0]
    assert a.json()["errors"][0]["code"] == "10011"
    assert a.headers["x-ratelimit-limit"] == "2" and a.headers["x-ratelimit-remaining"] == "0"
    assert 1 <= int(a.headers["x-ratelimit-reset"]) <= 1


def _fail_pattern(seed: int) -> list[tuple[int, str]]:
    with Sandbox("127.0.0.1", 0, faults=Faults(fail_rate=0.5, seed=seed)) as sb:
        out = []
        for _ in range(12):
            r = call(sb, "GET", "/messaging_profiles")
            out.append((r.status_code, r.headers.get("Content-Type", "")))
        return out


def test_fail_rate_is_deterministic_under_seed_and_sends_html_sometimes() -> None:
    first, again, other = _fail_pattern(7), _fail_pattern(7), _fail_pattern(8)
    assert first == again and first != other
    statuses = {s for s, _ in first}
    assert 200 in statuses and statuses - {200} <= {500, 502, 503, 504} and statuses - {200}
    types = {t for s, t in first + other if s != 200}
    assert types == {"text/html", "application/json"}


def test_drop_rate_commits_then_closes_without_answer() -> None:
    with Sandbox("127.0.0.1", 0, faults=Faults(drop_rate=1.0, seed=1)) as sb:
        with pytest.raises(requests.exceptions.ConnectionError):
            call(sb, "POST", "/messaging_profiles", json={"name": "lost", "whitelisted_destinations": ["US"]})
        assert [p["name"] for p in sb.profiles()] == ["lost"]


# --------------------------------------------------------------------------- state and concurrency


def test_state_survives_restart_and_is_written_atomically(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    state = tmp_path / "s" / "state.json"
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        pid = call(sb, "POST", "/messaging_profiles", json=PROFILE).json()["data"]["id"]
    assert json.loads(state.read_text())["profiles"][0]["id"] == pid
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["state.json"]  # no temp file left behind
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        assert call(sb, "GET", f"/messaging_profiles/{pid}").json()["data"]["name"] == "Conformance"


def test_many_concurrent_clients(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        errors: list[BaseException] = []

        def worker(i: int) -> None:
            try:
                with requests.Session() as s:
                    for j in range(5):
                        r = s.post(
                            sb.url + "/messaging_profiles",
                            headers=AUTH,
                            timeout=10,
                            json={"name": f"w{i}-{j}", "whitelisted_destinations": ["US"]},
                        )
                        assert r.status_code == 200
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(sb.profiles()) == 80
        ids = {p["id"] for p in sb.profiles()}
    assert {p["id"] for p in json.loads(state.read_text())["profiles"]} == ids


def test_sandbox_command_prints_url_and_env_lines_and_stops_on_interrupt(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline().strip()  # type: ignore[union-attr]
        second = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert first.startswith("export TELNYX_BASE_URL=http://127.0.0.1:")
        assert second == "export TELNYX_API_KEY=sandbox-key"
        url = first.split("=", 1)[1]
        env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "sandbox-key"}
        done = subprocess.run(
            [sys.executable, "-m", "msgprof_cli", "list", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0 and json.loads(done.stdout) == []
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "sandbox listening on http://127.0.0.1:" in err and "sandbox stopped" in err
    assert "Traceback" not in err


def test_a_broken_state_file_is_a_clear_error(cli, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"profiles": [{"no id": 1}]')
    res = cli("sandbox", "--port", "0", "--state", str(state))
    assert res.exit_code == 3
    assert f"sandbox state file {state}: cannot be loaded" in res.stderr and "Traceback" not in res.stderr


def test_a_state_file_in_a_folder_that_does_not_exist_is_refused_at_start(cli, tmp_path: Path) -> None:
    state = tmp_path / "no-such-folder" / "state.json"
    res = cli("sandbox", "--port", "0", "--state", str(state))
    assert res.exit_code == 2
    assert f"--state {state}: the folder {state.parent} does not exist" in res.stderr
    assert "listening" not in res.stderr and not state.parent.exists()


@pytest.mark.parametrize(("host", "url_host"), [("::1", "[::1]"), ("0.0.0.0", "127.0.0.1"), ("::", "[::1]")])
def test_the_sandbox_listens_on_ipv6_and_every_interface_and_names_a_loopback_url(
    cli, monkeypatch: pytest.MonkeyPatch, host: str, url_host: str
) -> None:
    with Sandbox(host, 0) as sb:
        assert sb.url.startswith(f"http://{url_host}:")  # a URL msgprof accepts for a plain-http key
        assert sb.everywhere == (host in ("0.0.0.0", "::"))
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        assert cli("create", "--name", "Here", "--whitelist", "US").exit_code == 0
        assert [p["name"] for p in sb.profiles()] == ["Here"]


def test_a_state_file_behind_a_symlink_keeps_the_link_and_updates_its_target(tmp_path: Path) -> None:
    target = tmp_path / "data" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "state.json"
    link.symlink_to(target)
    with Sandbox("127.0.0.1", 0, state_file=str(link)) as sb:
        sb.create({"name": "Kept", "whitelisted_destinations": ["US"]})
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert [p["name"] for p in json.loads(target.read_text())["profiles"]] == ["Kept"]


def test_a_state_file_keeps_its_permissions(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{}")
    state.chmod(0o640)
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as sb:
        sb.create({"name": "Kept", "whitelisted_destinations": ["US"]})
    assert state.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("host", ["", " ", "[::1", "::1]"])
def test_a_host_that_is_not_an_address_is_a_usage_error(cli, host: str) -> None:
    res = cli("sandbox", "--host", host, "--port", "0")
    assert res.exit_code == 2 and "is not an address" in res.stderr


# --------------------------------------------------------------------------- export lines


@settings(max_examples=25, deadline=None)
@given(key=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=40))
def test_export_lines_survive_eval_for_any_key(key: str) -> None:
    """Whatever the key (quotes, $, backticks, spaces, newlines), eval sets exactly it."""
    with Sandbox("127.0.0.1", 0) as sb:
        lines = sb.export_lines(key)
        done = subprocess.run(
            ["bash", "-c", 'eval "$LINES" && printf "%s\\n%s" "$TELNYX_BASE_URL" "$TELNYX_API_KEY"'],
            env={"LINES": "\n".join(lines), "PATH": os.environ["PATH"]},
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode("utf-8", "surrogateescape").split("\n", 1) == [sb.url, key]


def test_the_sandbox_command_s_lines_eval_to_its_url_and_key() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "sandbox", "--port", "0", "--api-key", "s3cret$x"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(2)]  # type: ignore[union-attr]
        done = subprocess.run(
            ["bash", "-c", 'eval "$LINES" && "$PY" -m msgprof_cli list --json'],
            env={**os.environ, "LINES": "".join(lines), "PY": sys.executable},
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    assert lines[1] == "export TELNYX_API_KEY='s3cret$x'\n"
    assert (done.returncode, json.loads(done.stdout)) == (0, [])  # the key was accepted: not a 401


def test_each_answer_goes_out_in_one_write_even_with_latency() -> None:
    """Headers and body in one send: a split answer costs a delayed-ACK stall per request, which
    would distort every latency measurement made with --latency."""
    import io
    import socket as socketlib

    sends: list[int] = []

    class Counting:
        def __init__(self, sock: socketlib.socket) -> None:
            self._sock = sock

        def __getattr__(self, name: str) -> Any:
            return getattr(self._sock, name)

        def send(self, data: Any) -> int:
            sends.append(len(data))
            return self._sock.send(data)

        def sendall(self, data: Any) -> None:
            sends.append(len(data))
            self._sock.sendall(data)

        def makefile(self, mode: str, buffering: int = -1) -> Any:
            if "w" not in mode:
                return self._sock.makefile("rb", buffering)
            return io.BufferedWriter(socketlib.SocketIO(self, "wb"), buffering)  # type: ignore[arg-type]

    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=5)) as sb:
        handler: Any = sb.httpd.RequestHandlerClass
        original = handler.setup

        def setup(self: Any) -> None:
            self.request = Counting(self.request)
            original(self)

        handler.setup = setup
        with requests.Session() as s:
            for path in ("/messaging_profiles", "/phone_numbers/messaging?page[size]=250", "/nowhere"):
                resp = s.get(sb.url + path, headers=AUTH, timeout=5)
                assert resp.content
    assert len(sends) == 3 and all(n > 200 for n in sends), sends
