"""Output that can't be written: a reader that goes away, a full disk, a folder in export's way.

A closed pipe (`msgprof ... | head -1`) changes nothing but the output: msgprof ends with the
exit code the command would have had, and never prints a traceback or "internal error".  A write
that fails for another reason (disk full) is exit 8, named as such.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import TEST_KEY

from msgprof_cli.sandbox.server import Sandbox


def many_documents(path: Path, n: int = 3000) -> Path:
    path.write_text("".join(f"- name: P{i}\n  whitelisted_destinations: [US]\n" for i in range(n)))
    return path


def run_and_close_early(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgprof_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline().decode()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read().decode()
    return proc.wait(timeout=60), first, err


def test_a_closed_pipe_keeps_the_commands_own_exit_code(tmp_path: Path) -> None:
    ok = many_documents(tmp_path / "ok.yaml")
    code, first, err = run_and_close_early(["validate", str(ok)])
    assert (code, first) == (0, f"ok  {ok}#1\n")
    assert "Traceback" not in err and "internal error" not in err and "Exception ignored" not in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(ok.read_text() + "- name: Bad\n  whitelisted_destinations: [usa-nope]\n")
    code, _, err = run_and_close_early(["validate", str(bad)])
    assert code == 3
    assert "Traceback" not in err and "internal error" not in err


def test_a_closed_pipe_during_plan_keeps_exit_5_for_twins(tmp_path: Path) -> None:
    with Sandbox() as sb:
        for _ in range(2):
            sb.create({"name": "Twin", "whitelisted_destinations": ["US"]})
        for i in range(300):
            sb.create({"name": f"P{i}", "whitelisted_destinations": ["US"]})
        f = many_documents(tmp_path / "p.yaml", 300)
        with f.open("a") as fh:
            fh.write("- name: Twin\n  whitelisted_destinations: [US]\n")
        env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        code, first, err = run_and_close_early(["plan", "-f", str(f)], env)
    assert code == 5, err
    assert first.startswith("= unchanged P0")
    assert "Traceback" not in err and "internal error" not in err and "Exception ignored" not in err


def test_a_full_disk_is_exit_8(tmp_path: Path) -> None:
    ok = many_documents(tmp_path / "ok.yaml", 10)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "msgprof_cli", "validate", str(ok)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 8
    assert "msgprof: error: cannot write the output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr


def test_export_force_never_replaces_a_folder(cli, sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.create({"name": "Conc", "whitelisted_destinations": ["US"]})
    out = tmp_path / "ex"
    (out / "conc.yaml").mkdir(parents=True)
    (out / "conc.yaml" / "userfile").write_text("mine\n")
    res = cli("export", "--all", "--to", str(out), "--force")
    assert res.exit_code == 0, res.stderr
    assert f"skipped {out / 'conc.yaml'}: a folder has this name (export never replaces a folder)" in res.stderr
    assert (out / "conc.yaml" / "userfile").read_text() == "mine\n"
    assert sorted(os.listdir(out)) == ["conc.yaml"]
