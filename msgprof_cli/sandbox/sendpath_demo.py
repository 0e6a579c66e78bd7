"""The send path's demo data (``msgprof sandbox --demo-data``): one sender of each outcome.

Added beside the two demo profiles, never changing them: a third profile, ``Demo US Senders`` (US),
holds new numbers (in the 555-01XX range reserved for fiction), one for each 10DLC and toll-free
outcome; the demo's toll-free numbers get a verified request, so they stay ready to send. The
ids are fixed, so the docs can name them (``msgprof doctor --message ...``).
"""

from __future__ import annotations

import random
from typing import Any

from msgprof_cli.sandbox import metrics, profiles, sendpath
from msgprof_cli.sandbox.state import SENDPATH, State, number_record

PROFILE = {"name": "Demo US Senders", "whitelisted_destinations": ["US"]}

ASSIGNED = "+16465550100"  # approved campaign of a verified brand: ready
PENDING = "+16465550101"  # assignment PENDING_ASSIGNMENT (seeded: stays pending)
FAILED = "+16465550102"  # FAILED_ASSIGNMENT with failureReasons
UNASSIGNED = "+16465550103"  # no assignment: 404
UNVERIFIED_BRAND = "+16465550104"  # assigned to a campaign whose brand is unverified
TF_REJECTED = "+18775550100"  # toll-free verification Rejected, with its reason
HOSTED_PENDING = "+17185550100"  # a hosted SMS number whose hosting is pending
OPTED_OUT = "+13125550142"  # texted STOP to ASSIGNED: blocked on the whole Demo US Senders profile
NEW_NUMBERS = (ASSIGNED, PENDING, FAILED, UNASSIGNED, UNVERIFIED_BRAND, TF_REJECTED)

BRAND_OK = "4b20017f-8da9-4a92-a6c0-683072fb7729"
BRAND_UNVERIFIED = "4b20017f-8da9-4a92-a6c0-683072fb7730"
CAMPAIGN_OK = "3008dd9f-66d7-40e0-bf23-bf2d8d1a96ba"
CAMPAIGN_UNVERIFIED_BRAND = "3008dd9f-66d7-40e0-bf23-bf2d8d1a96bb"
TF_VERIFIED_REQUEST = "eaba9f52-164e-48e0-b002-4f668e18b7ed"
TF_REJECTED_REQUEST = "eaba9f52-164e-48e0-b002-4f668e18b7ee"
HOSTED_ID = "1293384261075731600"
MESSAGE_OPTED_OUT = "40300000-0000-4000-8000-000000000001"  # errors: 40300
MESSAGE_NOT_ON_PROFILE = "40305000-0000-4000-8000-000000000002"  # errors: 40305
MESSAGE_DELIVERED = "20000000-0000-4000-8000-000000000003"
MESSAGE_UNREGISTERED = "40010000-0000-4000-8000-000000000004"  # errors: 40010, from UNASSIGNED
NOT_ON_PROFILE = "+14155550101"  # the 40305 message's sender: a demo long code, on no profile

FAILURE_REASONS = "Phone number is not provisioned for messaging with the carrier; contact support"
BRAND_FAILURE = "Tax ID (EIN) does not match the legal company name"
TF_REASON = "Opt-in workflow is not documented: add a screenshot of the opt-in form"
WHEN = "2026-01-05T09:00:00.000Z"


def seed(state: State, demo_profile_ids: list[str], now: float, seed: int | None) -> None:
    """The send-path demo: into an empty send path only, after the demo profiles and their
    metrics were made (so theirs are as they were; this profile's are low-volume)."""
    # long: the demo's records are written out as data, each outcome beside its neighbours
    with state.lock:
        if any(state.sendpath[k] for k in SENDPATH):
            return
    profile = profiles.create(state, dict(PROFILE))
    pid = profile["id"]
    rng = random.Random(seed if seed is not None else 0)
    with state.lock:
        for tf in metrics.TIME_FRAMES:
            state.metrics.append(
                {"messaging_profile_id": pid, "time_frame": tf, "intervals": metrics.demo_series(now, tf, rng, 90)}
            )
        for n in NEW_NUMBERS:
            if state.number(n) is None:
                state.related["phone_numbers"].append(number_record({"phone_number": n, "messaging_profile_id": pid}))
        toll_free = [
            n["phone_number"]
            for n in state.related["phone_numbers"]
            if n.get("messaging_profile_id") in demo_profile_ids and n.get("type") == "tollfree"
        ]
        data: dict[str, list[dict[str, Any]]] = {
            "brands": [
                {"brandId": BRAND_OK, "tcrBrandId": "BDEMO01", "displayName": "Demo Co", "companyName": "Demo Co Inc."},
                {
                    "brandId": BRAND_UNVERIFIED,
                    "tcrBrandId": "BDEMO02",
                    "displayName": "Demo Unverified",
                    "companyName": "Demo Unverified LLC",
                    "status": "REGISTRATION_FAILED",
                    "identityStatus": "UNVERIFIED",
                    "failureReasons": BRAND_FAILURE,
                },
            ],
            "campaigns": [
                {
                    "campaignId": CAMPAIGN_OK,
                    "tcrCampaignId": "CDEMO01",
                    "brandId": BRAND_OK,
                    "tcrBrandId": "BDEMO01",
                    "brandDisplayName": "Demo Co",
                    "description": "Account notifications for Demo Co customers",
                    "usecase": "ACCOUNT_NOTIFICATION",
                    "campaignStatus": "MNO_PROVISIONED",
                    "status": "ACTIVE",
                },
                {
                    "campaignId": CAMPAIGN_UNVERIFIED_BRAND,
                    "tcrCampaignId": "CDEMO02",
                    "brandId": BRAND_UNVERIFIED,
                    "tcrBrandId": "BDEMO02",
                    "brandDisplayName": "Demo Unverified",
                    "description": "Marketing for a brand whose identity is not verified",
                    "usecase": "MARKETING",
                    "campaignStatus": "TCR_PENDING",
                    # the spec's TelnyxCampaign_CSP.status: "Possible values: ACTIVE, EXPIRED"
                    "status": "ACTIVE",
                },
            ],
            "phone_number_campaigns": [
                _assignment(ASSIGNED, CAMPAIGN_OK, BRAND_OK, "ASSIGNED"),
                _assignment(PENDING, CAMPAIGN_OK, BRAND_OK, "PENDING_ASSIGNMENT"),
                {**_assignment(FAILED, CAMPAIGN_OK, BRAND_OK, "FAILED_ASSIGNMENT"), "failureReasons": FAILURE_REASONS},
                _assignment(UNVERIFIED_BRAND, CAMPAIGN_UNVERIFIED_BRAND, BRAND_UNVERIFIED, "ASSIGNED"),
            ],
            "tollfree_verifications": [
                {
                    "id": TF_VERIFIED_REQUEST,
                    "businessName": "Demo Co Inc.",
                    "phoneNumbers": [{"phoneNumber": n} for n in toll_free],
                    "verificationStatus": "Verified",
                    "_history": [
                        {"verificationStatus": "In Progress", "reason": None, "updatedAt": "2026-01-02T10:00:00.000Z"},
                        {"verificationStatus": "Verified", "reason": None, "updatedAt": WHEN},
                    ],
                },
                {
                    "id": TF_REJECTED_REQUEST,
                    "businessName": "Demo Co Inc.",
                    "phoneNumbers": [{"phoneNumber": TF_REJECTED}],
                    "verificationStatus": "Rejected",
                    "reason": TF_REASON,
                    "_history": [
                        {"verificationStatus": "In Progress", "reason": None, "updatedAt": "2026-01-02T10:00:00.000Z"},
                        {"verificationStatus": "Rejected", "reason": TF_REASON, "updatedAt": WHEN},
                    ],
                },
            ],
            "optouts": [
                {"from": ASSIGNED, "to": OPTED_OUT, "messaging_profile_id": pid, "keyword": "STOP", "created_at": WHEN}
            ],
            "hosted_numbers": [
                # status: not a field of the spec's PhoneNumberWithMessagingSettings; issue 29 names
                # it for hosted numbers (successful, pending, failed_*...)
                {"id": HOSTED_ID, "phone_number": HOSTED_PENDING, "messaging_profile_id": pid, "status": "pending"}
            ],
            "messages": [
                _message(
                    MESSAGE_OPTED_OUT,
                    ASSIGNED,
                    OPTED_OUT,
                    pid,
                    "delivery_failed",
                    "40300",
                    "Blocked due to STOP message",
                    "The recipient opted out of messages from this profile.",
                ),
                _message(
                    MESSAGE_NOT_ON_PROFILE,
                    NOT_ON_PROFILE,
                    "+13125550143",
                    None,
                    "sending_failed",
                    "40305",
                    "Invalid 'from' address",
                    "The sending number is not on a messaging profile.",
                ),
                _message(MESSAGE_DELIVERED, ASSIGNED, "+13125550144", pid, "delivered"),
                _message(
                    MESSAGE_UNREGISTERED,
                    UNASSIGNED,
                    "+13125550145",
                    pid,
                    "delivery_failed",
                    "40010",
                    "Not 10DLC registered",
                    "The carrier requires the sending long code to be registered for 10DLC; it is not.",
                ),
            ],
        }
        state.sendpath = sendpath.completed(data)
        state.save()


def _assignment(number: str, campaign: str, brand: str, status: str) -> dict[str, Any]:
    return {
        "phoneNumber": number,
        "campaignId": campaign,
        "telnyxCampaignId": campaign,
        "brandId": brand,
        "assignmentStatus": status,
    }


def _message(
    ident: str, sender: str, to: str, pid: str | None, status: str, code: str = "", title: str = "", detail: str = ""
) -> dict[str, Any]:
    # 40300, 40305, 40010: codes issue 29 names (opted out; not on a profile; unregistered 10DLC);
    # each one's number, title and source, and how far msgprof could confirm it, are the rows of
    # document/message_codes.py (the detail texts are the sandbox's own words)
    errors = [{"code": code, "title": title, "detail": detail}] if code else []
    return {
        "id": ident,
        "from": {"phone_number": sender, "carrier": "Telnyx", "line_type": "VoIP"},
        "to": [{"phone_number": to, "status": status, "carrier": "Demo Wireless", "line_type": "Wireless"}],
        **({"messaging_profile_id": pid} if pid else {}),
        "text": "Your order has shipped",
        "errors": errors,
        "sent_at": WHEN if status != "sending_failed" else None,
        "completed_at": WHEN,
    }
