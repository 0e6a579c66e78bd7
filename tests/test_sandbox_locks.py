"""The state file's lock holds under hostile file names (issue 28 findings 8 and 9, "Locks").

* A lock file name is opened without following a link and must be a regular file of its own: a
  planted symlink (or hard link) is refused, exit 2, and the file it points at is left intact.
* The lock is keyed by the state file's device and inode: a hard link to the state file is the same
  file, so a second sandbox through it is refused, before and after the first one's writes.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import requests
from conftest import TEST_KEY

from msgprof_cli.errors import UsageError
from msgprof_cli.sandbox.server import Sandbox

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}


def create(sb: Sandbox, name: str) -> None:
    r = requests.post(
        sb.url + "/messaging_profiles",
        json={"name": name, "whitelisted_destinations": ["US"]},
        headers=AUTH,
        timeout=10,
    )
    assert r.status_code == 200, r.text


def wait_for(state: Path, names: list[str]) -> None:
    """Until the writer thread has written these profiles (it writes within 0.25 s)."""
    for _ in range(200):
        try:
            if [p["name"] for p in json.loads(state.read_text())["profiles"]] == names:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.025)
    raise AssertionError(f"{state} never held {names}")


@pytest.mark.parametrize("target_exists", [True, False])
def test_a_planted_symlink_lock_is_refused_and_its_target_kept_intact(cli, tmp_path: Path, target_exists: bool) -> None:
    victim = tmp_path / "precious.txt"
    if target_exists:
        victim.write_text("keep me\n")
    state = tmp_path / "state.json"
    (tmp_path / ".state.json.lock").symlink_to(victim)
    res = cli("sandbox", "--port", "0", "--state", str(state))
    assert res.exit_code == 2, res.output
    assert "is a symbolic link, not a lock file of its own; it was left as it is" in res.stderr
    assert "listening" not in res.stderr and res.stdout == ""
    if target_exists:
        assert victim.read_text() == "keep me\n"
    else:
        assert not victim.exists()  # a dangling link is not followed to create its target either
    assert (tmp_path / ".state.json.lock").is_symlink()
    assert not state.exists()


def test_a_planted_hard_link_lock_is_refused_and_its_other_name_kept_intact(cli, tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    os.link(victim, tmp_path / ".state.json.lock")
    res = cli("sandbox", "--port", "0", "--state", str(tmp_path / "state.json"))
    assert res.exit_code == 2, res.output
    assert "is a hard link to another file, not a lock file of its own" in res.stderr
    assert victim.read_text() == "keep me\n"


def test_a_lock_name_that_is_a_folder_is_refused(cli, tmp_path: Path) -> None:
    (tmp_path / ".state.json.lock").mkdir()
    res = cli("sandbox", "--port", "0", "--state", str(tmp_path / "state.json"))
    assert res.exit_code == 2, res.output
    assert "--state" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("writes_before", [0, 3])
def test_a_second_sandbox_through_a_hard_link_to_the_state_file_is_refused(
    cli, tmp_path: Path, writes_before: int
) -> None:
    state, link = tmp_path / "state.json", tmp_path / "other" / "alias.json"
    state.write_text('{"profiles": []}\n')
    link.parent.mkdir()
    os.link(state, link)
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as first:
        for i in range(writes_before):
            create(first, f"P{i}")
        if writes_before:
            wait_for(state, [f"P{i}" for i in range(writes_before)])
        res = cli("sandbox", "--port", "0", "--state", str(link))
        assert res.exit_code == 2, res.output
        assert "another sandbox is using this file under another name (a hard link to it)" in res.stderr
        assert "listening" not in res.stderr
        with pytest.raises(UsageError):  # in-process too
            Sandbox("127.0.0.1", 0, state_file=str(link))
        create(first, "Last")
    names = [p["name"] for p in json.loads(state.read_text())["profiles"]]
    assert names == [*(f"P{i}" for i in range(writes_before)), "Last"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["other", "state.json"]  # no lock left
    with Sandbox("127.0.0.1", 0, state_file=str(link)):  # free once the first stopped
        pass


def test_a_hard_link_made_while_the_sandbox_runs_is_the_same_file_too(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with Sandbox("127.0.0.1", 0, state_file=str(state)) as first:
        create(first, "A")
        wait_for(state, ["A"])
        link = tmp_path / "late.json"
        os.link(state, link)
        create(first, "B")  # the next write replaces state.json: late.json keeps the old inode
        wait_for(state, ["A", "B"])
        with pytest.raises(UsageError, match="hard link"):
            Sandbox("127.0.0.1", 0, state_file=str(link))
