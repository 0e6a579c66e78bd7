"""The main screens at 80 and 120 columns through the terminal double: nothing that must be copied is cut.

Each screen is drawn as at a colour terminal (rich tables) and checked as a person reads it (colour
codes stripped): every id whole on one line, no line wider than the terminal, every flag name whole.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from canned import Canned
from screens import screen

from msgprof_cli.output.cells import width
from msgprof_cli.sandbox.server import Sandbox

WIDTHS = [80, 120]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CREATE = [
    "create",
    "--name",
    "Support 🚀 Zürich 日本 with a rather long name",
    "--whitelist",
    "US,CA,GB,DE,FR,ES,IT,NL",
    "--webhook-url",
    "https://hooks.example.com/telnyx/messaging/a/long/path/that/must/wrap",
    "--pool-long-code-weight",
    "1",
    "--pool-toll-free-weight",
    "10",
    "--pool-skip-unhealthy",
]


def fits(text: str, columns: int) -> None:
    for line in text.splitlines():
        assert width(line) <= columns, f"{width(line)} > {columns}: {line!r}"


def ids_whole(text: str, ids: list[str]) -> None:
    lines = text.splitlines()
    for ident in ids:
        assert any(ident in line for line in lines), f"{ident} is not whole on one line"


@pytest.mark.parametrize("columns", WIDTHS)
def test_create_and_get_show_sections_with_the_id_whole(sandbox: Sandbox, columns: int) -> None:
    created = screen(*CREATE, width=columns)
    assert created.code == 0, created.err
    [p] = sandbox.profiles()
    every = screen("get", p["id"], "--all-fields", width=columns)
    for s in (created, every):
        fits(s.text, columns)
        ids_whole(s.text, [p["id"], p["organization_id"]])
        lines = s.text.splitlines()
        assert lines[0].split() == ["id", p["id"]] and lines[1].split()[0] == "name"  # the id and the name first
        assert p["v1_secret"] not in s.out and f"****{p['v1_secret'][-4:]}" in s.text
    # by default one entry per section; with --all-fields each field is a row under its heading
    for section in ("profile", "webhooks", "number pool", "metadata"):
        assert re.search(rf"^{section}(  |$)", created.text, re.M), section  # a long URL goes below
        assert re.search(rf"^{section}$", every.text, re.M), section
    assert re.search(r"^number pool +long_code_weight: 1; toll_free_weight: 10; skip_unhealthy: true$", created.text, re.M)
    assert re.search(r"^\s+long_code_weight\s+1$", every.text, re.M)
    assert re.search(r"^\s+toll_free_weight\s+10$", every.text, re.M)


def test_defaults_are_dimmed_with_all_fields_and_fold_without(sandbox: Sandbox) -> None:
    s = screen("create", "--name", "Dim", "--whitelist", "US", "--mms-transcoding", "--all-fields")
    assert s.code == 0, s.err
    dim = {m.group(1) for m in re.finditer(r"\x1b\[36m\s*(\w+)\x1b\[0m\s+\x1b\[2m", s.out)}
    assert "mobile_only" in dim and "mms_transcoding" not in dim and "name" not in dim
    folded = screen("get", "Dim")
    assert "mobile_only" not in folded.text
    assert re.search(r"^sending +.*\bmms_transcoding: true$", folded.text, re.M)
    assert re.search(r"^\d+ fields at their defaults \(--all-fields shows them\)$", folded.text, re.M)


@pytest.mark.parametrize("columns", WIDTHS)
def test_list_keeps_every_id_whole(sandbox: Sandbox, columns: int) -> None:
    names = ["Support 🚀 Zürich 日本", "Marketing EU with a long name", "Promo [/sale] EU", "x"]
    ids = [sandbox.create({"name": n, "whitelisted_destinations": ["US", "CA", "GB", "DE"]})["id"] for n in names]
    s = screen("list", width=columns)
    assert s.code == 0, s.err
    fits(s.text, columns)
    ids_whole(s.text, ids)
    head = s.text.splitlines()[0].split()
    assert head[:4] == ["ID", "NAME", "ENABLED", "DESTINATIONS"]
    assert ("CREATED" in head) is (columns >= 100)
    if columns >= 100:  # the date is whole, never wrapped over two lines
        assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", s.text)) == len(ids)


def test_plain_list_aligns_wide_characters_in_cells(sandbox: Sandbox) -> None:
    for n in ("Support 🚀 Zürich 日本", "Plain"):
        sandbox.create({"name": n, "whitelisted_destinations": ["US"]})
    s = screen("list", tty=False)
    lines = s.out.splitlines()
    starts = {width(line[: line.index("true")]) for line in lines[1:]}
    assert len(lines) == 3 and len(starts) == 1  # ENABLED starts in the same cell on every row
    assert "\x1b" not in s.out


def _metrics_body(ident: str) -> bytes:
    intervals: list[dict[str, Any]] = [
        {"start": f"2026-11-28T{h:02}:00:00Z", "sent": 100 + h * 10, "delivered": 95 + h * 9, "failed": 5 + h}
        for h in range(24)
    ]
    sent = sum(int(i["sent"]) for i in intervals)
    done = sum(int(i["delivered"]) for i in intervals)
    data = {
        "id": ident,  # the same answer serves the look-up by id
        "messaging_profile_id": ident,
        "time_frame": "24h",
        "outbound": {"sent": sent, "delivered": done, "failed": sent - done},
        "inbound": {"received": 7},
        "intervals": intervals,
    }
    return json.dumps({"data": data}).encode()


@pytest.mark.parametrize("columns", WIDTHS)
def test_metrics_totals_first_then_a_bar_per_interval(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    ident = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    with Canned(200, _metrics_body(ident)) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", "k")
        s = screen("metrics", ident, width=columns)
        data = json.loads(_metrics_body(ident))["data"]
        as_json = screen("metrics", ident, "--json", width=columns)
    assert s.code == 0, s.err
    fits(s.text, columns)
    lines = s.text.splitlines()
    assert lines[0].startswith(ident)
    total = data["outbound"]
    rate = f"{total['delivered'] / total['sent'] * 100:.1f}%"
    assert lines[1].split()[:2] == ["sent", str(total["sent"])] and f"({rate})" in lines[1]
    assert [ln.split()[0] for ln in lines[3:6]] == ["sent", "delivered", "failed"]  # sparklines
    assert all(len(ln.split()[1]) == 24 for ln in lines[3:6])
    bars = [ln for ln in lines if re.match(r"\d\d-\d\d \d\d:00 ", ln)]
    assert len(bars) == 24 and all("█" in b for b in bars)
    assert json.loads(as_json.out) == data  # --json stays the API's data


def test_metrics_summary_heads_are_not_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    ident = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    item = {"messaging_profile_id": ident, "name": "EU", "outbound_sent": 10, "outbound_delivered": 9}
    body = json.dumps({"data": [{**item, "outbound_failed": 1, "inbound_received": 2}], "meta": {}}).encode()
    with Canned(200, body) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", "k")
        for columns in WIDTHS:
            s = screen("metrics", width=columns)
            assert s.code == 0, s.err
            fits(s.text, columns)
            ids_whole(s.text, [ident])
            head = s.text.splitlines()[0].split()
            wide = ["ID", "NAME", "SENT", "DELIVERED", "FAILED", "RATE", "RECEIVED"]
            assert head == (wide if columns >= 100 else ["ID", "NAME", "SENT", "FAILED", "RATE"])
            assert "90.0%" in s.text


@pytest.mark.parametrize("columns", WIDTHS)
def test_plan_fits_and_keeps_ids(sandbox: Sandbox, tmp_path: Path, columns: int) -> None:
    live = sandbox.create({"name": "Live one", "whitelisted_destinations": ["US"]})
    f = tmp_path / "p.yaml"
    f.write_text("- name: Live one\n  whitelisted_destinations: [US, CA]\n- name: New one\n  whitelisted_destinations: [GB]\n")
    s = screen("plan", "-f", str(f), width=columns)
    assert s.code == 0, s.err
    ids_whole(s.text, [live["id"]])
    assert "\x1b[33m~ update Live one" in s.out  # yellow
    assert "\x1b[32m+ create New one" in s.out  # green
    assert s.text.splitlines()[-1] == "Plan: 1 to create, 1 to update, 0 unchanged, 0 failed."


@pytest.mark.parametrize("columns", WIDTHS)
def test_validate_errors_are_red_with_the_field_highlighted(tmp_path: Path, columns: int) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("name: Good\nwhitelisted_destinations: [US]\n")
    bad.write_text("name: Bad\nwhitelisted_destinations: [usa]\n")
    s = screen("validate", str(good), str(bad), width=columns)
    assert s.code == 3
    assert "\x1b[32mok\x1b[0m" in s.out and "\x1b[1;31minvalid\x1b[0m" in s.out
    assert "\x1b[1;31merror\x1b[0m" in s.err
    assert "whitelisted_destinations[0]\x1b[0m:" in s.err  # the field in bold
    assert f"msgprof: error: {bad}:2: whitelisted_destinations[0]: 'usa' is not" in " ".join(s.err_text.split())
    assert "did you mean US?" in s.err_text
    plain = screen("validate", str(bad), tty=False)
    assert "\x1b" not in plain.out + plain.err and plain.out == f"invalid  {bad}\n"


@pytest.mark.parametrize("columns", WIDTHS)
def test_create_help_shows_every_flag_whole(columns: int) -> None:
    from typer.main import get_command

    from msgprof_cli.cli import app

    s = screen("create", "--help", width=columns)
    assert s.code == 0 and s.err == ""
    fits(s.out, columns)
    assert "\x1b" not in s.out and not set("╭╮╰╯│─") & set(s.out)
    create = get_command(app).commands["create"]  # type: ignore[attr-defined]
    for param in create.params:
        for decl in [*param.opts, *param.secondary_opts]:
            if decl.startswith("-"):
                assert re.search(rf"(^|[\s,/]){re.escape(decl)}([\s,]|$)", s.out, flags=re.M), decl
    # the field flags by group, by name (issue 30: create --help in 48 lines at 80 columns)
    for panel in ("Input:", "Profile fields:", "Number pool:", "Connection:", "Output:"):
        assert any(line.startswith("  " + panel) for line in s.out.splitlines()), panel


@pytest.mark.parametrize("columns", WIDTHS)
def test_metrics_of_the_sandbox_demo_data(sandbox: Sandbox, columns: int) -> None:
    sandbox.seed_demo_data(now=1_764_000_000.0, seed=3)
    p = sandbox.profiles()[0]
    data = json.loads(screen("metrics", p["id"], "--json", tty=False).out)
    s = screen("metrics", p["id"], width=columns)
    assert s.code == 0, s.err
    fits(s.text, columns)
    lines = s.text.splitlines()
    assert lines[0].startswith(p["id"])
    assert lines[1].startswith(f"sent {data['outbound']['sent']}   delivered {data['outbound']['delivered']} (")
    bars = [ln for ln in lines if re.match(r"\d\d-\d\d \d\d:\d\d ", ln)]
    assert len(bars) == len(data["intervals"]) > 0
    plain = screen("metrics", p["id"], tty=False)
    assert plain.out.splitlines()[2].split() == ["INTERVAL", "SENT", "DELIVERED", "FAILED", "RECEIVED"]
    everyone = screen("metrics", width=columns)
    fits(everyone.text, columns)
    ids_whole(everyone.text, [q["id"] for q in sandbox.profiles()])


@pytest.mark.parametrize("columns", WIDTHS)
def test_main_help_lists_every_command_with_its_whole_summary(columns: int) -> None:
    from typer.main import get_command

    from msgprof_cli.cli import app

    s = screen("--help", width=columns)
    assert s.code == 0
    fits(s.out, columns)
    assert "..." not in s.out.split("\n", 1)[1]  # the usage line has its own "[ARGS]..."
    flat = " ".join(s.out.split())  # wrapped lines joined again
    for name, cmd in get_command(app).commands.items():  # type: ignore[attr-defined]
        assert f" {name} {cmd.get_short_help_str(limit=200)} " in f"{flat} ", name
