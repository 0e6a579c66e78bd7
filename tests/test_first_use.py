"""What a new user meets first: a missing input, a file that is not a profile at all.

Invariants:
- a missing input file is exit 3 for create -f, validate, plan, apply and numbers assign -f, and
  its path is named once per message; plan says nothing was planned, apply nothing was applied;
- a file whose data is not a mapping or a list of mappings is "not a profile document", whatever
  `${` it holds (hypothesis), while a real document still gets its `${` problems.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOT_A_PROFILE = "not a profile document (expected a mapping or a list of mappings)"


def test_a_missing_input_names_its_path_once_and_exits_3(cli, tmp_path: Path) -> None:
    missing = str(tmp_path / "profiles" / "*.yaml")
    for args in (
        ("create", "-f", missing, "--dry-run"),
        ("validate", missing),
        ("plan", "-f", missing),
        ("apply", "-f", missing),
        ("numbers", "assign", "Support", "-f", missing, "--dry-run"),
    ):
        res = cli(*args)
        assert res.exit_code == 3, (args, res.stderr)
        assert f"{missing}: no such file" in res.stderr, args
        assert res.stderr.count(missing) == 1, (args, res.stderr)
        assert "hint: no file matches this pattern" in res.stderr, args


def test_plan_says_nothing_was_planned_and_apply_nothing_was_applied(cli, tmp_path: Path) -> None:
    missing = str(tmp_path / "profile")
    plan = cli("plan", "-f", missing)
    assert plan.exit_code == 3
    assert plan.stderr.endswith("msgprof: error: 1 problem found; nothing was planned\n"), plan.stderr
    apply = cli("apply", "-f", missing)
    assert apply.exit_code == 3
    assert apply.stderr.endswith("msgprof: error: 1 problem found; nothing was applied\n"), apply.stderr


def test_the_readme_is_not_a_profile_document(cli) -> None:
    readme = str(ROOT / "docs" / "plan-apply-ci.md")
    assert "${" in (ROOT / "docs" / "plan-apply-ci.md").read_text()  # the case: prose quoting `${`
    res = cli("create", "-f", readme, "--dry-run")
    assert res.exit_code == 3
    assert f"error: {readme}: {NOT_A_PROFILE}" in res.stderr
    assert "variable reference" not in res.stderr
    res = cli("validate", readme)
    assert res.exit_code == 3
    assert res.stdout == f"invalid  {readme}\n"
    assert f"error: {readme}: {NOT_A_PROFILE}" in res.stderr


def test_a_real_document_still_gets_its_reference_problems(cli, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: x\nwhitelisted_destinations: [US]\nwebhook_url: ${broken\n")
    res = cli("create", "-f", str(f), "--dry-run")
    assert res.exit_code == 3
    assert f"error: {f}:3: malformed variable reference" in res.stderr
    assert "not a profile document" not in res.stderr


scalars = st.one_of(st.integers(), st.booleans(), st.text(alphabet="abc xyz-", min_size=1, max_size=20))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(scalars, st.lists(scalars, min_size=1, max_size=4)))
def test_data_that_is_not_profiles_is_said_to_be_so_whatever_its_references(cli, tmp_path: Path, data) -> None:
    f = tmp_path / "data.yaml"
    f.write_text(yaml.safe_dump(data) + "--- see ${oops\n")  # a second document holding a bad `${`
    res = cli("validate", str(f))
    assert res.exit_code == 3
    assert f"error: {f}: {NOT_A_PROFILE}" in res.stderr, res.stderr
    assert "variable reference" not in res.stderr


key_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)


def test_the_sandbox_refuses_at_start_every_key_msgprof_would_refuse(cli, sandbox) -> None:
    """One rule (settings.key_problem): a key the sandbox starts with is one msgprof sends, and a
    key msgprof refuses stops the sandbox before it listens (exit 2)."""
    from typer.testing import CliRunner

    from msgprof_cli.cli import app
    from msgprof_cli.settings import key_problem

    @settings(max_examples=60, deadline=None)
    @given(key=key_text)
    def check(key: str) -> None:
        if key_problem(key) is not None:
            res = cli("sandbox", "--port", "0", "--api-key", key)
            assert res.exit_code == 2, (key, res.stderr)
            assert "hint: API keys are visible ASCII characters (! to ~), no spaces" in res.stderr
            if key == key.strip():  # msgprof trims a key's ends; anything else refused is refused alike
                used = CliRunner().invoke(app, ["list"], env={"TELNYX_API_KEY": key}, prog_name="msgprof")
                assert used.exit_code == 4, (key, used.stderr)
        else:
            sandbox.api_key = key
            used = CliRunner().invoke(app, ["list", "--json"], env={"TELNYX_API_KEY": key}, prog_name="msgprof")
            assert used.exit_code == 0, (key, used.stderr)

    check()
    # the case the user met: a space is printable, but not sendable, and the hint says so
    res = cli("sandbox", "--port", "0", "--api-key", 'k ey$"x')
    assert res.exit_code == 2
    assert res.stderr.startswith("msgprof: error: --api-key contains a character that cannot be sent (U+0020")
    assert res.stdout == ""  # no export line for a key that can't be used


SETUP_DRY_RUNS = [
    (["sender-ids", "remove", "P", "Acme"], "DELETE", "/alphanumeric_sender_ids/<id of 'Acme' on 'P'>", None),
    (["autoresp", "delete", "P", "c1"], "DELETE", "/messaging_profiles/<id of 'P'>/autoresp_configs/c1", None),
    (
        ["numbers", "assign", "P", "+12025550100"],
        "PATCH",
        "/phone_numbers/<id of +12025550100>/messaging",
        {"messaging_profile_id": "<id of 'P'>"},
    ),
]


def test_setup_dry_runs_print_what_create_dry_run_prints(cli, monkeypatch) -> None:
    """Method and URL, the headers (key redacted), then the body: the same shape for every command."""
    import json

    monkeypatch.setenv("TELNYX_API_KEY", "KEY-never-shown-1234")
    created = cli("create", "--name", "P", "--whitelist", "US", "--dry-run")
    headers = created.stdout.split("\n\n")[0].splitlines()[1:]
    assert headers[0] == "Authorization: Bearer <redacted>" and len(headers) == 3
    for args, method, path, body in SETUP_DRY_RUNS:
        args = [*args, "--dry-run"] + (["--yes"] if args[0] != "numbers" else [])  # assign asks nothing
        res = cli(*args)
        assert res.exit_code == 0, (args, res.stderr)
        url = "https://api.telnyx.com/v2" + path
        expected = "\n".join([f"{method} {url}", *headers])
        if body is not None:
            expected += "\n\n" + json.dumps(body, indent=2)
        assert res.stdout == expected + "\n", args
        assert "KEY-never-shown" not in res.stdout + res.stderr
        (item,) = json.loads(cli(*args, "--json").stdout)
        assert item["headers"]["Authorization"] == "Bearer <redacted>" and item["body"] == body


def test_messages_a_new_user_met(cli, sandbox, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: Codes\nwhitelisted_destinations: [UK, XX]\n")
    res = cli("validate", str(f))
    assert "'UK' is not an ISO 3166-1 alpha-2 country code" in res.stderr
    assert "'XX' is not an ISO 3166-1 alpha-2 country code" in res.stderr
    res = cli("create", "--name", "x", "--whitelist", "US", "--daily-spend-limit", "10,5", "--dry-run")
    assert res.exit_code == 3 and "hint: expected a decimal number with a dot, e.g. 10.50\n" in res.stderr
    res = cli("sender-ids", "add", "Support", "Acme Corp Ltd!", "--dry-run")
    assert res.exit_code == 3
    assert "'Acme Corp Ltd!' is 14 characters long; a sender ID has at most 11, and holds '!'" in res.stderr
    res = cli("export")
    assert res.exit_code == 2
    assert res.stderr.startswith("msgprof: error: give ID|NAME... (the profiles to export) or --all\n")
    assert cli("create", "--name", "J", "--whitelist", "US").exit_code == 0
    res = cli("update", "J", "--pool-geomatch")
    assert res.exit_code == 3
    assert res.stderr.count("hint:") == 1, res.stderr  # one hint for the object, not one per field
    assert "give all its required fields (long_code_weight, toll_free_weight, skip_unhealthy)" in res.stderr
    res = cli("numbers", "unassign", "+19995550100", "--yes")
    assert res.exit_code == 5
    assert "msgprof: error: the number failed\n  hint: the table says why\n" in res.stderr
    assert "other numbers" not in res.stderr
