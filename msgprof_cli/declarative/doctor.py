"""``doctor``: would a message from FROM to TO be refused, and what fixes it.

Each check reads facts the API already exposes: the sending number's messaging settings
(``messaging_profile_id``, ``features.sms/mms``, ``type``, ``health``,
``eligible_messaging_products``), its profile (``enabled``, ``whitelisted_destinations``,
``webhook_url``, the daily spend limit), the profile's alphanumeric sender IDs and short codes,
and the send path (``declarative/registration.py``): the destination's opt-out of the profile, a
hosted number's status, a US long code's 10DLC assignment, campaign and brand, a US or Canadian
toll-free number's verification.  Countries come from the numbering plan
(``document/numbering.py``), the countries that refuse alphanumeric senders from one table
(``document/senders.py``), what each registration state means from ``document/registration.py``.

A check is ``pass``, ``fail`` (the message would be refused: ``doctor`` exits 9), ``warn``
(it would be sent, but something is off) or ``unknown``: what msgprof cannot see (sender ID
pre-registration, an endpoint the key may not use) is never ``pass``.  A failing check may carry
a ``Fix``, which the command layer writes as a msgprof command (or, for ``say``, as the words of a
fix no command makes).  Checks that need something a failed check did not find (no number, no
profile) are left out.

Cost: one route is at most ``ROUTE_BUDGET`` (6) requests: ``--profile`` (1, when given), the
number's settings (1; a number not found: the hosted numbers, 1), the number's profile (1), the
destination's opt-outs (1), then a toll-free number's verification requests (1) or a US long
code's assignment, campaign and brand (3).  A read past the budget is not made; its check says so
(``unknown``).  ``-f`` lists the account's numbers, profiles and sender IDs once each, whatever the
number of documents, and the 10DLC assignments and toll-free requests once each when a document
has a number that needs them.

This module decides; it prints nothing, exits nothing and builds no URL (the client does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, cast

from msgprof_cli.document import numbering, senders
from msgprof_cli.document.setup_rules import number_problem, sender_id_problem
from msgprof_cli.errors import Ambiguous, InvalidInput, NotFound

if TYPE_CHECKING:  # the client (and requests) load only when a command talks to the API
    from msgprof_cli.api.client import SetupOperations, TelnyxClient
    from msgprof_cli.api.inventory import Inventory
    from msgprof_cli.api.records import NumberSettings
    from msgprof_cli.api.sendpath import SendPathOperations
    from msgprof_cli.declarative.inputs import Checked
    from msgprof_cli.declarative.registration import Registry

Status = Literal["pass", "fail", "warn", "unknown"]
FixAction = Literal["assign", "whitelist", "enable", "webhook", "spend_limit", "add_sender_id", "say"]
JSON = dict[str, Any]

# Health thresholds (the API gives ratios from 0 to 1): warn above 5 % of messages blocked as
# spam, or below 80 % delivered.  Carriers filter senders whose traffic looks like that.
SPAM_RATIO_WARN = 0.05
SUCCESS_RATIO_WARN = 0.80
TOLL_FREE = ("tollfree", "toll-free")
LONG_CODE = ("longcode", "long-code")
NANP = 1  # the calling code that the US, Canada and 20-odd countries share
PLACEHOLDER = "PROFILE"  # in a fix, when msgprof cannot know which profile the user wants
SHORT_CODE_DIGITS = (3, 8)  # a FROM of 3 to 8 digits without "+" is a short code (US ones have 5 or 6)
ROUTE_BUDGET = 6  # requests one route may cost (issue 29); checks past it say they were not read

WHERE_10DLC = "the Telnyx portal, Messaging > 10DLC (brands and campaigns)"
WHERE_TOLL_FREE = "the Telnyx portal, Messaging > Toll-free verification"
WHERE_SENDER_REGISTRATION = "Telnyx support (pre-registration differs by country)"


@dataclass(frozen=True)
class Fix:
    """What fixes a check, in msgprof's terms; the command layer writes it as a command."""

    action: FixAction
    profile: str  # a profile's name (or id when it has none), or PLACEHOLDER
    value: str = ""  # the number, the sender ID; for "say", the fix itself (no command makes it)
    countries: tuple[str, ...] = ()  # the whole whitelist the fix sets
    move: bool = False  # the number is on another profile


@dataclass(frozen=True)
class Check:
    check: str
    status: Status
    detail: str
    fix: Fix | None = None

    def to_dict(self, command: Callable[[Fix], str]) -> JSON:
        return {
            "check": self.check,
            "status": self.status,
            "detail": self.detail,
            "fix": command(self.fix) if self.fix else None,
        }


@dataclass
class Diagnosis:
    """One route (doctor --from --to), or one profile document (doctor -f)."""

    sender: str | list[str]
    to: str | list[str]
    destination_country: str | None
    checks: list[Check] = field(default_factory=list)
    profile: str | None = None  # -f: the document's profile name
    source: str | None = None  # -f: where the document is
    profile_record: JSON | None = field(default=None, repr=False)  # the route's profile, as read

    @property
    def ready(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def to_dict(self, command: Callable[[Fix], str]) -> JSON:
        """The report (text and --json draw this one dict), hidden on its way out as plan's items
        are (``secrets.shown``): every secret variable's value this run read, any length."""
        from msgprof_cli import secrets

        return cast(JSON, secrets.shown(self._whole(command)))

    def _whole(self, command: Callable[[Fix], str]) -> JSON:
        if self.source is None:  # the shape issue 23 gives, key for key
            return {
                "ready": self.ready,
                "from": self.sender,
                "to": self.to,
                "destination_country": self.destination_country,
                "checks": [c.to_dict(command) for c in self.checks],
            }
        return {
            "ready": self.ready,
            "profile": self.profile,
            "source": self.source,
            "from": self.sender,
            "to": self.to,
            "checks": [c.to_dict(command) for c in self.checks],
        }


@dataclass(frozen=True)
class Route:
    """FROM and TO as given, read: what FROM is, and both countries from the numbering plan."""

    sender: str
    kind: Literal["number", "sender_id", "short_code"]
    to: str
    destination_country: str | None
    origin_country: str | None  # a number's; None for a sender ID
    cross_nanp: bool  # both numbers are +1, in different countries (US and CA, say)
    mms: bool = False

    @property
    def channel(self) -> str:
        return "mms" if self.mms else "sms"


# --------------------------------------------------------------------------- reading FROM and TO


# GET /messages/{id} types its id as `format: uuid` (telnyx-send-path.openapi.yaml, GetMessage): an
# id of another form is refused here (exit 3), before a key is read or a request is sent, where
# the API would answer 400.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def read_message_id(text: str) -> str:
    """`--message ID` checked before any request: a UUID (InvalidInput, exit 3, otherwise)."""
    given = text.strip()
    if not _UUID.fullmatch(given):
        from msgprof_cli.document.document import quote

        raise InvalidInput(
            f"--message {quote(text)} is not a message id: a message id is a UUID",
            hint="give the message's `id` as the send request answered it, e.g. 40385f64-5717-4562-b3fc-2c963f66afa6",
        )
    return given


def read_route(sender: str, to: str, *, mms: bool = False) -> Route:
    """FROM and TO checked before any request; InvalidInput (exit 3) names every problem."""
    problems: list[str] = []
    hints: list[str] = []
    kind: Literal["number", "sender_id", "short_code"] = "number"
    origin = None
    if sender.isascii() and sender.isdigit() and SHORT_CODE_DIGITS[0] <= len(sender) <= SHORT_CODE_DIGITS[1]:
        kind = "short_code"
    elif sender.startswith("+") or (sender.isdigit() and len(sender) > 11):  # too long for a sender ID
        origin = _number(sender, "FROM", problems, hints, possible=False)
    elif sender_id_problem(sender) is None:  # the one rule validate and sender-ids add follow (all digits too)
        kind = "sender_id"
    else:
        problems.append(f"FROM {sender!r} is neither a +E.164 phone number nor an alphanumeric sender ID")
        hints.append("a phone number starts with + and its country code; a sender ID is 1-11 letters, digits or spaces")
    dest = _number(to, "TO", problems, hints, possible=True)
    if problems:
        raise InvalidInput("; ".join(problems), hint="; ".join(dict.fromkeys(hints)) or None)
    assert dest is not None
    cross = origin is not None and origin.calling_code == dest.calling_code == NANP and origin.country != dest.country
    return Route(
        sender=sender,
        kind=kind,
        to=to,
        destination_country=dest.country,
        origin_country=origin.country if origin else None,
        cross_nanp=cross,
        mms=mms,
    )


def _number(text: str, what: str, problems: list[str], hints: list[str], *, possible: bool) -> numbering.Parsed | None:
    syntax = number_problem(text)
    if syntax is not None:
        problems.append(f"{what} {syntax[0].removeprefix(repr(text) + ' ')}: {text!r}")
        if syntax[1]:
            hints.append(syntax[1])
        return None
    parsed = numbering.parse(text)
    if parsed is None:
        problems.append(f"{what} {text!r} has no country calling code that the numbering plan knows")
        return None
    if possible and not parsed.possible:
        problems.append(f"{what} {text!r} has a length that no number of +{parsed.calling_code} has")
        hints.append("check the digits: a destination must be a number that can exist")
        return None
    return parsed


# --------------------------------------------------------------------------- one route


def diagnose(
    client: TelnyxClient,
    ops: SetupOperations,
    route: Route,
    profile: JSON | None = None,
    *,
    sendpath: SendPathOperations | None = None,
    spent: int = 0,
) -> Diagnosis:
    """Every check of one route.  ``profile`` is the one ``--profile`` named, already resolved
    (``spent``: the requests that took); at most ``ROUTE_BUDGET`` requests in all."""
    from msgprof_cli.api.sendpath import SendPathOperations

    send = sendpath or SendPathOperations(client)
    budget = _Budget(ROUTE_BUDGET - spent)
    result = Diagnosis(route.sender, route.to, route.destination_country)
    if route.kind == "number":
        result.checks, result.profile_record = _number_route(client, ops, send, route, profile, budget)
    elif route.kind == "short_code":
        result.checks, result.profile_record = _short_code_route(client, send, route, profile, budget)
    else:
        result.checks, result.profile_record = _sender_route(client, ops, send, route, profile, budget)
    return result


class _Budget:
    """The requests a route may still make."""

    def __init__(self, left: int) -> None:
        self.left = left

    def take(self, n: int = 1) -> None:
        self.left -= n


def _number_route(
    client: TelnyxClient,
    ops: SetupOperations,
    send: SendPathOperations,
    route: Route,
    wanted: JSON | None,
    budget: _Budget,
) -> tuple[list[Check], JSON | None]:
    from msgprof_cli.declarative import registration

    found = ops.list_phone_numbers_with_messaging_settings(phone_numbers=[route.sender])
    budget.take()
    record: NumberSettings | None = next((n for n in found if n.get("phone_number") == route.sender), None)
    hosted: Check | None = None
    if record is None:
        listed = registration.hosted(send, route.sender)
        budget.take()
        if listed is None:
            detail = (
                f"{route.sender} is not a number of this account (the API lists no messaging settings for it, "
                "and it is not among the hosted numbers)"
            )
            return [Check("number_on_account", "fail", detail)], None
        record = cast("NumberSettings", listed)
        hosted = registration.hosted_check(listed)
    kind = str(record.get("type") or "number")
    where = "hosted, " if hosted else ""
    checks = [
        Check("number_on_account", "pass", f"{route.sender}: {where}{kind}, {_country_name(route.origin_country)}")
    ]
    if hosted is not None:
        checks.append(hosted)
    profile, on_profile = _number_profile(client, record, wanted, route.sender, budget)
    checks.append(on_profile)
    if profile is not None:
        checks += [_enabled(profile), _whitelisted(profile, route.destination_country)]
        checks.append(registration.opt_outs(send, route.to, str(profile.get("id")), _label(profile)))
        budget.take()
    checks.append(features_check(record, route))
    checks.append(_product(record))
    checks += _registration(send, record, route, budget)
    if profile is not None:
        checks.append(_webhook(profile))
    checks.append(_health(record))
    if profile is not None:
        checks.append(_spend_limit(profile))
    return checks, profile


def _number_profile(
    client: TelnyxClient, record: NumberSettings, wanted: JSON | None, number: str, budget: _Budget
) -> tuple[JSON | None, Check]:
    """The profile the number sends through (or would, once assigned), and the check that says so."""
    current = record.get("messaging_profile_id") or None
    if wanted is not None and current != wanted.get("id"):
        where = f"on profile {current}" if current else "on no messaging profile"
        detail = f"{number} is {where}, not on {_label(wanted)} (the rest is checked as if it were)"
        return wanted, Check(
            "number_on_profile", "fail", detail, Fix("assign", _ref(wanted), number, move=bool(current))
        )
    if current is None:
        detail = f"{number} is on no messaging profile: the API refuses it as a sender (40305 Invalid 'from' address)"
        return None, Check("number_on_profile", "fail", detail, Fix("assign", PLACEHOLDER, number))
    if wanted is not None:
        return wanted, Check("number_on_profile", "pass", f"on {_label(wanted)}")
    try:
        budget.take()
        profile = client.retrieve_messaging_profile(str(current))
    except NotFound:
        detail = f"{number} names profile {current}, which does not exist"
        return None, Check("number_on_profile", "fail", detail, Fix("assign", PLACEHOLDER, number, move=True))
    return profile, Check("number_on_profile", "pass", f"on {_label(profile)}")


def _sender_route(
    client: TelnyxClient,
    ops: SetupOperations,
    send: SendPathOperations,
    route: Route,
    wanted: JSON | None,
    budget: _Budget,
) -> tuple[list[Check], JSON | None]:
    from msgprof_cli.declarative import registration

    sender = route.sender
    if wanted is not None:
        records = [
            r
            for r in ops.list_alphanumeric_sender_ids(str(wanted.get("id")))
            if r.get("alphanumeric_sender_id") == sender
        ]
        profile = wanted
        if records or wanted.get("alpha_sender") == sender:
            on = Check("sender_id_on_profile", "pass", f"{sender} is a sender ID of {_label(wanted)}")
        else:
            detail = f"{sender} is not a sender ID of {_label(wanted)} (the rest is checked as if it were)"
            on = Check("sender_id_on_profile", "fail", detail, Fix("add_sender_id", _ref(wanted), sender))
    else:
        records = [r for r in ops.list_alphanumeric_sender_ids() if r.get("alphanumeric_sender_id") == sender]
        ids = list(dict.fromkeys(str(r.get("messaging_profile_id")) for r in records if r.get("messaging_profile_id")))
        if not ids:  # the profile's own alpha_sender field is a sender ID too
            ids = [str(p.get("id")) for p in client.iter_messaging_profiles() if p.get("alpha_sender") == sender]
        if not ids:
            detail = f"no messaging profile has the sender ID {sender}"
            return [Check("sender_id_on_profile", "fail", detail, Fix("add_sender_id", PLACEHOLDER, sender))], None
        if len(ids) > 1:
            raise Ambiguous(f"{len(ids)} messaging profiles have the sender ID {sender!r}: {', '.join(ids)}")
        profile = client.retrieve_messaging_profile(ids[0])
        on = Check("sender_id_on_profile", "pass", f"{sender} is a sender ID of {_label(profile)}")
    fallback = next((str(r["us_long_code_fallback"]) for r in records if r.get("us_long_code_fallback")), None)
    checks = [on, _enabled(profile), _whitelisted(profile, route.destination_country)]
    checks.append(registration.opt_outs(send, route.to, str(profile.get("id")), _label(profile)))
    checks += sender_checks(sender, route.destination_country, fallback, mms=route.mms)
    return checks + [_webhook(profile), _spend_limit(profile)], profile


# --------------------------------------------------------------------------- the checks


def _enabled(profile: JSON) -> Check:
    name = f"profile {_ref(profile)!r}"
    if profile.get("enabled") is False:
        return Check("profile_enabled", "fail", f"{name} is disabled", Fix("enable", _ref(profile)))
    return Check("profile_enabled", "pass", f"{name} is enabled")


def _whitelisted(profile: JSON, country: str | None) -> Check:
    raw = profile.get("whitelisted_destinations")
    listed = [str(c) for c in raw] if isinstance(raw, list) else []
    shown = ", ".join(listed) or "none"
    if "*" in listed:
        return Check("destination_whitelisted", "pass", "every country is whitelisted (*)")
    if country is None:
        detail = f"the destination is in no country (non-geographic); whitelisted: {shown}"
        return Check("destination_whitelisted", "unknown", detail)
    if country in listed:
        return Check("destination_whitelisted", "pass", f"{country} is whitelisted ({shown})")
    detail = f"{country} is not in whitelisted_destinations ({shown}): the profile refuses messages to it"
    return Check(
        "destination_whitelisted", "fail", detail, Fix("whitelist", _ref(profile), countries=(*listed, country))
    )


def features_check(record: NumberSettings, route: Route) -> Check:
    """The number's SMS (or MMS) features against one route."""
    origin = route.origin_country or record.get("country_code")
    status, reason = route_features(record, route.channel, origin, route.destination_country, route.cross_nanp)
    where = f" ({origin} to {route.destination_country})" if route.destination_country else ""
    # No msgprof command adds a feature to a number: the way out is another number.
    advice = ": send from a number that has it" if status == "fail" else ""
    return Check(f"{route.channel}_features", status, f"{record.get('phone_number')}: {reason}{where}{advice}")


def route_features(
    record: NumberSettings, channel: str, origin: Any, country: str | None, cross_nanp: bool
) -> tuple[Status, str]:
    """Domestic two-way when the countries match, international outbound otherwise.  ``country``
    "*" stands for every other country (a whitelist of *).  The reason names no country, so that
    -f can group the countries that share it."""
    features = record.get("features")
    have = features.get(channel) if isinstance(features, dict) else None
    kind = channel.upper()
    if not isinstance(have, dict):
        return "fail", f"no {kind} features (features.{channel} is null)"
    if country is None:
        return "unknown", "the destination is in no country (non-geographic): domestic or not is unclear"
    if origin == country:
        if have.get("domestic_two_way") is True:
            return "pass", f"domestic {kind}"
        return "fail", f"no domestic two-way {kind}"
    if have.get("international_outbound") is True:
        return "pass", f"international outbound {kind}"
    if cross_nanp and have.get("domestic_two_way") is True:
        reason = (
            f"domestic but not international outbound {kind}; both countries share +1, and whether Telnyx "
            "carries this as domestic is not in the API"
        )
        return "unknown", reason
    return "fail", f"no international outbound {kind}"


def sender_checks(sender: str, country: str | None, fallback: str | None, *, mms: bool) -> list[Check]:
    """What an alphanumeric sender can reach (document/senders.py is the table)."""
    checks = []
    if mms:
        checks.append(Check("mms_features", "fail", "an alphanumeric sender ID sends SMS only, never MMS"))
    refusal = senders.REFUSING.get(country or "")
    if country is None:
        checks.append(Check("alphanumeric_destination", "unknown", "the destination is in no country"))
    elif refusal is None:
        detail = f"{country} is not among the countries that refuse alphanumeric senders"
        checks.append(Check("alphanumeric_destination", "pass", detail))
        detail = (
            "some countries require a sender ID to be registered first; msgprof cannot see it: "
            f"ask {WHERE_SENDER_REGISTRATION}"
        )
        checks.append(Check("sender_id_registration", "unknown", detail))
    elif fallback and refusal.fallback:
        detail = f"{refusal.name} refuses alphanumeric senders; the message goes from the fallback {fallback}"
        checks.append(Check("alphanumeric_destination", "pass", detail))
    elif fallback:
        detail = (
            f"{refusal.name} refuses alphanumeric senders; the fallback {fallback} is documented "
            "for the US and Canada only"
        )
        checks.append(Check("alphanumeric_destination", "unknown", detail))
    else:
        detail = f"{refusal.name} ({country}) refuses alphanumeric senders: send from a number"
        if refusal.fallback:
            detail += ", or give the sender ID a US long-code fallback"
        checks.append(Check("alphanumeric_destination", "fail", detail))
    return checks


def _product(record: NumberSettings) -> Check:
    eligible = record.get("eligible_messaging_products")
    product = record.get("messaging_product")
    if isinstance(eligible, list) and not eligible:
        return Check("messaging_product", "fail", "the number is eligible for no messaging product")
    if isinstance(eligible, list) and product is not None and product not in eligible:
        detail = f"messaging_product {product} is not among the eligible ones ({', '.join(map(str, eligible))})"
        return Check("messaging_product", "warn", detail)
    return Check("messaging_product", "pass", f"messaging product {product or 'not set'}")


def _registration(send: SendPathOperations, record: NumberSettings, route: Route, budget: _Budget) -> list[Check]:
    """A US or Canadian toll-free number's verification; a US long code's 10DLC assignment,
    campaign and brand when it sends to the US (declarative/registration.py)."""
    from msgprof_cli.declarative import registration

    kind = registration_kind(record, route.origin_country, route.destination_country)
    if kind == "toll_free":
        budget.take()
        return [registration.toll_free(send, route.sender)]
    if kind == "10dlc":
        checks = registration.ten_dlc(send, route.sender, budget.left)
        budget.take(len(checks))
        return checks
    return []


def registration_kind(record: NumberSettings, origin: Any, destination: str | None) -> str | None:
    """ "toll_free", "10dlc" or None: which registration a number's route to ``destination`` needs
    (``destination`` "*" for any country)."""
    kind = str(record.get("type") or "")
    origin = origin or record.get("country_code")
    if kind in TOLL_FREE and origin in ("US", "CA"):
        return "toll_free"
    if kind in LONG_CODE and origin == "US" and destination in ("US", "*"):
        return "10dlc"
    return None


def _short_code_route(
    client: TelnyxClient, send: SendPathOperations, route: Route, wanted: JSON | None, budget: _Budget
) -> tuple[list[Check], JSON | None]:
    """A short code: on the ``--profile`` one or not (the API lists short codes per profile only)."""
    from msgprof_cli.declarative import registration

    code = route.sender
    if wanted is None:
        detail = f"msgprof finds a short code on a profile only when --profile names it: {code} was not looked up"
        return [Check("short_code_on_profile", "unknown", detail)], None
    listed = [r for r in client.iter_related(str(wanted.get("id")), "short_codes") if r.get("short_code") == code]
    budget.take()
    if listed:
        on = Check("short_code_on_profile", "pass", f"{code} is a short code of {_label(wanted)}")
    else:
        detail = f"{code} is not a short code of {_label(wanted)}: short codes are assigned to a profile by Telnyx"
        on = Check(
            "short_code_on_profile",
            "fail",
            detail,
            registration.say("ask Telnyx support to move the short code to the profile"),
        )
    checks = [on, _enabled(wanted), _whitelisted(wanted, route.destination_country)]
    checks.append(registration.opt_outs(send, route.to, str(wanted.get("id")), _label(wanted)))
    budget.take()
    return checks + [_webhook(wanted), _spend_limit(wanted)], wanted


def _webhook(profile: JSON) -> Check:
    if profile.get("webhook_url"):
        return Check("webhook_url", "pass", "webhooks go to the profile's webhook_url")
    detail = "no webhook_url: no delivery receipts, and inbound messages reach no one"
    return Check("webhook_url", "warn", detail, Fix("webhook", _ref(profile)))


def _health(record: NumberSettings) -> Check:
    health = record.get("health")
    if not isinstance(health, dict):
        return Check("number_health", "unknown", "the API gave no health for this number")
    count = _real(health.get("message_count"))
    if count is None or count <= 0:
        return Check("number_health", "pass", "no messages analysed yet")
    spam, success = _real(health.get("spam_ratio")), _real(health.get("success_ratio"))
    problems = []
    if spam is not None and spam > SPAM_RATIO_WARN:
        problems.append(f"spam ratio {spam:.0%} (above {SPAM_RATIO_WARN:.0%})")
    if success is not None and success < SUCCESS_RATIO_WARN:
        problems.append(f"success ratio {success:.0%} (below {SUCCESS_RATIO_WARN:.0%})")
    if problems:
        return Check("number_health", "warn", f"{', '.join(problems)} over {count:g} messages: carriers may filter it")
    return Check("number_health", "pass", f"spam {_pct(spam)}, delivered {_pct(success)} over {count:g} messages")


def _spend_limit(profile: JSON) -> Check:
    limit = profile.get("daily_spend_limit")
    if profile.get("daily_spend_limit_enabled") is not True:
        return Check("daily_spend_limit", "pass", "no daily spend limit is enforced")
    try:
        amount = Decimal(str(limit))
    except InvalidOperation:
        return Check("daily_spend_limit", "unknown", f"the daily spend limit {str(limit)[:20]!r} is not an amount")
    if amount == 0:
        detail = "the daily spend limit is enforced and 0: messages may be refused once any is charged"
        return Check("daily_spend_limit", "warn", detail, Fix("spend_limit", _ref(profile)))
    return Check("daily_spend_limit", "pass", f"at most {limit} USD a day")


def spend_limit_reached(profile: JSON | None) -> Check:
    """For a message refused at the spend limit (40333): does the profile still enforce one?  Its
    spend today is not in the API, so an enforced limit is taken as the cause remaining."""
    if profile is None:
        return Check("spend_limit_reached", "unknown", "the message's profile could not be read")
    if profile.get("daily_spend_limit_enabled") is not True:
        return Check("spend_limit_reached", "pass", f"{_label(profile)} enforces no daily spend limit now")
    detail = (
        f"{_label(profile)} still enforces a daily spend limit of {profile.get('daily_spend_limit')} USD: messages "
        "are refused once the day's spend reaches it, until midnight UTC (today's spend is not in the API)"
    )
    return Check("spend_limit_reached", "fail", detail, Fix("spend_limit", _ref(profile)))


def _real(value: Any) -> float | None:
    """A number from the API's data, or None (booleans, NaN and text are not numbers)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        try:
            return float(value)
        except OverflowError:  # an integer past a float's range is not a ratio or a count we can use
            return None
    return None


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def _label(profile: JSON) -> str:
    name, ident = profile.get("name"), profile.get("id")
    return f"profile {name!r} ({ident})" if name else f"profile {ident}"


def _ref(profile: JSON) -> str:
    """How a fix command names the profile: its name, or its id when the name would read as an
    option (`--yes`), is empty, or holds a character a terminal would not show as typed (a control
    character: the command shown would name no profile)."""
    name = str(profile.get("name") or "")
    if name and not name.startswith("-") and name.isprintable():
        return name
    return str(profile.get("id") or PLACEHOLDER)


def _country_name(country: str | None) -> str:
    return country or "no country (non-geographic)"


# --------------------------------------------------------------------------- doctor -f


def read_inventory(client: TelnyxClient, documents: Sequence[Checked]) -> Inventory:
    """The account as -f needs it, each listing once and side by side (api/inventory.py): the
    profiles, the numbers, and the sender IDs only when a document has no such section."""
    from msgprof_cli.api import inventory

    senders = any(c.setup.sender_ids is None for c in documents)
    return inventory.read(client, numbers=True, sender_ids=senders)


def load_documents(paths: list[str], env: Mapping[str, str]) -> list[Checked]:
    """The documents as plan reads them; every problem at once (exit 3), nothing checked."""
    from msgprof_cli.declarative.inputs import check_inputs

    checked = check_inputs(paths, env, mode="create")
    issues = [i for c in checked for i in c.errors]
    if issues:
        n = len(issues)
        raise InvalidInput(f"{n} problem{'s' if n > 1 else ''} found; nothing was checked", issues)
    return [c for c in checked if c.doc is not None]


def diagnose_documents(
    documents: Sequence[Checked], inventory: Inventory, registry: Registry | None = None
) -> list[Diagnosis]:
    """Each document's routes: every number it lists (or its live profile has) to every country
    it whitelists, and every sender ID to those countries; with ``registry``, each number's
    10DLC or toll-free registration (``registration_needs`` says which numbers)."""
    return [_document(c, inventory, registry) for c in documents]


def registration_needs(documents: Sequence[Checked], inventory: Inventory) -> tuple[list[str], list[str]]:
    """The documents' numbers that need a 10DLC assignment, and those that need a toll-free
    verification (numbers of the account only)."""
    ten_dlc: list[str] = []
    toll_free: list[str] = []
    for c in documents:
        assert c.doc is not None
        name = str(c.payload.get("name"))
        twins = inventory.by_name().get(name, [])
        live: JSON = twins[0] if len(twins) == 1 else {}
        raw = {**live, **c.payload}.get("whitelisted_destinations")
        countries = [str(x) for x in raw] if isinstance(raw, list) else []
        for _, record in _document_numbers(c, live, inventory):
            if record is None:
                continue
            number = str(record.get("phone_number"))
            origin = numbering.country_of(number) or record.get("country_code")
            us = "US" if "US" in countries else ("*" if "*" in countries else None)
            kind = registration_kind(record, origin, us)
            (ten_dlc if kind == "10dlc" else toll_free if kind == "toll_free" else []).append(number)
    return list(dict.fromkeys(ten_dlc)), list(dict.fromkeys(toll_free))


def _hidden(c: Checked) -> dict[str, str]:
    """What -f hides in its words, as plan hides it: every secret variable's value (any length),
    and each value a secret filled as the checks write it (``str``: a limit of ``1e2`` is written
    ``100.0``), mapped to ``<secret from $VAR>``.  A boolean is left: a secret ``true`` must not
    turn every "true" into a marker (the word it gives, "enabled", is not its text)."""
    assert c.doc is not None
    from msgprof_cli import secrets

    table = {value: secrets.variable_shown(var) for value, var in c.doc.secret_values.items()}
    for path, var in c.doc.secrets.items():
        value: Any = c.doc.data
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        if value is not None and not isinstance(value, (bool, dict, list)) and str(value):
            table.setdefault(str(value), secrets.variable_shown(var))
    return table


def _document(c: Checked, inv: Inventory, registry: Registry | None) -> Diagnosis:
    assert c.doc is not None
    from msgprof_cli import secrets

    table = _hidden(c)

    def scrub(text: str) -> str:  # a value from a secret variable is never shown
        return secrets.scrub_with(text, table)

    name = str(c.payload.get("name"))
    twins = inv.by_name().get(name, [])
    live: JSON = twins[0] if len(twins) == 1 else {}
    merged: JSON = {**live, **c.payload, "name": name}
    raw = merged.get("whitelisted_destinations")
    countries = [str(x) for x in raw] if isinstance(raw, list) else []
    numbers = _document_numbers(c, live, inv)
    sender_ids = _document_senders(c, live, inv)
    result = Diagnosis(
        [scrub(n) for n, _ in numbers] + [scrub(s) for s, _ in sender_ids],
        countries,
        None,
        profile=scrub(name),
        source=c.source,
    )
    checks = result.checks
    if len(twins) > 1:  # plan and apply fail this name (exit 5): never "ready" here either
        checks.append(_twins(name, twins, scrub))
    checks.append(_enabled(merged))
    if not countries:
        checks.append(
            Check("destination_whitelisted", "fail", "whitelisted_destinations is empty: every route is refused")
        )
    for number, record in numbers:
        if record is None:
            checks.append(Check("number_on_account", "fail", f"{scrub(number)} is not a number of this account"))
            continue
        checks += _number_routes(record, countries, scrub, registry)
    for sender, fallback in sender_ids:
        checks += _sender_routes(scrub(sender), countries, fallback)
    if not numbers and not sender_ids:
        detail = "no phone number and no sender ID: the profile has nothing to send from"
        checks.append(Check("senders", "warn", detail))
    checks.append(_webhook(merged))
    checks.append(_spend_limit(merged))
    # The document is what apply makes true: a fix is an edit of it, not an `update` that the
    # next apply would undo.  So -f's checks carry no command.  Every detail is hidden here, once,
    # as plan hides its items: whichever check wrote a secret's value (a name, a fallback, a limit).
    result.checks = [replace(c, detail=scrub(c.detail), fix=None) for c in checks]
    return result


def _twins(name: str, twins: Sequence[JSON], scrub: Callable[[str], str]) -> Check:
    """A name held by several live profiles: plan and apply refuse it (plan.py::_twins_item), so
    the document cannot be applied and the live profile its routes would use is not known."""
    ids = ", ".join(str(t.get("id")) for t in twins)
    detail = (
        f"{len(twins)} live profiles are named {scrub(repr(name))}: {ids}; plan and apply refuse this name "
        "(exit 5) until one is left: rename or delete all but one, or `msgprof apply --resolve-twins` "
        "if they are accidental copies (equal to the file, nothing attached)"
    )
    return Check("profile_twins", "fail", detail)


def _document_numbers(c: Checked, live: JSON, inv: Inventory) -> list[tuple[str, NumberSettings | None]]:
    if c.setup.numbers is not None:
        known = inv.numbers_by_number()
        return [(e.number, known.get(e.number)) for e in c.setup.numbers]
    if not live:  # no phone_numbers section and no live profile: no number to check
        return []
    pid = live.get("id")
    return [(str(r.get("phone_number")), r) for r in inv.numbers_of(str(pid))]


def _document_senders(c: Checked, live: JSON, inv: Inventory) -> list[tuple[str, str | None]]:
    out: dict[str, str | None] = {}
    if c.setup.sender_ids is not None:
        out.update((e.sender_id, e.us_long_code_fallback) for e in c.setup.sender_ids)
    elif live:
        pid = live.get("id")
        out.update(
            (str(r.get("alphanumeric_sender_id")), r.get("us_long_code_fallback")) for r in inv.sender_ids_of(str(pid))
        )
    alpha = c.payload.get("alpha_sender", live.get("alpha_sender"))
    if isinstance(alpha, str) and alpha and alpha not in out:
        out[alpha] = None
    return list(out.items())


def _number_routes(
    record: NumberSettings, countries: list[str], scrub: Callable[[str], str], registry: Registry | None = None
) -> list[Check]:
    """One check per number and outcome: the countries that share an outcome are one line."""
    number = str(record.get("phone_number"))
    origin = numbering.country_of(number) or record.get("country_code")
    nanp = set(numbering.countries_of_calling_code(NANP))
    grouped: dict[tuple[Status, str], list[str]] = {}
    # "*" lets every country in without naming one: its own country is checked, and a number that
    # cannot send abroad is a warning there (a refusal only where the document names the country).
    named = [c for c in countries if c != "*"] + ([str(origin), "*"] if "*" in countries else [])
    for country in dict.fromkeys(named):
        cross = origin in nanp and country in nanp and origin != country
        status, reason = route_features(record, "sms", origin, country, cross)
        if country == "*" and status == "fail":
            status, reason = "warn", f"{reason}: only {origin} can be reached"
        grouped.setdefault((status, reason), []).append(country)
    checks = [
        Check("sms_features", status, f"{scrub(number)} to {', '.join(group)}: {reason} (from {origin})")
        for (status, reason), group in grouped.items()
    ]
    kind = registration_kind(record, origin, "US" if "US" in countries else ("*" if "*" in countries else None))
    if kind is not None and registry is not None:
        found = registry.checks_of(number, ten_dlc=kind == "10dlc", toll_free_number=kind == "toll_free")
        checks += [replace(c, detail=_scrubbed(c.detail, number, scrub)) for c in found]
    elif kind == "toll_free":
        detail = f"{scrub(number)} sends only once verified; not read: check {WHERE_TOLL_FREE}"
        checks.append(Check("toll_free_verification", "unknown", detail))
    elif kind == "10dlc":
        detail = f"{scrub(number)} to US needs a 10DLC campaign; not read: check {WHERE_10DLC}"
        checks.append(Check("10dlc_assignment", "unknown", detail))
    return checks


def _scrubbed(detail: str, number: str, scrub: Callable[[str], str]) -> str:
    """A registration detail names the number: hidden as -f hides it when it is a secret's value."""
    return detail.replace(number, scrub(number))


def _sender_routes(sender: str, countries: list[str], fallback: str | None) -> list[Check]:
    checks = []
    refused = [c for c in countries if c in senders.REFUSING]
    if "*" in countries:
        refused = list(senders.REFUSING)
    for country in refused:
        for check in sender_checks(sender, country, fallback, mms=False):
            status: Status = (
                "warn" if "*" in countries and country not in countries and check.status == "fail" else check.status
            )
            checks.append(Check(check.check, status, f"{sender} to {country}: {check.detail}", check.fix))
    if not refused and countries:
        shown = ", ".join(countries)
        checks.append(
            Check("alphanumeric_destination", "pass", f"{sender} to {shown}: none refuses alphanumeric senders")
        )
    return checks
