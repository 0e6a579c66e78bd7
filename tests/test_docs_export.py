"""What the docs say about `export` is what it does (docs/plan-apply-ci.md, docs/usage.md, README).

- Every `msgprof export ...` line of a fenced code block in README.md and docs/*.md runs against the
  sandbox and exits 0.
- The folder flag is `--to`/`-d` (`--output-dir` its older name, with a warning); without it the
  documents go to stdout as a YAML stream; `-o` is a usage error (exit 2) and so is a `--to` that
  is a file.  The docs' export paragraphs never give export an `-o`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from conftest import ROOT
from screens import screen

from msgprof_cli.sandbox.server import Sandbox

DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "reference.md")]


def _fenced_export_lines() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for block in re.findall(r"```[a-z]*\n(.*?)```", doc.read_text(), flags=re.S):
            for line in block.splitlines():
                command = line.split("#")[0].strip()
                if command.startswith("msgprof export"):
                    found.append((doc.name, command))
    return found


def test_every_export_example_in_the_docs_runs(sandbox: Sandbox) -> None:
    examples = _fenced_export_lines()
    assert examples, "no export example found: the docs show how to adopt an account"
    sandbox.create({"name": "Support", "whitelisted_destinations": ["US"]})
    for doc, command in examples:
        s = screen(*shlex.split(command)[1:], tty=False)
        assert s.code == 0, (doc, command, s.err)


def test_export_writes_what_the_docs_say(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.create({"name": "Support", "whitelisted_destinations": ["US"]})
    s = screen("export", "--all", tty=False)  # a YAML stream on stdout without --to
    assert s.code == 0 and [d["name"] for d in yaml.safe_load_all(s.out)] == ["Support"], s.err
    for flag in ("--to", "-d"):
        s = screen("export", "--all", flag, str(tmp_path / flag), tty=False)
        assert s.code == 0 and (tmp_path / flag / "support.yaml").is_file(), s.err
    s = screen("export", "--all", "--output-dir", str(tmp_path / "old"), tty=False)
    assert s.code == 0 and "--output-dir is now --to" in s.err and (tmp_path / "old" / "support.yaml").is_file()
    s = screen("export", "--all", "-o", str(tmp_path / "o"), tty=False)
    assert s.code == 2 and "--to DIR" in s.err and not (tmp_path / "o").exists(), s.err
    (tmp_path / "afile").write_text("")
    s = screen("export", "--all", "--to", str(tmp_path / "afile"), tty=False)
    assert s.code == 2 and "is a file, not a folder" in s.err, s.err


def test_the_docs_never_give_export_an_o_flag() -> None:
    """Every sentence about export that names `-o` says export has none, or that it is refused."""
    for doc in DOCS:
        for para in re.split(r"\n(?=- |\n)", doc.read_text()):
            if not re.search(r"\*\*Export|`export`|msgprof export", para):
                continue
            for sentence in re.split(r"(?<=[.:;])\s", para):
                if "`-o`" in sentence or "without `-o`" in sentence:
                    assert re.search(r"no `-o`|usage error|-o` is the output format|`-o` means", sentence), (
                        doc.name,
                        sentence,
                    )
