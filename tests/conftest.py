"""Shared fixtures: an isolated environment, an in-process sandbox, and a CLI runner.

Every test that talks HTTP talks to a real server on 127.0.0.1: the project's sandbox, or (for
malformed answers the sandbox never gives) the tiny canned server in ``canned.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing as typer_testing
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from msgprof_cli.cli import app
from msgprof_cli.clock import FakeClock, using
from msgprof_cli.sandbox.server import Faults, Sandbox

ROOT = Path(__file__).resolve().parent.parent
# The suite starts msgprof as a real process ~60 times; with bytecode caching off (some CI images
# set PYTHONDONTWRITEBYTECODE) each of them would compile the whole package again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
# Every property runs the same examples on every machine and run: CI can't fail on a draw no one
# has seen, and a budget is a fixed cost.  (A test's own @settings still sets its budget.)
# No per-example deadline: speed is the benchmark's job, and a busy 2-core CI machine would turn
# timing into flaky failures (a 0.6 ms example once took 263 ms under load).
hypothesis_settings.register_profile(
    "msgprof", derandomize=True, print_blob=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("msgprof")
TEST_KEY = "KEY-test-9c7e1b0d-SECRET-5f3a"  # distinctive, so leak tests can search for it
# Every secret a test hands msgprof (keys, values of secret ${VARS}) matches this: the key above
# and tokens such as tok-Zq81-SECRET-4471.  Everything msgprof prints in any test is searched for
# it (``_no_secret_printed``): the promise is checked over the output of the whole suite.
SECRET_PATTERN = re.compile(r"SECRET-[0-9a-f]{4}|tok-[A-Za-z0-9]+-SECRET-\d+")
_PRINTED: list[str] = []  # what was printed since the last check (CliRunner and real processes)


def record_output(text: str | bytes | None) -> None:
    if text:
        _PRINTED.append(text.decode("utf-8", "replace") if isinstance(text, bytes) else text)


@pytest.fixture(autouse=True, scope="session")
def _record_every_cli_run() -> Iterator[None]:
    """CliRunner results (in-process runs) and run_msgprof (real processes) are all recorded."""
    original = CliRunner.invoke

    def invoke(self: CliRunner, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)  # type: ignore[arg-type]
        record_output(result.stdout_bytes)
        record_output(getattr(result, "stderr_bytes", None))
        return result

    CliRunner.invoke = invoke  # type: ignore[method-assign]
    # Real processes: subprocess.run and Popen.communicate return through here (pseudo-terminal
    # readers call record_output themselves).  Only observed: nothing is changed or faked.
    communicate = subprocess.Popen.communicate

    def communicate_and_record(self: subprocess.Popen, *args: Any, **kwargs: Any) -> Any:  # type: ignore[type-arg]
        out, err = communicate(self, *args, **kwargs)
        record_output(out)
        record_output(err)
        return out, err

    subprocess.Popen.communicate = communicate_and_record  # type: ignore[method-assign]
    # typer rebuilds the click command tree on every invoke (~20 ms for the whole app); the tree
    # does not change between runs, so the suite builds it once per app object.
    build = typer_testing._get_command
    built: dict[int, tuple[object, object]] = {}

    def get_command(typer_app: object) -> object:
        if id(typer_app) not in built:
            built[id(typer_app)] = (typer_app, build(typer_app))  # type: ignore[arg-type]
        return built[id(typer_app)][1]

    typer_testing._get_command = get_command  # type: ignore[assignment]
    try:
        yield
    finally:
        CliRunner.invoke = original  # type: ignore[method-assign]
        subprocess.Popen.communicate = communicate  # type: ignore[method-assign]
        typer_testing._get_command = build


@pytest.fixture(autouse=True)
def _no_secret_printed() -> Iterator[None]:
    """The promise that no secret ever reaches output: a test whose runs printed one fails.

    What was recorded before this test started (a module fixture's runs) is checked too: the list
    is only emptied after a check."""
    yield
    leaked = [n for n, text in enumerate(_PRINTED, 1) if SECRET_PATTERN.search(text)]
    _PRINTED.clear()
    if leaked:
        runs = ", ".join(map(str, leaked))
        pytest.fail(f"a secret value (the key or a secret ${{VAR}}'s value) was printed: output {runs}", pytrace=False)


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test sees the developer's config, keys or terminal settings."""
    for name in list(os.environ):
        if name.startswith(("TELNYX_", "MSGPROF_")):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sandbox in-process on an ephemeral port, with msgprof pointed at it."""
    with Sandbox("127.0.0.1", 0) as sb:
        monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        yield sb


def make_sandbox(monkeypatch: pytest.MonkeyPatch, **kw: object) -> Sandbox:
    faults = kw.pop("faults", None)
    sb = Sandbox("127.0.0.1", 0, faults=faults, **kw).start()  # type: ignore[arg-type]
    monkeypatch.setenv("TELNYX_BASE_URL", sb.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
    return sb


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None):  # noqa: A002 - mirrors CliRunner
        return self.runner.invoke(app, list(args), input=input, prog_name="msgprof")


@pytest.fixture
def cli() -> Cli:
    return Cli()


def run_msgprof(
    *args: str,
    env: dict[str, str] | None = None,
    input: str | None = None,  # noqa: A002
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """msgprof as a real process (python -m msgprof_cli)."""
    full_env = {k: v for k, v in os.environ.items()}
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "msgprof_cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        check=False,
    )
    record_output(done.stdout)
    record_output(done.stderr)
    return done


__all__ = ["Faults", "Sandbox", "make_sandbox", "run_msgprof", "TEST_KEY", "ROOT"]


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    """Commands run in this test wait on a fake clock: back-off and look-ups take no wall time.
    The sandbox's rate window is real time unless its Faults get a clock too (see test_apply)."""
    clock = FakeClock()
    with using(clock):
        yield clock
