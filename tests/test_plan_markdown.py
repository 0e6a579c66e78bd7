"""plan --format markdown: a summary line, then a collapsible section per profile, secrets masked."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from screens import screen

from msgprof_cli.declarative.plan import Desired, Item
from msgprof_cli.document.changes import Change
from msgprof_cli.errors import ApiError
from msgprof_cli.output.markdown import plan_markdown
from msgprof_cli.output.report_view import shown_items
from msgprof_cli.sandbox.server import Sandbox

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def items() -> list[Item]:
    def d(name: str, secrets: dict | None = None) -> Desired:
        return Desired(name, f"profiles/{name.split()[0].lower()}.yaml", {}, secrets or {})

    return [
        Item(d("New"), "create", changes=[Change(("name",), None, "New"), Change(("enabled",), None, True)]),
        Item(
            d("Hooked", {("webhook_url",): "WEBHOOK_TOKEN"}),
            "update",
            changes=[Change(("webhook_url",), "https://old.example/x", "https://h.example/tok-SECRET-9")],
            profile_id=ID,
        ),
        Item(d("Twin"), "delete", profile_id=ID, note="accidental twin: nothing attached"),
        Item(d("Same"), "unchanged", profile_id=ID),
        Item(d("Broken | </details><script>x</script>"), "failed", error=ApiError("refused", hint="fix it")),
    ]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.opened.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def test_every_kind_of_change_has_its_section() -> None:
    md = plan_markdown(shown_items(items()))
    lines = md.splitlines()
    assert lines[0] == "### msgprof plan: 1 to create, 1 to update, 1 to delete, 1 unchanged, 1 failed"
    assert md.count("<details") == 4 and md.count("</details>") == 4  # unchanged gets no section
    assert "<details open>" in md  # the failure is shown unfolded
    assert "| `+` | <code>name</code> |  | <code>&quot;New&quot;</code> |" not in md  # quotes stay as typed
    assert '| `+` | <code>name</code> |  | <code>"New"</code> |' in lines
    assert '| `+` | <code>enabled</code> |  | <code>true</code> |' in lines
    assert '| `~` | <code>webhook_url</code> | <code>"&lt;secret from $WEBHOOK_TOKEN&gt;"</code> |' in md
    assert "tok-SECRET-9" not in md and "old.example" not in md  # old and new values alike masked
    assert "<b>delete</b> Twin" in md and "accidental twin: nothing attached" in md
    assert md.rstrip().endswith("Unchanged: Same")
    assert "**Error:** refused (hint: fix it)" in md


def test_names_cannot_break_out_of_the_html() -> None:
    md = plan_markdown(shown_items(items()))
    parser = Tags()
    parser.feed(md)
    assert parser.stack == []  # every tag closed in order
    assert "script" not in parser.opened
    assert "Broken &#124; &lt;/details&gt;&lt;script&gt;x&lt;/script&gt;" in md


def test_plan_format_markdown_from_the_command_line(sandbox: Sandbox, tmp_path: Path, monkeypatch) -> None:
    sandbox.create({"name": "Live", "whitelisted_destinations": ["US"]})
    f = tmp_path / "p.yaml"
    f.write_text(
        "- name: Live\n  whitelisted_destinations: [US, CA]\n  webhook_url: ${HOOK_TOKEN}\n"
        "- name: New\n  whitelisted_destinations: [GB]\n"
    )
    monkeypatch.setenv("HOOK_TOKEN", "https://h.example/tok-SECRET-1")
    for args in (["--format", "markdown"], ["-o", "markdown"]):
        s = screen("plan", "-f", str(f), *args, tty=False)
        assert s.code == 0, s.err
        assert s.out.startswith("### msgprof plan: 1 to create, 1 to update, 0 unchanged, 0 failed\n")
        assert s.out.count("<details>") == 2 and "tok-SECRET-1" not in s.out + s.err
        assert '<code>["US"]</code> | <code>["US", "CA"]</code> |' in s.out
    assert json.loads(screen("plan", "-f", str(f), "-o", "json", tty=False).out)["summary"]


@pytest.mark.parametrize("args", [["--json", "-o", "markdown"], ["--json", "--format", "text"]])
def test_plan_json_with_another_format_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: X\nwhitelisted_destinations: [US]\n")
    s = screen("plan", "-f", str(f), *args, tty=False)
    assert s.code == 2 and s.out == ""
    assert json.loads(s.err)["error"] == "usage"


def test_markdown_plan_has_no_raw_control_characters() -> None:
    md = plan_markdown(shown_items([Item(Desired("bad\x1b[2J\u202e", "f.yaml", {}, {}), "create", changes=[])]))
    assert "\x1b" not in md and "\u202e" not in md and re.search(r"bad\\x1b\[2J\\u202e", md)
