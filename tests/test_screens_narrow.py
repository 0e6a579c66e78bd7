"""What a new user saw at an 80-column terminal (tmux 80x24), drawn through the terminal double at
80 and 120 columns: bars that fit, lines wrapped at words, one form per delete, one set of headers."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from screens import screen

from msgprof_cli.output import metrics_view
from msgprof_cli.output.cells import width
from msgprof_cli.sandbox.server import Sandbox

WIDTHS = [80, 120]
BAR = re.compile(r"[█▓░]+")


def _fits(text: str, columns: int) -> None:
    for line in text.splitlines():
        assert width(line) <= columns, f"{width(line)} > {columns}: {line!r}"


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_largest_bar_fills_the_width_exactly_with_its_failed_part(sandbox: Sandbox, columns: int) -> None:
    sandbox.seed_demo_data(seed=1)
    s = screen("metrics", "Demo Marketing", "--time-frame", "30d", width=columns)
    assert s.code == 0, s.err
    _fits(s.text, columns)
    assert "…" not in s.text
    rows = [ln for ln in s.text.splitlines() if re.match(r"\d\d-\d\d \d\d:\d\d ", ln)]
    sent = [int(ln.split()[2]) for ln in rows]
    for ln, n in zip(rows, sent, strict=True):
        bar = BAR.search(ln)
        assert bar is not None, ln
        if n == max(sent):
            assert width(ln.rstrip()) == columns, ln  # the largest bar ends at the last column
            assert "▓" in bar.group(), ln  # ... and its failed part is there


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 200))
def test_bar_parts_never_exceed_the_bar(sent: int, delivered: int, failed: int, top: int, cells: int) -> None:
    good, bad, rest = metrics_view.bar_split(sent, delivered, failed, top, cells)
    assert min(good, bad, rest) >= 0
    assert good + bad + rest <= cells
    if failed and top:
        assert bad >= 1
    whole = max(sent, delivered + failed)
    if top and whole >= top:
        assert good + bad + rest == cells  # the largest row fills the bar exactly


@pytest.mark.parametrize("columns", WIDTHS)
def test_metrics_summary_gives_the_name_its_room_and_right_aligns_numbers(sandbox: Sandbox, columns: int) -> None:
    sandbox.seed_demo_data(seed=1)  # demo profiles only into an empty sandbox: first
    sandbox.create({"name": "Customer alerts (EU)", "whitelisted_destinations": ["US"]})
    s = screen("metrics", width=columns)
    assert s.code == 0, s.err
    _fits(s.text, columns)
    lines = s.text.splitlines()
    for name in ("Demo Marketing", "Customer alerts (EU)"):  # whole, not folded onto two lines
        assert any(name in ln for ln in lines), name
    head = lines[0]
    for row in lines[1:]:
        sent = re.search(r"\d+", row[head.index("NAME") :])
        assert sent is not None, row
        # right-aligned: the count ends where the SENT header ends
        assert sent.end() + head.index("NAME") == head.index("SENT") + len("SENT"), (head, row)


@pytest.mark.parametrize("columns", WIDTHS)
def test_headers_are_upper_case_at_a_terminal_as_in_a_pipe(sandbox: Sandbox, columns: int) -> None:
    sandbox.create({"name": "A", "whitelisted_destinations": ["US"]})
    tty = screen("list", width=columns).text.splitlines()[0].split()
    piped = screen("list", width=columns, tty=False).out.splitlines()[0].split()
    assert tty[:4] == piped[:4] == ["ID", "NAME", "ENABLED", "DESTINATIONS"]


@pytest.mark.parametrize("columns", WIDTHS)
def test_create_title_goes_to_stderr_and_stdout_is_the_profile(sandbox: Sandbox, columns: int) -> None:
    s = screen("create", "--name", "T", "--whitelist", "US", width=columns)
    assert s.code == 0, s.err
    assert not re.search(r"^\s*created\s*$", s.text, flags=re.M)
    assert s.text.startswith("id ")  # the record is the first thing on stdout, its id first
    assert s.err_text == "msgprof: created messaging profile\n"


def test_piped_get_keeps_id_rows_within_80_columns(sandbox: Sandbox) -> None:
    p = sandbox.create(
        {
            "name": "K",
            "whitelisted_destinations": ["US"],
            "url_shortener_settings": {"domain": "e.co", "prefix": "", "replace_blacklist_only": True},
        }
    )
    s = screen("get", p["id"], tty=False)
    assert s.code == 0, s.err
    rows = dict(ln.split(None, 1) for ln in s.out.splitlines())
    assert rows["url_shortener_settings.replace_blacklist_only"] == "true"
    for ln in s.out.splitlines():
        if p["id"] in ln or p["organization_id"] in ln:
            assert width(ln) <= 80, ln


def _fits_words(text: str, columns: int) -> None:
    """No line wider than the terminal, unless it is one token that is wider on its own."""
    for line in text.splitlines():
        assert width(line) <= columns or len(line.split()) == 1, f"{width(line)} > {columns}: {line!r}"


def _joined(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_missing_key_error_wraps_at_words_at_a_terminal(columns: int) -> None:
    s = screen("list", width=columns)  # no key anywhere (the isolation fixture clears TELNYX_*)
    assert s.code != 0
    _fits(s.err_text, columns)
    words = set(s.err_text.split())
    assert any("api_key_file" in w for w in words)  # whole, not api / _key_file
    assert s.err_text.splitlines()[0].startswith("msgprof: error: ")
    piped = screen("list", width=columns, tty=False)
    assert _joined(piped.err) == _joined(s.err_text)  # the same words ...
    assert len(piped.err.splitlines()) < len(s.err_text.splitlines()) or columns > 100  # ... not wrapped


@pytest.mark.parametrize("columns", WIDTHS)
def test_validate_issue_lines_keep_field_paths_whole(tmp_path, columns: int) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nwhitelisted_destinations: [usa]\n")
    s = screen("validate", str(bad), width=columns)
    assert s.code == 3
    _fits_words(s.err_text, columns)
    assert "whitelisted_destinations[0]:" in s.err_text.split()
    piped = screen("validate", str(bad), width=columns, tty=False)
    first = piped.err.splitlines()[0]
    assert first.startswith(f"msgprof: error: {bad}:2: whitelisted_destinations[0]: 'usa' is not")  # one line


@pytest.mark.parametrize("columns", WIDTHS)
def test_plan_and_apply_lines_keep_ids_whole(sandbox: Sandbox, tmp_path, columns: int) -> None:  # type: ignore[no-untyped-def]
    name = "Customer notifications for the European Union and the United Kingdom"
    live = sandbox.create({"name": name, "whitelisted_destinations": ["US"]})
    f = tmp_path / "p.yaml"
    f.write_text(
        f"- name: {name}\n  whitelisted_destinations: [US, CA]\n  webhook_url: https://hooks.example.com/a/b\n"
    )
    for command in ("plan", "apply"):
        # the file as a person names it from its folder (the test runs in tmp_path): a temporary
        # path can be longer than the screen, and msgprof never cuts a path
        s = screen(command, "-f", f.name, width=columns)
        assert s.code == 0, s.err
        _fits(s.text, columns)
        assert live["id"] in s.text.replace("(", " ").replace(")", " ").split(), s.text


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.:[]0123456789日本🚀-", min_size=1, max_size=30)
_IDS = st.uuids().map(str) | st.from_regex(r"[a-z_]{3,12}(\.[a-z_]{3,24}){1,3}\[[0-9]\]", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(_WORDS, _IDS.map(lambda i: f"\0{i}")), min_size=1, max_size=40),
    st.integers(40, 200),
    st.booleans(),
)
def test_messages_wrap_at_words_and_ids_stay_whole(tokens: list[str], columns: int, color: bool) -> None:
    from msgprof_cli.errors import ApiError
    from msgprof_cli.output.render import Renderer
    from msgprof_cli.output.terminal import Terminal

    ids = [t[1:] for t in tokens if t.startswith("\0")]
    message = " ".join(t.lstrip("\0") for t in tokens)
    for tty in (True, False):
        term = Terminal.fake(width=columns, tty=tty, color=color)
        Renderer(term).error(ApiError(message, hint=message))
        Renderer(term).notice(message)
        shown = re.sub(r"\x1b\[[0-9;]*m", "", term.err())
        lines = shown.splitlines()
        if not tty:  # a pipe: one line per message, never wrapped
            assert len(lines) == 3
            continue
        for line in lines:
            assert width(line) <= columns or len(line.split()) == 1, (columns, line)
        for ident in ids:
            assert all(any(ident in ln for ln in part) for part in _messages(lines)), ident


def _messages(lines: list[str]) -> list[list[str]]:
    """The error, hint and notice lines, each message with its continuation lines."""
    out: list[list[str]] = []
    for line in lines:
        if line.startswith(("msgprof:", "  hint:")):
            out.append([line])
        else:
            out[-1].append(line)
    assert len(out) == 3
    return out


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("tty", [True, False])
def test_every_delete_reports_one_line_deleted_kind_id_name(sandbox: Sandbox, columns: int, tty: bool) -> None:
    p = sandbox.create({"name": "Gone soon", "whitelisted_destinations": ["GB"]})
    added = screen("sender-ids", "add", p["id"], "Acme", "--json", tty=False)
    assert added.code == 0, added.err
    sid = json.loads(added.out)["id"]
    made = screen("autoresp", "create", p["id"], "--op", "stop", "-k", "STOP", "--country", "GB", "--json", tty=False)
    assert made.code == 0, made.err
    cfg = json.loads(made.out)["id"]
    runs = [
        (["sender-ids", "remove", p["id"], "Acme", "--yes"], f"deleted sender ID {sid} (Acme)"),
        (["autoresp", "delete", p["id"], cfg, "--yes"], f"deleted auto-response {cfg}"),
        (["delete", p["id"], "--yes"], f"deleted profile {p['id']} (Gone soon)"),
    ]
    for args, line in runs:
        s = screen(*args, width=columns, tty=tty)
        assert s.code == 0, s.err
        assert s.text == line + "\n", s.text
        assert "DELETED" not in s.err_text


GLOBAL = ("--account", "--base-url", "--api-key-file", "--timeout", "--max-retries", "--debug")


@pytest.mark.parametrize("columns", WIDTHS)
def test_top_level_help_lists_the_global_options(columns: int) -> None:
    s = screen("--help", width=columns)
    assert s.code == 0, s.err
    _fits(s.out, columns)
    panel = s.out.split("Global options (before or after the command):\n", 1)[1].split("\n\n", 1)[0]
    listed = [ln.split()[0] for ln in panel.splitlines() if ln.startswith("  --")]
    assert listed == list(GLOBAL)
    assert "--timeout SECONDS" in panel and "Read timeout, seconds" in panel


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("args", [["--tiemout", "5", "list"], ["list", "--tiemout", "5"], ["--acount", "x", "list"]])
def test_a_mistyped_global_option_gets_a_suggestion(columns: int, args: list[str]) -> None:
    s = screen(*args, width=columns)
    assert s.code == 2
    want = "--timeout" if "--tiemout" in args else "--account"
    assert f"did you mean {want}?" in " ".join(s.err_text.split())


def _all_commands() -> list[list[str]]:
    from typer.main import get_command

    from msgprof_cli.cli import app

    out: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        out.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return out


@pytest.mark.parametrize("columns", WIDTHS)
def test_help_placeholders_are_upper_case_words(columns: int) -> None:
    commands = _all_commands()
    assert len(commands) > 20
    for path in commands:
        s = screen(*path, "--help", width=columns)
        assert s.code == 0, (path, s.err)
        assert not re.search(r"<[a-z ]+>", s.out), (path, re.findall(r"--\S+ <[a-z ]+>", s.out))
    create = screen("create", "--help", width=columns).out
    # the field flags are named, grouped; what each does is in `msgprof schema` and docs/documents.md
    assert "--no-pool" in create.split() and "`msgprof schema`" in create


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_failed_create_lists_its_fields_as_a_create(sandbox: Sandbox, tmp_path, columns: int) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "new.yaml"  # a number the account does not have: the setup section fails
    f.write_text("name: Brand new\nwhitelisted_destinations: [US]\nphone_numbers: ['+12025550199']\n")
    s = screen("plan", "-f", str(f), width=columns)
    assert s.code != 0
    lines = s.text.splitlines()
    assert lines[0].startswith("! failed Brand new"), lines
    assert '    + name: "Brand new"' in lines
    assert not any(ln.startswith("    ~ ") for ln in lines), lines
    assert lines[-1] == "Plan: 0 to create, 0 to update, 0 unchanged, 1 failed (1 create)."
    md = screen("plan", "-f", str(f), "--format", "markdown", tty=False).out
    assert '| `+` | <code>name</code> |  | <code>"Brand new"</code> |' in md.splitlines()
