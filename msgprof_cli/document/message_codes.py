"""The error codes of a message that ``doctor --message`` explains: which check finds the cause.

A message (``GET /messages/{id}``) carries ``errors[]``, each with a ``code`` and a ``title``.  Each
row below names the check that explains the code; ``doctor --message`` runs that check against the
account as it is now and says whether the cause remains.  Each row names its source URL, and
whether msgprof read the code's number there (``confirmed``) or not.

What was read (2026-12-08, through the public-pages search): Telnyx's "Messaging Error Code
Reference" (``ERRORS_PAGE``) as far as its carrier-rejection table (40001-40015: 40009 is followed
by 40011 there, so 40010 is not a carrier rejection); its later tables (10DLC-specific, toll-free,
the 403xx API request and configuration errors) were not readable, nor were they in the opening of
support.telnyx.com's "Telnyx Messaging Error Codes" (``SUPPORT_PAGE``, 1xxxx request errors).
40305, 40309, 40010 and 40329 are therefore *not confirmed* at the source: their numbers and titles
agree with a public third-party summary of ``ERRORS_PAGE`` (a repository file that names the page
as its source, dated 2026-06-11), which is corroboration, not the source.  Their titles' words are
matched too, so a different number with the same title is still explained.

A code no row has is looked up by its title (``by_title``: words the API's own title carries, e.g.
"whitelist", "10DLC"); what neither finds is an unknown cause, said plainly, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

ERRORS_PAGE = "https://developers.telnyx.com/docs/messaging/messages/error-codes"
SPEND_PAGE = "https://developers.telnyx.com/docs/messaging/messages/configurable-spend-limits"
SUPPORT_PAGE = "https://support.telnyx.com/en/articles/6505121-telnyx-messaging-error-codes"
UNREAD = (
    f"not confirmed: the number is not in the part of {ERRORS_PAGE} or {SUPPORT_PAGE} msgprof could read; "
    "a public summary of the first page lists it"
)


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    check: str | None  # the doctor check that explains it; None: no check of the account can
    source: str
    confirmed: bool = True  # the number was read at the source
    advice: str = ""  # for a code no check explains: what to do


ROWS: tuple[Code, ...] = (
    Code(
        "40300",
        "Blocked due to STOP message",
        "destination_opted_out",
        "https://developers.telnyx.com/api/errors/40300 (HTTP 409; the recipient texts START)",
    ),
    Code(
        "40305",
        "Invalid 'from' address",
        "number_on_profile",
        f"{ERRORS_PAGE} (403xx request errors: the number is on no messaging profile); {UNREAD}",
        confirmed=False,
    ),
    Code(
        "40309",
        "Invalid destination region",
        "destination_whitelisted",
        f"{ERRORS_PAGE} (403xx request errors: the region is not in the profile's whitelist); {UNREAD}; "
        "the title words 'whitelist'/'destination region' are matched too",
        confirmed=False,
    ),
    Code(
        "40010",
        "Not 10DLC registered",
        "10dlc_assignment",
        f"{ERRORS_PAGE} (10DLC-specific delivery errors); {UNREAD}; the title word '10DLC' is matched too",
        confirmed=False,
    ),
    Code(
        "40329",
        "Toll-free not verified",
        "toll_free_verification",
        f"{ERRORS_PAGE} (toll-free delivery errors); {UNREAD}; the title words 'toll' and 'verif' are matched too",
        confirmed=False,
    ),
    Code(
        "40333",
        "Messaging profile spend limit reached",
        "spend_limit_reached",
        f"{SPEND_PAGE} (HTTP 429: the profile's daily_spend_limit was reached; it resets at midnight UTC)",
    ),
    Code(
        "40013",
        "Invalid source number",
        "number_on_account",
        f"{ERRORS_PAGE}, carrier rejections (read): check that the number is active and messaging-enabled",
    ),
    Code(
        "40002",
        "Blocked as spam (temporary)",
        "number_health",
        f"{ERRORS_PAGE}, carrier rejections (read): reduce the rate, review the content",
    ),
    Code(
        "40003",
        "Blocked as spam (permanent)",
        "number_health",
        f"{ERRORS_PAGE}, carrier rejections (read): the number is blocked; send from another one",
    ),
    Code(
        "40001",
        "Not routable",
        None,
        f"{ERRORS_PAGE}, carrier rejections (read)",
        advice="the destination is a landline or cannot take messages: check the number",
    ),
    Code(
        "40012",
        "Invalid destination number",
        None,
        f"https://developers.telnyx.com/api/errors/40012; {ERRORS_PAGE}, carrier rejections (read)",
        advice="the carrier found the destination invalid (not owned, deactivated, no credit): check the number",
    ),
)

BY_CODE: dict[str, Code] = {row.code: row for row in ROWS}

# Words of an error's own title that name a cause, for a code no row has (lower case, all present).
TITLE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("stop",), "40300"),
    (("opted", "out"), "40300"),
    (("white",), "40309"),
    (("destination", "region"), "40309"),
    (("10dlc",), "40010"),
    (("toll", "verif"), "40329"),
    (("spend", "limit"), "40333"),
    (("invalid", "from"), "40305"),
)


def lookup(code: str, title: str = "") -> tuple[Code | None, str]:
    """The row for an error, and how it was found: ``"code"``, ``"title"`` or ``""`` (not found)."""
    row = BY_CODE.get(code.strip())
    if row is not None:
        return row, "code"
    words = title.lower()
    for needed, known in TITLE_WORDS:
        if words and all(w in words for w in needed):
            return BY_CODE[known], "title"
    return None, ""
