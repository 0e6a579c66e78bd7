"""Typed records: the API's answers parsed once, at the boundary, into the shapes the engines use.

Every object the transport returns passes ``check_ids`` (``client._object_data``/``_list_data``):
``id`` is a string, and any other ``*_id`` field is a string or null.  The setup operations
(``client.SetupOperations``) then parse each answer with the functions below, which check each
field the engines read and fill the fields the API may leave out with their documented defaults
(a missing ``us_long_code_fallback`` is null, a missing ``keywords`` is ``[]``).  Anything else is
``UnexpectedRecord`` (exit 5) saying which record and field, never a ``KeyError`` or a
``TypeError`` (exit 1) later.

A record keeps the fields it does not check (``--json`` shows what the API answered); the typed
fields are the ones the engines may rely on.  A profile stays a ``dict``: it is checked here
(``check_ids``), and ``document/`` compares its fields with the rules' own type checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, TypeVar, cast

from msgprof_cli.api.paths import json_type, shown
from msgprof_cli.errors import UnexpectedRecord


class NumberSettings(TypedDict, total=False):
    """A phone number's messaging settings (``/phone_numbers/messaging``)."""

    id: str
    phone_number: str
    messaging_profile_id: str | None
    # Read by doctor as the API answers them; not checked here (a missing one is "unknown" there).
    type: Any
    features: Any
    health: Any
    eligible_messaging_products: Any
    country_code: Any


class SenderId(TypedDict, total=False):
    id: str
    alphanumeric_sender_id: str
    messaging_profile_id: str | None
    us_long_code_fallback: str | None


class AutoResp(TypedDict, total=False):
    id: str
    op: str
    country_code: str
    keywords: list[str]
    resp_text: str | None


class BulkOrder(TypedDict):
    order_id: str
    success: list[str]
    pending: list[str]
    failed: list[str]


def check_ids(record: Mapping[str, Any], where: str) -> None:
    """``id`` a string; every other ``*_id`` a string or null (a profile's id fields included)."""
    for key, value in record.items():
        if key == "id" and not isinstance(value, str):
            raise _bad(where, key, value, "a string")
        if key.endswith("_id") and value is not None and not isinstance(value, str):
            raise _bad(where, key, value, "a string or null")


def number_settings(raw: Mapping[str, Any]) -> NumberSettings:
    out = _base(raw, "phone number", ("id", "phone_number"))
    _optional_str(out, "phone number", "messaging_profile_id")
    return cast(NumberSettings, out)


def sender_id(raw: Mapping[str, Any]) -> SenderId:
    out = _base(raw, "sender ID", ("id", "alphanumeric_sender_id"))
    for key in ("messaging_profile_id", "us_long_code_fallback"):
        _optional_str(out, "sender ID", key)
    return cast(SenderId, out)


def autoresp(raw: Mapping[str, Any]) -> AutoResp:
    out = _base(raw, "auto-response", ("id", "op", "country_code"))
    out["keywords"] = _strings(out.get("keywords"), "auto-response", "keywords", out)
    _optional_str(out, "auto-response", "resp_text")
    return cast(AutoResp, out)


Owned = TypeVar("Owned", bound=Mapping[str, Any])


def of_profile(
    listed: list[Owned], profile_id: str | None, what: str, key: str, *, stated: bool = False
) -> list[Owned]:
    """The records of a list filtered by ``filter[messaging_profile_id]``, each checked to be the
    profile's: a server (or proxy) that ignores the filter answers other profiles' records, and
    acting on one (deleting "its" sender ID, reporting "its" numbers) would touch another profile.
    One that is not the profile's is ``UnexpectedRecord`` (exit 5), naming it: nothing is done.
    ``stated``: only a record that states a ``messaging_profile_id`` is checked (a list under the
    profile's own path, whose records may leave it out)."""
    if profile_id is None:
        return listed
    for record in listed:
        if stated and "messaging_profile_id" not in record:
            continue
        owner = record.get("messaging_profile_id")
        if owner != profile_id:
            raise UnexpectedRecord(
                f"asked for the {what}s of profile {profile_id}, the API answered {what} "
                f"{shown(record.get(key))} (id {shown(record.get('id'))}) of "
                f"{'profile ' + shown(owner) if owner else 'no profile'}: msgprof acts on no record "
                "listed for another profile"
            )
    return listed


def of_number(record: Owned, number: str, what: str, key: str = "phoneNumber") -> Owned:
    """A record read (or written) for one phone number, checked to be that number's: a server
    (or proxy, or cache) that answers another number's record would have msgprof act on a number
    nobody asked about (take it off its campaign, report its assignment as this one's).  One of
    another number is ``UnexpectedRecord`` (exit 5), naming both: nothing is done with it."""
    answered = record.get(key)
    if answered != number:
        raise UnexpectedRecord(
            f"asked for the {what} of {number}, the API answered the {what} of {shown(answered)}: "
            "msgprof acts on no record of another number"
        )
    return record


def bulk_order(raw: Mapping[str, Any], known_id: str = "") -> BulkOrder:
    """An order's state; an answer without ``order_id`` keeps the id the order was sent with."""
    order_id = raw.get("order_id", known_id) or known_id
    if not isinstance(order_id, str):
        raise _bad("bulk order", "order_id", order_id, "a string")
    return BulkOrder(
        order_id=order_id,
        success=_strings(raw.get("success"), "bulk order", "success", raw),
        pending=_strings(raw.get("pending"), "bulk order", "pending", raw),
        failed=_strings(raw.get("failed"), "bulk order", "failed", raw),
    )


def _base(raw: Mapping[str, Any], what: str, required: tuple[str, ...]) -> dict[str, Any]:
    out = dict(raw)
    check_ids(out, what)
    for key in required:
        value = out.get(key)
        if not isinstance(value, str):
            raise _bad(_named(what, out), key, value, "a string")
    return out


def _optional_str(out: dict[str, Any], what: str, key: str) -> None:
    value = out.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(_named(what, out), key, value, "a string or null")
    out[key] = value or None  # absent, null and "" all mean "not set"


def _strings(value: Any, what: str, key: str, record: Mapping[str, Any]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(_named(what, record), key, value, "a list of strings")
    return list(value)


def _named(what: str, record: Mapping[str, Any]) -> str:
    rid = record.get("id")
    return f"{what} {shown(rid)}" if isinstance(rid, str) else what


def _bad(where: str, key: str, value: Any, expected: str) -> UnexpectedRecord:
    return UnexpectedRecord(
        f"the API answered with a {where} whose {key} is {shown(value)} (a JSON {json_type(value)}), not {expected}",
        hint="msgprof does not use a record it cannot read; check --base-url, or report it to the API's owner",
    )
