"""The msgprof command line (typer).  Commands are thin: parse, resolve, validate, call, render.

Start-up matters (a CLI runs thousands of times in CI), so ``main`` builds a typer app holding
only the command being run; ``--help`` and tests get the whole app.  ``--version`` answers
without importing typer at all.
"""

import importlib
import sys
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

if TYPE_CHECKING:
    from msgprof_cli.errors import CommandStatus, ExitStatus

HELP = "Create and manage Telnyx messaging profiles: from flags or YAML, validated before anything is sent."
# Which module registers each command, so that running one imports only its module.
COMMAND_MODULES = {
    **dict.fromkeys(
        (
            "create",
            "update",
            "get",
            "list",
            "delete",
            "phone-numbers",
            "short-codes",
            "metrics",
            "regenerate-secret",
        ),
        "profiles",
    ),
    **dict.fromkeys(("plan", "apply", "export"), "declarative"),
    **dict.fromkeys(("numbers", "sender-ids", "autoresp"), "setup"),
    **dict.fromkeys(("validate", "schema", "sandbox", "config"), "local"),
    "doctor": "doctor",
}


def _version(value: bool) -> None:
    if value:
        from msgprof_cli import __version__
        from msgprof_cli.errors import ExitStatus

        typer.echo(f"msgprof {__version__}")
        raise typer.Exit(ExitStatus.OK)


def _main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Create and manage Telnyx messaging profiles."""


def build_app(only: Optional[str] = None) -> typer.Typer:
    """The typer app; with ``only``, just that command (and the group around it)."""
    from msgprof_cli.cli.presentation import MsgprofGroup

    app = typer.Typer(
        name="msgprof",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        cls=MsgprofGroup,
        rich_markup_mode=None,  # help and errors are presented by msgprof (cli/presentation.py)
    )
    app.callback()(_main)
    names = (
        [COMMAND_MODULES[only]] if only in COMMAND_MODULES else ["profiles", "setup", "declarative", "local", "doctor"]
    )
    for name in names:
        importlib.import_module(f"msgprof_cli.cli.{name}").register(app, only)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, built on first use (tests, documentation)
        return build_app()
    raise AttributeError(name)


def main() -> "ExitStatus | CommandStatus":
    """Run the command line; how it ended (the launcher ends the process with it)."""
    from msgprof_cli.cli.presentation import hoist_global_options

    args = hoist_global_options(sys.argv[1:])
    first = args[0] if args and not args[0].startswith("-") else None
    status: ExitStatus | CommandStatus = build_app(first if first in COMMAND_MODULES else None)(
        args, prog_name="msgprof", standalone_mode=False
    )
    return status
