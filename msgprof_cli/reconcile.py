"""Declarative profiles: make the account match a set of documents (plan, apply, export).

Profiles are keyed by name.  Every document is loaded, interpolated and validated before any
request is made; one invalid document stops the whole run.  The live profiles are read once, in
as few list calls as the page size allows (250 a page), and shared by every item.  Creates go
through the client's never-duplicate create, with the ids already listed under that name as the
"known" set.  This module prints nothing and knows no exit codes; it returns results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msgprof_cli.document.changes import Change, diff, patch_payload
from msgprof_cli.document.document import Document, Issue
from msgprof_cli.document.loading import load_documents
from msgprof_cli.document.rules import RULES_BY_NAME
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import ApiError, InvalidInput, MsgprofError

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Desired:
    name: str
    source: str
    payload: dict[str, Any]
    secrets: dict[tuple[str | int, ...], str]


@dataclass
class Item:
    """One desired profile: what the plan found and what apply did."""

    desired: Desired
    action: str  # create | update | unchanged | failed
    live: dict[str, Any] | None = None
    changes: list[Change] = field(default_factory=list)
    error: MsgprofError | None = None
    result: str | None = None  # created | updated | unchanged | failed (after apply)
    profile_id: str | None = None
    note: str | None = None

    @property
    def name(self) -> str:
        return self.desired.name

    def shown(self, path: tuple[str | int, ...], value: Any) -> Any:
        """A value as plans and reports may show it: secret values are replaced."""
        for n in range(len(path), 0, -1):
            var = self.desired.secrets.get(path[:n])
            if var:
                return f"<secret from ${var}>"
        return value


def expand_paths(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found = sorted(
                str(f)
                for f in Path(p).rglob("*")
                if f.suffix in DOCUMENT_SUFFIXES
                and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)  # skip .hidden ones
            )
            if not found:
                raise InvalidInput(f"{p}: no .yaml, .yml or .json files in this directory")
            out += found
        else:
            out.append(p)
    return out


def load_desired(
    paths: list[str], env: Mapping[str, str], *, allow_unknown: bool = False
) -> tuple[list[Desired], list[Issue]]:
    """Load, interpolate and validate every document.  Raises InvalidInput with every issue found."""
    issues: list[Issue] = []
    warnings: list[Issue] = []
    desired: list[Desired] = []
    docs: list[Document] = []
    for path in expand_paths(paths):
        try:
            docs += load_documents(path, env=env)
        except InvalidInput as exc:
            issues += exc.issues or [Issue((), exc.message, hint=exc.hint, source=path)]
    seen: dict[str, str] = {}
    for doc in docs:
        result = validate(doc, mode="create", allow_unknown=allow_unknown)
        issues += result.errors
        warnings += result.warnings
        if result.errors:
            continue
        name = result.payload["name"]
        if name in seen:
            issues.append(
                doc.locate(
                    Issue(
                        ("name",),
                        f"the name {name!r} is also used by {seen[name]}",
                        hint="profiles are matched by name: each name once",
                    )
                )
            )
            continue
        seen[name] = doc.source
        desired.append(Desired(name, doc.source, result.payload, dict(doc.secrets)))
    if issues:
        n = len(issues)
        raise InvalidInput(f"{n} problem{'s' if n > 1 else ''} found; nothing was applied", issues)
    return desired, warnings


def live_by_name(client: Any, on_page: Callable[[int, int], None] | None = None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for p in client.iter_messaging_profiles(page_size=250, on_page=on_page):
        out.setdefault(str(p.get("name")), []).append(p)
    return out


def plan(desired: list[Desired], live: dict[str, list[dict[str, Any]]]) -> list[Item]:
    items: list[Item] = []
    for d in desired:
        matches = live.get(d.name, [])
        if len(matches) > 1:
            from msgprof_cli.errors import Ambiguous

            ids = ", ".join(str(m.get("id")) for m in matches)
            items.append(
                Item(
                    d,
                    "failed",
                    error=Ambiguous(
                        f"{len(matches)} live profiles are named {d.name!r}: {ids}",
                        hint="msgprof never guesses: rename or delete all but one",
                    ),
                )
            )
            continue
        if not matches:
            items.append(Item(d, "create", changes=[Change((k,), None, v) for k, v in d.payload.items()]))
            continue
        current = matches[0]
        changes = diff(d.payload, current)
        fixed = [c for c in changes if not RULES_BY_NAME[str(c.path[0])].updatable]
        if fixed:
            fields = ", ".join(c.field for c in fixed)
            items.append(
                Item(
                    d,
                    "failed",
                    live=current,
                    changes=changes,
                    profile_id=current.get("id"),
                    error=ApiError(
                        f"{d.name!r}: {fields} differ, and the API's update cannot change them",
                        hint="change the file to the live value, or delete and recreate the profile",
                    ),
                )
            )
            continue
        items.append(
            Item(d, "update" if changes else "unchanged", live=current, changes=changes, profile_id=current.get("id"))
        )
    return items


def apply(
    client: Any,
    items: list[Item],
    live: dict[str, list[dict[str, Any]]],
    *,
    parallel: int = 4,
    on_done: Callable[[Item], None] | None = None,
) -> list[Item]:
    """Carry out a plan.  One failed item does not stop the others."""

    def run(item: Item) -> Item:
        try:
            if item.action == "create":
                known = {str(p.get("id")) for p in live.get(item.name, [])}
                profile, item.note = client.create_messaging_profile(item.desired.payload, known_ids=known)
                item.result, item.profile_id = "created", profile.get("id")
            elif item.action == "update":
                assert item.profile_id is not None
                client.update_messaging_profile(item.profile_id, patch_payload(item.desired.payload, item.changes))
                item.result = "updated"
            else:
                item.result = item.action
        except MsgprofError as exc:
            item.result, item.error = "failed", exc
        if on_done is not None:
            on_done(item)
        return item

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        return list(pool.map(run, items))
