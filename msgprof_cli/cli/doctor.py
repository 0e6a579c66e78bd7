"""`msgprof doctor`: would a message from FROM to TO be refused, and which command fixes it.

Four forms: one route (``--from --to``), profile documents (``-f``), one message that failed
(``--message ID``) and the whole account (``--all [--profile]``).  The checks are decided in
``declarative/`` (doctor, registration, explain, sweep); this module reads the flags, resolves
``--profile``, writes each fix as a msgprof command and renders.  Exit 9 when a check fails (a
message's cause remains, a sender is blocked).
"""

import os
import shlex
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from msgprof_cli.cli.common import (
    API_OPTIONS,
    Options,
    Run,
    command,
    resolve_profile,
    run,
    stdin_used_once,
    with_options,
)
from msgprof_cli.errors import Ambiguous, UsageError
from msgprof_cli.secrets import shown

if TYPE_CHECKING:  # the decisions (and phonenumbers) load when the command runs
    from msgprof_cli.declarative.doctor import Diagnosis, Fix

SENDER = Annotated[
    Optional[str],
    typer.Option(
        "--from",
        metavar="FROM",
        help="A +E.164 number of the account, an alphanumeric sender ID, or a short code (3-8 digits).",
    ),
]
TO = Annotated[Optional[str], typer.Option("--to", metavar="TO", help="The +E.164 destination.")]
MMS = Annotated[bool, typer.Option("--mms", help="Check MMS features instead of SMS.")]
PROFILE = Annotated[
    Optional[str],
    typer.Option(
        "--profile",
        metavar="ID|NAME",
        help="The profile to check: the one a sender ID is on when it is on several, the one a number should be on, "
        "the one a short code is on; with --all, the profile whose numbers to check.",
    ),
]
FILES = Annotated[
    Optional[list[str]],
    typer.Option(
        "--file",
        "-f",
        metavar="PATH",
        help="Check every route of these profile documents (files or directories, repeatable; - reads stdin).",
    ),
]
MESSAGE = Annotated[
    Optional[str],
    typer.Option(
        "--message",
        metavar="MESSAGE_ID",
        help="Explain a message that failed: each error code's cause, checked against the account now.",
    ),
]
ALL = Annotated[
    bool,
    typer.Option(
        "--all", help="Check every messaging number of the account (or of --profile) as a sender to its own country."
    ),
]
JSON = Annotated[bool, typer.Option("--json", help="Machine-readable checks on stdout.", rich_help_panel="Output")]


def fix_command(fix: "Fix") -> str:
    """A fix as the msgprof command that makes it (PROFILE and URL are for the user to fill in)."""
    from msgprof_cli.declarative.doctor import PLACEHOLDER

    profile = fix.profile if fix.profile == PLACEHOLDER else shlex.quote(fix.profile)
    if fix.action == "assign":
        return f"msgprof numbers assign {profile} {fix.value}" + (" --move" if fix.move else "")
    if fix.action == "whitelist":
        return f"msgprof update {profile} --whitelist {','.join(fix.countries)}"
    if fix.action == "enable":
        return f"msgprof update {profile} --enabled"
    if fix.action == "webhook":
        return f"msgprof update {profile} --webhook-url URL"
    if fix.action == "spend_limit":
        return f"msgprof update {profile} --no-daily-spend-limit-enabled"
    if fix.action == "say":  # no command makes it: the words are the fix
        return fix.value
    return f"msgprof sender-ids add {profile} {shlex.quote(fix.value)}"


def _usage(
    sender: Optional[str],
    to: Optional[str],
    mms: bool,
    profile: Optional[str],
    files: list[str],
    message: Optional[str] = None,
    every: bool = False,
) -> None:
    given_message = message is not None  # `--message ""` is given, and refused by its form (exit 3)
    forms = [name for name, given in (("-f", files), ("--message", given_message), ("--all", every)) if given]
    if len(forms) > 1:
        raise UsageError(f"{' and '.join(forms)} are different checks", hint="give one")
    route = [f for f, v in (("--from", sender), ("--to", to), ("--mms", mms)) if v]
    if forms and (route or (profile and not every)):
        allowed = "--profile" if every else "no route option"
        given = ", ".join(route + (["--profile"] if profile and not every else []))
        raise UsageError(f"{forms[0]} takes {allowed}; {given} check one route", hint="give one")
    if not forms and not (sender and to):
        missing = " and ".join(f for f, v in (("--from", sender), ("--to", to)) if not v)
        raise UsageError(f"{missing} missing", hint="give --from FROM --to TO, -f PATH, --message ID or --all")


def _route(r: Run, sender: str, to: str, mms: bool, profile_ref: Optional[str]) -> "Diagnosis":
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.declarative import doctor

    route = doctor.read_route(sender, to, mms=mms)  # exit 3 before any request or key
    client = r.client()
    profile = resolve_profile(client, profile_ref) if profile_ref else None
    try:
        return doctor.diagnose(client, SetupOperations(client), route, profile, spent=1 if profile_ref else 0)
    except Ambiguous as exc:
        exc.hint = "pick one with --profile ID|NAME"
        raise


def _documents(r: Run, files: list[str]) -> "list[Diagnosis]":
    from msgprof_cli.api.sendpath import SendPathOperations
    from msgprof_cli.declarative import doctor, registration

    stdin_used_once(r.opts, *files)
    documents = doctor.load_documents(files, os.environ)  # exit 3 before any request
    client = r.client()
    inventory = doctor.read_inventory(client, documents)
    ten_dlc, toll_free = doctor.registration_needs(documents, inventory)
    registry = registration.read_registry(SendPathOperations(client), ten_dlc, toll_free)
    return doctor.diagnose_documents(documents, inventory, registry)


def _message(r: Run, message_id: str) -> Any:
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.api.sendpath import SendPathOperations
    from msgprof_cli.declarative import doctor, explain

    message_id = doctor.read_message_id(message_id)  # exit 3 before any request or key
    client = r.client()
    return explain.explain(client, SetupOperations(client), SendPathOperations(client), message_id)


def _sweep(r: Run, profile_ref: Optional[str]) -> Any:
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.api.sendpath import SendPathOperations
    from msgprof_cli.declarative import sweep

    client = r.client()
    profile = resolve_profile(client, profile_ref) if profile_ref else None
    return sweep.sweep(SetupOperations(client), SendPathOperations(client), profile)


@with_options(API_OPTIONS)
def doctor(
    sender: SENDER = None,
    to: TO = None,
    mms: MMS = False,
    profile: PROFILE = None,
    files: FILES = None,
    message: MESSAGE = None,
    every: ALL = False,
    json_: JSON = False,
    opts: Options = Options(),
) -> None:
    """Say why a message from FROM to TO would be refused, and the command that fixes each cause.

    Also: why a sent message failed (--message ID), and which numbers of the account can send at all (--all).
    """
    from msgprof_cli.declarative.outcome import Doctor, DoctorMessage, DoctorSweep

    with run(replace(opts, json=json_)) as r:
        _usage(sender, to, mms, profile, files or [], message, every)
        if message is not None or every:
            found = _message(r, message) if message is not None else _sweep(r, profile)
            summary: dict[str, Any] = shown(found.to_dict(fix_command))  # hidden as plan hides
            r.render.json(summary) if json_ else r.render.doctor(summary)
            r.finish(DoctorMessage(summary) if message is not None else DoctorSweep(summary))
            return
        if files:
            results = _documents(r, files)
            report: Any = [d.to_dict(fix_command) for d in results]
        else:
            assert sender is not None and to is not None
            results = [_route(r, sender, to, mms, profile)]
            report = results[0].to_dict(fix_command)
        if json_:
            r.render.json(report)
        else:
            r.render.doctor(report)
        r.finish(Doctor(results, per_profile=bool(files)))


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    command(app, only, "doctor", rich_help_panel="Messaging setup")(doctor)
