"""One command style, one exit table, one preview, one pipeline (issue 19) and the setup promises
of issue 20 that ride on them: plan = request for nested defaults, bounded waits, validate = plan
for setup sections, and Ctrl-C during apply's setup phase."""

from __future__ import annotations

import ast
import http.client
import inspect
import json
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, TEST_KEY, Cli, Faults, Sandbox, make_sandbox, record_output
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.errors import EXIT_CODES, ExitStatus, MsgprofError

PACKAGE = ROOT / "msgprof_cli"
NUMBERS = [f"+1415555{i:04d}" for i in range(300)]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --------------------------------------------------------------------------- one exit table


def test_the_docs_exit_table_is_the_enum_word_for_word() -> None:
    text = (ROOT / "docs" / "usage.md").read_text()
    table = {int(k): v for k, v in re.findall(r"^\| (\d+) \| (.+) \|$", text, flags=re.M)}
    assert table == {int(s): s.description for s in ExitStatus}
    assert EXIT_CODES == table
    assert ExitStatus(9).description == "doctor: at least one check failed"


def test_every_error_class_takes_its_code_from_the_enum() -> None:
    def subclasses(cls: type[MsgprofError]) -> list[type[MsgprofError]]:
        return [cls] + [s for c in cls.__subclasses__() for s in subclasses(c)]

    for cls in subclasses(MsgprofError):
        assert int(cls.exit_code) in {int(s) for s in ExitStatus}, cls


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == name
    ]


def test_no_code_outside_the_enum_writes_an_exit_number() -> None:
    """``typer.Exit(3)`` or ``exit_code = 5`` anywhere but errors.py would be a second table."""
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for call in _calls(tree, "Exit"):
            for arg in call.args:
                assert not isinstance(arg, ast.Constant), f"{path}: typer.Exit({arg.value!r})"
        if path.name == "errors.py" or "sandbox" in path.parts:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, (ast.Name, ast.Attribute)) and getattr(t, "attr", getattr(t, "id", "")) == "exit_code"
                for t in node.targets
            ):
                assert not isinstance(node.value, ast.Constant), f"{path}:{node.lineno}"


# --------------------------------------------------------------------------- one command style


def _leaf_commands() -> list[tuple[str, Any]]:
    from typer.main import get_command

    from msgprof_cli.cli import build_app

    group = get_command(build_app())
    out = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        for sub_name, sub in (subs or {name: cmd}).items():
            out.append((f"{name} {sub_name}" if subs else name, sub.callback))
    return out


def test_every_command_is_a_module_level_function_with_typed_options() -> None:
    commands = _leaf_commands()
    assert len(commands) >= 25
    for name, callback in commands:
        fn = inspect.unwrap(callback)
        assert "<locals>" not in fn.__qualname__, f"{name} is a closure: {fn.__qualname__}"
        params = inspect.signature(fn).parameters.values()
        assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params), f"{name} takes **opts"
        assert getattr(sys.modules[fn.__module__], fn.__name__, None) is not None, name


def test_create_and_update_receive_their_flags_as_one_typed_object() -> None:
    from msgprof_cli.cli.profiles import ProfileInput, create, update

    for fn in (create, update):
        sig = inspect.signature(inspect.unwrap(fn))
        assert sig.parameters["given"].annotation in (ProfileInput, "ProfileInput")


def test_declarative_commands_are_thin_the_pipeline_lives_in_declarative() -> None:
    tree = ast.parse((PACKAGE / "cli" / "declarative.py").read_text())
    imported = {
        f"{n.module}.{a.name}" if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    assert "msgprof_cli.declarative.pipeline" in imported
    assert not any(i.startswith(("msgprof_cli.declarative.setup_plan", "msgprof_cli.api.setup")) for i in imported)
    pipeline = (PACKAGE / "declarative" / "pipeline.py").read_text()
    assert ": Any" not in pipeline and "Sequence[Any]" not in pipeline


# --------------------------------------------------------------------------- one preview


DRY_RUNS = [
    ["create", "--name", "A", "--whitelist", "US", "--dry-run"],
    ["numbers", "assign", "P", "+15550100001", "--dry-run"],
    ["numbers", "unassign", "+15550100001", "--dry-run"],
    ["sender-ids", "add", "P", "ACME", "--dry-run"],
    ["sender-ids", "remove", "P", "ACME", "--dry-run"],
    ["autoresp", "create", "P", "--op", "stop", "-k", "STOP", "--country", "US", "--dry-run"],
    ["autoresp", "update", "P", "C1", "--text", "bye", "--dry-run"],
    ["autoresp", "delete", "P", "C1", "--dry-run"],
]


@pytest.mark.parametrize("args", DRY_RUNS, ids=lambda a: " ".join(a[:2]))
def test_every_dry_run_applies_the_url_policy(cli: Cli, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", "https://user:pw-SECRET-beef@api.example.com/v2")
    res = cli(*args)
    assert res.exit_code == 2, res.stderr
    assert res.stdout == ""
    assert "pw-SECRET" not in res.stderr and "userinfo" in res.stderr


@pytest.mark.parametrize("args", DRY_RUNS, ids=lambda a: " ".join(a[:2]))
def test_every_dry_run_prints_the_policy_url(cli: Cli, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", "https://api.example.com/v2/")
    res = cli(*args, "--json")
    assert res.exit_code == 0, res.stderr
    shown = json.loads(res.stdout)
    for request in shown if isinstance(shown, list) else [shown]:
        assert request["url"].startswith("https://api.example.com/v2/") and "//" not in request["url"][8:]
        assert request["headers"]["Authorization"] == "Bearer <redacted>"
    assert res.stderr == "msgprof: dry run: nothing was sent\n"


# --------------------------------------------------------------------------- bounded waits


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e12", "-inf", "86401"])
@pytest.mark.parametrize("command", [["apply", "-f", "x.yaml"], ["numbers", "assign", "P", "+15550100001"]])
def test_wait_refuses_what_is_not_a_wait(cli: Cli, command: list[str], value: str) -> None:
    res = cli(*command, "--wait", value)
    assert res.exit_code == 2, res.stderr
    assert "--wait" in res.stderr and res.stdout == ""


def test_numbers_still_pending_exit_6_in_numbers_assign_and_in_apply(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_clock: Any
) -> None:
    box = make_sandbox(monkeypatch, numbers=NUMBERS, order_polls=1000)
    try:
        assert cli("create", "--name", "Waits", "--whitelist", "US").exit_code == 0
        res = cli("numbers", "assign", "Waits", *NUMBERS[:7], "--wait", "0", "--json")
        assert res.exit_code == 6, res.stderr
        assert "still pending" in res.stderr
        assert "pending" in {i["result"] for i in json.loads(res.stdout)["items"]}
        listed = "".join(f"  - '{n}'\n" for n in NUMBERS[10:17])
        f = write(tmp_path, "w.yaml", f"name: Waits2\nwhitelisted_destinations: [US]\nphone_numbers:\n{listed}")
        res = cli("apply", "-f", f, "--wait", "0", "--json")
        assert res.exit_code == 6, res.stderr
        item = json.loads(res.stdout)["items"][0]
        assert item["status"] == "failed" and item["error"]["exit_code"] == 6
        assert "failed" in {c["result"] for c in item["setup"]}
    finally:
        box.stop()


# --------------------------------------------------------------------------- validate = plan


def test_a_number_listed_by_two_profiles_is_exit_3_in_validate_as_in_plan(cli: Cli, tmp_path: Path, sandbox: Sandbox) -> None:
    a = write(tmp_path, "a.yaml", "name: A\nwhitelisted_destinations: [US]\nphone_numbers: ['+15550100001']\n")
    b = write(tmp_path, "b.yaml", "name: B\nwhitelisted_destinations: [US]\nphone_numbers: ['+15550100001']\n")
    for args in (["validate", a, b], ["plan", "-f", a, "-f", b]):
        res = cli(*args)
        assert res.exit_code == 3, (args, res.stderr)
        assert "+15550100001 is listed by the profiles 'A' and 'B'" in res.stderr
        assert "b.yaml" in res.stderr
    res = cli("validate", a, b, "--json")
    results = json.loads(res.stdout)["results"]
    assert [r["valid"] for r in results] == [True, False]
    assert results[1]["errors"][0]["field"] == "phone_numbers[0]"
    assert not sandbox.writes()


@pytest.mark.parametrize(("env", "ok"), [({}, True), ({"MOVE": "true"}, True), ({"MOVE": "false"}, True), ({"MOVE": "yes please"}, False)])
def test_a_whole_value_reference_gives_move_its_boolean_type(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], ok: bool
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    f = write(
        tmp_path, "m.yaml", "name: M\nwhitelisted_destinations: [US]\nphone_numbers:\n  - {number: '+15550100001', move: ${MOVE:-false}}\n"
    )
    res = cli("validate", f)
    assert (res.exit_code == 0) is ok, res.stderr
    if not ok:
        assert "phone_numbers[0].move" in res.stderr and "expected true or false" in res.stderr


def test_every_setup_problem_of_a_run_is_reported_at_once(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_sandbox(monkeypatch, numbers=NUMBERS[:3])
    try:
        other = json.loads(cli("create", "--name", "Other", "--whitelist", "US", "--json").stdout)["id"]
        assert cli("numbers", "assign", other, NUMBERS[0]).exit_code == 0
        before = len(box.writes())
        f = write(
            tmp_path,
            "s.yaml",
            f"name: S\nwhitelisted_destinations: [US]\nphone_numbers: ['{NUMBERS[0]}', '+19995550001', '+19995550002']\n",
        )
        text = cli("plan", "-f", f)
        assert text.exit_code == 5, text.stderr
        out = text.stdout + text.stderr
        for fragment in (NUMBERS[0], "+19995550001", "+19995550002", "3 setup problems"):
            assert fragment in out, fragment
        assert "more setup problems" not in out
        report = json.loads(cli("plan", "-f", f, "--json").stdout)
        message = report["items"][0]["error"]["message"]
        assert all(n in message for n in (NUMBERS[0], "+19995550001", "+19995550002"))
        assert box.writes()[before:] == []
    finally:
        box.stop()


# --------------------------------------------------------------------------- Ctrl-C in the setup phase


def _apply_interrupted_at_the_first_sender_id(sb: Sandbox, f: str, *args: str) -> tuple[int, str, str]:
    """A real `msgprof apply -f F ARGS` sent SIGINT once its setup phase has sent a sender ID:
    (exit code, stdout, stderr)."""
    env = {**__import__("os").environ, "TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", "apply", "-f", f, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30  # a safety stop, not a timing: wait for the setup phase
    while not any(r.path.endswith("/alphanumeric_sender_ids") and r.method == "POST" for r in sb.received):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    record_output(out + err)
    return proc.returncode, out, err


def test_ctrl_c_during_the_setup_phase_gives_the_report_and_130(tmp_path: Path) -> None:
    senders = "".join(f"  - ACME{i}\n" for i in range(8))
    f = write(tmp_path, "c.yaml", f"name: CtrlC\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids:\n{senders}")
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=300)) as sb:
        code, out, err = _apply_interrupted_at_the_first_sender_id(sb, f, "--json")
    assert code == 130, err
    item = json.loads(out)["items"][0]
    assert item["status"] == "failed" and item["error"]["error"] == "interrupted"
    assert "setup" in item["error"]["message"]
    results = [c["result"] for c in item["setup"]]
    assert "failed" in results and None not in results
    assert "Traceback" not in err


def test_ctrl_c_during_the_setup_phase_in_text_says_what_was_not_done(tmp_path: Path) -> None:
    senders = "".join(f"  - ACME{i}\n" for i in range(8))
    f = write(tmp_path, "c.yaml", f"name: CtrlT\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids:\n{senders}")
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=300)) as sb:
        code, out, err = _apply_interrupted_at_the_first_sender_id(sb, f)
    assert code == 130, err
    assert "interrupted: 1 of 1 profiles were not done" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- plan = request (nested defaults)


class OmittingProxy:
    """A proxy on 127.0.0.1 in front of the sandbox that answers as a terse API does: every
    nested field at its documented default (``sticky_sender``/``geomatch`` false) and every null
    field of a record is left out.  It records every write msgprof sends."""

    def __init__(self, upstream: str, refuse: Any = None) -> None:
        """``refuse(method, path)``: a status to answer instead of forwarding (None: forward)."""
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.writes: list[tuple[str, str, Any]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 64 * 1024

            def log_message(self, *a: Any) -> None:
                pass

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command != "GET":
                    proxy.writes.append((self.command, self.path, json.loads(body) if body else None))
                status = refuse(self.command, self.path) if refuse is not None else None
                if status is not None:
                    refused = json.dumps({"errors": [{"code": "10015", "title": "Refused", "detail": "scripted"}]})
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(refused)))
                    self.end_headers()
                    self.wfile.write(refused.encode())
                    self.wfile.flush()
                    return
                conn = http.client.HTTPConnection(proxy.host, proxy.port, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                conn.close()
                try:
                    raw = json.dumps(omit(json.loads(raw))).encode()
                except ValueError:
                    pass
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                self.wfile.flush()

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward  # noqa: N815 - the stdlib's names

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v2"

    def __enter__(self) -> OmittingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def omit(body: Any) -> Any:
    def record(r: Any) -> Any:
        if not isinstance(r, dict):
            return r
        from msgprof_cli.document.rules import RULES_BY_NAME

        out = {k: v for k, v in r.items() if v is not None}
        # every field at its documented default is left out, top-level and nested alike
        out = {k: v for k, v in out.items() if k not in RULES_BY_NAME or RULES_BY_NAME[k].default != v}
        pool = out.get("number_pool_settings")
        if isinstance(pool, dict):
            out["number_pool_settings"] = {k: v for k, v in pool.items() if not (k in ("sticky_sender", "geomatch") and v is False)}
        return out

    if isinstance(body, dict) and "data" in body:
        data = body["data"]
        body = {**body, "data": [record(r) for r in data] if isinstance(data, list) else record(data)}
    return body


POOL = st.fixed_dictionaries(
    {
        "long_code_weight": st.integers(0, 5),
        "toll_free_weight": st.integers(0, 5),
        "skip_unhealthy": st.booleans(),
    },
    optional={"sticky_sender": st.booleans(), "geomatch": st.booleans()},
)
SHORTENER = st.fixed_dictionaries(
    {"domain": st.sampled_from(["acct.fyi", "telnyx.link"])},
    optional={"prefix": st.sampled_from(["", "acme"]), "replace_blacklist_only": st.booleans(), "send_webhooks": st.booleans()},
)
SENDERS = st.lists(
    st.tuples(st.sampled_from(["ACME", "Shop", "Alerts", "Info"]), st.sampled_from([None, "+15125550100", "+12025550199"])),
    max_size=3,
    unique_by=lambda t: t[0],
)
AUTORESP = st.lists(
    st.tuples(st.sampled_from(["US", "CA"]), st.sampled_from(["stop", "start"]), st.sampled_from([None, "", "Bye."])),
    max_size=2,
    unique_by=lambda t: (t[0], t[1]),
)


def _document(name: str, parts: Any, numbers: list[str]) -> str:
    pool, shortener, senders, autoresp = parts
    doc: dict[str, Any] = {"name": name, "whitelisted_destinations": ["US"]}
    if pool is not None:
        doc["number_pool_settings"] = pool
    if shortener is not None:
        doc["url_shortener_settings"] = shortener
    doc["phone_numbers"] = numbers
    doc["alphanumeric_sender_ids"] = [
        {"sender_id": s, "us_long_code_fallback": f} if f else s for s, f in senders
    ]
    doc["autoresp_configs"] = [
        {"country_code": c, "op": op, "keywords": [op.upper()], **({"resp_text": t} if t is not None else {})}
        for c, op, t in autoresp
    ]
    return json.dumps(doc)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.tuples(st.none() | POOL, st.none() | SHORTENER, SENDERS, AUTORESP),
    second=st.tuples(st.none() | POOL, st.none() | SHORTENER, SENDERS, AUTORESP),
)
def test_plan_is_the_request_and_a_second_apply_sends_nothing_against_a_terse_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: Any, second: Any
) -> None:
    """Whatever nested objects and setup records two documents hold: after the first apply, plan
    of the second lists exactly the fields its PATCH carries, and after applying it a further apply
    sends no write, though the API leaves out every field at its default."""
    cli = Cli()
    name = "Terse"  # a new sandbox for every example
    with Sandbox("127.0.0.1", 0, numbers=NUMBERS[:6], order_polls=0) as sb, OmittingProxy(sb.url) as proxy:
        monkeypatch.setenv("TELNYX_BASE_URL", proxy.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        f1 = write(tmp_path, "one.json", _document(name, first, NUMBERS[:2]))
        f2 = write(tmp_path, "two.json", _document(name, second, NUMBERS[1:4]))
        assert cli("apply", "-f", f1).exit_code == 0
        planned = json.loads(cli("plan", "-f", f2, "--json").stdout)["items"][0]
        proxy.writes.clear()
        assert cli("apply", "-f", f2).exit_code == 0
        patches = [body for method, path, body in proxy.writes if method == "PATCH" and "/messaging_profiles/" in path]
        fields = {c["field"].split(".")[0] for c in planned["changes"]}
        assert fields == (set(patches[0]) if patches else set()), (planned["changes"], patches)
        for change in planned["changes"]:
            top, _, child = change["field"].partition(".")
            assert (patches[0][top][child] if child else patches[0][top]) == change["new"], change
        assert bool(planned["setup"]) == any(p for m, p, _ in proxy.writes if "/messaging_profiles/" not in p or "autoresp" in p)
        proxy.writes.clear()
        again = json.loads(cli("plan", "-f", f2, "--json").stdout)["items"][0]
        assert again["action"] == "unchanged" and again["setup"] == [], again
        assert cli("apply", "-f", f2).exit_code == 0
        assert proxy.writes == []


def test_a_live_pool_without_sticky_sender_converges(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finding: a pool answered without sticky_sender/geomatch was planned null -> false and
    PATCHed on every apply."""
    with Sandbox("127.0.0.1", 0) as sb, OmittingProxy(sb.url) as proxy:
        monkeypatch.setenv("TELNYX_BASE_URL", proxy.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        pool = "{long_code_weight: 1, toll_free_weight: 2, skip_unhealthy: true, sticky_sender: false, geomatch: false}"
        f = write(tmp_path, "p.yaml", f"name: Pool\nwhitelisted_destinations: [US]\nnumber_pool_settings: {pool}\n")
        assert cli("apply", "-f", f).exit_code == 0
        proxy.writes.clear()
        res = cli("plan", "-f", f, "--detailed-exitcode")
        assert res.exit_code == 0, res.stdout
        assert cli("apply", "-f", f).exit_code == 0
        assert proxy.writes == []


DEFAULTED = ["enabled", "mms_fall_back_to_sms", "mms_transcoding", "mobile_only", "smart_encoding", "redaction_enabled"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.fixed_dictionaries({}, optional={f: st.booleans() for f in DEFAULTED}),
    level=st.none() | st.sampled_from([1, 2]),
    version=st.none() | st.sampled_from(["1", "2"]),
)
def test_a_top_level_field_the_api_leaves_out_is_its_documented_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, values: dict[str, bool], level: Any, version: Any
) -> None:
    """The hostile probe's finding: a server that leaves out `enabled: true` (or any field at its
    documented default) made every apply PATCH again.  Whatever the document says of those fields,
    after one apply, plan is unchanged and apply sends nothing."""
    cli = Cli()
    doc = {"name": "Terse", "whitelisted_destinations": ["US"], **values}
    doc |= {"redaction_level": level} if level is not None else {}
    doc |= {"webhook_api_version": version} if version is not None else {}
    with Sandbox("127.0.0.1", 0) as sb, OmittingProxy(sb.url) as proxy:
        monkeypatch.setenv("TELNYX_BASE_URL", proxy.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        f = write(tmp_path, "t.json", json.dumps(doc))
        assert cli("apply", "-f", f).exit_code == 0
        proxy.writes.clear()
        res = cli("plan", "-f", f, "--detailed-exitcode")
        assert res.exit_code == 0, res.stdout
        assert cli("apply", "-f", f).exit_code == 0
        assert proxy.writes == []


# --------------------------------------------------------------------------- the long-function rule


def test_no_function_is_over_50_lines_without_a_comment_saying_why() -> None:
    """docs/development.md: a function over 50 lines says why in a comment at its top (in its
    signature or its first lines)."""
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            assert node.end_lineno is not None
            if node.end_lineno - node.lineno + 1 <= 50:
                continue
            first = node.body[0].lineno if not isinstance(node.body[0], ast.Expr) else node.body[0].end_lineno or 0
            top = lines[node.lineno - 1 : first + 3]
            assert any("#" in line and re.search(r"\b(long|longer|lines|over 50)\b", line, re.I) for line in top), (
                f"{path}:{node.lineno} {node.name} is {node.end_lineno - node.lineno + 1} lines without a comment saying why"
            )


# --------------------------------------------------------------------------- the layout table


def test_the_layout_table_says_what_the_layers_contract_allows() -> None:
    """docs/architecture.md's Layout table: each package, its job, and what it may import, as the
    import-linter layers contract in pyproject.toml has it."""
    # read with a regular expression: tomllib is not in Python 3.10, which msgprof supports
    block = re.search(r'id = "layers"\n.*?layers = \[(.*?)\]', (ROOT / "pyproject.toml").read_text(), re.S)
    assert block is not None
    layers = [
        [m.strip().removeprefix("msgprof_cli.") for m in layer.split("|")]
        for layer in re.findall(r'"([^"]+)"', block.group(1))
    ]
    everything = {m for layer in layers for m in layer}
    text = (ROOT / "docs" / "architecture.md").read_text().split("## Layout", 1)[1]
    rows = {
        cells[0].strip("`").removesuffix("/").removesuffix(".py"): cells[2]
        for line in text.splitlines()
        if line.startswith("| `") and len(cells := [c.strip() for c in line.strip("|").split("|")]) == 3
    }
    assert set(rows) == everything
    for depth, layer in enumerate(layers):
        below = {m for lower in layers[depth + 1 :] for m in lower}
        for module in layer:
            named = {n.removesuffix("/") for n in re.findall(r"`([a-z_]+/?)`", rows[module])} & everything
            assert named == below, (module, sorted(named ^ below))


def test_one_error_for_every_problem_keeps_the_worst_kind_whatever_its_constructor() -> None:
    """Setup problems of every kind (a NetworkError takes more than a message) become one error
    of the worst kind, with every message: never a crash (exit 1) while reporting."""
    from msgprof_cli.declarative.pipeline import all_at_once
    from msgprof_cli.errors import ApiError, CreateUnknown, NetworkError

    kinds = [
        ApiError("refused", hint="fix it"),
        NetworkError("no answer", maybe_sent=True, reason="timeout", hint="try again"),
        CreateUnknown("maybe made", name="ACME"),
    ]
    for n in range(1, len(kinds) + 1):
        errors = kinds[:n]
        one = all_at_once(errors, f"{n} setup problems" if n > 1 else "")
        assert one.exit_code == max(e.exit_code for e in errors)
        assert all(e.message in one.message for e in errors)
        assert one.to_dict()["exit_code"] == int(one.exit_code)
    assert kinds[0].message == "refused"  # the originals are left as they were


POOL_NUMBERS = NUMBERS[:4] + ["+1415555", "14155550009", "+1 415 555 0003"]  # the last three are invalid
ENTRY = st.one_of(
    st.sampled_from(POOL_NUMBERS),
    st.builds(lambda n, m: {"number": n, "move": m}, st.sampled_from(POOL_NUMBERS), st.sampled_from([True, "${MOVE:-false}", "maybe"])),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(st.lists(ENTRY, max_size=3), min_size=1, max_size=3), move=st.sampled_from([None, "true", "nope"]))
def test_validate_refuses_exactly_what_plan_refuses_as_invalid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docs: list[list[Any]], move: str | None
) -> None:
    """validate = plan for setup sections: over generated document sets (numbers shared between
    profiles, listed twice, malformed, `move` from a variable or not a boolean), validate exits 3
    exactly when plan does, and names the same problems."""
    if move is None:
        monkeypatch.delenv("MOVE", raising=False)
    else:
        monkeypatch.setenv("MOVE", move)
    folder = tmp_path / f"set{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for i, entries in enumerate(docs):
        doc = {"name": f"V{i}", "whitelisted_destinations": ["US"], "phone_numbers": entries}
        (folder / f"v{i}.json").write_text(json.dumps(doc))
    cli = Cli()
    with Sandbox("127.0.0.1", 0, numbers=NUMBERS[:4]) as sb:
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        checked = cli("validate", str(folder), "--json")
        planned = cli("plan", "-f", str(folder), "--json")
        assert (checked.exit_code == 3) == (planned.exit_code == 3), (checked.stdout, planned.stderr)
        if checked.exit_code == 3:
            problems = {e["message"] for r in json.loads(checked.stdout)["results"] for e in r["errors"]}
            reported = {i["message"] for i in json.loads(planned.stderr)["issues"]}
            assert problems == reported
            assert not sb.writes() and not [r for r in sb.received if r.method == "GET"]


def test_the_setup_of_a_profile_that_failed_says_it_was_not_sent(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A create that the API refuses sends none of its setup, and each setup line says why."""

    def refuse(method: str, path: str) -> int | None:
        return 422 if method == "POST" and path.endswith("/messaging_profiles") else None

    with Sandbox("127.0.0.1", 0) as sb, OmittingProxy(sb.url, refuse) as proxy:
        monkeypatch.setenv("TELNYX_BASE_URL", proxy.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        f = write(tmp_path, "f.yaml", "name: Fails\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: [ACME]\n")
        res = cli("apply", "-f", f, "--json")
        assert res.exit_code == 5, res.stderr
        item = json.loads(res.stdout)["items"][0]
        assert item["status"] == "failed"
        assert item["setup"] and all(c["result"] is None for c in item["setup"])
        assert all(c["error"] == "not sent: the profile was not created" for c in item["setup"])
        assert [m for m, _, _ in proxy.writes] == ["POST"]


def test_ctrl_c_during_parallel_setup_reports_every_item_and_sends_nothing_it_calls_unsent(tmp_path: Path) -> None:
    """Four profiles set up two at a time: after a Ctrl-C, each setup change is done, failed, or
    interrupted; what the report calls "before it started" was never sent."""
    docs = "".join(
        f"- name: Par{p}\n  whitelisted_destinations: [US]\n  alphanumeric_sender_ids: [{', '.join(f'S{p}x{i}' for i in range(4))}]\n"
        for p in range(4)
    )
    f = write(tmp_path, "par.yaml", docs)
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=250)) as sb:
        code, out, err = _apply_interrupted_at_the_first_sender_id(sb, f, "--json", "--parallel", "2")
        sent = {r.body["alphanumeric_sender_id"] for r in sb.received if r.method == "POST" and isinstance(r.body, dict) and "alphanumeric_sender_id" in r.body}
    assert code == 130, err
    items = json.loads(out)["items"]
    assert len(items) == 4 and any(i["error"] and i["error"]["error"] == "interrupted" for i in items)
    for item in items:
        for change in item["setup"]:
            assert change["result"] in ("done", "failed"), change
            if change["error"] == "interrupted before it started":
                assert change["key"] not in sent, change
            if change["result"] == "done":
                assert change["key"] in sent
