"""phonenumbers (the numbering plan) is doctor's alone: the other commands' start-up does not grow."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_KEY
from test_startup import SAMPLE, imported

from msgprof_cli.sandbox.server import Sandbox


@pytest.mark.parametrize(
    "args",
    [["validate", SAMPLE], ["create", "-f", SAMPLE, "--dry-run"], ["--help"], ["doctor", "--help"]],
    ids=["validate", "create-dry-run", "help", "doctor-help"],
)
def test_only_doctor_imports_phonenumbers(args: list[str], tmp_path: Path) -> None:
    assert "phonenumbers" not in imported(args, tmp_path)


def test_doctor_does_import_it(tmp_path: Path, sandbox: Sandbox) -> None:
    """The guard above would pass vacuously if the module were named otherwise: doctor loads it."""
    sandbox.seed_demo_data(seed=1)
    env = {"TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": TEST_KEY}
    assert "phonenumbers" in imported(["doctor", "--from", "+18885550100", "--to", "+12025550123"], tmp_path, env)
