"""Every command's --help ends with 2-4 examples (cli/examples.py), and each of them works.

Each example runs against a fresh sandbox holding the sample profiles (sample-configs/valid:
Support, Marketing EU) and the demo numbers, in its command's order, from a folder where
sample-configs/ is at hand; it must end with exit 0 (doctor: 0 or 9, its diagnosis), print no
traceback.  The lines that need a real account, or run until stopped, are parsed instead: a usage
error fails.  And `create --help` fits 48 lines at 80 columns.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import ROOT, make_sandbox

from msgprof_cli.cli import app
from msgprof_cli.cli.examples import EXAMPLES, VALIDATE_ONLY
from msgprof_cli.cli.presentation import hoist_global_options
from msgprof_cli.errors import ExitStatus

sys.path.insert(0, str(ROOT / "scripts"))
from gen_reference import commands, help_text  # noqa: E402

PATHS = [" ".join(p) for p in commands(typer.main.get_command(app))]
# What some commands' examples need first, beyond the sample profiles.
SEEDS: dict[str, list[list[str]]] = {
    "sender-ids remove": [["sender-ids", "add", "Marketing EU", "Acme"]],
    "numbers unassign": [["numbers", "assign", "Support", "-f", "sample-configs/numbers.txt"]],
}
STATUSES = {"doctor": {ExitStatus.OK, ExitStatus.DOCTOR_FAILED}}


def test_every_command_and_group_has_two_to_four_examples_of_itself() -> None:
    assert sorted(EXAMPLES) == sorted(PATHS)
    for path, lines in EXAMPLES.items():
        assert 2 <= len(lines) <= 4, path
        for line in lines:
            words = hoist_global_options(shlex.split(line)[1:])  # `msgprof --account x config` is of config
            assert words[: len(path.split())] == path.split(), line
            assert len(line) <= 76, f"{line!r} wraps at 80 columns"
    assert VALIDATE_ONLY <= {line for lines in EXAMPLES.values() for line in lines}


@pytest.mark.parametrize("path", PATHS)
def test_help_ends_with_the_examples(path: str) -> None:
    shown = help_text(tuple(path.split()))
    block = "Examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[path])
    assert shown.endswith("\n\n" + block), shown[-400:]


def test_create_help_fits_48_lines_at_80_columns_and_points_at_every_field() -> None:
    shown = help_text(("create",))
    assert len(shown.splitlines()) <= 48, len(shown.splitlines())
    assert max(len(line) for line in shown.splitlines()) <= 80
    assert "`msgprof schema`" in shown and "docs/documents.md" in shown
    for flag in ("mobile-only", "pool-geomatch", "--shortener-domain", "ai-opt-out-detection", "--unique"):
        assert flag in shown  # every field flag is named, grouped


def _parse(line: str) -> None:
    """Parse a command line as msgprof would, without running it (a usage error raises)."""
    cmd: Any = typer.main.get_command(app)
    args = hoist_global_options(shlex.split(line)[1:])
    ctx = cmd.make_context("msgprof", args)
    while hasattr(cmd, "resolve_command"):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        name, cmd, rest = cmd.resolve_command(ctx, rest)
        assert cmd is not None, line
        ctx = cmd.make_context(name, rest, parent=ctx)


def _split(line: str, cwd: Path) -> tuple[list[str], Path | None]:
    words = shlex.split(line)[1:]
    if ">" in words:  # `msgprof schema > FILE`: stdout into the file
        at = words.index(">")
        return words[:at], cwd / words[at + 1]
    return words, None


@pytest.mark.parametrize("path", PATHS)
def test_every_example_runs_against_the_sandbox(
    path: str, cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "sample-configs").symlink_to(ROOT / "sample-configs")
    sb = make_sandbox(monkeypatch)
    try:
        seeded = cli("apply", "-f", "sample-configs/valid/minimal.yaml", "-f", "sample-configs/valid/full.yaml")
        assert seeded.exit_code == 0, seeded.output
        for args in SEEDS.get(path, []):
            assert cli(*args).exit_code == 0
        for line in EXAMPLES[path]:
            if line in VALIDATE_ONLY:
                _parse(line)
                continue
            args, into = _split(line, tmp_path)
            res = cli(*args)
            assert res.exit_code in STATUSES.get(path, {ExitStatus.OK}), f"{line}: {res.output}"
            assert "Traceback" not in res.output, line
            if into is not None:
                into.write_text(res.stdout)
    finally:
        sb.stop()


def test_a_mistyped_example_would_fail_the_parse() -> None:
    with pytest.raises(Exception, match="No such option"):
        _parse("msgprof numbers assign Support --movee")
