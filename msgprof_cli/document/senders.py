"""Where an alphanumeric sender ID can send: the one table ``doctor`` reads (docs/doctor.md shows it).

Source: Telnyx developer documentation, "Alphanumeric Sender ID"
(developers.telnyx.com/docs/messaging/messages/alphanumeric-sender-id, read 2026-12-03):

* "Alphanumeric senders cannot send to the United States, Canada, or Puerto Rico."
* "If you need to reach US or Canadian recipients, configure a fallback long code"; the API's
  ``us_long_code_fallback`` is "a US long code number to use as fallback when sending to US
  destinations" (telnyx-messaging-setup.openapi.yaml).  The fallback is documented for the US
  and Canada, not for Puerto Rico.
* "Some countries require sender ID pre-registration. Check with Telnyx support": which ones is
  not published, so for every other country the registration is something msgprof cannot see.
* Alphanumeric senders send SMS only: no MMS, no inbound messages.
* A sender ID is 1-11 letters, digits or spaces, with at least one letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE = "Telnyx docs, Alphanumeric Sender ID (developers.telnyx.com/docs/messaging/messages/alphanumeric-sender-id)"
# 1-11 letters, digits or spaces (the profile's alpha_sender pattern), and at least one letter.
SENDER_ID = re.compile(r"(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11}")


@dataclass(frozen=True)
class Refusal:
    """A country that refuses alphanumeric senders, and whether a US long-code fallback reaches it."""

    country: str
    name: str
    fallback: bool  # documented: the fallback long code carries messages there


REFUSING: dict[str, Refusal] = {
    r.country: r
    for r in (
        Refusal("US", "United States", fallback=True),
        Refusal("CA", "Canada", fallback=True),
        Refusal("PR", "Puerto Rico", fallback=False),
    )
}


def is_sender_id(text: str) -> bool:
    return SENDER_ID.fullmatch(text) is not None
