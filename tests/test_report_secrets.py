"""Hidden once, at the output boundary: plan and apply items carry raw values, and every format
(text, Markdown, JSON, notices) hides a secret variable's value wherever in an item it sits.

The property puts a secret (of any length, short ones too) in each kind of item field: the name,
the source, a change's old and new values (by field path: the live value a secret replaces, and a
number a secret gave; by value: a secret inside another field), the note, the error's message,
hint and the API's errors[], and a setup change's key, detail and error.  Then it draws the plan
as text (in a pipe and at a terminal), the apply report, the Markdown plan, both --json reports
and apply's notices, and finds the secret in none of them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msgprof_cli import secrets
from msgprof_cli.declarative import pipeline, report
from msgprof_cli.declarative.plan import Desired, Item
from msgprof_cli.declarative.setup_plan import SetupChange, SetupPlan
from msgprof_cli.document.changes import Change
from msgprof_cli.errors import ApiError
from msgprof_cli.output.render import Renderer
from msgprof_cli.output.terminal import Terminal

MARK = "<secret from $REPORT_TOKEN>"
NUMBER_MARK = "<secret from $LIMIT_TOKEN>"


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    secrets.forget()
    yield
    secrets.forget()


def _items(s: str, number: int) -> list[Item]:
    d = Desired(
        f"Team {s}", f"profiles/{s}.yaml", {}, {("webhook_url",): "REPORT_TOKEN", ("daily_spend_limit",): "LIMIT_TOKEN"}
    )
    changes = [
        Change(("webhook_url",), "https://old.example/hook", f"https://{s}.example/hook"),  # by path: old and new
        Change(("alpha_sender",), None, f"x{s}y"),  # by value, inside another field
        Change(("daily_spend_limit",), None, number),  # a number a secret gave, by path
    ]
    setup = SetupPlan(
        [
            SetupChange("sender_id", "add", s, f"us_long_code_fallback {s}"),
            SetupChange("autoresp", "change", f"US {s}", f"text 'old' -> {s!r}", error=ApiError(f"refused {s}")),
        ]
    )
    error = ApiError(f"{s!r}: refused", hint=f"try {s}", status=422, errors=[{"detail": f"bad {s}", "code": "10015"}])
    return [
        Item(d, "update", changes=changes, profile_id="id-1", note=f"made by {s}", setup=setup),
        Item(d, "create", changes=changes, error=error, status="failed", setup=setup, intended="create"),
        Item(d, "unchanged", profile_id="id-2", setup=setup, note=f"a note {s}"),
    ]


def _forms(value: str) -> set[str]:
    return {
        value,
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value)[1:-1],
        html.escape(value, quote=False),
    }


def _every_output(items: list[Item], *, tty: bool) -> tuple[str, str]:
    term = Terminal.fake(width=60, tty=tty, color=tty)
    r = Renderer(term)
    r.plan(items)
    r.apply_report(items)
    r.plan_markdown(items)
    r.json(report.build(items, "plan"))
    r.json(report.build(items, "apply"))
    for note in pipeline.item_notes(items) + pipeline.closing_notes(items):
        r.notice(note)
    r.notice(f"sender ID {items[0].desired.name} made meanwhile by another run")  # a setup step's notice
    return term.out(), term.err()


SECRET = st.builds(lambda tail: "Qz" + tail, st.text(st.sampled_from("QZJX0189#&<>'\" é-_"), max_size=12))


@settings(max_examples=60, deadline=None)
@given(s=SECRET, number=st.integers(100_000, 999_999))
def test_a_secret_in_any_item_field_is_hidden_in_every_format(s: str, number: int) -> None:
    secrets.forget()
    secrets.register_variable("REPORT_TOKEN", s)
    secrets.register_variable("LIMIT_TOKEN", str(number))
    items = _items(s, number)
    for tty in (False, True):
        out, err = _every_output(items, tty=tty)
        for form in _forms(s) | {str(number)}:
            assert form not in out, (tty, form, out)
            assert form not in err, (tty, form, err)
        if not tty:
            assert MARK in out and html.escape(MARK, quote=False) in out and MARK in err
    planned = report.build(items, "plan")
    first = planned["items"][0]
    assert first["changes"][0] == {"field": "webhook_url", "old": MARK, "new": MARK}  # the live value too
    assert first["changes"][2]["new"] == NUMBER_MARK
    assert first["action"] == "update" and first["setup"][0]["kind"] == "sender_id"  # the vocabulary stays
    # and the items themselves still carry the raw values (apply sends them)
    assert items[0].desired.name == f"Team {s}" and items[0].setup is not None and items[0].setup.changes[0].key == s


def test_a_secret_that_is_a_word_of_the_report_keeps_its_vocabulary() -> None:
    secrets.register_variable("WORD_TOKEN", "create")
    item = Item(Desired("create", "p.yaml", {}, {}), "create", changes=[Change(("name",), None, "create")])
    out = report.build([item], "plan")
    assert (out["items"][0]["action"], out["items"][0]["name"]) == ("create", "<secret from $WORD_TOKEN>")
    assert out["summary"]["create"] == 1


@pytest.mark.parametrize("args", [(), ("--json",), ("--format", "markdown")], ids=["text", "json", "markdown"])
def test_a_short_secret_is_hidden_in_the_plan_and_apply_of_the_real_cli(
    cli, sandbox, tmp_path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    # 3 characters: too short for the streams to hide (it could be any word), hidden in reports
    monkeypatch.setenv("SND_KEY", "Zq7")
    f = tmp_path / "p.yaml"
    f.write_text("name: Team ${SND_KEY}\nwhitelisted_destinations: [US]\nalphanumeric_sender_ids: ['${SND_KEY}']\n")
    apply_args = args if args == ("--json",) else ()  # apply has no Markdown
    runs = [("plan", "-f", str(f), *args), ("apply", "-f", str(f), *apply_args)]
    for run in runs:
        res = cli(*run)
        assert res.exit_code == 0, (run, res.output)
        assert "Zq7" not in res.stdout + res.stderr, (run, res.stdout + res.stderr)
        assert "secret from $SND_KEY" in res.stdout, run
    [p] = sandbox.profiles()
    assert p["name"] == "Team Zq7"  # the API got the real value
