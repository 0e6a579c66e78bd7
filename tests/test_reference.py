"""docs/reference.md is every command's --help, and a test fails when it is stale (as cog --check
does for sqlite-utils): run `make reference` after changing a command's options or help."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import gen_reference  # noqa: E402 - the generator is a script, not a package module


def test_the_command_reference_is_up_to_date() -> None:
    written = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert written == gen_reference.render(), "docs/reference.md is stale: run `make reference`"


def test_every_command_has_a_section_with_its_help() -> None:
    import typer.main

    from msgprof_cli.cli import app

    text = gen_reference.render()
    for path in gen_reference.commands(typer.main.get_command(app)):
        title = " ".join(("msgprof", *path))
        assert f"## {title}\n\n```text\nUsage: {title}" in text, title
    assert "\x1b" not in text and all(len(line) <= 80 for line in text.splitlines())


def test_check_mode_fails_on_a_stale_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ok = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    stale = tmp_path / "reference.md"
    stale.write_text("old\n")
    code = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'scripts')!r}); import gen_reference as g; "
         f"from pathlib import Path; g.TARGET = Path({str(stale)!r}); g.ROOT = Path({str(tmp_path)!r}); sys.exit(g.main(['--check']))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert code.returncode == 1 and "is stale: run `make reference`" in code.stderr
