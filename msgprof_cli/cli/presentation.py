"""How the command line itself presents: help, usage errors and global options, by msgprof's rules.

typer's own presentation draws boxes whatever the terminal, cuts long flag names at 80 columns
and ignores ``--json`` for usage errors.  These classes keep typer's parsing and replace only the
presentation: help is a plain list with full flag names (grouped as the flags' panels say), and a
usage error goes through the renderer like every other error (JSON under ``--json``; colour only
at a terminal).  The terminal comes in as the context's ``obj`` (see ``Terminal``).
"""

import re
from collections.abc import Sequence
from typing import Any, Optional

from typer import Abort

# typer vendors click as typer._click (typer<0.28): its exceptions are how parsing reports errors.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, NoSuchOption
from typer.core import TyperCommand, TyperGroup

from msgprof_cli.errors import CommandStatus, ExitStatus, exit_with
from msgprof_cli.output.terminal import Terminal

# Options every API command takes; accepted before the command name too (`msgprof --account x list`).
GLOBAL_VALUE_OPTIONS = ("--account", "--base-url", "--api-key-file", "--timeout", "--max-retries")
GLOBAL_FLAGS = ("--debug",)
GROUPS = ("config", "numbers", "sender-ids", "autoresp")  # commands with sub-commands (options go after them)
GLOBAL_PANEL = "Global options (before or after the command)"
# Placeholders in help: upper-case words that say what goes there (click's default is the
# type's name, <str> or <int range>, next to our own PATH and N).  Options without an entry
# get one from their type.
METAVARS = {
    "--account": "NAME",
    "--api-key": "KEY",
    "--api-key-file": "FILE",
    "--base-url": "URL",
    "--for": "create|update",
    "--host": "HOST",
    "--limit": "N",
    "--max-retries": "N",
    "--name": "TEXT",
    "--name-contains": "TEXT",
    "--page-size": "N",
    "--parallel": "N",
    "--port": "PORT",
    "--seed": "N",
    "--state": "FILE",
    "--time-frame": "FRAME",
    "--timeout": "SECONDS",
}
# The flags a person reaches for first, shown first (in this order) in these commands' help; the
# rest keep their panels.  create and update have a flag per document field: the pointer says
# where the whole list is explained.
MOST_USED_PANEL = "Most used"
MOST_USED = {
    "create": ("--file", "--name", "--whitelist", "--webhook-url", "--dry-run", "--json"),
    "update": ("--file", "--whitelist", "--webhook-url", "--enabled", "--dry-run", "--json"),
    "apply": ("--file", "--dry-run", "--json", "--prune-setup"),
}
_FIELDS = (
    "every field of a profile document: `msgprof schema` (the JSON Schema, each field's rule) and docs/documents.md"
)
POINTERS = {
    "create": f"A flag for each field is in the panels below; {_FIELDS}.",
    "update": f"A flag for each field is in the panels below; {_FIELDS}.",
    "apply": f"What a document may hold, {_FIELDS}; plan and apply in CI: docs/plan-apply-ci.md.",
}
# Commands whose many flags beyond the most used are shown by name only, a panel a few lines (issue
# 30: `create --help` in 48 lines at 80 columns); each field's rule is one pointer away.
GROUPED = frozenset({"create"})
GROUPED_PANEL = "More flags, by group (a field flag sets the field of its name)"
GROUPED_POINTER = "Every field, with its rule: `msgprof schema` and docs/documents.md."
TYPE_METAVARS = {"integer": "N", "integer range": "N", "float": "NUMBER", "float range": "NUMBER"}


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """Move global options given before the command to just after it (where typer parses them)."""
    args = list(args)
    moved: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name = args[i].split("=", 1)[0]
        if name in GLOBAL_VALUE_OPTIONS:
            take = 1 if "=" in args[i] else 2
        elif name in GLOBAL_FLAGS:
            take = 1
        else:
            return args  # --help, --version or a typo: leave it to typer
        moved += args[i : i + take]
        i += take
    if not moved or i >= len(args):
        return args
    rest = args[i:]
    cut = 2 if rest[0] in GROUPS and len(rest) > 1 and not rest[1].startswith("-") else 1
    return rest[:cut] + moved + rest[cut:]


def wants_json(args: Sequence[str]) -> bool:
    """Did the command line ask for JSON?  Read from the raw words: parsing may have failed."""
    words = list(args)[: list(args).index("--")] if "--" in args else list(args)
    for i, w in enumerate(words):
        if w in ("--json", "-ojson", "--output=json"):
            return True
        if w in ("-o", "--output") and i + 1 < len(words) and words[i + 1] == "json":
            return True
    return False


def terminal_of(ctx: Any) -> Terminal:
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Terminal) else Terminal.system()


def current_terminal() -> Terminal:
    """The terminal of the command being run (from the CLI context), else the process's own."""
    from typer._click.globals import get_current_context

    return terminal_of(get_current_context(silent=True))


def _show_help(ctx: Any, param: Any, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        out = terminal_of(ctx).stdout
        out.write(ctx.get_help() + "\n")
        out.flush()
        ctx.exit()


class _Presentation:
    """Help through the terminal, as plain text grouped by panel, with full flag names."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.callback = _show_help
        return option

    def format_options(self, ctx: Any, formatter: Any) -> None:
        panels: dict[str, list[tuple[str, str]]] = {}
        name = " ".join(ctx.command_path.split()[1:])
        first = MOST_USED.get(name, ())
        used: dict[str, tuple[str, str]] = {}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            _name_placeholder(param)
            record = param.get_help_record(ctx)
            if record is None:
                continue
            mine = [o for o in first if o in (*param.opts, *param.secondary_opts)]
            if mine:  # a flag most people reach for: in the first panel, in MOST_USED's order
                used[mine[0]] = record
                continue
            default = "Arguments" if param.param_type_name == "argument" else "Options"
            panels.setdefault(getattr(param, "rich_help_panel", None) or default, []).append(record)
        if used:
            panels[MOST_USED_PANEL] = [used[o] for o in first if o in used]
        if hasattr(self, "list_commands") and ctx.parent is None:
            panels[GLOBAL_PANEL] = self._global_records(ctx)
        kept = ("Arguments", MOST_USED_PANEL, "Options")  # drawn in full, also where the rest is grouped
        grouped = {t: r for t, r in panels.items() if name in GROUPED and t not in kept}
        for title in sorted(panels, key=lambda t: (t != "Arguments", t != MOST_USED_PANEL, t != "Options")):
            if title in grouped:
                continue
            with formatter.section(title):
                formatter.write_dl(panels[title], col_max=34)
                if title == MOST_USED_PANEL and name in POINTERS and not grouped:
                    formatter.write_paragraph()
                    formatter.write_text(POINTERS[name])
        _write_grouped(formatter, grouped)
        if hasattr(self, "list_commands"):
            self._format_command_panels(ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The command's ``Examples:`` block, from the one table of them (cli/examples.py), as
        written: never re-wrapped (each line is a command to copy)."""
        from msgprof_cli.cli.examples import block

        text = block(" ".join(ctx.command_path.split()[1:]))
        if text:
            formatter.write_paragraph()
            formatter.write(text)

    def _global_records(self, ctx: Any) -> list[tuple[str, str]]:
        """The global options' help, read from a command that takes them (so it cannot drift)."""
        cmd = self.get_command(ctx, "list")  # type: ignore[attr-defined]
        names = (*GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS)
        params = [p for p in (cmd.params if cmd is not None else []) if set(p.opts) & set(names)]
        records = []
        for param in sorted(params, key=lambda p: names.index(next(o for o in p.opts if o in names))):
            _name_placeholder(param)
            records.append(param.get_help_record(ctx))
        return records

    def _format_command_panels(self, ctx: Any, formatter: Any) -> None:
        """Commands grouped by panel, each summary whole (wrapped, never cut with "...")."""
        panels: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            cmd = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if cmd is None or cmd.hidden:
                continue
            title = getattr(cmd, "rich_help_panel", None) or "Commands"
            panels.setdefault(title, []).append((name, cmd.get_short_help_str(limit=200)))
        for title, rows in panels.items():
            with formatter.section(title):
                formatter.write_dl(rows, col_max=20)


def _write_grouped(formatter: Any, grouped: dict[str, list[tuple[str, str]]]) -> None:
    """The panels of a GROUPED command beyond the most used: each a label and its flags' names."""
    if not grouped:
        return
    with formatter.section(GROUPED_PANEL):
        formatter.write_text(GROUPED_POINTER)
        for title, records in grouped.items():
            _write_names(formatter, title.split(" (")[0] + ":", [_flag_names(r) for r in records])


def _write_names(formatter: Any, label: str, names: list[str]) -> None:
    """One group of flag names, wrapped between names only (a flag name is never cut at a hyphen)."""
    import textwrap

    lead = " " * formatter.current_indent
    lines = textwrap.wrap(
        " ".join(names),
        width=max(40, formatter.width - formatter.current_indent),
        initial_indent=f"{label:<17}",
        subsequent_indent=" " * 17,
        break_on_hyphens=False,
        break_long_words=False,
    )
    formatter.write("".join(f"{lead}{line}\n" for line in lines))


def _flag_names(record: tuple[str, str]) -> str:
    """An option's names alone, each whole: ``-o, --output``, ``--mobile-only --no-mobile-only``."""
    names = [n.split(" ")[0] for n in record[0].replace(", ", " / ").split(" / ")]
    shorts = [n for n in names if not n.startswith("--")]
    return "".join(f"{n}, " for n in shorts) + " ".join(n for n in names if n.startswith("--"))


def _name_placeholder(param: Any) -> None:
    """Give an option without a metavar an upper-case one (METAVARS, else from its type)."""
    if param.param_type_name != "option" or param.metavar is not None or param.is_flag:
        return
    if getattr(param.type, "choices", None):  # [table|json|yaml] says it best
        return
    named = next((METAVARS[o] for o in param.opts if o in METAVARS), None)
    param.metavar = named or TYPE_METAVARS.get(param.type.name, "TEXT")


class MsgprofCommand(_Presentation, TyperCommand):
    pass


class MsgprofGroup(_Presentation, TyperGroup):
    def main(  # type: ignore[override]
        self, args: Optional[Sequence[str]] = None, prog_name: Optional[str] = None, **extra: Any
    ) -> Any:
        """Parse and run; the end is an ``ExitStatus``: returned when ``standalone_mode=False``
        (the launcher's way), else the process ends with it (``errors.exit_with``)."""
        import sys

        terminal = extra.pop("obj", None)
        terminal = terminal if isinstance(terminal, Terminal) else Terminal.system()
        argv = hoist_global_options(sys.argv[1:] if args is None else args)
        standalone = extra.pop("standalone_mode", True)
        # Help is laid out for the terminal's width (click caps it at 80 otherwise).
        extra.setdefault("terminal_width", terminal.width)
        extra.setdefault("max_content_width", terminal.width)
        try:
            code = super().main(argv, prog_name or "msgprof", standalone_mode=False, obj=terminal, **extra)
        except NoArgsIsHelpError as exc:
            terminal.stderr.write(exc.format_message() + "\n")
            code = ExitStatus.USAGE
        except ClickException as exc:
            code = usage_error(terminal, exc, json_errors=wants_json(argv))
        except Abort:  # end of input (EOFError) where click reads it
            terminal.stderr.write("msgprof: aborted\n")
            code = ExitStatus.INTERRUPTED
        status = ended_with(code)
        if not standalone:
            return status
        exit_with(status)


def ended_with(code: Any) -> ExitStatus | CommandStatus:
    """What click's run returned, as an ExitStatus: None (a command that returned) is OK;
    ``sandbox -- COMMAND``'s COMMAND status passes through; a status msgprof does not know would
    be a bug in msgprof."""
    if code is None:
        return ExitStatus.OK
    if isinstance(code, CommandStatus):
        return code
    try:
        return ExitStatus(code)
    except ValueError:
        return ExitStatus.INTERNAL_ERROR


def usage_error(terminal: Terminal, exc: ClickException, *, json_errors: bool) -> ExitStatus:
    """A parsing error, rendered like every other error (exit 2)."""
    from msgprof_cli.errors import UsageError
    from msgprof_cli.output.render import Renderer

    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "msgprof"
    hint = f"`{path} --help` shows the options"
    if isinstance(exc, NoSuchOption) and exc.option_name in (*GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS):
        hint = f"`{path}` does not take {exc.option_name}; {hint}"  # a global option most commands take
    message = exc.format_message()
    if isinstance(exc, NoSuchOption) and exc.option_name not in (*GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS):
        # One suggestion, in the hint: click's own "(Possible options: ...)" would say it twice.
        from msgprof_cli.cli.hints import unknown_option

        message = f"No such option: {exc.option_name}"
        known = [*GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS, *(exc.possibilities or ())]
        close = unknown_option(exc.option_name, known)  # the global options count: `msgprof --tiemout 5 list`
        hint = f"did you mean {close}? {hint}" if close else hint
        from msgprof_cli.cli.flags import update_only_flag

        field = update_only_flag(exc.option_name) if path.endswith(" create") else None
        if field is not None:  # a real flag of update's: say so, not a near miss of another
            message = f"{exc.option_name} is not an option of create: {field} is set by an update only"
            hint = f"`msgprof update ID|NAME {exc.option_name}` after the create, or `{field}:` in the document (-f)"
        if path.endswith(" export") and exc.option_name in ("-o", "--output"):  # -o is a format elsewhere
            message = f"export takes no {exc.option_name}: it writes YAML documents"
            hint = "give the folder with --to DIR (or -d DIR); without it, the documents go to stdout"
    close = _near_choice(exc)
    if close is not None:
        hint = f"did you mean {close}? {hint}"
    err = UsageError(message, hint=hint)
    Renderer(terminal, json_errors=json_errors).error(err)
    return ExitStatus.USAGE  # whatever click's own code: 1 means a bug in msgprof


def _near_choice(exc: ClickException) -> str | None:
    """The choice a mistyped value of a choice option or argument was near (`--format markdwn`:
    markdown), or None.  click says the value as `{value!r} is not one of ...` (types.Choice);
    no suggestion is computed from a secret."""
    param = getattr(exc, "param", None)
    choices = getattr(getattr(param, "type", None), "choices", None)
    found = _CHOICE_VALUE.match(exc.message) if choices else None
    if found is None or choices is None:
        return None
    import ast
    import difflib

    from msgprof_cli.secrets import holds_secret

    try:
        value = ast.literal_eval(found.group(1))
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, str) or holds_secret(value):
        return None
    names = {str(getattr(c, "value", c)).lower(): str(getattr(c, "value", c)) for c in choices}
    close = difflib.get_close_matches(value.strip().lower(), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


# click's message for a value not among the choices starts with the value's repr
_CHOICE_VALUE = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*") is not """)


def confirm(terminal: Terminal, question: str) -> bool:
    """Ask on stderr, read the answer from stdin (the caller checked stdin is a terminal)."""
    from msgprof_cli.output.cells import visible

    terminal.stderr.write(f"{visible(question)} [y/N]: ")
    terminal.stderr.flush()
    answer = terminal.stdin.readline()  # "" at the end of input: no
    if not answer.endswith("\n"):  # Ctrl-D: the terminal echoed no newline; the next line starts fresh
        terminal.stderr.write("\n")
    return answer.strip().lower() in ("y", "yes")
