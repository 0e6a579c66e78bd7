"""Number lists are checked in linear time (issue 28, finding 14): `numbers assign/unassign -f`
with 1,000,000 lines is read and checked in seconds (it took more than 10 minutes when every
number was compared with every earlier one)."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import run_msgprof

from msgprof_cli.document.setup_rules import Given, check_numbers, parse_number_list


def test_two_hundred_thousand_numbers_with_a_duplicate_are_checked_in_seconds() -> None:
    text = "".join(f"+1{2_000_000_000 + i:010d}\n" for i in range(200_000)) + "+12000000000\n# a comment\n\n"
    start = time.perf_counter()
    numbers = check_numbers(parse_number_list(text, "big.txt"))
    took = time.perf_counter() - start
    assert len(numbers) == 200_000 and numbers[0] == "+12000000000" and numbers[-1] == "+12000199999"
    assert took < 5, f"{took:.1f} s: the check is not linear (a list of 20,000 took 2.4 s when it was quadratic)"


def test_duplicates_keep_the_first_place_and_every_problem_is_still_reported() -> None:
    given = [Given(v, "list.txt", n) for n, v in enumerate(["+15550100002", "+15550100001", "+15550100002"], 1)]
    assert check_numbers(given) == ["+15550100002", "+15550100001"]


def test_a_million_line_list_is_read_and_checked_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "million.txt"
    path.write_text("".join(f"+1{2_000_000_000 + i:010d}\n" for i in range(1_000_000)), encoding="utf-8")
    start = time.monotonic()
    done = run_msgprof("numbers", "unassign", "-f", str(path), "--yes", "--dry-run", "--json", timeout=120)
    took = time.monotonic() - start
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.count('"+1') == 1_000_000
    assert took < 60, f"{took:.1f} s"
