"""Commands that need no API: validate, schema, the sandbox; and config show."""

import os
from collections.abc import Callable
from typing import Annotated, Any, Optional, cast

import typer

from msgprof_cli.cli.common import API_OPTIONS, OUTPUT_OPTIONS, Options, run, with_options
from msgprof_cli.errors import CommandStatus, UsageError
from msgprof_cli.secrets import quote


def _check_state_folder(state: Optional[str]) -> None:
    """The state file is written on every change: a folder that can't take it is refused at start,
    not discovered as a 500 on the first create."""
    if state is None:
        return
    from pathlib import Path

    folder = Path(os.path.realpath(state)).parent  # a link's target folder is where it is written
    if not folder.is_dir():
        raise UsageError(f"--state {state}: the folder {folder} does not exist", hint="create it first")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"--state {state}: the folder {folder} is not writable", hint="pick a writable folder")


def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Profile files or directories, found as plan and apply find them (- reads stdin).",
        ),
    ],
    mode: Annotated[
        str, typer.Option("--for", help="Rules of `create` (name and destinations required) or `update`.")
    ] = "create",
    allow_unknown: Annotated[
        bool, typer.Option("--allow-unknown", help="Unknown fields are warnings, not errors.")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable results on stdout.")] = False,
) -> None:
    """Check profile files offline against every field rule (no API key needed)."""
    from msgprof_cli.declarative.inputs import Mode, check_inputs
    from msgprof_cli.declarative.outcome import Validation

    with run(Options(json=json_)) as r:
        if mode not in ("create", "update"):
            raise UsageError(f"--for takes create or update, not {quote(mode)}")
        checked = check_inputs(files, os.environ, mode=cast(Mode, mode), allow_unknown=allow_unknown)
        if json_:
            r.render.json({"valid": all(c.valid for c in checked), "results": [_result(c) for c in checked]})
        else:
            for c in checked:
                r.render.issues(c.warnings, label="warning")
                r.render.issues(c.errors)
                r.render.validated(c.valid, c.source)
        r.finish(Validation(checked))


def schema(
    report: Annotated[
        bool, typer.Option("--report", help="The schema of plan --json and apply --json reports instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of a profile document (for editors' YAML language servers)."""
    with run() as r:
        if report:
            from msgprof_cli.declarative import report as reports

            r.render.json(reports.json_schema())
            return
        from msgprof_cli.document.schema import json_schema

        r.render.json(json_schema())


def sandbox(
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port; 0 picks a free one.")] = 8765,
    state: Annotated[
        Optional[str], typer.Option("--state", help="JSON file that keeps profiles across restarts.")
    ] = None,
    api_key: Annotated[Optional[str], typer.Option("--api-key", help="Require this bearer token (else any).")] = None,
    latency: Annotated[
        float, typer.Option("--latency", min=0, help="Delay every answer by MS milliseconds.", metavar="MS")
    ] = 0,
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", min=0, help="Answer 429 past N requests a second.", metavar="N")
    ] = 0,
    fail_rate: Annotated[
        float, typer.Option("--fail-rate", min=0, max=1, help="Share of requests answered 5xx.", metavar="P")
    ] = 0,
    drop_rate: Annotated[
        float,
        typer.Option(
            "--drop-rate", min=0, max=1, help="Share of requests committed, then dropped unanswered.", metavar="P"
        ),
    ] = 0,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Make the faults reproducible.")] = None,
    commit_delay: Annotated[
        float,
        typer.Option("--commit-delay", min=0, help="Commit (and answer) every POST S seconds late.", metavar="S"),
    ] = 0,
    order_polls: Annotated[
        int, typer.Option("--order-polls", min=0, help="GETs a bulk number order takes to finish.", metavar="N")
    ] = 2,
    demo_data: Annotated[
        bool, typer.Option("--demo-data", help="Seed demo profiles (if none), numbers and metrics.")
    ] = False,
    command: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[-- COMMAND [ARGS]...]",
            help="Run COMMAND with TELNYX_BASE_URL and TELNYX_API_KEY pointing here, then stop; "
            "exit with COMMAND's status (127: not found).",
            show_default=False,
        ),
    ] = None,
) -> None:
    # Long because its signature declares the sandbox's 13 parameters; the body is short.
    """Run a local Telnyx-compatible messaging-profile API until interrupted, or around one COMMAND."""
    from msgprof_cli.sandbox.server import Faults, Sandbox
    from msgprof_cli.settings import KEY_RULE, key_problem

    with run() as r:
        problem = None if api_key is None else key_problem(api_key)
        if problem is not None:  # a key msgprof would refuse to send: the sandbox would be unusable
            raise UsageError(f"--api-key {problem}", hint=KEY_RULE)
        _check_state_folder(state)
        if not host.strip() or host.startswith("[") != host.endswith("]"):
            raise UsageError(f"--host {quote(host)} is not an address", hint="e.g. 127.0.0.1, ::1 or [::1]")
        try:
            server = Sandbox(
                host,
                port,
                state_file=state,
                api_key=api_key,
                faults=Faults(latency, rate_limit, fail_rate, drop_rate, seed),
                order_polls=order_polls,
                commit_delay=commit_delay,
            )
            if demo_data:
                server.seed_demo_data(seed=seed)
        except OSError as exc:
            import errno

            in_use = exc.errno == errno.EADDRINUSE
            hint = "pick another --port (0 picks a free one)" if in_use else "give an address of this machine"
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint=hint) from None
        import signal

        def _stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt  # SIGTERM stops the sandbox as cleanly as Ctrl-C

        signal.signal(signal.SIGTERM, _stop)
        key = api_key or "sandbox-key"
        if command:
            raise typer.Exit(CommandStatus(_around(r, server, command, key, host)))
        r.render.notice(f"sandbox listening on {server.url} (Ctrl-C stops it)")
        _warn_reach(r, server, host)
        for line in server.export_lines(key):
            r.render.write(line)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            r.render.notice("sandbox stopped")
        finally:
            server.httpd.server_close()


def _warn_reach(r: Any, server: Any, host: str) -> None:
    """Who can reach the sandbox, and what msgprof does with the URL it prints (settings.py's URL
    policy: a key goes over plain http only to loopback)."""
    from msgprof_cli.settings import is_loopback

    if server.everywhere:
        r.render.warning(f"--host {host} listens on every interface: other machines can reach the sandbox")
    elif not is_loopback(server.address[0]):
        r.render.warning(
            f"--host {host} is not a loopback address: other machines can reach the sandbox, and msgprof "
            f"refuses to send a key over plain http to {server.url} (exit 4); other clients may use it. "
            "For msgprof, bind 127.0.0.1 (the default), or 0.0.0.0 to be reachable on loopback too"
        )


def _around(r: Any, server: Any, command: list[str], key: str, host: str) -> int:
    """``sandbox -- COMMAND``: the sandbox serves in a thread while COMMAND runs; it is stopped
    whatever happens, and COMMAND's status is the exit status."""
    from msgprof_cli.sandbox import wrap

    server.start()
    try:
        r.render.notice(f"sandbox listening on {server.url}; running {quote(' '.join(command))}")
        _warn_reach(r, server, host)
        code = wrap.run(command, wrap.environment(os.environ, server.url, key))
    finally:
        server.stop()
    r.render.notice("sandbox stopped")
    return code


@with_options(OUTPUT_OPTIONS, [o for o in API_OPTIONS if o[0] != "debug"])
def config_show(opts: Options) -> None:
    """Print every effective setting and its source (the key masked to its last 4 characters)."""
    from msgprof_cli.errors import CredentialsError
    from msgprof_cli.secrets import mask
    from msgprof_cli.settings import shown_url

    with run(opts) as r:
        s = r.settings
        try:
            key, key_problem = s.api_key(), None
        except CredentialsError as exc:  # shown below the table: this is where people look
            key, key_problem = None, exc
        key_shown = "(unusable)" if key_problem else mask(key)
        rows = [
            ("config_file", s.config_path.value, s.config_path.source),
            ("account", s.account.value, s.account.source),
            ("base_url", shown_url(s.base_url.value), s.base_url.source),
            ("api_key", key_shown, s.key_source or "not set"),
            ("timeout", s.timeout.value, s.timeout.source),
            ("max_retries", s.max_retries.value, s.max_retries.source),
        ]
        for w in s.warnings:
            r.render.warning(w)
        if r.output in ("json", "yaml"):
            r.render.data({k: {"value": v, "source": src} for k, v, src in rows}, r.output)
        else:
            r.render.table(["setting", "value", "source"], rows)
        if key_problem is not None:
            raise key_problem


COMMANDS: dict[str, tuple[Callable[..., Any], str]] = {
    "validate": (validate, "Offline"),
    "schema": (schema, "Offline"),
    "sandbox": (sandbox, "Local sandbox"),
}


def register(app: typer.Typer, only: Optional[str] = None) -> None:
    from msgprof_cli.cli.presentation import MsgprofCommand, MsgprofGroup

    for name, (fn, panel) in COMMANDS.items():
        if only in (None, name):
            app.command(name, cls=MsgprofCommand, rich_help_panel=panel)(fn)
    if only in (None, "config"):
        config_app = typer.Typer(
            help="Show the settings in effect and where each came from.",
            no_args_is_help=True,
            cls=MsgprofGroup,
            rich_markup_mode=None,
        )
        config_app.command("show", cls=MsgprofCommand)(config_show)
        app.add_typer(config_app, name="config", rich_help_panel="Settings")


def _result(c: Any) -> dict[str, Any]:
    return {
        "source": c.source,
        "valid": c.valid,
        "errors": [i.to_dict() for i in c.errors],
        "warnings": [i.to_dict() for i in c.warnings],
    }
