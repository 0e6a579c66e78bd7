"""A pytest plugin: the msgprof sandbox as a Telnyx messaging API double for any test suite.

Opt-in, never loaded by msgprof itself (so pytest is imported only when a suite asks for it)::

    pytest -p msgprof_cli.testing            # or, in a conftest.py:
    pytest_plugins = ["msgprof_cli.testing"]

``telnyx_sandbox`` (session scope) is a sandbox started once per session (one per xdist worker,
each on its own free port), with ``base_url`` (``http://127.0.0.1:PORT/v2``) and ``api_key`` (a
token made for the session: a request without it is a 401, as with the real API).  Before each
test that uses it, the sandbox is reset to that test's seed (``POST /_sandbox/reset``), so tests
never see each other's records.  The seed, first found wins:

1. ``@pytest.mark.telnyx_seed(SEED)`` on the test (or its class or module);
2. a ``telnyx_seed`` fixture the suite defines (in a conftest: ``return {...}``);
3. the ini option ``telnyx_seed = PATH`` (a JSON file, relative to the rootdir);
4. nothing: no records but the demo number inventory (``+1202555010x``...).

A seed is a dict in the ``--state`` file's format or the path of such a JSON file.  A seed the
API could never hold fails the test at set-up, naming the record and field
(``profiles[0].webhook_api_version: ...``).  Nothing here imports requests (one HTTP client per
package, api/client.py); the reset goes through urllib.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

MARKER = "telnyx_seed"


@dataclass(frozen=True)
class TelnyxSandbox:
    """One running sandbox: point a Telnyx client at ``base_url`` with ``api_key``."""

    base_url: str
    api_key: str

    @property
    def root(self) -> str:
        return self.base_url.rsplit("/v2", 1)[0]

    def reset(self, seed: Any = None) -> dict[str, int]:
        """Replace every record with ``seed`` (dict, path, or None: the demo inventory); the counts."""
        return dict(self._call("POST", "/_sandbox/reset", _seed_body(seed))["data"])

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Everything the sandbox holds, in the seed's format."""
        return dict(self._call("GET", "/_sandbox/state", None)["data"])

    def _call(self, method: str, path: str, body: Any) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.root + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.api_key}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback http
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            details = _details(exc.read())
            raise SeedError(f"the sandbox refused the seed ({exc.code}):\n" + "\n".join(details)) from None


class SeedError(Exception):
    """The sandbox refused a seed: each line names a record and field."""


def _details(raw: bytes) -> list[str]:
    try:
        return [f"  {e.get('detail')}" for e in json.loads(raw)["errors"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return [f"  {raw[:300]!r}"]


def _seed_body(seed: Any) -> dict[str, Any]:
    if seed is None:
        from msgprof_cli.sandbox.state import DEMO_NUMBERS

        return {"phone_numbers": list(DEMO_NUMBERS)}
    if isinstance(seed, (str, os.PathLike)):
        return dict(json.loads(Path(seed).read_text(encoding="utf-8")))
    if not isinstance(seed, dict):
        raise SeedError(f"a seed is a dict or a JSON file's path, not {type(seed).__name__}")
    return seed


def pytest_addoption(parser: Any) -> None:
    parser.addini(MARKER, "JSON file: the telnyx_sandbox seed of tests that give none (msgprof_cli.testing)")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(seed): the records telnyx_sandbox is reset to before this test (a dict or a JSON path)"
    )


@pytest.fixture(scope="session")
def telnyx_sandbox() -> Iterator[TelnyxSandbox]:
    """A msgprof sandbox for the session (per xdist worker), reset to each test's seed."""
    from msgprof_cli.sandbox.server import Sandbox

    key = "sandbox-" + secrets.token_urlsafe(12)
    server = Sandbox("127.0.0.1", 0, api_key=key).start()
    try:
        yield TelnyxSandbox(server.url, key)
    finally:
        server.stop()


@pytest.fixture
def telnyx_seed() -> Any:
    """The seed of tests without a marker; override it in a conftest.py (None: the ini option's)."""
    return None


@pytest.fixture(autouse=True)
def _telnyx_sandbox_reset(request: Any) -> None:
    if "telnyx_sandbox" not in request.fixturenames:
        return
    sandbox: TelnyxSandbox = request.getfixturevalue("telnyx_sandbox")
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) != 1 or marker.kwargs:
            pytest.fail(f"@pytest.mark.{MARKER} takes one seed: a dict or a JSON file's path", pytrace=False)
        seed = marker.args[0]
    else:
        seed = request.getfixturevalue("telnyx_seed")
        if seed is None and request.config.getini(MARKER):
            seed = Path(str(request.config.rootpath)) / str(request.config.getini(MARKER))
    try:
        sandbox.reset(seed)
    except (SeedError, OSError, ValueError) as exc:
        pytest.fail(f"telnyx_sandbox: {exc}", pytrace=False)
