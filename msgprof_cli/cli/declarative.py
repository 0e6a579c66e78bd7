"""Declarative commands: plan, apply and export.

Each is thin: parse its flags into a typed ``Options``, resolve settings, load and validate
(``declarative.pipeline.load``), call the pipeline, render what it returns.  The pipeline itself
(plan, apply, their setup phases, Ctrl-C) lives in ``msgprof_cli/declarative/pipeline.py``.
"""

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from msgprof_cli.cli.common import (
    API_OPTIONS,
    WAIT,
    Options,
    PlanFormat,
    Run,
    not_empty,
    resolve_profile,
    run,
    stdin_used_once,
    with_options,
)
from msgprof_cli.cli.presentation import MsgprofCommand
from msgprof_cli.errors import UsageError
from msgprof_cli.secrets import quote

if TYPE_CHECKING:  # imported lazily at run time: start-up stays light
    from msgprof_cli.api.client import TelnyxClient
    from msgprof_cli.declarative.pipeline import Request
    from msgprof_cli.declarative.plan import Item
    from msgprof_cli.declarative.report import Phase

PANEL = "Declarative"
FILES = Annotated[
    list[str],
    typer.Option("--file", "-f", metavar="PATH", help="Profile files or directories (repeatable; - reads stdin)."),
]
JSON = Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout.", rich_help_panel="Output")]
PLAN_FORMAT = Annotated[
    Optional[PlanFormat],
    typer.Option(
        "--format",
        "--output",
        "-o",
        help="text (default), json (same as --json), or markdown for a pull request or $GITHUB_STEP_SUMMARY.",
        rich_help_panel="Output",
    ),
]
ALLOW_UNKNOWN = Annotated[bool, typer.Option("--allow-unknown", help="Unknown fields are warnings, sent as given.")]
RESOLVE_TWINS = Annotated[
    bool,
    typer.Option(
        "--resolve-twins",
        help="Delete live twins of a name that are accidental copies (equal to the file, nothing attached).",
    ),
]
PRUNE_SETUP = Annotated[
    bool,
    typer.Option(
        "--prune-setup",
        help="Also remove live numbers, sender IDs and auto-responses that a document's setup sections leave out.",
    ),
]
DETAILED = Annotated[bool, typer.Option("--detailed-exitcode", help="Exit 7 when changes are pending (0 when none).")]
PARALLEL = Annotated[int, typer.Option("--parallel", min=1, max=64, help="Profiles applied at once.")]
DRY_RUN = Annotated[bool, typer.Option("--dry-run", help="Same as plan: change nothing.")]
EXPORT_REFS = Annotated[
    Optional[list[str]], typer.Argument(metavar="[ID|NAME...]", help="Profiles to export.", callback=not_empty)
]
EXPORT_ALL = Annotated[bool, typer.Option("--all", help="Export every profile.")]
# -o is the output format in every command; the folder export writes to has its own flag.
OUT_DIR = Annotated[
    Optional[str],
    typer.Option("--to", "-d", metavar="DIR", help="Write one file per profile into this folder (else stdout)."),
]
OLD_OUT_DIR = Annotated[
    Optional[str], typer.Option("--output-dir", metavar="DIR", hidden=True, help="The older name of --to.")
]
FORCE = Annotated[
    bool, typer.Option("--force", help="Replace files that already exist in DIR (else they are skipped).")
]
WITH_SETUP = Annotated[
    bool, typer.Option("--with-setup", help="Also write the phone numbers, sender IDs and auto-responses sections.")
]


@dataclass(frozen=True)
class ExportOptions:
    refs: list[str]
    all: bool = False
    out_dir: Optional[str] = None
    force: bool = False
    with_setup: bool = False


def _planned(r: Run, request: "Request", phase: "Phase") -> "tuple[TelnyxClient, list[Item]]":
    """Load and validate every document (before any request), then plan against the account."""
    from msgprof_cli.declarative import pipeline

    stdin_used_once(r.opts, *request.files)
    desired, warnings = pipeline.load(request, os.environ, phase)
    r.render.issues(warnings, label="warning")
    client = r.client(pool_size=max(4, request.parallel))
    return client, pipeline.plan(client, desired, request)


def _show(r: Run, items: "list[Item]", phase: "Phase", as_json: bool) -> None:
    from msgprof_cli.declarative import report

    if as_json:
        r.render.json(report.build(items, phase))
    elif phase == "plan":
        r.render.plan(items)
    else:
        r.render.apply_report(items)


@with_options(API_OPTIONS)
def plan(
    files: FILES,
    detailed_exitcode: DETAILED = False,
    allow_unknown: ALLOW_UNKNOWN = False,
    resolve_twins: RESOLVE_TWINS = False,
    prune_setup: PRUNE_SETUP = False,
    json_: JSON = False,
    output: PLAN_FORMAT = None,
    opts: Options = Options(),
) -> None:
    """Show, field by field, what apply would change. Changes nothing."""
    from msgprof_cli.declarative import outcome, pipeline

    with run(replace(opts, json=json_, output=output)) as r:
        request = pipeline.Request(files, allow_unknown, resolve_twins, prune_setup)
        _, items = _planned(r, request, "plan")
        if r.output == "markdown":
            r.render.plan_markdown(items)
        else:
            _show(r, items, "plan", r.output == "json")
        r.finish(outcome.Items(items, detailed=detailed_exitcode))


@with_options(API_OPTIONS)
def apply(
    files: FILES,
    parallel: PARALLEL = 4,
    wait: WAIT = 120.0,
    dry_run: DRY_RUN = False,
    allow_unknown: ALLOW_UNKNOWN = False,
    resolve_twins: RESOLVE_TWINS = False,
    prune_setup: PRUNE_SETUP = False,
    json_: JSON = False,
    opts: Options = Options(),
) -> None:
    """Make the account match the files: create what is missing, PATCH what differs."""
    from msgprof_cli.declarative import outcome, pipeline

    with run(replace(opts, json=json_)) as r:
        request = pipeline.Request(files, allow_unknown, resolve_twins, prune_setup, parallel, wait)
        client, items = _planned(r, request, "apply")
        if dry_run:
            _show(r, items, "plan", json_)
            r.finish(outcome.Items(items))
            return
        with r.render.progress(len(items), "applying") as advance:
            done = pipeline.apply(client, items, request, on_done=lambda _: advance(), notify=r.render.notice)
        for note in pipeline.item_notes(done):
            r.render.notice(note)
        _show(r, done, "apply", json_)
        if not json_:
            for note in pipeline.closing_notes(done):
                r.render.notice(note)
        r.finish(outcome.Items(done))


@with_options(API_OPTIONS)
def export(
    refs: EXPORT_REFS = None,
    all_: EXPORT_ALL = False,
    out_dir: OUT_DIR = None,
    force: FORCE = False,
    with_setup: WITH_SETUP = False,
    output_dir: OLD_OUT_DIR = None,
    opts: Options = Options(),
) -> None:
    """Write live profiles as documents that apply accepts unchanged (writable fields only)."""
    with run(opts) as r:
        if output_dir is not None:
            if out_dir is not None:
                raise UsageError("give the folder once: --to DIR (--output-dir is its older name)")
            r.render.warning("--output-dir is now --to (or -d); the older name will go")
            out_dir = output_dir
        _export(r, ExportOptions(refs or [], all_, out_dir, force, with_setup))


def _export(r: Run, e: ExportOptions) -> None:
    """Resolve, name twins, then stdout or files; each step is a call."""
    from msgprof_cli.declarative import export as exporting
    from msgprof_cli.declarative.pipeline import export_setups

    if not e.refs and not e.all:
        raise UsageError("give ID|NAME... (the profiles to export) or --all")
    if e.refs and e.all:
        raise UsageError("give ID|NAME... or --all, not both")
    if e.out_dir is not None:
        exporting.check_directory(e.out_dir)  # a bad --to is a usage error before any request
    client = r.client()
    profiles = (
        list(client.iter_messaging_profiles(page_size=250))
        if e.all
        else [resolve_profile(client, ref) for ref in e.refs]
    )
    profiles.sort(key=lambda p: (str(p.get("name")), str(p.get("created_at")), str(p.get("id"))))
    for twins in exporting.find_twins(profiles):
        r.render.notice(
            f"{len(twins.ids)} live profiles are named {quote(twins.name)} ({', '.join(twins.ids)}): "
            "apply matches by name and refuses them; delete or rename all but one "
            "(msgprof delete ID), or run apply --resolve-twins if they are accidental copies"
        )
    setups = export_setups(client, profiles) if e.with_setup else {}  # the account's setup listed once
    if e.out_dir is None:
        texts = [exporting.export_text(p, setups.get(str(p.get("id")))) for p in profiles]
        r.render.write("---\n".join(texts) if profiles else "")
        if not profiles:
            r.render.notice("no messaging profiles to export")
        return
    result = exporting.write_exports(profiles, e.out_dir, force=e.force, setups=setups)
    for path in result.written:
        r.render.write(path)
    for path, why in result.skipped:
        r.render.notice(f"skipped {path}: {why}")
    n = len(result.written)
    r.render.notice(f"exported {n} profile{'s' if n != 1 else ''} to {e.out_dir}")


COMMANDS = {"plan": plan, "apply": apply, "export": export}


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    for name, fn in COMMANDS.items():
        if only in (None, name):
            app.command(name, cls=MsgprofCommand, rich_help_panel=PANEL)(fn)
