"""Export live profiles as documents: file names, twins, and writing that never loses a file.

The promises (README, "Export"):

- an existing entry in DIR (a file, a folder, a symlink, even a dangling one) is never replaced
  unless ``force`` is given; without it the profile is skipped and reported;
- a file is written under a temporary name in DIR and then linked (no ``force``: ``os.link``
  fails if the name was taken meanwhile) or renamed (``force``: ``os.replace`` swaps the
  directory entry, so a symlink there is replaced, never followed) into place, so a reader or a
  crash never sees half a file;
- every profile gets its own file name, whatever the names and ids are: a clash of names (also
  one that only differs in case, for case-insensitive file systems) gets the profile's id
  appended, and whatever still clashes gets a counter;
- the name keeps Unicode letters and digits and is cut at a length every file system accepts.

This module prints nothing and knows no exit codes beyond the exceptions it raises.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from msgprof_cli.errors import OutputError, UsageError

SUFFIX = ".yaml"
# 255 bytes is the usual limit for one path component; stay well below it so the id and the
# counter always fit after a cut stem.
MAX_STEM_BYTES = 120


@dataclass
class Twins:
    """Live profiles that share one name: apply refuses them until one is left."""

    name: str
    ids: list[str]


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): entries left alone
    twins: list[Twins] = field(default_factory=list)


def slug(name: str) -> str:
    """A file-name stem for a profile name: Unicode letters and digits kept, the rest '-'."""
    text = unicodedata.normalize("NFKC", name).casefold()
    stem = re.sub(r"[\W_]+", "-", text).strip("-")
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        stem = encoded[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip("-")
    return stem or "profile"


def file_names(profiles: Iterable[dict[str, Any]]) -> list[str]:
    """One distinct stem per profile, in the order given (see the module docstring)."""
    profiles = list(profiles)
    stems = [slug(str(p.get("name", ""))) for p in profiles]
    count: dict[str, int] = {}
    for s in stems:
        count[s] = count.get(s, 0) + 1
    taken: set[str] = set()
    out: list[str] = []
    for p, stem in zip(profiles, stems, strict=True):
        candidate = stem if count[stem] == 1 else f"{stem}-{_id_part(p)}"
        n = 2
        while candidate.casefold() in taken or (candidate != stem and candidate in count):
            candidate = f"{stem}-{_id_part(p)}-{n}"
            n += 1
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _id_part(profile: dict[str, Any]) -> str:
    return slug(str(profile.get("id") or "no-id"))


def export_text(profile: dict[str, Any], setup: dict[str, Any] | None = None) -> str:
    import yaml

    from msgprof_cli.document.changes import writable_view

    header = f"# exported by msgprof from messaging profile {profile.get('id')}\n"
    # writable fields only: a document `apply` accepts unchanged
    view = {**writable_view(profile), **(setup or {})}  # setup: reconcile_setup.export_setup's sections
    return header + yaml.safe_dump(view, sort_keys=False, allow_unicode=True)


def find_twins(profiles: Iterable[dict[str, Any]]) -> list[Twins]:
    by_name: dict[str, list[str]] = {}
    for p in profiles:
        by_name.setdefault(str(p.get("name")), []).append(str(p.get("id")))
    return [Twins(name, ids) for name, ids in by_name.items() if len(ids) > 1]


def check_directory(directory: str) -> None:
    """A usable --to DIR: an existing folder, or a path whose folder can be made."""
    if not directory or "\0" in directory:
        raise UsageError("--to needs a folder name")
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise UsageError(
            f"--to {directory}: this is a file, not a folder",
            hint="name a folder: export writes one file per profile into it",
        )


def write_exports(
    profiles: list[dict[str, Any]],
    directory: str,
    *,
    force: bool,
    setups: dict[str, dict[str, Any]] | None = None,
) -> ExportResult:
    """Write each profile's document into directory; see the module docstring."""
    check_directory(directory)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--to {directory}: cannot make this folder ({exc.strerror})") from None
    result = ExportResult(twins=find_twins(profiles))
    for stem, profile in zip(file_names(profiles), profiles, strict=True):
        path = os.path.join(directory, stem + SUFFIX)
        if os.path.isdir(path) and not os.path.islink(path):
            result.skipped.append((path, "a folder has this name (export never replaces a folder)"))
            continue
        if not force and os.path.lexists(path):
            result.skipped.append((path, EXISTS))
            continue
        if _write_atomically(path, export_text(profile, (setups or {}).get(str(profile.get("id")))), force=force):
            result.written.append(path)
        else:
            result.skipped.append((path, EXISTS))
    return result


EXISTS = "it already exists (--force replaces it)"


def _write_atomically(path: str, text: str, *, force: bool) -> bool:
    """Write text to path through a temporary file; False when path appeared meanwhile (no force)."""
    directory = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".msgprof-export-", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in {directory}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)  # replaces the entry itself; a symlink there is not followed
            return True
        try:
            os.link(tmp, path)  # fails if the name exists: no check-then-write race
        except FileExistsError:
            return False
        return True
    except IsADirectoryError:  # a folder appeared there meanwhile: left alone
        return False
    except OSError as exc:  # disk full, no permission: what was written before stands
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
