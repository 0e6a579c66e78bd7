"""Commands for one profile at a time: create, update, get, list, delete and related lists."""

import os
from typing import Annotated, Any, Optional

import typer

from msgprof_cli.cli.common import (
    API_OPTIONS,
    FIELDS_OPTIONS,
    OUTPUT_OPTIONS,
    REF,
    SECRET_OPTIONS,
    Opt,
    Options,
    Run,
    command,
    dry_run_headers,
    dry_run_text,
    not_empty,
    require_interactive_or_yes,
    resolve_profile,
    run,
    stdin_used_once,
    with_options,
)
from msgprof_cli.cli.flags import apply_flags, flag_options, flag_specs
from msgprof_cli.cli.presentation import MsgprofCommand, confirm
from msgprof_cli.document.changes import update_effect
from msgprof_cli.document.document import Document, redact
from msgprof_cli.document.loading import load_document
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import UsageError


def _profile_options(for_update: bool = False) -> list[Opt]:
    opts: list[Opt] = [
        (
            "file",
            Annotated[
                Optional[str],
                typer.Option(
                    "--file",
                    "-f",
                    metavar="PATH",
                    help="Profile document, YAML or JSON, in the API's field names (- reads stdin).",
                    rich_help_panel="Input",
                ),
            ],
            None,
        ),
        (
            "allow_unknown",
            Annotated[
                bool,
                typer.Option(
                    "--allow-unknown",
                    help="Send unknown fields as given, with a warning (for fields newer than msgprof).",
                    rich_help_panel="Input",
                ),
            ],
            False,
        ),
        (
            "dry_run",
            Annotated[
                bool,
                typer.Option(
                    "--dry-run",
                    help="Validate and print the request instead of sending it "
                    "(create needs no API key; update reads the live profile to merge nested objects).",
                    rich_help_panel="Input",
                ),
            ],
            False,
        ),
    ]
    opts += flag_options(for_update)
    return opts


def _document(opts: dict[str, Any], r: Run) -> Document:
    stdin_used_once(opts, opts.get("file"))
    stdin = getattr(r.terminal.stdin, "buffer", None)  # the document is read as bytes
    base = load_document(opts["file"], stdin=stdin, env=os.environ) if opts.get("file") else None
    return apply_flags(base, opts)


def _given(opts: dict[str, Any]) -> bool:
    def set_(spec: Any) -> bool:
        value = opts.get(spec.param)
        return bool(value) if spec.kind in ("null", "list") else value is not None

    return bool(opts.get("file")) or any(set_(s) for s in flag_specs())


def _validated(r: Run, doc: Document, mode: str) -> dict[str, Any]:
    result = validate(doc, mode=mode, allow_unknown=bool(r.opts.get("allow_unknown")), partial=True)
    r.render.issues(result.warnings, label="warning")
    result.raise_for_errors()
    return result.payload


def _preview(r: Run, method: str, path: str, body: Optional[dict[str, Any]]) -> None:
    url = r.base_url() + path  # the URL policy applies to what a dry run prints, too
    headers = dry_run_headers()
    if r.output == "json":
        r.render.json({"method": method, "url": url, "headers": headers, "body": body})
        return
    if r.output == "yaml":
        r.render.yaml({"method": method, "url": url, "headers": headers, "body": body})
        return
    r.render.write(dry_run_text(method, url, body))
    r.render.notice("dry run: nothing was sent")


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    # Longer than 50 lines on purpose: register() only declares this group's commands (each one
    # short), nested so that build_app(only) builds just the command being run (start-up time).
    profile_options = _profile_options() if only in (None, "create") else []
    update_options = _profile_options(for_update=True) if only in (None, "update") else []

    @command(app, only, "create", rich_help_panel="Profiles")
    @with_options(profile_options, OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
    def create(
        unique: Annotated[
            bool,
            typer.Option(
                "--unique",
                help="Refuse if a profile with this name exists (costs one look-up first).",
                rich_help_panel="Input",
            ),
        ] = False,
        **opts: Any,
    ) -> None:
        """Create a messaging profile from flags and/or a YAML/JSON file (-f)."""
        with run(opts) as r:
            if not _given(opts):
                raise UsageError(
                    "nothing to create", hint='give -f FILE, or flags such as --name "Support" --whitelist US'
                )
            doc = _document(opts, r)
            payload = _validated(r, doc, "create")
            if opts["dry_run"]:
                _preview(r, "POST", "/messaging_profiles", redact(payload, (), doc.secrets))
                return
            from msgprof_cli.api.create_once import create_once

            done = create_once(r.client(), payload, unique=unique)
            if done.note:
                r.render.notice(done.note)
            r.emit_profile(done.profile, title="created")

    @command(app, only, "update", rich_help_panel="Profiles")
    @with_options(update_options, OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
    def update(ref: REF, **opts: Any) -> None:
        """Change some fields of a profile (PATCH with only the fields given)."""
        with run(opts) as r:
            if not _given(opts):
                raise UsageError("nothing to update", hint="give -f FILE or flags such as --disabled")
            doc = _document(opts, r)
            payload = _validated(r, doc, "update")
            client = r.client()
            current = resolve_profile(client, ref)
            done = update_effect(doc, payload, current)
            if opts["dry_run"]:
                _preview(r, "PATCH", f"/messaging_profiles/{current['id']}", done.shown_body())
                return
            updated = client.update_messaging_profile(current["id"], done.body)
            if r.render.interactive_err:
                r.render.changes(done.shown_changes(), header=f"changed on {current['id']}")
            r.emit_profile(updated, title="updated")

    @command(app, only, "get", rich_help_panel="Profiles")
    @with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
    def get(ref: REF, opts: Options = Options()) -> None:
        """Show one profile."""
        with run(opts) as r:
            r.emit_profile(resolve_profile(r.client(), ref))

    @command(app, only, "list", rich_help_panel="Profiles")
    @with_options(OUTPUT_OPTIONS, API_OPTIONS)
    def list_(
        name: Annotated[Optional[str], typer.Option("--name", help="Exact name.")] = None,
        name_contains: Annotated[Optional[str], typer.Option("--name-contains", help="Part of the name.")] = None,
        page_size: Annotated[
            Optional[int],
            typer.Option("--page-size", min=1, max=250, help="Profiles per request (20; 250 with --all or --limit)."),
        ] = None,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Stop after N profiles.")] = None,
        all_: Annotated[bool, typer.Option("--all", help="Follow every page.")] = False,
        opts: Options = Options(),
    ) -> None:
        """List profiles (the first page unless --all or --limit)."""
        with run(opts) as r:
            client = r.client()
            out: list[dict[str, Any]] = []
            total = 0
            if all_ or limit:
                with r.render.status() as show:

                    def progress(page: int, pages: int) -> None:
                        if pages > 1:
                            show(f"fetched page {page} of {pages}")

                    for p in client.iter_messaging_profiles(
                        page_size=page_size or 250,
                        name=name,
                        name_contains=name_contains,
                        on_page=progress,
                        limit=limit,
                    ):
                        out.append(p)
                        if limit and len(out) >= limit:
                            break
            else:
                page = client.list_messaging_profiles(page_size=page_size or 20, name=name, name_contains=name_contains)
                out, total = page.data, page.total_results or len(page.data)
            if not r.render.data(out, r.output):
                r.render.profiles(out)
            if total > len(out):
                r.render.notice(f"showing {len(out)} of {total}; use --all or --limit N for more")

    @command(app, only, "delete", rich_help_panel="Profiles")
    @with_options(OUTPUT_OPTIONS, API_OPTIONS)
    def delete(
        refs: Annotated[
            list[str], typer.Argument(metavar="ID|NAME...", help="Profiles to delete.", callback=not_empty)
        ],
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; required when not interactive.")] = False,
        opts: Options = Options(),
    ) -> None:
        """Delete profiles (asks first on a terminal; --yes in scripts)."""
        with run(opts) as r:
            ask = require_interactive_or_yes(r, yes, "delete")
            client = r.client()
            targets = [resolve_profile(client, ref) for ref in refs]
            targets = list({t["id"]: t for t in targets}.values())  # `delete ID NAME` of one profile: once
            if ask:
                names = ", ".join(f"{t.get('name')} ({t['id']})" for t in targets)
                if not confirm(r.terminal, f"Delete {names}?"):
                    r.render.notice("nothing deleted")
                    raise typer.Exit(0)
            deleted = [client.delete_messaging_profile(t["id"]) for t in targets]
            if not r.render.data(deleted, r.output):
                for d in deleted:
                    r.render.deleted("profile", d.get("id"), d.get("name"))

    _register_related(app, only)


def _all_metrics(r: Run, time_frame: str, limit: Optional[int]) -> tuple[list[dict[str, Any]], int]:
    """Every profile's metrics, paged like `list --all` (a status line between pages), or the
    first ``limit``; with the total the API reported, so a cut list is never silent."""
    items: list[dict[str, Any]] = []
    total = 0
    with r.render.status() as show:

        def progress(page: int, pages: int) -> None:
            if pages > 1:
                show(f"fetched page {page} of {pages}")

        for page in r.client().iter_profile_metric_pages(time_frame, on_page=progress, limit=limit):
            total = max(total, page.total_results or 0, len(items) + len(page.data))
            items.extend(page.data)
            if limit and len(items) >= limit:
                return items[:limit], total
    return items, total


RELATED = {
    "short-codes": ("short_codes", ["id", "short_code", "country_code"], "short codes"),
}


def _register_related(app: typer.Typer, only: Optional[str]) -> None:
    # Over 50 lines only by the per-command factory that binds each endpoint's columns.
    for name, (endpoint, columns, label) in RELATED.items():

        def make(endpoint: str = endpoint, columns: list[str] = columns, label: str = label) -> Any:
            @with_options(OUTPUT_OPTIONS, API_OPTIONS)
            def related(ref: REF, opts: Options = Options()) -> None:
                with run(opts) as r:
                    client = r.client()
                    pid = resolve_profile(client, ref)["id"]
                    items = list(client.iter_related(pid, endpoint))
                    if not r.render.data(items, r.output):
                        r.render.table(
                            columns, ([i.get(c) for c in columns] for i in items), empty=f"no {label} on this profile"
                        )

            related.__doc__ = f"List the {label} of a profile."
            return related

        if only in (None, name):
            app.command(name, cls=MsgprofCommand, rich_help_panel="Profile details")(make())

    if only in (None, "phone-numbers"):  # one job, one output: an alias of `numbers list`
        from msgprof_cli.cli.setup import numbers_list

        help_ = "Alias of `msgprof numbers list ID|NAME`: the phone numbers of a profile."
        app.command("phone-numbers", cls=MsgprofCommand, rich_help_panel="Profile details", help=help_)(numbers_list)

    @command(app, only, "metrics", rich_help_panel="Profile details")
    @with_options(OUTPUT_OPTIONS, API_OPTIONS)
    def metrics(
        ref: Annotated[
            Optional[str],
            typer.Argument(metavar="[ID|NAME]", help="One profile; all profiles when left out.", callback=not_empty),
        ] = None,
        time_frame: Annotated[str, typer.Option("--time-frame", help="1h, 3h, 24h, 3d, 7d or 30d.")] = "24h",
        limit: Annotated[
            Optional[int], typer.Option("--limit", min=1, help="All profiles: stop after N (and say so).")
        ] = None,
        opts: Options = Options(),
    ) -> None:
        """Messaging metrics for one profile, or a summary of all."""
        with run(opts) as r:
            if time_frame not in ("1h", "3h", "24h", "3d", "7d", "30d"):
                raise UsageError(f"--time-frame must be 1h, 3h, 24h, 3d, 7d or 30d, not {time_frame!r}")
            if ref and limit:
                raise UsageError("--limit applies to the metrics of all profiles", hint="leave out ID|NAME or --limit")
            client = r.client()
            if ref:
                data = client.profile_metrics(resolve_profile(client, ref)["id"], time_frame)
                if not r.render.data(data, r.output):
                    r.render.metrics(data)
                return
            items, total = _all_metrics(r, time_frame, limit)
            if not r.render.data(items, r.output):
                r.render.metrics_summary(items)
            if limit and total > len(items):
                shown = f"showing {len(items)} of {total} profiles (--limit {limit})"
                r.render.notice(f"{shown}; leave out --limit for all")

    @command(app, only, "regenerate-secret", rich_help_panel="Profile details")
    @with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
    def regenerate_secret(ref: REF, opts: Options = Options()) -> None:
        """Regenerate a profile's v1 secret (shown masked unless --show-secrets or --json)."""
        with run(opts) as r:
            client = r.client()
            profile = client.regenerate_secret(resolve_profile(client, ref)["id"])
            r.emit_profile(profile)
            if r.output == "table" and not opts.show_secrets:
                shown = f"`msgprof get {profile.get('id')} --show-secrets` (or -o json)"
                r.render.notice(f"the new v1_secret is masked; {shown} shows it")
