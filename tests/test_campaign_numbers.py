"""Only a US long code goes on a 10DLC campaign (issue 29 deliverable 4, msgprof's offline rule).

``validate`` and ``plan`` refuse a document entry ``{number, campaign_id}`` whose number is a
toll-free number (any NANP toll-free area code) or not a +1 long code at all: exit 3, the field and
the line named, nothing sent.  The same toll-free list decides the sandbox's number type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msgprof_cli.document.setup_rules import TOLL_FREE_NPA, ten_dlc_number_problem
from msgprof_cli.sandbox.state import number_record


def doc(tmp_path: Path, number: str) -> str:
    path = tmp_path / "Sales.yaml"
    path.write_text(
        "name: Sales\nwhitelisted_destinations: [US]\nphone_numbers:\n"
        f"  - '+13125550100'\n  - {{number: '{number}', campaign_id: c-1}}\n"
    )
    return str(path)


BAD = ["+18005550100", "+18885550100", "+18775550100", "+18335550100", "+442071234567", "+4915112345678"]


@pytest.mark.parametrize("number", BAD)
@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_campaign_on_a_number_that_is_no_us_long_code_is_exit_3_with_field_and_line(
    cli: Any, sandbox: Any, tmp_path: Path, command: str, number: str
) -> None:
    start = len(sandbox.received)
    res = cli(command, "-f", doc(tmp_path, number)) if command == "plan" else cli(command, doc(tmp_path, number))
    assert res.exit_code == 3, res.output
    assert "Sales.yaml:5: phone_numbers[1].number" in res.stderr, res.stderr
    assert number in res.stderr
    assert [r for r in sandbox.received[start:] if r.method != "GET"] == []


def test_a_toll_free_number_without_a_campaign_validates(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "Sales.yaml"
    path.write_text("name: Sales\nwhitelisted_destinations: [US]\nphone_numbers:\n  - '+18005550100'\n")
    assert cli("validate", str(path)).exit_code == 0


@given(npa=st.integers(200, 999).map(str), rest=st.integers(0, 9_999_999).map(lambda n: f"{n:07d}"))
def test_the_rule_and_the_sandbox_share_one_toll_free_list(npa: str, rest: str) -> None:
    number = f"+1{npa}{rest}"
    toll_free = number_record(number)["type"] == "tollfree"
    assert toll_free == (npa in TOLL_FREE_NPA)
    assert (ten_dlc_number_problem(number) is None) == (not toll_free)
