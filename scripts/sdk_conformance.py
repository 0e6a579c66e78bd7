"""Drive the official Telnyx Python SDK against the sandbox, in strict mode (``make sdk-conformance``).

Every messaging-profile, phone-number, bulk-update, sender-ID and auto-response operation of the
SDK is called once (lists also page through more than one page), with
``_strict_response_validation=True``: the SDK parses every answer into its own models and fails
on any answer that does not fit them.  Each operation also checks the round trip (what was sent
is what comes back).  It prints one line per operation and a summary; the exit code is 0 only when
every operation passed.

Run it with a Python that has ``telnyx`` installed (the make target makes ``.venv-sdk``); the
sandbox itself needs nothing beyond the standard library, so it is imported from this checkout.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import telnyx  # noqa: E402 - after the checkout is on the path

from msgprof_cli.sandbox.server import Sandbox  # noqa: E402

KEY = "sandbox-conformance-key"
PROFILE_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"  # seeded with a chosen id (POST /_sandbox/reset)
NUMBERS = [f"+1202555{n:04d}" for n in range(100, 125)]


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


class Run:
    def __init__(self, client: telnyx.Telnyx, sandbox: Sandbox) -> None:
        self.client, self.sandbox = client, sandbox
        self.results: list[tuple[str, bool, str]] = []
        self.ids: dict[str, str] = {}

    def op(self, name: str, fn: Callable[[], Any]) -> None:
        try:
            fn()
        except Exception as exc:  # every failure is reported, and the run goes on to the next operation
            detail = f"{type(exc).__name__}: {str(exc)[:300]}"
            self.results.append((name, False, detail))
            if "--debug" in sys.argv:
                traceback.print_exc()
            return
        self.results.append((name, True, ""))


def seed(sandbox: Sandbox) -> None:
    """A profile with a chosen id, 25 numbers (13 on it) and a short code: enough for two pages."""
    sandbox.reset(
        {
            "profiles": [{"id": PROFILE_ID, "name": "Seeded", "whitelisted_destinations": ["US"]}],
            "phone_numbers": [
                {"phone_number": n, "messaging_profile_id": PROFILE_ID if i % 2 == 0 else None}
                for i, n in enumerate(NUMBERS)
            ],
            "short_codes": [{"id": "sc-1", "short_code": "12345", "messaging_profile_id": PROFILE_ID}],
        }
    )


def profiles(r: Run) -> None:
    # Longer than 50 lines on purpose: one short check per SDK operation of the resource, in the
    # order they depend on each other (create before retrieve, update before list), read as a list.
    c = r.client.messaging_profiles

    def create() -> None:
        made = c.create(
            name="SDK conformance",
            whitelisted_destinations=["US", "CA"],
            webhook_url="https://example.com/hooks",
            daily_spend_limit="100.00",
            daily_spend_limit_enabled=True,
            features={"ai_opt_out_detection_enabled": True, "future_flag": "kept"},
            number_pool_settings={"long_code_weight": 1, "toll_free_weight": 2, "skip_unhealthy": True},
            url_shortener_settings={"domain": "acct.fyi", "prefix": "acme"},
        ).data
        check(made is not None and made.id is not None, "create answers the profile")
        assert made is not None and made.id is not None
        r.ids["profile"] = made.id
        check(made.features is not None and made.features.ai_opt_out_detection_enabled is True, "features kept")
        check(getattr(made.features, "future_flag", None) == "kept", "an unknown feature key passes through")
        check(made.daily_spend_limit == "100.00", "daily_spend_limit kept")
        check(made.number_pool_settings is not None and made.number_pool_settings.geomatch is False, "pool defaults")

    def retrieve() -> None:
        got = c.retrieve(r.ids["profile"]).data
        check(got is not None and got.name == "SDK conformance", "retrieve answers what was created")
        seeded = c.retrieve(PROFILE_ID).data
        check(seeded is not None and seeded.daily_spend_limit is None, "a never-set daily_spend_limit is null")
        assert seeded is not None
        check("daily_spend_limit" in seeded.model_fields_set, "daily_spend_limit answered as null, not left out")

    def update() -> None:
        done = c.update(
            r.ids["profile"],
            name="SDK conformance 2",
            features={"ai_opt_out_detection_enabled": False},
            redaction_enabled=True,
            redaction_level=1,
            v1_secret="chosen-secret-0123456789",
        ).data
        check(done is not None and done.name == "SDK conformance 2", "update renames")
        assert done is not None
        check(done.redaction_enabled is True and done.redaction_level == 1, "redaction fields stored")
        check(done.v1_secret == "chosen-secret-0123456789", "v1_secret on update is stored")
        check(done.features is not None and done.features.ai_opt_out_detection_enabled is False, "features updated")

    def list_() -> None:
        names = [p.name for p in c.list(page_size=1)]  # auto-paging: one profile a page
        check(sorted(n for n in names if n) == ["SDK conformance 2", "Seeded"], f"list pages through all: {names}")
        eq = list(c.list(filter_name_eq="Seeded"))
        check([p.id for p in eq] == [PROFILE_ID], "filter[name][eq]")
        contains = list(c.list(filter_name_contains="conformance"))
        check([p.id for p in contains] == [r.ids["profile"]], "filter[name][contains]")

    def list_phone_numbers() -> None:
        got = [n.phone_number for n in c.list_phone_numbers(PROFILE_ID, page_size=5)]
        check(got == NUMBERS[0::2], f"the profile's 13 numbers over 3 pages: {got}")

    def list_short_codes() -> None:
        got = [s.id for s in c.list_short_codes(PROFILE_ID)]
        check(got == ["sc-1"], "the seeded short code, by its chosen id")

    def list_alphanumeric_sender_ids() -> None:
        got = list(c.list_alphanumeric_sender_ids(PROFILE_ID, page_size=1000))  # no bounds in the spec
        check(len(got) == 0, "no sender IDs yet")

    def retrieve_metrics() -> None:
        got = c.retrieve_metrics(PROFILE_ID, time_frame="24h")
        check(got is not None, "metrics answer")

    def regenerate_secret() -> None:
        before = c.retrieve(r.ids["profile"]).data
        after = c.actions.regenerate_secret(r.ids["profile"]).data
        check(before is not None and after is not None and after.v1_secret != before.v1_secret, "a new secret")

    r.op("messaging_profiles.create", create)
    r.op("messaging_profiles.retrieve", retrieve)
    r.op("messaging_profiles.update", update)
    r.op("messaging_profiles.list", list_)
    r.op("messaging_profiles.list_phone_numbers", list_phone_numbers)
    r.op("messaging_profiles.list_short_codes", list_short_codes)
    r.op("messaging_profiles.list_alphanumeric_sender_ids", list_alphanumeric_sender_ids)
    r.op("messaging_profiles.retrieve_metrics", retrieve_metrics)
    r.op(
        "messaging_profile_metrics.list",
        lambda: check(r.client.messaging_profile_metrics.list() is not None, "metrics"),
    )
    r.op("messaging_profiles.actions.regenerate_secret", regenerate_secret)


def autoresp(r: Run) -> None:
    a = r.client.messaging_profiles.autoresp_configs

    def create() -> None:
        made = a.create(PROFILE_ID, op="stop", keywords=["STOP", "QUIT"], country_code="US", resp_text="Bye").data
        r.ids["autoresp"] = made.id
        check(made.keywords == ["STOP", "QUIT"] and made.resp_text == "Bye", "create answers what was sent")

    def retrieve() -> None:
        got = a.retrieve(r.ids["autoresp"], profile_id=PROFILE_ID).data
        check(got.op == "stop" and got.country_code == "US", "retrieve")

    def update() -> None:
        done = a.update(r.ids["autoresp"], profile_id=PROFILE_ID, op="stop", keywords=["END"], country_code="*").data
        check(done.keywords == ["END"] and done.country_code == "*", "update replaces")

    def list_() -> None:
        got = a.list(PROFILE_ID, country_code="*")
        check([x.id for x in got.data] == [r.ids["autoresp"]], "list with a filter")

    def delete() -> None:
        a.delete(r.ids["autoresp"], profile_id=PROFILE_ID)
        check(a.list(PROFILE_ID).data == [], "deleted")

    r.op("messaging_profiles.autoresp_configs.create", create)
    r.op("messaging_profiles.autoresp_configs.retrieve", retrieve)
    r.op("messaging_profiles.autoresp_configs.update", update)
    r.op("messaging_profiles.autoresp_configs.list", list_)
    r.op("messaging_profiles.autoresp_configs.delete", delete)


def numbers(r: Run) -> None:
    m = r.client.phone_numbers.messaging

    def list_() -> None:
        got = [n.phone_number for n in m.list(page_size=10)]
        check(got == NUMBERS, "every number, over 3 pages")
        mine = [n.phone_number for n in m.list(filter_messaging_profile_id=PROFILE_ID, sort_phone_number="desc")]
        check(mine == sorted(NUMBERS[0::2], reverse=True), "filter and sort")

    def retrieve() -> None:
        got = m.retrieve(NUMBERS[1]).data
        check(got is not None and got.phone_number == NUMBERS[1] and got.messaging_profile_id is None, "retrieve")

    def update() -> None:
        done = m.update(NUMBERS[1], messaging_profile_id=PROFILE_ID, tags=["sdk"]).data
        check(done is not None and done.messaging_profile_id == PROFILE_ID and done.tags == ["sdk"], "update")

    r.op("phone_numbers.messaging.list", list_)
    r.op("phone_numbers.messaging.retrieve", retrieve)
    r.op("phone_numbers.messaging.update", update)


def bulk(r: Run) -> None:
    b = r.client.messaging_numbers_bulk_updates

    def create() -> None:
        made = b.create(messaging_profile_id=r.ids.get("profile", PROFILE_ID), numbers=[NUMBERS[3], "+19995550000"])
        assert made.data is not None and made.data.order_id is not None
        r.ids["order"] = made.data.order_id
        check(made.data.pending == [NUMBERS[3]] and made.data.failed == ["+19995550000"], "pending and failed")

    def retrieve() -> None:
        for _ in range(5):  # the order is worked off as it is polled
            got = b.retrieve(r.ids["order"]).data
            assert got is not None
            if not got.pending:
                break
        check(got.success == [NUMBERS[3]], "done after polling")

    r.op("messaging_numbers_bulk_updates.create", create)
    r.op("messaging_numbers_bulk_updates.retrieve", retrieve)


def sender_ids(r: Run) -> None:
    s = r.client.alphanumeric_sender_ids

    def create() -> None:
        made = s.create(
            alphanumeric_sender_id="Acme", messaging_profile_id=PROFILE_ID, us_long_code_fallback="+15551234567"
        )
        assert made.data is not None
        r.ids["sender"] = made.data.id or ""
        check(made.data.us_long_code_fallback == "+15551234567", "the spec's own example fallback is taken")

    def retrieve() -> None:
        got = s.retrieve(r.ids["sender"]).data
        check(got is not None and got.alphanumeric_sender_id == "Acme", "retrieve")

    def list_() -> None:
        got = [x.id for x in s.list(filter_messaging_profile_id=PROFILE_ID, page_number=0, page_size=0)]
        check(got == [r.ids["sender"]], "list, paging without bounds as the spec says")

    def delete() -> None:
        s.delete(r.ids["sender"])
        check(list(s.list()) == [], "deleted")

    r.op("alphanumeric_sender_ids.create", create)
    r.op("alphanumeric_sender_ids.retrieve", retrieve)
    r.op("alphanumeric_sender_ids.list", list_)
    r.op("alphanumeric_sender_ids.delete", delete)


def main() -> int:
    started = time.monotonic()
    with Sandbox(api_key=KEY, order_polls=2) as sandbox:
        client = telnyx.Telnyx(api_key=KEY, base_url=sandbox.url, max_retries=0, _strict_response_validation=True)
        seed(sandbox)
        r = Run(client, sandbox)
        profiles(r)
        autoresp(r)
        numbers(r)
        bulk(r)
        sender_ids(r)
        r.op(
            "messaging_profiles.delete",
            lambda: check(client.messaging_profiles.delete(r.ids["profile"]).data is not None, "delete answers it"),
        )
    passed = sum(ok for _, ok, _ in r.results)
    for name, ok, detail in r.results:
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""))
    print(
        f"telnyx {telnyx.__version__}, strict response validation: {passed} of {len(r.results)} operations passed "
        f"({len(sandbox.received)} requests, {time.monotonic() - started:.1f} s)"
    )
    return 0 if passed == len(r.results) else 1


if __name__ == "__main__":
    sys.exit(main())
