"""The field rules: the one declarative description of a profile document.

Validation, the command-line flags of ``create``/``update`` (cli/flags.py), ``msgprof schema`` and
the plan diff are all derived from them, and the sandbox validates requests with them too, so
msgprof and its sandbox cannot disagree on a field.  They follow ``CreateMessagingProfileRequest``,
``UpdateMessagingProfileRequest``, ``NumberPoolSettings`` and ``UrlShortenerSettings`` in the
official Telnyx OpenAPI spec, and the request types of the official ``telnyx`` Python SDK 4.189.0
(``messaging_profile_create_params.py``, ``messaging_profile_update_params.py``,
``messaging_profile_features_param.py``) for the fields the vendored spec predates (``features``,
``redaction_enabled``, ``redaction_level``: see tests/spec/README.md).  Where the spec and its own
prose disagree we follow the prose and say so next to the rule.  ``make spec-drift`` lists the
request fields where these rules and the newest SDK differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One field of the profile document."""

    name: str
    kind: str  # string | boolean | number | integer | url | enum | countries | object
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
    creatable: bool = True  # False: only an update can set it (the create request has no such field)
    choices: tuple[int, ...] = ()  # integers: the values allowed
    open: bool = False  # objects: keys without a rule are passed through as given (forward compatible)
    numeric_string: bool = False  # a YAML/JSON number is accepted as its string
    children: tuple[Rule, ...] = ()
    null_flag: str = ""  # objects: the flag that sends the object as null
    default: Any = None  # the documented value of a field a request or an answer leaves out


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

# MessagingProfileFeaturesParam: "unknown keys are accepted and preserved for forward compatibility
# with rolling deployments", so the object is open: keys msgprof does not know pass through.
FEATURE_RULES: tuple[Rule, ...] = (
    Rule(
        "ai_opt_out_detection_enabled",
        "boolean",
        "Detect opt-outs that are not STOP/UNSTOP/HELP keywords with an AI model.",
        flag="--ai-opt-out-detection",
        off_flag="--no-ai-opt-out-detection",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule("name", "string", "A user-friendly name for the profile.", flag="--name", required=True, nonblank=True),
    # The spec's item pattern ^[A-Z]{2}$ rejects "*", which its own description and the
    # documentation page allow ("all destinations"); we follow the prose: "*" alone is accepted.
    Rule(
        "whitelisted_destinations",
        "countries",
        'Allowed destination countries (ISO 3166-1 alpha-2), or "*" for all. Repeatable; takes comma lists. '
        "On update it replaces the whole list (--add-whitelist and --remove-whitelist change some countries).",
        flag="--whitelist",
        required=True,
    ),
    Rule(
        "enabled",
        "boolean",
        "Whether the profile is enabled.",
        flag="--enabled",
        off_flag="--disabled",
        default=True,  # the spec's default
    ),
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
        default="2",  # the spec's default
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
        default=False,  # the spec's default
    ),
    Rule(
        "mms_transcoding",
        "boolean",
        "Resize MMS media automatically.",
        flag="--mms-transcoding",
        off_flag="--no-mms-transcoding",
        default=False,  # the spec's default
    ),
    Rule(
        "mobile_only",
        "boolean",
        "Send only to mobile numbers.",
        flag="--mobile-only",
        off_flag="--no-mobile-only",
        default=False,  # the spec's default
    ),
    Rule(
        "smart_encoding",
        "boolean",
        "Pick GSM-7 or UCS-2 automatically.",
        flag="--smart-encoding",
        off_flag="--no-smart-encoding",
        default=False,  # the spec's default
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
    Rule(
        "features",
        "object",
        "Telnyx product features of the profile (unknown keys are passed through), or null for none.",
        nullable=True,
        children=FEATURE_RULES,
        null_flag="--no-features",
        open=True,
    ),
    # Only in UpdateMessagingProfileRequest (SDK 4.189.0): a create cannot set them.  Telnyx
    # ignores both when the organization is not on its redaction allowlist.
    Rule(
        "redaction_enabled",
        "boolean",
        "Redact message content (update only; needs Telnyx's redaction allowlist).",
        flag="--redaction",
        off_flag="--no-redaction",
        creatable=False,
        default=False,  # the SDK's MessagingProfile default
    ),
    Rule(
        "redaction_level",
        "integer",
        "What redaction covers: 1 message records and reporting, 2 also inbound webhooks (update only).",
        flag="--redaction-level",
        choices=(1, 2),
        creatable=False,
        default=2,  # the SDK's MessagingProfile default
    ),
)

RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

# Fields of the API's response that a document cannot set, with why.
READ_ONLY: dict[str, str] = {
    "id": "the API assigns it; to change a profile, use `msgprof update ID` or `msgprof apply`",
    "record_type": "the API sets it",
    "created_at": "the API sets it",
    "updated_at": "the API sets it",
    # UpdateMessagingProfileRequest takes v1_secret (SDK 4.189.0), so the API can set a chosen
    # secret; msgprof never sends one from a document (a secret in a file is a leak waiting to
    # happen) and rotates it only through regenerate_secret.  The sandbox, a model of the API,
    # stores a v1_secret given to an update (API_ONLY below).
    "v1_secret": "secrets do not belong in files; use `msgprof regenerate-secret` to rotate it",
    "organization_id": "the API sets it from your account",
}

# Request fields the API takes that msgprof deliberately never sends, by request ("create" or
# "update"), with their type: the sandbox accepts and stores them as the API would, and the drift
# check (scripts/spec_drift.py) counts them as covered.
API_ONLY: dict[str, tuple[str, str]] = {
    "v1_secret": ("update", "string"),
}


def split_create(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A create document's payload as (the create request, the update that must follow it).

    Fields only an update can set (``creatable=False``) cannot go in the POST: the API's create
    request has no such field.  A profile created from a document that names them is created
    without them and then updated with them."""
    later = {k: v for k, v in payload.items() if k in RULES_BY_NAME and not RULES_BY_NAME[k].creatable}
    return {k: v for k, v in payload.items() if k not in later}, later


# The setup sections a document may hold beside the profile's fields (setup_rules.SECTIONS,
# written out here: `create` reads documents but needs no setup rules; a test keeps them equal).
SETUP_SECTIONS = ("phone_numbers", "alphanumeric_sender_ids", "autoresp_configs")
