"""The README, the help texts and the code cannot drift apart."""

from __future__ import annotations

import re

from conftest import ROOT

from msgprof_cli import settings
from msgprof_cli.cli import app
from msgprof_cli.cli.flags import flag_specs
from msgprof_cli.errors import EXIT_CODES

README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    from typer.main import get_command

    group = get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    return names


def test_every_command_is_in_the_readme_and_has_help(cli) -> None:
    commands = _commands()
    assert "create" in commands and "config show" in commands
    for name in commands:
        assert f"msgprof {name}" in README, name
        res = cli(*name.split(), "--help")
        assert res.exit_code == 0 and "Usage:" in res.stdout
        assert len(res.stdout.splitlines()) > 4, name


def test_exit_code_table_matches_the_code() -> None:
    table = dict(re.findall(r"^\| (\d+) \| (.+) \|$", README, flags=re.M))
    assert sorted(int(k) for k in table) == sorted(EXIT_CODES)


def test_every_environment_variable_is_documented() -> None:
    names = [v for k, v in vars(settings).items() if k.startswith("ENV_")]
    assert names
    for name in names + ["XDG_CONFIG_HOME", "NO_COLOR"]:
        assert f"`{name}`" in README, name


def test_every_profile_flag_is_documented() -> None:
    specs = flag_specs()
    assert specs
    for spec in specs:
        first = spec.decls[0].split("/")[0]
        assert f"`{first}" in README, first


def test_readme_commands_exist_in_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"(?:^|`)make (\w+)", README, flags=re.M))
    assert {"install", "test", "check", "lint", "demo", "bench"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
