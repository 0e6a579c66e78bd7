"""A 10DLC API less forgiving than the sandbox, on 127.0.0.1 (the hostile API's, plus assignments).

It serves ``/10dlc/phone_number_campaigns`` as telnyx-send-path.openapi.yaml shapes it (bare
PhoneNumberCampaign objects; the list as ``records``/``page``/``totalRecords``) and otherwise
what tests/hostile_api.py serves (profiles, numbers...).  Unlike the sandbox:

* it **keeps duplicates**: a second POST for a number makes a second assignment (the list shows
  both; the single GET answers the first), so a client that sends an assignment twice makes two;
* ``late``: a POST answers nothing and commits when the ``commit_after``-th request after it
  arrives (the hostile API's late commit);
* ``gateway``: a POST is answered 504 at once and commits the same way, late: a gateway that gave
  up while the API behind it went on;
* ``pending``: an assignment made here is PENDING_ASSIGNMENT for that many GETs of its number;
* ``forbid``: every 10DLC path answers 403 (an account that may not use them);
* ``echo``: quotes the request back (the key and any secret sent with it): ``"error"``, every
  10DLC write answers 422 with the request's headers and body in its ``detail``; ``"record"``, an
  assignment is made FAILED_ASSIGNMENT with them as its ``failureReasons`` (a 2xx answer's data);
* ``answers_for``: {asked: answered}: the single-number path of ``asked`` answers (and writes)
  the assignment of ``answered`` (a proxy or cache that mixes numbers up).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from hostile_api import HostileApi

NOT_FOUND = {"errors": [{"code": "10005", "title": "Resource not found", "detail": "no assignment"}]}


class CampaignApi(HostileApi):
    def __init__(
        self,
        *,
        late: int = 0,
        commit_after: int = 1,
        gateway: int = 0,
        pending: int = 0,
        forbid: bool = False,
        echo: str = "",
        answers_for: dict[str, str] | None = None,
    ) -> None:
        super().__init__(late=late, commit_after=commit_after)
        self.gateway_504s, self.pending, self.forbid = gateway, pending, forbid  # not the base's gateway (a status)
        self.echo, self.answers_for = echo, answers_for or {}
        self.assignments: list[dict[str, Any]] = []  # duplicates kept; "_polls" is not answered

    def __enter__(self) -> CampaignApi:
        super().__enter__()
        return self

    def assigned(self, number: str, campaign: str, status: str = "ASSIGNED", **more: Any) -> None:
        self.assignments.append({"phoneNumber": number, "campaignId": campaign, "assignmentStatus": status, **more})

    def count(self, method: str) -> int:
        return sum(1 for m, p in self.paths if m == method and "/10dlc/" in p)

    def handle(self, method: str, raw: str, body: dict[str, Any]) -> tuple[int, Any] | None:
        split = urlsplit(raw)
        parts = [unquote(p) for p in split.path.split("/")[2:]]
        if parts[:2] != ["10dlc", "phone_number_campaigns"]:
            return super().handle(method, raw, body)
        if self.forbid:
            return 403, {"errors": [{"code": "10010", "title": "Forbidden", "detail": "10DLC is not enabled"}]}
        if self.echo == "error" and method != "GET":
            detail = f"refused {method} {raw} with headers {self.headers!r} and body {body!r}"
            return 422, {"errors": [{"code": "10015", "title": "Invalid request", "detail": detail}]}
        number = parts[2] if len(parts) > 2 else None
        number = self.answers_for.get(number, number) if number else number
        if number is None and method == "GET":
            query = dict(parse_qsl(split.query))
            size, page = int(query.get("recordsPerPage", "20")), int(query.get("page", "1"))
            shown = [self._public(a) for a in self.assignments]
            return 200, {"records": shown[(page - 1) * size : page * size], "page": page, "totalRecords": len(shown)}
        if number is None and method == "POST":
            record = {
                "phoneNumber": body["phoneNumber"],
                "campaignId": body["campaignId"],
                "assignmentStatus": "PENDING_ASSIGNMENT" if self.pending else "ASSIGNED",
                "createdAt": datetime.now(timezone.utc).isoformat(timespec="microseconds")[:26],
                "_polls": self.pending,
            }
            if self.echo == "record":
                record.update(assignmentStatus="FAILED_ASSIGNMENT", _polls=0)
                record["failureReasons"] = f"refused with headers {self.headers!r} and body {body!r}"
            commit = lambda: self.assignments.append(record)  # noqa: E731 - one line, as the base's
            if self.gateway_504s > 0:
                self.gateway_504s -= 1
                self.held.append((len(self.paths) + self.commit_after, commit))
                return 504, {"errors": [{"code": "10007", "title": "Gateway timeout", "detail": "upstream"}]}
            return (200, self._public(record)) if self._store(commit) else None
        found = [a for a in self.assignments if a["phoneNumber"] == number]
        if not found:
            return 404, NOT_FOUND
        if method == "GET":
            record = found[0]
            if record.get("_polls", 0) > 0:
                record["_polls"] -= 1
                if record["_polls"] == 0:
                    record["assignmentStatus"] = "ASSIGNED"
            return 200, self._public(record)
        if method == "PUT":
            for a in found:
                a.update(campaignId=body["campaignId"], assignmentStatus="ASSIGNED")
            return 200, self._public(found[0])
        if method == "DELETE":
            self.assignments.remove(found[0])
            return 200, self._public(found[0])
        return 405, {"errors": [{"code": "10000", "title": "Method not allowed"}]}

    @staticmethod
    def _public(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if not k.startswith("_")}
