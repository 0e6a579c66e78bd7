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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from msgprof_cli.errors import InvalidInput

RELATED = ("phone_numbers", "short_codes", "alphanumeric_sender_ids")
ORGANIZATION_ID = "9f2d3c52-1c6e-4a52-9d47-0b6c3f7a1e00"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
TOLL_FREE_NPA = {"800", "833", "844", "855", "866", "877", "888"}
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
    toll_free = number.startswith("+1") and number[2:5] in TOLL_FREE_NPA
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
        self.profiles: dict[str, dict[str, Any]] = {}
        self.related: dict[str, list[dict[str, Any]]] = {k: [] for k in RELATED}
        self.autoresp: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.metrics: list[dict[str, Any]] = []
        self.order_polls = 2  # GETs a bulk order takes to finish (see numbers.py)
        inventory: Iterable[Any] = DEMO_NUMBERS
        if path and os.path.exists(path):
            inventory = self._load(path)
        try:
            self.related["phone_numbers"] = [number_record(n) for n in (numbers if numbers is not None else inventory)]
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"sandbox phone numbers: {exc}", hint="see the README's sandbox section") from None

    def _load(self, path: str) -> list[Any]:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            for p in data.get("profiles", []):
                self.profiles[p["id"]] = p
            for k in ("short_codes", "alphanumeric_sender_ids"):
                self.related[k] = [dict(x) for x in data.get(k, [])]
            self.autoresp = [dict(x) for x in data.get("autoresp_configs", [])]
            self.orders = {o["order_id"]: dict(o) for o in data.get("bulk_updates", [])}
            self.metrics = [dict(x) for x in data.get("metrics", [])]
            numbers = data.get("phone_numbers", [])
            if not isinstance(numbers, list):
                raise TypeError("phone_numbers must be a list")
            return numbers
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidInput(
                f"sandbox state file {path}: cannot be loaded ({exc})",
                hint="fix it, or move it away to start with an empty sandbox",
            ) from None

    def number(self, ref: str) -> dict[str, Any] | None:
        """A phone number by its id or by its +E.164 number."""
        return next((n for n in self.related["phone_numbers"] if ref in (n["id"], n["phone_number"])), None)

    def save(self) -> None:
        if not self.path:
            return
        data = {
            "profiles": list(self.profiles.values()),
            **self.related,
            "autoresp_configs": self.autoresp,
            "bulk_updates": list(self.orders.values()),
            "metrics": self.metrics,
        }
        target = os.path.realpath(self.path)  # a symlink stays a link: its target is what is replaced
        directory = os.path.dirname(target)
        fd, tmp = tempfile.mkstemp(prefix=".sandbox-state-", dir=directory)
        try:
            if os.path.exists(target):  # the file keeps the permissions its owner gave it
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)  # atomic: readers see the old file or the new one, never half
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
