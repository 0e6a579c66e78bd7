"""The account's inventory, read once per run: profiles, phone numbers, sender IDs.

``plan``, ``apply`` and ``export`` read what they need here, in as few round trips as the page
size allows (250 a page), instead of one look-up per profile: the cost of a run grows with the
pages of the account, not with the number of profiles in the documents.

* The listings a run needs run side by side (the profiles, and the account's numbers and sender
  IDs only when a document has that section), and each listing's pages after the first run side
  by side too (the client's pager).  A listing that fails raises: nothing is planned from half an
  account.
* Auto-responses have per-profile endpoints only: ``autoresp_of`` reads them for the profiles
  asked (those whose document has the section), in parallel.
* Nothing is de-duplicated: a profile listed on two pages is two profiles, so a name held twice is
  still found ambiguous by the plan.

Transport and paging are the client's; this module only decides what is listed, and indexes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the types only: the client (and requests) load when a command needs them
    from msgprof_cli.api.client import TelnyxClient
    from msgprof_cli.api.records import AutoResp, NumberSettings, SenderId

JSON = dict[str, Any]
AUTORESP_WORKERS = 8  # per-profile auto-response reads side by side (bounded by the client's pool)


@dataclass
class Inventory:
    """What one run knows of the account; ``None`` for a listing it did not need."""

    profiles: list[JSON]
    numbers: list[NumberSettings] | None = None
    sender_ids: list[SenderId] | None = None
    autoresp: dict[str, list[AutoResp]] = field(default_factory=dict)
    campaigns: list[JSON] | None = None  # the 10DLC assignments (api.campaigns.read_all), when a document names one
    _by_number: tuple[int, dict[str, NumberSettings]] | None = field(default=None, repr=False)
    _names: dict[str, str] | None = field(default=None, repr=False)
    _groups: dict[str, tuple[int, dict[str, list[Any]]]] = field(default_factory=dict, repr=False)

    def by_name(self) -> dict[str, list[JSON]]:
        """Live profiles by name, in listing order (a name held twice keeps both)."""
        out: dict[str, list[JSON]] = {}
        for p in self.profiles:
            out.setdefault(str(p.get("name")), []).append(p)
        return out

    def name_of(self, profile_id: str) -> str:
        if self._names is None:
            self._names = {str(p.get("id")): str(p.get("name")) for p in self.profiles}
        return self._names.get(profile_id, "?")

    def numbers_by_number(self) -> dict[str, NumberSettings]:
        numbers = self.numbers or []
        if self._by_number is None or self._by_number[0] != id(numbers):
            self._by_number = (id(numbers), {str(r.get("phone_number")): r for r in numbers})
        return self._by_number[1]

    def look_up(self, numbers: Iterable[str]) -> dict[str, NumberSettings]:
        """The account's records of these numbers, by number (absent: not in the account)."""
        known = self.numbers_by_number()
        return {n: known[n] for n in numbers if n in known}

    def numbers_of(self, profile_id: str) -> list[NumberSettings]:
        return _grouped(self, "numbers").get(profile_id, [])

    def sender_ids_of(self, profile_id: str) -> list[SenderId]:
        return _grouped(self, "sender_ids").get(profile_id, [])

    def autoresp_of(self, profile_id: str) -> list[AutoResp]:
        return self.autoresp.get(profile_id, [])


def _grouped(inv: Inventory, what: str) -> dict[str, list[Any]]:
    """A listing's records by profile id, indexed once (and again if the listing was replaced)."""
    records = getattr(inv, what) or []
    cached = inv._groups.get(what)
    if cached is None or cached[0] != id(records):
        groups: dict[str, list[Any]] = {}
        for r in records:
            groups.setdefault(str(r.get("messaging_profile_id")), []).append(r)
        cached = inv._groups[what] = (id(records), groups)
    return cached[1]


def read(
    client: TelnyxClient,
    *,
    numbers: bool = False,
    sender_ids: bool = False,
    profiles: bool = True,
    on_page: Callable[[int, int], None] | None = None,
) -> Inventory:
    """List the profiles (unless the caller has them), and the numbers and sender IDs when asked,
    at once (see the module docstring)."""
    from msgprof_cli.api.client import SetupOperations

    ops = SetupOperations(client)
    jobs: dict[str, Callable[[], list[Any]]] = {}
    if profiles:
        jobs["profiles"] = lambda: list(client.iter_messaging_profiles(page_size=250, on_page=on_page))
    if numbers:
        jobs["numbers"] = ops.list_phone_numbers_with_messaging_settings
    if sender_ids:
        jobs["sender_ids"] = ops.list_alphanumeric_sender_ids
    found = _side_by_side(jobs)
    return Inventory(found.get("profiles", []), found.get("numbers"), found.get("sender_ids"))


def read_of_profiles(client: TelnyxClient, profile_ids: Iterable[str]) -> Inventory:
    """Only these profiles' numbers and sender IDs (filtered listings, side by side): for a few
    profiles of a large account, cheaper than the account's listings."""
    from msgprof_cli.api.client import SetupOperations

    ops = SetupOperations(client)
    jobs: dict[str, Callable[[], list[Any]]] = {}
    for pid in dict.fromkeys(profile_ids):
        jobs[f"numbers {pid}"] = _numbers_job(ops, pid)
        jobs[f"sender_ids {pid}"] = _sender_ids_job(ops, pid)
    found = _side_by_side(jobs, AUTORESP_WORKERS)
    numbers = [r for k, records in found.items() if k.startswith("numbers ") for r in records]
    senders = [r for k, records in found.items() if k.startswith("sender_ids ") for r in records]
    return Inventory([], numbers, senders)


def _numbers_job(ops: Any, pid: str) -> Callable[[], list[Any]]:
    return lambda: list(ops.list_phone_numbers_with_messaging_settings(profile_id=pid))


def _sender_ids_job(ops: Any, pid: str) -> Callable[[], list[Any]]:
    return lambda: list(ops.list_alphanumeric_sender_ids(pid))


def read_autoresp(client: TelnyxClient, inventory: Inventory, profile_ids: Iterable[str]) -> None:
    """Each profile's auto-responses into the inventory, read in parallel (one listing each)."""
    from msgprof_cli.api.client import SetupOperations

    ops = SetupOperations(client)
    wanted = [pid for pid in dict.fromkeys(profile_ids) if pid not in inventory.autoresp]
    jobs: dict[str, Callable[[], list[Any]]] = {pid: _autoresp_job(ops, pid) for pid in wanted}
    inventory.autoresp.update(_side_by_side(jobs, AUTORESP_WORKERS))


def _autoresp_job(ops: Any, pid: str) -> Callable[[], list[Any]]:
    return lambda: list(ops.get_autoresp_configs(pid))


def _side_by_side(jobs: dict[str, Callable[[], list[Any]]], workers: int | None = None) -> dict[str, list[Any]]:
    """Run the listings at once; the first that fails (in the order given) is raised."""
    if len(jobs) <= 1:
        return {k: job() for k, job in jobs.items()}
    pool = ThreadPoolExecutor(max_workers=min(workers or len(jobs), len(jobs)), thread_name_prefix="msgprof-list")
    try:
        futures = {k: pool.submit(job) for k, job in jobs.items()}
        return {k: f.result() for k, f in futures.items()}
    finally:  # on a failure or Ctrl-C, what has not started is dropped; nothing waits for the rest
        pool.shutdown(wait=False, cancel_futures=True)


def reread_numbers(client: TelnyxClient, numbers: Iterable[str], workers: int = AUTORESP_WORKERS) -> dict[str, Any]:
    """The records of these numbers as they are now, by number (absent: not in the account): one
    filtered listing per chunk of the look-up's size, the chunks side by side.  ``apply`` re-reads
    every planned number's owner here once per wave of setup writes, instead of once per profile:
    a few requests for hundreds of profiles."""
    from msgprof_cli.api.client import SetupOperations
    from msgprof_cli.api.setup import LOOKUP_CHUNK, look_up_numbers

    ops = SetupOperations(client)
    wanted = list(dict.fromkeys(numbers))
    chunks = [wanted[i : i + LOOKUP_CHUNK] for i in range(0, len(wanted), LOOKUP_CHUNK)]
    jobs: dict[str, Callable[[], list[Any]]] = {
        str(n): _look_up_job(ops, c, look_up_numbers) for n, c in enumerate(chunks)
    }
    found: dict[str, Any] = {}
    for records in _side_by_side(jobs, workers).values():
        found.update({str(r.get("phone_number")): r for r in records})
    return found


def _look_up_job(
    ops: Any, chunk: list[str], look_up: Callable[[Any, list[str]], dict[str, Any]]
) -> Callable[[], list[Any]]:
    return lambda: list(look_up(ops, chunk).values())
