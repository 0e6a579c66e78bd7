"""Messaging setup: `numbers`, `sender-ids` and `autoresp` command groups.

Each command: parse, validate every value at once (exit 3, nothing sent), resolve the profile,
call setup_actions, render.  `--dry-run` validates and prints the requests without a key: the
values ``api.resources`` builds for the real run, with ``<id of ...>`` for an id the run would
look up first.  This module builds no path.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from msgprof_cli.cli.common import (
    API_OPTIONS,
    FIELDS_OPTIONS,
    OUTPUT_OPTIONS,
    REF,
    WAIT,
    Options,
    Run,
    not_empty,
    preview,
    require_interactive_or_yes,
    resolve_profile,
    run,
    stdin_used_once,
    with_options,
)
from msgprof_cli.cli.presentation import MsgprofCommand, MsgprofGroup, confirm
from msgprof_cli.errors import ExitStatus, UsageError
from msgprof_cli.secrets import quote

if TYPE_CHECKING:  # the types only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.api.paths import Pending
    from msgprof_cli.api.setup import NumberResult

GROUPS = ("numbers", "sender-ids", "autoresp")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


PANEL = "Messaging setup"

DRY_RUN = Annotated[
    bool, typer.Option("--dry-run", help="Validate and print the requests instead of sending them (no key needed).")
]
YES = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; required when not interactive.")]
NUMBERS = Annotated[
    Optional[list[str]], typer.Argument(metavar="NUMBER...", help="Phone numbers in E.164, e.g. +15550100001.")
]
NUMBER_FILE = Annotated[
    Optional[str],
    typer.Option("--file", "-f", metavar="PATH", help="A list of numbers, one a line; # comments (- reads stdin)."),
]


class _ListWhenNoCommand(MsgprofGroup):
    """`msgprof sender-ids PROFILE` (the older form) means `msgprof sender-ids list PROFILE`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-") and not _mistyped(self, args):
            args = ["list", *args]
        return list(super().parse_args(ctx, args))


def _mistyped(group: MsgprofGroup, args: list[str]) -> bool:
    """`sender-ids remov P X`: the older form takes one PROFILE, so a first word close to a command
    followed by more words is a mistyped command (click then says "did you mean 'remove'?")."""
    import difflib

    more = [a for a in args[1:] if not a.startswith("-")]
    return bool(more) and bool(difflib.get_close_matches(args[0], list(group.commands), n=1, cutoff=0.7))


def _id_of(*what: str) -> "Pending":
    """The placeholder a preview shows for an id the real run looks up first: <id of 'Support'>."""
    from msgprof_cli.api.paths import Pending

    return Pending("id of " + " on ".join(quote(w) for w in what))


def _number_writes(profile: "str | Pending", numbers: list[str]) -> list[Any]:
    """The writes that put these numbers on ``profile`` ("": on none), as assign/unassign send them."""
    from msgprof_cli.api.paths import Pending
    from msgprof_cli.api.resources import Numbers

    return Numbers.set_profile(profile, numbers, {n: Pending(f"id of {n}") for n in numbers})


def _ops(r: Run) -> "SetupOperations":
    from msgprof_cli.api.client import SetupOperations

    return SetupOperations(r.client())


def _numbers(r: Run, numbers: Optional[list[str]], file: Optional[str]) -> list[str]:
    from msgprof_cli.document import setup_rules as ms

    stdin_used_once(r.opts, file)
    given = ms.arguments(numbers or [])
    if file:
        from msgprof_cli.document.loading import read_bytes

        data, name = read_bytes(file, stdin=getattr(r.terminal.stdin, "buffer", None), what="number list")
        given += ms.parse_number_list(ms.decode_list(data, name), name)
    if not given:
        raise UsageError("no numbers given", hint="give NUMBER... or -f FILE with one number a line")
    return ms.check_numbers(given)


def _report(r: Run, results: "list[NumberResult]") -> None:
    """Per-number results on stdout; the exit code is the worst outcome, and numbers still
    pending when the wait ended are "try again later" (6), whatever else failed."""
    order = ("assigned", "unassigned", "unchanged", "pending", "failed")
    summary = {k: n for k in order if (n := sum(1 for x in results if x.result == k))}
    r.render.results(
        ["number", "result", "detail"],
        [[x.number, x.result, x.detail or "-"] for x in results],
        {"items": [x.to_dict() for x in results], "summary": summary},
        r.output,
    )
    from msgprof_cli.declarative.outcome import Numbers

    r.finish(Numbers(results))


def _progress_run(r: Run, fn: "Callable[..., list[NumberResult]]", total: int, wait: float) -> "list[NumberResult]":
    from msgprof_cli.api.setup import Pacing

    with r.render.progress(total, "numbers") as advance:
        shown = 0

        def progress(done: int, _total: int) -> None:
            nonlocal shown
            for _ in range(max(0, done - shown)):
                advance()
            shown = max(shown, done)

        pacing = Pacing(wait=wait, clock=r.client().clock)  # the client's clock
        return fn(pacing, r.render.notice, progress)


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    if only in (None, "numbers"):
        app.add_typer(_numbers_app(), name="numbers", rich_help_panel=PANEL)
    if only in (None, "sender-ids"):
        app.add_typer(_sender_ids_app(), name="sender-ids", rich_help_panel=PANEL)
    if only in (None, "autoresp"):
        app.add_typer(_autoresp_app(), name="autoresp", rich_help_panel=PANEL)


# --------------------------------------------------------------------------- numbers


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def numbers_assign(
    ref: REF,
    numbers: NUMBERS = None,
    file: NUMBER_FILE = None,
    move: Annotated[bool, typer.Option("--move", help="Also take numbers that are on another profile.")] = False,
    wait: WAIT = 120.0,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Assign phone numbers to a profile (a bulk order above 5 numbers, with progress)."""
    from msgprof_cli.api import setup as sa

    with run(opts) as r:
        wanted = _numbers(r, numbers, file)
        if dry_run:
            preview(r, _number_writes(_id_of(ref), wanted))
            return
        ops = _ops(r)
        pid = resolve_profile(ops.client, ref)["id"]
        results = _progress_run(
            r,
            lambda pacing, notify, progress: sa.assign_numbers(
                ops, pid, wanted, move=move, pacing=pacing, notify=notify, progress=progress
            ),
            len(wanted),
            wait,
        )
        _report(r, results)


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def numbers_unassign(
    numbers: NUMBERS = None,
    file: NUMBER_FILE = None,
    wait: WAIT = 120.0,
    yes: YES = False,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Take phone numbers off their profile (they stop sending messages)."""
    from msgprof_cli.api import setup as sa

    with run(opts) as r:
        wanted = _numbers(r, numbers, file)
        if dry_run:
            preview(r, _number_writes("", wanted))
            return
        ask = require_interactive_or_yes(r, yes, "unassign numbers")
        if ask and not confirm(r.terminal, f"Unassign {plural(len(wanted), 'number')}? They stop sending."):
            r.render.notice("nothing unassigned")
            raise typer.Exit(ExitStatus.OK)
        ops = _ops(r)
        results = _progress_run(
            r,
            lambda pacing, notify, progress: sa.unassign_numbers(
                ops, wanted, pacing=pacing, notify=notify, progress=progress
            ),
            len(wanted),
            wait,
        )
        _report(r, results)


NUMBER_COLUMNS = ["phone_number", "id", "type", "country_code", "messaging_product"]


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def numbers_list(
    ref: Annotated[
        Optional[str],
        typer.Argument(metavar="[ID|NAME]", help="The profile whose numbers to list (or --unassigned)."),
    ] = None,
    unassigned: Annotated[
        bool, typer.Option("--unassigned", help="The account's numbers that are on no profile.")
    ] = False,
    opts: Options = Options(),
) -> None:
    """The phone numbers of a profile (or, with --unassigned, of no profile), with their messaging
    settings.  `msgprof phone-numbers ID|NAME` is the same command."""
    with run(opts) as r:
        if (ref is None) == (not unassigned):
            raise UsageError(
                "give a profile (ID|NAME) or --unassigned, not both" if ref else "no profile given",
                hint="`msgprof numbers list PROFILE` lists its numbers; `msgprof numbers list --unassigned` "
                "the account's numbers on no profile",
            )
        ops = _ops(r)
        if unassigned:  # the whole inventory, kept where no profile is set (no filter for "none")
            items = [i for i in ops.list_phone_numbers_with_messaging_settings() if not i.get("messaging_profile_id")]
            empty = "every phone number of the account is on a profile"
        else:
            pid = resolve_profile(ops.client, not_empty(ref))["id"]
            items = ops.list_phone_numbers_with_messaging_settings(profile_id=pid)
            empty = "no phone numbers on this profile"
        if not r.render.data(items, r.output):
            r.render.table(NUMBER_COLUMNS, ([i.get(c) for c in NUMBER_COLUMNS] for i in items), empty=empty)


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def numbers_campaign(
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="The phone number, in E.164.")],
    campaign_id: Annotated[
        Optional[str], typer.Argument(metavar="CAMPAIGN_ID", help="The 10DLC campaign to put it on.")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the number off its campaign instead.")] = False,
    wait: WAIT = 120.0,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Put a phone number on a 10DLC campaign (never assigned twice, even after a lost answer),
    move it to another, or take it off with --remove.

    The carriers take an assignment after a while: it is waited for (--wait), and still pending
    then exits 6; a failed one exits 5 with the API's reasons."""
    from msgprof_cli.api.resources import Campaigns
    from msgprof_cli.document import setup_rules as ms

    with run(opts) as r:
        if remove == (campaign_id is not None):
            raise UsageError(
                "give CAMPAIGN_ID or --remove, not both" if remove else "no CAMPAIGN_ID given",
                hint="`msgprof numbers campaign NUMBER CAMPAIGN_ID` assigns; `... NUMBER --remove` removes",
            )
        issues: list[Any] = []
        ms.check_one(ms.Given(number, "NUMBER"), ms.number_problem(number), issues)
        if campaign_id is not None:
            ms.check_one(ms.Given(campaign_id, "CAMPAIGN_ID"), ms.campaign_id_problem(campaign_id), issues)
        ms.raise_issues(issues)
        if dry_run:
            preview(r, [Campaigns.remove(number) if campaign_id is None else Campaigns.assign(number, campaign_id)])
            if campaign_id is not None:  # which one the run sends depends on the number's campaign now
                r.render.notice(
                    "a number on another campaign is moved with PUT " + Campaigns.reassign(number, campaign_id).path
                )
            return
        _campaign_run(r, number, campaign_id, wait)


def _campaign_run(r: Run, number: str, campaign_id: Optional[str], wait: float) -> None:
    from msgprof_cli.api import campaigns
    from msgprof_cli.api.setup import Pacing

    client = r.client()
    if campaign_id is None:
        res = campaigns.remove(client, number, notify=r.render.notice)
    else:
        pacing = Pacing(wait=wait, clock=client.clock)  # the client's clock
        res = campaigns.assign(client, number, campaign_id, pacing=pacing, notify=r.render.notice)
    status = (res.record or {}).get("assignmentStatus") or "-"
    r.render.results(
        ["number", "result", "status", "detail"],
        [[number, res.result, status, res.detail or "-"]],
        res.to_dict(),
        r.output,
    )
    if res.error is not None:
        raise res.error


def _numbers_app() -> typer.Typer:
    sub = typer.Typer(
        cls=MsgprofGroup, help="Phone numbers of a profile: assign, unassign, list, campaign.", no_args_is_help=True
    )
    sub.command("assign", cls=MsgprofCommand)(numbers_assign)
    sub.command("unassign", cls=MsgprofCommand)(numbers_unassign)
    sub.command("list", cls=MsgprofCommand)(numbers_list)
    sub.command("campaign", cls=MsgprofCommand)(numbers_campaign)
    return sub


# --------------------------------------------------------------------------- sender IDs


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def sender_ids_list(ref: REF, opts: Options = Options()) -> None:
    """The alphanumeric sender IDs of a profile."""
    with run(opts) as r:
        ops = _ops(r)
        items = ops.list_alphanumeric_sender_ids(resolve_profile(ops.client, ref)["id"])
        if not r.render.data(items, r.output):
            cols = ["id", "alphanumeric_sender_id", "us_long_code_fallback"]
            r.render.table(
                cols, ([i.get(c) for c in cols] for i in items), empty="no alphanumeric sender IDs on this profile"
            )


@with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, API_OPTIONS)
def sender_ids_add(
    ref: REF,
    sender_id: Annotated[str, typer.Argument(metavar="SENDER_ID", help="1-11 letters, digits or spaces.")],
    fallback: Annotated[
        Optional[str],
        typer.Option("--us-long-code-fallback", metavar="+1NUMBER", help="US long code used for US destinations."),
    ] = None,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Add an alphanumeric sender ID to a profile (never twice, even after a lost answer)."""
    from msgprof_cli.api import setup as sa
    from msgprof_cli.document import setup_rules as ms

    with run(opts) as r:
        issues: list[Any] = []
        ms.check_one(ms.Given(sender_id, "SENDER_ID"), ms.sender_id_problem(sender_id), issues)
        if fallback is not None:
            ms.check_one(ms.Given(fallback, "--us-long-code-fallback"), ms.us_long_code_problem(fallback), issues)
        ms.raise_issues(issues)
        if dry_run:
            from msgprof_cli.api.resources import SenderIds

            preview(r, [SenderIds.add(_id_of(ref), sender_id, fallback)])
            return
        ops = _ops(r)
        pid = resolve_profile(ops.client, ref)["id"]
        created = sa.add_sender_id(ops, pid, sender_id, fallback, r.render.notice)
        if created.note:
            r.render.notice(created.note)
        elif created.result == "exists":  # one notice says so: the note, when there is one
            r.render.notice(f"sender ID {quote(sender_id)} is already on the profile; nothing was sent")
        r.emit_profile(created.record, title=created.result, kind="sender_id")


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def sender_ids_remove(
    ref: REF,
    sender_id: Annotated[str, typer.Argument(metavar="SENDER_ID|ID", help="The sender ID, or its id.")],
    yes: YES = False,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Remove an alphanumeric sender ID from a profile."""
    from msgprof_cli.api import setup as sa

    with run(opts) as r:
        if dry_run:
            from msgprof_cli.api.resources import SenderIds

            preview(r, [SenderIds.remove(_id_of(sender_id, ref))])
            return
        ask = require_interactive_or_yes(r, yes, "remove a sender ID")
        ops = _ops(r)
        pid = resolve_profile(ops.client, ref)["id"]
        if ask and not confirm(r.terminal, f"Remove sender ID {quote(sender_id)}?"):
            r.render.notice("nothing removed")
            raise typer.Exit(ExitStatus.OK)
        record = sa.remove_sender_id(ops, pid, sender_id)
        if not r.render.data(record, r.output):
            r.render.deleted("sender ID", record.get("id"), record.get("alphanumeric_sender_id"))


def _sender_ids_app() -> typer.Typer:
    sub = typer.Typer(
        cls=_ListWhenNoCommand, help="Alphanumeric sender IDs of a profile: list, add, remove.", no_args_is_help=True
    )
    sub.command("list", cls=MsgprofCommand)(sender_ids_list)
    sub.command("add", cls=MsgprofCommand)(sender_ids_add)
    sub.command("remove", cls=MsgprofCommand)(sender_ids_remove)
    return sub


# --------------------------------------------------------------------------- auto-responses

KEYWORDS = Annotated[
    Optional[list[str]],
    typer.Option("--keyword", "-k", metavar="KEYWORD", help="A keyword that triggers the response (repeatable)."),
]
OP = Annotated[Optional[str], typer.Option("--op", metavar="start|stop|info", help="What the keyword does.")]
TEXT = Annotated[Optional[str], typer.Option("--text", metavar="TEXT", help="The response text (resp_text).")]
COUNTRY = Annotated[
    Optional[str], typer.Option("--country", metavar="CC", help='ISO 3166-1 alpha-2 code, or "*" for every country.')
]
CONFIG_ID = Annotated[str, typer.Argument(metavar="CONFIG_ID", help="The auto-response config's id.")]
AUTORESP_COLUMNS = ["id", "op", "country_code", "keywords", "resp_text"]


def _autoresp_fields(op: Optional[str], keywords: Optional[list[str]], country: Optional[str]) -> dict[str, Any]:
    """The given fields, checked all at once (exit 3 with every problem)."""
    from msgprof_cli.document import setup_rules as ms

    issues: list[Any] = []
    out: dict[str, Any] = {}
    if op is not None:
        out["op"] = ms.check_one(ms.Given(op, "--op"), ms.op_problem(op), issues)
    if keywords is not None:
        out["keywords"] = ms.check_keywords(
            keywords, lambda i, message, hint: issues.append(ms.Given(keywords[i], "--keyword").issue(message, hint))
        )
    if country is not None:
        out["country_code"] = ms.check_country(ms.Given(country, "--country"), issues)
    ms.raise_issues(issues)
    return out


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def autoresp_list(ref: REF, opts: Options = Options()) -> None:
    """The auto-response configs of a profile."""
    with run(opts) as r:
        ops = _ops(r)
        items = ops.get_autoresp_configs(resolve_profile(ops.client, ref)["id"])
        if not r.render.data(items, r.output):
            r.render.table(
                AUTORESP_COLUMNS, ([i.get(c) for c in AUTORESP_COLUMNS] for i in items), empty="no auto-responses"
            )


@with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, API_OPTIONS)
def autoresp_create(
    ref: REF,
    keyword: KEYWORDS = None,
    op: OP = None,
    text: TEXT = None,
    country: COUNTRY = None,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Create an auto-response: --op, --keyword (repeatable) and --country are required."""
    from msgprof_cli.api import setup as sa
    from msgprof_cli.document.setup_rules import Autoresp

    with run(opts) as r:
        missing = [f for f, v in (("--op", op), ("--keyword", keyword), ("--country", country)) if not v]
        if missing:
            raise UsageError(f"missing {', '.join(missing)}", hint="e.g. --op stop --keyword STOP --country US")
        fields = _autoresp_fields(op, keyword, country)
        config = Autoresp(fields["op"], fields["keywords"], fields["country_code"], text)
        if dry_run:
            from msgprof_cli.api.resources import AutoResps

            preview(r, [AutoResps.create(_id_of(ref), config.payload())])
            return
        ops = _ops(r)
        created = sa.create_autoresp(ops, resolve_profile(ops.client, ref)["id"], config, r.render.notice)
        if created.note:
            r.render.notice(created.note)
        elif created.result == "exists":  # one notice says so: the note, when there is one
            r.render.notice("an identical auto-response is already on the profile; nothing was sent")
        r.emit_profile(created.record, title=created.result, kind="autoresp")


@with_options(OUTPUT_OPTIONS, FIELDS_OPTIONS, API_OPTIONS)
def autoresp_update(
    ref: REF,
    config_id: CONFIG_ID,
    keyword: KEYWORDS = None,
    op: OP = None,
    text: TEXT = None,
    country: COUNTRY = None,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Change an auto-response; the fields not given keep their live values."""
    from msgprof_cli.api import setup as sa
    from msgprof_cli.api.resources import AutoResps

    with run(opts) as r:
        fields = _autoresp_fields(op, keyword, country)
        if text is not None:
            fields["resp_text"] = text
        if not fields:
            raise UsageError("nothing to update", hint="give --op, --keyword, --country or --text")
        # built before anything is read, in the preview and the run alike: an id that cannot be
        # one (`..`) is refused by both, the same way (exit 5, nothing sent)
        shown = AutoResps.replace(_id_of(ref), config_id, fields)
        if dry_run:
            preview(r, [shown])  # the fields given: the run's PUT also carries the live ones
            return
        ops = _ops(r)
        pid = resolve_profile(ops.client, ref)["id"]
        live = sa.find_autoresp(ops, pid, config_id)
        # The API's update is a PUT of the whole config: the live values fill what is not given.
        body = {k: live[k] for k in ("op", "keywords", "country_code", "resp_text") if live.get(k) is not None}
        updated = dict(ops.update_autoresp_config(pid, config_id, body | fields))
        r.emit_profile(updated, title="updated", kind="autoresp")


@with_options(OUTPUT_OPTIONS, API_OPTIONS)
def autoresp_delete(
    ref: REF,
    config_ids: Annotated[list[str], typer.Argument(metavar="CONFIG_ID...")],
    yes: YES = False,
    dry_run: DRY_RUN = False,
    opts: Options = Options(),
) -> None:
    """Delete auto-response configs of a profile."""
    from msgprof_cli.api import setup as sa
    from msgprof_cli.api.resources import AutoResps

    with run(opts) as r:
        # built before anything is read, in the preview and the run alike: an id that cannot be
        # one (`..`) is refused by both, the same way (exit 5, nothing sent)
        shown: list[Any] = [AutoResps.delete(_id_of(ref), c) for c in config_ids]
        if dry_run:
            preview(r, shown)
            return
        ask = require_interactive_or_yes(r, yes, "delete auto-responses")
        ops = _ops(r)
        pid = resolve_profile(ops.client, ref)["id"]
        sa.require_autoresps(ops, pid, config_ids)
        if ask and not confirm(r.terminal, f"Delete {plural(len(config_ids), 'auto-response')}?"):
            r.render.notice("nothing deleted")
            raise typer.Exit(ExitStatus.OK)
        for cid in config_ids:
            sa.delete_autoresp(ops, pid, cid)
        if not r.render.data([{"id": c, "result": "deleted"} for c in config_ids], r.output):
            for c in config_ids:
                r.render.deleted("auto-response", c)


def _autoresp_app() -> typer.Typer:
    sub = typer.Typer(
        cls=MsgprofGroup,
        help="Keyword auto-responses of a profile: list, create, update, delete.",
        no_args_is_help=True,
    )
    sub.command("list", cls=MsgprofCommand)(autoresp_list)
    sub.command("create", cls=MsgprofCommand)(autoresp_create)
    sub.command("update", cls=MsgprofCommand)(autoresp_update)
    sub.command("delete", cls=MsgprofCommand)(autoresp_delete)
    return sub
