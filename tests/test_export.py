"""export never loses a file: no overwrite without --force, no symlink followed, distinct names.

Each test is one of the cases issue 11 found, as it was found; the file-name promise is also a
hypothesis property over generated names and ids.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from msgprof_cli.declarative.export import MAX_STEM_BYTES, file_names, slug
from msgprof_cli.sandbox.server import Sandbox


def seed(sandbox: Sandbox, profile_id: str, name: str, **fields: object) -> None:
    """Put a profile with a chosen id into the sandbox (ids are otherwise random)."""
    record = {
        "id": profile_id,
        "record_type": "messaging_profile",
        "name": name,
        "enabled": True,
        "whitelisted_destinations": ["US"],
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
        **fields,
    }
    with sandbox.state.lock:
        sandbox.state.profiles[profile_id] = record


def test_existing_file_is_skipped_and_said_then_replaced_with_force(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    seed(sandbox, "11111111-0000-4000-8000-000000000001", "Support")
    out = tmp_path / "profiles"
    out.mkdir()
    mine = out / "support.yaml"
    mine.write_text("# hand-written\nname: Support\nwhitelisted_destinations: [US]\n")
    res = cli("export", "--all", "--to", str(out))
    assert res.exit_code == 0, res.stderr
    assert mine.read_text() == "# hand-written\nname: Support\nwhitelisted_destinations: [US]\n"
    assert f"skipped {mine}: it already exists (--force replaces it)" in res.stderr
    assert "exported 0 profiles to" in res.stderr
    assert res.stdout == ""
    res = cli("export", "--all", "--to", str(out), "--force")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines() == [str(mine)]
    assert mine.read_text().startswith("# exported by msgprof from messaging profile 11111111-")


def test_symlink_inside_dir_is_never_followed(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    seed(sandbox, "11111111-0000-4000-8000-000000000002", "Support")
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    out = tmp_path / "profiles"
    out.mkdir()
    (out / "support.yaml").symlink_to(outside)
    assert cli("export", "--all", "--to", str(out)).exit_code == 0
    assert outside.read_text() == "precious\n"
    assert (out / "support.yaml").is_symlink()
    res = cli("export", "--all", "--to", str(out), "--force")
    assert res.exit_code == 0, res.stderr
    assert outside.read_text() == "precious\n"  # the link was replaced, its target untouched
    assert not (out / "support.yaml").is_symlink()
    assert "name: Support" in (out / "support.yaml").read_text()
    assert sorted(os.listdir(out)) == ["support.yaml"]  # no temporary file left behind


def test_dangling_symlink_is_an_existing_entry(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    seed(sandbox, "11111111-0000-4000-8000-000000000003", "Support")
    out = tmp_path / "profiles"
    out.mkdir()
    (out / "support.yaml").symlink_to(tmp_path / "nowhere" / "x")
    res = cli("export", "--all", "--to", str(out))
    assert res.exit_code == 0
    assert not (tmp_path / "nowhere").exists()
    assert (out / "support.yaml").is_symlink()
    assert f"skipped {out / 'support.yaml'}: it already exists" in res.stderr
    assert "exported 0 profiles" in res.stderr


def test_name_that_looks_like_a_twin_file_is_not_overwritten(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    # Two profiles named Y (twins) and one named y-ab6b3976..., the id of one twin.
    twin_id = "ab6b3976-0000-4000-8000-000000000001"
    seed(sandbox, twin_id, "Y")
    seed(sandbox, "ab6b3976-0000-4000-8000-000000000002", "Y")
    seed(sandbox, "cccccccc-0000-4000-8000-000000000003", f"y-{twin_id}")
    out = tmp_path / "profiles"
    res = cli("export", "--all", "--to", str(out))
    assert res.exit_code == 0, res.stderr
    files = sorted(out.iterdir())
    assert len(files) == 3
    names = sorted(f.read_text().split("\nname: ", 1)[1].splitlines()[0] for f in files)
    assert names == ["Y", "Y", f"y-{twin_id}"]
    # the twins are reported with their ids and what to do
    assert "2 live profiles are named 'Y' (ab6b3976-0000-4000-8000-000000000001, " in res.stderr
    assert "delete or rename all but one" in res.stderr


def test_long_and_unicode_names(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    seed(sandbox, "dddddddd-0000-4000-8000-000000000001", "L" * 300)
    seed(sandbox, "dddddddd-0000-4000-8000-000000000002", "Support 🚀 Zürich 日本")
    out = tmp_path / "profiles"
    res = cli("export", "--all", "--to", str(out))
    assert res.exit_code == 0, res.stderr
    stems = sorted(f.stem for f in out.iterdir())
    assert stems == ["l" * MAX_STEM_BYTES, "support-zürich-日本"]
    plan = cli("plan", "-f", str(out), "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr


def test_output_dir_that_is_a_file_is_a_usage_error_before_any_request(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("keep me\n")
    before = len(sandbox.received)
    res = cli("export", "--all", "--to", str(target))
    assert res.exit_code == 2
    assert "this is a file, not a folder" in res.stderr
    assert target.read_text() == "keep me\n"
    assert len(sandbox.received) == before


ids = st.uuids().map(str)
names = st.text(min_size=0, max_size=400)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(names, ids), max_size=12))
def test_every_profile_gets_a_distinct_safe_file_name(pairs: list[tuple[str, str]]) -> None:
    profiles = [{"name": n, "id": i} for n, i in pairs]
    stems = file_names(profiles)
    assert len(stems) == len(profiles)
    assert len({s.casefold() for s in stems}) == len(stems)
    for s in stems:
        assert s and "/" not in s and "\0" not in s and not s.startswith((".", "-"))
        assert len((s + ".yaml").encode("utf-8")) <= 255


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_slug_keeps_letters_and_digits(name: str) -> None:
    stem = slug(name)
    assert stem and all(ch.isalnum() or ch == "-" for ch in stem)
    kept = "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())
    letters = stem.replace("-", "")
    if kept:  # the letters and digits, in order (cut at the length limit)
        assert letters and kept.startswith(letters)
    else:
        assert stem == "profile"
