"""Shared pieces of the command layer: option groups, the error translator, name resolution.

Only the command layer imports typer.  Annotations here are real objects (no
``from __future__ import annotations``) because option groups are spliced into command
signatures, which typer reads as they are.
"""

import functools
import inspect
import os
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Optional, cast

import typer

from msgprof_cli.errors import (
    Ambiguous,
    CreateUnknown,
    CredentialsError,
    ExitStatus,
    MsgprofError,
    NetworkError,
    NotFound,
    Outcome,
    UnexpectedAnswer,
    UsageError,
)
from msgprof_cli.output.render import Renderer
from msgprof_cli.output.terminal import Terminal
from msgprof_cli.secrets import forget as forget_secrets
from msgprof_cli.secrets import quote

if TYPE_CHECKING:  # the client imports requests: only on the paths that talk to the API
    from msgprof_cli.api.client import TelnyxClient
    from msgprof_cli.settings import Settings

Opt = tuple[str, Any, Any]  # (parameter name, annotation, default)


class Output(str, Enum):
    table = "table"
    json = "json"
    yaml = "yaml"


class PlanFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


API_OPTIONS: list[Opt] = [
    (
        "base_url",
        Annotated[
            Optional[str],
            typer.Option(
                "--base-url",
                help="API base URL [env TELNYX_BASE_URL; default https://api.telnyx.com/v2].",
                rich_help_panel="Connection",
            ),
        ],
        None,
    ),
    (
        "api_key_file",
        Annotated[
            Optional[str],
            typer.Option(
                "--api-key-file",
                help="Read the API key from this file (- reads stdin) [else env TELNYX_API_KEY].",
                rich_help_panel="Connection",
            ),
        ],
        None,
    ),
    (
        "account",
        Annotated[
            Optional[str],
            typer.Option(
                "--account",
                help="Named account from the config file [env MSGPROF_ACCOUNT].",
                rich_help_panel="Connection",
            ),
        ],
        None,
    ),
    (
        "timeout",
        Annotated[
            Optional[float],
            typer.Option(
                "--timeout",
                help="Read timeout, seconds; an attempt ends within 2 × this [env MSGPROF_TIMEOUT; default 30].",
                rich_help_panel="Connection",
            ),
        ],
        None,
    ),
    (
        "max_retries",
        Annotated[
            Optional[int],
            typer.Option(
                "--max-retries",
                help="Retries for failed requests [env MSGPROF_MAX_RETRIES; default 3].",
                rich_help_panel="Connection",
            ),
        ],
        None,
    ),
    (
        "debug",
        Annotated[
            bool,
            typer.Option(
                "--debug",
                help="Trace requests on stderr (key redacted); show tracebacks.",
                rich_help_panel="Connection",
            ),
        ],
        False,
    ),
]


def dry_run_headers() -> dict[str, str]:
    """The headers a request would carry, as every --dry-run shows them: the key never."""
    from msgprof_cli import USER_AGENT

    return {"Authorization": "Bearer <redacted>", "Content-Type": "application/json", "User-Agent": USER_AGENT}


Request = tuple[str, str, Any]  # (method, path under the base URL, body or None)


def preview(r: "Run", requests: "list[Request]", *, one: bool = False) -> None:
    """The one --dry-run: each request (method and URL, headers, body), a blank line apart, on
    stdout (as JSON or YAML with -o); nothing is sent.  The URL passes the same policy as a real
    request's (settings.check_base_url): a base URL with ``user:password@`` is refused, never
    printed.  ``one``: a single request shown as one object (create, update), not a list."""
    base = r.base_url()
    items = [{"method": m, "url": base + p, "headers": dry_run_headers(), "body": b} for m, p, b in requests]
    if not r.render.data(items[0] if one and len(items) == 1 else items, r.output):
        r.render.write("\n\n".join(dry_run_text(m, base + p, b) for m, p, b in requests))
    r.render.notice("dry run: nothing was sent")


def dry_run_text(method: str, url: str, body: Any) -> str:
    """One request as --dry-run prints it: method and URL, headers, then the body (if any)."""
    import json

    lines = [f"{method} {url}"] + [f"{k}: {v}" for k, v in dry_run_headers().items()]
    if body is not None:
        lines += ["", json.dumps(body, indent=2, ensure_ascii=False)]
    return "\n".join(lines)


def not_empty(value: Any) -> Any:
    """An empty ID|NAME is a usage error (exit 2), not a look-up that finds nothing."""
    values = value if isinstance(value, list) else [value]
    if any(v is not None and not v.strip() for v in values):
        raise typer.BadParameter("may not be empty: give a profile id or its exact name")
    return value


MAX_WAIT = 24 * 3600.0  # a day: longer is a typo (or inf), not a wait anyone means


def seconds(value: Optional[float]) -> Optional[float]:
    """A wait in seconds: finite, from 0 to MAX_WAIT (inf, nan and absurd values are exit 2)."""
    import math

    if value is not None and (not math.isfinite(value) or not 0 <= value <= MAX_WAIT):
        raise typer.BadParameter(f"give seconds from 0 to {MAX_WAIT:g}, not {value!r}")
    return value


WAIT = Annotated[
    float,
    typer.Option(
        "--wait",
        metavar="SECONDS",
        callback=seconds,
        help="Seconds to wait for a bulk number order to finish (0: do not wait); numbers still pending then exit 6.",
    ),
]

REF = Annotated[str, typer.Argument(metavar="ID|NAME", help="Profile id or exact name.", callback=not_empty)]

OUTPUT_OPTIONS: list[Opt] = [
    (
        "json",
        Annotated[bool, typer.Option("--json", help="Print raw JSON (same as -o json).", rich_help_panel="Output")],
        False,
    ),
    (
        "output",
        Annotated[Optional[Output], typer.Option("--output", "-o", help="Output format.", rich_help_panel="Output")],
        None,
    ),
]
# Only on the commands that show a secret (a profile's v1_secret): offered elsewhere it would
# promise something it cannot do.
SECRET_OPTIONS: list[Opt] = [
    (
        "show_secrets",
        Annotated[
            bool, typer.Option("--show-secrets", help="Show v1_secret in tables unmasked.", rich_help_panel="Output")
        ],
        False,
    ),
]
# On the commands that show one record (create, get, update, sender-ids add, autoresp create).
FIELDS_OPTIONS: list[Opt] = [
    (
        "all_fields",
        Annotated[
            bool,
            typer.Option(
                "--all-fields",
                help="Show every field; at a terminal, fields at their defaults fold into one line.",
                rich_help_panel="Output",
            ),
        ],
        False,
    ),
]


@dataclass(frozen=True)
class Options:
    """The shared option groups (API_OPTIONS, OUTPUT_OPTIONS), typed.

    A command that declares a parameter ``opts: Options`` gets them as this object; the values
    are typer's, so ``output`` is an ``Output`` member or None.
    """

    base_url: Optional[str] = None
    api_key_file: Optional[str] = None
    account: Optional[str] = None
    timeout: Optional[float] = None
    max_retries: Optional[int] = None
    debug: bool = False
    json: bool = False
    output: Optional[Enum] = None  # Output, or a command's own formats (plan: PlanFormat)
    show_secrets: bool = False
    all_fields: bool = False

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> "Options":
        return cls(**values)

    @property
    def output_format(self) -> str:
        """json, yaml, table (or a command's own format): what the user asked for."""
        if self.json:
            return "json"
        return self.output.value if self.output is not None else "table"

    def connection_flags(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "account": self.account,
            "api_key_file": self.api_key_file,
        }


def splice(groups: "tuple[list[Opt], ...]", param: str, build: Callable[[dict[str, Any]], Any]) -> Any:
    """Add option groups to a command's signature (as typer sees it); the command receives them
    as one typed parameter ``param``, built by ``build`` from their values."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn)
        own = [p for p in sig.parameters.values() if p.name != param]
        extra = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
            for group in groups
            for name, ann, default in group
        ]
        group_names = {p.name for p in extra}

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> Any:
            mine = {k: v for k, v in kwargs.items() if k not in group_names}
            return fn(**mine, **{param: build({k: v for k, v in kwargs.items() if k in group_names})})

        # the command's own parameters, then these groups, then groups spliced before (their
        # keyword-only parameters): help lists panels in that order (create: fields, then output)
        keyword_only = [p for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY]
        params = [p for p in own if p.kind is not inspect.Parameter.KEYWORD_ONLY] + extra + keyword_only
        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return wrapper

    return deco


def with_options(*groups: list[Opt]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The shared option groups, received as one ``opts: Options`` parameter."""
    return cast(Callable[[Callable[..., Any]], Callable[..., Any]], splice(groups, "opts", Options.of))


def command(app: typer.Typer, only: Optional[str], name: str, **kw: Any) -> Callable[[Any], Any]:
    """app.command(name), unless the app is being built for another command only."""
    if only is not None and only != name:
        return lambda fn: fn
    from msgprof_cli.cli.presentation import MsgprofCommand

    return app.command(name, cls=MsgprofCommand, **kw)


def check_output(opts: Options) -> None:
    """--json and -o asking for something else contradict each other: say so, print nothing."""
    chosen = opts.output.value if opts.output is not None else None
    if opts.json and chosen not in (None, "json"):
        raise UsageError(f"--json and -o {chosen} ask for different formats", hint="give one of them")


class Run:
    """What one command invocation needs: the terminal, the renderer, settings and a client."""

    def __init__(self, opts: Options, terminal: Optional[Terminal] = None) -> None:
        from msgprof_cli.cli.presentation import current_terminal

        self.opts = opts
        self.output = opts.output_format
        self.terminal = terminal or current_terminal()
        self.render = Renderer(self.terminal, json_errors=self.output == "json")
        self.debug = opts.debug
        self._settings: Optional[Settings] = None
        self._client: Optional[TelnyxClient] = None
        self.outcome: Optional[Outcome] = None

    def finish(self, outcome: Outcome) -> None:
        """How the command ended, for ``run`` to turn into the exit status once it returns."""
        self.outcome = outcome

    @property
    def settings(self) -> "Settings":
        if self._settings is None:
            from msgprof_cli import settings

            flags = self.opts.connection_flags()
            self._settings = settings.resolve(flags=flags, env=os.environ, stdin=self.terminal.stdin)
        return self._settings

    def client(self, *, pool_size: int = 10) -> "TelnyxClient":
        if self._client is None:
            s = self.settings
            key = s.require_key()
            for w in s.warnings:
                self.render.warning(w)
            from msgprof_cli import clock
            from msgprof_cli.api.client import TelnyxClient

            self._client = TelnyxClient(
                s.base_url.value,
                key,
                base_url_source=s.base_url.source,
                timeout=s.timeout.value,
                max_retries=s.max_retries.value,
                notify=self.render.notice,
                trace=self.render.trace if self.debug else None,
                pool_size=pool_size,
                clock=clock.current(),  # the run's clock: a test may drive the command on a fake one
            )
        return self._client

    def know_the_key(self) -> None:
        """Read the key before any input (settings.Settings.known_early), from every source when the
        command talks to the API and is not a dry run; settings that cannot be resolved are reported when the command
        needs them, not here."""
        from typer._click.globals import get_current_context

        ctx = get_current_context(silent=True)
        params = ctx.params if ctx is not None else {}
        # a command that talks to the API (it takes --api-key-file) and is not a dry run needs the key
        needed = "api_key_file" in params and not params.get("dry_run")
        try:
            self.settings.known_early(needed=needed)
        except MsgprofError:
            self._settings = None

    def base_url(self) -> str:
        """The base URL under the one URL policy, for paths that send nothing (``--dry-run``):
        the standard library's reading, so that no HTTP stack is imported; the client judges
        again with urllib3's reading before any request."""
        from msgprof_cli.settings import check_base_url, stdlib_parts

        s = self.settings
        return str(check_base_url(s.base_url.value, s.base_url.source, stdlib_parts)).rstrip("/")

    def emit_profile(self, profile: dict[str, Any], title: Optional[str] = None, kind: str = "profile") -> None:
        """One record in its own view (kind: profile, number, sender_id, autoresp, ...)."""
        if not self.render.data(profile, self.output):
            o = self.opts
            self.render.record(kind, profile, show_secrets=o.show_secrets, title=title, all_fields=o.all_fields)


@contextmanager
def run(opts: "Options | Mapping[str, Any] | None" = None) -> Iterator[Run]:
    """The one place where a command's end becomes its exit status (``errors.ExitStatus``).

    A command ends one of three ways: normally, with the ``Outcome`` it handed to ``Run.finish``
    (its ``exit_status``, and its closing ``error`` if any) or none (0); by raising an error (its
    status); or by Ctrl-C in its body (130).  ``opts`` is a command's typed Options (a mapping of
    the same names is read as one)."""
    forget_secrets()  # what an earlier run in this process read is not this run's to hide
    r = Run(opts if isinstance(opts, Options) else Options.of(opts or {}))
    status = ExitStatus.OK
    with _interruptible():
        try:
            r.know_the_key()  # the secret registry knows the key before any input is parsed
            check_arguments()
            check_output(r.opts)
            yield r
            if r.outcome is not None:
                if r.outcome.error is not None:
                    raise r.outcome.error
                status = r.outcome.exit_status
        except typer.Exit:
            raise
        except MsgprofError as exc:
            if exc.hint is None:
                exc.hint = _url_hint(exc, r) or hint_for(exc)
            r.render.error(exc)
            status = ExitStatus(exc.exit_code)
        except KeyboardInterrupt:
            r.render.notice("interrupted")
            status = ExitStatus.INTERRUPTED
        except Exception as exc:  # a bug: say so plainly; the traceback only with --debug
            if r.debug:
                traceback.print_exc(file=r.render.err)
            err = MsgprofError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in msgprof; run again with --debug and report the traceback",
            )
            r.render.error(err)
            status = ExitStatus.INTERNAL_ERROR
        finally:
            if r._client is not None:
                r._client.close()
    if status != ExitStatus.OK:
        raise typer.Exit(status)  # to the command group, which ends the process (errors.exit_with)


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt inside a command's body, so that the command can say what
    was done (apply's report); outside it, the launcher's handler ends the process at once with
    one line (launcher.py).  Signals reach only the main thread: elsewhere nothing changes."""
    import signal
    import threading

    from msgprof_cli import interrupt

    interrupt.reset()  # this run has seen no Ctrl-C yet
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # the first Ctrl-C stops every thread and raises here; a second ends the process (interrupt.py)
    before = signal.signal(signal.SIGINT, interrupt.handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def check_arguments() -> None:
    """Every argument and option value must be text.  Bytes that are not UTF-8 reach Python as
    lone surrogates (or as U+FFFD, already replaced): sent on, they would be altered silently or
    crash an encoder after something was sent.  One check, before anything, for every command."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    while ctx is not None:
        for param in ctx.command.params:
            values = ctx.params.get(param.name or "")
            for value in values if isinstance(values, (list, tuple)) else [values]:
                at = _undecodable(value)
                if at is not None:
                    name = param.opts[0] if param.param_type_name == "option" else param.human_readable_name
                    raise UsageError(
                        f"{name}: not valid UTF-8 text (a byte that cannot be read at character {at + 1}); "
                        "nothing was sent",
                        hint="type the value again, or check the terminal's and the locale's encoding (UTF-8)",
                    )
        ctx = ctx.parent


def _undecodable(value: Any) -> Optional[int]:
    """Where a lone surrogate (from surrogateescape) or U+FFFD (a replaced byte) is, if any."""
    text = os.fspath(value) if isinstance(value, os.PathLike) else value
    if not isinstance(text, str):
        return None
    for i, ch in enumerate(text):
        if 0xD800 <= ord(ch) <= 0xDFFF or ch == "\ufffd":
            return i
    return None


def hint_for(exc: MsgprofError) -> Optional[str]:
    """What to do next, in the command line's terms (the layers below know no commands or flags)."""
    if isinstance(exc, CreateUnknown):
        shows = f"`msgprof list --name {quote(exc.name)}` shows it"
        return f"it may have been created: {shows}; rerun `msgprof apply`, which converges"
    if isinstance(exc, CredentialsError) and exc.status is not None:
        return "check TELNYX_API_KEY, --api-key-file or the selected account"
    if isinstance(exc, NetworkError):
        return "check --base-url and your network, then try again"
    if isinstance(exc, UnexpectedAnswer) and exc.status is not None and 200 <= exc.status < 300:
        return "this is not a Telnyx API answer; check --base-url"
    return None


def _url_hint(exc: MsgprofError, r: Run) -> Optional[str]:
    """A hint from the base URL in effect (no /v2, https:// to a plain-http server)."""
    from msgprof_cli.cli.hints import for_error

    s = r._settings
    return for_error(exc, str(s.base_url.value), s.base_url.source) if s is not None else None


def stdin_used_once(opts: Options, *inputs: Optional[str]) -> None:
    """Standard input can feed the document or the key, not both."""
    if opts.api_key_file == "-" and "-" in inputs:
        raise UsageError(
            "standard input can feed -f - or --api-key-file -, not both", hint="put the key (or the document) in a file"
        )


def looks_like_id(ref: str) -> bool:
    import re

    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", ref))


def resolve_profile(client: "TelnyxClient", ref: str) -> dict[str, Any]:
    """A profile by id, or by exact name through filter[name][eq]."""
    if looks_like_id(ref):
        try:
            return client.retrieve_messaging_profile(ref)
        except NotFound:
            raise NotFound(f"no messaging profile with id {ref}") from None
    matches = list(client.iter_messaging_profiles(name=ref))
    if not matches:
        from msgprof_cli.cli.hints import near_names

        hint = near_names(client, ref) or "`msgprof list --name-contains` finds near names"
        raise NotFound(f"no messaging profile named {quote(ref)}", hint=hint)
    if len(matches) > 1:
        ids = ", ".join(str(m.get("id")) for m in matches)
        raise Ambiguous(
            f"{len(matches)} messaging profiles are named {quote(ref)}: {ids}", hint="give the id instead of the name"
        )
    return matches[0]


def require_interactive_or_yes(r: Run, yes: bool, what: str) -> bool:
    """True when the user must be asked; refuse when nobody can answer."""
    if yes:
        return False
    if not r.terminal.stdin_isatty:
        raise UsageError(
            f"refusing to {what} without --yes when not run interactively",
            hint="add --yes to confirm in scripts and CI",
        )
    return True
