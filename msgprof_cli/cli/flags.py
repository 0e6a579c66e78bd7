"""Command-line flags of ``create`` and ``update``, derived from the document rules.

Each rule (nested ones included) gives one flag; booleans get an on/off pair and each nested
object a flag that sends it as null.  Flag values are merged over a document here, so the
document layer never sees a flag.
"""

from dataclasses import dataclass, replace
from typing import Annotated, Any, Optional

import typer

from msgprof_cli.document.document import Document, Path
from msgprof_cli.document.rules import RULES, RULES_BY_NAME, Rule
from msgprof_cli.errors import UsageError

PANELS = {
    "number_pool_settings": "Number pool (number_pool_settings)",
    "url_shortener_settings": "URL shortener (url_shortener_settings)",
    "features": "Features (features)",
}


@dataclass(frozen=True)
class FlagSpec:
    """A command-line flag derived from a rule."""

    param: str  # the Python parameter name
    path: Path  # where its value goes in the document
    rule: Rule
    decls: tuple[str, ...]
    kind: str  # value | bool | list | null


def flag_specs() -> list[FlagSpec]:
    specs: list[FlagSpec] = []

    def add(rule: Rule, path: Path) -> None:
        param = "f_" + "_".join(str(p) for p in path)
        if rule.kind == "boolean":
            specs.append(FlagSpec(param, path, rule, (f"{rule.flag}/{rule.off_flag}",), "bool"))
        elif rule.kind == "countries":
            specs.append(FlagSpec(param, path, rule, (rule.flag,), "list"))
        else:
            specs.append(FlagSpec(param, path, rule, (rule.flag,), "value"))

    for rule in RULES:
        if rule.kind == "object":
            specs.append(FlagSpec("f_null_" + rule.name, (rule.name,), rule, (rule.null_flag,), "null"))
            for child in rule.children:
                add(child, (rule.name, child.name))
        else:
            add(rule, (rule.name,))
    return specs


def _number_from_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text  # left for validation to report with the flag's name
    return value


def apply_flags(doc: Document | None, values: dict[str, Any]) -> Document:
    """Merge flag values (keyed by FlagSpec.param) over a document: flags win, nested flags merge."""
    base = doc if doc is not None else Document({})
    data = dict(base.data) if isinstance(base.data, dict) else base.data
    out = replace(base, data=data, lines=dict(base.lines), raw=dict(base.raw), origins=dict(base.origins))
    out.secrets, out.secret_values = dict(base.secrets), dict(base.secret_values)
    if not isinstance(data, dict):
        return out  # validation reports the wrong type
    specs = flag_specs()
    nulls = {str(s.path[0]) for s in specs if s.kind == "null" and values.get(s.param)}
    for spec in specs:
        value = values.get(spec.param)
        if spec.kind == "null" or value is None or value == []:
            continue
        if spec.path[0] in nulls:
            null_flag = RULES_BY_NAME[str(spec.path[0])].null_flag
            raise UsageError(
                f"{spec.rule.flag} cannot be combined with {null_flag}",
                hint=f"{null_flag} sends {spec.path[0]} as null",
            )
        if spec.kind == "list":
            value = [c.strip() for item in value for c in str(item).split(",") if c.strip()]
        elif spec.rule.kind in ("number", "integer"):
            value = _number_from_text(str(value))  # validation says which numbers it takes
        flag_name = spec.rule.flag if spec.kind != "bool" else "/".join((spec.rule.flag, spec.rule.off_flag))
        if len(spec.path) == 1:
            data[spec.path[0]] = value
        else:
            parent = data.get(spec.path[0])
            parent = dict(parent) if isinstance(parent, dict) else {}
            parent[spec.path[1]] = value
            data[spec.path[0]] = parent
        out.origins[spec.path] = flag_name
    for name in nulls:
        name = str(name)
        data[name] = None
        out.origins[(name,)] = RULES_BY_NAME[name].null_flag
    return out


def flag_options(for_update: bool = False) -> list[tuple[str, Any, Any]]:
    """A typer option for each flag spec, in rule order, grouped into help panels.

    For update, the create-only fields' flags are left out of --help; they are still parsed, so
    using one gets validation's "create only" message (exit 3) rather than "no such option".
    For create, the update-only fields' flags are not offered at all: the create request has no
    such field (a document may still name them: see rules.split_create)."""
    opts: list[tuple[str, Any, Any]] = []  # common.Opt: (parameter name, annotation, default)
    for spec in flag_specs():
        panel = PANELS.get(str(spec.path[0]), "Profile fields")
        rule = spec.rule
        if not for_update and not rule.creatable:
            continue
        hidden = for_update and not rule.updatable
        if spec.kind == "bool":
            ann: Any = Annotated[
                Optional[bool], typer.Option(spec.decls[0], help=rule.help, rich_help_panel=panel, show_default=False)
            ]
            opts.append((spec.param, ann, None))
        elif spec.kind == "list":
            ann = Annotated[
                Optional[list[str]],
                typer.Option(
                    rule.flag, help=rule.help, metavar="CC[,CC...]", rich_help_panel=panel, show_default=False
                ),
            ]
            opts.append((spec.param, ann, None))
        elif spec.kind == "null":
            ann = Annotated[
                bool,
                typer.Option(spec.decls[0], help=_null_help(rule.name, rule.help), rich_help_panel=panel),
            ]
            opts.append((spec.param, ann, False))
        else:
            metavar = {"number": "NUMBER", "url": "URL"}.get(rule.kind, "TEXT")
            if rule.choices:
                metavar = "|".join(str(c) for c in rule.choices)
            ann = Annotated[
                Optional[str],
                typer.Option(
                    rule.flag, help=rule.help, metavar=metavar, rich_help_panel=panel, show_default=False, hidden=hidden
                ),
            ]
            opts.append((spec.param, ann, None))
    return opts


def _null_help(name: str, rule_help: str) -> str:
    """--no-pool's help from the rule's ("Number pool settings, or null to disable the pool.")."""
    _, sep, effect = rule_help.partition(", or null to ")
    return f"Send {name} as null, to {effect.rstrip('.')}." if sep else f"Send {name} as null."


def update_only_flag(option: str) -> str | None:
    """The field whose update-only flag ``option`` is (``--redaction`` -> redaction_enabled), or None."""
    for spec in flag_specs():
        if not spec.rule.creatable and option in (d for decl in spec.decls for d in decl.split("/")):
            return spec.rule.name
    return None
