"""Commands for one profile at a time: create, update, get, list, delete and related lists."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    not_empty,
    preview,
    require_interactive_or_yes,
    resolve_profile,
    run,
    splice,
    stdin_used_once,
    with_options,
)
from msgprof_cli.cli.flags import apply_flags, flag_options, flag_specs
from msgprof_cli.cli.presentation import MsgprofCommand, confirm
from msgprof_cli.document.changes import update_effect
from msgprof_cli.document.document import Document, redact
from msgprof_cli.document.loading import load_document
from msgprof_cli.document.rules import split_create
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import ExitStatus, InvalidInput, MsgprofError, UsageError
from msgprof_cli.secrets import quote


@dataclass(frozen=True)
class ProfileInput:
    """What create and update read: a document (-f), the flags derived from the rules, and how."""

    file: Optional[str] = None
    allow_unknown: bool = False
    dry_run: bool = False
    flags: Mapping[str, Any] = field(default_factory=dict)  # by FlagSpec.param (cli/flags.py)

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> "ProfileInput":
        mine = {"file", "allow_unknown", "dry_run"}
        given = {k: v for k, v in values.items() if k in mine}
        return cls(**given, flags={k: v for k, v in values.items() if k not in mine})

    @property
    def empty(self) -> bool:
        """Whether nothing was given at all: no file, no field's flag."""

        def set_(spec: Any) -> bool:
            value = self.flags.get(spec.param)
            return bool(value) if spec.kind in ("null", "list") else value is not None

        return not (self.file or any(set_(s) for s in flag_specs()))


def _input_options(for_update: bool = False) -> list[Opt]:
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


def _document(r: Run, given: ProfileInput) -> Document:
    stdin_used_once(r.opts, given.file)
    stdin = getattr(r.terminal.stdin, "buffer", None)  # the document is read as bytes
    base = load_document(given.file, stdin=stdin, env=os.environ) if given.file else None
    return apply_flags(base, dict(given.flags))


def _validated(r: Run, given: ProfileInput, doc: Document, mode: str) -> dict[str, Any]:
    result = validate(doc, mode=mode, allow_unknown=given.allow_unknown, partial=True)
    r.render.issues(result.warnings, label="warning")
    result.raise_for_errors()
    return result.payload


UNIQUE = Annotated[
    bool,
    typer.Option(
        "--unique", help="Refuse if a profile with this name exists (costs one look-up first).", rich_help_panel="Input"
    ),
]


@with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
def create(unique: UNIQUE = False, given: ProfileInput = ProfileInput(), opts: Options = Options()) -> None:
    """Create a messaging profile from flags and/or a YAML/JSON file (-f)."""
    with run(opts) as r:
        if given.empty:
            raise UsageError("nothing to create", hint='give -f FILE, or flags such as --name "Support" --whitelist US')
        doc = _document(r, given)
        payload = _validated(r, given, doc, "create")
        body, later = split_create(payload)  # a document may name update-only fields (redaction_*)
        if given.dry_run:
            from msgprof_cli.api.paths import Pending
            from msgprof_cli.api.resources import Profiles

            requests: list[Any] = [Profiles.create(redact(body, (), doc.secrets))]  # cli.common.preview: tuples
            if later:  # the update that follows the create (only the fields the new profile lacks)
                requests.append(Profiles.update(Pending("id of the new profile"), redact(later, (), doc.secrets)))
            preview(r, requests, one=True)  # one request: one object; with the update, a list
            return
        from msgprof_cli.api.create_once import create_profile, made_before

        try:
            done = create_profile(r.client(), payload, unique=unique)
        except MsgprofError as exc:
            made = made_before(exc)
            if made is not None:  # created, then its update failed: creating it again would make a twin
                exc.hint = (
                    f"`msgprof update {made.get('id')} -f FILE` sets the rest; creating it again makes a second profile"
                )
            raise
        if done.note:
            r.render.notice(done.note)
        r.emit_profile(done.profile, title="created")


ADD_WHITELIST = Annotated[
    Optional[list[str]],
    typer.Option(
        "--add-whitelist",
        metavar="CC[,CC...]",
        help="Add destination countries to the live list (the rest stay). Repeatable; takes comma lists.",
        rich_help_panel="Profile fields",
        show_default=False,
    ),
]
REMOVE_WHITELIST = Annotated[
    Optional[list[str]],
    typer.Option(
        "--remove-whitelist",
        metavar="CC[,CC...]",
        help="Take destination countries out of the live list. Repeatable; takes comma lists.",
        rich_help_panel="Profile fields",
        show_default=False,
    ),
]


def _countries(values: Optional[list[str]], flag: str) -> list[str]:
    """Codes from --add-whitelist/--remove-whitelist, checked by the rule --whitelist follows."""
    codes = [c.strip() for item in values or [] for c in item.split(",") if c.strip()]
    if values and not codes:
        raise UsageError(f"{flag} needs a country code", hint=f"e.g. {flag} DE")
    if not codes:
        return []
    path = ("whitelisted_destinations",)
    result = validate(Document({path[0]: codes}, origins={path: flag}), mode="update")
    result.raise_for_errors()
    return list(result.payload[path[0]])


def _whitelist_edit(given: ProfileInput, doc: Document, editing: bool) -> None:
    """--add-whitelist/--remove-whitelist edit the live list; --whitelist (or a document's list)
    replaces it: asking for both is a usage error, before anything is checked or read."""
    if not editing:
        return
    if "whitelisted_destinations" in (doc.data if isinstance(doc.data, dict) else {}):
        given_by = doc.origins.get(("whitelisted_destinations",)) or f"{given.file} (whitelisted_destinations)"
        raise UsageError(
            f"{given_by} replaces the whole destination list; --add-whitelist/--remove-whitelist change the live one",
            hint="give one or the other",
        )


def _both(add: list[str], remove: list[str]) -> None:
    both = [c for c in add if c in remove]
    if both:
        raise UsageError(f"{', '.join(both)} is both added and removed", hint="give each country once")


def _merged_whitelist(r: Run, current: dict[str, Any], add: list[str], remove: list[str]) -> list[str]:
    """The live list with the edits: sent whole (the API replaces it), checked again by the rule."""
    from msgprof_cli.document.changes import merged_countries

    live = current.get("whitelisted_destinations")
    missing = [c for c in remove if live != ["*"] and c not in (live if isinstance(live, list) else [])]
    if missing:
        r.render.notice(f"not on the list, so not removed: {', '.join(missing)}")
    codes = [c for c in live if isinstance(c, str)] if isinstance(live, list) else []
    if "*" in add and codes != ["*"]:  # a widening the person may not have meant: said, not silent
        was = f"[{', '.join(codes)}]" if codes else "the list"
        r.render.notice(
            f'--add-whitelist "*" allows every destination: {was} is replaced by ["*"] '
            '(--whitelist "*" is the explicit way to say so)'
        )
    elif codes == ["*"] and add:
        r.render.notice(
            f'the profile allows every destination ("*"), so {", ".join(add)} is already allowed: nothing added'
        )
    elif already := [c for c in add if c in codes]:
        r.render.notice(f"already on the list, so not added again: {', '.join(already)}")
    merged = merged_countries(live, add, remove)
    if not merged:
        raise InvalidInput(
            "--remove-whitelist would leave no destination allowed",
            hint='keep at least one country, or give --whitelist "*" for all',
        )
    return _countries(merged, "--add-whitelist/--remove-whitelist")


@with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
def update(
    ref: REF,
    add_whitelist: ADD_WHITELIST = None,
    remove_whitelist: REMOVE_WHITELIST = None,
    given: ProfileInput = ProfileInput(),
    opts: Options = Options(),
) -> None:
    """Change some fields of a profile (PATCH with only the fields given)."""
    with run(opts) as r:
        if given.empty and not (add_whitelist or remove_whitelist):
            raise UsageError("nothing to update", hint="give -f FILE or flags such as --disabled")
        doc = _document(r, given)
        _whitelist_edit(given, doc, editing=bool(add_whitelist or remove_whitelist))
        add, remove = _countries(add_whitelist, "--add-whitelist"), _countries(remove_whitelist, "--remove-whitelist")
        _both(add, remove)
        payload = _validated(r, given, doc, "update")
        client = r.client()
        current = resolve_profile(client, ref)
        if add or remove:
            payload["whitelisted_destinations"] = _merged_whitelist(r, current, add, remove)
        done = update_effect(doc, payload, current)
        if given.dry_run:
            from msgprof_cli.api.resources import Profiles

            preview(r, [Profiles.update(current["id"], done.shown_body())], one=True)
            return
        updated = client.update_messaging_profile(current["id"], done.body)
        if r.render.interactive_err:
            r.render.changes(done.shown_changes(), header=f"changed on {current['id']}")
        r.emit_profile(updated, title="updated")


@with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, SECRET_OPTIONS, API_OPTIONS)
def get(ref: REF, opts: Options = Options()) -> None:
    """Show one profile."""
    with run(opts) as r:
        r.emit_profile(resolve_profile(r.client(), ref))


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
                    page_size=page_size or 250, name=name, name_contains=name_contains, on_page=progress, limit=limit
                ):
                    out.append(p)
                    if limit and len(out) >= limit:
                        break
        else:
            page = client.list_messaging_profiles(page_size=page_size or 20, name=name, name_contains=name_contains)
            out, total = page.data, page.total_results or len(page.data)
        if not r.render.data(out, r.output):
            empty = "no messaging profiles"
            if name is not None:
                empty = f"no messaging profile named {quote(name)}"
            elif name_contains is not None:
                empty = f"no messaging profile whose name contains {quote(name_contains)}"
            r.render.profiles(out, empty=empty)
        if total > len(out):
            r.render.notice(f"showing {len(out)} of {total}; use --all or --limit N for more")


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def delete(
    refs: Annotated[list[str], typer.Argument(metavar="ID|NAME...", help="Profiles to delete.", callback=not_empty)],
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
                raise typer.Exit(ExitStatus.OK)
        deleted = [client.delete_messaging_profile(t["id"]) for t in targets]
        if not r.render.data(deleted, r.output):
            for d in deleted:
                r.render.deleted("profile", d.get("id"), d.get("name"))


def _related(r: Run, ref: str, endpoint: str, columns: list[str], label: str) -> None:
    client = r.client()
    pid = resolve_profile(client, ref)["id"]
    items = list(client.iter_related(pid, endpoint))
    if not r.render.data(items, r.output):
        r.render.table(columns, ([i.get(c) for c in columns] for i in items), empty=f"no {label} on this profile")


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def short_codes(ref: REF, opts: Options = Options()) -> None:
    """List the short codes of a profile."""
    with run(opts) as r:
        _related(r, ref, "short_codes", ["id", "short_code", "country_code"], "short codes")


TIME_FRAMES = ("1h", "3h", "24h", "3d", "7d", "30d")


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
        if time_frame not in TIME_FRAMES:
            raise UsageError(f"--time-frame must be 1h, 3h, 24h, 3d, 7d or 30d, not {quote(time_frame)}")
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


PANELS = {
    "create": "Profiles",
    "update": "Profiles",
    "get": "Profiles",
    "list": "Profiles",
    "delete": "Profiles",
    "phone-numbers": "Profile details",
    "short-codes": "Profile details",
    "metrics": "Profile details",
    "regenerate-secret": "Profile details",
}
COMMANDS = {
    "get": get,
    "list": list_,
    "delete": delete,
    "short-codes": short_codes,
    "metrics": metrics,
    "regenerate-secret": regenerate_secret,
}


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    """Each command of this group; create and update get their flags (derived from the rules,
    so built only when one of them is the command being run: start-up time)."""
    for name, panel in PANELS.items():
        if only not in (None, name):
            continue
        if name == "phone-numbers":  # one job, one output: an alias of `numbers list`
            from msgprof_cli.cli.setup import numbers_list

            help_ = "Alias of `msgprof numbers list ID|NAME`: the phone numbers of a profile."
            app.command(name, cls=MsgprofCommand, rich_help_panel=panel, help=help_)(numbers_list)
            continue
        if name in ("create", "update"):
            fn = splice((_input_options(for_update=name == "update"),), "given", ProfileInput.of)(
                create if name == "create" else update
            )
        else:
            fn = COMMANDS[name]
        app.command(name, cls=MsgprofCommand, rich_help_panel=panel)(fn)
