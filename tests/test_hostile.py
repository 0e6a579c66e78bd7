"""Hostile inputs, one table (issue 12, Deliver 1, 3 and 9): each row is an input a hostile or
careless user, config file or API could give, with the exit code and the message it must get.
Add rows here.  Every row also checks: no traceback, no "internal error", nothing on stdout, and
(for URLs that must be refused) no connection made at all.

Loopback only: 127.0.0.2 plays the "other" host hidden inside URLs; nothing here ever talks to an
address outside this machine.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from canned import Canned
from conftest import TEST_KEY
from hypothesis import given, settings
from hypothesis import strategies as st

from msgprof_cli.api.client import parse_url
from msgprof_cli.errors import CredentialsError, UsageError
from msgprof_cli.settings import check_base_url, is_loopback, run_key_command


@dataclass
class Row:
    id: str
    args: list[str]
    exit: int
    says: str
    env: dict[str, str] = field(default_factory=dict)
    config: str | None = None
    answer: tuple[int, object] | None = None  # what the API answers (bytes: sent as they are), for API rows
    refused_before_sending: bool = True
    hides: str = ""  # a secret in the input that must appear nowhere in the output


DEEP = b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # deeper than any parser's recursion

# {url} is the scripted server's base URL; {hostport} its 127.0.0.1:PORT.
ROWS = [
    Row("url-backslash-userinfo", ["list", "--base-url", "http://127.0.0.2:{port}\\@{hostport}/v2"], 2,
        "--base-url: the base URL contains a backslash at position"),
    Row("url-backslash-localhost", ["list", "--base-url", "http://127.0.0.2:{port}\\@localhost:{port}/v2"], 2,
        "contains a backslash"),
    Row("url-userinfo", ["list", "--base-url", "http://user@{hostport}/v2"], 2,
        "--base-url: the base URL has userinfo"),
    Row("url-userinfo-password", ["list", "--base-url", "http://127.0.0.2:1@{hostport}/v2"], 2, "has userinfo"),
    Row("url-space", ["list", "--base-url", "http://{hostport} /v2"], 2, "a space or control character (U+0020)"),
    Row("url-tab", ["list", "--base-url", "http://{hostport}/v2\t"], 2, "(U+0009)"),
    Row("url-newline", ["list", "--base-url", "http://{hostport}/v2\n"], 2, "(U+000A)"),
    Row("url-nul", ["list", "--base-url", "http://{hostport}\x00.127.0.0.2/v2"], 2, "(U+0000)"),
    Row("url-non-ascii", ["list", "--base-url", "http://{hostport}\u3002/v2"], 2, "a non-ASCII character (U+3002)"),
    Row("url-empty-host", ["list", "--base-url", "http:///v2"], 2, "the base URL has no host"),
    Row("url-empty-host-port", ["list", "--base-url", "http://:{port}/v2"], 2, "the base URL has no host"),
    Row("url-percent-host", ["list", "--base-url", "http://127.0.0.1%2e:{port}/v2"], 2, "percent-escape in its host"),
    Row("url-query", ["list", "--base-url", "{url}?x=1"], 2, "has a query (?) or fragment (#)"),
    Row("url-no-scheme", ["list", "--base-url", "{hostport}/v2"], 2, "is not an absolute http(s) URL"),
    Row("url-plain-http-remote", ["list", "--base-url", "http://api.example.invalid/v2"], 4,
        "--base-url: refusing to send the API key over plain http to api.example.invalid"),
    Row("url-short-ipv4-is-not-loopback", ["list", "--base-url", "http://127.1:{port}/v2"], 4,
        "refusing to send the API key over plain http to 127.1"),
    Row("env-url-backslash", ["list"], 2, "env TELNYX_BASE_URL: the base URL contains a backslash",
        env={"TELNYX_BASE_URL": "http://127.0.0.2:{port}\\@{hostport}/v2"}),
    Row("account-url-userinfo", ["list", "--account", "a"], 2, "account a: the base URL has userinfo",
        config="accounts:\n  a:\n    base_url: http://u@{hostport}/v2\n    api_key_env: K\n", env={"K": "k-123456789"}),
    Row("account-url-number", ["list", "--account", "a"], 3, "accounts.a.base_url must be text, found int",
        config="accounts:\n  a:\n    base_url: 123\n"),
    Row("default-account-list", ["list"], 3, "default_account must be the name of one account, found list",
        config="default_account: [a, b]\naccounts:\n  a:\n    timeout: 5\n"),
    Row("timeout-nan", ["list", "--timeout", "nan"], 2, "--timeout: expected a finite number of seconds, found nan"),
    Row("timeout-inf", ["list", "--timeout", "inf"], 2, "--timeout: expected a finite number of seconds, found inf"),
    Row("env-timeout-inf", ["list"], 2, "env MSGPROF_TIMEOUT: expected a finite number of seconds, found 'inf'",
        env={"MSGPROF_TIMEOUT": "inf"}),
    Row("env-timeout-huge", ["list"], 2, "env MSGPROF_TIMEOUT: must be between 0.1 and 3600", env={"MSGPROF_TIMEOUT": "1e9"}),
    Row("key-zero-width-space", ["list"], 4,
        "the API key from env TELNYX_API_KEY contains a character that cannot be sent (U+200B, position 5)",
        env={"TELNYX_API_KEY": "KEY-\u200bsecret-123"}),
    Row("key-newline", ["list"], 4, "the API key from env TELNYX_API_KEY contains a character that cannot be sent (U+000A",
        env={"TELNYX_API_KEY": "KEY-abc\nInjected: 1"}),
    Row("meta-total-pages-text", ["list", "--all"], 6, 'the API answered with meta.total_pages "abc", not a whole number',
        answer=(200, {"data": [], "meta": {"total_pages": "abc"}}), refused_before_sending=False),
    Row("meta-as-list", ["list"], 6, "the API answered with `meta` as list, not an object",
        answer=(200, {"data": [], "meta": [1, 2]}), refused_before_sending=False),
    Row("meta-total-results-float", ["list"], 6, "meta.total_results 1e+300",
        answer=(200, {"data": [], "meta": {"total_results": 1e300}}), refused_before_sending=False),
    Row("answer-nested-deep-list", ["list"], 6, "the API answered 200 with JSON nested more than 32 levels deep",
        answer=(200, DEEP), refused_before_sending=False),
    Row("answer-nested-deep-get", ["get", "x"], 6, "the API answered 200 with JSON nested more than 32 levels deep",
        answer=(200, DEEP), refused_before_sending=False),
    Row("answer-nested-deep-json", ["list", "--json"], 6, '"error": "unexpected_answer"',
        answer=(200, DEEP), refused_before_sending=False),
    Row("answer-nested-33", ["list"], 6, "nested more than 32 levels deep",
        answer=(200, b'{"data": [{"x": ' + b"[" * 31 + b"]" * 31 + b"}]}"), refused_before_sending=False),
    Row("answer-nan", ["list", "--json"], 6, "the API answered 200 with NaN, which is not JSON",
        answer=(200, b'{"data": [{"id": "a", "created_at": NaN}]}'), refused_before_sending=False),
    Row("answer-infinity", ["list"], 6, "with -Infinity, which is not JSON",
        answer=(200, b'{"data": [{"id": "a", "n": -Infinity}]}'), refused_before_sending=False),
    Row("answer-overflowing-number", ["list"], 6, "with the number 1e999, too large to read",
        answer=(200, b'{"data": [{"id": "a", "n": 1e999}]}'), refused_before_sending=False),
    Row("dry-run-url-password", ["create", "--name", "x", "--whitelist", "US", "--dry-run", "--base-url",
        "http://u:pw-SEKRIT@{hostport}/v2"], 2, "--base-url: the base URL has userinfo", hides="SEKRIT"),
    Row("dry-run-url-ftp", ["create", "--name", "x", "--whitelist", "US", "--dry-run", "--base-url", "ftp://x/v2"], 2,
        "--base-url: 'ftp://x/v2' is not an absolute http(s) URL"),
    Row("dry-run-url-lookalike-host", ["create", "--name", "x", "--whitelist", "US", "--dry-run", "--base-url",
        "http://127.0.0.1.evil/v2"], 4, "refusing to send the API key over plain http to 127.0.0.1.evil"),
    Row("dry-run-url-empty", ["create", "--name", "x", "--whitelist", "US", "--dry-run", "--base-url", ""], 2,
        "--base-url: '' is not an absolute http(s) URL"),
    Row("url-bad-port-password", ["list", "--base-url", "http://user:hunter2@127.0.0.1:+18765/v2"], 2,
        "--base-url: 'http://***@127.0.0.1:+18765/v2' is not a valid URL", hides="hunter2"),
    Row("env-url-bad-port-password", ["list", "--json"], 2, "'http://***@127.0.0.1:+18765/v2' is not a valid URL",
        env={"TELNYX_BASE_URL": "http://user:hunter2@127.0.0.1:+18765/v2"}, hides="hunter2"),
    Row("url-no-scheme-password", ["list", "--base-url", "user:hunter2@127.0.0.1/v2"], 2, "'***@127.0.0.1/v2'",
        hides="hunter2"),
    Row("config-duplicate-key", ["list", "--account", "a"], 3,
        "config.yaml: line 4: the key 'timeout' is given twice (first on line 3)",
        config="accounts:\n  a:\n    timeout: 5\n    timeout: 6\n"),
    Row("config-duplicate-account", ["list", "--account", "a"], 3, "line 5: the key 'a' is given twice (first on line 2)",
        config="accounts:\n  a:\n    timeout: 5\n\n  a:\n    timeout: 6\n"),
    Row("arg-surrogate-ref", ["get", "a\udcff"], 2, "ID|NAME: not valid UTF-8 text (a byte that cannot be read at character 2)"),
    Row("arg-replacement-name", ["create", "--name", "a\ufffd", "--whitelist", "US"], 2,
        "--name: not valid UTF-8 text"),
    Row("arg-surrogate-option", ["list", "--name-contains", "\udcffx", "--json"], 2, "--name-contains: not valid UTF-8"),
    Row("number-list-too-large", ["numbers", "assign", "x", "-f", "/dev/zero"], 3,
        "/dev/zero: larger than the 16 MiB limit for a number list"),
    Row("error-pointer-number", ["create", "--name", "x", "--whitelist", "US"], 5, "(field 5)",
        answer=(422, {"errors": [{"code": "10015", "title": "Invalid", "source": {"pointer": 5}}]}),
        refused_before_sending=False),
    Row("error-source-list", ["create", "--name", "x", "--whitelist", "US"], 5, "[10015] Invalid",
        answer=(422, {"errors": [{"code": 10015, "title": "Invalid", "source": ["x"]}]}), refused_before_sending=False),
]


def fill(text: str, url: str) -> str:
    hostport = url.split("/")[2]
    return text.format(url=url, hostport=hostport, port=hostport.split(":")[1])


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_hostile_input_gets_a_clean_documented_exit(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, row: Row) -> None:
    status, body = row.answer or (200, {"data": []})
    with Canned(status, body if isinstance(body, bytes) else json.dumps(body).encode()) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        for k, v in row.env.items():
            monkeypatch.setenv(k, fill(v, server.url))
        if row.config is not None:  # the account's settings, not the environment's, are under test
            monkeypatch.delenv("TELNYX_BASE_URL")
            cfg = tmp_path / "config.yaml"
            cfg.write_text(fill(row.config, server.url))
            os.chmod(cfg, 0o600)
            monkeypatch.setenv("MSGPROF_CONFIG", str(cfg))
        res = cli(*[fill(a, server.url) for a in row.args], "--max-retries", "0")
    assert res.exit_code == row.exit, res.stderr
    assert row.says in res.stderr
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr and res.stdout == ""
    assert TEST_KEY not in res.stderr
    if row.hides:
        assert row.hides not in res.stderr + res.stdout
    if row.refused_before_sending:
        assert server.hits == []


URL_PIECES = st.lists(
    st.sampled_from(
        ["http://", "https://", "HTTP://", "127.0.0.1", "127.0.0.2", "localhost", "[::1]", "example.invalid", "\\", "@",
         ":", ":80", "/", "/v2", "%2e", "%40", "?", "#", "user", " ", "\t", ".", "[", "]", "0x7f.1", "127.1", "::1"]
    ),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(url=st.one_of(URL_PIECES, st.text(max_size=40).map(lambda t: "http://" + t)))
def test_any_accepted_plain_http_url_goes_to_loopback(url: str) -> None:
    """The policy's promise, on generated URLs: if it accepts plain http, urllib3's host is loopback."""
    try:
        checked = check_base_url(url, "--base-url", parse_url)
    except (UsageError, CredentialsError):
        return
    parts = parse_url(checked)
    assert parts.scheme in ("http", "https") and parts.host and parts.auth is None
    if parts.scheme == "http":
        assert is_loopback(parts.host)


def test_key_command_gives_its_first_line_and_leaves_nothing_running(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    key = run_key_command(f"sh -c 'sleep 100 & echo $! > {pidfile}; printf \"KEY-1\\nmore\\n\"'", "cmd", timeout=10)
    assert key == "KEY-1"
    pid = int(pidfile.read_text())
    assert stops(pid)  # killed with its process group


def stops(pid: int) -> bool:
    """True once the process is dead (gone or a zombie); a SIGKILL lands at its next schedule."""
    import time

    stat = Path(f"/proc/{pid}/stat")
    for _ in range(200):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.01)
    return False


def test_key_command_that_gives_no_line_in_time_is_stopped() -> None:
    with pytest.raises(CredentialsError, match="cmd gave no line within 0.2s; it was stopped"):
        run_key_command("sleep 30", "cmd", timeout=0.2)


def test_key_command_that_fails_says_its_exit_code_not_its_output() -> None:
    with pytest.raises(CredentialsError) as err:
        run_key_command("sh -c 'echo SECRET-KEY; exit 3'", "cmd", timeout=10)
    assert err.value.message == "cmd exited 3"


def test_key_command_without_newline_reads_to_eof() -> None:
    assert run_key_command("printf KEY-2", "cmd", timeout=10) == "KEY-2"


def test_account_key_command_with_a_background_child_is_used_at_once(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from msgprof_cli.sandbox.server import Sandbox

    pidfile = tmp_path / "pid"
    cfg = tmp_path / "config.yaml"
    command = f"sh -c 'sleep 100 & echo $! > {pidfile}; echo {TEST_KEY}'"
    cfg.write_text(f"accounts:\n  a:\n    base_url: URL\n    api_key_command: {json.dumps(command)}\n")
    with Sandbox("127.0.0.1", 0, api_key=TEST_KEY) as sb:
        cfg.write_text(cfg.read_text().replace("URL", sb.url))
        monkeypatch.setenv("MSGPROF_CONFIG", str(cfg))
        res = cli("list", "--account", "a", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == [] and TEST_KEY not in res.stderr
    assert stops(int(pidfile.read_text()))


def test_any_key_any_config_value_gets_a_documented_exit(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Through the command line: generated keys and config values never crash msgprof (exit 1),
    and the key is never printed."""
    values = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.lists(st.integers(), max_size=3)
    )
    with Canned(200, json.dumps({"data": [], "meta": {"total_pages": 1}}).encode()) as server:
        monkeypatch.delenv("TELNYX_BASE_URL", raising=False)
        cfg = tmp_path / "config.yaml"
        monkeypatch.setenv("MSGPROF_CONFIG", str(cfg))

        @settings(max_examples=60, deadline=None, derandomize=True)
        @given(key=st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=1, max_size=40), key_name=st.sampled_from(["base_url", "timeout", "max_retries"]),
               value=values)
        def run(key: str, key_name: str, value: object) -> None:
            account = {"base_url": server.url, "api_key_env": "K", key_name: value}
            cfg.write_text(json.dumps({"default_account": "a", "accounts": {"a": account}}))
            os.chmod(cfg, 0o600)
            monkeypatch.setenv("K", key)
            res = cli("list", "--max-retries", "0", "--json")
            assert res.exit_code in (0, 2, 3, 4, 6), res.stderr
            assert "Traceback" not in res.stderr and "internal error" not in res.stderr
            shown = key.strip()
            # a short key, or one made of letters only, could be any word of a message ("issues")
            if len(shown) >= 6 and not re.fullmatch(r"[A-Za-z_ ]+", shown):
                assert shown not in res.stdout + res.stderr

        run()


JSON_PIECES = st.lists(
    st.sampled_from(["[", "]", "{", "}", '"a"', ":", ",", "1", "1e999", "-1e400", "NaN", "Infinity", "-Infinity",
                     "null", "true", '"\\ud800"', "0.5", " "]),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(JSON_PIECES, st.integers(0, 200).map(lambda n: "[" * n + "]" * n)))
def test_a_parsed_answer_is_strict_json_within_the_depth_limit(text: str) -> None:
    """Whatever the API sends, parsing never raises, and what it accepts prints back as strict JSON."""
    from msgprof_cli.api.client import MAX_DEPTH, _deeper_than, parse_json

    value, problem = parse_json(text.encode())
    if value is not None:
        assert problem is None
        json.dumps(value, allow_nan=False)  # raises on NaN or Infinity
        assert not _deeper_than(value, MAX_DEPTH)
    if text.startswith("[" * (MAX_DEPTH + 1)) and text.endswith("]" * (MAX_DEPTH + 1)) and set(text) == {"[", "]"}:
        assert problem == f"JSON nested more than {MAX_DEPTH} levels deep"


def test_nesting_up_to_the_limit_is_read() -> None:
    from msgprof_cli.api.client import MAX_DEPTH, parse_json

    value, problem = parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert problem is None and value is not None


KEY_FILES = [
    ("not-utf8", b"\xff\xfesk", "is not UTF-8 text (byte 1)"),
    ("too-large", b"K" * 5000, "is larger than 4 KiB; an API key is far shorter"),
    ("leading-newline", b"\nKEY-abc", "contains a character that cannot be sent (U+000A, position 1)"),
    ("inner-newline", b"KEY-a\nbc\n", "contains a character that cannot be sent (U+000A, position 6)"),
    ("two-trailing-newlines", b"KEY-abc\n\n", "(U+000A, position 8)"),
    ("trailing-space", b"KEY-abc \n", "(U+0020, position 8)"),
]


@pytest.mark.parametrize("content,says", [(c, s) for _, c, s in KEY_FILES], ids=[i for i, _, _ in KEY_FILES])
def test_a_bad_key_file_is_exit_4_naming_the_file(cli, tmp_path: Path, content: bytes, says: str) -> None:
    key_file = tmp_path / "k4"
    key_file.write_bytes(content)
    os.chmod(key_file, 0o600)
    with Canned(200, b'{"data": []}') as server:
        res = cli("list", "--api-key-file", str(key_file), "--base-url", server.url)
    assert res.exit_code == 4, res.stderr
    assert says in res.stderr and str(key_file) in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == "" and server.hits == []


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
def test_one_line_ending_at_the_end_of_a_key_file_is_dropped(cli, tmp_path: Path, ending: bytes) -> None:
    key_file = tmp_path / "k"
    key_file.write_bytes(TEST_KEY.encode() + ending)
    os.chmod(key_file, 0o600)
    seen: list[tuple[str, str]] = []
    with Canned(200, b'{"data": []}') as server:
        res = cli("list", "--api-key-file", str(key_file), "--base-url", server.url, "--debug")
        seen = server.hits
    assert res.exit_code == 0, res.stderr
    assert len(seen) == 1


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=40) | st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20).map(
    lambda t: (t + "\n").encode()))
def test_a_key_file_gives_its_one_line_exactly_or_exit_4(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    """The promise: a key from a file is its bytes as text minus one line ending, printable ASCII, or refused."""
    from msgprof_cli.settings import Setting, Settings, read_key_file

    path = tmp_path_factory.mktemp("k") / "key"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    none = Setting(None, "default")
    s = Settings(none, none, none, none, none, f"--api-key-file {path}", lambda: read_key_file(str(path))[0])
    try:
        key = s.api_key()
    except CredentialsError as exc:
        assert str(path) in exc.message
        return
    text = data.decode()
    assert key and text in (key, key + "\n", key + "\r\n")
    assert all(0x21 <= ord(c) <= 0x7E for c in key)


def test_a_dry_run_needs_no_key_but_applies_the_url_policy(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    ok = cli("create", "--name", "x", "--whitelist", "US", "--dry-run", "--base-url", "http://127.0.0.1:9/v2")
    bad = cli("create", "--name", "x", "--whitelist", "US", "--dry-run", "--base-url", "http://u:SEKRIT@127.0.0.1/v2")
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.startswith("POST http://127.0.0.1:9/v2/messaging_profiles\n")
    assert bad.exit_code == 2 and bad.stdout == "" and "SEKRIT" not in bad.stderr


def test_undecodable_bytes_on_the_real_command_line_are_exit_2() -> None:
    """Through a real process: the shell's bytes a\\xff reach Python as a lone surrogate."""
    from conftest import run_msgprof

    done = run_msgprof("get", "a\udcff", env={"TELNYX_API_KEY": TEST_KEY, "TELNYX_BASE_URL": "http://127.0.0.1:9/v2"})
    assert done.returncode == 2, done.stderr
    assert "ID|NAME: not valid UTF-8 text" in done.stderr and "Traceback" not in done.stderr
