"""The error codes of a message that ``doctor --message`` explains: which check finds the cause.

A message (``GET /messages/{id}``) carries ``errors[]``, each with a ``code`` and a ``title``.  Each
row below names the check that explains the code; ``doctor --message`` runs that check against the
account as it is now and says whether the cause remains.  Each row names its source, and whether
msgprof read the code's number there (``confirmed``) or not: the stored copy of Telnyx's
"Messaging Error Code Reference" msgprof could read ends before its configuration (403xx) section,
so three numbers are as that reference is recalled, and a title says the same cause too.

A code no row has is looked up by its title (``by_title``: words the API's own title carries, e.g.
"whitelist", "10DLC"); what neither finds is an unknown cause, said plainly, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

ERRORS_PAGE = "https://developers.telnyx.com/docs/messaging/messages/error-codes"
SPEND_PAGE = "https://developers.telnyx.com/docs/messaging/messages/configurable-spend-limits"


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
        "issue 29 and msgprof's doctor since issue 23 (a number on no messaging profile); the title as the API "
        f"answers it; not read at {ERRORS_PAGE} (msgprof's copy ends before the 403xx rows)",
        confirmed=False,
    ),
    Code(
        "40309",
        "Invalid destination region (not in the profile's whitelisted destinations)",
        "destination_whitelisted",
        f"{ERRORS_PAGE}, configuration errors: number as recalled, not read in msgprof's copy; the title words "
        "'whitelist'/'destination region' are matched too",
        confirmed=False,
    ),
    Code(
        "40010",
        "Not 10DLC registered",
        "10dlc_assignment",
        f"{ERRORS_PAGE}: number as recalled, not read in msgprof's copy; the title word '10DLC' is matched too",
        confirmed=False,
    ),
    Code(
        "40329",
        "Toll-free number not verified",
        "toll_free_verification",
        f"{ERRORS_PAGE}: number as recalled, not read in msgprof's copy; the title words 'toll-free' and "
        "'verif' are matched too",
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
        f"{ERRORS_PAGE} (carrier rejections: check that the number is active and messaging-enabled)",
    ),
    Code(
        "40002",
        "Blocked as spam (temporary)",
        "number_health",
        f"{ERRORS_PAGE} (carrier rejections: reduce the rate, review the content)",
    ),
    Code(
        "40003",
        "Blocked as spam (permanent)",
        "number_health",
        f"{ERRORS_PAGE} (carrier rejections: the number is blocked; send from another one)",
    ),
    Code(
        "40001",
        "Not routable",
        None,
        f"{ERRORS_PAGE} (carrier rejections)",
        advice="the destination is a landline or cannot take messages: check the number",
    ),
    Code(
        "40012",
        "Invalid destination number",
        None,
        "https://developers.telnyx.com/api/errors/40012",
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
