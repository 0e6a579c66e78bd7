"""Round-5 campaign findings, each against a real loopback server (tests/campaign_api.py).

- a result table (``numbers campaign``, ``numbers assign``) and its ``--json`` leave through the
  reports' one hiding (``report_view.shown_result``): a server that echoes the request (the
  key, a secret ``${VAR}``) in an error or in an assignment's failureReasons shows neither on stdout;
- the single-number read answers the number asked for, or nothing is acted on (exit 5, named).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from campaign_api import CampaignApi
from conftest import TEST_KEY

N = "+13125550100"


def use(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", api.url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)


def no_secret(text: str, *values: str) -> None:
    for value in (TEST_KEY, *values):
        assert value not in text
        assert value[:-1] not in text and value[1:] not in text  # nor a piece of it


@pytest.mark.parametrize("echo", ["record", "error"])
def test_numbers_campaign_hides_an_echoed_key_on_every_channel(
    cli: Any, monkeypatch: pytest.MonkeyPatch, echo: str
) -> None:
    with CampaignApi(echo=echo) as api:
        use(api, monkeypatch)
        api.number(N, owner=api.profile("Sales"))
        outputs = []
        for args in (["numbers", "campaign", N, "c-1"], ["numbers", "campaign", N, "c-1", "--json"]):
            res = cli(*args)
            assert res.exit_code == 5, res.stderr
            assert "Bearer <API key>" in res.stdout  # the detail is there, hidden
            outputs.append(res.stdout + res.stderr)
            api.assignments.clear()
        detail = json.loads(res.stdout)["detail"]
        assert "'Authorization': 'Bearer <API key>'" in detail
        if echo == "error":  # a removal refused with the request quoted back
            api.assigned(N, "c-1")
            for args in (["numbers", "campaign", N, "--remove"], ["numbers", "campaign", N, "--remove", "-o", "json"]):
                res = cli(*args)
                assert res.exit_code == 5, res.stderr
                assert "Bearer <API key>" in res.stdout
                outputs.append(res.stdout + res.stderr)
    for text in outputs:
        no_secret(text)


def test_apply_hides_an_echoed_key_and_a_short_secret_variable(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A campaign id from a secret ${VAR} (short: streams can't hide it, reports do) echoed in the
    failureReasons of the assignment the apply made: the apply report (text, --json) hides both."""
    monkeypatch.setenv("CAMP_SECRET", "c-77")
    doc = tmp_path / "sales.yaml"
    doc.write_text(
        f"name: Sales\nwhitelisted_destinations: [US]\nphone_numbers:\n  - {{number: '{N}', campaign_id: '${{CAMP_SECRET}}'}}\n"
    )
    for args in (["apply", "-f", str(doc)], ["apply", "-f", str(doc), "--json"]):
        with CampaignApi(echo="record") as api:
            use(api, monkeypatch)
            api.number(N, owner=api.profile("Sales", whitelisted_destinations=["US"]))
            res = cli(*args)
        assert res.exit_code == 5, res.stderr
        assert "Bearer <API key>" in res.stdout
        assert "<secret from $CAMP_SECRET>" in res.stdout
        no_secret(res.stdout + res.stderr, "'c-77'")


M = "+13125550199"


@pytest.mark.parametrize("args", [["c-2"], ["--remove"], ["c-1"]])
def test_a_record_of_another_number_is_never_acted_on(
    cli: Any, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """The single-number read answers another number's assignment: exit 5 naming it, nothing sent
    (not moved to c-2, not removed, not called "already on c-1")."""
    with CampaignApi(answers_for={N: M}) as api:
        use(api, monkeypatch)
        api.number(N, owner=api.profile("Sales"))
        api.assigned(M, "c-1")
        res = cli("numbers", "campaign", N, *args)
        writes = [m for m, p in api.paths if m != "GET"]
    assert res.exit_code == 5, res.stderr
    assert f'asked for the 10DLC assignment of {N}, the API answered the 10DLC assignment of "{M}"' in res.stdout
    assert writes == []


def test_apply_acts_on_no_record_of_another_number(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    doc = tmp_path / "sales.yaml"
    doc.write_text(
        f"name: Sales\nwhitelisted_destinations: [US]\nphone_numbers:\n  - {{number: '{N}', campaign_id: c-2}}\n"
    )
    with CampaignApi(answers_for={N: M}) as api:
        use(api, monkeypatch)
        api.number(N, owner=api.profile("Sales", whitelisted_destinations=["US"]))
        api.assigned(M, "c-1")
        api.assigned(N, "c-1")
        res = cli("apply", "-f", str(doc))
        writes = [(m, p) for m, p in api.paths if m != "GET"]
    assert res.exit_code == 5, res.stderr
    assert M in res.stdout + res.stderr
    assert writes == []
