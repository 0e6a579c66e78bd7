"""Round trips grow with pages, not with profiles (issue 21): the exact requests of plan, apply,
export and list against a seeded account, the guarantees of the parallel pager (order, ambiguity,
a failed page fails the run, 429 honoured), limits that scale with content, and setup writes in
parallel that keep their invariants.  Request counts are pinned, never times."""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TEST_KEY, make_sandbox
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from msgprof_cli.api.client import TelnyxClient
from msgprof_cli.clock import FakeClock
from msgprof_cli.document.loading import parse_documents
from msgprof_cli.errors import InvalidInput
from msgprof_cli.sandbox.server import Faults, Sandbox, stop_serving


def numbers(n: int, prefix: str = "+1312") -> list[str]:
    return [f"{prefix}{i:07d}" for i in range(n)]


def gets(sb: Sandbox) -> Counter[str]:
    """GET requests by path (ids folded), the way the request counts are pinned."""
    out: Counter[str] = Counter()
    for r in sb.received:
        parts = r.path.split("/")
        folded = "/".join("{id}" if re.fullmatch(r"[0-9a-f-]{20,}|\+?[0-9]{6,}|id-.*", p) else p for p in parts)
        out[f"{r.method} {folded}"] += 1
    return out


def seed(sb: Sandbox, count: int, per_profile: int = 0, name: str = "P{:04d}") -> list[dict[str, Any]]:
    """``count`` profiles, each holding the next ``per_profile`` numbers of the inventory."""
    made = [sb.create({"name": name.format(i), "whitelisted_destinations": ["US"]}) for i in range(count)]
    inventory = sb.state.related["phone_numbers"]
    for i, p in enumerate(made):
        for rec in inventory[i * per_profile : (i + 1) * per_profile]:
            rec["messaging_profile_id"] = p["id"]
    return made


def docs(profiles: list[dict[str, Any]], sb: Sandbox, **sections: Any) -> str:
    out = []
    for p in profiles:
        doc: dict[str, Any] = {"name": p["name"], "whitelisted_destinations": ["US"]}
        mine = sorted(n["phone_number"] for n in sb.numbers() if n.get("messaging_profile_id") == p["id"])
        if "phone_numbers" in sections:
            doc["phone_numbers"] = mine
        doc.update({k: v for k, v in sections.items() if k != "phone_numbers"})
        out.append(doc)
    return yaml.safe_dump(out, sort_keys=False)


# --------------------------------------------------------------------------- inventory once


def test_plan_of_200_profiles_with_400_numbers_is_3_requests_not_201(cli, monkeypatch, tmp_path: Path) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(400))
    try:
        profiles = seed(sb, 200, per_profile=2)
        with_numbers = tmp_path / "with.yaml"
        with_numbers.write_text(docs(profiles, sb, phone_numbers=True))
        without = tmp_path / "without.yaml"
        without.write_text(docs(profiles, sb))
        sb.received.clear()
        res = cli("plan", "-f", str(with_numbers), "--detailed-exitcode")
        assert res.exit_code == 0, res.output
        assert gets(sb) == {"GET /v2/messaging_profiles": 1, "GET /v2/phone_numbers/messaging": 2}
        assert all(r.query["page[size]"] == "250" for r in sb.received)
        sb.received.clear()
        assert cli("plan", "-f", str(without), "--detailed-exitcode").exit_code == 0
        assert gets(sb) == {"GET /v2/messaging_profiles": 1}
    finally:
        sb.stop()


def test_auto_responses_are_read_only_for_the_documents_that_have_the_section(cli, monkeypatch, tmp_path) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(10))
    try:
        profiles = seed(sb, 30)
        plain = yaml.safe_load(docs(profiles[:20], sb, alphanumeric_sender_ids=["ACME"]))
        with_autoresp = yaml.safe_load(
            docs(profiles[20:], sb, autoresp_configs=[{"op": "stop", "keywords": ["STOP"], "country_code": "US"}])
        )
        f = tmp_path / "docs.yaml"
        f.write_text(yaml.safe_dump(plain + with_autoresp, sort_keys=False))
        sb.received.clear()
        res = cli("plan", "-f", str(f))
        assert res.exit_code == 0, res.output
        assert gets(sb) == {
            "GET /v2/messaging_profiles": 1,
            "GET /v2/alphanumeric_sender_ids": 1,  # the account's, once: not one listing per profile
            "GET /v2/messaging_profiles/{id}/autoresp_configs": 10,  # only the 10 with the section
        }
    finally:
        sb.stop()


def test_export_with_setup_lists_the_account_once_and_reads_auto_responses_per_profile(
    cli, monkeypatch, tmp_path: Path
) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(600))
    try:
        seed(sb, 12, per_profile=50)
        sb.received.clear()
        res = cli("export", "--all", "--with-setup", "--to", str(tmp_path / "out"))
        assert res.exit_code == 0, res.output
        assert gets(sb) == {
            "GET /v2/messaging_profiles": 1,
            "GET /v2/phone_numbers/messaging": 3,  # 600 numbers at 250 a page
            "GET /v2/alphanumeric_sender_ids": 1,
            "GET /v2/messaging_profiles/{id}/autoresp_configs": 12,
            "GET /v2/10dlc/phone_number_campaigns": 1,  # the numbers' 10DLC campaigns, listed once
        }
    finally:
        sb.stop()


def test_what_export_writes_for_4000_numbers_validates_and_plans_clean(cli, monkeypatch, tmp_path: Path) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(4_000))
    try:
        (big,) = seed(sb, 1, per_profile=4_000, name="Big")
        out = tmp_path / "out"
        assert cli("export", big["id"], "--with-setup", "--to", str(out)).exit_code == 0
        (written,) = out.iterdir()
        assert len(yaml.safe_load(written.read_text())["phone_numbers"]) == 4_000
        assert cli("validate", str(written)).exit_code == 0
        sb.received.clear()
        res = cli("plan", "-f", str(written), "--detailed-exitcode")
        assert res.exit_code == 0, res.output  # nothing to do
        assert gets(sb) == {"GET /v2/messaging_profiles": 1, "GET /v2/phone_numbers/messaging": 16}
        sb.received.clear()
        assert cli("apply", "-f", str(written)).exit_code == 0
        assert sb.writes() == []
    finally:
        sb.stop()


# --------------------------------------------------------------------------- the pager


def test_list_all_asks_for_pages_of_250_and_keeps_the_order(cli, monkeypatch) -> None:
    sb = make_sandbox(monkeypatch, numbers=[])
    try:
        seed(sb, 600)
        sb.received.clear()
        res = cli("list", "--all", "--json")
        assert res.exit_code == 0, res.output
        assert [p["name"] for p in json.loads(res.stdout)] == [f"P{i:04d}" for i in range(600)]
        assert sorted(r.query["page[number]"] for r in sb.received) == ["1", "2", "3"]
        assert {r.query["page[size]"] for r in sb.received} == {"250"}
        sb.received.clear()
        assert len(json.loads(cli("list", "--limit", "300", "--json").stdout)) == 300
        assert sorted(r.query["page[number]"] for r in sb.received) == ["1", "2"]  # never page 3
        sb.received.clear()
        assert len(json.loads(cli("list", "--json").stdout)) == 20  # the first page, as before
        assert [r.query["page[size]"] for r in sb.received] == ["20"]
    finally:
        sb.stop()


@settings(max_examples=25, deadline=None)
@given(count=st.integers(0, 700), page_size=st.integers(1, 250), limit=st.none() | st.integers(1, 800))
def test_property_the_parallel_pager_reads_every_page_once_in_order(
    count: int, page_size: int, limit: int | None
) -> None:
    assume(count <= 40 * page_size)  # up to 40 pages an example: the suite stays fast
    with Sandbox("127.0.0.1", 0, numbers=[]) as sb:
        for i in range(count):
            sb.state.profiles[f"id-{i:04d}"] = {"id": f"id-{i:04d}", "name": f"P{i:04d}"}
        client = TelnyxClient(sb.url, TEST_KEY, max_retries=0)
        got = [p["id"] for p in client.iter_messaging_profiles(page_size=page_size, limit=limit)]
        pages = max(1, -(-count // page_size))
        asked = pages if limit is None else min(pages, max(1, -(-limit // page_size)))
        assert got == [f"id-{i:04d}" for i in range(min(count, asked * page_size))]
        assert sorted(int(r.query["page[number]"]) for r in sb.received) == list(range(1, asked + 1))


def test_a_name_on_two_pages_is_two_profiles(cli, monkeypatch, tmp_path: Path) -> None:
    sb = make_sandbox(monkeypatch, numbers=[])
    try:
        seed(sb, 600)
        first = sb.create({"name": "Twin", "whitelisted_destinations": ["US"]})
        ids = list(sb.state.profiles)  # move the first twin to page 1, the second stays on page 3
        sb.state.profiles = {first["id"]: sb.state.profiles[first["id"]], **{i: sb.state.profiles[i] for i in ids}}
        sb.create({"name": "Twin", "whitelisted_destinations": ["US"]})
        f = tmp_path / "twin.yaml"
        f.write_text("name: Twin\nwhitelisted_destinations: [US]\n")
        res = cli("plan", "-f", str(f))
        assert res.exit_code == 5, res.output
        assert "2 live profiles are named 'Twin'" in res.output
    finally:
        sb.stop()


class _PagesThenFailure:
    """Pages 1 and 2 of three; page 3 is always a 503 (a gateway that fails one page)."""

    def __init__(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 64 * 1024

            def log_message(self, *a: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.hits.append(self.path)
                number = int(self.path.split("page%5Bnumber%5D=")[1].split("&")[0])
                body: dict[str, Any]
                if number == 3:
                    body, status = {"errors": [{"title": "Bad Gateway"}]}, 503
                else:
                    items = [{"id": f"id-{number}-{i}", "name": f"P{number}-{i}"} for i in range(250)]
                    body, status = {"data": items, "meta": {"total_pages": 3, "total_results": 700}}, 200
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.hits: list[str] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v2"

    def stop(self) -> None:
        stop_serving(self.httpd)
        self.httpd.server_close()


def test_a_page_that_fails_fails_the_run_with_exit_6(cli, monkeypatch, tmp_path: Path) -> None:
    server = _PagesThenFailure()
    try:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        f = tmp_path / "p.yaml"
        f.write_text("name: P1-1\nwhitelisted_destinations: [US]\n")
        for args in (("list", "--all", "--json"), ("plan", "-f", str(f)), ("export", "--all")):
            res = cli(*args, "--max-retries", "0")
            assert res.exit_code == 6, (args, res.output)
            assert res.stdout == "", args  # nothing half-listed is printed
            assert "HTTP 503" in res.stderr
    finally:
        server.stop()


def test_parallel_pages_honour_429_and_retry_after(cli, monkeypatch, fake_clock: FakeClock) -> None:
    window_clock = lambda: 1000.5 + sum(fake_clock.slept)  # noqa: E731 - moves only when msgprof waits
    sb = make_sandbox(monkeypatch, numbers=[], faults=Faults(rate_limit=3, clock=window_clock))
    try:
        seed(sb, 2_000)
        res = cli("list", "--all", "--json", "--max-retries", "8")
        assert res.exit_code == 0, res.stderr
        assert [p["name"] for p in json.loads(res.stdout)] == [f"P{i:04d}" for i in range(2_000)]
        assert "HTTP 429" in res.stderr  # the limit was hit, and waited out
        assert fake_clock.slept and all(s <= 1.0 for s in fake_clock.slept)
    finally:
        sb.stop()


# --------------------------------------------------------------------------- limits that scale


def test_a_document_may_list_10000_numbers(cli, tmp_path: Path) -> None:
    doc = {"name": "Big", "whitelisted_destinations": ["US"], "phone_numbers": numbers(10_000)}
    for name, text in (("big.yaml", yaml.safe_dump(doc)), ("big.json", json.dumps(doc))):
        f = tmp_path / name
        f.write_text(text)
        res = cli("validate", str(f))
        assert res.exit_code == 0, res.output


def test_an_alias_bomb_is_still_refused_by_its_expansion() -> None:
    text = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    for level in "bcdefg":
        prev = chr(ord(level) - 1)
        text += f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    with pytest.raises(InvalidInput, match="YAML aliases expand"):
        parse_documents(("name: x\n" + text).encode(), "bomb.yaml")


@settings(max_examples=40, deadline=None)
@given(written=st.integers(1, 6_000), repeats=st.integers(0, 40))
def test_property_aliases_are_refused_by_expansion_never_by_size(written: int, repeats: int) -> None:
    """``written`` values written out, then one alias to them repeated: refused exactly when the
    values after aliases pass 2,000 and ten times the values written."""
    values = ", ".join(["1"] * written)
    aliases = "".join(f"  r{i}: *all\n" for i in range(repeats))
    text = f"name: x\nlist: &all [{values}]\nmore:\n{aliases}" if repeats else f"name: x\nlist: [{values}]\n"
    written_nodes = 1 + 1 + 1 + written + (1 if repeats else 0) + 1  # root, name, list and its items, more
    expanded = written_nodes + repeats * (written + 1)
    refuse = expanded > 2_000 and expanded > 10 * written_nodes
    try:
        parse_documents(text.encode(), "x.yaml")
        assert not refuse, (expanded, written_nodes)
    except InvalidInput as exc:
        assert refuse and "YAML aliases expand" in exc.message, exc.message


# --------------------------------------------------------------------------- parallel setup writes


def test_apply_with_numbers_sends_each_request_once(cli, monkeypatch, tmp_path: Path) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(40), order_polls=0)
    try:
        docs_ = [
            {"name": f"N{i:02d}", "whitelisted_destinations": ["US"], "phone_numbers": numbers(40)[2 * i : 2 * i + 2]}
            for i in range(20)
        ]
        f = tmp_path / "new.yaml"
        f.write_text(yaml.safe_dump(docs_, sort_keys=False))
        res = cli("apply", "-f", str(f), "--parallel", "8")
        assert res.exit_code == 0, res.output
        assert gets(sb) == {
            "GET /v2/messaging_profiles": 2,  # the inventory, and the check for a concurrent run's twins
            # the inventory; then every planned number's owner re-read at once before the writes (one
            # chunk), and once after them (one chunk: a number another run took meanwhile is not "done")
            "GET /v2/phone_numbers/messaging": 1 + 1 + 1,
            "POST /v2/messaging_profiles": 20,
            "PATCH /v2/phone_numbers/{id}/messaging": 40,
        }
        by_name = {p["id"]: p["name"] for p in sb.profiles()}
        assert {n["phone_number"]: by_name[n["messaging_profile_id"]] for n in sb.numbers()} == {
            n: f"N{i // 2:02d}" for i, n in enumerate(numbers(40))
        }
    finally:
        sb.stop()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(st.integers(0, 3), min_size=12, max_size=12),  # profile 0-2 holds it; 3: on none
    after=st.lists(st.integers(0, 3), min_size=12, max_size=12),  # the documents: 3 means listed by none
)
def test_property_parallel_setup_with_moves_and_prunes_ends_where_the_documents_say(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, before: list[int], after: list[int]
) -> None:
    """Every profile's removals run before any profile's moves, so a number one document gives up
    and another takes (`move: true`) ends on the taker, whatever the threads' timing; a second plan
    finds nothing to do."""
    pool = numbers(12)
    sb = make_sandbox(monkeypatch, numbers=pool)
    try:
        profiles = seed(sb, 3)
        for number, owner in zip(pool, before, strict=True):
            if owner < 3:
                sb.state.number(number)["messaging_profile_id"] = profiles[owner]["id"]  # type: ignore[index]
        documents = [
            {
                "name": p["name"],
                "whitelisted_destinations": ["US"],
                "phone_numbers": [{"number": n, "move": True} for n, o in zip(pool, after, strict=True) if o == i],
            }
            for i, p in enumerate(profiles)
        ]
        f = tmp_path / "three.yaml"
        f.write_text(yaml.safe_dump(documents, sort_keys=False))
        res = cli("apply", "-f", str(f), "--prune-setup", "--parallel", "8")
        assert res.exit_code == 0, res.output
        owners = {n["phone_number"]: n.get("messaging_profile_id") for n in sb.numbers()}
        want = {n: (profiles[o]["id"] if o < 3 else None) for n, o in zip(pool, after, strict=True)}
        assert owners == want
        assert cli("plan", "-f", str(f), "--prune-setup", "--detailed-exitcode").exit_code == 0
    finally:
        sb.stop()


# --------------------------------------------------------------------------- start-up


def test_create_does_not_import_the_setup_rules_or_the_inventory(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from conftest import ROOT

    from msgprof_cli.document import loading, setup_rules

    assert loading.SECTIONS == setup_rules.SECTIONS  # written out in loading, kept equal here
    sample = str(ROOT / "sample-configs" / "valid" / "full.yaml")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "msgprof_cli", "create", "-f", sample, "--dry-run", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "msgprof_cli.document.loading" in modules
    assert not modules & {"msgprof_cli.document.setup_rules", "msgprof_cli.api.inventory", "concurrent.futures"}


def test_metrics_of_every_profile_follow_every_page(cli, monkeypatch) -> None:
    sb = make_sandbox(monkeypatch, numbers=[])
    try:
        seed(sb, 300)
        sb.received.clear()
        res = cli("metrics", "--json")
        assert res.exit_code == 0, res.output
        assert len(json.loads(res.stdout)) == 300  # not the first 20
        assert sorted(r.query["page[number]"] for r in sb.received) == ["1", "2"]
        assert {r.query["page[size]"] for r in sb.received} == {"250"}
    finally:
        sb.stop()


OPS = ("start", "stop", "info")
KEYWORDS = ["GO", "HALT", "QUIT", "HELP", "INFO", "END"]
partition = st.lists(st.integers(0, 2), min_size=6, max_size=6).filter(lambda owners: set(owners) == {0, 1, 2})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=partition, after=partition)
def test_property_keywords_move_between_auto_responses_before_they_are_added(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, before: list[int], after: list[int]
) -> None:
    """Any reshuffle of keywords between one profile's auto-responses (swaps and cycles
    included) is applied although the API refuses a keyword held twice: a keyword leaves its
    config before another takes it; then live equals the document and a second plan is clean."""
    from msgprof_cli.sandbox import autoresp

    sb = make_sandbox(monkeypatch, numbers=[])
    try:
        (profile,) = seed(sb, 1)
        for i, op in enumerate(OPS):
            words = [k for k, o in zip(KEYWORDS, before, strict=True) if o == i]
            autoresp.create_config(sb.state, profile["id"], {"op": op, "keywords": words, "country_code": "US"})
        configs = [
            {"op": op, "keywords": [k for k, o in zip(KEYWORDS, after, strict=True) if o == i], "country_code": "US"}
            for i, op in enumerate(OPS)
        ]
        f = tmp_path / "p.yaml"
        f.write_text(
            yaml.safe_dump({"name": profile["name"], "whitelisted_destinations": ["US"], "autoresp_configs": configs})
        )
        res = cli("apply", "-f", str(f))
        assert res.exit_code == 0, res.output
        with sb.state.lock:
            live = {c["op"]: sorted(c["keywords"]) for c in sb.state.autoresp}
        assert live == {c["op"]: sorted(c["keywords"]) for c in configs}
        assert cli("plan", "-f", str(f), "--detailed-exitcode").exit_code == 0
    finally:
        sb.stop()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    held=st.lists(st.integers(0, 2), min_size=30, max_size=30),  # each number: profile 0, 1, or none (2)
    senders=st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(["ACME", "Acme Co", "SHOP1"]), st.booleans()),
        max_size=4,
        unique_by=lambda t: (t[0], t[1]),
    ),
    texts=st.lists(st.sampled_from(["", "Bye.", "Thanks — we got it"]), min_size=2, max_size=2),
)
def test_property_what_export_with_setup_writes_validates_and_plans_clean(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, held: list[int], senders: list[Any], texts: list[str]
) -> None:
    from msgprof_cli.sandbox import autoresp, sender_ids

    pool = numbers(30)
    sb = make_sandbox(monkeypatch, numbers=pool)
    try:
        profiles = seed(sb, 2)
        for number, owner in zip(pool, held, strict=True):
            if owner < 2:
                sb.state.number(number)["messaging_profile_id"] = profiles[owner]["id"]  # type: ignore[index]
        for owner, text, fallback in senders:
            body = {"alphanumeric_sender_id": text, "messaging_profile_id": profiles[owner]["id"]}
            sender_ids.create_sender_id(
                sb.state, {**body, **({"us_long_code_fallback": "+13125550123"} if fallback else {})}
            )
        for i, text in enumerate(texts):
            autoresp.create_config(
                sb.state,
                profiles[i]["id"],
                {"op": "stop", "keywords": ["STOP", "Quit"], "country_code": "US", "resp_text": text},
            )
        out = Path(tempfile.mkdtemp(dir=tmp_path))  # one per example: export never replaces a file
        assert cli("export", "--all", "--with-setup", "--to", str(out)).exit_code == 0
        files = sorted(str(p) for p in out.iterdir())
        res = cli("validate", *files)
        assert res.exit_code == 0, res.output
        args = [a for f in files for a in ("-f", f)]
        res = cli("plan", *args, "--prune-setup", "--detailed-exitcode")
        assert res.exit_code == 0, res.output
    finally:
        sb.stop()


def test_export_of_a_few_profiles_lists_just_their_setup(cli, monkeypatch, tmp_path: Path) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(2_000))
    try:
        made = seed(sb, 10, per_profile=100)  # the account: 2,000 numbers, 1,000 of them on these
        sb.received.clear()
        res = cli("export", made[0]["id"], made[1]["id"], "--with-setup", "--to", str(tmp_path / "out"))
        assert res.exit_code == 0, res.output
        assert gets(sb) == {
            "GET /v2/messaging_profiles/{id}": 2,
            "GET /v2/phone_numbers/messaging": 2,  # filtered by profile: not the account's 8 pages
            "GET /v2/alphanumeric_sender_ids": 2,
            "GET /v2/messaging_profiles/{id}/autoresp_configs": 2,
            "GET /v2/10dlc/phone_number_campaigns": 1,  # the numbers' 10DLC campaigns, listed once
        }
        assert all(r.query.get("filter[messaging_profile_id]") for r in sb.received if "phone_numbers" in r.path)
    finally:
        sb.stop()
