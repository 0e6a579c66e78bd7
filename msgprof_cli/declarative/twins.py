"""Twins: live profiles that share a name, and the only ones msgprof may delete.

Profiles are matched by name, and Telnyx allows two profiles with one name.  Two ``apply`` runs
at the same time (two pipelines on main) both see a name missing and both create it.  This module
holds the rules that make such runs converge without ever deleting something a person made:

- A twin is *accidental* when every field the document gives is equal on it (the same test as
  ``plan`` "unchanged") and nothing is attached to it: no phone numbers, short codes,
  alphanumeric sender IDs or auto-responses.  ``--resolve-twins`` deletes a twin only when it is
  accidental *and* equal to the profile kept on every other field the API returns (all but
  ``PER_PROFILE``, what the API makes per profile: id, times, the v1 secret), so a twin with a
  person's webhook is never "nothing attached".  Both are checked again right before the DELETE.
- After a concurrent run, the question is whether *this run's* copy is accidental (it has
  nothing yet: setup runs after), not the keeper: the keeper may already hold the numbers the
  other run assigned, and this run's setup then finds them there.
- The *keeper* of a name is the oldest profile (``created_at``, then ``id``): every run computes
  the same keeper from the same list, so two runs never delete each other's copy.
- After its creates, ``apply`` lists the profiles once more.  A profile this run created that
  has an older accidental twin is this run's duplicate: it is deleted, and the item reports the
  keeper.  This costs one list per run that created something, never a request per create.
- Twins that were already there (an older run, a crash between create and check) are resolved
  only when asked (``apply --resolve-twins``), and ``plan --resolve-twins`` shows each deletion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

ATTACHMENTS = ("phone_numbers", "short_codes", "alphanumeric_sender_ids", "autoresp_configs")
PER_PROFILE = frozenset({"id", "created_at", "updated_at", "v1_secret", "record_type"})  # the API makes these


class _Page(Protocol):
    @property
    def data(self) -> list[dict[str, Any]]: ...  # read-only: the client's Page is frozen


class TwinClient(Protocol):
    def list_related(self, profile_id: str, what: str, *, page_number: int = 1, page_size: int = 20) -> _Page: ...


Differ = Callable[[dict[str, Any], dict[str, Any]], Sequence[object]]


def keeper_key(profile: dict[str, Any]) -> tuple[str, str]:
    return (str(profile.get("created_at") or ""), str(profile.get("id") or ""))


def has_attachments(client: TwinClient, profile_id: str) -> bool:
    for what in ATTACHMENTS:
        if client.list_related(profile_id, what, page_size=1).data:
            return True
    return False


def is_accidental(client: TwinClient, desired: dict[str, Any], profile: dict[str, Any], differ: Differ) -> bool:
    """Equal to the document in every field it gives, and nothing attached."""
    return not differ(desired, profile) and not has_attachments(client, str(profile.get("id")))


def same_fields(a: dict[str, Any], b: dict[str, Any], given: Iterable[str] = ()) -> bool:
    """Equal on every field the API returns but the ones it makes per profile and the ones the
    document gives (compared with the document itself).  An absent field and null are the same:
    the API may leave out what is not set."""
    keys = (set(a) | set(b)) - PER_PROFILE - set(given)
    return all(a.get(k) == b.get(k) for k in keys)


def deletable(
    client: TwinClient, desired: dict[str, Any], twin: dict[str, Any], keeper: dict[str, Any], differ: Differ
) -> bool:
    """What --resolve-twins may delete: accidental, and a copy of the keeper on every field."""
    return same_fields(twin, keeper, desired) and is_accidental(client, desired, twin, differ)


def split(
    client: TwinClient, desired: dict[str, Any], matches: list[dict[str, Any]], differ: Differ
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The profile to keep and the accidental twins to delete, or None when that can't be proven.

    The keeper is the one twin that is not accidental, if there is exactly one (it carries
    something a person made: a difference or an attachment); else, when all are accidental, the
    oldest.  Two or more that are not accidental: None (msgprof never guesses).
    """
    ordered = sorted(matches, key=keeper_key)
    real = [p for p in ordered if not is_accidental(client, desired, p, differ)]
    if len(real) > 1:
        return None
    keeper = real[0] if real else ordered[0]
    extra = [p for p in ordered if p is not keeper]
    if not all(same_fields(p, keeper, desired) for p in extra):
        return None  # a twin that differs from the keeper in a field the document leaves out
    return keeper, extra


def duplicate_of(created_id: str, matches: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The keeper when the profile this run created is not it (it is then our duplicate)."""
    if len(matches) < 2:
        return None
    keeper = min(matches, key=keeper_key)
    return None if str(keeper.get("id")) == created_id else keeper
