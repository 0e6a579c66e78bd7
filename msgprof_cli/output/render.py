"""Every byte the user sees, on the injected terminal.  stdout carries data; the rest goes to stderr.

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
from msgprof_cli.output import cells
from msgprof_cli.output.terminal import Terminal
from msgprof_cli.output import report_view
from msgprof_cli.secrets import Scrubbed, mask, scrub, shown

if TYPE_CHECKING:
    from msgprof_cli.output import metrics_view, profile_view, tables, views
else:  # loaded on first use: `create --json` and the other data paths draw no table (start-up time)

    class _OnFirstUse:
        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            import importlib

            module = importlib.import_module(f"msgprof_cli.output.{self._name}")
            globals()[self._name] = module  # from now on, the module itself
            return getattr(module, attr)

    metrics_view, profile_view, tables, views = (
        _OnFirstUse(n) for n in ("metrics_view", "profile_view", "tables", "views")
    )

ID_COLUMNS = ("id", "messaging_profile_id")
NUMBERS = ("sent", "delivered", "failed", "rate", "received")  # right-aligned at a terminal
KEY_COLUMN = 26  # the widest key that sets the plain key column (daily_spend_limit_enabled is 25)
ROLE_STYLE = {"head": "bold", "id": "cyan", "key": "cyan", "section": "bold magenta", "dim": "dim"}
WHOLE_COLUMNS = ("phone_number", "number", "us_long_code_fallback")  # never wrapped, like ids
KEEP_WHOLE = ("created", "enabled", "sent", "delivered", "failed", "rate", "received")  # short; never wrapped
# JSON escapes C0 itself; C1 and the bidi controls it leaves raw, and an escape is the same data.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _cell(value: Any) -> str:
    """A value as one table cell's text, control characters made visible."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) if value else "[]"
    if isinstance(value, dict):
        return "\n".join(f"{cells.visible(str(k))}: {_cell(v)}" for k, v in value.items()) if value else "{}"
    if value == "":
        return '""'
    return cells.visible(str(value))


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


def _created(value: Any, length: int) -> str:
    """2026-11-29T04:03:37.123Z cut to the date (10), minutes (16) or seconds (19)."""
    return cells.visible(str(value or ""))[:length].replace("T", " ")


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
        """One record in its own view (``views.KINDS``): its id and name first, then its sections.
        At a terminal, fields still at their defaults fold into one line (``all_fields`` shows
        them) so that create and get fit a 24-row screen; in a pipe, every field, one a line."""
        shown = views.view(kind, record, all_fields=all_fields or not self.terminal.stdout_isatty)
        rows = []
        for row in shown.rows:
            value = row.value
            if row.field in profile_view.SECRET_FIELDS and not show_secrets and value:
                value = mask(str(value))
            rows.append((row, _cell(value)))
        if title and self.interactive_err:  # a title is not data: stderr, and only for a person
            self.notice(f"{shown.title} already there" if title == "exists" else f"{title} {shown.title}")
        if not self.terminal.stdout_isatty:
            self.key_values([(r.field, v) for r, v in rows])
            return
        self.lines(_record_lines(rows, shown.folded, self.terminal.width, every=all_fields))

    def key_values(self, rows: Sequence[tuple[str, str]]) -> None:
        """key  value lines; the key column fits the keys up to KEY_COLUMN cells, and a longer key
        (a nested path such as url_shortener_settings.replace_blacklist_only) just pushes its own
        value right, so an id row stays narrow enough for 80 columns in ``| head``."""
        width = max((cells.width(k) for k, _ in rows if cells.width(k) <= KEY_COLUMN), default=0)
        lines = []
        for k, v in rows:
            parts = v.split("\n")
            lines.append(f"{cells.ljust(k, width)}  {parts[0]}".rstrip())
            lines.extend(f"{'':{width}}  {p}" for p in parts[1:])
        self.write("\n".join(lines))

    # ------------------------------------------------------------------ lists

    def table(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = "nothing found") -> None:
        """Rows of values under upper-case headings.  At a terminal, laid out to its width by
        ``tables.layout`` (nothing ever cut: wrapped, or one block per record); in a pipe, one
        line per record (scripts grep lines), a value's own line breaks shown as "; "."""
        text_rows = [[_cell(c) for c in row] for row in rows]
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
        """id, name, enabled, destinations, created; below 100 columns a terminal drops created
        (get shows it) so that the name has room and nothing is cut."""
        dated = not self.terminal.stdout_isatty or self.terminal.width >= 100
        columns = ["id", "name", "enabled", "destinations"] + (["created"] if dated else [])
        length = 16 if self.terminal.stdout_isatty else 19  # plain text keeps the seconds
        rows = []
        for p in profiles:
            row = [p.get("id"), p.get("name"), p.get("enabled"), p.get("whitelisted_destinations") or []]
            rows.append(row + ([_created(p.get("created_at"), length)] if dated else []))
        self.table(columns, rows, empty=empty)

    def deleted(self, kind: str, ident: Any, name: Any = None) -> None:
        """What a delete-type command removed, one line of data each: ``deleted KIND ID (NAME)``."""
        named = f" ({cells.visible(str(name))})" if name not in (None, "") else ""
        self._styled("out", [("deleted", "red"), (f" {kind} {cells.visible(str(ident))}{named}", "")])
        self.out.flush()

    # ------------------------------------------------------------------ metrics

    def metrics(self, data: dict[str, Any]) -> None:
        """One profile's metrics: totals and the delivery rate first, then each interval."""
        total = metrics_view.totals(data)
        rows = metrics_view.intervals(data)
        head = (
            f"sent {total.sent}  delivered {total.delivered} ({metrics_view.percent(total.delivery_rate)})"
            f"  failed {total.failed}  received {total.received}"
        )
        ident = cells.visible(str(data.get("messaging_profile_id") or ""))
        frame = cells.visible(str(data.get("time_frame") or ""))
        if not self.fancy:
            self.write(f"profile {ident}  time frame {frame}\n{head}")
            if rows:
                table = [[r.start, r.sent, r.delivered, r.failed, r.received] for r in rows]
                self.write(cells.plain_table(["interval", "sent", "delivered", "failed", "received"], _str(table)))
            return
        self.console().print(_metrics_chart(ident, frame, total, rows, self.terminal.width))

    def metrics_summary(self, items: list[dict[str, Any]]) -> None:
        """Every profile's totals, one row each, the id never cut."""
        known = {"outbound_sent", "outbound_delivered", "outbound_failed"}
        if items and not all(known & set(i) for i in items):  # a shape we do not know: show it all
            cols = sorted({k for i in items for k in i}, key=lambda k: (k != "messaging_profile_id", k != "name", k))
            self.table(cols, ([i.get(c) for c in cols] for i in items), empty="no metrics")
            return
        # Below 100 columns a terminal shows sent, failed and the rate (delivered is what the rate
        # says; `metrics ID` has it) so that the name, not the numbers, gets the room.
        wide = not self.terminal.stdout_isatty or self.terminal.width >= 100
        columns = ["id", "name", "sent", "delivered", "failed", "rate", "received"]
        columns = columns if wide else ["id", "name", "sent", "failed", "rate"]
        rows = []
        for i in items:
            sent, done = i.get("outbound_sent") or 0, i.get("outbound_delivered") or 0
            counted = isinstance(sent, int) and sent > 0 and isinstance(done, int)
            value = {
                "id": i.get("messaging_profile_id"),
                "name": i.get("name"),
                "sent": sent,
                "delivered": done,
                "failed": i.get("outbound_failed") or 0,
                "rate": metrics_view.percent(done / sent if counted else None),
                "received": i.get("inbound_received") or 0,
            }
            rows.append([value[c] for c in columns])
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


def _str(rows: list[list[Any]]) -> list[list[str]]:
    return [[cells.visible(str(v)) for v in r] for r in rows]


# ---------------------------------------------------------------------- rich drawings


def _record_lines(
    rows: list[tuple[views.Row, str]], folded: list[str], width: int, *, every: bool
) -> list[tables.Line]:
    """A record as key/value lines, its id and name first.  By default each section is one
    entry (``number pool  long_code_weight: 1; toll_free_weight: 10``), so that even a profile
    with every field set fits a 24-row screen, and the fields at their defaults are counted on
    one line.  ``every`` (--all-fields): each field on its own row under its section's heading,
    defaults dimmed."""
    entries: list[tuple[str, str | None, str]]  # (key, value or None for a heading, role)
    if every:
        entries = []
        section = ""
        for row, value in rows:
            if row.section != section:
                section = row.section
                entries.append((section, None, "section"))
            label = ("  " if row.section else "") + row.label
            entries.append((label, value, _role(row)))
    else:
        entries = [(row.label, value, _role(row)) for row, value in rows if not row.section]
        sections: dict[str, list[str]] = {}
        for row, value in rows:
            if row.section:
                sections.setdefault(row.section, []).append(f"{row.label}: {value.replace(chr(10), ', ')}")
        # "; " joins the fields, and "\n" marks where a field may start a new line (_packed)
        entries += [(title, ";\n".join(parts), "") for title, parts in sections.items()]
    labels = [label for label, text, _ in entries if text is not None]
    # The key column leaves room for a UUID beside it; a longer key pushes its own value right.
    key_width = min(max((cells.width(k) for k in labels), default=0), max(8, width - tables.GAP - 36))
    out: list[tables.Line] = []
    for label, text, role in entries:
        if text is None:
            out.append([(label, role)])
        else:
            out += _entry_lines(label, text, role, key_width, width)
    if folded:  # one line: the names when they fit, else how many
        text = f"at their defaults: {', '.join(folded)} (--all-fields shows them)"
        if cells.width(text) > width:
            text = f"{len(folded)} fields at their defaults (--all-fields shows them)"
        out += [[(line, "dim")] for line in cells.wrap(text, width)]
    return out


def _role(row: views.Row) -> str:
    return "id" if row.field in ID_COLUMNS or row.field == "order_id" else ("dim" if row.default else "")


def _entry_lines(label: str, value: str, role: str, key_width: int, width: int) -> list[tables.Line]:
    """One key and its value, wrapped beside the key; below it, indented, when the key is too
    wide or leaves too little room for the value's ids and URLs."""
    room = width - key_width - tables.GAP
    pushed = cells.width(label) + tables.GAP + cells.width(value)  # a long key pushes its value right
    if cells.width(label) > key_width and "\n" not in value and pushed <= width:
        return [[(label, "key"), (" " * tables.GAP, ""), (value, role)]]
    if cells.width(label) > key_width or room < max(tables.FLEX_MIN, _widest_protected(value)):
        return [[(label, "key")], *([("    ", ""), (text, role)] for text in _packed(value, width - 4))]
    out: list[tables.Line] = []
    for n, text in enumerate(_packed(value, room)):
        key = label if n == 0 else ""
        pad = " " * (key_width - cells.width(key) + tables.GAP)
        out.append([(key, "key"), (pad, ""), (text, role)] if text else [(key, "key")])
    return out


def _packed(value: str, room: int) -> list[str]:
    """``value``'s lines wrapped to ``room`` cells, each line's pieces (a section's fields, one a
    line) kept whole on one line when they fit: ``created_at: 2026-...`` is not split at its colon."""
    lines: list[str] = []
    current = ""
    for part in value.split("\n"):
        if current and cells.width(current) + 1 + cells.width(part) <= room:
            current += " " + part
            continue
        if current:
            lines.append(current)
        *whole, current = tables.wrap(part, room) if cells.width(part) > room else [part]
        lines += whole
    lines.append(current)
    return lines


def _widest_protected(value: str) -> int:
    return max((cells.width(t) for t in value.split() if tables.protected(t)), default=0)


def _column(name: str) -> tables.Column:
    """How a list column is laid out: ids and short values whole, counts right-aligned."""
    whole = name in ID_COLUMNS or name in KEEP_WHOLE or name in WHOLE_COLUMNS
    return tables.Column(name, whole=whole, right=name in NUMBERS, role="id" if name in ID_COLUMNS else "")


def _metrics_chart(ident: str, frame: str, total: Any, rows: list[Any], width: int) -> Any:
    """Totals and the delivery rate, sparklines, then a bar per interval: delivered, failed, rest."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

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
