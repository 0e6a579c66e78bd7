"""Findings of the new-user probe of this session, each pinned."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize("section", ["phone_numbers", "alphanumeric_sender_ids", "autoresp_configs"])
@pytest.mark.parametrize("command", [("create",), ("update", "Somebody")])
def test_a_setup_section_in_create_or_update_points_to_apply(
    cli, tmp_path: Path, section: str, command: tuple[str, ...]
) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(f"name: S\nwhitelisted_destinations: [US]\n{section}: []\n")
    res = cli(*command, "-f", str(f), "--dry-run", "--allow-unknown")
    assert res.exit_code == 3 and res.stdout == ""
    assert f"{section}: is a setup section, not a profile field" in res.stderr
    assert "`msgprof apply -f FILE` sets up numbers" in res.stderr
    assert "did you mean" not in res.stderr
