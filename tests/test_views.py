"""Each record in its own view, nothing cut short without a word, a clean terminal (issue 24,
items 2-4): drawn through the terminal double, against the sandbox or a scripted server."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from canned import Scripted
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from screens import screen

from msgprof_cli.declarative.plan import Desired, Item
from msgprof_cli.errors import Interrupted
from msgprof_cli.output import views
from msgprof_cli.output.cells import visible, width
from msgprof_cli.output.render import Renderer
from msgprof_cli.output.terminal import Terminal
from msgprof_cli.sandbox.server import Sandbox

FULL = [
    "create", "--name", "Support team", "--whitelist", "US", "--whitelist", "CA",
    "--webhook-url", "https://hooks.example.com/telnyx/messaging/a/long/path/that/must/wrap",
    "--pool-long-code-weight", "1", "--pool-toll-free-weight", "10", "--pool-skip-unhealthy",
]  # fmt: skip


def _fits(text: str, columns: int) -> None:
    for line in text.splitlines():
        assert width(line) <= columns, f"{width(line)} > {columns}: {line!r}"


@pytest.mark.parametrize("columns", [60, 80])
def test_create_and_get_put_id_and_name_first_and_fit_24_rows(sandbox: Sandbox, columns: int) -> None:
    created = screen(*FULL, width=columns)
    assert created.code == 0, created.err
    [p] = sandbox.profiles()
    for s in (created, screen("get", "Support team", width=columns)):
        lines = s.text.splitlines()
        assert re.fullmatch(rf"id +{p['id']}", lines[0]) and re.fullmatch(r"name +Support team", lines[1]), lines
        assert len(lines) <= 23, s.text  # and the prompt on the 24th
        _fits(s.text, columns)
        url = "https://hooks.example.com/telnyx/messaging/a/long/path/that/must/wrap"
        assert url in s.text if columns > len(url) else url in "".join(s.text.split())  # wider than the screen
    full = screen("create", "-f", str(ROOT / "sample-configs" / "valid" / "full.yaml"), width=80)
    assert full.code == 0 and len(full.text.splitlines()) <= 23, full.text  # every field set: still one screen
    every = screen("get", p["id"], "--all-fields", width=columns)
    for field in ("mobile_only", "smart_encoding", "redaction_level", "webhook_api_version"):
        assert re.search(rf"^\s+{field}\s", every.text, re.M), field


def test_autoresp_create_shows_the_config_in_its_own_view(sandbox: Sandbox) -> None:
    p = sandbox.create({"name": "P", "whitelisted_destinations": ["US"]})
    s = screen("autoresp", "create", p["id"], "--op", "stop", "-k", "STOP", "--country", "US", "--text", "Bye")
    assert s.code == 0, s.err
    [config] = sandbox.state.autoresp
    lines = s.text.splitlines()
    assert re.fullmatch(rf"id +{config['id']}", lines[0]) and re.fullmatch(r"keywords +STOP", lines[1]), lines
    assert lines[2] == "auto-response  op: stop; country_code: US; resp_text: Bye"
    assert not any(line.startswith("profile") for line in lines)
    assert s.err_text == "msgprof: created auto-response\n"
    again = screen(
        "autoresp", "create", p["id"], "--op", "stop", "-k", "STOP", "--country", "US", "--text", "Bye", "--json"
    )
    assert again.code == 0 and json.loads(again.out)["id"] == config["id"]  # --json: the API's record, as before


def test_sender_ids_add_shows_the_sender_id_in_its_own_view(sandbox: Sandbox) -> None:
    p = sandbox.create({"name": "P", "whitelisted_destinations": ["GB"]})
    s = screen("sender-ids", "add", p["id"], "Acme", "--us-long-code-fallback", "+12025550100")
    assert s.code == 0, s.err
    [record] = [r for r in sandbox.state.related["alphanumeric_sender_ids"]]
    lines = s.text.splitlines()
    assert re.fullmatch(rf"id +{record['id']}", lines[0]) and re.fullmatch(r"alphanumeric_sender_id +Acme", lines[1])
    assert lines[2].split() == ["sender", "ID", "messaging_profile_id:"] and lines[3].split() == [f"{p['id']};"]
    assert s.err_text == "msgprof: created sender ID\n"
    again = screen("sender-ids", "add", p["id"], "Acme", "--us-long-code-fallback", "+12025550100")
    assert again.code == 0 and again.text.splitlines()[0] == lines[0]  # the same record, in the same view
    assert again.err_text == (
        "msgprof: sender ID 'Acme' is already on the profile; nothing was sent\nmsgprof: sender ID already there\n"
    )


NUMBER: dict[str, object] = {"id": "1293384261075731499", "phone_number": "+12025550100", "messaging_profile_id": None, "type": "longcode",
          "country_code": "US", "tags": [], "record_type": "messaging_settings"}  # fmt: skip
ORDER: dict[str, object] = {"order_id": "9d1c-order", "record_type": "messaging_numbers_bulk_update", "success": ["+12025550100"],
         "pending": [], "failed": []}  # fmt: skip
TWIN = {"id": "p-2", "name": "Support", "created_at": "2026-12-01T00:00:00Z", "enabled": True}


@pytest.mark.parametrize(
    "kind,record,head",
    [
        ("number", NUMBER, ["id", "phone_number", "number"]),
        ("bulk_order", ORDER, ["order_id", "numbers"]),
        ("twin", TWIN, ["id", "name", "twin"]),
    ],
)
def test_number_bulk_order_and_twin_views_lead_with_their_own_id(kind: str, record: dict, head: list[str]) -> None:
    term = Terminal.fake(width=80, color=False)
    Renderer(term).record(kind, record)
    lines = term.out().splitlines()
    assert [ln.split()[0] for ln in lines[: len(head)]] == head
    assert str(record[head[0]]) in lines[0]


records = st.dictionaries(
    st.sampled_from(["id", "name", "op", "keywords", "resp_text", "phone_number", "order_id", "enabled", "zz_new"]),
    st.one_of(
        st.text(min_size=1, max_size=40), st.booleans(), st.integers(), st.lists(st.text(max_size=8), max_size=3)
    ),
    min_size=1,
)


@given(st.sampled_from(["profile", *views.KINDS]), records, st.integers(40, 160))
def test_all_fields_shows_every_key_and_every_character(kind: str, record: dict, columns: int) -> None:
    term = Terminal.fake(width=columns, color=False)
    Renderer(term).record(kind, record, all_fields=True)
    shown = term.out()
    _fits(shown, columns)
    for key in record:
        assert re.search(rf"^\s*{key}\b", shown, re.M), (key, shown)
    seen = Counter(ch for ch in shown if not ch.isspace())
    for key, value in record.items():
        text = visible(" ".join(map(str, value)) if isinstance(value, list) else json.dumps(value).strip('"'))
        text = visible(value) if isinstance(value, str) else text
        assert not Counter(ch for ch in text if not ch.isspace() and ch not in '"[],') - seen, (key, shown)


def _page(n: int, pages: int) -> bytes:
    return json.dumps({"data": [{"id": f"p{n}", "name": f"n{n}"}], "meta": {"total_pages": pages}}).encode()


def test_an_error_on_page_2_never_lands_on_the_progress_line(monkeypatch: pytest.MonkeyPatch) -> None:
    unauthorized = json.dumps({"errors": [{"code": "10009", "title": "Authentication failed"}]}).encode()
    # pages 2 and 3 are asked for side by side: both refused, whichever arrives first
    with Scripted([(200, _page(1, 3)), (401, unauthorized), (401, unauthorized)]) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", "k")
        s = screen("list", "--all", "--max-retries", "0")
    assert s.code == 4, s.err
    status = s.err.index("fetched page 1 of 3")
    error = s.err.index("msgprof: \x1b[1;31merror")
    assert s.err[status:error].endswith("\r\x1b[K")  # the status line is wiped before the message
    assert s.err_text.endswith(
        "\rmsgprof: error: the API refused the credentials (HTTP 401): 1 error\n"
        "  [10009] Authentication failed\n"
        "  hint: check TELNYX_API_KEY, --api-key-file or the selected account\n"
    )


def test_metrics_of_all_profiles_pages_through_every_profile(sandbox: Sandbox) -> None:
    for n in range(25):  # more than the API's 20 a page
        sandbox.create({"name": f"P{n:02d}", "whitelisted_destinations": ["US"]})
    every = screen("metrics", "--json", tty=False)
    assert every.code == 0 and len(json.loads(every.out)) == 25 and every.err == ""
    cut = screen("metrics", "--limit", "5", width=120)
    assert cut.code == 0
    assert len([ln for ln in cut.text.splitlines()[1:] if ln.strip()]) == 5
    assert cut.err_text == "msgprof: showing 5 of 25 profiles (--limit 5); leave out --limit for all\n"
    one = screen("metrics", "P01", "--limit", "5", tty=False)
    assert one.code == 2 and one.err.startswith("msgprof: error: --limit applies to the metrics of all profiles\n")


def test_the_ctrl_c_report_groups_what_never_started_into_one_line() -> None:
    def item(name: str, message: str | None) -> Item:
        it = Item(Desired(name, f"{name}.yaml", {"name": name}, {}), "create", status="failed" if message else "done")
        it.error = Interrupted(message, hint="run apply again: it does what is left") if message else None
        return it

    never = "interrupted before it started; nothing was sent for it"
    items = [
        item("A", None),
        item("B", "interrupted while its request was in flight: it may or may not have been done"),
    ]
    items += [item(f"N{n}", never) for n in range(30)]
    term = Terminal.fake(width=80, tty=False, color=False)
    Renderer(term).apply_report(items)
    lines = term.out().splitlines()
    grouped = [ln for ln in lines if "never started" in ln]
    assert len(grouped) == 1 and grouped[0].startswith("failed     30 profiles never started")
    assert all(f"N{n}" in grouped[0] for n in range(30))
    assert (
        any(ln.startswith("failed     B") for ln in lines)
        and lines[-1] == "Apply: 1 created, 0 updated, 0 unchanged, 31 failed."
    )


@given(st.sampled_from(["profile", *views.KINDS]), records, st.integers(40, 160))
def test_by_default_every_field_is_shown_or_counted_among_the_defaults(kind: str, record: dict, columns: int) -> None:
    term = Terminal.fake(width=columns, color=False)
    Renderer(term).record(kind, record)
    shown = term.out()
    _fits(shown, columns)
    folded = views.view(kind, record).folded
    counted = re.search(r"^(\d+) fields at their defaults", shown, re.M)
    assert (int(counted.group(1)) if counted else len(folded) if folded else 0) == len(folded)
    seen = Counter(ch for ch in shown if not ch.isspace())
    for key, value in record.items():
        if key in folded:
            continue
        assert re.search(rf"(^|\s){key}(:|\s|$)", shown, re.M), (key, shown)
        text = visible(" ".join(map(str, value)) if isinstance(value, list) else json.dumps(value).strip('"'))
        text = visible(value) if isinstance(value, str) else text
        assert not Counter(ch for ch in text if not ch.isspace() and ch not in '"[],') - seen, (key, shown)


def test_ctrl_c_during_a_real_apply_names_what_never_started_on_one_line(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from conftest import TEST_KEY, record_output

    from msgprof_cli.sandbox.server import Faults

    docs = "".join(f"- name: Stop {i:02}\n  whitelisted_destinations: [US]\n" for i in range(12))
    (tmp_path / "bulk.yaml").write_text(docs)
    with Sandbox("127.0.0.1", 0, faults=Faults(latency_ms=600)) as sb:
        env = {**os.environ, "TELNYX_BASE_URL": sb.url, "TELNYX_API_KEY": TEST_KEY}
        proc = subprocess.Popen(
            [sys.executable, "-m", "msgprof_cli", "apply", "-f", str(tmp_path / "bulk.yaml"), "--parallel", "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 30  # a safety stop, not a timing: wait for the first creates
        while not any(r.method == "POST" for r in sb.received) and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        record_output(out + err)
    assert proc.returncode == 130, err
    lines = out.splitlines()
    never = [ln for ln in lines if "never started" in ln]
    assert len(never) == 1, out
    count = int(re.search(r"(\d+) profiles? never started", never[0]).group(1))  # type: ignore[union-attr]
    names = never[0].split(": ", 1)[1].split(", ")
    assert count == len(names) >= 1 and all(re.fullmatch(r"Stop \d\d", n) for n in names)
    assert not any("before it started" in ln for ln in lines)  # the old line per item is gone
    assert lines[-1].startswith("Apply: ") and "Traceback" not in err
