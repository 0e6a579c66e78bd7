"""An example test suite for code that uses the official Telnyx Python SDK, run against the msgprof
sandbox through its pytest plugin (``msgprof_cli.testing``, enabled in conftest.py).

Run it with ``make sdk-example`` (it installs telnyx, pytest and msgprof into ``.venv-sdk``), or in
your own project: ``pip install msgprof telnyx pytest`` and copy these two files.
"""

from __future__ import annotations

import pytest
import telnyx

PROFILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SEED = {
    "profiles": [{"id": PROFILE_ID, "name": "Alerts", "whitelisted_destinations": ["US", "CA"]}],
    "phone_numbers": [
        {"phone_number": "+12025550100", "messaging_profile_id": PROFILE_ID},
        "+12025550101",
    ],
    "alphanumeric_sender_ids": [
        {"id": "11111111-0000-4000-8000-00000000000a", "alphanumeric_sender_id": "Acme",
         "messaging_profile_id": PROFILE_ID},
    ],
}  # fmt: skip


@pytest.fixture
def client(telnyx_sandbox) -> telnyx.Telnyx:
    # strict: every answer is checked against the SDK's own types, as a typo in a seed would be
    return telnyx.Telnyx(
        api_key=telnyx_sandbox.api_key,
        base_url=telnyx_sandbox.base_url,
        max_retries=0,
        _strict_response_validation=True,
    )


# --- the code under test: what an application would do with the SDK -------------------------


def ensure_profile(client: telnyx.Telnyx, name: str, countries: list[str]) -> str:
    """The profile named ``name``, created when missing; its id."""
    for profile in client.messaging_profiles.list(filter_name_eq=name):
        return profile.id
    return client.messaging_profiles.create(name=name, whitelisted_destinations=countries).data.id


def assign(client: telnyx.Telnyx, profile_id: str, number: str) -> None:
    client.phone_numbers.messaging.update(number, messaging_profile_id=profile_id)


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.telnyx_seed(SEED)
def test_an_existing_profile_is_found_not_created_again(client: telnyx.Telnyx) -> None:
    assert ensure_profile(client, "Alerts", ["US"]) == PROFILE_ID
    assert [p.name for p in client.messaging_profiles.list()] == ["Alerts"]


@pytest.mark.telnyx_seed(SEED)
def test_a_missing_profile_is_created_once(client: telnyx.Telnyx) -> None:
    made = ensure_profile(client, "Support", ["US"])
    assert ensure_profile(client, "Support", ["US"]) == made
    assert sorted(p.name for p in client.messaging_profiles.list()) == ["Alerts", "Support"]


@pytest.mark.telnyx_seed(SEED)
def test_each_test_starts_from_the_seed(client: telnyx.Telnyx) -> None:
    assert [p.name for p in client.messaging_profiles.list()] == ["Alerts"]  # "Support" is gone


@pytest.mark.telnyx_seed(SEED)
def test_assigning_a_number(client: telnyx.Telnyx) -> None:
    assign(client, PROFILE_ID, "+12025550101")
    mine = client.phone_numbers.messaging.list(filter_messaging_profile_id=PROFILE_ID)
    assert sorted(n.phone_number for n in mine) == ["+12025550100", "+12025550101"]


@pytest.mark.telnyx_seed(SEED)
def test_seeded_sender_ids_and_auto_responses(client: telnyx.Telnyx) -> None:
    senders = client.alphanumeric_sender_ids.list(filter_messaging_profile_id=PROFILE_ID)
    assert [s.alphanumeric_sender_id for s in senders] == ["Acme"]
    client.messaging_profiles.autoresp_configs.create(
        PROFILE_ID, op="stop", keywords=["STOP"], country_code="US", resp_text="Bye"
    )
    assert [c.op for c in client.messaging_profiles.autoresp_configs.list(PROFILE_ID).data] == ["stop"]


@pytest.mark.telnyx_seed(SEED)
def test_an_unknown_profile_is_a_404_as_from_the_api(client: telnyx.Telnyx) -> None:
    with pytest.raises(telnyx.NotFoundError):
        client.messaging_profiles.retrieve("00000000-0000-4000-8000-000000000000")


def test_a_wrong_key_is_a_401(telnyx_sandbox) -> None:
    wrong = telnyx.Telnyx(api_key="not-the-key", base_url=telnyx_sandbox.base_url, max_retries=0)
    with pytest.raises(telnyx.AuthenticationError):
        wrong.messaging_profiles.list()
