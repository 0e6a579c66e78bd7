"""What each registration state means for a message sent now: one table per documented enum.

``doctor`` reads a sender's registration from the API (``api/sendpath.py``) and judges each state
here, so that the route check, ``doctor --all``, ``doctor -f`` and ``doctor --message`` can never
disagree.  The verdict is what would happen to a message sent now:

* ``pass``: it is sent;
* ``fail``: it is refused or filtered (the meaning says what the state waits for);
* ``warn``: it is sent, but something is off (it will stop soon, say);
* ``unknown``: msgprof cannot tell.  A value no table knows is ``unknown``, never ``pass``.

The values are every value of the enums of ``telnyx-send-path.openapi.yaml`` (the official spec,
commit 12de4dd, 2026-07-16), schema by schema:

* ``PhoneNumberCampaign.assignmentStatus`` (a number's 10DLC assignment);
* ``TelnyxCampaign_CSP.campaignStatus``, and its ``status`` (free text in the spec, whose
  description names "ACTIVE, EXPIRED");
* ``TelnyxBrand.status`` and ``BrandIdentityStatus`` (``identityStatus``);
* ``TFVerificationStatus`` (a toll-free number's ``verificationStatus``);
* the hosted number's ``status``: the spec's ``/messaging_hosted_numbers`` answers
  ``PhoneNumberWithMessagingSettings``, which has no status; the official Python SDK's
  ``HostedNumber.status`` (team-telnyx/telnyx-python, ``src/telnyx/types/shared/hosted_number.py``)
  lists these twelve values, and doctor reads the field when an answer has it.

Why a state blocks: US carriers take A2P traffic from a 10DLC number only once it is assigned to a
campaign the carriers have provisioned (``MNO_PROVISIONED``), of a registered brand; a US or
Canadian toll-free number sends only once verified (Telnyx, "10DLC Troubleshooting Guide" and
"Toll-Free Verification Troubleshooting", developers.telnyx.com/docs/messaging/10dlc/troubleshooting
and .../toll-free-verification/troubleshooting).  The judgement of a state the docs do not spell
out (a campaign accepted by the carriers but not yet provisioned, an unassignment pending) is
msgprof's, and the meaning says what it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["pass", "fail", "warn", "unknown"]


@dataclass(frozen=True)
class Verdict:
    status: Status
    meaning: str  # a few words, read after the value: "PENDING_ASSIGNMENT: <meaning>"
    waiting: bool = False  # a fail that waits on someone else: no fix but time


def _v(status: Status, meaning: str, *, waiting: bool = False) -> Verdict:
    return Verdict(status, meaning, waiting)


# PhoneNumberCampaign.assignmentStatus
ASSIGNMENT: dict[str, Verdict] = {
    "ASSIGNED": _v("pass", "the number is assigned to the campaign"),
    "PENDING_ASSIGNMENT": _v("fail", "the assignment is pending: messages are refused until it is done", waiting=True),
    "FAILED_ASSIGNMENT": _v("fail", "the assignment failed"),
    "PENDING_UNASSIGNMENT": _v("warn", "the number is being removed from the campaign: messages stop once it is"),
    "FAILED_UNASSIGNMENT": _v("warn", "removing the number from the campaign failed: it is still assigned"),
}

# TelnyxCampaign_CSP.campaignStatus: the campaign's way through the registry (TCR), Telnyx's review
# and the mobile network operators (MNO).  Only a provisioned campaign carries traffic.
CAMPAIGN_STATUS: dict[str, Verdict] = {
    "TCR_PENDING": _v("fail", "waits for the campaign registry (TCR)", waiting=True),
    "TCR_SUSPENDED": _v("fail", "suspended by the campaign registry (TCR)"),
    "TCR_EXPIRED": _v("fail", "expired at the campaign registry (TCR)"),
    "TCR_ACCEPTED": _v("fail", "accepted by the registry; waits for Telnyx's review and the carriers", waiting=True),
    "TCR_FAILED": _v("fail", "refused by the campaign registry (TCR)"),
    "TELNYX_ACCEPTED": _v("fail", "accepted by Telnyx; waits for the carriers", waiting=True),
    "TELNYX_FAILED": _v("fail", "refused by Telnyx's review"),
    "MNO_PENDING": _v("fail", "waits for the carriers' review", waiting=True),
    "MNO_ACCEPTED": _v("fail", "accepted by the carriers; waits to be provisioned", waiting=True),
    "MNO_REJECTED": _v("fail", "rejected by the carriers"),
    "MNO_PROVISIONED": _v("pass", "provisioned by the carriers"),
    "MNO_PROVISIONING_FAILED": _v("fail", "provisioning at the carriers failed"),
}

# TelnyxCampaign_CSP.status ("Possible values: ACTIVE, EXPIRED")
CAMPAIGN_LIFECYCLE: dict[str, Verdict] = {
    "ACTIVE": _v("pass", "the campaign is active"),
    "EXPIRED": _v("fail", "the campaign expired"),
}

# TelnyxBrand.status
BRAND_STATUS: dict[str, Verdict] = {
    "OK": _v("pass", "the brand is registered"),
    "REGISTRATION_PENDING": _v("fail", "the brand's registration is pending", waiting=True),
    "REGISTRATION_FAILED": _v("fail", "the brand's registration failed"),
}

# BrandIdentityStatus (TelnyxBrand.identityStatus)
BRAND_IDENTITY: dict[str, Verdict] = {
    "VERIFIED": _v("pass", "the brand's identity is verified"),
    "VETTED_VERIFIED": _v("pass", "the brand is verified and vetted"),
    "SELF_DECLARED": _v("warn", "a sole proprietor brand, self-declared: lower throughput"),
    "UNVERIFIED": _v("fail", "the brand's identity could not be verified"),
}

# TFVerificationStatus (VerificationRequestStatus.verificationStatus)
TOLL_FREE: dict[str, Verdict] = {
    "Verified": _v("pass", "the toll-free number is verified"),
    "Rejected": _v("fail", "the verification request was rejected"),
    "Waiting For Vendor": _v("fail", "the verification waits for the carriers' review", waiting=True),
    "Waiting For Customer": _v("fail", "the verification waits for you: the request needs an answer"),
    "Waiting For Telnyx": _v("fail", "the verification waits for Telnyx's review", waiting=True),
    "In Progress": _v("fail", "the verification is in progress", waiting=True),
}

# HostedNumber.status (the official Python SDK; see the module docstring)
HOSTED: dict[str, Verdict] = {
    "successful": _v("pass", "the number is hosted: messaging works"),
    "pending": _v("fail", "hosting is pending", waiting=True),
    "provisioning": _v("fail", "hosting is being provisioned", waiting=True),
    "failed": _v("fail", "hosting failed"),
    "failed_activation": _v("fail", "hosting failed: activation"),
    "failed_carrier_rejected": _v("fail", "hosting failed: the number's carrier rejected it"),
    "failed_ineligible_carrier": _v("fail", "hosting failed: the number's carrier does not allow it"),
    "failed_number_already_hosted": _v("fail", "hosting failed: the number is hosted elsewhere"),
    "failed_number_not_found": _v("fail", "hosting failed: the number was not found"),
    "failed_ownership_verification": _v("fail", "hosting failed: ownership was not verified"),
    "failed_timeout": _v("fail", "hosting failed: it timed out"),
    "deleted": _v("fail", "the hosting order was deleted"),
}

TABLES: dict[str, dict[str, Verdict]] = {
    "assignmentStatus": ASSIGNMENT,
    "campaignStatus": CAMPAIGN_STATUS,
    "status (campaign)": CAMPAIGN_LIFECYCLE,
    "status (brand)": BRAND_STATUS,
    "identityStatus": BRAND_IDENTITY,
    "verificationStatus": TOLL_FREE,
    "status (hosted number)": HOSTED,
}

ORDER: dict[Status, int] = {"pass": 0, "unknown": 1, "warn": 2, "fail": 3}


def judge(table: dict[str, Verdict], value: object) -> Verdict:
    """The verdict of one value; what the table does not know is ``unknown`` (never ``pass``)."""
    if isinstance(value, str) and value in table:
        return table[value]
    if value is None or value == "":
        return _v("unknown", "the API gave no value")
    return _v("unknown", "a value msgprof does not know")


def worst(*statuses: Status) -> Status:
    """The status that says most about a message: fail, then warn, then unknown, then pass."""
    return max(statuses, key=ORDER.__getitem__, default="unknown")
