"""`update --add-whitelist CC` / `--remove-whitelist CC` (issue 27, deliverable 6): they read the
live profile's destination list and send it merged (the API replaces the list whole);
`--whitelist` replaces it and its help says so; mixing the two is a usage error (exit 2); codes
are checked like --whitelist's (exit 3).  Nothing is sent on any error.  Against the sandbox."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screens import screen

from msgprof_cli.sandbox.server import Sandbox

CODES = ["US", "CA", "DE", "FR", "GB", "JP"]
_RUN = itertools.count()  # a new profile per example, also when hypothesis runs one again


def _live(sandbox: Sandbox, name: str = "W") -> dict[str, Any]:
    s = screen("get", name, "--json", tty=False)
    assert s.code == 0, s.err
    return dict(json.loads(s.out))


def test_add_and_remove_edit_the_live_list_and_leave_the_rest(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US", "CA"], "webhook_url": "https://example.com/h"})
    s = screen(
        "update",
        "W",
        "--add-whitelist",
        "de,FR",
        "--add-whitelist",
        "US",
        "--remove-whitelist",
        "CA",
        "--json",
        tty=False,
    )
    assert s.code == 0, s.err
    assert json.loads(s.out)["whitelisted_destinations"] == ["US", "DE", "FR"]
    live = _live(sandbox)
    assert live["whitelisted_destinations"] == ["US", "DE", "FR"]
    assert live["webhook_url"] == "https://example.com/h"


def test_dry_run_shows_the_merged_list_and_sends_nothing(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US", "CA"]})
    before = _live(sandbox)
    s = screen("update", "W", "--add-whitelist", "DE", "--remove-whitelist", "US", "--dry-run", "--json", tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["body"] == {"whitelisted_destinations": ["CA", "DE"]}
    assert _live(sandbox) == before


def test_mixing_with_whitelist_or_a_document_list_is_a_usage_error(sandbox: Sandbox, tmp_path: Any) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US"]})
    before = _live(sandbox)
    s = screen("update", "W", "--whitelist", "US", "--add-whitelist", "XX", tty=False)
    assert (s.code, s.out) == (2, "")
    assert s.err == (
        "msgprof: error: --whitelist replaces the whole destination list; --add-whitelist/--remove-whitelist change "
        "the live one\n  hint: give one or the other\n"
    )
    (tmp_path / "w.yaml").write_text("whitelisted_destinations: [US]\n", encoding="utf-8")
    s = screen("update", "W", "-f", "w.yaml", "--remove-whitelist", "US", tty=False)
    assert s.code == 2 and "w.yaml (whitelisted_destinations) replaces the whole destination list" in s.err
    s = screen("update", "W", "--add-whitelist", "DE", "--remove-whitelist", "de", tty=False)
    assert (s.code, s.err) == (2, "msgprof: error: DE is both added and removed\n  hint: give each country once\n")
    assert _live(sandbox) == before


def test_codes_are_checked_like_whitelist_and_nothing_is_sent(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US"]})
    before = _live(sandbox)
    s = screen("update", "W", "--add-whitelist", "UK", tty=False)
    assert (s.code, s.out) == (3, "")
    assert s.err == (
        "msgprof: error: --add-whitelist: whitelisted_destinations[0]: 'UK' is not an ISO 3166-1 alpha-2 country code\n"
        "  hint: did you mean GB?\n"
        "msgprof: error: 1 problem found; nothing was sent\n"
    )
    s = screen("update", "W", "--remove-whitelist", "US", tty=False)
    assert (s.code, s.out) == (3, "")
    assert s.err.startswith("msgprof: error: --remove-whitelist would leave no destination allowed\n")
    assert screen("update", "W", "--add-whitelist", "*,DE", tty=False).code == 3  # "*" stands alone
    assert _live(sandbox) == before


def test_every_destination_absorbs_an_add_and_refuses_a_removal(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US"]})
    assert screen("update", "W", "--add-whitelist", "*", tty=False).code == 0
    assert _live(sandbox)["whitelisted_destinations"] == ["*"]
    assert screen("update", "W", "--add-whitelist", "DE", tty=False).code == 0
    assert _live(sandbox)["whitelisted_destinations"] == ["*"]
    s = screen("update", "W", "--remove-whitelist", "DE", tty=False)
    assert s.code == 3 and 'the profile allows every destination ("*"), so DE cannot be taken out of it' in s.err


def test_removing_a_country_not_on_the_list_says_so_and_keeps_the_rest(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US", "CA"]})
    s = screen("update", "W", "--remove-whitelist", "JP,CA", tty=False)
    assert s.code == 0
    assert "msgprof: not on the list, so not removed: JP\n" in s.err
    assert _live(sandbox)["whitelisted_destinations"] == ["US"]


def test_the_help_says_whitelist_replaces_and_names_the_edits() -> None:
    # rich may wrap a long option name at its hyphen ("--remove-" / "whitelist"): join those back
    text = re.sub(r"-\s+(?=[a-z])", "-", " ".join(screen("update", "--help", tty=False, width=200).out.split()))
    assert (
        "On update it replaces the whole list (--add-whitelist and --remove-whitelist change some countries)." in text
    )
    assert "--add-whitelist CC[,CC...] Add destination countries to the live list (the rest stay)." in text
    assert "--remove-whitelist CC[,CC...] Take destination countries out of the live list." in text


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    live=st.lists(st.sampled_from(CODES), min_size=1, unique=True),
    add=st.lists(st.sampled_from(CODES), max_size=3),
    remove=st.lists(st.sampled_from(CODES), max_size=3),
)
def test_the_list_sent_is_the_live_one_plus_added_minus_removed(
    sandbox: Sandbox, live: list[str], add: list[str], remove: list[str]
) -> None:
    name = f"P{next(_RUN)}"
    sandbox.create({"name": name, "whitelisted_destinations": live})
    args = [a for c in add for a in ("--add-whitelist", c.lower())] + [
        a for c in remove for a in ("--remove-whitelist", c)
    ]
    if not args:
        return
    s = screen("update", name, *args, "--json", tty=False)
    expected = [c for c in live if c not in remove] + [c for c in dict.fromkeys(add) if c not in live]
    if set(add) & set(remove):
        assert s.code == 2, s.err
    elif not expected:
        assert s.code == 3, s.err
    else:
        assert s.code == 0, s.err
        assert json.loads(s.out)["whitelisted_destinations"] == expected
        assert _live(sandbox, name)["whitelisted_destinations"] == expected


# ---------------------------------------------------------------- nothing widened or dropped silently


def test_adding_star_to_a_list_says_it_allows_every_destination(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US", "GB"]})
    s = screen("update", "W", "--add-whitelist", "*", "--json", tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["whitelisted_destinations"] == ["*"]
    assert s.err == (
        'msgprof: --add-whitelist "*" allows every destination: [US, GB] is replaced by ["*"] '
        '(--whitelist "*" is the explicit way to say so)\n'
    )
    s = screen("update", "W", "--add-whitelist", "*", "--dry-run", "--json", tty=False)  # on "*": nothing new
    assert s.code == 0 and "replaced" not in s.err, s.err


def test_adding_a_country_to_a_star_list_says_it_is_a_no_op(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["*"]})
    before = _live(sandbox)
    s = screen("update", "W", "--add-whitelist", "GB", "--json", tty=False)
    assert s.code == 0, s.err
    assert s.err == 'msgprof: the profile allows every destination ("*"), so GB is already allowed: nothing added\n'
    assert _live(sandbox)["whitelisted_destinations"] == before["whitelisted_destinations"] == ["*"]


def test_adding_a_country_already_listed_says_so(sandbox: Sandbox) -> None:
    sandbox.create({"name": "W", "whitelisted_destinations": ["US", "GB"]})
    s = screen("update", "W", "--add-whitelist", "GB,DE", "--json", tty=False)
    assert s.code == 0 and json.loads(s.out)["whitelisted_destinations"] == ["US", "GB", "DE"], s.err
    assert s.err == "msgprof: already on the list, so not added again: GB\n"
