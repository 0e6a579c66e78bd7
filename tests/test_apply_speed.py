"""apply with numbers at scale (issue 27, deliverable 8): the owners are re-read by pages, once
for the whole run, not once per profile; and a re-read owner that differs from the plan still stops
the move.  The counts are pinned on the sandbox on loopback, which records every request it gets.

    apply of 200 new profiles x 2 numbers:
        GET  /messaging_profiles           2    the inventory, and the check for a concurrent run's twins
        GET  /phone_numbers/messaging    2+4+4  the inventory (pages of 250); the owners re-read
                                                before the writes, and again after them (a
                                                number another run took meanwhile is not "done"),
                                                each in chunks of 100 numbers
        POST /messaging_profiles         200
        PATCH /phone_numbers/{id}/...    400
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import make_sandbox
from test_scale import gets, numbers


def docs(n: int, per: int) -> list[dict[str, Any]]:
    pool = numbers(n * per)
    return [
        {"name": f"Bench {i:04}", "whitelisted_destinations": ["US"], "phone_numbers": pool[i * per : (i + 1) * per]}
        for i in range(n)
    ]


def test_apply_of_200_profiles_with_2_numbers_each_makes_the_requests_of_a_plain_script_and_8_reads(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(400))
    try:
        f = tmp_path / "apply.json"
        f.write_text(json.dumps(docs(200, 2)))
        res = cli("apply", "-f", str(f), "--parallel", "8", "--json")
        assert res.exit_code == 0, res.output
        assert gets(sb) == {
            "GET /v2/messaging_profiles": 2,
            "GET /v2/phone_numbers/messaging": 2 + 4 + 4,
            "POST /v2/messaging_profiles": 200,
            "PATCH /v2/phone_numbers/{id}/messaging": 400,
        }
        by_name = {p["id"]: p["name"] for p in sb.profiles()}
        owners = {n["phone_number"]: by_name.get(n["messaging_profile_id"]) for n in sb.numbers()}
        assert owners == {n: f"Bench {i // 2:04}" for i, n in enumerate(numbers(400))}
        report = json.loads(res.stdout)
        assert {c["result"] for i in report["items"] for c in i["setup"]} == {"done"}
    finally:
        sb.stop()


def test_a_second_apply_re_reads_nothing_and_writes_nothing(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sb = make_sandbox(monkeypatch, numbers=numbers(40))
    try:
        f = tmp_path / "apply.json"
        f.write_text(json.dumps(docs(20, 2)))
        assert cli("apply", "-f", str(f), "--parallel", "8").exit_code == 0
        sb.received.clear()
        again = cli("apply", "-f", str(f), "--parallel", "8")
        assert again.exit_code == 0, again.output
        assert gets(sb) == {"GET /v2/messaging_profiles": 1, "GET /v2/phone_numbers/messaging": 1}
    finally:
        sb.stop()
