"""`msgprof create` end to end against the sandbox: exit codes, stdout and stderr apart, and what was sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from canned import Canned
from conftest import ROOT, TEST_KEY, run_msgprof

from msgprof_cli.sandbox.server import Sandbox

SAMPLES = ROOT / "sample-configs"


def test_create_from_flags(cli, sandbox: Sandbox) -> None:
    res = cli(
        "create",
        "--name",
        "Support",
        "--whitelist",
        "US",
        "--whitelist",
        "ca,GB",
        "--disabled",
        "--pool-long-code-weight",
        "1",
        "--pool-toll-free-weight",
        "2.5",
        "--pool-skip-unhealthy",
        "--mms-transcoding",
    )
    assert res.exit_code == 0, res.stderr
    assert res.stderr == ""
    [post] = sandbox.writes()
    assert post.method == "POST" and post.path == "/v2/messaging_profiles"
    assert post.body == {
        "name": "Support",
        "whitelisted_destinations": ["US", "CA", "GB"],
        "enabled": False,
        "mms_transcoding": True,
        "number_pool_settings": {"long_code_weight": 1, "toll_free_weight": 2.5, "skip_unhealthy": True},
    }
    assert post.headers["Authorization"] == f"Bearer {TEST_KEY}"
    assert post.headers["User-Agent"] == "msgprof/0.1.0"
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["id", sandbox.profiles()[0]["id"]]
    assert lines[1].split() == ["name", "Support"]
    assert "v1_secret" in res.stdout and sandbox.profiles()[0]["v1_secret"] not in res.stdout  # masked


def test_create_from_yaml_file_with_flags_overriding_and_merging(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(
        "name: From file\nwhitelisted_destinations: [US]\n"
        "number_pool_settings:\n  long_code_weight: 1\n  toll_free_weight: 10\n  skip_unhealthy: true\n"
    )
    res = cli("create", "-f", str(f), "--name", "From flag", "--pool-toll-free-weight", "3", "--json")
    assert res.exit_code == 0, res.stderr
    body = sandbox.writes()[0].body
    assert body["name"] == "From flag"
    assert body["number_pool_settings"] == {"long_code_weight": 1, "toll_free_weight": 3, "skip_unhealthy": True}
    assert json.loads(res.stdout)["name"] == "From flag"


def test_create_json_on_stdin_prints_only_the_profile(cli, sandbox: Sandbox) -> None:
    res = cli("create", "-f", "-", "--json", input='{"name": "J", "whitelisted_destinations": ["*"]}')
    assert res.exit_code == 0, res.stderr
    printed = json.loads(res.stdout)
    assert printed == sandbox.profiles()[0]  # exactly the `data` the API returned
    assert res.stderr == ""


def test_only_given_fields_are_sent(cli, sandbox: Sandbox) -> None:
    assert cli("create", "--name", "Min", "--whitelist", "US").exit_code == 0
    assert sandbox.writes()[0].body == {"name": "Min", "whitelisted_destinations": ["US"]}


def test_null_objects_from_flags(cli, sandbox: Sandbox) -> None:
    res = cli("create", "--name", "N", "--whitelist", "US", "--no-pool", "--no-shortener")
    assert res.exit_code == 0, res.stderr
    assert sandbox.writes()[0].body == {
        "name": "N",
        "whitelisted_destinations": ["US"],
        "number_pool_settings": None,
        "url_shortener_settings": None,
    }


def test_null_flag_with_nested_flag_is_a_usage_error(cli, sandbox: Sandbox) -> None:
    res = cli("create", "--name", "N", "--whitelist", "US", "--no-pool", "--pool-geomatch")
    assert res.exit_code == 2
    assert "cannot be combined with --no-pool" in res.stderr
    assert sandbox.received == []


def test_invalid_input_exits_3_names_fields_and_sends_nothing(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("name: ''\nwhitelisted_destinations: [US, UK]\nwebhook_api_version: '9'\n")
    res = cli("create", "-f", str(f))
    assert res.exit_code == 3
    assert res.stdout == ""
    assert res.stderr.splitlines() == [
        f"msgprof: error: {f}:1: name: may not be empty",
        f"msgprof: error: {f}:2: whitelisted_destinations[1]: 'UK' is not an ISO 3166-1 alpha-2 country code",
        "  hint: did you mean GB?",
        f'msgprof: error: {f}:3: webhook_api_version: must be one of "1", "2", "2010-04-01", found \'9\'',
        "msgprof: error: 3 problems found; nothing was sent",
    ]
    assert sandbox.received == []


def test_invalid_input_under_json_is_a_json_error_on_stderr(cli, sandbox: Sandbox) -> None:
    res = cli("create", "--name", "x", "--whitelist", "ZZ", "--json")
    assert res.exit_code == 3 and res.stdout == ""
    err = json.loads(res.stderr)
    assert err["exit_code"] == 3 and err["issues"][0]["field"] == "whitelisted_destinations[0]"
    assert err["issues"][0]["source"] == "--whitelist"


def test_weight_flag_that_is_not_a_number(cli, sandbox: Sandbox) -> None:
    res = cli(
        "create",
        "--name",
        "x",
        "--whitelist",
        "US",
        "--pool-long-code-weight",
        "lots",
        "--pool-toll-free-weight",
        "1",
        "--pool-skip-unhealthy",
    )
    assert res.exit_code == 3
    assert (
        "--pool-long-code-weight: number_pool_settings.long_code_weight: expected a non-negative number, "
        "found the string 'lots'" in res.stderr
    )


def test_nothing_given_is_a_usage_error(cli, sandbox: Sandbox) -> None:
    res = cli("create")
    assert res.exit_code == 2 and "nothing to create" in res.stderr


def test_dry_run_sends_nothing_and_needs_no_key(cli, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    res = cli("create", "--name", "D", "--whitelist", "US", "--dry-run", "--json")
    assert res.exit_code == 0, res.stderr
    preview = json.loads(res.stdout)
    assert preview["method"] == "POST" and preview["url"] == sandbox.url + "/messaging_profiles"
    assert preview["body"] == {"name": "D", "whitelisted_destinations": ["US"]}
    assert preview["headers"]["Authorization"] == "Bearer <redacted>"
    assert sandbox.received == []


def test_missing_key_exits_4_and_names_every_source(cli, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    res = cli("create", "--name", "x", "--whitelist", "US")
    assert res.exit_code == 4
    for way in ("TELNYX_API_KEY", "--api-key-file", "--account", "MSGPROF_ACCOUNT"):
        assert way in res.stderr
    assert sandbox.received == []


def test_key_from_file_and_stdin(cli, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TELNYX_API_KEY")
    key = tmp_path / "key"
    key.write_text("from-file-key\n")
    key.chmod(0o600)
    assert cli("create", "--name", "a", "--whitelist", "US", "--api-key-file", str(key)).exit_code == 0
    assert sandbox.received[-1].headers["Authorization"] == "Bearer from-file-key"
    res = cli("create", "--name", "b", "--whitelist", "US", "--api-key-file", "-", input="stdin-key\n")
    assert res.exit_code == 0, res.stderr
    assert sandbox.received[-1].headers["Authorization"] == "Bearer stdin-key"


def test_wrong_key_exits_4(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox("127.0.0.1", 0, api_key="the-right-key") as sb:
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "x", "--whitelist", "US")
    assert res.exit_code == 4
    assert "[10009] Authentication failed" in res.stderr
    assert TEST_KEY not in res.stdout + res.stderr


def test_api_errors_are_printed_one_per_line_with_their_field(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.dumps(
        {
            "errors": [
                {
                    "code": "10015",
                    "title": "Invalid parameter",
                    "detail": "Name is taken.",
                    "source": {"pointer": "/name"},
                },
                {
                    "code": "10004",
                    "title": "Missing required parameter",
                    "source": {"pointer": "/number_pool_settings/long_code_weight"},
                },
            ]
        }
    ).encode()
    with Canned(422, body) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("create", "--name", "x", "--whitelist", "US")
    assert res.exit_code == 5
    assert res.stderr.splitlines() == [
        "msgprof: error: the API refused the request (HTTP 422): 2 errors",
        "  [10015] Invalid parameter: Name is taken. (field name)",
        "  [10004] Missing required parameter (field number_pool_settings.long_code_weight)",
    ]


@pytest.mark.parametrize(
    ("status", "exit_code", "text"),
    [
        (401, 4, "HTTP 401"),
        (403, 4, "HTTP 403"),
        (404, 5, "no messaging profile with id"),
        (409, 5, "HTTP 409"),
        (429, 6, "HTTP 429"),
        (503, 6, "HTTP 503"),
    ],
)
def test_exit_code_by_status(cli, monkeypatch: pytest.MonkeyPatch, status: int, exit_code: int, text: str) -> None:
    body = json.dumps({"errors": [{"code": "1", "title": "t"}]}).encode()
    with Canned(status, body) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("get", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "--max-retries", "0")
    assert res.exit_code == exit_code, res.stderr
    assert text in res.stderr and res.stdout == ""


def test_html_502_is_summarised(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
    with Canned(502, html, "text/html") as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("list", "--max-retries", "0")
    assert res.exit_code == 6
    assert "HTTP 502): 502 Bad Gateway 502 Bad Gateway" in res.stderr
    assert "Traceback" not in res.stderr


def test_refused_connection_is_named(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    monkeypatch.setenv("TELNYX_BASE_URL", f"http://127.0.0.1:{port}/v2")
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
    res = cli("create", "--name", "x", "--whitelist", "US", "--max-retries", "0")
    assert res.exit_code == 6
    assert "connection refused" in res.stderr


def test_dns_failure_is_named() -> None:
    # Offline on purpose: a real lookup of any name sends a DNS query off this machine, and tests
    # send traffic to loopback only.  This is the error urllib3 raises when getaddrinfo fails.
    import socket

    from urllib3.exceptions import MaxRetryError, NameResolutionError

    from msgprof_cli.api.client import classify_network_error

    cause = NameResolutionError("no-such-host.invalid", None, socket.gaierror(-2, "Name or service not known"))  # type: ignore[arg-type]
    error = requests.exceptions.ConnectionError(MaxRetryError(None, "/v2", cause))  # type: ignore[arg-type]
    assert classify_network_error(error) == ("DNS lookup failed", False)


def test_timeout_is_named(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from msgprof_cli.sandbox.server import Faults

    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=1500)) as sb:
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("list", "--max-retries", "0", "--timeout", "0.3")
    assert res.exit_code == 6
    assert "timed out" in res.stderr


def test_tls_failure_is_named(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox("127.0.0.1", 0) as sb:  # speaks plain http; an https client fails the handshake
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url.replace("http://", "https://"))
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("list", "--max-retries", "0")
    assert res.exit_code == 6
    assert "TLS handshake failed" in res.stderr


def test_key_is_never_sent_over_plain_http_to_a_remote_host(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", "http://api.example.com/v2")
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
    res = cli("list")
    assert res.exit_code == 4
    assert "refusing to send the API key over plain http to api.example.com" in res.stderr


def test_samples_behave_as_named(cli, sandbox: Sandbox) -> None:
    """Each folder as a whole, as sample-configs/README.md promises: valid/ passes (validate and
    plan read it as one set, so its names are unique), and invalid/ fails at each file's
    `# expect-error: FIELD`."""
    valid = sorted((SAMPLES / "valid").glob("*"))
    invalid = sorted((SAMPLES / "invalid").glob("*"))
    assert len(valid) >= 3 and len(invalid) >= 5
    res = cli("validate", str(SAMPLES / "valid"), "--json")
    assert res.exit_code == 0, res.stderr
    assert sorted(r["source"] for r in json.loads(res.stdout)["results"]) == [str(f) for f in valid]
    res = cli("plan", "-f", str(SAMPLES / "valid"), "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["create"] == len(valid)
    res = cli("validate", str(SAMPLES / "invalid"), "--json")
    assert res.exit_code == 3, res.stderr
    results = {r["source"]: r for r in json.loads(res.stdout)["results"]}
    assert sorted(results) == [str(f) for f in invalid]
    for f in invalid:
        expected_field = f.read_text().splitlines()[0].split("expect-error:")[1].strip()
        assert not results[str(f)]["valid"], f
        assert expected_field in [e["field"] for e in results[str(f)]["errors"]], (f, results[str(f)])
    full = SAMPLES / "valid" / "full.yaml"
    full_json = SAMPLES / "valid" / "full.json"
    from msgprof_cli.document.loading import load_document
    from msgprof_cli.document.validation import validate

    # the same fields under distinct names (names must be unique across the files plan reads)
    yaml_payload = validate(load_document(str(full))).payload
    json_payload = validate(load_document(str(full_json))).payload
    assert yaml_payload["name"] != json_payload["name"]
    assert {**json_payload, "name": yaml_payload["name"]} == yaml_payload
    res = cli("create", "-f", str(full), "--json")
    assert res.exit_code == 0, res.stderr
    assert sandbox.writes()[0].body == yaml_payload


def test_validate_json_report(cli, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: a\nwhitelisted_destinations: [US]\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: a\nwhitelisted_destinations: [US]\nenabled: 1\n")
    res = cli("validate", str(good), str(bad), "--json")
    assert res.exit_code == 3
    report = json.loads(res.stdout)
    assert report["valid"] is False
    assert [r["valid"] for r in report["results"]] == [True, False]
    assert report["results"][1]["errors"] == [
        {
            "field": "enabled",
            "message": "expected true or false, found the number 1",
            "hint": None,
            "source": str(bad),
            "line": 3,
        }
    ]


def test_schema_is_json(cli) -> None:
    res = cli("schema")
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    profile = schema["$defs"]["profile"]
    assert profile["required"] == ["name", "whitelisted_destinations"]
    assert "number_pool_settings" in profile["properties"]


def test_version(cli) -> None:
    res = cli("--version")
    assert res.exit_code == 0 and res.stdout == "msgprof 0.1.0\n"


def test_unknown_flag_is_usage_error(cli) -> None:
    res = cli("create", "--colour", "red")
    assert res.exit_code == 2
    assert "--colour" in res.stderr and res.stdout == ""


def test_script_use_in_a_pipe_in_a_real_process(sandbox: Sandbox, tmp_path: Path) -> None:
    f = tmp_path / "support.yaml"
    f.write_text("name: Script\nwhitelisted_destinations: [US]\n")
    env = {**os.environ}
    out = subprocess.run(
        # the README's `| jq -r .id`, with Python standing in for jq (not on every machine)
        f"{sys.executable} -m msgprof_cli create -f {f} --json"
        f" | {sys.executable} -c 'import json, sys; print(json.load(sys.stdin)[\"id\"])'",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        executable="/bin/bash",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == sandbox.profiles()[0]["id"]


def test_real_process_invalid_input_has_no_traceback(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_bytes(b"\x00\xff garbage")
    res = run_msgprof("create", "-f", str(f))
    assert res.returncode == 3
    assert "Traceback" not in res.stderr and "not UTF-8" in res.stderr


def test_creating_a_second_profile_with_a_taken_name_costs_no_look_up(cli, sandbox: Sandbox) -> None:
    first = json.loads(cli("create", "--name", "Same", "--whitelist", "US", "--json").stdout)
    res = cli("create", "--name", "Same", "--whitelist", "US", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["id"] != first["id"]
    assert [r.method for r in sandbox.received] == ["POST", "POST"]  # one request per create
    refused = cli("create", "--name", "Same", "--whitelist", "US", "--unique")
    assert refused.exit_code == 5
    assert "2 profiles named 'Same' already exist" in refused.stderr and len(sandbox.profiles()) == 2


def test_create_file_interpolates_environment_variables(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: ${TEAM:-Ops} support\nwhitelisted_destinations: [US]\nwebhook_url: ${HOOK_URL}\n")
    monkeypatch.setenv("HOOK_URL", "https://hooks.example.com/x")
    assert cli("create", "-f", str(f)).exit_code == 0
    assert sandbox.writes()[0].body["name"] == "Ops support"
    monkeypatch.delenv("HOOK_URL")
    res = cli("create", "-f", str(f))
    assert res.exit_code == 3 and f"{f}:3: webhook_url: environment variable HOOK_URL is not set" in res.stderr


def test_yaml_flow_style_file_is_not_mistaken_for_json(cli, tmp_path: Path) -> None:
    f = tmp_path / "flow.yaml"
    f.write_text("{name: Flow, whitelisted_destinations: [US]}\n")
    res = cli("validate", str(f))
    assert res.exit_code == 0, res.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{name: Flow}")
    assert "not valid JSON" in cli("validate", str(bad)).stderr


def test_stdin_cannot_feed_both_the_document_and_the_key(cli, sandbox: Sandbox) -> None:
    res = cli("create", "-f", "-", "--api-key-file", "-", input="name: x\n")
    assert res.exit_code == 2 and "not both" in res.stderr
    assert cli("apply", "-f", "-", "--api-key-file", "-", input="name: x\n").exit_code == 2
    assert sandbox.received == []
