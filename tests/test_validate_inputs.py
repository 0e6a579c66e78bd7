"""validate sees what plan and apply see: the same files, the same problems, names used twice.

Invariant (hypothesis): for any folder of documents, `validate DIR` exits 3 exactly when `plan -f
DIR` refuses the inputs (exit 3, no request sent), and both read the same files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from msgprof_cli.cli import app
from msgprof_cli.sandbox.server import Sandbox


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env, prog_name="msgprof")


def test_validate_takes_a_directory_and_skips_hidden_files_like_apply(tmp_path: Path) -> None:
    d = tmp_path / "profiles"
    (d / "eu").mkdir(parents=True)
    (d / ".drafts").mkdir()
    (d / "a.yaml").write_text("name: A\nwhitelisted_destinations: [US]\n")
    (d / "eu" / "b.yml").write_text("name: B\nwhitelisted_destinations: [DE]\n")
    (d / "c.json").write_text('{"name": "C", "whitelisted_destinations": ["CA"]}')
    (d / ".hidden.yaml").write_text("not: [valid\n")
    (d / ".drafts" / "x.yaml").write_text("not: [valid\n")
    (d / "notes.txt").write_text("ignored\n")
    res = invoke("validate", str(d))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines() == [f"ok  {d}/a.yaml", f"ok  {d}/c.json", f"ok  {d}/eu/b.yml"]


def test_a_name_used_twice_across_files_is_invalid(tmp_path: Path) -> None:
    d = tmp_path / "p"
    d.mkdir()
    (d / "a.yaml").write_text("name: Same\nwhitelisted_destinations: [US]\n")
    (d / "b.yaml").write_text("# second\nname: Same\nwhitelisted_destinations: [CA]\n")
    res = invoke("validate", str(d))
    assert res.exit_code == 3
    assert res.stdout.splitlines() == [f"ok  {d}/a.yaml", f"invalid  {d}/b.yaml"]
    assert f"{d}/b.yaml:2: name: the name 'Same' is also used by {d}/a.yaml" in res.stderr
    as_json = invoke("validate", str(d / "a.yaml"), str(d / "b.yaml"), "--json")
    assert as_json.exit_code == 3
    report = json.loads(as_json.stdout)
    assert report["valid"] is False
    assert [r["valid"] for r in report["results"]] == [True, False]


def test_an_empty_directory_is_invalid_input(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = invoke("validate", str(tmp_path / "empty"))
    assert res.exit_code == 3
    assert "no .yaml, .yml or .json files in this directory" in res.stderr


doc = st.tuples(
    st.sampled_from(["A", "B", "C"]),  # names, so that some repeat
    st.booleans(),  # valid?
    st.booleans(),  # hidden?
    st.sampled_from([".yaml", ".yml", ".json"]),
)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(doc, min_size=1, max_size=5))
def test_validate_refuses_exactly_what_plan_refuses(tmp_path: Path, docs: list[tuple[str, bool, bool, str]]) -> None:
    d = tmp_path / f"case{abs(hash(tuple(docs)))}"
    d.mkdir()
    for k, (name, valid, hidden, suffix) in enumerate(docs):
        dest = "US" if valid else "usa-nope"
        body = (
            json.dumps({"name": name, "whitelisted_destinations": [dest]})
            if suffix == ".json"
            else f"name: {name}\nwhitelisted_destinations: [{dest}]\n"
        )
        (d / f"{'.' if hidden else ''}f{k}{suffix}").write_text(body)
    with Sandbox() as sb:
        env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        validated = invoke("validate", str(d))
        planned = invoke("plan", "-f", str(d), env=env)
        assert validated.exit_code in (0, 3)
        assert planned.exit_code == validated.exit_code, planned.stdout + planned.stderr
        assert (sb.received == []) == (planned.exit_code == 3)
        visible = [k for k, (_, _, hidden, _) in enumerate(docs) if not hidden]
        assert len(validated.stdout.splitlines()) == len(visible)


@pytest.mark.parametrize(("body", "line"), [(b'{"name": "x",, }', 1), (b'{\n"name": "x",\n,}', 3), (b"name: [unclosed\n", None)])
def test_a_file_that_cannot_be_parsed_names_its_path_once(tmp_path: Path, body: bytes, line: int | None) -> None:
    f = tmp_path / ("bad.json" if body.startswith(b"{") else "bad.yaml")
    f.write_bytes(body)
    res = invoke("validate", str(f))
    assert res.exit_code == 3
    errors = [x for x in res.stderr.splitlines() if x.startswith("msgprof: error:")]
    assert len(errors) == 1 and errors[0].count(str(f)) == 1, res.stderr
    if line is not None:
        assert errors[0].startswith(f"msgprof: error: {f}:{line}: not valid JSON")
