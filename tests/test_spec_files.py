"""The vendored spec is present and unchanged (tests/spec/README.md says where it came from)."""

from __future__ import annotations

import hashlib

import pytest
from spec_check import PROFILES_SPEC, SEND_PATH_SPEC, SETUP_SPEC, SPEC_DIR, load_spec

PINNED = {
    PROFILES_SPEC.name: "1dded9a4cffa307c81f13c400186b8fdba0aa06f40b7d9213b9bf13ba71227b2",
    SETUP_SPEC.name: "ade987d731581ea73c922fcf4bbbc97fd4a72fc0ac3de955fe6c171cd9b9507b",
    SEND_PATH_SPEC.name: "bd634f098cd0825f517f806693001dd0fe69bdedf94eedf44b9021d52a9f2ebf",
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_vendored_spec_is_the_copied_one(name: str) -> None:
    data = (SPEC_DIR / name).read_bytes()  # a missing file raises: the suite fails, never skips
    assert hashlib.sha256(data).hexdigest() == PINNED[name]
    assert PINNED[name] in (SPEC_DIR / "README.md").read_text(encoding="utf-8")


def test_the_spec_describes_the_endpoints_the_sandbox_serves() -> None:
    profiles, setup = load_spec(PROFILES_SPEC), load_spec(SETUP_SPEC)
    assert "/messaging_profiles/{profile_id}/autoresp_configs/{autoresp_cfg_id}" in profiles["paths"]
    assert {"/phone_numbers/messaging", "/messaging_numbers_bulk_updates/{order_id}"} <= set(setup["paths"])


def test_a_missing_spec_is_an_error_not_a_skip(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        load_spec(tmp_path / "absent.openapi.yaml")
