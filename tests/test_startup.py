"""Guards that keep start-up fast: what each fast path must not import (checked in a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEST_KEY

from msgprof_cli.sandbox.server import Sandbox

SAMPLE = str(ROOT / "sample-configs" / "valid" / "full.yaml")


def imported(args: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> set[str]:
    """Top-level packages a real `python -X importtime -m msgprof_cli ARGS` imported."""
    import os

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "msgprof_cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    mods = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            mods.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "msgprof_cli" in mods
    return mods


HEAVY = {"requests", "urllib3", "pydantic", "rich", "charset_normalizer", "idna"}


@pytest.mark.parametrize(
    "args",
    [
        ["validate", SAMPLE],
        ["schema"],
        ["create", "-f", SAMPLE, "--dry-run"],
        ["create", "--name", "x", "--whitelist", "US", "--dry-run", "--json"],
    ],
    ids=["validate", "schema", "create-dry-run", "create-dry-run-json"],
)
def test_offline_paths_import_neither_requests_nor_rich_nor_pydantic(args: list[str], tmp_path: Path) -> None:
    assert not imported(args, tmp_path) & HEAVY


def test_version_imports_not_even_typer(tmp_path: Path) -> None:
    mods = imported(["--version"], tmp_path)
    assert not mods & (HEAVY | {"typer", "yaml"})


def test_create_json_does_not_draw_with_rich(tmp_path: Path, sandbox: Sandbox) -> None:
    mods = imported(
        ["create", "-f", SAMPLE, "--json"], tmp_path, {"TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": TEST_KEY}
    )
    assert "requests" in mods  # it did call the API
    assert not mods & {"rich", "pydantic"}
