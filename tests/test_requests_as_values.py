"""Every write described once, as a value (issue 27, deliverable 1).

Invariants:
* a ``--dry-run`` of each setup command (and of create/update) prints exactly the requests the
  real run sends: the same method, the same path, the same body, where a placeholder
  ``<id of ...>`` stands for one id the run looks up (the same placeholder, the same id);
* an id that the run refuses is refused by the preview too (exit 5), and an id the run sends is
  encoded the same way in the preview (hypothesis over ids with ``..``, ``/``, ``?``, ``%2e``);
* a request holding a placeholder never reaches the wire;
* no module builds a request path, or names a write's method, outside ``api/`` (the scan covers
  the whole package), and a planted builder is found.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, TEST_KEY, Sandbox, make_sandbox
from hostile_api import HostileApi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.api import paths
from msgprof_cli.api.client import TelnyxClient
from msgprof_cli.api.resources import AutoResps, Numbers, Profiles, SenderIds
from msgprof_cli.document.setup_rules import Autoresp
from msgprof_cli.errors import UnexpectedRecord

NUMBERS = [f"+1202555{i:04d}" for i in range(20)]
PLACEHOLDER = re.compile(r"^<[^<>]+>$")


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch):
    sb = make_sandbox(monkeypatch, numbers=NUMBERS, order_polls=1)
    yield sb
    sb.stop()


# --------------------------------------------------------------------------- matching


def _bind(shown: str, real: str, bound: dict[str, str]) -> bool:
    """A placeholder stands for one real id, the same one wherever it appears."""
    return bound.setdefault(shown, real) == real


def _same_value(shown: Any, real: Any, bound: dict[str, str]) -> bool:
    if isinstance(shown, str) and PLACEHOLDER.match(shown) and isinstance(real, str):
        return _bind(shown, real, bound)
    if isinstance(shown, dict) and isinstance(real, dict):
        return shown.keys() == real.keys() and all(_same_value(shown[k], real[k], bound) for k in shown)
    if isinstance(shown, list) and isinstance(real, list):
        return len(shown) == len(real) and all(_same_value(a, b, bound) for a, b in zip(shown, real, strict=True))
    return bool(shown == real)


def _same_path(shown: str, real: str, bound: dict[str, str]) -> bool:
    a, b = shown.split("/"), real.split("/")
    return len(a) == len(b) and all(
        _bind(x, y, bound) if PLACEHOLDER.match(x) else x == y for x, y in zip(a, b, strict=True)
    )


def preview_of(cli: Any, *args: str) -> list[dict[str, Any]]:
    res = cli(*args, "--dry-run", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    return out if isinstance(out, list) else [out]


def assert_preview_is_the_run(
    cli: Any, box: Sandbox, args: tuple[str, ...], *, yes: bool = False, given_fields_only: bool = False
) -> dict[str, str]:
    """Preview, then run: the requests that reached the server are the preview's, one for one."""
    shown = preview_of(cli, *args)
    box.received.clear()
    res = cli(*args, *(("--yes",) if yes else ()), "--json")
    assert res.exit_code == 0, res.output
    sent = box.writes()
    assert len(shown) == len(sent), (shown, [(r.method, r.path) for r in sent])
    bound: dict[str, str] = {}
    for item, real in zip(shown, sent, strict=True):
        assert item["method"] == real.method
        assert _same_path(urlsplit(item["url"]).path, real.path, bound), (item["url"], real.path)
        if given_fields_only:  # autoresp update: the run's PUT adds the live fields not given
            assert isinstance(real.body, dict)
            assert _same_value(item["body"], {k: real.body[k] for k in item["body"]}, bound)
        else:
            assert _same_value(item["body"], real.body, bound), (item["body"], real.body)
    return bound


# --------------------------------------------------------------------------- preview == run, per command


def test_every_setup_command_previews_the_requests_it_sends(cli: Any, box: Sandbox) -> None:
    made = assert_preview_is_the_run(cli, box, ("create", "--name", "P", "--whitelist", "US"))
    assert made == {}  # a create needs no id
    pid = json.loads(cli("get", "P", "--json").stdout)["id"]
    assert_preview_is_the_run(cli, box, ("update", "P", "--whitelist", "US,CA"))

    bound = assert_preview_is_the_run(cli, box, ("numbers", "assign", "P", *NUMBERS[:2]))
    assert bound["<id of 'P'>"] == pid  # the placeholder stood for the profile's id
    assert bound[f"<id of {NUMBERS[0]}>"] == next(n["id"] for n in box.numbers() if n["phone_number"] == NUMBERS[0])
    assert_preview_is_the_run(cli, box, ("numbers", "assign", "P", *NUMBERS[2:10]))  # a bulk order
    assert_preview_is_the_run(cli, box, ("numbers", "unassign", *NUMBERS[:2]), yes=True)
    assert_preview_is_the_run(cli, box, ("numbers", "unassign", *NUMBERS[2:10]), yes=True)

    assert_preview_is_the_run(cli, box, ("sender-ids", "add", "P", "Acme", "--us-long-code-fallback", NUMBERS[11]))
    bound = assert_preview_is_the_run(cli, box, ("sender-ids", "remove", "P", "Acme"), yes=True)
    assert list(bound) == ["<id of 'Acme' on 'P'>"]

    create = ("autoresp", "create", "P", "--op", "stop", "-k", "STOP", "--country", "US", "--text", "Bye")
    assert_preview_is_the_run(cli, box, create)
    (config,) = json.loads(cli("autoresp", "list", "P", "--json").stdout)
    update = ("autoresp", "update", "P", config["id"], "-k", "STOP", "-k", "END")
    assert_preview_is_the_run(cli, box, update, given_fields_only=True)
    assert_preview_is_the_run(cli, box, ("autoresp", "delete", "P", config["id"]), yes=True)


def test_a_create_that_is_followed_by_an_update_previews_both(cli: Any, box: Sandbox, tmp_path: Path) -> None:
    doc = tmp_path / "r.yaml"
    doc.write_text("name: R\nwhitelisted_destinations: [US]\nredaction_enabled: true\nredaction_level: 1\n")
    bound = assert_preview_is_the_run(cli, box, ("create", "-f", str(doc)))
    assert list(bound) == ["<id of the new profile>"]


# --------------------------------------------------------------------------- odd ids: refused or encoded alike

ODD_IDS = st.one_of(
    st.sampled_from(["..", ".", "a/b", "a/b?x=1", "a?b", "?", "%2e", "%2e%2e", "%2E.", "x#y", "a b", "é", "", "x\ty"]),
    st.text(alphabet=st.sampled_from("a./?%2e#&= "), min_size=1, max_size=6),
).filter(lambda s: not s.startswith("-"))


@given(config_id=ODD_IDS, command=st.sampled_from(["delete", "update"]))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_an_id_is_refused_or_encoded_alike_in_preview_and_run(
    cli: Any, monkeypatch: pytest.MonkeyPatch, config_id: str, command: str
) -> None:
    """The config exists with that id (the API may answer any string): the preview and the run end
    with the same exit code; when both send, the preview's path is the path that arrived."""
    with HostileApi() as api:
        pid = api.profile("Support")
        api.autoresp.append({"id": config_id, "profile": pid, "op": "stop", "keywords": ["STOP"], "country_code": "US"})
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        args = ["autoresp", command, "Support", config_id] + (["-k", "END"] if command == "update" else [])
        shown = cli(*args, "--dry-run", "--json")
        real = cli(*args, "--yes", "--json") if command == "delete" else cli(*args, "--json")
        sent = api.writes()
    assert shown.exit_code == real.exit_code, (shown.output, real.output)
    if paths.id_problem(config_id) is not None:
        assert shown.exit_code == 5 and sent == []
        assert "cannot be an id" in shown.stderr and "nothing was sent" in shown.stderr
        assert shown.stderr.splitlines()[0] == real.stderr.splitlines()[0]  # the same message
        return
    assert shown.exit_code == 0, shown.output
    (item,) = json.loads(shown.stdout)
    ((method, where),) = sent
    assert item["method"] == method
    shown_path = urlsplit(item["url"]).path
    assert shown_path.rsplit("/", 1)[1] == where.rsplit("/", 1)[1] == paths.segment(config_id, "x")
    assert shown_path.split("/")[:-1][-1] == where.split("/")[:-1][-1] == "autoresp_configs"


@given(profile_id=ODD_IDS)
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_a_profile_id_from_the_api_is_refused_or_encoded_alike_by_update_and_its_preview(
    cli: Any, monkeypatch: pytest.MonkeyPatch, profile_id: str
) -> None:
    """`update --dry-run` reads the live profile (to merge nested objects): the id the API answers
    with goes into the preview's path exactly as into the run's, or both refuse it (exit 5)."""
    with HostileApi() as api:
        api.profile("Support", pid=profile_id, enabled=True)
        monkeypatch.setenv("TELNYX_BASE_URL", api.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        shown = cli("update", "Support", "--disabled", "--dry-run", "--json")
        real = cli("update", "Support", "--disabled", "--json")
        sent = api.writes()
    assert shown.exit_code == real.exit_code, (shown.output, real.output)
    if paths.id_problem(profile_id) is not None:
        assert shown.exit_code == 5 and sent == []
        return
    ((method, where),) = sent
    item = json.loads(shown.stdout)
    assert (item["method"], urlsplit(item["url"]).path) == (method, where)


def test_autoresp_delete_of_a_path_step_is_refused_in_the_preview_as_in_the_run(cli: Any) -> None:
    """The issue's example: `autoresp delete Support .. --dry-run` showed DELETE .../autoresp_configs/..
    and exited 0, while the run exits 5."""
    res = cli("autoresp", "delete", "Support", "..", "--dry-run")
    assert res.exit_code == 5 and res.stdout == ""
    assert 'the auto-response id ".." cannot be an id (it is a path step); nothing was sent' in res.stderr


# --------------------------------------------------------------------------- placeholders never reach the wire


@pytest.mark.parametrize(
    "req",
    [
        AutoResps.delete(paths.Pending("id of 'Support'"), "c1"),
        SenderIds.add(paths.Pending("id of 'Support'"), "Acme", None),  # the placeholder is in the body only
        Numbers.bulk(paths.Pending("id of 'Support'"), NUMBERS[:6]),
        Profiles.update(paths.Pending("id of the new profile"), {"enabled": False}),
    ],
    ids=["path", "body", "bulk body", "profile"],
)
def test_a_request_holding_a_placeholder_is_never_sent(req: Any) -> None:
    assert isinstance(req.path, paths.PreviewPath)
    client = TelnyxClient("http://127.0.0.1:9/v2", TEST_KEY, max_retries=0)  # nothing listens: nothing may try
    with pytest.raises(TypeError, match="never sent"):
        client.send(req)


def test_a_placeholder_is_shown_as_written_and_the_ids_around_it_are_still_checked() -> None:
    req = AutoResps.replace(paths.Pending("id of 'Support'"), "a?b", {"op": "stop"})
    assert req.path == "/messaging_profiles/<id of 'Support'>/autoresp_configs/a%3Fb"
    with pytest.raises(UnexpectedRecord):
        AutoResps.delete(paths.Pending("id of 'Support'"), "a/b?x=1")


def test_numbers_split_as_the_run_sends_them() -> None:
    ids = {n: paths.Pending(f"id of {n}") for n in NUMBERS}
    assert [r.method for r in Numbers.set_profile("p", NUMBERS[:5], ids)] == ["PATCH"] * 5
    many = [f"+1303{i:07d}" for i in range(10_001)]
    orders = Numbers.set_profile("p", many, {})
    assert [len(r.body["numbers"]) for r in orders if r.body] == [5000, 5000, 1]


# --------------------------------------------------------------------------- one identity rule per resource


def test_the_auto_response_rule_is_the_plans_and_the_create_protocols() -> None:
    want = Autoresp("stop", ["STOP", "END"], "US", None)
    live = {"id": "c", "op": "stop", "country_code": "US", "keywords": ["END", "STOP"], "resp_text": "Bye"}
    assert AutoResps.same(want, live) and AutoResps.differences(want, live) == []  # a text left out keeps what is live
    assert AutoResps.put_body(want, live)["resp_text"] == "Bye"
    assert not AutoResps.same(Autoresp("stop", ["STOP", "END"], "CA", None), live)  # another key
    changed = Autoresp("stop", ["STOP"], "US", "Bye now")
    assert AutoResps.differences(changed, live) == ["keywords END, STOP -> STOP", "text 'Bye' -> 'Bye now'"]


def test_the_sender_id_rule() -> None:
    live = {"id": "s", "alphanumeric_sender_id": "Acme", "us_long_code_fallback": None}
    assert SenderIds.same("Acme", None, live) and not SenderIds.same("Acme", NUMBERS[0], live)
    assert SenderIds.same("Acme", NUMBERS[0], live, any_fallback=True) is True
    assert SenderIds.differences(NUMBERS[0], live) == [f"us_long_code_fallback unset -> {NUMBERS[0]}"]


# --------------------------------------------------------------------------- structural: the whole package

COLLECTIONS = (
    "messaging_profiles",
    "phone_numbers",
    "alphanumeric_sender_ids",
    "messaging_numbers_bulk_updates",
    "10dlc",  # the campaign assignment, next: its paths belong in api/resources.py too
)
WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
# The only homes of a request: the path builder, the requests of each resource, and the transport
# (whose retry policy names the methods it may repeat).
BUILDERS = {("api", "paths.py"), ("api", "resources.py")}
TRANSPORT = ("api", "client.py")


def path_builders(package: Path) -> list[str]:
    """Every place outside the builders that makes an ApiPath, writes an API path (also inside an
    f-string, where the old previews wrote theirs), or names a write's method (a request by hand).

    The sandbox is left out: it is the server end, which reads paths (its routes), and it may not
    import msgprof's client layer (contract sandbox-standalone); so is ``testing.py``, the pytest
    plugin, which calls only the sandbox's own control endpoints (``/_sandbox/reset``, outside /v2)."""
    found = []
    for file in sorted(package.rglob("*.py")):
        rel = file.relative_to(package).parts
        if rel[0] == "sandbox" or rel == ("testing.py",) or rel[-2:] in BUILDERS:
            continue
        tree = ast.parse(file.read_text())
        in_fstring = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
        for node in ast.walk(tree):
            where = f"{'/'.join(rel)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "ApiPath",
                "PreviewPath",
            ):
                found.append(where)
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            code_like = " " not in text or id(node) in in_fstring or text.startswith("/")
            if code_like and any(f"/{c}" in text for c in COLLECTIONS):
                found.append(where)
            if text in WRITE_METHODS and rel[-2:] != TRANSPORT:
                found.append(where)
    return found


def test_no_module_builds_a_request_path_or_a_request_by_hand() -> None:
    assert path_builders(ROOT / "msgprof_cli") == []
    client = TelnyxClient("http://127.0.0.1:9/v2", TEST_KEY)
    with pytest.raises(TypeError, match="not built by api.paths"):
        client._request("GET", "/messaging_profiles/..")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "planted",
    [  # the previews as cli/setup.py wrote them before (1f8f67e), and a request by hand
        'path = f"/messaging_profiles/<id of {ref}>/autoresp_configs/"\n',
        'x = ("PATCH", f"/phone_numbers/<id of {n}>/messaging", {})\n',
        'x = [("POST", "/alphanumeric_sender_ids", body)]\n',
        'x = ("DELETE", where, None)\n',
        "from msgprof_cli.api.paths import ApiPath\nx = ApiPath('/a')\n",
    ],
)
def test_the_scan_finds_a_planted_builder_anywhere(tmp_path: Path, planted: str) -> None:
    package = tmp_path / "msgprof_cli"
    for sub in ("cli", "output", "api"):
        (package / sub).mkdir(parents=True)
    (package / "output" / "probe.py").write_text(planted)
    found = path_builders(package)
    assert found and all(f.startswith("output/probe.py:") for f in found)


def test_the_requests_module_stays_offline_and_light() -> None:
    """A dry run builds its requests without the transport, the renderer or the document rules."""
    import subprocess
    import sys

    code = (
        "import sys, msgprof_cli.api.resources\n"
        "print(sorted(m for m in ('requests', 'urllib3', 'rich', 'msgprof_cli.api.client', "
        "'msgprof_cli.document.rules') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
