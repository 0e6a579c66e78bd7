"""apply --resolve-twins deletes only accidental twins; plan shows every deletion first.

Invariant (hypothesis, against the sandbox): for any set of live twins of a name, apply
--resolve-twins never deletes a twin that differs from the file or has something attached, and
when it acts it leaves exactly one profile with the name; plan --resolve-twins lists exactly the
ids that apply deletes.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TEST_KEY
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from msgprof_cli.cli import app
from msgprof_cli.sandbox.server import Sandbox

FILE = "name: Twin\nwhitelisted_destinations: [US]\n"


def seed(sb: Sandbox, k: int, *, differs: bool, attached: bool) -> str:
    pid = f"00000000-0000-4000-8000-{k:012d}"
    with sb.state.lock:
        sb.state.profiles[pid] = {
            "id": pid,
            "record_type": "messaging_profile",
            "name": "Twin",
            "enabled": True,
            "whitelisted_destinations": ["CA"] if differs else ["US"],
            "created_at": f"2026-01-01T00:00:{k:02d}.000Z",
            "updated_at": f"2026-01-01T00:00:{k:02d}.000Z",
        }
    if attached:
        sb.seed("phone_numbers", pid, {"phone_number": f"+1555000{k:04d}"})
    return pid


def invoke(sb: Sandbox, *args: str):
    env = {"TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
    return CliRunner().invoke(app, list(args), env=env, prog_name="msgprof")


def test_accidental_twins_are_deleted_only_when_asked(tmp_path: Path) -> None:
    f = tmp_path / "twin.yaml"
    f.write_text(FILE)
    with Sandbox() as sb:
        keep = seed(sb, 1, differs=False, attached=False)
        extra = seed(sb, 2, differs=False, attached=False)
        refused = invoke(sb, "plan", "-f", str(f))
        assert refused.exit_code == 5
        assert "use --resolve-twins" in refused.stdout
        plan = invoke(sb, "plan", "-f", str(f), "--resolve-twins", "--detailed-exitcode")
        assert plan.exit_code == 7, plan.stderr
        assert plan.stdout.splitlines()[0] == f"- delete Twin ({extra})  [{f}]"
        assert plan.stdout.splitlines()[-1] == "Plan: 0 to create, 0 to update, 1 to delete, 1 unchanged, 0 failed."
        applied = invoke(sb, "apply", "-f", str(f), "--resolve-twins", "--json")
        assert applied.exit_code == 0, applied.stderr
        report = json.loads(applied.stdout)
        assert report["summary"] == {"create": 0, "update": 0, "delete": 1, "unchanged": 1, "failed": 0, "setup": {}}
        assert [p["id"] for p in sb.profiles()] == [keep]


def test_the_twin_with_numbers_is_kept_and_two_real_twins_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "twin.yaml"
    f.write_text(FILE)
    with Sandbox() as sb:
        old = seed(sb, 1, differs=False, attached=False)
        used = seed(sb, 2, differs=False, attached=True)
        assert invoke(sb, "apply", "-f", str(f), "--resolve-twins").exit_code == 0
        assert [p["id"] for p in sb.profiles()] == [used]
        assert old not in {p["id"] for p in sb.profiles()}
    with Sandbox() as sb:
        seed(sb, 1, differs=True, attached=False)
        seed(sb, 2, differs=False, attached=True)
        res = invoke(sb, "apply", "-f", str(f), "--resolve-twins")
        assert res.exit_code == 5
        assert "more than one of them differs from the file or has numbers or sender IDs attached" in res.stdout
        assert len(sb.profiles()) == 2
        assert not [r for r in sb.received if r.method == "DELETE"]


twin = st.tuples(st.booleans(), st.booleans())  # (differs, attached)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example([(False, False), (False, False)])
@example([(True, False), (False, False), (False, False)])
@example([(False, True), (True, False)])
@given(st.lists(twin, min_size=2, max_size=3))
def test_resolve_twins_never_deletes_what_a_person_made(tmp_path: Path, twins: list[tuple[bool, bool]]) -> None:
    f = tmp_path / "twin.yaml"
    f.write_text(FILE)
    with Sandbox() as sb:
        ids = {seed(sb, k + 1, differs=d, attached=a): (d, a) for k, (d, a) in enumerate(twins)}
        plan = invoke(sb, "plan", "-f", str(f), "--resolve-twins", "--json")
        planned = {i["id"] for i in json.loads(plan.stdout)["items"] if i["action"] == "delete"}
        res = invoke(sb, "apply", "-f", str(f), "--resolve-twins")
        left = {p["id"] for p in sb.profiles()}
        deleted = set(ids) - left
        assert deleted == planned
        assert all(ids[pid] == (False, False) for pid in deleted)  # only accidental twins go
        real = [pid for pid, (d, a) in ids.items() if d or a]
        if len(real) <= 1:
            assert len(left) == 1 and res.exit_code == 0, res.stdout
            assert left == (set(real) if real else {min(ids)})
        else:
            assert res.exit_code == 5 and left == set(ids)
