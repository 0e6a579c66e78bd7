"""Show that every import-linter contract in pyproject.toml fails on a probe import.

For each contract: copy the package into a temporary folder, add one import that the contract
forbids, and run `lint-imports --contract ID` on the copy.  A contract that still passes is
decorative, and this script exits 1 naming it.  `make lint` runs it after the contracts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# contract id -> (module file to touch, the forbidden import added to it)
PROBES: dict[str, list[tuple[str, str]]] = {
    "layers": [
        ("msgprof_cli/api/client.py", "import msgprof_cli.declarative.plan"),
        ("msgprof_cli/interrupt.py", "import msgprof_cli.settings"),
    ],
    "declarative-layers": [("msgprof_cli/declarative/twins.py", "import msgprof_cli.declarative.report")],
    "api-layers": [
        ("msgprof_cli/api/client.py", "import msgprof_cli.api.setup"),
        ("msgprof_cli/api/paths.py", "import msgprof_cli.api.client"),
        ("msgprof_cli/api/resources.py", "import msgprof_cli.api.client"),
        ("msgprof_cli/api/setup.py", "import msgprof_cli.api.campaigns"),
        ("msgprof_cli/api/client.py", "import msgprof_cli.api.sendpath"),
        ("msgprof_cli/api/sendpath.py", "import msgprof_cli.api.setup"),
    ],
    "commands-call-the-pipeline": [("msgprof_cli/cli/declarative.py", "import msgprof_cli.declarative.setup_plan")],
    "document-no-circle": [("msgprof_cli/document/document.py", "import msgprof_cli.document.loading")],
    "client-transport-only": [("msgprof_cli/api/client.py", "import msgprof_cli.output.render")],
    "render-decides-nothing": [("msgprof_cli/output/render.py", "import msgprof_cli.settings")],
    "document-offline": [("msgprof_cli/document/rules.py", "import requests")],
    "sandbox-standalone": [("msgprof_cli/sandbox/server.py", "import msgprof_cli.api.client")],
    "errors-leaf": [("msgprof_cli/errors.py", "import msgprof_cli.settings")],
    "only-client-imports-requests": [("msgprof_cli/settings.py", "import requests")],
    "only-render-imports-rich": [("msgprof_cli/cli/common.py", "import rich")],
    "views-draw-no-channel": [("msgprof_cli/output/report_view.py", "import msgprof_cli.output.render")],
    "only-cli-imports-typer": [
        ("msgprof_cli/declarative/plan.py", "import typer"),
        ("msgprof_cli/cli/common.py", "import click"),
    ],
}


def broken(workdir: Path, contract: str) -> bool:
    """True when lint-imports reports this contract BROKEN (not merely exits non-zero)."""
    exe = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(workdir)}
    cmd = [str(exe), str(workdir / "pyproject.toml"), "--contract", contract, "--no-cache"]
    done = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    return done.returncode != 0 and "BROKEN" in done.stdout


def main() -> int:
    failures = []
    for contract, probes in PROBES.items():
        for target, line in probes:
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                shutil.copytree(ROOT / "msgprof_cli", work / "msgprof_cli")
                shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
                with open(work / target, "a", encoding="utf-8") as fh:
                    fh.write(f"\n{line}  # probe\n")
                caught = broken(work, contract)
            verdict = "fails on the probe, as it must" if caught else "STILL PASSES: the contract enforces nothing"
            print(f"{contract}: {target} + `{line}`: {verdict}")
            if not caught:
                failures.append(contract)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
