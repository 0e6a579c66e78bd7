"""The field rules: the one declarative description of a profile document.

Validation, the command-line flags of ``create``/``update`` (cli/flags.py), ``msgprof schema`` and
the plan diff are all derived from them.  They follow ``CreateMessagingProfileRequest``,
``UpdateMessagingProfileRequest``, ``NumberPoolSettings`` and ``UrlShortenerSettings`` in the
official Telnyx OpenAPI spec, except where the spec and its own prose disagree; there we follow the
prose and say so next to the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One field of the profile document."""

    name: str
    kind: str  # string | boolean | number | url | enum | countries | object
    help: str
    flag: str = ""  # long flag; booleans also get an "off" flag
    off_flag: str = ""
    nullable: bool = False
    required: bool = False  # on create (top level) or inside its object (nested)
    pattern: str | None = None
    expect: str = ""  # the pattern in words, for hints: people don't read regular expressions
    max_length: int | None = None
    nonblank: bool = False
    enum: tuple[str, ...] = ()
    updatable: bool = True
    numeric_string: bool = False  # a YAML/JSON number is accepted as its string
    children: tuple[Rule, ...] = ()
    null_flag: str = ""  # objects: the flag that sends the object as null
    default: Any = None  # nested fields: the API's value when a request leaves the field out


POOL_RULES: tuple[Rule, ...] = (
    # The spec types weights as plain numbers; "non-negative" is only in the prose, which we follow.
    Rule(
        "long_code_weight",
        "number",
        "Weight of long-code numbers in the pool (>= 0).",
        flag="--pool-long-code-weight",
        required=True,
    ),
    Rule(
        "toll_free_weight",
        "number",
        "Weight of toll-free numbers in the pool (>= 0).",
        flag="--pool-toll-free-weight",
        required=True,
    ),
    Rule(
        "skip_unhealthy",
        "boolean",
        "Leave unhealthy numbers out of the pool.",
        flag="--pool-skip-unhealthy",
        off_flag="--no-pool-skip-unhealthy",
        required=True,
    ),
    Rule(
        "sticky_sender",
        "boolean",
        "Keep sending to a recipient from the same number.",
        flag="--pool-sticky-sender",
        off_flag="--no-pool-sticky-sender",
        default=False,  # the spec's default
    ),
    Rule(
        "geomatch",
        "boolean",
        "Prefer a sender with the recipient's area code (NANP).",
        flag="--pool-geomatch",
        off_flag="--no-pool-geomatch",
        default=False,  # the spec's default
    ),
)

SHORTENER_RULES: tuple[Rule, ...] = (
    Rule(
        "domain",
        "string",
        "A domain of the Telnyx URL shortener service.",
        flag="--shortener-domain",
        required=True,
        nonblank=True,
    ),
    Rule("prefix", "string", "Brand prefix after the domain in generated links.", flag="--shortener-prefix"),
    Rule(
        "replace_blacklist_only",
        "boolean",
        "Replace only links Telnyx blacklists.",
        flag="--shortener-replace-blacklist-only",
        off_flag="--no-shortener-replace-blacklist-only",
    ),
    Rule(
        "send_webhooks",
        "boolean",
        "Send webhooks when replaced links are clicked.",
        flag="--shortener-send-webhooks",
        off_flag="--no-shortener-send-webhooks",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule("name", "string", "A user-friendly name for the profile.", flag="--name", required=True, nonblank=True),
    # The spec's item pattern ^[A-Z]{2}$ rejects "*", which its own description and the
    # documentation page allow ("all destinations"); we follow the prose: "*" alone is accepted.
    Rule(
        "whitelisted_destinations",
        "countries",
        'Allowed destination countries (ISO 3166-1 alpha-2), or "*" for all. Repeatable; takes comma lists.',
        flag="--whitelist",
        required=True,
    ),
    Rule("enabled", "boolean", "Whether the profile is enabled.", flag="--enabled", off_flag="--disabled"),
    # format: url, but the spec's own default is "" (which a url format rejects) and null is
    # allowed: we accept "", null, or an absolute http(s) URL.
    Rule("webhook_url", "url", "Where webhooks for this profile are sent.", flag="--webhook-url", nullable=True),
    Rule(
        "webhook_failover_url",
        "url",
        "Where webhooks go when the primary URL fails.",
        flag="--webhook-failover-url",
        nullable=True,
    ),
    Rule(
        "webhook_api_version",
        "enum",
        'Webhook format: "1", "2" or "2010-04-01".',
        flag="--webhook-api-version",
        enum=("1", "2", "2010-04-01"),
        numeric_string=True,
    ),
    Rule(
        "alpha_sender",
        "string",
        "Alphanumeric sender ID (1-11 letters, digits or spaces).",
        flag="--alpha-sender",
        nullable=True,
        pattern=r"^[A-Za-z0-9 ]{1,11}$",
    ),
    Rule(
        "daily_spend_limit",
        "string",
        'Most USD the profile may spend per UTC day, e.g. "100.00".',
        flag="--daily-spend-limit",
        pattern=r"^[0-9]+(?:\.[0-9]+)?$",
        expect="a decimal number with a dot, e.g. 10.50",
        numeric_string=True,
    ),
    Rule(
        "daily_spend_limit_enabled",
        "boolean",
        "Enforce daily_spend_limit.",
        flag="--daily-spend-limit-enabled",
        off_flag="--no-daily-spend-limit-enabled",
    ),
    Rule(
        "mms_fall_back_to_sms",
        "boolean",
        "Fall back to SMS when MMS fails.",
        flag="--mms-fall-back-to-sms",
        off_flag="--no-mms-fall-back-to-sms",
    ),
    Rule(
        "mms_transcoding",
        "boolean",
        "Resize MMS media automatically.",
        flag="--mms-transcoding",
        off_flag="--no-mms-transcoding",
    ),
    Rule("mobile_only", "boolean", "Send only to mobile numbers.", flag="--mobile-only", off_flag="--no-mobile-only"),
    Rule(
        "smart_encoding",
        "boolean",
        "Pick GSM-7 or UCS-2 automatically.",
        flag="--smart-encoding",
        off_flag="--no-smart-encoding",
    ),
    # Not in UpdateMessagingProfileRequest: only a create can set it.
    Rule(
        "health_webhook_url",
        "url",
        "URL for number health webhooks (create only; deprecated by Telnyx).",
        flag="--health-webhook-url",
        nullable=True,
        updatable=False,
    ),
    Rule(
        "ai_assistant_id",
        "string",
        "AI assistant to associate (at most 64 characters).",
        flag="--ai-assistant-id",
        nullable=True,
        max_length=64,
    ),
    # Not in UpdateMessagingProfileRequest: only a create can set it.
    Rule(
        "resource_group_id",
        "string",
        "Resource group to associate (at most 64 characters; create only).",
        flag="--resource-group-id",
        nullable=True,
        max_length=64,
        updatable=False,
    ),
    Rule(
        "number_pool_settings",
        "object",
        "Number pool settings, or null to disable the pool.",
        nullable=True,
        children=POOL_RULES,
        null_flag="--no-pool",
    ),
    Rule(
        "url_shortener_settings",
        "object",
        "URL shortener settings, or null to disable the shortener.",
        nullable=True,
        children=SHORTENER_RULES,
        null_flag="--no-shortener",
    ),
)

RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

# Fields of the API's response that a document cannot set, with why.
READ_ONLY: dict[str, str] = {
    "id": "the API assigns it; to change a profile, use `msgprof update ID` or `msgprof apply`",
    "record_type": "the API sets it",
    "created_at": "the API sets it",
    "updated_at": "the API sets it",
    "v1_secret": "secrets do not belong in files; use `msgprof regenerate-secret` to rotate it",
    "organization_id": "the API sets it from your account",
    "redaction_enabled": "the create and update requests have no such field",
    "redaction_level": "the create and update requests have no such field",
}
