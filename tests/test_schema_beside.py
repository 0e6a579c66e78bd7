"""The docs' editor advice works as written (issue 27, deliverable 6): `msgprof schema >
messaging-profile.schema.json` saved beside the documents, and the yaml-language-server comment
at the top of a profile file; then `validate profiles/`, `plan -f profiles/` and `apply` pass.  A
schema is not a document: `*.schema.json`, or a JSON Schema by its keys, is skipped in a folder
and refused by name."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from screens import screen

from msgprof_cli.declarative.inputs import is_json_schema
from msgprof_cli.document.schema import json_schema
from msgprof_cli.sandbox.server import Sandbox

ADVICE = (ROOT / "sample-configs" / "README.md").read_text(encoding="utf-8")


def _follow_the_advice(folder: Path) -> None:
    """Do what sample-configs/README.md says, with the command and the comment it gives."""
    command = re.search(r"`msgprof schema > ([\w.-]+)`", ADVICE)
    comment = re.search(r"`(# yaml-language-server: \$schema=\./([\w.-]+))`", ADVICE)
    assert command and comment and command.group(1) == comment.group(2), "the advice changed: follow it here"
    folder.mkdir()
    s = screen("schema", tty=False)
    assert s.code == 0
    (folder / command.group(1)).write_text(s.out, encoding="utf-8")
    for sample in sorted((ROOT / "sample-configs" / "valid").glob("*.yaml")):
        text = sample.read_text(encoding="utf-8")
        (folder / sample.name).write_text(f"{comment.group(1)}\n{text}", encoding="utf-8")


def test_the_editor_advice_works_as_written(sandbox: Sandbox, tmp_path: Path) -> None:
    _follow_the_advice(tmp_path / "profiles")
    documents = sorted(p.name for p in (tmp_path / "profiles").glob("*.yaml"))
    v = screen("validate", "profiles/", tty=False)
    assert (v.code, v.err) == (0, ""), v.err
    assert v.out == "".join(f"ok  profiles/{name}\n" for name in documents)
    p = screen("plan", "-f", "profiles/", tty=False)
    assert p.code == 0, p.err
    assert "schema" not in p.out + p.err
    a = screen("apply", "-f", "profiles/", "--json", tty=False)
    assert a.code == 0, a.err
    assert screen("plan", "-f", "profiles/", "--detailed-exitcode", tty=False).code == 0  # converged


@pytest.mark.parametrize("name", ["profile.json", "schema.yaml"])
def test_a_json_schema_is_known_by_its_keys_whatever_its_name(sandbox: Sandbox, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(ROOT / "sample-configs" / "valid" / "minimal.yaml", folder / "minimal.yaml")
    (folder / name).write_text(json.dumps(json_schema()), encoding="utf-8")
    v = screen("validate", "profiles", tty=False)
    assert (v.code, v.out) == (0, "ok  profiles/minimal.yaml\n"), v.err
    by_name = screen("validate", f"profiles/{name}", tty=False)
    assert by_name.code == 3
    assert by_name.err == (
        f"msgprof: error: profiles/{name}: is a JSON Schema (for editors), not a profile document\n"
        "  hint: give the profile files, or their folder: a schema beside them is skipped\n"
    )


def test_a_schema_file_given_by_name_is_refused_and_a_folder_of_only_schemas_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "messaging-profile.schema.json").write_text("{}", encoding="utf-8")  # by its name alone
    s = screen("validate", "profiles/messaging-profile.schema.json", tty=False)
    assert s.code == 3 and "is a JSON Schema (for editors), not a profile document" in s.err
    s = screen("plan", "-f", "profiles", tty=False)
    assert (s.code, s.out) == (3, "")
    assert "profiles: no .yaml, .yml or .json files in this directory (only 1 *.schema.json file)" in s.err


def test_no_profile_document_looks_like_a_schema() -> None:
    for sample in (ROOT / "sample-configs").rglob("*.yaml"):
        import yaml

        for data in yaml.safe_load_all(sample.read_text(encoding="utf-8")):
            for doc in data if isinstance(data, list) else [data]:
                assert not is_json_schema(doc), sample
    assert is_json_schema(json_schema())
