"""Environment variables in profile documents: ``${VAR}`` inside string values, after parsing.

A variable's value never enters the file's text, so it can never add, remove or retype a key, and
``#`` or ``,`` in a value are just characters.  Before parsing, each reference is swapped for an
opaque placeholder word (letters and digits, so any YAML or JSON context reads it as plain text
and no line moves); after parsing, the placeholders in string values are resolved:

- ``${VAR}``; ``${VAR:-default}`` (the default also applies when VAR is empty); defaults nest:
  ``${A:-${B:-x}}``, at most MAX_NESTING deep; ``$${`` is a literal ``${`` (inside a default,
  ``$${B}`` is the literal text ``${B}``).  An unset variable without a default is an error.
- A value that is wholly one reference takes the type its field's rule wants: ``true``/``false``
  for a boolean, a finite number for a number, a comma list (``US,CA``) for the destinations, and
  for a field that may be null an empty value is null.  Anything else stays a string.
- References in field names are not resolved (a name is not a value).

Secret rule: a variable whose name contains KEY, SECRET, TOKEN, PASSWORD, PASSWD, CREDENTIAL, AUTH
or PRIVATE (any case) is secret.  The document records, by field path, which values took a
secret, and every report and error shows ``<secret from $VAR>`` instead of them.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from msgprof_cli import secrets as registry
from msgprof_cli.document.document import Document, Issue, Path, quote
from msgprof_cli.document.rules import RULES_BY_NAME, Rule

SECRET_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|AUTH|PRIVATE", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LITERAL = "${"  # what `$${` stands for


def is_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


MAX_NESTING = 8  # defaults inside defaults; deeper is refused (an error naming the field)


@dataclass
class Ref:
    """One ``${NAME}`` or ``${NAME:-default}``; a default is a sequence of text and references."""

    name: str
    default: list[Part] | None
    text: str  # as written (the outermost reference only: messages and field names quote that one)
    depth: int = 0  # how many defaults nest in this one, itself included


Part = Union[str, Ref]


@dataclass
class Protected:
    """The file's text with every reference replaced by a placeholder word."""

    text: str
    marker: str
    refs: list[Ref | str] = field(default_factory=list)  # placeholder i -> a reference, or LITERAL
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def placeholder(self, i: int) -> str:
        return f"{self.marker}{i}z"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(re.escape(self.marker) + r"(\d+)z")


class _Malformed(ValueError):
    pass


@dataclass
class _Open:
    """A ``${NAME:-`` whose default is being read."""

    name: str
    parts: list[Part]
    chunk: int  # where the text not yet in ``parts`` starts


def _parse_ref(text: str, start: int) -> tuple[Ref, int]:
    """The reference that starts at ``text[start:]`` (which is ``${``), and where it ends.

    Iterative, with a stack of open defaults: a file may nest them thousands deep, and the
    reader must refuse that with a message, not run out of recursion."""
    stack: list[_Open] = []
    deepest, i = 0, start
    while True:
        m = _NAME.match(text, i + 2)  # a reference opens at i
        if m is None:
            raise _Malformed
        done: Ref | None = None
        if text.startswith("}", m.end()):
            done, i = Ref(m.group(0), None, text[i : m.end() + 1]), m.end() + 1
        elif text.startswith(":-", m.end()):
            stack.append(_Open(m.group(0), [], m.end() + 2))
            deepest, i = max(deepest, len(stack)), m.end() + 2
        else:
            raise _Malformed
        while True:  # read the innermost open default until a reference opens or everything closes
            if done is not None:
                if not stack:
                    done.text, done.depth = text[start:i], deepest
                    return done, i
                stack[-1].parts.append(done)
                stack[-1].chunk, done = i, None
            i = _scan_default(text, i, stack[-1])
            if text.startswith("${", i):
                break
            top = stack.pop()
            top.parts.append(text[top.chunk : i])
            done, i = Ref(top.name, [p for p in top.parts if p != ""], ""), i + 1


def _scan_default(text: str, i: int, top: _Open) -> int:
    """Where the next reference or the closing ``}`` of ``top``'s default is, from ``i``.

    ``$${...}`` inside a default is the literal text ``${...}`` (its ``}`` closes nothing)."""
    while i < len(text) and text[i] not in "}\n\r":
        if text.startswith("$${", i):
            close = _line_find(text, "}", i + 3)
            top.parts.append(text[top.chunk : i] + LITERAL + text[i + 3 : close + 1])
            i = top.chunk = close + 1
        elif text.startswith("${", i):
            top.parts.append(text[top.chunk : i])
            return i
        else:
            i += 1
    if i >= len(text) or text[i] != "}":
        raise _Malformed
    return i


def _line_find(text: str, char: str, i: int) -> int:
    """The index of ``char`` at or after ``i`` on the same line; _Malformed when there is none."""
    while i < len(text) and text[i] not in "\n\r":
        if text[i] == char:
            return i
        i += 1
    raise _Malformed


def protect(text: str) -> Protected:
    """Swap every reference for a placeholder word that occurs nowhere else in the text."""
    marker = "msgprofvar" + secrets.token_hex(4)
    while marker in text:  # pragma: no cover - 32 random bits
        marker = "msgprofvar" + secrets.token_hex(4)
    out = Protected("", marker)
    pieces: list[str] = []
    i = 0
    for m in re.finditer(r"\$\$\{|\$\{", text):
        if m.start() < i:
            continue  # inside a reference already taken
        pieces.append(text[i : m.start()])
        if m.group(0) == "$${":
            out.refs.append(LITERAL)
            i = m.end()
        else:
            try:
                ref, i = _parse_ref(text, m.start())
            except _Malformed:
                line = text.count("\n", 0, m.start()) + 1
                out.problems.append(
                    (line, "malformed variable reference; write ${NAME} or ${NAME:-default} ($${ for a literal ${)")
                )
                pieces.append(m.group(0))
                i = m.end()
                continue
            out.refs.append(ref)
        pieces.append(out.placeholder(len(out.refs) - 1))
    pieces.append(text[i:])
    out.text = "".join(pieces)
    return out


class _Unset(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


class _TooDeep(Exception):
    def __init__(self, ref: Ref) -> None:
        self.ref = ref


def _evaluate(ref: Ref, env: Mapping[str, str], used: list[tuple[str, str]]) -> str:
    """The value of a reference; ``used`` collects the secret variables (name, value) it holds."""
    value = env.get(ref.name)
    if value is None or (value == "" and ref.default is not None):
        if ref.default is None:
            raise _Unset(ref.name)
        return "".join(p if isinstance(p, str) else _evaluate(p, env, used) for p in ref.default)
    if is_secret(ref.name):
        used.append((ref.name, value))
    return value


# The typed field of the setup sections (setup_rules.py): ``move: ${MOVE:-false}`` is a boolean,
# as a whole-value reference in a profile field takes its field's type.
MOVE = Rule("move", "boolean", "Take the number from another profile.")


def rule_at(path: Path) -> Rule | None:
    """The rule of the field at ``path`` in a profile document (None for list items and unknowns)."""
    if len(path) == 3 and path[0] == "phone_numbers" and isinstance(path[1], int) and path[2] == "move":
        return MOVE
    rule = RULES_BY_NAME.get(str(path[0])) if path and isinstance(path[0], str) else None
    for part in path[1:]:
        if rule is None or rule.kind != "object":
            return None
        rule = next((c for c in rule.children if c.name == part), None)
    return rule


def _typed(rule: Rule | None, text: str, who: str) -> Any:
    """A value that is wholly one reference, as the type its rule wants; ValueError says why not."""
    if rule is None:
        return text
    if rule.nullable and text == "" and rule.kind != "url":
        return None
    if rule.kind == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise ValueError(f"{who}: expected true or false")
    if rule.kind == "number":
        try:
            number: float = int(text) if re.fullmatch(r"\s*-?\d{1,300}\s*", text) else float(text)
        except ValueError:
            raise ValueError(f"{who}: expected a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{who}: expected a finite number")
        return number
    if rule.kind == "countries":
        return [c.strip() for c in text.strip().strip("[]").split(",") if c.strip()]
    if rule.kind == "object":
        if rule.nullable and text.strip() == "null":
            return None
        raise ValueError(f"{who}: an object cannot come from one variable; give its fields (each may use one)")
    return text


class _Resolver:
    def __init__(self, doc: Document, protected: Protected, env: Mapping[str, str]) -> None:
        self.doc, self.protected, self.env = doc, protected, env
        self.pattern = protected.pattern
        self.issues: list[Issue] = []

    def problem(self, path: Path, message: str, hint: str | None = None) -> None:
        self.issues.append(self.doc.locate(Issue(path, message, hint)))

    def walk(self, value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            return {self.restore(k): self.walk(v, path + (self.restore(k),)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, path + (i,)) for i, v in enumerate(value)]
        if isinstance(value, str) and self.protected.marker in value:
            return self.string(value, path)
        return value

    def restore(self, key: Any) -> Any:
        """A field name keeps its references as written."""
        if not isinstance(key, str) or self.protected.marker not in key:
            return key
        refs = self.protected.refs
        return self.pattern.sub(lambda m: _written(refs[int(m.group(1))]), key)

    def string(self, value: str, path: Path) -> Any:
        used: list[tuple[str, str]] = []
        refs = self.protected.refs
        try:
            text = self.pattern.sub(lambda m: self.part(refs[int(m.group(1))], used), value)
        except _Unset as exc:
            self.problem(path, f"environment variable {exc.name} is not set and has no default")
            return value
        except _TooDeep as exc:
            self.problem(
                path,
                f"{quote(exc.ref.text)}: defaults nest {exc.ref.depth} levels deep; at most {MAX_NESTING} may",
                "flatten the defaults, or set the variables in the environment",
            )
            return value
        if used:
            self.doc.secrets[path] = used[0][0]
            self.doc.secret_values.update((v, name) for name, v in used if v)
            for name, v in used:  # and no output of this process shows it, whatever carries it there
                registry.register_variable(name, v)
        whole = self.pattern.fullmatch(value)
        if whole is None or refs[int(whole.group(1))] == LITERAL:
            return text
        ref = refs[int(whole.group(1))]
        assert isinstance(ref, Ref)
        who = f"{ref.text} gave " + (f"the value of secret ${used[0][0]}" if used else quote(text))
        try:
            return _typed(rule_at(path), text, who)
        except ValueError as exc:
            self.problem(path, str(exc))
            return text

    def part(self, ref: Ref | str, used: list[tuple[str, str]]) -> str:
        if isinstance(ref, str):
            return LITERAL
        if ref.depth > MAX_NESTING:  # checked before evaluating: evaluation recurses once a level
            raise _TooDeep(ref)
        return _evaluate(ref, self.env, used)


def _written(ref: Ref | str) -> str:
    return "$${" if isinstance(ref, str) else ref.text


def resolve(doc: Document, protected: Protected, env: Mapping[str, str]) -> list[Issue]:
    """Resolve the placeholders in a parsed document's string values, in place; the problems found."""
    resolver = _Resolver(doc, protected, env)
    if doc.text is not None:  # field names in the line table read as written
        doc.text.restore = resolver.restore
    doc.data = resolver.walk(doc.data, ())
    return resolver.issues
