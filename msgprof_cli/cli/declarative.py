"""Declarative commands: plan, apply and export."""

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from msgprof_cli.cli.common import (
    API_OPTIONS,
    Options,
    PlanFormat,
    Run,
    command,
    not_empty,
    resolve_profile,
    run,
    stdin_used_once,
    with_options,
)
from msgprof_cli.errors import ChangesPending, Interrupted, UsageError

if TYPE_CHECKING:  # imported lazily at run time: start-up stays light
    from msgprof_cli.api.client import TelnyxClient
    from msgprof_cli.declarative.plan import Item
    from msgprof_cli.declarative.report import Phase

FILES = Annotated[
    list[str],
    typer.Option("--file", "-f", metavar="PATH", help="Profile files or directories (repeatable; - reads stdin)."),
]
JSON = Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout.", rich_help_panel="Output")]
PLAN_FORMAT = Annotated[
    Optional[PlanFormat],
    typer.Option(
        "--format",
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


@dataclass(frozen=True)
class PlanOptions:
    """What plan and apply share beyond the connection options."""

    files: list[str]
    allow_unknown: bool = False
    resolve_twins: bool = False
    prune_setup: bool = False
    parallel: int = 4


def _plan(r: Run, p: PlanOptions, phase: "Phase") -> "tuple[TelnyxClient, list[Item]]":
    from msgprof_cli.declarative import plan as reconcile
    from msgprof_cli.declarative import setup_plan as reconcile_setup

    stdin_used_once(r.opts, *p.files)
    desired, warnings = reconcile.load_desired(p.files, os.environ, allow_unknown=p.allow_unknown, phase=phase)
    r.render.issues(warnings, label="warning")
    client = r.client(pool_size=max(4, p.parallel))
    inventory = reconcile.read_inventory(client, desired)  # the account, read once for the whole run
    resolver = reconcile.twin_resolver(client) if p.resolve_twins else None
    items = reconcile.plan(desired, inventory.by_name(), resolve_twins=resolver)
    reconcile_setup.plan_items(client, items, prune=p.prune_setup, inventory=inventory)
    return client, items


def _show(r: Run, items: "list[Item]", phase: "Phase", as_json: bool) -> None:
    from msgprof_cli.declarative import report

    if as_json:
        r.render.json(report.build(items, phase))
    elif phase == "plan":
        r.render.plan(items)
    else:
        r.render.apply_report(items)


def _setups(client: Any, profiles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from msgprof_cli.declarative.setup_plan import export_setups

    return export_setups(client, profiles)  # the account's setup listed once, not per profile


def _worst(items: "list[Item]") -> int:
    return max((i.error.exit_code for i in items if i.error is not None), default=0)


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    # Longer than 50 lines on purpose: register() only declares this group's commands (each one
    # short), nested so that build_app(only) builds just the command being run (start-up time).
    @command(app, only, "plan", rich_help_panel="Declarative")
    @with_options(API_OPTIONS)
    def plan(
        files: FILES,
        detailed_exitcode: Annotated[
            bool, typer.Option("--detailed-exitcode", help="Exit 7 when changes are pending (0 when none).")
        ] = False,
        allow_unknown: ALLOW_UNKNOWN = False,
        resolve_twins: RESOLVE_TWINS = False,
        prune_setup: PRUNE_SETUP = False,
        json_: JSON = False,
        output: PLAN_FORMAT = None,
        opts: Options = Options(),
    ) -> None:
        """Show, field by field, what apply would change. Changes nothing."""
        from msgprof_cli.declarative.setup_plan import pending

        with run(replace(opts, json=json_, output=output)) as r:
            _, items = _plan(r, PlanOptions(files, allow_unknown, resolve_twins, prune_setup), "plan")
            if r.output == "markdown":
                r.render.plan_markdown(items)
            else:
                _show(r, items, "plan", r.output == "json")
            worst = _worst(items)
            if worst:
                raise typer.Exit(worst)
            if detailed_exitcode and (any(i.action in ("create", "update", "delete") for i in items) or pending(items)):
                raise typer.Exit(ChangesPending.exit_code)

    @command(app, only, "apply", rich_help_panel="Declarative")
    @with_options(API_OPTIONS)
    def apply(
        files: FILES,
        parallel: Annotated[int, typer.Option("--parallel", min=1, max=64, help="Profiles applied at once.")] = 4,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Same as plan: change nothing.")] = False,
        allow_unknown: ALLOW_UNKNOWN = False,
        resolve_twins: RESOLVE_TWINS = False,
        prune_setup: PRUNE_SETUP = False,
        json_: JSON = False,
        opts: Options = Options(),
    ) -> None:
        """Make the account match the files: create what is missing, PATCH what differs."""
        from msgprof_cli.declarative import plan as reconcile
        from msgprof_cli.declarative import setup_plan as reconcile_setup

        with run(replace(opts, json=json_)) as r:
            client, items = _plan(r, PlanOptions(files, allow_unknown, resolve_twins, prune_setup, parallel), "apply")
            if dry_run:
                _show(r, items, "plan", json_)
                raise typer.Exit(_worst(items))
            with r.render.progress(len(items), "applying") as advance:
                done = reconcile.apply(client, items, parallel=parallel, on_done=lambda _: advance())
            if not any(isinstance(i.error, Interrupted) for i in done):  # Ctrl-C: stop here
                reconcile_setup.apply_items(client, done, r.render.notice, parallel=parallel)
            for item in done:
                if item.note and item.action != "delete":
                    r.render.notice(f"{item.name}: {item.note}")
            _show(r, done, "apply", json_)
            failed = sum(1 for i in done if i.status == "failed")
            stopped = sum(1 for i in done if isinstance(i.error, Interrupted))
            if stopped and not json_:
                r.render.notice(f"interrupted: {stopped} of {len(done)} profiles were not done (see each line)")
            if failed > stopped and not json_:
                rest = "the others were applied" if failed < len(done) else "none was applied"
                r.render.notice(f"{failed - stopped} of {len(done)} profiles failed; {rest}")
            raise typer.Exit(_worst(done))

    @command(app, only, "export", rich_help_panel="Declarative")
    @with_options(API_OPTIONS)
    def export(
        refs: Annotated[
            Optional[list[str]], typer.Argument(metavar="[ID|NAME...]", help="Profiles to export.", callback=not_empty)
        ] = None,
        all_: Annotated[bool, typer.Option("--all", help="Export every profile.")] = False,
        out_dir: Annotated[
            Optional[str],
            typer.Option("--output-dir", "-o", metavar="DIR", help="Write one file per profile here (else stdout)."),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Replace files that already exist in DIR (else they are skipped).")
        ] = False,
        with_setup: Annotated[
            bool,
            typer.Option("--with-setup", help="Also write the phone numbers, sender IDs and auto-responses sections."),
        ] = False,
        opts: Options = Options(),
    ) -> None:
        # A few lines over 50: resolve, name twins, then stdout or files; each step is a call.
        """Write live profiles as documents that apply accepts unchanged (writable fields only)."""
        from msgprof_cli.declarative import export as exporting

        with run(opts) as r:
            if not refs and not all_:
                raise UsageError("give ID|NAME... (the profiles to export) or --all")
            if refs and all_:
                raise UsageError("give ID|NAME... or --all, not both")
            if out_dir is not None:
                exporting.check_directory(out_dir)  # a bad -o is a usage error before any request
            client = r.client()
            profiles = (
                list(client.iter_messaging_profiles(page_size=250))
                if all_
                else [resolve_profile(client, ref) for ref in refs or []]
            )
            profiles.sort(key=lambda p: (str(p.get("name")), str(p.get("created_at")), str(p.get("id"))))
            for twins in exporting.find_twins(profiles):
                r.render.notice(
                    f"{len(twins.ids)} live profiles are named {twins.name!r} ({', '.join(twins.ids)}): "
                    "apply matches by name and refuses them; delete or rename all but one "
                    "(msgprof delete ID), or run apply --resolve-twins if they are accidental copies"
                )
            setups = _setups(client, profiles) if with_setup else {}
            if out_dir is None:
                texts = [exporting.export_text(p, setups.get(str(p.get("id")))) for p in profiles]
                r.render.write("---\n".join(texts) if profiles else "")
                if not profiles:
                    r.render.notice("no messaging profiles to export")
                return
            result = exporting.write_exports(profiles, out_dir, force=force, setups=setups)
            for path in result.written:
                r.render.write(path)
            for path, why in result.skipped:
                r.render.notice(f"skipped {path}: {why}")
            n = len(result.written)
            r.render.notice(f"exported {n} profile{'s' if n != 1 else ''} to {out_dir}")
