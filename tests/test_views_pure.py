"""Output has channels, not domain views: the views are pure functions from typed items to lines.

`Renderer` (output/render.py) keeps the channels; the plan, apply, Markdown, record, metrics,
profile-list and doctor views live in their own modules, which import no channel (neither render,
the terminal, rich nor the network), and the report views draw only `ShownItem`s, the items whose
secrets `report_view.shown_item` hid.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from msgprof_cli.output import markdown, report_view

OUTPUT = Path(__file__).resolve().parent.parent / "msgprof_cli" / "output"
VIEWS = ["report_view", "markdown", "record_view", "metrics_view", "profile_view", "doctor_view", "views"]
CHANNELS = {"msgprof_cli.output.render", "msgprof_cli.output.terminal", "rich", "requests", "typer"}


def _imports(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("view", VIEWS)
def test_a_view_imports_no_channel(view: str) -> None:
    imported = _imports((OUTPUT / f"{view}.py").read_text())
    assert not {m for m in imported for c in CHANNELS if m == c or m.startswith(c + ".")}, imported


def test_the_probe_of_the_import_check_fails() -> None:
    assert _imports("from msgprof_cli.output import render\nimport rich.text\n") >= {
        "msgprof_cli.output.render",
        "rich.text",
    }


@pytest.mark.parametrize(
    "view",
    [report_view.plan_lines, report_view.apply_lines, report_view.summary_line, markdown.plan_markdown],
)
def test_a_report_view_draws_only_shown_items(view: object) -> None:
    items = inspect.signature(view).parameters["items"].annotation  # type: ignore[arg-type]
    assert items == "Sequence[ShownItem]", items
