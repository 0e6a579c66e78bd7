"""The wheel alone is enough.

Built once per run from a copy of the sources (sdist first, then the wheel from the sdist, as
`python -m build` and `make dist` do), installed with `--no-deps` into a fresh venv that sees no
checkout, it answers `--version`, `validate` and `schema`, runs a sandbox, and `create` and
`doctor` work against that sandbox: every file a command reads is in the wheel.

Offline by construction: the build runs without isolation (setuptools>=77 and build are dev
dependencies), and the fresh venv gets the runtime dependencies by a `.pth` line naming this
interpreter's site-packages directory. A `.pth` *line* only adds the directory to sys.path; the
`.pth` files inside it (the editable install's hook to the checkout) are not run, and the venv's
own site-packages comes first, so `msgprof_cli` can only come from the wheel (asserted).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

import pytest
from conftest import ROOT, record_output, run_msgprof

from msgprof_cli import __version__

SOURCES = ["pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in", "msgprof_cli"]
NAME = f"msgprof-{__version__}"


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def _run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_and_install(root: Path) -> Dist:
    src, out, venv = root / "src", root / "dist", root / "venv"
    for name in SOURCES:  # a copy: two runs building at once never share build/ or *.egg-info
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, src)
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    # pip --python installs into the fresh venv with the venv's interpreter (console-script
    # shebangs point at it); nothing else is visible there yet, so nothing counts as installed.
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps",
         "--no-index", "--no-cache-dir", wheel)  # fmt: skip
    site = _run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "zz-msgprof-test-deps.pth").write_text("".join(f"{d}\n" for d in deps))
    return Dist(wheel, sdist, venv)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """One build and one venv per test run, shared by the xdist workers under a file lock."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "msgprof-dist"
    root.mkdir(exist_ok=True)
    with open(root.parent / "msgprof-dist.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / "done.json"
        if done.exists():
            paths = json.loads(done.read_text())
            return Dist(Path(paths["wheel"]), Path(paths["sdist"]), Path(paths["venv"]))
        built = _build_and_install(root)
        done.write_text(json.dumps({"wheel": str(built.wheel), "sdist": str(built.sdist), "venv": str(built.venv)}))
        return built


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder outside the checkout holding only the sample documents."""
    work = tmp_path / "work"
    shutil.copytree(ROOT / "sample-configs", work / "sample-configs")
    return work


def _env(dist: Dist) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "XDG_CONFIG_HOME", "LANG", "LC_ALL", "TMPDIR")}
    return keep | {"PATH": f"{dist.bin}{os.pathsep}/usr/bin{os.pathsep}/bin", "NO_COLOR": "1", "COLUMNS": "120"}


def installed(dist: Dist, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The wheel's console script `msgprof`, run in a folder outside the checkout."""
    done = subprocess.run(
        [str(dist.bin / "msgprof"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_env(dist) | (env or {}),
        timeout=60,
        check=False,
    )
    record_output(done.stdout)
    record_output(done.stderr)
    return done


def _tracked_package_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "msgprof_cli"], capture_output=True, text=True, cwd=ROOT, check=False)
    files = listed.stdout.split() if listed.returncode == 0 else []
    if not files:  # not a git checkout (an unpacked sdist): every file of the package
        files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "msgprof_cli").rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts]  # fmt: skip
    return files


def test_the_wheel_holds_every_package_file_the_license_and_complete_metadata(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as whl:
        names = set(whl.namelist())
        meta = HeaderParser().parsestr(whl.read(f"msgprof-{__version__}.dist-info/METADATA").decode())
        license_text = whl.read(f"msgprof-{__version__}.dist-info/licenses/LICENSE").decode()
    package = _tracked_package_files()
    assert len(package) > 50 and "msgprof_cli/__init__.py" in package
    assert not [f for f in package if f not in names]  # data files included: whatever a command reads
    assert dist.wheel.name == f"msgprof-{__version__}-py3-none-any.whl"
    assert meta["Name"] == "msgprof" and meta["Version"] == __version__  # one source: msgprof_cli/__init__.py
    assert meta["License-Expression"] == "MIT" and meta["License-File"] == "LICENSE"
    assert license_text == (ROOT / "LICENSE").read_text() and license_text.startswith("MIT License\n")
    assert meta["Requires-Python"] == ">=3.10" and meta["Description-Content-Type"] == "text/markdown"
    assert str(meta.get_payload()).startswith("# msgprof\n")  # the README is the long description
    assert "telnyx" in meta["Keywords"].split(",")
    classifiers = meta.get_all("Classifier") or []
    assert "Environment :: Console" in classifiers and not [c for c in classifiers if c.startswith("License ::")]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Repository", "Issues", "Changelog", "Documentation"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    entry_points = zipfile.ZipFile(dist.wheel).read(f"msgprof-{__version__}.dist-info/entry_points.txt").decode()
    assert "msgprof = msgprof_cli.launcher:main" in entry_points


def test_the_sdist_holds_what_builds_the_wheel_and_the_changelog(dist: Dist) -> None:
    assert dist.sdist.name == f"{NAME}.tar.gz"
    with tarfile.open(dist.sdist) as sdist:
        names = {n.removeprefix(f"{NAME}/") for n in sdist.getnames()}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "PKG-INFO"} <= names
    assert not [f for f in _tracked_package_files() if f not in names]
    assert not [n for n in names if n.startswith("tests/")]  # half a test suite (no conftest) would not run


def test_twine_check_strict_passes(dist: Dist) -> None:
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dist.wheel), str(dist.sdist)],
                          capture_output=True, text=True, env=os.environ | {"NO_COLOR": "1"}, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2 and "WARNING" not in done.stdout + done.stderr


def test_the_installed_wheel_runs_from_its_venv_not_the_checkout(dist: Dist, workdir: Path) -> None:
    where = subprocess.run([str(dist.bin / "python"), "-c", "import msgprof_cli; print(msgprof_cli.__file__)"],
                           capture_output=True, text=True, cwd=workdir, env=_env(dist), check=False)  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(dist.venv), where.stdout
    done = installed(dist, "--version", cwd=workdir)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"msgprof {__version__}\n", "")


def test_the_installed_wheel_validates_and_prints_the_schema_offline(dist: Dist, workdir: Path) -> None:
    done = installed(dist, "validate", "sample-configs/valid", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"ok  sample-configs/valid/{n}" for n in ("full.json", "full.yaml", "minimal.yaml")
    ]
    bad = installed(dist, "validate", "sample-configs/invalid/typo.yaml", cwd=workdir)
    assert (bad.returncode, bad.stdout) == (3, "invalid  sample-configs/invalid/typo.yaml\n")
    assert "did you mean 'webhook_url'" in bad.stderr
    schema = installed(dist, "schema", cwd=workdir)
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout) == json.loads(run_msgprof("schema").stdout)  # the checkout's, exactly


@pytest.fixture
def wheel_sandbox(dist: Dist, workdir: Path) -> Iterator[dict[str, str]]:
    """`msgprof sandbox` from the wheel, on a free port; its stdout's two export lines as env."""
    proc = subprocess.Popen([str(dist.bin / "msgprof"), "sandbox", "--port", "0", "--api-key", "wheel-test-key"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=workdir, env=_env(dist))  # fmt: skip
    try:
        assert proc.stdout is not None
        out, env = b"", dict[str, str]()
        with selectors.DefaultSelector() as sel:  # raw reads: a buffered readline could hold the second line
            sel.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + 30
            while len(env) < 2 and time.monotonic() < deadline and sel.select(deadline - time.monotonic()):
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
                found = re.findall(r"^export (TELNYX_BASE_URL|TELNYX_API_KEY)='?([^'\s]+)'?$", out.decode(), re.M)
                env = dict(found)
        assert env.keys() == {"TELNYX_BASE_URL", "TELNYX_API_KEY"}, f"the sandbox did not start: {env}"
        assert env["TELNYX_BASE_URL"].startswith("http://127.0.0.1:")
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_installed_wheel_runs_a_sandbox_and_create_and_doctor_against_it(
    dist: Dist, workdir: Path, wheel_sandbox: dict[str, str]
) -> None:
    created = installed(
        dist, "create", "-f", "sample-configs/valid/full.yaml", "--json", cwd=workdir, env=wheel_sandbox
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["name"] == "Marketing EU"
    ready = installed(dist, "doctor", "-f", "sample-configs/valid/full.yaml", cwd=workdir, env=wheel_sandbox)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert ready.stdout.startswith("Marketing EU  [sample-configs/valid/full.yaml]  ready\n")
    # The country tables (document/senders.py, phonenumbers' metadata): Acme to a US number is refused.
    refused = installed(
        dist, "doctor", "--from", "Acme", "--to", "+12025550123", "--json", cwd=workdir, env=wheel_sandbox
    )
    assert refused.returncode == 9, refused.stdout + refused.stderr
    checks = json.loads(refused.stdout)
    assert any(c["status"] == "fail" for r in (checks if isinstance(checks, list) else [checks]) for c in r["checks"])
