"""list, get, update, delete, related lists, metrics, regenerate-secret; accounts and their precedence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TEST_KEY, record_output

from msgprof_cli.api.client import TelnyxClient
from msgprof_cli.sandbox.server import Sandbox
from msgprof_cli.settings import resolve


def make(sb: Sandbox, *names: str, **fields: Any) -> list[dict[str, Any]]:
    client = TelnyxClient(sb.url, TEST_KEY)
    out = [client.create_messaging_profile({"name": n, "whitelisted_destinations": ["US"], **fields}) for n in names]
    client.close()
    return out


def test_list_table_json_and_yaml(cli, sandbox: Sandbox) -> None:
    assert json.loads(cli("list", "--json").stdout) == []
    empty = cli("list")
    assert empty.exit_code == 0 and empty.stdout == "" and "no messaging profiles" in empty.stderr
    a, b = make(sandbox, "Alpha", "Beta")
    table = cli("list").stdout.splitlines()
    assert table[0].split() == ["ID", "NAME", "ENABLED", "DESTINATIONS", "CREATED"]
    assert table[1].split()[:4] == [a["id"], "Alpha", "true", "US"]
    assert [p["id"] for p in json.loads(cli("list", "--json").stdout)] == [a["id"], b["id"]]
    assert [p["name"] for p in yaml.safe_load(cli("list", "-o", "yaml").stdout)] == ["Alpha", "Beta"]


def test_list_filters_paging_limit_and_all(cli, sandbox: Sandbox) -> None:
    make(sandbox, *[f"P{i:02}" for i in range(7)], "Other")
    names = lambda *a: [p["name"] for p in json.loads(cli("list", "--json", *a).stdout)]  # noqa: E731
    assert names("--name", "P03") == ["P03"]
    assert names("--name-contains", "oth") == ["Other"]
    first_page = cli("list", "--json", "--page-size", "3")
    assert len(json.loads(first_page.stdout)) == 3
    assert "showing 3 of 8; use --all or --limit N for more" in first_page.stderr
    assert len(names("--all", "--page-size", "3")) == 8
    assert names("--limit", "5", "--page-size", "2") == ["P00", "P01", "P02", "P03", "P04"]
    pages = [r.query.get("page[number]") for r in sandbox.received if r.path == "/v2/messaging_profiles"]
    # --limit 5 stops after the third page of two (pages 2 and 3 go side by side: either order)
    assert pages[-3] == "1" and sorted(str(p) for p in pages[-2:]) == ["2", "3"]
    too_big = cli("list", "--page-size", "251")
    assert too_big.exit_code == 2 and "251 is not in the range 1<=x<=250" in too_big.stderr


def test_get_by_id_and_name_not_found_and_ambiguous(cli, sandbox: Sandbox) -> None:
    [p] = make(sandbox, "Solo")
    assert json.loads(cli("get", p["id"], "--json").stdout)["name"] == "Solo"
    assert json.loads(cli("get", "Solo", "--json").stdout)["id"] == p["id"]
    missing = cli("get", "Nobody")
    assert missing.exit_code == 5 and "no messaging profile named 'Nobody'" in missing.stderr
    gone = cli("get", "3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert gone.exit_code == 5 and "no messaging profile with id 3fa85f64" in gone.stderr
    twins = make(sandbox, "Twin", "Twin")
    res = cli("get", "Twin")
    assert res.exit_code == 5 and res.stdout == ""
    assert "2 messaging profiles are named 'Twin'" in res.stderr
    assert all(t["id"] in res.stderr for t in twins)


def test_update_patches_only_given_fields(cli, sandbox: Sandbox) -> None:
    [p] = make(
        sandbox,
        "U",
        number_pool_settings={
            "long_code_weight": 1,
            "toll_free_weight": 2,
            "skip_unhealthy": True,
            "sticky_sender": True,
        },
    )
    res = cli("update", "U", "--disabled", "--pool-toll-free-weight", "5", "--json")
    assert res.exit_code == 0, res.stderr
    patch = [r for r in sandbox.received if r.method == "PATCH"][-1]
    assert patch.path == f"/v2/messaging_profiles/{p['id']}"
    assert patch.body == {
        "enabled": False,
        "number_pool_settings": {
            "long_code_weight": 1,
            "toll_free_weight": 5,
            "skip_unhealthy": True,
            "sticky_sender": True,
            "geomatch": False,
        },
    }
    out = json.loads(res.stdout)
    assert out["enabled"] is False and out["number_pool_settings"]["toll_free_weight"] == 5


def test_update_refuses_create_only_fields_and_validates(cli, sandbox: Sandbox) -> None:
    make(sandbox, "U")
    res = cli("update", "U", "--resource-group-id", "rg-1")
    assert res.exit_code == 3
    assert "resource_group_id: cannot be changed by an update" in res.stderr
    assert "it can only be set when the profile is created" in res.stderr
    assert cli("update", "U", "--whitelist", "XX").exit_code == 3
    from msgprof_cli.document.rules import RULES

    create_only = [r.flag for r in RULES if not r.updatable]
    assert create_only  # the help of update leaves exactly these out; create's lists them
    update_help, create_help = cli("update", "--help").stdout, cli("create", "--help").stdout
    assert all(f not in update_help and f in create_help for f in create_only)
    assert "--webhook-url" in update_help
    assert not [r for r in sandbox.received if r.method == "PATCH"]


def test_update_dry_run(cli, sandbox: Sandbox) -> None:
    [p] = make(sandbox, "U")
    before = len(sandbox.received)
    res = cli("update", p["id"], "--name", "V", "--dry-run", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout) == {
        "method": "PATCH",
        "url": f"{sandbox.url}/messaging_profiles/{p['id']}",
        "headers": {
            "Authorization": "Bearer <redacted>",
            "Content-Type": "application/json",
            "User-Agent": "msgprof/0.1.0",
        },
        "body": {"name": "V"},
    }
    # it reads the live profile (to merge nested objects) and sends nothing
    assert [(r.method, r.path) for r in sandbox.received[before:]] == [("GET", f"/v2/messaging_profiles/{p['id']}")]


def test_delete_requires_yes_when_not_interactive(cli, sandbox: Sandbox) -> None:
    make(sandbox, "D1", "D2", "Keep")
    refused = cli("delete", "D1")
    assert refused.exit_code == 2 and "refusing to delete without --yes" in refused.stderr
    assert len(sandbox.profiles()) == 3 and not sandbox.writes()[3:]
    res = cli("delete", "D1", "D2", "--yes", "--json")
    assert res.exit_code == 0
    assert [d["name"] for d in json.loads(res.stdout)] == ["D1", "D2"]
    assert [p["name"] for p in sandbox.profiles()] == ["Keep"]
    assert cli("delete", "D1", "--yes").exit_code == 5  # gone now


def test_related_lists(cli, sandbox: Sandbox) -> None:
    [p] = make(sandbox, "R")
    assert json.loads(cli("phone-numbers", "R", "--json").stdout) == []
    assert "no phone numbers on this profile" in cli("phone-numbers", "R").stderr
    for i in range(3):
        sandbox.seed(
            "phone_numbers", p["id"], {"phone_number": f"+1555000{i:04}", "type": "longcode", "country_code": "US"}
        )
    sandbox.seed("short_codes", p["id"], {"short_code": "12345", "country_code": "US"})
    sandbox.seed("alphanumeric_sender_ids", p["id"], {"alphanumeric_sender_id": "Acme"})
    table = cli("phone-numbers", "R").stdout.splitlines()
    assert table[0].split() == ["PHONE_NUMBER", "ID", "TYPE", "COUNTRY_CODE", "MESSAGING_PRODUCT"] and len(table) == 4
    assert cli("numbers", "list", "R").stdout.splitlines() == table  # one job, one output
    assert json.loads(cli("short-codes", p["id"], "--json").stdout)[0]["short_code"] == "12345"
    assert "Acme" in cli("sender-ids", "R").stdout


def test_metrics(cli, sandbox: Sandbox) -> None:
    [p] = make(sandbox, "M")
    one = json.loads(cli("metrics", "M", "--time-frame", "7d", "--json").stdout)
    assert one["messaging_profile_id"] == p["id"] and one["time_frame"] == "7d"
    assert sandbox.received[-1].query == {"time_frame": "7d"}
    every = json.loads(cli("metrics", "--json").stdout)
    assert [m["messaging_profile_id"] for m in every] == [p["id"]]
    bad = cli("metrics", "--time-frame", "2y")
    assert bad.exit_code == 2 and "--time-frame must be 1h, 3h, 24h, 3d, 7d or 30d, not '2y'" in bad.stderr


def test_regenerate_secret(cli, sandbox: Sandbox) -> None:
    [p] = make(sandbox, "S")
    res = cli("regenerate-secret", "S", "--json")
    assert res.exit_code == 0
    new = json.loads(res.stdout)["v1_secret"]
    assert new != p["v1_secret"] and sandbox.profiles()[0]["v1_secret"] == new


# --------------------------------------------------------------------------- accounts and precedence

CONFIG = """
default_account: staging
accounts:
  staging:
    base_url: http://127.0.0.1:1111/v2
    api_key_env: STAGING_KEY
    timeout: 5
  production:
    base_url: https://api.telnyx.com/v2
    api_key_command: echo prod-key-from-command
    max_retries: 1
"""

# (flags, environment, expected base_url value and source)
PRECEDENCE = [
    ({}, {}, "http://127.0.0.1:1111/v2", "account staging"),
    ({}, {"TELNYX_BASE_URL": "http://127.0.0.1:2222/v2"}, "http://127.0.0.1:2222/v2", "env TELNYX_BASE_URL"),
    (
        {"base_url": "http://127.0.0.1:3333/v2"},
        {"TELNYX_BASE_URL": "http://127.0.0.1:2222/v2"},
        "http://127.0.0.1:3333/v2",
        "--base-url",
    ),
    ({"account": "production"}, {}, "https://api.telnyx.com/v2", "account production"),
    ({}, {"MSGPROF_ACCOUNT": "production"}, "https://api.telnyx.com/v2", "account production"),
    ({"account": "staging"}, {"MSGPROF_ACCOUNT": "production"}, "http://127.0.0.1:1111/v2", "account staging"),
]


@pytest.mark.parametrize(("flags", "env", "value", "source"), PRECEDENCE)
def test_base_url_precedence(
    tmp_path: Path, flags: dict[str, str], env: dict[str, str], value: str, source: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    s = resolve(flags=flags, env={"MSGPROF_CONFIG": str(config), **env})
    assert (s.base_url.value, s.base_url.source) == (value, source)


KEYS = [
    ({}, {"STAGING_KEY": "k-staging"}, "k-staging", "account staging: env STAGING_KEY"),
    ({}, {"STAGING_KEY": "k-staging", "TELNYX_API_KEY": "k-env"}, "k-env", "env TELNYX_API_KEY"),
    ({"api_key_file": "KEYFILE"}, {"TELNYX_API_KEY": "k-env"}, "k-file", "--api-key-file KEYFILE"),
    ({"account": "production"}, {}, "prod-key-from-command", "account production: command"),
]


@pytest.mark.parametrize(("flags", "env", "key", "source"), KEYS)
def test_key_precedence(tmp_path: Path, flags: dict[str, str], env: dict[str, str], key: str, source: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    keyfile = tmp_path / "key"
    keyfile.write_text("k-file\n")
    keyfile.chmod(0o600)
    flags = {k: (str(keyfile) if v == "KEYFILE" else v) for k, v in flags.items()}
    s = resolve(flags=flags, env={"MSGPROF_CONFIG": str(config), **env})
    assert s.api_key() == key
    assert s.key_source == source.replace("KEYFILE", str(keyfile))


def test_config_show_prints_every_setting_with_its_source(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    monkeypatch.setenv("STAGING_KEY", "staging-secret-1234")
    monkeypatch.setenv("MSGPROF_TIMEOUT", "9")
    shown = json.loads(cli("config", "show", "--json", "--max-retries", "7").stdout)
    assert shown == {
        "config_file": {"value": str(config), "source": "env MSGPROF_CONFIG"},
        "account": {"value": "staging", "source": f"default_account in {config}"},
        "base_url": {"value": "http://127.0.0.1:1111/v2", "source": "account staging"},
        "api_key": {"value": "****1234", "source": "account staging: env STAGING_KEY"},
        "timeout": {"value": 9.0, "source": "env MSGPROF_TIMEOUT"},
        "max_retries": {"value": 7, "source": "--max-retries"},
    }
    table = cli("config", "show").stdout
    assert "****1234" in table and "staging-secret" not in table


def test_config_show_shows_every_setting_even_when_the_key_is_unusable(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    monkeypatch.delenv("STAGING_KEY", raising=False)
    res = cli("config", "show", "--json")
    assert res.exit_code == 4
    shown = json.loads(res.stdout)
    assert shown["api_key"] == {"value": "(unusable)", "source": "account staging: env STAGING_KEY"}
    assert shown["base_url"]["source"] == "account staging"
    assert "the variable STAGING_KEY named by api_key_env is not set" in res.stderr
    assert "export STAGING_KEY, or pick another account with --account NAME" in res.stderr
    debug = cli("config", "show", "--debug")  # the one command that refuses --debug says so
    assert debug.exit_code == 2 and "`msgprof config show` does not take --debug" in debug.stderr
    assert "did you mean" not in debug.stderr


def test_unknown_account_is_a_usage_error(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    res = cli("list", "--account", "nope")
    assert res.exit_code == 2
    assert "no account named 'nope'" in res.stderr and "production, staging" in res.stderr


def test_account_points_msgprof_at_the_sandbox(
    cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELNYX_BASE_URL")
    monkeypatch.delenv("TELNYX_API_KEY")
    config = tmp_path / "config.yaml"
    config.write_text(f"accounts:\n  local:\n    base_url: {sandbox.url}\n    api_key_env: LOCAL_KEY\n")
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    monkeypatch.setenv("LOCAL_KEY", "local-key")
    monkeypatch.setenv("MSGPROF_ACCOUNT", "local")
    assert cli("create", "--name", "Via account", "--whitelist", "US").exit_code == 0
    assert sandbox.received[-1].headers["Authorization"] == "Bearer local-key"


def test_failing_key_command_is_a_credentials_error(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.yaml"
    # a loopback base_url: had the command succeeded, nothing would leave this machine
    config.write_text("accounts:\n  p:\n    base_url: http://127.0.0.1:9/v2\n    api_key_command: 'false'\n")
    monkeypatch.setenv("MSGPROF_CONFIG", str(config))
    res = cli("list", "--account", "p")
    assert res.exit_code == 4 and "api_key_command exited 1" in res.stderr


def _on_a_terminal(args: list[str], answer: bytes, env: dict[str, str]) -> tuple[int, str, str]:
    """Run msgprof with stdin and stderr on a pseudo-terminal (stdout stays a pipe)."""
    import os
    import pty
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", *args],
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, **env},
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    answered = not answer
    while time.monotonic() < deadline:
        import select

        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"?" in seen:
                os.write(master, answer)
                answered = True
        elif proc.poll() is not None:
            break
    out = proc.communicate(timeout=30)[0].decode()
    os.close(master)
    record_output(seen)  # the terminal's side, for the suite's secret search
    return proc.returncode, out, seen.decode(errors="replace")


def test_terminal_delete_asks_and_update_shows_changes(sandbox: Sandbox) -> None:
    make(sandbox, "Ask", "Other")
    env = {"TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": TEST_KEY, "NO_COLOR": "1"}
    code, _, err = _on_a_terminal(["delete", "Ask"], b"n\n", env)
    assert code == 0 and "Delete Ask (" in err and "nothing deleted" in err
    assert len(sandbox.profiles()) == 2
    code, out, err = _on_a_terminal(["delete", "Ask"], b"y\n", env)
    assert code == 0 and [p["name"] for p in sandbox.profiles()] == ["Other"]
    code, out, err = _on_a_terminal(["update", "Other", "--disabled", "--json"], b"", env)
    assert code == 0, err
    assert "~ enabled: true -> false" in err


def test_terminal_progress_for_paging_and_apply(sandbox: Sandbox, tmp_path: Path) -> None:
    make(sandbox, "Pg1", "Pg2", "Pg3")
    env = {"TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": TEST_KEY, "NO_COLOR": "1"}
    code, out, err = _on_a_terminal(["list", "--all", "--page-size", "1", "--json"], b"", env)
    assert code == 0 and len(json.loads(out)) == 3
    assert "fetched page 1 of 3" in err and "fetched page 3 of 3" in err
    doc = tmp_path / "bulk.yaml"
    doc.write_text("".join(f"- name: Bar {i}\n  whitelisted_destinations: [US]\n" for i in range(5)))
    code, out, err = _on_a_terminal(["apply", "-f", str(doc)], b"", env)
    assert code == 0, err
    assert "applying" in err  # the progress bar was drawn on the terminal
    assert out.splitlines()[-1] == "Apply: 5 created, 0 updated, 0 unchanged, 0 failed."
