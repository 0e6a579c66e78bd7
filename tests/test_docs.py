"""The README, the help texts and the code cannot drift apart."""

from __future__ import annotations

import re

from conftest import ROOT

from msgprof_cli import settings
from msgprof_cli.cli import app
from msgprof_cli.cli.flags import flag_specs
from msgprof_cli.errors import EXIT_CODES

# The README is the front page; the reference lives in docs/.  Facts are read from both.
README = "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


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
    targets = set(re.findall(r"(?:^|`)make ([\w-]+)", README, flags=re.M))
    assert {"install", "test", "check", "lint", "demo", "bench"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target


def _readme_commands() -> list[str]:
    """Every `msgprof ...` line a reader may copy: the ```sh blocks and the intro's inline examples."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README, flags=re.M | re.S)
    lines = [ln.split("  #")[0].strip() for b in blocks for ln in b.replace("\\\n", " ").splitlines()]
    lines += re.findall(r"^- In [^:]+: `(msgprof [^`]+)`", README, flags=re.M)
    return [ln for ln in lines if ln.startswith("msgprof ")]


def test_every_file_a_readme_example_reads_is_in_the_repository() -> None:
    """Run from a clone, each example finds its input: a file it reads exists, unless an earlier
    example of the README made it (`export --to DIR`)."""
    import shlex

    made: set[str] = set()
    read = []
    for line in _readme_commands():
        words = shlex.split(line.split("|")[0])
        for flag, value in zip(words, words[1:], strict=False):  # pairs of neighbours
            if flag in ("--to", "-d") and words[1] == "export":
                made.add(value)
            elif flag in ("-f", "--file") and value != "-":
                read.append(value)
        if words[1] == "validate":
            read += [w for w in words[2:] if not w.startswith("-")]
    assert "sample-configs/numbers.txt" in read and "sample-configs/valid/" in read  # the finder finds
    for path in read:
        if path in made:
            continue
        matches = list(ROOT.glob(path)) if "*" in path else [ROOT / path]
        assert matches and all(m.exists() for m in matches), path


def test_the_demo_data_leaves_the_readme_example_numbers_free() -> None:
    from msgprof_cli.sandbox.server import Sandbox

    numbers = {n for line in _readme_commands() if " numbers " in line for n in re.findall(r"\+\d{8,15}", line)}
    numbers |= set(re.findall(r"^\+\d+$", (ROOT / "sample-configs" / "numbers.txt").read_text(), flags=re.M))
    assert "+12025550101" in numbers and len(numbers) >= 6
    with Sandbox("127.0.0.1", 0) as sb:
        sb.seed_demo_data(seed=1)
        taken = {n["phone_number"] for n in sb.numbers() if n.get("messaging_profile_id")}
        owned = {n["phone_number"] for n in sb.numbers()}
        two = {p["id"] for p in sb.profiles() if p["name"] in ("Demo Alerts", "Demo Marketing")}
        of_two = [n for n in sb.numbers() if n.get("messaging_profile_id") in two]
    assert len(of_two) == 4  # the two demo profiles have their two numbers each (Demo US Senders: its own)
    assert numbers <= owned  # the examples' numbers are in the sandbox's inventory...
    assert not numbers & taken  # ...and free
