"""`msgprof doctor`: would a message from FROM to TO be refused, and which command fixes it.

The checks are decided in ``declarative/doctor.py``; this module reads the flags, resolves
``--profile``, writes each fix as a msgprof command and renders.  Exit 9 when a check fails.
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

if TYPE_CHECKING:  # the decisions (and phonenumbers) load when the command runs
    from msgprof_cli.declarative.doctor import Diagnosis, Fix

SENDER = Annotated[
    Optional[str],
    typer.Option("--from", metavar="FROM", help="A +E.164 number of the account, or an alphanumeric sender ID."),
]
TO = Annotated[Optional[str], typer.Option("--to", metavar="TO", help="The +E.164 destination.")]
MMS = Annotated[bool, typer.Option("--mms", help="Check MMS features instead of SMS.")]
PROFILE = Annotated[
    Optional[str],
    typer.Option(
        "--profile",
        metavar="ID|NAME",
        help="The profile to check: the one a sender ID is on when it is on several, or the one a number should be on.",
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
    return f"msgprof sender-ids add {profile} {shlex.quote(fix.value)}"


def _usage(sender: Optional[str], to: Optional[str], mms: bool, profile: Optional[str], files: list[str]) -> None:
    if files and (sender or to or mms or profile):
        raise UsageError("-f checks documents; --from, --to, --mms and --profile check one route", hint="give one")
    if not files and not (sender and to):
        missing = " and ".join(f for f, v in (("--from", sender), ("--to", to)) if not v)
        raise UsageError(f"{missing} missing", hint="give --from FROM --to TO, or -f PATH")


def _route(r: Run, sender: str, to: str, mms: bool, profile_ref: Optional[str]) -> "Diagnosis":
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.declarative import doctor

    route = doctor.read_route(sender, to, mms=mms)  # exit 3 before any request or key
    client = r.client()
    profile = resolve_profile(client, profile_ref) if profile_ref else None
    try:
        return doctor.diagnose(client, SetupOperations(client), route, profile)
    except Ambiguous as exc:
        exc.hint = "pick one with --profile ID|NAME"
        raise


def _documents(r: Run, files: list[str]) -> "list[Diagnosis]":
    from msgprof_cli.declarative import doctor

    stdin_used_once(r.opts, *files)
    documents = doctor.load_documents(files, os.environ)  # exit 3 before any request
    client = r.client()
    return doctor.diagnose_documents(documents, doctor.read_inventory(client, documents))


@with_options(API_OPTIONS)
def doctor(
    sender: SENDER = None,
    to: TO = None,
    mms: MMS = False,
    profile: PROFILE = None,
    files: FILES = None,
    json_: JSON = False,
    opts: Options = Options(),
) -> None:
    """Say why a message from FROM to TO would be refused, and the command that fixes each cause."""
    from msgprof_cli.declarative.outcome import Doctor

    with run(replace(opts, json=json_)) as r:
        _usage(sender, to, mms, profile, files or [])
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
