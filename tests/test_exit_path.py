"""One exit path (issue 27): each multi-item command ends with an Outcome whose ``exit_status`` is
decided once; ``run`` alone turns an outcome or an error into the status; ``errors.exit_with`` is
the one place the process ends; no exit number is written outside ``ExitStatus``.  Ctrl-C at any
instant of a real process ends with one line and 130.  The JSON error kinds are the docs' table."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest
import typer
from conftest import ROOT, TEST_KEY, Cli, Faults, make_sandbox
from hypothesis import given
from hypothesis import strategies as st

from msgprof_cli import errors
from msgprof_cli.api.setup import NumberResult
from msgprof_cli.cli.common import run
from msgprof_cli.declarative import outcome
from msgprof_cli.declarative.plan import Item
from msgprof_cli.errors import ApiError, ExitStatus, MsgprofError, NetworkError, Unavailable

PACKAGE = ROOT / "msgprof_cli"

# --------------------------------------------------------------------------- the guard


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        base = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{base}.{func.attr}" if base else func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_number(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool)


# What ends a process, and where a number is an exit status: any of these is the one exit
# (errors.exit_with) or ExitStatus bypassed.
ENDS = {"sys.exit", "os._exit", "os.abort", "exit", "quit", "SystemExit"}
TAKES_STATUS = ENDS | {"typer.Exit", "Exit", "ctx.exit", "exit_with", "ExitStatus"}


def exit_problems(source: str, where: str) -> list[str]:
    """Every place in ``source`` that ends the process other than through ``errors.exit_with``, or
    writes an exit status as a number: ``sys.exit(3)``, ``typer.Exit(130)``, ``exit_code = 5``,
    ``code = 130``, ``return 7`` from a function that returns an ExitStatus."""
    tree = ast.parse(source)
    problems = []
    exempt: set[int] = set()  # the one exit: errors.exit_with's own body
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "exit_with" and where.endswith("errors.py"):
            exempt |= {id(n) for n in ast.walk(node)}
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in ENDS and id(node) not in exempt:
                problems.append(f"{line}: {name}() ends the process outside errors.exit_with")
            if name in TAKES_STATUS and any(_is_number(a) for a in [*node.args, *(k.value for k in node.keywords)]):
                problems.append(f"{line}: {name}() given an exit number, not an ExitStatus member")
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name) and node.exc.id == "SystemExit":
            problems.append(f"{line}: raise SystemExit outside errors.exit_with")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and _is_number(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else ""
                if "exit" in name.lower() or (name in ("code", "status_code") and "sandbox" not in where):
                    problems.append(f"{line}: {name} = {cast(ast.Constant, node.value).value!r}: an exit number")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            named = [n.attr if isinstance(n, ast.Attribute) else n.id if isinstance(n, ast.Name) else "" for n in sides]
            if any("exit" in n.lower() for n in named) and any(_is_number(n) for n in sides):
                problems.append(f"{line}: {ast.unparse(node)}: compared with an exit number")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "ExitStatus" in ast.unparse(
            node.returns or ast.Constant(None)
        ):
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and _is_number(ret.value):
                    problems.append(f"{where}:{ret.lineno}: {node.name} returns a number, not an ExitStatus member")
    return problems


def scan(root: Path) -> list[str]:
    return [p for path in sorted(root.rglob("*.py")) for p in exit_problems(path.read_text(), str(path))]


def test_nothing_in_the_whole_package_exits_or_writes_an_exit_number() -> None:
    files = list(PACKAGE.rglob("*.py"))
    assert len(files) > 60 and any("sandbox" in f.parts for f in files)  # the whole package, sandbox too
    assert scan(PACKAGE) == []


@pytest.mark.parametrize(
    "probe",
    [
        "import sys\nsys.exit(3)\n",
        "import sys\nsys.exit(ExitStatus.USAGE)\n",  # the status is right, the way out is not
        "import os\nos._exit(0)\n",
        "raise SystemExit\n",
        "raise SystemExit(2)\n",
        "exit(1)\n",
        "import typer\nraise typer.Exit(130)\n",
        "import typer\nraise typer.Exit(code=5)\n",
        "class E:\n    exit_code = 5\n",
        "code = 130\n",
        "def f() -> ExitStatus:\n    return 7\n",
        "def f(ctx):\n    ctx.exit(2)\n",
        "def f(exc):\n    return exc.exit_code == 130\n",
    ],
)
def test_the_guard_fails_on_each_probe(probe: str) -> None:
    assert exit_problems(probe, "msgprof_cli/cli/probe.py"), probe


def test_the_guard_fails_on_a_file_planted_in_the_package(tmp_path: Path) -> None:
    """The same scan over a copy of the package with one file added: found, by name and line."""
    copy = tmp_path / "msgprof_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert scan(copy) == []
    (copy / "api" / "probe.py").write_text('"""A probe."""\n\nimport sys\n\n\ndef leave() -> None:\n    sys.exit(3)\n')
    probe = f"{copy / 'api' / 'probe.py'}:7"
    assert scan(copy) == [
        f"{probe}: sys.exit() ends the process outside errors.exit_with",
        f"{probe}: sys.exit() given an exit number, not an ExitStatus member",
    ]


def test_the_one_exit_ends_with_the_status() -> None:
    with pytest.raises(SystemExit) as ended:
        errors.exit_with(ExitStatus.CHANGES_PENDING)
    assert ended.value.code == 7 and type(ended.value.code) is int


def test_the_command_group_returns_an_exit_status_and_exits_through_exit_with() -> None:
    from msgprof_cli.cli import build_app

    status = build_app("validate")(["validate", "--for", "nope", "x.yaml"], standalone_mode=False)
    assert status is ExitStatus.USAGE
    status = build_app("schema")(["schema"], standalone_mode=False)
    assert status is ExitStatus.OK
    with pytest.raises(SystemExit) as ended:
        build_app("schema")(["schema", "--bogus"])
    assert ended.value.code == 2


# --------------------------------------------------------------------------- outcomes


class Answer(MsgprofError):
    """A stand-in error of any exit status."""

    def __init__(self, status: ExitStatus) -> None:
        super().__init__(f"exit {int(status)}")
        self.exit_code = status


ITEM_STATUSES = [ExitStatus.INVALID_INPUT, ExitStatus.API_ERROR, ExitStatus.UNAVAILABLE, ExitStatus.INTERRUPTED]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["create", "update", "delete", "unchanged", "failed"]),
            st.none() | st.sampled_from(ITEM_STATUSES),
        ),
        max_size=8,
    ),
    st.booleans(),
)
def test_plan_and_apply_end_with_the_worst_item_else_changes_pending(
    rows: list[tuple[str, ExitStatus | None]], detailed: bool
) -> None:
    items = [
        Item(desired=None, action=a, error=None if s is None else Answer(s))  # type: ignore[arg-type]
        for a, s in rows
    ]
    failed = [s for _, s in rows if s is not None]
    changes = any(a in ("create", "update", "delete") for a, _ in rows)
    expected = max(failed) if failed else ExitStatus.CHANGES_PENDING if detailed and changes else ExitStatus.OK
    result = outcome.Items(items, detailed=detailed)
    assert result.exit_status == expected and result.error is None


@given(
    st.lists(
        st.sampled_from(["assigned", "unassigned", "unchanged", "pending", "failed", "failed-network"]), max_size=8
    )
)
def test_the_number_commands_end_pending_6_else_the_worst_failure(kinds: list[str]) -> None:
    def result(i: int, kind: str) -> NumberResult:
        if kind == "failed-network":
            error: MsgprofError = NetworkError("no answer", maybe_sent=True, reason="timeout")
            return NumberResult(f"+1415555{i:04d}", "failed", error=error)
        return NumberResult(f"+1415555{i:04d}", kind, error=ApiError("refused") if kind == "failed" else None)  # type: ignore[arg-type]

    done = outcome.Numbers([result(i, k) for i, k in enumerate(kinds)])
    if "pending" in kinds or "failed-network" in kinds:
        expected = ExitStatus.UNAVAILABLE
    elif "failed" in kinds:
        expected = ExitStatus.API_ERROR
    else:
        expected = ExitStatus.OK
    assert done.exit_status == expected
    assert (done.error is None) == (expected == ExitStatus.OK)
    if done.error is not None:
        assert done.error.exit_code == expected
        assert isinstance(done.error, Unavailable) == (expected == ExitStatus.UNAVAILABLE)


def test_validate_and_doctor_outcomes() -> None:
    from msgprof_cli.declarative.doctor import Check, Diagnosis
    from msgprof_cli.declarative.inputs import Checked

    ok, bad = Checked("a.yaml", None), Checked("b.yaml", None, errors=[object()])  # type: ignore[list-item]
    assert outcome.Validation([ok]).exit_status == ExitStatus.OK
    assert outcome.Validation([ok, bad]).exit_status == ExitStatus.INVALID_INPUT
    passed = Diagnosis("+14155550100", "+14155550101", "US", [Check("enabled", "pass", "")], profile="A")
    failed = Diagnosis("+14155550100", "+14155550101", "US", [Check("enabled", "fail", "off")], profile="B")
    assert outcome.Doctor([passed]).exit_status == ExitStatus.OK and outcome.Doctor([passed]).error is None
    one = outcome.Doctor([failed])
    assert one.exit_status == ExitStatus.DOCTOR_FAILED
    assert one.error is not None and one.error.message.startswith("1 check failed: enabled")
    many = outcome.Doctor([passed, failed], per_profile=True).error
    assert many is not None and many.message == "routes would be refused for 1 of 2 profiles: B"


class Ended:
    def __init__(self, status: ExitStatus, error: MsgprofError | None = None) -> None:
        self.exit_status, self.error = status, error


def test_run_turns_the_outcome_into_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with run({}) as r:
        r.finish(Ended(ExitStatus.OK))  # no exit at all: the command ended well
    with pytest.raises(typer.Exit) as exit_:
        with run({}) as r:
            r.finish(Ended(ExitStatus.CHANGES_PENDING))
    assert exit_.value.exit_code == ExitStatus.CHANGES_PENDING and capsys.readouterr().err == ""
    with pytest.raises(typer.Exit) as exit_:
        with run({"json": True}) as r:
            r.finish(Ended(ExitStatus.DOCTOR_FAILED, errors.RouteBlocked("1 check failed")))
    assert exit_.value.exit_code == 9
    assert json.loads(capsys.readouterr().err) == {
        "error": "route_blocked",
        "message": "1 check failed",
        "exit_code": 9,
    }


# --------------------------------------------------------------------------- error kinds


def _error_classes() -> list[type[MsgprofError]]:
    def tree(cls: type[MsgprofError]) -> list[type[MsgprofError]]:
        return [cls] + [s for c in cls.__subclasses__() for s in tree(c)]

    return [c for c in tree(MsgprofError) if c.__module__ == "msgprof_cli.errors" or "msgprof_cli" in c.__module__]


def test_every_error_kind_is_in_the_docs_with_its_exit_code() -> None:
    """The kinds the code can emit (every class of the tree, read from errors.py) = the table."""
    text = (ROOT / "docs" / "usage.md").read_text()
    section = text[text.index("## Exit codes") :]
    table = {k: int(code) for k, code in re.findall(r"^\| `([a-z_]+)` \| (\d+) \| .+ \|$", section, flags=re.M)}
    kinds = {c.kind: int(c.exit_code) for c in _error_classes()}
    assert len(kinds) >= 15
    assert table == kinds


# --------------------------------------------------------------------------- the import circle


def test_the_command_layer_has_no_import_circle() -> None:
    import grimp

    graph = grimp.build_graph("msgprof_cli")
    cli = sorted(m for m in graph.modules if m.startswith("msgprof_cli.cli"))
    for a in cli:
        for b in cli:
            if a < b and graph.chain_exists(a, b) and graph.chain_exists(b, a):
                pytest.fail(f"{a} and {b} import each other: {graph.find_shortest_chain(a, b)}")


# --------------------------------------------------------------------------- Ctrl-C, a real process


def _interrupt(
    command: list[str], delay: float, env: dict[str, str], after: str = "msgprof_cli.launcher"
) -> tuple[int, list[str], list[str]]:
    """Start ``command``, and ``delay`` seconds after msgprof's launcher has installed its Ctrl-C
    handler (the interpreter is up: Python's own start-up, site and .pth files, is not msgprof's),
    or, with ``after`` another module, after that module has loaded; press Ctrl-C.  The imports are
    timed by Python itself (PYTHONPROFILEIMPORTTIME), so that the test knows that instant and which
    modules had loaded: their lines are not the program's output.

    By default the instant is the first import after the launcher's own: its ``main()`` has begun,
    and set the handler first.  Not the launcher's import line: between it and ``main()`` the
    console script pip wrote runs ``re.sub`` on ``sys.argv[0]`` (a regex compiled, about a
    millisecond, much more on a loaded machine), where a Ctrl-C still gets Python's traceback."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    lines: list[str] = []
    loaded = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        launcher = False
        for raw in proc.stderr:
            line = raw.decode(errors="replace")
            lines.append(line)
            if line.startswith("import time:") and not line.rstrip().endswith("| imported package"):
                name = line.rsplit("|", 1)[-1].strip()
                if after != "msgprof_cli.launcher":
                    if name == after:
                        loaded.set()
                    continue
                if launcher:
                    loaded.set()
                launcher = launcher or name == after

    reader = threading.Thread(target=read)
    reader.start()
    assert loaded.wait(30), "".join(lines)[-2000:]
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    proc.wait(30)
    reader.join(10)
    assert proc.stdout is not None
    proc.stdout.read()
    imported = [ln.rsplit("|", 1)[-1].strip() for ln in lines if ln.startswith("import time:")]
    said = [ln for ln in lines if not ln.startswith("import time:")]
    return proc.returncode, said, imported


def test_ctrl_c_at_ten_instants_ends_with_one_line_and_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """From 50 ms after start-up on: while modules import, while the command line is read, and
    while a request is in flight (the sandbox answers after 4 s).  Half through the console
    script, half through ``python -m msgprof_cli``."""
    sb = make_sandbox(monkeypatch, faults=Faults(latency_ms=4000))
    try:
        env = {**os.environ, "TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY, "PYTHONPROFILEIMPORTTIME": "1"}
        script = str(Path(sys.executable).parent / "msgprof")
        delays = [0.05, 0.07, 0.09, 0.11, 0.14, 0.18, 0.25, 0.4, 0.8, 1.5]
        early = 0
        for n, delay in enumerate(delays):
            command = [script, "list"] if n % 2 == 0 else [sys.executable, "-m", "msgprof_cli", "list"]
            code, said, imported = _interrupt(command, delay, env)
            where = f"{command[-2:]} at {delay} s, after importing {imported[-1]}: {''.join(said)}"
            assert code == ExitStatus.INTERRUPTED, where
            assert said == ["msgprof: interrupted\n"], where
            early += "msgprof_cli.api.client" not in imported  # stopped before the HTTP stack loaded
        assert early >= 1  # at least one instant fell among the imports
    finally:
        sb.stop()


def test_ctrl_c_from_5_ms_after_the_launcher_module_starts_ends_with_one_line_and_130() -> None:
    """The launcher's own first imports (``errors``, ``interrupt``: ~10-20 ms) are covered too.
    "Start" here is the instant the ``msgprof_cli`` package has loaded, i.e. when Python begins to
    run ``launcher.py`` (the other test's start, the launcher's import line, comes only once the
    module has run, after what its top level imports).  A Ctrl-C earlier still, before Python
    runs the launcher at all, cannot be handled by msgprof (docs/usage.md)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    script = str(Path(sys.executable).parent / "msgprof")
    delays = [0.005, 0.007, 0.009, 0.011, 0.013, 0.015, 0.018, 0.021, 0.025, 0.03, 0.04]
    for n, delay in enumerate(delays):
        command = [script, "validate", "-"] if n % 2 == 0 else [sys.executable, "-m", "msgprof_cli", "validate", "-"]
        code, said, imported = _interrupt(command, delay, env, after="msgprof_cli")
        where = f"{command[-2:]} at {delay} s, after importing {imported[-1:]}: {''.join(said)}"
        assert code == ExitStatus.INTERRUPTED, where
        assert said == ["msgprof: interrupted\n"], where


# --------------------------------------------------------------------------- one meaning per short flag


def test_o_is_the_output_format_everywhere_and_export_writes_to_a_folder_named_by_to(
    cli: Cli, sandbox: Any, tmp_path: Path
) -> None:
    from typer.main import get_command

    from msgprof_cli.cli import build_app

    group = get_command(build_app())
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        for sub in (getattr(cmd, "commands", None) or {name: cmd}).values():
            for param in sub.params:
                if "-o" in param.opts:
                    assert "--output" in param.opts and {"json"} <= set(param.type.choices), (name, param.opts)

    assert cli("create", "--name", "Kept", "--whitelist", "US").exit_code == 0
    refused = cli("export", "--all", "-o", "json")
    assert refused.exit_code == 2 and not (tmp_path / "json").exists()
    assert "export takes no -o" in refused.stderr and "--to DIR" in refused.stderr
    made = cli("export", "--all", "-d", str(tmp_path / "docs"))
    assert made.exit_code == 0 and [p.name for p in (tmp_path / "docs").iterdir()] == ["kept.yaml"]
    older = cli("export", "--all", "--output-dir", str(tmp_path / "old"))
    assert older.exit_code == 0 and (tmp_path / "old" / "kept.yaml").exists()
    assert "msgprof: warning: --output-dir is now --to (or -d); the older name will go" in older.stderr
    assert cli("plan", "-f", str(tmp_path / "docs"), "--output", "json").exit_code == 0


@pytest.mark.parametrize(
    "command,first",
    [
        (["create"], ["-f, --file", "--name", "--whitelist", "--webhook-url", "--dry-run", "--json"]),
        (["apply"], ["-f, --file", "--dry-run", "--json", "--prune-setup"]),
    ],
)
def test_help_shows_the_most_used_flags_first_and_where_every_field_is(
    cli: Cli, command: list[str], first: list[str]
) -> None:
    res = cli(*command, "--help")
    assert res.exit_code == 0
    panels = re.findall(r"^(\S[^:\n]*):$", res.stdout, flags=re.M)
    # the other panels stay: in full, or (create, issue 30: 48 lines) by name in one grouped panel
    assert panels[0] == "Most used" and ("Connection" in panels or "\n  Connection:  " in res.stdout)

    def flags(text: str) -> list[str]:  # each option line's names, up to its placeholder
        return [re.split(r" [A-Z\[<{]|  ", ln.strip())[0] for ln in text.splitlines() if ln.startswith("  -")]

    most_used = res.stdout.split("Most used:\n", 1)[1].split("\n\n", 1)[0]
    assert flags(most_used) == first
    shown = flags(res.stdout)
    assert all(shown.count(f) == 1 for f in first), shown  # not shown again in their own panel
    assert "`msgprof schema`" in res.stdout and "docs/documents.md" in res.stdout
