"""Every byte the user sees, on the injected terminal.  stdout carries data; the rest goes to stderr.

``Renderer`` keeps the channels: data (``write``, ``json``, ``yaml``, tables and laid-out lines),
notice, warning, error, status and progress.  What a command shows is drawn by pure views that
return lines from typed items (``report_view`` for plan and apply, ``markdown``, ``record_view``,
``metrics_view``, ``profile_view``, ``doctor_view``); a method here for a view is a thin call that
writes the view's lines on its channel (docs/architecture.md).

The output rules, one set for every message:

- At a terminal (and without ``NO_COLOR``): rich tables, colour, a metrics chart.  rich is
  imported only then, so the plain paths start fast.
- Otherwise: plain aligned text, no colour, no box drawing; widths counted in terminal cells.
- ``--json`` / ``-o yaml``: the data exactly, nothing else on stdout; errors as one JSON object.
- Every value from the API or a file is text, never markup (rich's markup is never parsed) and
  never a control sequence: control characters are shown as escapes (``cells.visible``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, cast

from msgprof_cli.errors import InvalidInput, MsgprofError, OutputError, format_api_error
from msgprof_cli.output import cells, report_view
from msgprof_cli.output.terminal import Terminal
from msgprof_cli.secrets import Scrubbed, scrub, shown

if TYPE_CHECKING:
    from msgprof_cli.output import metrics_view, profile_view, record_view, report_view, tables, views
else:  # loaded on first use: `create --json` and the other data paths draw no table (start-up time)

    class _OnFirstUse:
        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            import importlib

            module = importlib.import_module(f"msgprof_cli.output.{self._name}")
            globals()[self._name] = module  # from now on, the module itself
            return getattr(module, attr)

    metrics_view, profile_view, record_view, report_view, tables, views = (
        _OnFirstUse(n) for n in ("metrics_view", "profile_view", "record_view", "report_view", "tables", "views")
    )

ID_COLUMNS = ("id", "messaging_profile_id")
NUMBERS = ("sent", "delivered", "failed", "rate", "received")  # right-aligned at a terminal
ROLE_STYLE = {"head": "bold", "id": "cyan", "key": "cyan", "section": "bold magenta", "dim": "dim"}
WHOLE_COLUMNS = ("phone_number", "number", "us_long_code_fallback")  # never wrapped, like ids
KEEP_WHOLE = ("created", "enabled", "sent", "delivered", "failed", "rate", "received")  # short; never wrapped
# JSON escapes C0 itself; C1 and the bidi controls it leaves raw, and an escape is the same data.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _silence(stream: Any) -> None:
    """Point a closed pipe's descriptor at /dev/null, so the final flush at exit cannot fail."""
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real descriptor (a test double)
        pass


def _short(value: Any) -> str:
    return cells.visible(json.dumps(value, ensure_ascii=False))


def _dumps(value: Any, indent: int | None = None) -> str:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Renderer:
    """Draws on the injected terminal; the rich console for each stream is made on first use."""

    def __init__(self, terminal: Terminal, *, json_errors: bool = False) -> None:
        self.terminal = terminal
        self.out = terminal.stdout  # data, as the API returned it (reports hide secrets by path)
        self.err = Scrubbed(terminal.stderr)  # messages, traces, errors: no secret this run has read
        self.json_errors = json_errors
        self._console: Any = None
        self._err_console: Any = None
        self._status_shown = False
        self._live = False  # a rich progress bar is drawn on stderr
        self._reader_gone = False

    # ------------------------------------------------------------------ terminal facts

    @property
    def fancy(self) -> bool:
        """Rich tables only on a terminal, and never when NO_COLOR is set."""
        return self.terminal.stdout_fancy

    @property
    def interactive_err(self) -> bool:
        return self.terminal.stderr_isatty

    def _make_console(self, file: IO[str] | Scrubbed, tty: bool) -> Any:
        from rich.console import Console

        return Console(
            file=cast(IO[str], file),  # a text stream in all but typeshed's name
            width=self.terminal.width,
            force_terminal=tty,
            no_color=self.terminal.no_color or not tty,
            markup=False,  # values are never markup: "[/sale]" is a name, not a closing tag
            emoji=False,
            highlight=False,
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

    def _tty(self, stream: str) -> bool:
        return self.terminal.stdout_isatty if stream == "out" else self.terminal.stderr_isatty

    def _styled(self, stream: str, parts: Sequence[tuple[str, str]]) -> None:
        """One line of (text, style) parts: styled at a colour terminal, plain text elsewhere;
        wrapped at spaces to the width at a terminal, never in a pipe (scripts grep lines)."""
        fancy = self.terminal.stdout_fancy if stream == "out" else self.terminal.stderr_fancy
        if stream == "err":  # hidden before wrapped: a secret cut across two lines is still found
            self._clear_status()
            parts = [(scrub(text), style) for text, style in parts]
        lines = _wrapped_parts(parts, self.terminal.width) if self._tty(stream) else [list(parts)]
        if not fancy:
            text = "\n".join("".join(t for t, _ in line) for line in lines)
            if stream == "out":
                self.write(text)
            else:
                self._err_text(text)
            return
        from rich.text import Text

        console = self.console() if stream == "out" else self.err_console()
        for line in lines:
            shown = Text()
            for text, style in line:
                shown.append(text, style=style or None)
            console.print(shown, soft_wrap=True)

    # ------------------------------------------------------------------ data on stdout

    def write(self, text: str) -> None:
        """A line of data on stdout.  A reader that went away (`| head`) changes nothing else:
        the rest of the output is dropped and the command ends with its own exit code."""
        if self._reader_gone:
            return
        try:
            self.out.write(text if text.endswith("\n") else text + "\n")
            self.out.flush()
        except BrokenPipeError:
            self._reader_gone = True
            _silence(self.out)
        except OSError as exc:
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None

    def json(self, value: Any) -> None:
        self.write(_dumps(value, indent=2))

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

    def results(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], value: Any, output: str) -> None:
        """A command's per-item results (``numbers assign``, ``numbers campaign``...): ``value`` as
        json or yaml if asked, else ``rows`` under ``columns``.  Both leave through
        ``report_view.shown_result``, the reports' hiding: a detail quoting an echoed request shows
        no key and no secret."""
        if not self.data(report_view.shown_result(value), output):
            self.table(columns, report_view.shown_result([list(r) for r in rows]))

    # ------------------------------------------------------------------ one profile

    def profile(
        self, profile: dict[str, Any], *, show_secrets: bool = False, title: str | None = None, all_fields: bool = False
    ) -> None:
        self.record("profile", profile, show_secrets=show_secrets, title=title, all_fields=all_fields)

    def record(
        self,
        kind: str,
        record: dict[str, Any],
        *,
        show_secrets: bool = False,
        title: str | None = None,
        all_fields: bool = False,
    ) -> None:
        """One record in its own view (output/record_view.py).  At a terminal, fields still at their
        defaults fold into one line (``all_fields`` shows them); in a pipe, every field, one a line."""
        shown = record_view.shown(
            kind, record, show_secrets=show_secrets, all_fields=all_fields or not self.terminal.stdout_isatty
        )
        if title and self.interactive_err:  # a title is not data: stderr, and only for a person
            self.notice(f"{shown.title} already there" if title == "exists" else f"{title} {shown.title}")
        if not self.terminal.stdout_isatty:
            self.key_values(shown.pairs)
            return
        self.lines(record_view.lines(shown, self.terminal.width, every=all_fields))

    def key_values(self, rows: Sequence[tuple[str, str]]) -> None:
        """key  value lines (record_view.key_value_text)."""
        self.write(record_view.key_value_text(rows))

    # ------------------------------------------------------------------ lists

    def table(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = "nothing found") -> None:
        """Rows of values under upper-case headings.  At a terminal, laid out to its width by
        ``tables.layout`` (nothing ever cut: wrapped, or one block per record); in a pipe, one
        line per record (scripts grep lines), a value's own line breaks shown as "; "."""
        text_rows = [[cells.text(c) for c in row] for row in rows]
        if not text_rows:
            self.notice(empty)
            return
        cols = [_column(c) for c in columns]
        if not self.terminal.stdout_isatty:
            self.write(cells.plain_table(columns, [[v.replace("\n", "; ") for v in r] for r in text_rows]))
            return
        self.lines(tables.layout(cols, text_rows, self.terminal.width))

    def lines(self, lines: Sequence[tables.Line]) -> None:
        """Laid-out lines of (text, role) spans: roles styled at a colour terminal, plain elsewhere."""
        if not self.fancy:
            self.write("\n".join("".join(t for t, _ in line) for line in lines))
            return
        from rich.text import Text

        console = self.console()
        for line in lines:
            shown = Text()
            for text, role in line:
                shown.append(text, style=ROLE_STYLE.get(role) or None)
            console.print(shown, soft_wrap=True)

    def profiles(self, profiles: list[dict[str, Any]], empty: str = "no messaging profiles") -> None:
        """The profiles as a list (profile_view.list_table)."""
        columns, rows = profile_view.list_table(profiles, tty=self.terminal.stdout_isatty, width=self.terminal.width)
        self.table(columns, rows, empty=empty)

    def deleted(self, kind: str, ident: Any, name: Any = None) -> None:
        """What a delete-type command removed, one line of data each: ``deleted KIND ID (NAME)``."""
        named = f" ({cells.visible(str(name))})" if name not in (None, "") else ""
        self._styled("out", [("deleted", "red"), (f" {kind} {cells.visible(str(ident))}{named}", "")])
        self.out.flush()

    # ------------------------------------------------------------------ metrics

    def metrics(self, data: dict[str, Any]) -> None:
        """One profile's metrics (metrics_view): plain lines, or at a colour terminal a chart."""
        shown = metrics_view.read(data)
        if not self.fancy:
            self.write("\n".join(metrics_view.plain_lines(shown)))
            return
        self.console().print(_metrics_chart(shown, self.terminal.width))

    def metrics_summary(self, items: list[dict[str, Any]]) -> None:
        """Every profile's totals, one row each, the id never cut (metrics_view.summary_table)."""
        wide = not self.terminal.stdout_isatty or self.terminal.width >= 100
        columns, rows = metrics_view.summary_table(items, wide=wide)
        self.table(columns, rows, empty="no metrics")

    # ------------------------------------------------------------------ stderr

    def _err_write(self, text: str) -> None:
        self._clear_status()
        lines = [cells.visible(line) for line in scrub(text).split("\n")]  # hidden, then wrapped
        if self.terminal.stderr_isatty:  # at a terminal: wrapped at spaces, ids whole
            lines = [part for line in lines for part in cells.wrap(line, self.terminal.width)]
        self._err_text("\n".join(lines))

    def _err_text(self, text: str) -> None:
        """Lines on stderr, never glued to a status line or drawn over a progress bar."""
        self._clear_status()
        if self._live:
            from rich.text import Text

            self.err_console().print(Text(text), soft_wrap=True)
            return
        self.err.write(text + "\n")
        self.err.flush()

    def notice(self, message: str) -> None:
        """A notice on stderr.  Hidden on its way out like a report (``secrets.shown``: every
        secret variable's value, whatever its length; apply's notices name its items)."""
        self._err_write(f"msgprof: {shown(message)}")

    def warning(self, message: str) -> None:
        self._styled("err", [("msgprof: ", ""), ("warning", "yellow"), (f": {cells.visible(message)}", "")])
        self.err.flush()

    @contextmanager
    def status(self) -> Iterator[Callable[[str], None]]:
        """A one-line status on stderr, redrawn in place (only on a terminal): ``with
        render.status() as show: show("fetched page 1 of 3")``.  The line is cleared when the
        block ends, however it ends, and before any message is written meanwhile, so an error
        never lands on the end of "fetched page 1 of 3"."""

        def show(text: str) -> None:
            if self.interactive_err:
                self.err.write(f"\r\033[Kmsgprof: {cells.visible(text)}")
                self.err.flush()
                self._status_shown = True

        try:
            yield show
        finally:
            self._clear_status()

    def _clear_status(self) -> None:
        if self._status_shown:
            self._status_shown = False
            self.err.write("\r\033[K")
            self.err.flush()

    def trace(self, line: str) -> None:
        self._err_write(f"debug: {line}")

    def issues(self, issues: Sequence[Any], *, label: str = "error") -> None:
        """One line per issue: the label coloured, the field highlighted (at a terminal)."""
        style = "bold red" if label == "error" else "yellow"
        for issue in issues:
            where = cells.visible(issue.location())
            head = [("msgprof: ", ""), (label, style)]
            message = (f": {cells.visible(issue.message)}", "")
            self._styled("err", [*head, (": ", ""), (where, "bold"), message] if where else [*head, message])
            if issue.hint:
                self._styled("err", [("  hint: ", "cyan"), (cells.visible(issue.hint), "")])
        self.err.flush()

    def error(self, exc: MsgprofError) -> None:
        self._clear_status()
        if self.json_errors:
            self.err.write(_dumps(exc.to_dict()) + "\n")
            self.err.flush()
            return
        if isinstance(exc, InvalidInput) and exc.issues:
            self.issues(exc.issues)
        self._styled("err", [("msgprof: ", ""), ("error", "bold red"), (f": {cells.visible(exc.message)}", "")])
        for e in getattr(exc, "errors", None) or []:
            self._err_write(f"  {cells.visible(format_api_error(e))}")  # the API's words: no raw control bytes
        if exc.hint:
            self._styled("err", [("  hint: ", "cyan"), (cells.visible(exc.hint), "")])
        self.err.flush()

    def changes(self, changes: Sequence[Any], *, header: str) -> None:
        if not changes:
            self.notice(f"{header}: no field changed")
            return
        self.notice(f"{header}:")
        for c in changes:
            self._styled("err", [("  ~ ", "yellow"), (f"{c.field}: {_short(c.old)} -> {_short(c.new)}", "")])
        self.err.flush()

    def validated(self, ok: bool, source: str) -> None:
        """validate's one line per document: ok in green, invalid in red (at a terminal)."""
        word = "ok" if ok else "invalid"
        self._styled("out", [(word, "green" if ok else "bold red"), (f"  {cells.visible(source)}", "")])
        self.out.flush()

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

            self._live = True  # messages meanwhile go through the bar's console, above the bar
            try:
                yield advance
            finally:
                self._live = False

    def plan(self, items: Sequence[report_view.ItemLike]) -> None:
        """The plan as text (report_view.plan_lines), + ~ - coloured at a terminal."""
        self.styled_lines(report_view.plan_lines(report_view.shown_items(items)))

    def plan_markdown(self, items: Sequence[report_view.ItemLike]) -> None:
        from msgprof_cli.output.markdown import plan_markdown

        self.write(plan_markdown(report_view.shown_items(items)))

    def apply_report(self, items: Sequence[report_view.ItemLike]) -> None:
        """The apply report as text (report_view.apply_lines)."""
        self.styled_lines(report_view.apply_lines(report_view.shown_items(items)))

    def styled_lines(self, lines: Sequence[Sequence[tuple[str, str]]]) -> None:
        """Lines of data, each of (text, style) parts, as a pure view returned them."""
        for parts in lines:
            self._styled("out", parts)

    def doctor(self, report: Any) -> None:
        """doctor's checklist (output/doctor_view.py): a route's dict, or -f's list of profiles."""
        from msgprof_cli.output import doctor_view

        lines = doctor_view.profile_lines(report) if isinstance(report, list) else doctor_view.route_lines(report)
        self.styled_lines(lines)


def _wrapped_parts(parts: Sequence[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    """(text, style) parts cut into lines at the spaces ``cells.wrap_spans`` picks, styles kept."""
    whole = "".join(t for t, _ in parts)
    spans, hang = cells.wrap_spans(whole, width)
    lines: list[list[tuple[str, str]]] = []
    for n, (a, b) in enumerate(spans):
        line: list[tuple[str, str]] = [(" " * hang, "")] if n else []
        at = 0
        for text, style in parts:
            lo, hi = max(a, at), min(b, at + len(text))
            if lo < hi:
                line.append((text[lo - at : hi - at], style))
            at += len(text)
        lines.append(line)
    return lines


# ---------------------------------------------------------------------- rich drawings


def _column(name: str) -> tables.Column:
    """How a list column is laid out: ids and short values whole, counts right-aligned."""
    whole = name in ID_COLUMNS or name in KEEP_WHOLE or name in WHOLE_COLUMNS
    return tables.Column(name, whole=whole, right=name in NUMBERS, role="id" if name in ID_COLUMNS else "")


def _metrics_chart(shown: metrics_view.Metrics, width: int) -> Any:
    """Totals and the delivery rate, sparklines, then a bar per interval: delivered, failed, rest."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    ident, frame, total, rows = shown.ident, shown.frame, shown.totals, shown.intervals
    head = Text()
    head.append(f"{ident}  last {frame}\n", style="bold")
    head.append(f"sent {total.sent}", style="bold")
    head.append(f"   delivered {total.delivered} ", style="green")
    head.append(f"({metrics_view.percent(total.delivery_rate)})", style="bold green")
    head.append(f"   failed {total.failed}", style="red")
    head.append(f"   received {total.received}")
    if not rows:
        return Group(head, Text("no intervals in this time frame", style="dim"))
    spark = Table.grid(padding=(0, 2))
    for key, style in (("sent", "bold"), ("delivered", "green"), ("failed", "red")):
        spark.add_row(Text(key), Text(metrics_view.sparkline([getattr(r, key) for r in rows]), style=style))
    return Group(head, Text(""), spark, Text(""), _interval_bars(rows, width))


def _interval_bars(rows: list[Any], width: int) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    for name in ("interval", "sent", "delivered", "failed"):
        table.add_column(name, no_wrap=True, justify="left" if name == "interval" else "right")
    numbers = max(len(str(r.sent)) for r in rows)
    bar_width = max(10, width - 11 - max(4, numbers) - 9 - 6 - 8)
    table.add_column("", no_wrap=True, width=bar_width)
    top = max(max(r.sent, r.delivered + r.failed) for r in rows)
    for r in rows:
        good, bad, rest = metrics_view.bar_split(r.sent, r.delivered, r.failed, top, bar_width)
        bar = Text("█" * good, style="green")
        bar.append("▓" * bad, style="red")  # a different glyph: failures show without colour too
        bar.append("░" * rest, style="dim")
        row = (Text(metrics_view.short_time(cells.visible(r.start))), str(r.sent), str(r.delivered), str(r.failed))
        table.add_row(*row, bar)
    return table
