"""Every write of every resource, described once, as a value; and each resource's identity beside it.

A ``Request`` is a method, a path from the one path builder (``paths.path``) and a body.  The
real run sends these values (``TelnyxClient.send``, and ``create``/``create_once`` for a POST
that creates), and every ``--dry-run`` prints the values the same functions build, with a
``Pending`` segment (``<id of 'Support'>``) where the run would look an id up first.  So a preview
cannot differ from the run: an id the run refuses (``..``) is refused by the preview too, with
the same message and exit 5, and an id is encoded the same way in both.

Per resource (a class of static functions, so ``AutoResps.delete(profile, config)`` reads as what
it sends):

* its writes: each a function from ids and a body to a ``Request``;
* its identity: ``key`` (which live record a wanted one is), ``same`` (the ONE equality rule:
  the plan's "unchanged", the create protocol's "ours" and "already there" all use it) and
  ``differences`` (what a plan shows).

Adding a resource (the 10DLC campaign assignment, say) is one more class here, its typed record
in ``records``, and its operations in ``client``/``setup``: the guarantees (one path builder,
previews equal runs, one create protocol) then hold for it as written.

This module imports neither ``requests`` nor ``rich`` nor the document layer: dry runs stay
offline and light.  What a wanted auto-response is, is a Protocol (``WantedAutoResp``) that
``document.setup_rules.Autoresp`` fulfils.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple, Protocol

from msgprof_cli.api.paths import ApiPath, Id, Pending, awaiting, path, segment

JSON = dict[str, Any]
Method = Literal["GET", "POST", "PATCH", "PUT", "DELETE"]
Ref = str | Pending  # an id, or (in a preview) the placeholder for one not known yet


class Request(NamedTuple):
    """One request, as sent and as previewed.  A NamedTuple: frozen, compared by value, and
    unpacked as ``(method, path, body)`` by the one preview (``cli.common.preview``)."""

    method: Method
    path: ApiPath
    body: JSON | None = None


def _id(value: Ref, what: str) -> Id | Pending:
    return value if isinstance(value, Pending) else Id(value, what)


def _shown(value: Ref) -> str:
    """An id as a body carries it: a Pending id is its placeholder text."""
    return str(value)


def _write(method: Method, where: ApiPath, body: JSON | None, *ids: Ref) -> Request:
    """A request whose body carries a Pending id is a preview's too: never sent."""
    if any(isinstance(i, Pending) for i in ids):
        where = awaiting(where)
    return Request(method, where, body)


# --------------------------------------------------------------------------- profiles


class Profiles:
    noun = "profile"

    @staticmethod
    def create(body: JSON) -> Request:
        return Request("POST", path("messaging_profiles"), body)

    @staticmethod
    def update(profile: Ref, body: JSON) -> Request:
        return Request("PATCH", path("messaging_profiles", _id(profile, "profile")), body)

    @staticmethod
    def delete(profile: Ref) -> Request:
        return Request("DELETE", path("messaging_profiles", _id(profile, "profile")))

    @staticmethod
    def regenerate_secret(profile: Ref) -> Request:
        return Request("POST", path("messaging_profiles", _id(profile, "profile"), "actions", "regenerate_secret"))


# --------------------------------------------------------------------------- alphanumeric sender IDs


class SenderIds:
    """A sender ID is known by its text on a profile; the API cannot change one (remove, then add)."""

    noun = "sender ID"

    @staticmethod
    def key(have: Mapping[str, Any]) -> str:
        return str(have.get("alphanumeric_sender_id"))

    @staticmethod
    def same(sender_id: str, fallback: str | None, have: Mapping[str, Any], *, any_fallback: bool = False) -> bool:
        """The one equality rule: the same text, and the same ``us_long_code_fallback`` (absent,
        null and "" are all "unset").  ``any_fallback``: the fallback was not asked for (``sender-ids
        add X`` without ``--us-long-code-fallback``), so whatever is live is taken as it is."""
        if have.get("alphanumeric_sender_id") != sender_id:
            return False
        return any_fallback or (have.get("us_long_code_fallback") or None) == (fallback or None)

    @staticmethod
    def differences(fallback: str | None, have: Mapping[str, Any]) -> list[str]:
        old = have.get("us_long_code_fallback") or None
        if old == (fallback or None):
            return []
        return [f"us_long_code_fallback {old or 'unset'} -> {fallback or 'unset'}"]

    @staticmethod
    def body(profile: Ref, sender_id: str, fallback: str | None) -> JSON:
        out: JSON = {"alphanumeric_sender_id": sender_id, "messaging_profile_id": _shown(profile)}
        if fallback is not None:
            out["us_long_code_fallback"] = fallback
        return out

    @staticmethod
    def add(profile: Ref, sender_id: str, fallback: str | None) -> Request:
        return _write("POST", path("alphanumeric_sender_ids"), SenderIds.body(profile, sender_id, fallback), profile)

    @staticmethod
    def remove(record: Ref) -> Request:
        return Request("DELETE", path("alphanumeric_sender_ids", _id(record, "sender ID")))


# --------------------------------------------------------------------------- auto-responses


class WantedAutoResp(Protocol):
    """An auto-response as a document or the flags ask for it (``setup_rules.Autoresp``)."""

    @property
    def op(self) -> str: ...
    @property
    def country_code(self) -> str: ...
    @property
    def keywords(self) -> list[str]: ...
    @property
    def resp_text(self) -> str | None: ...
    def payload(self) -> JSON: ...


class AutoResps:
    """An auto-response is known by its country and op on a profile; its keywords and text change."""

    noun = "auto-response"

    @staticmethod
    def key(have: Mapping[str, Any]) -> tuple[str, str]:
        return (str(have.get("country_code")), str(have.get("op")))

    @staticmethod
    def same(want: WantedAutoResp, have: Mapping[str, Any]) -> bool:
        """The one equality rule: the same key, the same keywords in any order, and the same text
        when one is asked for (a text left out keeps what is live)."""
        return AutoResps.key(have) == (want.country_code, want.op) and not AutoResps.differences(want, have)

    @staticmethod
    def differences(want: WantedAutoResp, have: Mapping[str, Any]) -> list[str]:
        """What would change besides the key (which names the record), as a plan shows it."""
        parts = []
        live = list(have.get("keywords") or [])
        if sorted(live) != sorted(want.keywords):
            parts.append(f"keywords {', '.join(live)} -> {', '.join(want.keywords)}")
        if want.resp_text is not None and (have.get("resp_text") or "") != want.resp_text:
            parts.append(f"text {have.get('resp_text')!r} -> {want.resp_text!r}")
        return parts

    @staticmethod
    def put_body(want: WantedAutoResp, have: Mapping[str, Any]) -> JSON:
        """The API's update is a PUT of the whole config: a text the want leaves out stays live."""
        body = want.payload()
        if want.resp_text is None and have.get("resp_text") is not None:
            body["resp_text"] = have["resp_text"]
        return body

    @staticmethod
    def create(profile: Ref, body: JSON) -> Request:
        return Request("POST", path("messaging_profiles", _id(profile, "profile"), "autoresp_configs"), body)

    @staticmethod
    def replace(profile: Ref, config: Ref, body: JSON) -> Request:
        where = path("messaging_profiles", _id(profile, "profile"), "autoresp_configs", _id(config, "auto-response"))
        return Request("PUT", where, body)

    @staticmethod
    def delete(profile: Ref, config: Ref) -> Request:
        where = path("messaging_profiles", _id(profile, "profile"), "autoresp_configs", _id(config, "auto-response"))
        return Request("DELETE", where)


# --------------------------------------------------------------------------- phone numbers


BULK_THRESHOLD = 5  # up to this many numbers: one PATCH each; more: bulk orders
BULK_MAX = 5000  # numbers per bulk order: the API's per-order size (the sandbox refuses more)


class Numbers:
    """A number is assigned by a PATCH of its messaging settings, or (many at once) by bulk orders;
    ``""`` as the profile takes numbers off their profile."""

    noun = "phone number"

    @staticmethod
    def by_patch(count: int) -> bool:
        """Whether this many numbers go one PATCH each (else: bulk orders)."""
        return count <= BULK_THRESHOLD

    @staticmethod
    def orders(numbers: Sequence[str]) -> list[list[str]]:
        """The numbers of each bulk order: at most ``BULK_MAX`` each, in order."""
        return [list(numbers[i : i + BULK_MAX]) for i in range(0, len(numbers), BULK_MAX)]

    @staticmethod
    def assign(number: Ref, profile: Ref) -> Request:
        where = path("phone_numbers", _id(number, "phone number"), "messaging")
        return _write("PATCH", where, {"messaging_profile_id": _shown(profile)}, profile)

    @staticmethod
    def bulk(profile: Ref, numbers: Sequence[str]) -> Request:
        body = {"messaging_profile_id": _shown(profile), "numbers": list(numbers)}
        return _write("POST", path("messaging_numbers_bulk_updates"), body, profile)

    @staticmethod
    def set_profile(profile: Ref, numbers: Sequence[str], ids: Mapping[str, Ref]) -> list[Request]:
        """Every write that puts these numbers on ``profile`` (``""``: on none), as the run sends
        them: a PATCH each up to ``BULK_THRESHOLD``, else one order per ``BULK_MAX``."""
        if Numbers.by_patch(len(numbers)):
            return [Numbers.assign(ids[n], profile) for n in numbers]
        return [Numbers.bulk(profile, chunk) for chunk in Numbers.orders(numbers)]


# --------------------------------------------------------------------------- 10DLC campaign assignments


class Campaigns:
    """A number's 10DLC campaign assignment (telnyx-send-path.openapi.yaml, PhoneNumberCampaign):
    known by its phone number (one assignment a number); assigned by a POST (a create: it goes
    through the one create protocol), moved to another campaign by a PUT of the same body, removed
    by a DELETE.  The assignment is asynchronous: ``assignmentStatus`` is PENDING_ASSIGNMENT until
    the campaign's carriers take it."""

    noun = "campaign assignment"
    PENDING = "PENDING_ASSIGNMENT"
    FAILED = "FAILED_ASSIGNMENT"

    @staticmethod
    def key(have: Mapping[str, Any]) -> str:
        return str(have.get("phoneNumber"))

    @staticmethod
    def same(campaign_id: str, have: Mapping[str, Any]) -> bool:
        """The one equality rule: the assignment names this campaign.  The spec's ``campaignId`` is
        "for shared campaigns, the TCR campaign ID, otherwise the campaign ID", so either id of the
        record is the same campaign."""
        return campaign_id in {have.get("campaignId"), have.get("telnyxCampaignId"), have.get("tcrCampaignId")}

    @staticmethod
    def differences(campaign_id: str, have: Mapping[str, Any]) -> list[str]:
        if Campaigns.same(campaign_id, have):
            return []
        return [f"campaign {have.get('campaignId')} -> {campaign_id}"]

    @staticmethod
    def body(number: str, campaign_id: str) -> JSON:
        return {"phoneNumber": number, "campaignId": campaign_id}  # PhoneNumberCampaignCreate

    @staticmethod
    def assign(number: str, campaign_id: str) -> Request:
        segment(number, "phone number")  # refused (exit 5) before it is put in a body, as in a path
        return Request("POST", path("10dlc", "phone_number_campaigns"), Campaigns.body(number, campaign_id))

    @staticmethod
    def reassign(number: str, campaign_id: str) -> Request:
        where = path("10dlc", "phone_number_campaigns", Id(number, "phone number"))
        return Request("PUT", where, Campaigns.body(number, campaign_id))

    @staticmethod
    def remove(number: str) -> Request:
        return Request("DELETE", path("10dlc", "phone_number_campaigns", Id(number, "phone number")))
