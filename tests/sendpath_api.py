"""A scripted send-path API on 127.0.0.1, stricter than the sandbox, for doctor's new checks.

It answers the shapes of telnyx-send-path.openapi.yaml exactly: the 10DLC operations bare
(PhoneNumberCampaign, TelnyxCampaign_CSP, TelnyxBrand), their list as ``records``/``page``/
``totalRecords``; the toll-free verification list as ``records``/``total_records``; opt-outs and
hosted numbers as ``data``/``meta``; one message as ``data``.  It keeps duplicate assignments,
answers 403 on the paths in ``forbid`` (a key that may not use 10DLC, say), can clamp the toll-free
page size, and records every request (method, path, query) in ``received``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from msgprof_cli.sandbox.server import stop_serving

JSON = dict[str, Any]
NOT_FOUND = {"errors": [{"code": "10005", "title": "Resource not found", "detail": "not found"}]}
FORBIDDEN = {"errors": [{"code": "10010", "title": "Authorization failed", "detail": "not allowed"}]}


class SendPathApi:
    def __init__(self) -> None:
        self.numbers: list[JSON] = []
        self.profiles: dict[str, JSON] = {}
        self.short_codes: dict[str, list[JSON]] = {}
        self.sender_ids: list[JSON] = []
        self.optouts: list[JSON] = []
        self.hosted: list[JSON] = []
        self.assignments: list[JSON] = []
        self.campaigns: dict[str, JSON] = {}
        self.brands: dict[str, JSON] = {}
        self.tf_requests: list[JSON] = []
        self.messages: dict[str, JSON] = {}
        self.forbid: tuple[str, ...] = ()
        self.unauthorized: tuple[str, ...] = ()  # paths answered 401
        self.override: dict[str, tuple[int, Any]] = {}  # path -> (status, body), answered as given
        self.clamp_toll_free: int | None = None
        self.latency = 0.0  # seconds before each answer (the bench's stand-in for the API's latency)
        self.received: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 64 * 1024

            def log_message(self, *a: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                url = urlsplit(self.path)
                where = unquote(url.path)
                query = dict(parse_qsl(url.query))
                with api.lock:
                    api.received.append(("GET", where, query))
                if any(where.startswith(p) for p in api.forbid):
                    return self.answer(403, FORBIDDEN)
                if any(where.startswith(p) for p in api.unauthorized):
                    return self.answer(401, FORBIDDEN)
                if where in api.override:
                    return self.answer(*api.override[where])
                with api.lock:
                    status, body = api.route(where.removeprefix("/v2"), query)
                if api.latency:
                    time.sleep(api.latency)
                self.answer(status, body)

            def answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # ------------------------------------------------------------------ routes

    def route(self, where: str, q: dict[str, str]) -> tuple[int, Any]:
        parts = where.strip("/").split("/")
        if where == "/phone_numbers/messaging":
            found = [
                n
                for n in self.numbers
                if ("filter[phone_number]" not in q or n["phone_number"] in q["filter[phone_number]"].split(","))
                and (
                    "filter[messaging_profile_id]" not in q
                    or n.get("messaging_profile_id") == q["filter[messaging_profile_id]"]
                )
            ]
            return 200, _paged(found, q)
        if parts[0] == "messaging_profiles" and len(parts) == 1:
            name = q.get("filter[name][eq]")
            return 200, _paged([p for p in self.profiles.values() if name in (None, p.get("name"))], q)
        if parts[0] == "messaging_profiles" and len(parts) == 2:
            p = self.profiles.get(parts[1])
            return (200, {"data": p}) if p else (404, NOT_FOUND)
        if parts[0] == "messaging_profiles" and parts[2:] == ["short_codes"]:
            return 200, _paged(self.short_codes.get(parts[1], []), q)
        if where == "/alphanumeric_sender_ids":
            pid = q.get("filter[messaging_profile_id]")
            return 200, _paged([a for a in self.sender_ids if pid in (None, a.get("messaging_profile_id"))], q)
        if where == "/messaging_optouts":
            pid = q.get("filter[messaging_profile_id]")
            return 200, _paged([o for o in self.optouts if pid in (None, o.get("messaging_profile_id"))], q)
        if where == "/messaging_hosted_numbers":
            number = q.get("filter[phone_number]")
            return 200, _paged([h for h in self.hosted if number in (None, h["phone_number"])], q)
        if parts[:2] == ["10dlc", "phone_number_campaigns"]:
            if len(parts) == 3:
                found = [a for a in self.assignments if a["phoneNumber"] == parts[2]]
                return (200, found[0]) if found else (404, NOT_FOUND)
            page, size = int(q.get("page", 1)), int(q.get("recordsPerPage", 20))
            chunk = self.assignments[(page - 1) * size : page * size]
            return 200, {"records": chunk, "page": page, "totalRecords": len(self.assignments)}
        if parts[:2] == ["10dlc", "campaign"] and len(parts) == 3:
            c = self.campaigns.get(parts[2])
            return (200, c) if c else (404, NOT_FOUND)
        if parts[:2] == ["10dlc", "brand"] and len(parts) == 3:
            b = self.brands.get(parts[2])
            return (200, b) if b else (404, NOT_FOUND)
        if where == "/messaging_tollfree/verification/requests":
            number = q.get("phone_number")
            found = [
                r
                for r in self.tf_requests
                if number is None or any(p["phoneNumber"] == number for p in r["phoneNumbers"])
            ]
            page, size = int(q["page"]), int(q["page_size"])
            size = min(size, self.clamp_toll_free or size)
            return 200, {"records": found[(page - 1) * size : page * size], "total_records": len(found)}
        if parts[0] == "messages" and len(parts) == 2:
            m = self.messages.get(parts[1])
            return (200, {"data": m}) if m else (404, NOT_FOUND)
        return 404, NOT_FOUND

    # ------------------------------------------------------------------ helpers for tests

    def paths(self) -> list[str]:
        return [f"{m} {p}" for m, p, _ in self.received]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v2"

    def __enter__(self) -> SendPathApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        stop_serving(self.httpd)
        self.httpd.server_close()


def _paged(items: list[JSON], q: dict[str, str]) -> JSON:
    page, size = int(q.get("page[number]", 1)), int(q.get("page[size]", 20))
    chunk = items[(page - 1) * size : page * size]
    total_pages = max(1, math.ceil(len(items) / size))
    meta = {"page_number": page, "page_size": size, "total_pages": total_pages, "total_results": len(items)}
    return {"data": chunk, "meta": meta}


# ---------------------------------------------------------------------- records as the spec shapes them


def number(phone: str, profile: str | None, *, kind: str = "longcode", country: str = "US", **extra: Any) -> JSON:
    both = {"domestic_two_way": True, "international_inbound": True, "international_outbound": True}
    return {
        "id": phone.lstrip("+"),
        "record_type": "messaging_settings",
        "phone_number": phone,
        "messaging_profile_id": profile,
        "type": kind,
        "country_code": country,
        "features": {"sms": both, "mms": None},
        "eligible_messaging_products": ["A2P"],
        "messaging_product": "A2P",
        "health": {"message_count": 0, "inbound_outbound_ratio": 0, "spam_ratio": 0, "success_ratio": 0},
        **extra,
    }


def profile(pid: str, name: str, **extra: Any) -> JSON:
    return {
        "id": pid,
        "record_type": "messaging_profile",
        "name": name,
        "enabled": True,
        "whitelisted_destinations": ["US", "CA"],
        "webhook_url": "https://example.com/hooks",
        "daily_spend_limit_enabled": False,
        **extra,
    }


def assignment(phone: str, campaign: str, status: str = "ASSIGNED", brand: str | None = "b-1", **extra: Any) -> JSON:
    out = {
        "phoneNumber": phone,
        "campaignId": campaign,
        "telnyxCampaignId": campaign,
        "tcrCampaignId": "CABC123",
        "assignmentStatus": status,
        "createdAt": "2026-12-01T10:00:00.000000",
        "updatedAt": "2026-12-02T10:00:00.000000",
        **extra,
    }
    if brand is not None:
        out["brandId"] = brand
    return out


def campaign(cid: str, campaign_status: str = "MNO_PROVISIONED", brand: str = "b-1", **extra: Any) -> JSON:
    return {
        "campaignId": cid,
        "brandId": brand,
        "cspId": "CSP1",
        "description": "alerts",
        "mock": False,
        "subUsecases": [],
        "termsAndConditions": True,
        "usecase": "ACCOUNT_NOTIFICATION",
        "campaignStatus": campaign_status,
        "status": "ACTIVE",
        **extra,
    }


def brand(bid: str, status: str = "OK", identity: str = "VERIFIED", **extra: Any) -> JSON:
    return {
        "brandId": bid,
        "entityType": "PRIVATE_PROFIT",
        "displayName": "Acme",
        "country": "US",
        "email": "ops@example.com",
        "vertical": "TECHNOLOGY",
        "brandRelationship": "BASIC_ACCOUNT",
        "status": status,
        "identityStatus": identity,
        **extra,
    }


def tf_request(rid: str, phones: list[str], status: str, **extra: Any) -> JSON:
    return {
        "id": rid,
        "verificationStatus": status,
        "phoneNumbers": [{"phoneNumber": p} for p in phones],
        "businessName": "Acme",
        "corporateWebsite": "https://example.com",
        "createdAt": "2026-12-01T10:00:00Z",
        "updatedAt": "2026-12-02T10:00:00Z",
        **extra,
    }
