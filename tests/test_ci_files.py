"""The sample workflow, the composite action and the repository's CI: valid YAML with the expected keys,
and the action's script run for real (bash, against the sandbox)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, TEST_KEY

from msgprof_cli.sandbox.server import Sandbox

SAMPLE = ROOT / "sample-configs" / "ci" / "github-actions.yml"
ACTION = ROOT / "action.yml"
CI = ROOT / ".github" / "workflows" / "ci.yml"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> Any:
    loose: dict[Any, Any] = workflow
    return loose.get("on", loose.get(True))  # YAML 1.1 reads a bare `on` key as true


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_sample_workflow_installs_pinned_validates_all_and_summarises_the_plan() -> None:
    wf = load(SAMPLE)
    assert set(triggers(wf)) == {"pull_request", "push"}
    assert wf["concurrency"]["group"] and wf["concurrency"]["cancel-in-progress"] is False
    assert wf["defaults"]["run"]["shell"] == "bash"
    runs = [s.get("run", "") for s in steps(wf)]
    install = next(r for r in runs if "pip install" in r)
    assert "$MSGPROF_PIN" in install and wf["env"]["MSGPROF_PIN"].startswith("git+https://")
    assert wf["env"]["MSGPROF_PIN"].endswith("/msgprof@COMMIT_SHA")  # a commit SHA: no release tag exists yet
    assert not any(r.strip().endswith("pip install msgprof") for r in runs)
    assert "msgprof validate profiles/" in runs  # a directory: .yaml, .yml and .json alike
    plan = next(s for s in steps(wf) if "msgprof plan" in s.get("run", ""))
    assert "msgprof plan -f profiles/ --format markdown | tee -a \"$GITHUB_STEP_SUMMARY\"" in plan["run"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    apply = next(s for s in steps(wf) if "msgprof apply" in s.get("run", ""))
    assert "refs/heads/main" in apply["if"]


def test_action_is_a_composite_with_command_and_paths_that_installs_its_own_checkout() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"command", "paths", "python-version"}  # the `uses:` ref is the version
    assert "${{ github.action_repository }}" not in ACTION.read_text()  # not reliable inside composite actions
    install = next(s["run"] for s in action["runs"]["steps"] if "pip install" in s.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install
    assert action["inputs"]["command"]["default"] == "plan"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"]  # inputs come in through env, never spliced into the script


def test_repository_ci_runs_make_check_and_the_action() -> None:
    ci = load(CI)
    assert any(s.get("run") == "make check" for s in ci["jobs"]["check"]["steps"])
    used = [s.get("with", {}).get("command") for s in ci["jobs"]["action"]["steps"] if s.get("uses") == "./"]
    assert used == ["validate", "plan"]  # the plan against the sandbox, started in the step before
    fork = next(s for s in ci["jobs"]["fork-pr"]["steps"] if s.get("uses") == "./")
    assert fork["env"]["TELNYX_API_KEY"] == "" and fork["with"]["command"] == "plan"


PINNED = re.compile(r"YOUR-ORG/msgprof(?:@|\n[#\s]*rev:\s*)(\S+)")


def test_one_version_scheme_a_commit_sha_until_a_release_tag_exists() -> None:
    texts = {p: p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ACTION, SAMPLE,
                                        ROOT / ".pre-commit-hooks.yaml"]}  # fmt: skip
    pins = [(p.name, m.group(1)) for p, t in texts.items() for m in PINNED.finditer(t)]
    assert len(pins) >= 4 and all(pin.startswith("COMMIT_SHA") for _, pin in pins), pins
    for path, text in texts.items():
        assert not re.search(r"msgprof@v\d|rev: v\d", text), path
    assert "no release tag exists yet" in (ROOT / "docs" / "plan-apply-ci.md").read_text()


def _action_script() -> str:
    return next(s["run"] for s in load(ACTION)["runs"]["steps"] if s.get("name", "").startswith("msgprof"))


def _sample_plan_script() -> str:
    return next(s["run"] for s in steps(load(SAMPLE)) if "msgprof plan" in s.get("run", ""))


def _run_action(
    command: str,
    paths: str,
    tmp_path: Path,
    sandbox: Sandbox | None = None,
    *,
    event: str = "push",
    script: str | None = None,
) -> tuple[int, str, str]:
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ["HOME"],
        "NO_COLOR": "1",
        "COMMAND": command,
        "PATHS": paths,
        "EVENT": event,
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    if sandbox is not None:
        env |= {"TELNYX_BASE_URL": sandbox.url, "TELNYX_API_KEY": TEST_KEY}
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [bash, "-eo", "pipefail", "-c", script or _action_script()],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, summary.read_text() if summary.exists() else ""


def _profiles(tmp_path: Path) -> None:
    d = tmp_path / "profiles"
    d.mkdir()
    (d / "a.yaml").write_text("name: A\nwhitelisted_destinations: [US]\n")
    (d / "b.yml").write_text("name: B\nwhitelisted_destinations: [GB]\n")
    (d / "c.json").write_text('{"name": "C", "whitelisted_destinations": ["DE"]}')


def test_action_validate_checks_yaml_yml_and_json(tmp_path: Path) -> None:
    _profiles(tmp_path)
    code, out, _ = _run_action("validate", "profiles/", tmp_path)
    assert code == 0
    assert out.splitlines() == ["ok  profiles/a.yaml", "ok  profiles/b.yml", "ok  profiles/c.json"]
    (tmp_path / "profiles" / "b.yml").write_text("name: B\nwhitelisted_destinations: [USA]\n")
    assert _run_action("validate", "profiles/", tmp_path)[0] == 3


def test_action_plan_writes_the_markdown_plan_to_the_summary(tmp_path: Path, sandbox: Sandbox) -> None:
    _profiles(tmp_path)
    code, out, summary = _run_action("plan", "profiles/a.yaml profiles/b.yml", tmp_path, sandbox)
    assert code == 0
    assert summary == out and summary.startswith("### msgprof plan: 2 to create, 0 to update, 0 unchanged, 0 failed\n")
    assert sandbox.writes() == []  # a plan changes nothing


@pytest.mark.parametrize("command", ["destroy", "validate; touch pwned"])
def test_action_refuses_an_unknown_command(tmp_path: Path, command: str) -> None:
    code, _, _ = _run_action(command, "profiles/", tmp_path)
    assert code == 2 and not (tmp_path / "pwned").exists()


SKIPPED = "msgprof plan skipped: no TELNYX_API_KEY in this run (a pull request from a fork gets no secrets).\n"
NOTICE = "::notice::msgprof plan skipped: no TELNYX_API_KEY (pull requests from forks get no secrets)\n"


@pytest.mark.parametrize("where", ["action", "sample"])
def test_a_fork_pull_request_without_the_secret_skips_the_plan_with_a_notice(tmp_path: Path, where: str) -> None:
    _profiles(tmp_path)
    script = _sample_plan_script() if where == "sample" else None
    code, out, summary = _run_action("plan", "profiles/", tmp_path, event="pull_request", script=script)
    assert (code, out, summary) == (0, NOTICE, SKIPPED)


def test_the_sample_plan_step_with_the_secret_writes_the_markdown_plan(tmp_path: Path, sandbox: Sandbox) -> None:
    _profiles(tmp_path)
    code, out, summary = _run_action("plan", "", tmp_path, sandbox, event="pull_request", script=_sample_plan_script())
    assert code == 0 and summary == out
    assert summary.startswith("### msgprof plan: 3 to create, 0 to update, 0 unchanged, 0 failed\n")


def test_without_the_secret_outside_a_pull_request_the_plan_still_fails(tmp_path: Path) -> None:
    _profiles(tmp_path)
    code, out, summary = _run_action("plan", "profiles/", tmp_path, event="push")
    assert code == 4 and out == "" and summary == ""  # a push to main without the secret is a mistake: said, not skipped
