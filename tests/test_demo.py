"""`make demo` (scripts/demo.sh) works: the README's "run it" command."""

from __future__ import annotations

import os
import subprocess

from conftest import ROOT


def test_demo_creates_lists_and_stops_the_sandbox() -> None:
    # the demo runs .venv/bin/msgprof, which `make install` (and so `make test`) creates
    assert (ROOT / ".venv" / "bin" / "msgprof").exists(), "run `make install` first"
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo.sh")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # a caller whose environment points at the real API: the demo still runs on the sandbox
        env={**os.environ, "NO_COLOR": "1", "TELNYX_API_KEY": "KEY-real", "TELNYX_BASE_URL": "https://192.0.2.1/v2"},
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "# sandbox running at http://127.0.0.1:" in out
    assert ["name", "Marketing EU"] in [line.split(None, 1) for line in out.splitlines()]
    listing = out.split("msgprof list\n", 1)[1].splitlines()
    assert listing[0].split() == ["ID", "NAME", "ENABLED", "DESTINATIONS", "CREATED"]
    assert [line.split()[1] for line in listing[1:3]] == ["Marketing", "Support"]
    assigned = out.split("msgprof numbers assign Support +12025550100 +12025550101\n", 1)[1].splitlines()
    assert [line.split()[:2] for line in assigned[1:3]] == [["+12025550100", "assigned"], ["+12025550101", "assigned"]]
    numbers = out.split("msgprof numbers list Support\n", 1)[1].splitlines()
    assert numbers[0].split()[0] == "PHONE_NUMBER"
    assert [line.split()[0] for line in numbers[1:3]] == ["+12025550100", "+12025550101"]
    assert out.rstrip().endswith("# stopping the sandbox")
    port = out.split("127.0.0.1:", 1)[1].split("/", 1)[0]
    import socket

    with socket.socket() as s:  # the sandbox is gone: its port refuses connections
        assert s.connect_ex(("127.0.0.1", int(port))) != 0


def test_the_demos_steps_refuse_to_run_outside_a_sandbox() -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo.sh"), "--inside-sandbox"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TELNYX_API_KEY": "KEY-real", "TELNYX_BASE_URL": "https://192.0.2.1/v2"},
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "demo: not inside a sandbox" in done.stderr
