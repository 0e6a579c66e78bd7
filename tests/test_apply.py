"""plan, apply and export against the sandbox: idempotent, safe under faults, secrets kept out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_KEY, make_sandbox

from msgprof_cli.api.client import TelnyxClient
from msgprof_cli.clock import FakeClock
from msgprof_cli.sandbox.server import Faults, Sandbox


def write(dirpath: Path, name: str, text: str) -> Path:
    f = dirpath / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text)
    return f


def profiles_dir(tmp_path: Path) -> Path:
    d = tmp_path / "profiles"
    write(d, "support.yaml", "name: Support\nwhitelisted_destinations: [US, CA]\n")
    write(
        d,
        "many.yaml",
        "- name: Sales\n  whitelisted_destinations: [GB]\n  enabled: false\n"
        "- name: Billing\n  whitelisted_destinations: ['*']\n",
    )
    write(
        d,
        "stream.yaml",
        "name: Alerts\nwhitelisted_destinations: [DE]\n---\n"
        "name: Pool\nwhitelisted_destinations: [US]\nnumber_pool_settings:\n"
        "  long_code_weight: 1\n  toll_free_weight: 2\n  skip_unhealthy: true\n",
    )
    write(d, "json/one.json", json.dumps({"name": "Json", "whitelisted_destinations": ["FR"]}))
    write(d, "README.md", "not a profile: ignored")
    write(d, ".hidden/ci.yaml", "on: push  # not a profile: hidden files are skipped")
    return d


def test_apply_twice_sends_no_writes_the_second_time(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    d = profiles_dir(tmp_path)
    first = cli("apply", "-f", str(d), "--json")
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["phase"] == "apply"
    assert report["summary"] == {"create": 6, "update": 0, "delete": 0, "unchanged": 0, "failed": 0, "setup": {}}
    assert {i["status"] for i in report["items"]} == {"done"}
    assert sorted(p["name"] for p in sandbox.profiles()) == ["Alerts", "Billing", "Json", "Pool", "Sales", "Support"]
    # one shared session: 8 requests (1 list + 6 creates + 1 list that looks for a concurrent run's
    # twins) over at most --parallel (4) connections
    assert len(sandbox.received) == 8 and len({r.peer for r in sandbox.received}) <= 4
    writes = len(sandbox.writes())
    second = cli("apply", "-f", str(d))
    assert second.exit_code == 0
    assert len(sandbox.writes()) == writes  # nothing sent but reads
    assert second.stdout.splitlines()[-1] == "Apply: 0 created, 0 updated, 6 unchanged, 0 failed."
    lists = [r for r in sandbox.received[-3:] if r.method == "GET"]
    assert lists and all(r.query["page[size]"] == "250" for r in lists)


def test_changed_file_patches_only_the_differing_fields(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    d = tmp_path / "p"
    f = write(d, "p.yaml", "name: P\nwhitelisted_destinations: [US]\nenabled: true\n")
    assert cli("apply", "-f", str(d)).exit_code == 0
    f.write_text("name: P\nwhitelisted_destinations: [US, CA]\nenabled: true\nmms_transcoding: true\n")
    plan = cli("plan", "-f", str(f), "--detailed-exitcode")
    assert plan.exit_code == 7
    assert plan.stdout.splitlines()[1:] == [
        '    ~ whitelisted_destinations: ["US"] -> ["US", "CA"]',
        "    ~ mms_transcoding: false -> true",
        "Plan: 0 to create, 1 to update, 0 unchanged, 0 failed.",
    ]
    res = cli("apply", "-f", str(f))
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0].endswith(": whitelisted_destinations, mms_transcoding")
    patch = [r for r in sandbox.received if r.method == "PATCH"][-1]
    assert patch.body == {"whitelisted_destinations": ["US", "CA"], "mms_transcoding": True}
    assert cli("plan", "-f", str(f), "--detailed-exitcode").exit_code == 0


def test_export_then_plan_shows_no_changes(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    client = TelnyxClient(sandbox.url, TEST_KEY)
    client.create_messaging_profile(
        {
            "name": "Full",
            "whitelisted_destinations": ["US", "NO"],
            "daily_spend_limit": "100.50",
            "alpha_sender": "Acme",
            "number_pool_settings": {"long_code_weight": 1.5, "toll_free_weight": 0, "skip_unhealthy": False},
            "url_shortener_settings": {"domain": "acct.fyi", "prefix": "x"},
            "resource_group_id": "rg-1",
            "health_webhook_url": "https://h.example",
        }
    )
    client.create_messaging_profile({"name": "Plain", "whitelisted_destinations": ["*"]})
    out = tmp_path / "exported"
    res = cli("export", "--all", "--to", str(out))
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["full.yaml", "plain.yaml"]
    import yaml

    exported = yaml.safe_load((out / "full.yaml").read_text())
    assert not {"id", "v1_secret", "record_type", "created_at", "updated_at", "organization_id"} & set(exported)
    assert exported["resource_group_id"] == "rg-1" and exported["daily_spend_limit"] == "100.50"
    plan = cli("plan", "-f", str(out), "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert plan.stdout.splitlines()[-1] == "Plan: 0 to create, 0 to update, 2 unchanged, 0 failed."
    writes = len(sandbox.writes())
    assert cli("apply", "-f", str(out)).exit_code == 0 and len(sandbox.writes()) == writes
    stdout_export = cli("export", "Plain")
    assert stdout_export.exit_code == 0 and "name: Plain" in stdout_export.stdout
    neither = cli("export")
    assert neither.exit_code == 2 and neither.stderr.startswith("msgprof: error: give ID|NAME... (the profiles to export) or --all\n")


def test_one_invalid_document_blocks_the_whole_run(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    d = tmp_path / "p"
    write(d, "a.yaml", "name: Good\nwhitelisted_destinations: [US]\n")
    bad = write(d, "b.yaml", "name: Bad\nwhitelisted_destinations: [US]\nenabled: maybe\n")
    res = cli("apply", "-f", str(d))
    assert res.exit_code == 3
    assert f"msgprof: error: {bad}:3: enabled: expected true or false, found the string 'maybe'" in res.stderr
    assert "nothing was applied" in res.stderr
    assert sandbox.received == []  # not even a read


def test_duplicate_names_in_files_are_invalid(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    d = tmp_path / "p"
    write(d, "a.yaml", "name: Same\nwhitelisted_destinations: [US]\n")
    write(d, "b.yaml", "name: Same\nwhitelisted_destinations: [CA]\n")
    res = cli("plan", "-f", str(d))
    assert res.exit_code == 3 and "is also used by" in res.stderr


def test_two_live_profiles_with_one_name_fail_that_item_only(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    client = TelnyxClient(sandbox.url, TEST_KEY)
    twins = [client.create_messaging_profile({"name": "Twin", "whitelisted_destinations": ["US"]}) for _ in range(2)]
    d = tmp_path / "p"
    write(d, "twin.yaml", "name: Twin\nwhitelisted_destinations: [CA]\n")
    write(d, "other.yaml", "name: Other\nwhitelisted_destinations: [CA]\n")
    res = cli("apply", "-f", str(d), "--json")
    assert res.exit_code == 5
    report = {i["name"]: i for i in json.loads(res.stdout)["items"]}
    assert (report["Other"]["action"], report["Other"]["status"]) == ("create", "done")
    assert (report["Twin"]["action"], report["Twin"]["status"]) == ("failed", "failed")
    assert all(t["id"] in report["Twin"]["error"]["message"] for t in twins)
    assert [p["whitelisted_destinations"] for p in sandbox.profiles() if p["name"] == "Twin"] == [["US"], ["US"]]
    text = cli("apply", "-f", str(d))
    assert text.exit_code == 5 and "msgprof: 1 of 2 profiles failed; the others were applied" in text.stderr


def test_interpolation(cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "p"
    write(
        d,
        "p.yaml",
        "name: ${PROFILE_NAME}\nwhitelisted_destinations: [${COUNTRY:-US}]\n"
        "webhook_url: https://hooks.example.com/${WEBHOOK_TOKEN}\nenabled: ${ENABLED:-false}\n",
    )
    monkeypatch.setenv("PROFILE_NAME", "From env")
    monkeypatch.setenv("WEBHOOK_TOKEN", "tok-SECRET-777")
    plan = cli("plan", "-f", str(d))
    assert plan.exit_code == 0, plan.stderr
    assert '+ name: "From env"' in plan.stdout and '+ whitelisted_destinations: ["US"]' in plan.stdout
    assert '+ webhook_url: "<secret from $WEBHOOK_TOKEN>"' in plan.stdout
    assert "tok-SECRET-777" not in plan.stdout + plan.stderr
    res = cli("apply", "-f", str(d), "--json")
    assert res.exit_code == 0, res.stderr
    assert "tok-SECRET-777" not in res.stdout + res.stderr
    [p] = sandbox.profiles()
    assert (p["name"], p["enabled"], p["webhook_url"]) == (
        "From env",
        False,
        "https://hooks.example.com/tok-SECRET-777",
    )


def test_double_dollar_escapes_interpolation(cli, tmp_path: Path) -> None:
    f = write(tmp_path / "p", "p.yaml", 'name: x\nwhitelisted_destinations: [US]\nalpha_sender: "$${X}"\n')
    res = cli("validate", str(f))
    # the literal "${X}" reaches validation (and fails alpha_sender's pattern): it was not interpolated
    assert res.exit_code == 3 and "alpha_sender: '${X}' does not match" in res.stderr


def test_unset_variable_names_file_and_line(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    f = write(tmp_path / "p", "p.yaml", "name: x\nwhitelisted_destinations: [US]\nwebhook_url: ${MISSING_URL}\n")
    res = cli("apply", "-f", str(f))
    assert res.exit_code == 3
    assert f"msgprof: error: {f}:3: webhook_url: environment variable MISSING_URL is not set and has no default" in res.stderr
    assert sandbox.received == []
    assert cli("validate", str(f)).exit_code == 3


@pytest.mark.slow
def test_parallel_apply_under_rate_limits_loses_nothing(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_clock: FakeClock
) -> None:
    # The sandbox's one-second windows move only when msgprof waits (on the fake clock): the
    # limit is certainly hit, and the waits cost no wall time.
    window_clock = lambda: 1000.5 + sum(fake_clock.slept)  # noqa: E731
    sb = make_sandbox(monkeypatch, faults=Faults(rate_limit=20, clock=window_clock))
    try:
        docs = "".join(f"- name: Bulk {i:03}\n  whitelisted_destinations: [US]\n" for i in range(60))
        f = write(tmp_path / "p", "bulk.yaml", docs)
        res = cli("apply", "-f", str(f), "--parallel", "8", "--max-retries", "8")
        assert res.exit_code == 0, res.stderr
        assert res.stdout.splitlines()[-1] == "Apply: 60 created, 0 updated, 0 unchanged, 0 failed."
        assert sorted(p["name"] for p in sb.profiles()) == [f"Bulk {i:03}" for i in range(60)]
        assert "HTTP 429" in res.stderr  # the limit really was hit
    finally:
        sb.stop()


@pytest.mark.slow
def test_parallel_apply_with_dropped_connections_never_duplicates(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_clock: FakeClock
) -> None:
    sb = make_sandbox(monkeypatch, faults=Faults(drop_rate=0.2, seed=3))
    try:
        docs = "".join(f"- name: Drop {i:02}\n  whitelisted_destinations: [US]\n" for i in range(30))
        f = write(tmp_path / "p", "bulk.yaml", docs)
        res = cli("apply", "-f", str(f), "--parallel", "8", "--max-retries", "8")
        assert res.exit_code == 0, res.stderr
        assert sorted(p["name"] for p in sb.profiles()) == [f"Drop {i:02}" for i in range(30)]
        # the faults happened: some creates were dropped after they were sent, and found again
        assert sum(1 for r in sb.received if r.method == "POST") == 30
        assert len(sb.received) > 32
    finally:
        sb.stop()


def test_apply_dry_run_is_plan(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    f = write(tmp_path / "p", "p.yaml", "name: D\nwhitelisted_destinations: [US]\n")
    res = cli("apply", "-f", str(f), "--dry-run")
    assert res.exit_code == 0 and res.stdout.startswith("+ create D")
    assert sandbox.writes() == []


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_during_apply_finishes_what_is_in_flight_and_names_what_never_started(
    tmp_path: Path, presses: int
) -> None:
    import signal
    import subprocess
    import sys
    import time

    from conftest import record_output

    docs = "".join(f"- name: Stop {i:02}\n  whitelisted_destinations: [US]\n" for i in range(12))
    f = write(tmp_path / "p", "bulk.yaml", docs)
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=600)) as sb:
        env = {**__import__("os").environ, "TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        proc = subprocess.Popen(
            [sys.executable, "-m", "msgprof_cli", "apply", "-f", str(f), "--parallel", "2", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 30  # a safety stop, not a timing: wait for the first creates
        while not any(r.method == "POST" for r in sb.received) and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        if presses == 2:  # a second Ctrl-C while msgprof waits for the requests in flight: out at once
            time.sleep(0.1)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
            record_output(out + err)
            assert proc.returncode == 130 and err.endswith("msgprof: interrupted\n"), err
            assert "Traceback" not in err
            before = len(sb.received)
            time.sleep(0.7)  # the requests it had in flight end with the process: none is sent after
            assert len(sb.received) == before
            return
        out, err = proc.communicate(timeout=60)
        record_output(out + err)
        assert proc.returncode == 130, err
        report = json.loads(out)
        done = [i for i in report["items"] if i["status"] == "done"]
        stopped = [i for i in report["items"] if i["status"] == "failed"]
        assert stopped and len(done) + len(stopped) == 12
        assert all(i["error"]["error"] == "interrupted" for i in stopped)
        in_flight = [i for i in stopped if "in flight" in i["error"]["message"]]
        never = [i for i in stopped if "nothing was sent for it" in i["error"]["message"]]
        assert len(in_flight) + len(never) == len(stopped)
        posted = sorted(r.body["name"] for r in sb.received if r.method == "POST")  # type: ignore[index]
        # reported done or in flight: sent once; reported as never started: never sent
        assert posted == sorted(i["name"] for i in done + in_flight)
        # an answer that comes within the grace (1 s, the sandbox answers in 0.6 s) is read: done
        assert done
        assert "Traceback" not in err
