"""The sandbox's records, loaded from and saved atomically to a JSON state file.

The file (``--state``) is one JSON object; every key is optional:

    profiles              messaging profiles, as the API returns them
    phone_numbers         the account's number inventory: "+E.164" strings or objects (below)
    short_codes           records attached to a profile (``messaging_profile_id``)
    alphanumeric_sender_ids
    autoresp_configs      auto-responses, each with the ``messaging_profile_id`` it belongs to
    bulk_updates          bulk number orders and how far each has got
    metrics               seeded metrics per profile and time frame (see ``metrics.py``)

A phone number given as a string, or as an object with only some fields, is completed by
``number_record`` (id, type, country code, features...), so an inventory can be written by hand.
A state file that does not exist yet starts with the demo inventory (``DEMO_NUMBERS``).

How the file is kept, so that a write costs the same with 10 records or 10,000:

* ``save()`` only marks the state changed.  A writer thread writes the whole file at most every
  ``FLUSH_INTERVAL`` seconds (longer when a write itself takes long: at most a tenth of its time
  goes to writing), and ``close()`` (on stop, and at the process's exit) writes what is left, so
  a stopped sandbox loses nothing.
* Each write is atomic (temporary file, fsync, rename): a killed sandbox loses at most the
  changes of the last interval, never the file.
* One file has one writer: locks (``flock`` on ``.NAME.lock`` beside it, removed on close, and on
  the file's own inode, so a hard link is the same file: see ``_Lock``) make a second sandbox on
  the same file refuse to start.
* Only a sandbox state file is loaded: a JSON object whose keys are the ones above, nested no
  deeper than ``MAX_STATE_DEPTH``.  Anything else (a profile document, say) is refused, and so
  never replaced.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from msgprof_cli.document.setup_rules import E164, is_toll_free  # one rule for msgprof and its sandbox
from msgprof_cli.errors import InvalidInput, UsageError

RELATED = ("phone_numbers", "short_codes", "alphanumeric_sender_ids")
# the send path's collections (sendpath.py), each a list of records in the spec's shape
SENDPATH = (
    "brands",
    "campaigns",
    "phone_number_campaigns",
    "tollfree_verifications",
    "optouts",
    "hosted_numbers",
    "messages",
)
KEYS = frozenset({"profiles", *RELATED, "autoresp_configs", "bulk_updates", "metrics", *SENDPATH})
FLUSH_INTERVAL = 0.25  # seconds a change may wait before it is written (see the docstring)
MAX_STATE_DEPTH = 32  # records nest a few levels; far deeper is not a state file
ORGANIZATION_ID = "9f2d3c52-1c6e-4a52-9d47-0b6c3f7a1e00"
COUNTRY_BY_PREFIX = {"+1": "US", "+44": "GB", "+49": "DE", "+33": "FR", "+61": "AU", "+31": "NL", "+46": "SE"}
SEEDED_AT = "2026-01-05T09:00:00.000Z"
# Numbers in ranges reserved for fiction (NANP 555-01XX), so demos never name a real line.
DEMO_NUMBERS = [f"+1{npa}55501{i:02d}" for npa in ("202", "312", "415") for i in range(2)] + [
    f"+1{npa}55501{i:02d}" for npa in ("800", "888") for i in range(2)
]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def number_record(entry: Any) -> dict[str, Any]:
    """A full phone-number record (as the spec's PhoneNumberWithMessagingSettings) from an entry."""
    if not isinstance(entry, (str, dict)):
        raise ValueError(f"{str(entry)[:40]!r} is neither a +E.164 string nor an object with phone_number")
    item = {"phone_number": entry} if isinstance(entry, str) else dict(entry)
    number = item.get("phone_number")
    if not isinstance(number, str) or not E164.fullmatch(number):
        raise ValueError(f"phone number {str(number)[:40]!r} is not in E.164 form (+ and 7 to 15 digits)")
    toll_free = is_toll_free(number)
    product = "A2P" if toll_free else "P2P"
    on = {"domestic_two_way": True, "international_inbound": True, "international_outbound": True}
    # Toll-free numbers are domestic-only (Telnyx: toll-free messaging reaches the US and Canada):
    # so the demo inventory has numbers that can and numbers that cannot send abroad.
    domestic = {**on, "international_inbound": False, "international_outbound": False}
    prefix = next((p for p in sorted(COUNTRY_BY_PREFIX, key=len, reverse=True) if number.startswith(p)), "")
    return {
        "record_type": "messaging_settings",
        "id": str(int(hashlib.sha256(number.encode()).hexdigest()[:15], 16)),
        "phone_number": number,
        "country_code": COUNTRY_BY_PREFIX.get(prefix, "ZZ"),
        "type": "tollfree" if toll_free else "longcode",
        "messaging_profile_id": None,
        "messaging_product": product,
        "traffic_type": product,
        "eligible_messaging_products": [product],
        "features": {"sms": dict(domestic if toll_free else on), "mms": dict(on) if not toll_free else None},
        "health": {"inbound_outbound_ratio": 0.0, "message_count": 0, "spam_ratio": 0.0, "success_ratio": 1.0},
        "organization_id": ORGANIZATION_ID,
        "tags": [],
        "created_at": SEEDED_AT,
        "updated_at": SEEDED_AT,
        **item,
    }


class State:
    """Every record the sandbox holds; one re-entrant lock guards them all."""

    def __init__(self, path: str | None = None, numbers: Iterable[Any] | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._owner: _Lock | None = None  # the held locks: one writer per state file
        self._dirty = threading.Event()
        self._stopping = threading.Event()  # close() wakes the writer at once, even mid-interval
        self._saved, self._written = 0, 0  # save() calls so far, and how many the file holds
        self._closed = False
        self._writer: threading.Thread | None = None
        self._write_lock = threading.Lock()  # the writer thread and close() never write at once
        self.profiles: dict[str, dict[str, Any]] = {}
        self.related: dict[str, list[dict[str, Any]]] = {k: [] for k in RELATED}
        self.autoresp: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.metrics: list[dict[str, Any]] = []
        self.sendpath: dict[str, list[dict[str, Any]]] = {k: [] for k in SENDPATH}
        self.order_polls = 2  # GETs a bulk order takes to finish (see numbers.py)
        inventory: Iterable[Any] = DEMO_NUMBERS
        if path:
            _regular_or_new(path)  # before the lock file: /dev/zero gets no /dev/.zero.lock
            self._owner = _take(path)
        try:
            if path and os.path.exists(path):
                inventory = self._load(path)
            self.related["phone_numbers"] = [number_record(n) for n in (numbers if numbers is not None else inventory)]
        except (ValueError, TypeError) as exc:
            self.close(write=False)
            raise InvalidInput(f"sandbox phone numbers: {exc}", hint="see the README's sandbox section") from None
        except BaseException:
            self.close(write=False)
            raise

    def _load(self, path: str) -> list[Any]:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read(MAX_STATE_BYTES + 1)  # bounded: a state file is a few MiB at most
            if len(text) > MAX_STATE_BYTES:
                raise ValueError(f"larger than {MAX_STATE_BYTES // 2**20} MiB; not a sandbox state file")
            data = json.loads(text)
        except RecursionError:
            data = _TOO_DEEP  # nested past the parser's recursion: refused below
        except (OSError, ValueError) as exc:
            raise _unloadable(path, str(exc)) from None
        _check_state(path, data)
        try:
            for p in data.get("profiles", []):
                self.profiles[p["id"]] = p
            for k in ("short_codes", "alphanumeric_sender_ids"):
                self.related[k] = [dict(x) for x in data.get(k, [])]
            self.autoresp = [dict(x) for x in data.get("autoresp_configs", [])]
            self.orders = {o["order_id"]: dict(o) for o in data.get("bulk_updates", [])}
            self.metrics = [dict(x) for x in data.get("metrics", [])]
            self.sendpath = {k: [dict(x) for x in data.get(k, [])] for k in SENDPATH}
            numbers = data.get("phone_numbers", [])
            if not isinstance(numbers, list):
                raise TypeError("phone_numbers must be a list")
            return numbers
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise _unloadable(path, str(exc)) from None

    def number(self, ref: str) -> dict[str, Any] | None:
        """A phone number by its id or by its +E.164 number."""
        return next((n for n in self.related["phone_numbers"] if ref in (n["id"], n["phone_number"])), None)

    def save(self) -> None:
        """Mark the state changed: the writer thread writes it soon (see the module docstring)."""
        if not self.path or self._closed:
            return
        with self.lock:
            self._saved += 1
        self._dirty.set()
        if self._writer is None:
            with self._write_lock:
                if self._writer is None:
                    self._writer = threading.Thread(target=self._write_soon, name="msgprof-state", daemon=True)
                    self._writer.start()
                    # a process that ends without stop() (Ctrl-C before serving began) still writes
                    atexit.register(_close_at_exit, weakref.ref(self))

    def close(self, *, write: bool = True) -> None:
        """Write what is not written yet, stop the writer and give the file up to the next sandbox."""
        if self._closed:
            return
        self._closed = True
        self._stopping.set()
        self._dirty.set()  # wakes the writer, which sees closed and stops
        if self._writer is not None:
            self._writer.join(timeout=30)
        if write and self.path and self._owner is not None and self._written != self._saved:
            self._write()  # only what changed: a file nobody changed is left as its owner wrote it
        if self._owner is not None:
            self._owner.release()
            self._owner = None

    def _write_soon(self) -> None:
        interval = FLUSH_INTERVAL
        while True:
            self._dirty.wait()
            if self._closed:
                return
            if self._stopping.wait(interval):  # changes within the interval are written together
                return
            took = self._write()
            interval = max(FLUSH_INTERVAL, 10 * took)  # writing takes at most a tenth of the time

    def _write(self) -> float:
        """Write the whole state atomically; the seconds it took."""
        start = time.monotonic()
        with self._write_lock:
            with self.lock:  # a consistent snapshot: encoded while no request changes it
                self._dirty.clear()
                text, version = self._encode(), self._saved
            _replace(str(self.path), text)
            if self._owner is not None:
                self._owner.hold_inode(refuse=False)  # the new inode is this sandbox's too
            self._written = version
        return time.monotonic() - start

    def _encode(self) -> str:
        # One record a line, each encoded by json's C encoder (indent= would use the pure-Python
        # one, about 4 times slower): readable, diffable, and cheap at 10,000 records.
        sections = {
            "profiles": list(self.profiles.values()),
            **self.related,
            "autoresp_configs": self.autoresp,
            "bulk_updates": list(self.orders.values()),
            "metrics": self.metrics,
            **self.sendpath,
        }
        parts = []
        for key, records in sections.items():
            body = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in records)
            parts.append(f" {json.dumps(key)}: [" + (f"\n  {body}\n ]" if records else "]"))
        return "{\n" + ",\n".join(parts) + "\n}\n"


_TOO_DEEP = object()


def _close_at_exit(ref: weakref.ReferenceType[State]) -> None:
    state = ref()
    if state is not None:
        state.close()


MAX_STATE_BYTES = 256 * 2**20


def _regular_or_new(path: str) -> None:
    """A state file is a regular file (or a new name): a device or a FIFO would be read forever."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _unloadable(path, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(mode):
        raise InvalidInput(
            f"sandbox state file {path}: not a regular file (a device, a FIFO or a folder); it was left as it is",
            hint="give --state a file the sandbox wrote, or a new name",
        )


def _unloadable(path: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"sandbox state file {path}: cannot be loaded ({why[:200]})",
        hint="fix it, or move it away to start with an empty sandbox",
    )


def _check_state(path: str, data: Any) -> None:
    """A sandbox state file, or refused (and so never replaced): see the module docstring."""
    if data is _TOO_DEEP or _deeper_than(data, MAX_STATE_DEPTH):
        raise InvalidInput(
            f"sandbox state file {path}: nested more than {MAX_STATE_DEPTH} levels deep; not a sandbox state file",
            hint="give --state a file the sandbox wrote, or a new name",
        )
    if not isinstance(data, dict) or not set(data) <= KEYS:
        found = "a JSON object" if isinstance(data, dict) else f"a JSON {type(data).__name__}"
        extra = sorted(str(k)[:40] for k in data if k not in KEYS)[:5] if isinstance(data, dict) else []
        why = f" with the keys {', '.join(extra)}" if extra else ""
        raise InvalidInput(
            f"sandbox state file {path}: {found}{why} is not a sandbox state file; it was left as it is",
            hint=f"give --state a file the sandbox wrote (keys: {', '.join(sorted(KEYS))}), or a new name",
        )


def _deeper_than(value: Any, limit: int) -> bool:
    """Iteratively: a recursive walk is what a deeply nested file would break."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _lock_path(path: str) -> str:
    target = os.path.realpath(path)  # a link and its target are one file: one lock
    return os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.lock")


class _Lock:
    """What one sandbox holds so that its state file has one writer (``flock``, advisory).

    Two locks, because a file has two kinds of name:

    * ``.NAME.lock`` beside the file (its symlinks resolved), for a file that does not exist yet.
      It is opened without following a link (``O_NOFOLLOW``) and must be a regular file of its
      own (one link): a planted symlink or hard link is refused and its target left intact.
    * the state file itself, keyed by its device and inode (which is what ``flock`` locks), so a
      hard link to it is the same lock.  Each atomic write makes a new inode: it is locked in
      turn, and an older one is kept locked for as long as another name (a hard link) still
      reaches it.
    """

    def __init__(self, path: str, fd: int, name: str) -> None:
        self.path, self.fd, self.name = path, fd, name
        self.inodes: list[int] = []  # fds of the state file's inodes this sandbox keeps locked

    def hold_inode(self, *, refuse: bool) -> None:
        """Lock the inode the state file's name reaches now; ``refuse``: another holder is exit 2."""
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return  # not written yet: the lock file covers the name
        except OSError as exc:
            if refuse:
                raise _unloadable(self.path, exc.strerror or str(exc)) from None
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if refuse:
                raise UsageError(
                    f"--state {self.path}: another sandbox is using this file under another name (a hard "
                    "link to it); one state file has one writer",
                    hint="stop that sandbox, or give this one another --state file",
                ) from None
            return
        kept = []
        for old in self.inodes:  # an inode no name reaches any more needs no lock
            if os.fstat(old).st_nlink > 0 and not os.path.sameopenfile(old, fd):
                kept.append(old)
            else:
                os.close(old)
        self.inodes = [*kept, fd]

    def release(self) -> None:
        try:
            if os.path.samestat(os.fstat(self.fd), os.stat(self.name, follow_symlinks=False)):
                os.unlink(self.name)  # removed while still held: the next sandbox makes a new one
        except OSError:
            pass
        for fd in [self.fd, *self.inodes]:
            os.close(fd)
        self.inodes = []


def _take(path: str) -> _Lock | None:
    """Hold the state file's lock, or refuse (exit 2): another sandbox is its writer, or the lock
    file is not a file of its own."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one writer is then the user's care
        return None
    name = _lock_path(path)
    while True:
        fd = _open_lock(path, name)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise UsageError(
                f"--state {path}: another sandbox{f' (pid {holder})' if holder.isdigit() else ''} "
                "is using this file; one state file has one writer",
                hint="stop that sandbox, or give this one another --state file",
            ) from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(name, follow_symlinks=False))
        except OSError:
            same = False
        if not same:  # a lock file its last holder removed between our open and our flock
            os.close(fd)
            continue
        lock = _Lock(path, fd, name)
        try:
            lock.hold_inode(refuse=True)
        except BaseException:
            lock.release()
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return lock


def _open_lock(path: str, name: str) -> int:
    """The lock file, never through a link, and only a regular file of its own (one link)."""
    import errno
    import stat

    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symlink where the lock file goes: never followed
            raise _not_a_lock(path, name, "a symbolic link") from None
        raise UsageError(f"--state {path}: cannot make its lock file {name} ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        kind = "a hard link to another file" if stat.S_ISREG(info.st_mode) else "not a regular file"
        raise _not_a_lock(path, name, kind)
    return fd


def _not_a_lock(path: str, name: str, kind: str) -> UsageError:
    return UsageError(
        f"--state {path}: its lock file {name} is {kind}, not a lock file of its own; it was left as it is",
        hint=f"remove {name} if no sandbox uses this state file, then start again",
    )


def _replace(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically: readers see the old file or the new one, never half."""
    target = os.path.realpath(path)  # a symlink stays a link: its target is what is replaced
    directory = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(prefix=".sandbox-state-", dir=directory)
    try:
        if os.path.exists(target):  # the file keeps the permissions its owner gave it
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
