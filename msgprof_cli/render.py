"""Every byte the user sees.  stdout carries data only; notices, progress and errors go to stderr.

rich is imported only when a table or progress bar is drawn on a terminal.  When stdout is not a
terminal, or NO_COLOR is set, tables are plain aligned text with no colour and no box drawing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from msgprof_cli.errors import InvalidInput, MsgprofError, format_api_error
from msgprof_cli.masking import mask
from msgprof_cli.terminal import Terminal

SECRET_FIELDS = ("v1_secret",)
FIRST_FIELDS = ("id", "name", "enabled", "whitelisted_destinations")


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) if value else "[]"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_cell(v)}" for k, v in value.items()) if value else "{}"
    if value == "":
        return '""'
    return str(value)


class Renderer:
    """Draws on the injected terminal; the rich console for each stream is made on first use."""

    def __init__(self, terminal: Terminal, *, json_errors: bool = False) -> None:
        self.terminal = terminal
        self.out = terminal.stdout
        self.err = terminal.stderr
        self.json_errors = json_errors
        self._console: Any = None
        self._err_console: Any = None
        self._status_shown = False

    # ------------------------------------------------------------------ terminal facts

    @property
    def fancy(self) -> bool:
        """Rich tables only on a terminal, and never when NO_COLOR is set."""
        return self.terminal.stdout_fancy

    @property
    def interactive_err(self) -> bool:
        return self.terminal.stderr_isatty

    def _make_console(self, file: IO[str], tty: bool) -> Any:
        from rich.console import Console

        return Console(
            file=file,
            width=self.terminal.width,
            force_terminal=tty,
            no_color=self.terminal.no_color or not tty,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )

    def console(self) -> Any:
        if self._console is None:
            self._console = self._make_console(self.out, self.terminal.stdout_isatty)
        return self._console

    def err_console(self) -> Any:
        if self._err_console is None:
            self._err_console = self._make_console(self.err, self.terminal.stderr_isatty)
        return self._err_console

    # ------------------------------------------------------------------ data on stdout

    def write(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def json(self, value: Any) -> None:
        self.write(json.dumps(value, indent=2, ensure_ascii=False))

    def yaml(self, value: Any) -> None:
        import yaml

        self.write(yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=False))

    def data(self, value: Any, output: str) -> bool:
        """Print value as json or yaml if asked; False means the caller draws a table."""
        if output == "json":
            self.json(value)
            return True
        if output == "yaml":
            self.yaml(value)
            return True
        return False

    def profile(self, profile: dict[str, Any], *, show_secrets: bool = False, title: str | None = None) -> None:
        rows = []
        ordered = [k for k in FIRST_FIELDS if k in profile] + [k for k in profile if k not in FIRST_FIELDS]
        for key in ordered:
            value = profile[key]
            if key in SECRET_FIELDS and not show_secrets and value:
                value = mask(str(value))
            rows.append((key, _cell(value)))
        self.key_values(rows, title=title)

    def key_values(self, rows: Sequence[tuple[str, str]], *, title: str | None = None) -> None:
        if self.fancy:
            from rich.table import Table

            table = Table(title=title, show_header=True, header_style="bold")
            table.add_column("field", style="cyan", no_wrap=True)
            table.add_column("value")
            for k, v in rows:
                table.add_row(k, v)
            self.console().print(table)
            return
        width = max((len(k) for k, _ in rows), default=0)
        lines = []
        for k, v in rows:
            parts = v.split("\n")
            lines.append(f"{k.ljust(width)}  {parts[0]}")
            lines.extend(f"{'':{width}}  {p}" for p in parts[1:])
        self.write("\n".join(lines))

    def table(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = "nothing found") -> None:
        rows = [[_cell(c) for c in row] for row in rows]
        if not rows:
            self.notice(empty)
            return
        if self.fancy:
            from rich.table import Table

            table = Table(show_header=True, header_style="bold")
            for c in columns:
                table.add_column(c)
            for row in rows:
                table.add_row(*row)
            self.console().print(table)
            return
        widths = [max(len(c), *(len(r[i].split("\n")[0]) for r in rows)) for i, c in enumerate(columns)]
        out = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
        for r in rows:
            out.append("  ".join(v.split("\n")[0].ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
        self.write("\n".join(out))

    def profiles(self, profiles: list[dict[str, Any]]) -> None:
        self.table(
            ["id", "name", "enabled", "destinations", "created"],
            (
                [
                    p.get("id"),
                    p.get("name"),
                    p.get("enabled"),
                    p.get("whitelisted_destinations") or [],
                    str(p.get("created_at") or "")[:19].replace("T", " "),
                ]
                for p in profiles
            ),
            empty="no messaging profiles",
        )

    # ------------------------------------------------------------------ stderr

    def notice(self, message: str) -> None:
        self.err.write(f"msgprof: {message}\n")
        self.err.flush()

    def warning(self, message: str) -> None:
        self.err.write(f"msgprof: warning: {message}\n")
        self.err.flush()

    def status(self, text: str) -> None:
        """A one-line status on stderr, redrawn in place; only on a terminal."""
        if self.interactive_err:
            self.err.write(f"\rmsgprof: {text}")
            self.err.flush()
            self._status_shown = True

    def clear_status(self) -> None:
        if self._status_shown:
            self.err.write("\r\033[K")
            self.err.flush()
            self._status_shown = False

    def trace(self, line: str) -> None:
        self.err.write(f"debug: {line}\n")
        self.err.flush()

    def issues(self, issues: Sequence[Any], *, label: str = "error") -> None:
        for issue in issues:
            line = f"{label}: {issue.location()}: {issue.message}"
            if issue.hint:
                line += f"\n  hint: {issue.hint}"
            self.err.write(line + "\n")
        self.err.flush()

    def error(self, exc: MsgprofError) -> None:
        if self.json_errors:
            self.err.write(json.dumps(exc.to_dict(), ensure_ascii=False) + "\n")
            self.err.flush()
            return
        if isinstance(exc, InvalidInput) and exc.issues:
            self.issues(exc.issues)
        self.err.write(f"msgprof: error: {exc.message}\n")
        for e in getattr(exc, "errors", None) or []:
            self.err.write(f"  {format_api_error(e)}\n")
        if exc.hint:
            self.err.write(f"  hint: {exc.hint}\n")
        self.err.flush()

    def changes(self, changes: Sequence[Any], *, header: str) -> None:
        if not changes:
            self.notice(f"{header}: no field changed")
            return
        self.notice(f"{header}:")
        for c in changes:
            self.err.write(f"  ~ {c.field}: {_short(c.old)} -> {_short(c.new)}\n")
        self.err.flush()

    # ------------------------------------------------------------------ declarative

    @contextmanager
    def progress(self, total: int, label: str) -> Iterator[Callable[[], None]]:
        """A rich progress bar on stderr when stderr is a terminal; otherwise nothing."""
        if not self.interactive_err or total <= 1:
            yield lambda: None
            return
        import threading

        from rich.progress import Progress

        lock = threading.Lock()
        with Progress(console=self.err_console(), transient=True) as bar:
            task = bar.add_task(label, total=total)

            def advance() -> None:
                with lock:
                    bar.advance(task)

            yield advance

    def plan(self, items: Sequence[Any]) -> None:
        """The plan as text; plan --json is report.build(items, "plan") through json()."""
        sign = {"create": "+", "update": "~", "delete": "-", "unchanged": "=", "failed": "!"}
        lines: list[str] = []
        for i in items:
            ident = f" ({i.profile_id})" if i.profile_id else ""
            lines.append(f"{sign[i.action]} {i.action} {i.name}{ident}  [{i.desired.source}]")
            for c in i.changes if i.action != "unchanged" else []:
                new = _short(i.shown(c.path, c.new))
                if i.action == "create":
                    lines.append(f"    + {c.field}: {new}")
                else:
                    lines.append(f"    ~ {c.field}: {_short(i.shown(c.path, c.old))} -> {new}")
            if i.note and i.action == "delete":
                lines.append(f"    - {i.note}")
            if i.error:
                lines.append(f"    ! {i.error.message}" + (f" (hint: {i.error.hint})" if i.error.hint else ""))
        kinds = ("create", "update", "delete", "unchanged", "failed")
        counts = {k: sum(1 for i in items if i.action == k) for k in kinds}
        if not counts["delete"]:
            del counts["delete"]
        lines.append(
            "Plan: "
            + ", ".join(f"{n} {'to ' + k if k in ('create', 'update', 'delete') else k}" for k, n in counts.items())
            + "."
        )
        self.write("\n".join(lines))

    def apply_report(self, items: Sequence[Any]) -> None:
        """The apply report as text; apply --json is report.build(items, "apply") through json()."""
        past = {"create": "created", "update": "updated", "delete": "deleted", "unchanged": "unchanged"}
        lines = []
        for i in items:
            word = "failed" if i.status == "failed" else past.get(i.action, i.action)
            ident = f" ({i.profile_id})" if i.profile_id else ""
            line = f"{word:<9}  {i.name}{ident}"
            if word == "updated":
                line += ": " + ", ".join(c.field for c in i.changes)
            if i.error:
                line += f": {i.error.message}" + (f" (hint: {i.error.hint})" if i.error.hint else "")
            lines.append(line)
        counts = {w: sum(1 for line in lines if line.startswith(w + " ")) for w in (*past.values(), "failed")}
        if not counts["deleted"]:
            del counts["deleted"]
        lines.append("Apply: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
        self.write("\n".join(lines))


def _short(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else json.dumps(value)
