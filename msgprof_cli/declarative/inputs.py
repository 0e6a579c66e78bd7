"""What validate, plan and apply read, and what they find wrong with it, the same for all three.

- **Discovery**: files are taken as given; a directory gives every ``.yaml``, ``.yml`` and
  ``.json`` file below it, in name order, skipping hidden files and folders (``.name``) and the
  editors' JSON Schema saved beside the documents: a ``*.schema.json`` file, or any file that is a
  JSON Schema by its keys (``$schema``, ``$defs``, or ``properties`` with ``type``).  A schema given
  by name is an error: it is not a profile document.
- **Checks**: every document is loaded, interpolated and validated; a profile name used by two
  documents (in one file or across the inputs) is an error on the second, naming the first; so is
  a phone number listed by two profiles (it would bounce between them).  validate, plan and
  apply make exactly these checks, so validate fails (exit 3) wherever plan would.

It touches no network and prints nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from msgprof_cli.document.document import Document, Issue, quote
from msgprof_cli.document.loading import load_documents
from msgprof_cli.document.setup_rules import Setup, split_setup, validate_setup
from msgprof_cli.document.validation import refused_at, validate
from msgprof_cli.errors import InvalidInput

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
SCHEMA_SUFFIX = ".schema.json"  # what the docs advise: `msgprof schema > messaging-profile.schema.json`
Mode = Literal["create", "update"]


@dataclass
class Checked:
    """One document (or one file that could not be read as documents) and what was found."""

    source: str
    doc: Document | None
    payload: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    setup: Setup = field(default_factory=Setup)  # phone_numbers:, alphanumeric_sender_ids:, autoresp_configs:

    @property
    def valid(self) -> bool:
        return not self.errors


def expand_paths(paths: list[str]) -> list[str]:
    return [path for path, _ in _discover(paths)]


def _discover(paths: list[str]) -> list[tuple[str, bool]]:
    """Each input file, and whether it was found in a directory (rather than given by name)."""
    out: list[tuple[str, bool]] = []
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found = sorted(
                str(f)
                for f in Path(p).rglob("*")
                if f.suffix in DOCUMENT_SUFFIXES
                and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)  # skip .hidden ones
            )
            documents = [f for f in found if not f.endswith(SCHEMA_SUFFIX)]
            if not documents:
                also = f" (only {len(found)} *{SCHEMA_SUFFIX} file{'s' if len(found) > 1 else ''})" if found else ""
                raise InvalidInput(f"{p}: no .yaml, .yml or .json files in this directory{also}")
            out += [(f, True) for f in documents]
        else:
            out.append((p, False))
    return out


def is_json_schema(data: Any) -> bool:
    """A JSON Schema by its keys: no profile field starts with `$`, and none is `properties`."""
    if not isinstance(data, dict):
        return False
    return "$schema" in data or "$defs" in data or (isinstance(data.get("properties"), dict) and "type" in data)


def check_inputs(
    paths: list[str], env: Mapping[str, str], *, mode: Mode = "create", allow_unknown: bool = False
) -> list[Checked]:
    """Every document of every input, validated, in input order (see the module docstring)."""
    checked: list[Checked] = []
    for path, in_directory in _discover(paths):
        if path.endswith(SCHEMA_SUFFIX) and not in_directory:
            checked.append(Checked(path, None, errors=[_schema_given(path)]))
            continue
        try:
            docs = load_documents(path, env=env)
        except InvalidInput as exc:
            # the issue is shown with its source (and line), so its message must not repeat them
            where = re.match(re.escape(path) + r"(?::(\d+))?: ", exc.message)
            message = exc.message[where.end() :] if where else exc.message
            line = int(where.group(1)) if where and where.group(1) else None
            issues = exc.issues or [Issue((), message, hint=exc.hint, source=path, line=line)]
            checked.append(Checked(path, None, errors=issues))
            continue
        if len(docs) == 1 and is_json_schema(docs[0].data):  # the editors' schema, whatever its name
            if not in_directory:
                checked.append(Checked(path, None, errors=[_schema_given(path)]))
            continue
        for doc in docs:
            profile_doc, setup_doc = split_setup(doc)  # the setup sections have their own rules
            result = validate(profile_doc, mode=mode, allow_unknown=allow_unknown, partial=True)
            setup, setup_errors = validate_setup(setup_doc)
            errors = list(result.errors) + [e for e in setup_errors if not refused_at(doc, e)]  # refused: said once
            checked.append(Checked(doc.source, doc, result.payload, errors, list(result.warnings), setup))
    _names_used_twice(checked)
    _numbers_listed_twice(checked)
    return checked


def _schema_given(path: str) -> Issue:
    return Issue(
        (),
        "is a JSON Schema (for editors), not a profile document",
        hint="give the profile files, or their folder: a schema beside them is skipped",
        source=path,
    )


def _names_used_twice(checked: list[Checked]) -> None:
    seen: dict[str, str] = {}
    for c in checked:
        name = c.payload.get("name")
        if c.doc is None or not c.valid or not isinstance(name, str):
            continue
        if name in seen:
            c.errors.append(
                c.doc.locate(
                    Issue(
                        ("name",),
                        f"the name {quote(c.doc.scrub(name))} is also used by {seen[name]}",
                        hint="profiles are matched by name: each name once",
                    )
                )
            )
            continue
        seen[name] = c.source


def _numbers_listed_twice(checked: list[Checked]) -> None:
    """A number listed by two profiles would bounce between them: an error on the second."""
    owner: dict[str, str] = {}
    for c in checked:
        if c.doc is None or not c.valid:
            continue
        name = c.doc.scrub(str(c.payload.get("name")))  # as messages may show it
        for i, entry in enumerate(c.setup.numbers or []):
            first = owner.setdefault(entry.number, name)
            if first != name:
                issue = Issue(
                    ("phone_numbers", i),
                    f"{entry.number} is listed by the profiles {quote(first)} and {quote(name)}",
                    "a number belongs to one profile: list it once",
                )
                c.errors.append(c.doc.locate(issue))
