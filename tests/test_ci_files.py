"""The sample workflow, the composite action, the release workflow and the repository's CI.

- Every workflow passes actionlint (with shellcheck on every `run:` script).
- No secret is referenced at workflow or job level, only in the `env` (or `with`) of a step; in the
  sample, exactly the steps that call the API (doctor, plan, apply) get the key.  Every action is
  pinned by a 40-hex commit SHA.  Both checks fail on planted probes.
- The sample's scripts run for real (bash, curl, jq) against the sandbox and a loopback stand-in for
  GitHub's REST API (tests/fake_github.py): one plan comment per pull request, updated on each push;
  a fork's pull request skips doctor and plan with a notice and passes; one drift issue.
- One version: every `msgprof==X.Y.Z` and the release tag check agree with msgprof_cli/__init__.py."""

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
from conftest import ROOT, TEST_KEY, record_output
from fake_github import FakeGitHub

from msgprof_cli import __version__
from msgprof_cli.sandbox.server import Sandbox

SAMPLE = ROOT / "sample-configs" / "ci" / "github-actions.yml"
ACTION = ROOT / "action.yml"
CI = ROOT / ".github" / "workflows" / "ci.yml"
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + sorted(
    (ROOT / "sample-configs" / "ci").glob("*.yml")
)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> Any:
    loose: dict[Any, Any] = workflow
    return loose.get("on", loose.get(True))  # YAML 1.1 reads a bare `on` key as true


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_action_is_a_composite_with_command_and_paths_that_installs_its_own_checkout() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"command", "paths", "python-version"}  # the `uses:` ref is the version
    assert "YOUR-ORG" not in ACTION.read_text() and "COMMIT_SHA" not in ACTION.read_text()
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
    assert any(s.get("run") == "make check" for s in ci["jobs"]["check"]["steps"])  # actionlint runs in the tests
    assert any(s.get("run") == "make dist" for s in ci["jobs"]["dist"]["steps"])
    used = [s.get("with", {}).get("command") for s in ci["jobs"]["action"]["steps"] if s.get("uses") == "./"]
    assert used == ["validate", "plan"]  # the plan against the sandbox, started in the step before
    fork = next(s for s in ci["jobs"]["fork-pr"]["steps"] if s.get("uses") == "./")
    assert fork["env"]["TELNYX_API_KEY"] == "" and fork["with"]["command"] == "plan"


def _action_script() -> str:
    return next(s["run"] for s in load(ACTION)["runs"]["steps"] if s.get("name", "").startswith("msgprof"))


def _run_action(
    command: str,
    paths: str,
    tmp_path: Path,
    sandbox: Sandbox | None = None,
    *,
    event: str = "push",
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
        [bash, "-eo", "pipefail", "-c", _action_script()],
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


@pytest.mark.parametrize("command", ["plan", "doctor"])
def test_a_fork_pull_request_without_the_secret_skips_the_action_with_a_notice(tmp_path: Path, command: str) -> None:
    _profiles(tmp_path)
    code, out, summary = _run_action(command, "profiles/", tmp_path, event="pull_request")
    assert (code, out, summary) == (0, NOTICE.replace("plan", command), SKIPPED.replace("plan", command))


def test_action_doctor_checks_the_documents_routes(tmp_path: Path, sandbox: Sandbox) -> None:
    _profiles(tmp_path)
    assert _run_action("doctor", "profiles/a.yaml", tmp_path, sandbox)[0] == 0
    (tmp_path / "profiles" / "a.yaml").write_text("name: A\nwhitelisted_destinations: [US]\nalpha_sender: Acme\n")
    code, out, _ = _run_action("doctor", "profiles/a.yaml", tmp_path, sandbox)
    assert code == 9 and "United States (US) refuses alphanumeric senders" in out


def test_without_the_secret_outside_a_pull_request_the_plan_still_fails(tmp_path: Path) -> None:
    _profiles(tmp_path)
    code, out, summary = _run_action("plan", "profiles/", tmp_path, event="push")
    assert (
        code == 4 and out == "" and summary == ""
    )  # a push to main without the secret is a mistake: said, not skipped


# --- Every workflow: actionlint, secrets only in steps, actions pinned by commit SHA -----------------

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[^@\s]+)?@[0-9a-f]{40}$")


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    bindir = Path(sys.executable).parent  # actionlint and shellcheck: wheels with their binaries (dev extras)
    assert (bindir / "actionlint").exists() and (bindir / "shellcheck").exists(), "run `make install`"
    return subprocess.run([str(bindir / "actionlint"), "-no-color", *map(str, paths)], capture_output=True,
                          text=True, cwd=ROOT, env={"PATH": f"{bindir}{os.pathsep}/usr/bin{os.pathsep}/bin",
                                                    "HOME": os.environ["HOME"]}, timeout=120, check=False)  # fmt: skip


def test_every_workflow_passes_actionlint_and_shellcheck() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "release.yml", "github-actions.yml"} <= names
    done = _lint(*WORKFLOWS)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_actionlint_fails_on_a_planted_workflow_error(tmp_path: Path) -> None:
    text = SAMPLE.read_text()
    probes = {
        "shellcheck": text.replace('run: msgprof validate "$PROFILES"', "run: msgprof validate $PROFILES"),
        "expression": text.replace("steps.plan.outputs.planned", "steps.plann.outputs.planned"),
        "needs": RELEASE.read_text().replace("needs: build", "needs: bulid"),
    }
    for name, probe in probes.items():
        assert probe != (RELEASE if name == "needs" else SAMPLE).read_text(), name
        (tmp_path / f"{name}.yml").write_text(probe)
        done = _lint(tmp_path / f"{name}.yml")
        assert done.returncode == 1 and done.stdout, name


def _expressions(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _expressions(k) + _expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in _expressions(v)]
    return [str(value)] if isinstance(value, str) and "secrets." in value else []


def workflow_problems(workflow: dict[str, Any]) -> list[str]:
    """A secret referenced outside a step (workflow or job level, `secrets: inherit`) and any action
    not pinned by a full commit SHA; a composite action's steps are checked the same way."""
    problems = []
    jobs: dict[str, Any] = workflow.get("jobs") or {}
    if "runs" in workflow:
        jobs = {"(action)": workflow["runs"]}
    outside = {k: v for k, v in workflow.items() if k != "jobs" and k != "runs"}
    problems += [f"workflow level: {e}" for e in _expressions(outside)]
    for name, job in jobs.items():
        job_level = {k: v for k, v in job.items() if k != "steps"}
        problems += [f"job {name}: {e}" for e in _expressions(job_level)]
        if job.get("secrets") == "inherit":
            problems.append(f"job {name}: secrets: inherit")
        uses = [job["uses"]] if "uses" in job else []
        uses += [step["uses"] for step in job.get("steps") or [] if "uses" in step]
        for ref in uses:
            if not (
                ref.startswith("./") or SHA_PIN.match(ref) or re.match(r"^docker://[^@]+@sha256:[0-9a-f]{64}$", ref)
            ):
                problems.append(f"job {name}: {ref} is not pinned by a commit SHA")
    return problems


def test_no_secret_above_a_step_and_every_action_pinned_by_commit_sha() -> None:
    for path in [*WORKFLOWS, ACTION]:
        assert workflow_problems(load(path)) == [], path
    for path in WORKFLOWS:  # the tag each SHA had, for a reader and for Dependabot
        for line in path.read_text().splitlines():
            if re.search(r"uses: [\w.-]+/[\w.-]+@", line):
                assert re.search(r"@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", line), line


def test_the_scope_and_pin_check_fails_on_planted_probes() -> None:
    wf = load(SAMPLE)
    key = "${{ secrets.TELNYX_API_KEY }}"
    probes: list[tuple[str, dict[str, Any]]] = [
        ("workflow level", wf | {"env": {**wf["env"], "TELNYX_API_KEY": key}}),
        (
            "job review",
            wf | {"jobs": {**wf["jobs"], "review": {**wf["jobs"]["review"], "env": {"TELNYX_API_KEY": key}}}},
        ),
        (
            "job apply",
            wf
            | {
                "jobs": {
                    **wf["jobs"],
                    "apply": {**wf["jobs"]["apply"], "environment": {"name": "x", "url": "${{ secrets.URL }}"}},
                }
            },
        ),  # fmt: skip
        (
            "secrets: inherit",
            wf | {"jobs": {"call": {"uses": f"o/r/.github/workflows/w.yml@{'a' * 40}", "secrets": "inherit"}}},
        ),
        ("not pinned", wf | {"jobs": {"x": {"steps": [{"uses": "actions/checkout@v4"}]}}}),
        ("not pinned", wf | {"jobs": {"x": {"steps": [{"uses": f"actions/checkout@{'a' * 39}"}]}}}),
        ("not pinned", wf | {"jobs": {"x": {"steps": [{"uses": "docker://alpine:3"}]}}}),
        ("not pinned", wf | {"jobs": {"x": {"uses": "o/r/.github/workflows/w.yml@main"}}}),
    ]
    for expected, probe in probes:
        found = workflow_problems(probe)
        assert found and all(expected in p for p in found), (expected, found)


def test_in_the_sample_exactly_the_steps_that_call_the_api_get_the_key() -> None:
    for name, job in load(SAMPLE)["jobs"].items():
        for step in job["steps"]:
            run = step.get("run", "")
            calls_api = bool(re.search(r"^\s*msgprof (doctor|plan|apply)\b", run, flags=re.M))  # a command, not an echo
            assert ("TELNYX_API_KEY" in step.get("env", {})) == calls_api, (name, step.get("name"))
            if calls_api:
                assert step["env"]["TELNYX_API_KEY"] == "${{ secrets.TELNYX_API_KEY }}"


# --- The sample workflow ---------------------------------------------------------------------------


def test_the_sample_installs_the_pinned_release_and_has_no_placeholder() -> None:
    wf = load(SAMPLE)
    text = SAMPLE.read_text()
    assert wf["env"]["MSGPROF_VERSION"] == __version__ and wf["env"]["PROFILES"] == "profiles/"
    for job in wf["jobs"].values():
        installs = [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
        assert installs == ['python -m pip install "msgprof==$MSGPROF_VERSION"']
    for placeholder in ("YOUR-", "COMMIT_SHA", "CHANGEME", "TODO", "XXX", "<org>", "<owner>"):
        assert placeholder not in text, placeholder
    assert set(triggers(wf)) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert wf["concurrency"]["cancel-in-progress"] is False and wf["defaults"]["run"]["shell"] == "bash"
    assert wf["permissions"] == {"contents": "read"}


def test_the_sample_reviews_validate_doctor_plan_comment_in_that_order() -> None:
    review = load(SAMPLE)["jobs"]["review"]
    assert review["if"] == "github.event_name == 'pull_request'"
    assert review["permissions"] == {"contents": "read", "pull-requests": "write"}
    runs = [s.get("run", "") for s in review["steps"]]
    order = [next(i for i, r in enumerate(runs) if needle in r) for needle in
             ('msgprof validate "$PROFILES"', 'msgprof doctor -f "$PROFILES"',
              'msgprof plan -f "$PROFILES" --format markdown', "<!-- msgprof-plan -->")]  # fmt: skip
    assert order == sorted(order)


def test_the_sample_applies_on_the_default_branch_behind_an_environment() -> None:
    wf = load(SAMPLE)
    apply = wf["jobs"]["apply"]
    assert (
        apply["if"]
        == "github.event_name == 'push' && github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    )
    assert apply["environment"] == "telnyx-production"
    assert [s for s in apply["steps"] if 'msgprof apply -f "$PROFILES"' in s.get("run", "")]
    elsewhere = [s.get("run", "") for n, j in wf["jobs"].items() if n != "apply" for s in j["steps"]]
    assert not [r for r in elsewhere if re.search(r"^\s*msgprof apply", r, flags=re.M)]  # apply runs nowhere else
    drift = wf["jobs"]["drift"]
    assert drift["permissions"] == {"contents": "read", "issues": "write"}
    assert any("--detailed-exitcode" in s.get("run", "") for s in drift["steps"])


GH_TOKEN = "ghs-test-token-0000"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


class Runner:
    """Runs a step of the sample as GitHub's runner would: `bash --noprofile --norc -eo pipefail`,
    the workflow's and the step's env (expressions from a fixed table; an unknown one fails the
    test), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, and GITHUB_API_URL at the fake."""

    def __init__(self, tmp_path: Path, github: FakeGitHub, *, key: str = "", base_url: str = "") -> None:
        self.work = tmp_path / "repo"
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.github = github
        self.key = key
        self.base_url = base_url
        self.workflow = load(SAMPLE)
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = tmp_path / "summary.md"

    def value(self, text: str) -> str:
        table = {
            "secrets.TELNYX_API_KEY": self.key,
            "github.token": GH_TOKEN,
            "github.event.pull_request.number": "7",
            "github.event.pull_request.head.sha": "0123456789abcdef0123456789abcdef01234567",
        }
        for step, outs in self.outputs.items():
            table |= {f"steps.{step}.outputs.{k}": v for k, v in outs.items()}

        def one(m: re.Match[str]) -> str:
            if m.group(1).startswith("steps.") and m.group(1).split(".")[1] in {"plan"}:
                return table.get(m.group(1), "")  # an output never set is empty
            assert m.group(1) in table, f"no value for {m.group(0)}"
            return table[m.group(1)]

        return EXPRESSION.sub(one, text)

    def run(self, job: str, name: str) -> tuple[int, str, str]:
        step = next(s for s in self.workflow["jobs"][job]["steps"] if s.get("name") == name)
        output = self.temp / f"output-{job}-{step.get('id', 'x')}"
        output.write_text("")
        env = {k: self.value(str(v)) for k, v in {**self.workflow["env"], **step.get("env", {})}.items()}
        env |= {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": os.environ["HOME"],
            "NO_COLOR": "1",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_API_URL": self.github.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": self.github.repo,
            "GITHUB_RUN_ID": "42",
        }
        if self.base_url:
            env["TELNYX_BASE_URL"] = self.base_url
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              capture_output=True, text=True, cwd=self.work, env=env, timeout=120, check=False)  # fmt: skip
        record_output(done.stdout)
        record_output(done.stderr)
        if "id" in step:
            self.outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return done.returncode, done.stdout, done.stderr


PLAN_STEP, DOCTOR_STEP, COMMENT_STEP = (
    "Plan",
    "Doctor",
    "Comment the plan on the pull request (one comment, updated on each push)",
)


def _repo(tmp_path: Path) -> None:
    """The checked-out repository: profiles/ with a.yaml, b.yml and c.json."""
    _profiles(tmp_path)
    (tmp_path / "repo").mkdir()
    (tmp_path / "profiles").rename(tmp_path / "repo" / "profiles")


def _comments(github: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in github.comments.get(7, []) if "<!-- msgprof-plan -->" in c["body"]]


def test_the_plan_is_one_pull_request_comment_updated_on_each_push(tmp_path: Path, sandbox: Sandbox) -> None:
    _repo(tmp_path)
    with FakeGitHub(GH_TOKEN) as github:
        for n in range(150):  # the bot's comment lands on the second page
            github.add_comment(7, f"review comment {n}", {"login": f"reviewer{n}", "type": "User"})
        github.add_comment(7, "<!-- msgprof-plan -->\nI pasted the marker", {"login": "mallory", "type": "User"})
        runner = Runner(tmp_path, github, key=TEST_KEY, base_url=sandbox.url)
        assert runner.run("review", DOCTOR_STEP)[0] == 0
        code, out, _ = runner.run("review", PLAN_STEP)
        assert code == 0 and runner.outputs["plan"] == {"planned": "true"}
        assert out.startswith("### msgprof plan: 3 to create, 0 to update, 0 unchanged, 0 failed\n")
        assert runner.run("review", COMMENT_STEP)[:2] == (0, "posted the plan comment\n")
        first = [c for c in _comments(github) if c["user"]["login"] == "github-actions[bot]"]
        assert len(first) == 1 and "3 to create" in first[0]["body"] and "msgprof doctor" in first[0]["body"]
        assert first[0]["body"].startswith("<!-- msgprof-plan -->\n### msgprof plan")

        # The next push: one document more.  The same comment is updated; no second one appears.
        (runner.work / "profiles" / "d.yaml").write_text("name: D\nwhitelisted_destinations: [FR]\n")
        runner.run("review", PLAN_STEP)
        assert runner.run("review", COMMENT_STEP)[:2] == (0, f"updated the plan comment {first[0]['id']}\n")
        mine = [c for c in _comments(github) if c["user"]["login"] == "github-actions[bot]"]
        assert len(mine) == 1 and mine[0]["id"] == first[0]["id"] and "4 to create" in mine[0]["body"]
        assert len(github.comments[7]) == 152  # nobody else's comment was touched
        assert github.comments[7][150]["body"] == "<!-- msgprof-plan -->\nI pasted the marker"
    assert sandbox.writes() == []  # review changes nothing in the account


def test_the_comment_escapes_doctor_output_and_a_refused_route_fails_doctor_but_is_still_planned(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    _repo(tmp_path)
    (tmp_path / "repo" / "profiles" / "a.yaml").write_text(
        "name: A <b>bold</b>\nwhitelisted_destinations: [US]\nalpha_sender: Acme\n")  # fmt: skip
    with FakeGitHub(GH_TOKEN) as github:
        runner = Runner(tmp_path, github, key=TEST_KEY, base_url=sandbox.url)
        code, out, _ = runner.run("review", DOCTOR_STEP)
        assert code == 9 and "refuses alphanumeric senders" in out
        assert runner.run("review", PLAN_STEP)[0] == 0  # the workflow runs it after a failed doctor (if: !cancelled())
        assert runner.run("review", COMMENT_STEP)[0] == 0
        (body,) = [c["body"] for c in _comments(github)]
        doctor = body[body.index("<pre>") : body.index("</pre>")]
        assert "A &lt;b&gt;bold&lt;/b&gt;" in doctor and "<b>" not in doctor
    step = next(s for s in load(SAMPLE)["jobs"]["review"]["steps"] if s.get("name") == PLAN_STEP)
    assert step["if"] == "${{ !cancelled() && steps.validate.outcome == 'success' }}"


def test_a_fork_pull_request_runs_the_offline_checks_and_skips_doctor_and_plan_with_a_notice(tmp_path: Path) -> None:
    _repo(tmp_path)
    with FakeGitHub(GH_TOKEN) as github:
        runner = Runner(tmp_path, github, key="")  # a fork's pull request: the secret is empty
        assert runner.run("review", "Validate (offline)")[0] == 0
        assert runner.run("review", DOCTOR_STEP)[:2] == (0, NOTICE.replace("plan", "doctor"))
        assert runner.run("review", PLAN_STEP)[:2] == (0, NOTICE)
        assert runner.summary.read_text() == SKIPPED
        assert runner.outputs["plan"] == {}  # so the comment step does not run
        step = next(s for s in load(SAMPLE)["jobs"]["review"]["steps"] if s.get("name") == COMMENT_STEP)
        assert step["if"] == "${{ !cancelled() && steps.plan.outputs.planned == 'true' }}"
        assert github.requests == []


DRIFT_PLAN, DRIFT_ISSUE = (
    "Plan (exit 7 when the account differs from the files)",
    "Open, update or close the drift issue",
)


def _drift_issues(github: FakeGitHub) -> list[dict[str, Any]]:
    return [i for i in github.issues if i["body"].startswith("<!-- msgprof-drift -->")]


def test_the_drift_check_opens_one_issue_updates_it_and_closes_it_after_apply(tmp_path: Path, sandbox: Sandbox) -> None:
    _repo(tmp_path)
    with FakeGitHub(GH_TOKEN) as github:
        github.add_issue("a pull request", "<!-- msgprof-drift -->", pull_request={"url": "x"})  # issues lists PRs too
        github.add_issue("pasted", "<!-- msgprof-drift --> by hand", {"login": "mallory", "type": "User"})
        runner = Runner(tmp_path, github, key=TEST_KEY, base_url=sandbox.url)
        for attempt in range(2):
            code, out, _ = runner.run("drift", DRIFT_PLAN)
            assert code == 0 and runner.outputs["plan"] == {"drifted": "true"}
            assert runner.run("drift", DRIFT_ISSUE)[:2] == (
                0,
                "opened a drift issue\n" if attempt == 0 else "updated drift issue #3\n",
            )
            mine = [
                i
                for i in _drift_issues(github)
                if i["user"]["login"] == "github-actions[bot]" and "pull_request" not in i
            ]
            assert len(mine) == 1 and mine[0]["state"] == "open" and "3 to create" in mine[0]["body"]
        assert runner.run("apply", "Apply")[0] == 0
        assert {p["name"] for p in sandbox.profiles()} == {"A", "B", "C"}
        assert runner.run("drift", DRIFT_PLAN)[0] == 0 and runner.outputs["plan"] == {"drifted": "false"}
        assert runner.run("drift", DRIFT_ISSUE)[:2] == (0, "closed drift issue #3\n")
        assert github.issues[2]["state"] == "closed" and "No drift any more" in github.comments[3][0]["body"]
        assert [i["state"] for i in github.issues[:2]] == ["open", "open"]  # the others untouched
        runner.run("drift", DRIFT_PLAN)
        assert runner.run("drift", DRIFT_ISSUE)[:2] == (0, "")  # nothing open, nothing drifted: nothing to do


def test_a_failing_drift_plan_fails_the_run_and_touches_no_issue(tmp_path: Path) -> None:
    _repo(tmp_path)
    with FakeGitHub(GH_TOKEN) as github:
        runner = Runner(tmp_path, github, key="", base_url="http://127.0.0.1:9/v2")
        code, _, _ = runner.run("drift", DRIFT_PLAN)
        assert code == 4 and runner.outputs["plan"] == {}  # no key: exit 4, no issue step input


# --- One version -------------------------------------------------------------------------------------


def test_one_version_everywhere_and_one_repository_url() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()  # read as text: tomllib is not in Python 3.10
    assert 'dynamic = ["version"]' in pyproject and not re.search(r"^version\s*=\s*\"", pyproject, flags=re.M)
    assert 'version = { attr = "msgprof_cli.__version__" }' in pyproject  # msgprof_cli/__init__.py only
    (repository,) = re.findall(r'^Repository = "(.+)"$', pyproject, flags=re.M)
    texts = {p: p.read_text() for p in [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / ".pre-commit-hooks.yaml",
                                        ACTION, *WORKFLOWS, *sorted((ROOT / "docs").glob("*.md"))]}  # fmt: skip
    pin = r'(?:msgprof==|MSGPROF_VERSION: "|rev: v|msgprof refs/tags/v|the tag v)(\d+\.\d+\.\d+)'
    pins = [(p.name, v) for p, t in texts.items() for v in re.findall(pin, t)]
    assert {n for n, _ in pins} >= {"README.md", "github-actions.yml", "plan-apply-ci.md", ".pre-commit-hooks.yaml",
                                    "action.yml"} and {v for _, v in pins} == {__version__}, pins  # fmt: skip
    urls = {(p.name, u) for p, t in texts.items() for u in re.findall(r"https://github\.com/[\w.-]+/msgprof\b", t)}
    assert urls and {u for _, u in urls} == {repository}, urls
    for path, text in texts.items():
        assert "YOUR-ORG" not in text and "COMMIT_SHA" not in text, path
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, flags=re.M)
    assert re.search(r"^## \[Unreleased\]$", changelog, flags=re.M)


def test_the_release_workflow_tests_builds_attests_and_publishes_without_a_token(tmp_path: Path) -> None:
    wf = load(RELEASE)
    assert triggers(wf) == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+*"]}} and wf["permissions"] == {}
    jobs = wf["jobs"]
    assert jobs["build"]["needs"] == "test" and jobs["publish"]["needs"] == "build"
    assert any(s.get("run") == "make check" for s in jobs["test"]["steps"])
    assert any(s.get("run") == "make dist" for s in jobs["build"]["steps"])
    assert jobs["build"]["permissions"] == {"contents": "read", "id-token": "write", "attestations": "write"}
    assert [s["uses"].split("@")[0] for s in jobs["build"]["steps"] if "uses" in s][-2:] == [
        "actions/attest-build-provenance", "actions/upload-artifact"]  # fmt: skip
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"} and publish["environment"]["name"] == "pypi"
    (upload,) = [s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in upload and "secrets." not in RELEASE.read_text()  # trusted publishing: no token anywhere
    # The tag check, run for real: the version's tag passes, another fails.
    step = next(s for s in jobs["test"]["steps"] if s.get("name", "").startswith("The tag is the version"))
    for tag, code in ((f"v{__version__}", 0), ("v9.9.9", 1)):
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], capture_output=True, text=True,
                              cwd=ROOT, env={"PATH": os.environ["PATH"], "TAG": tag}, check=False)  # fmt: skip
        assert done.returncode == code, (tag, done.stdout, done.stderr)


def _header(path: Path) -> str:
    lines = path.read_text().splitlines()
    return " ".join(line.lstrip("# ") for line in lines[: next(i for i, x in enumerate(lines) if not x.startswith("#"))])


def test_apply_runs_on_the_default_branch_whatever_its_name() -> None:
    """A repository whose default branch is `master` or `trunk` applies too: the push trigger names
    no branch (the job's `if:` reads the default branch from the event), and nothing in the sample
    names `main` as a branch."""
    wf = load(SAMPLE)
    push = triggers(wf)["push"]
    assert "branches" not in push and "branches-ignore" not in push, push
    assert push["paths"] == triggers(wf)["pull_request"]["paths"]
    assert "github.event.repository.default_branch" in wf["jobs"]["apply"]["if"]
    assert not re.search(r"refs/heads/main|branches:\s*\[?\s*main", SAMPLE.read_text())


def test_the_header_says_doctor_fails_the_check_and_how_to_make_it_advisory() -> None:
    header = " ".join(_header(SAMPLE).split())
    assert "exit 9" in header and "already" in header and "continue-on-error: true" in header
    doctor = next(s for s in load(SAMPLE)["jobs"]["review"]["steps"] if s.get("name") == "Doctor")
    assert "continue-on-error" not in doctor  # the default is a failing check; advisory is opt-in


def test_the_advisory_doctor_variant_passes_actionlint(tmp_path: Path) -> None:
    """The header's advice, applied as written, is still a valid workflow."""
    text = SAMPLE.read_text()
    old = "      - name: Doctor\n"
    assert text.count(old) == 1
    variant = tmp_path / "advisory.yml"
    variant.write_text(text.replace(old, old + "        continue-on-error: true\n"))
    assert next(s for s in load(variant)["jobs"]["review"]["steps"] if s.get("name") == "Doctor")["continue-on-error"]
    done = _lint(variant)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
