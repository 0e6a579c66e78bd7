"""The opt-in pytest plugin ``msgprof_cli.testing`` (issue 30 deliverable 5), run with pytester on
suites that talk to the sandbox over HTTP (urllib, no SDK).

Invariants: one sandbox per session (per xdist worker); each test starts from its seed (a marker,
a ``telnyx_seed`` fixture, or the ini option), whatever an earlier test did; a bad seed fails the
test at set-up naming its record and field; the key is required; msgprof never imports pytest.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

HELPERS = """
import json, os, urllib.request
import pytest

def call(sb, method, path, body=None):
    req = urllib.request.Request(sb.base_url + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "Bearer " + sb.api_key)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())

def names(sb):
    return sorted(p["name"] for p in call(sb, "GET", "/messaging_profiles")["data"])

def note(sb):
    with open(os.environ["URLS_FILE"], "a") as fh:
        fh.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + " " + sb.base_url + "\\n")
"""

SUITE = (
    HELPERS
    + """
SEED = {"profiles": [{"id": "p-1", "name": "Seeded", "whitelisted_destinations": ["US"]}]}

@pytest.mark.telnyx_seed(SEED)
def test_a_creates(telnyx_sandbox):
    note(telnyx_sandbox)
    assert names(telnyx_sandbox) == ["Seeded"]
    call(telnyx_sandbox, "POST", "/messaging_profiles", {"name": "Made", "whitelisted_destinations": ["US"]})
    assert names(telnyx_sandbox) == ["Made", "Seeded"]

@pytest.mark.telnyx_seed(SEED)
def test_b_starts_from_the_seed_again(telnyx_sandbox):
    note(telnyx_sandbox)
    assert names(telnyx_sandbox) == ["Seeded"]
    assert call(telnyx_sandbox, "GET", "/messaging_profiles/p-1")["data"]["id"] == "p-1"

def test_c_no_seed_is_empty_with_the_demo_numbers(telnyx_sandbox):
    note(telnyx_sandbox)
    assert names(telnyx_sandbox) == []
    assert len(call(telnyx_sandbox, "GET", "/phone_numbers/messaging?page[size]=50")["data"]) == 10

@pytest.mark.telnyx_seed("seed.json")
def test_d_a_path_seed(telnyx_sandbox):
    note(telnyx_sandbox)
    assert names(telnyx_sandbox) == ["From File"]

def test_e_the_key_is_required(telnyx_sandbox):
    import urllib.error
    req = urllib.request.Request(telnyx_sandbox.base_url + "/messaging_profiles")
    req.add_header("Authorization", "Bearer wrong")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=10)
    assert exc.value.code == 401

def test_f_without_the_fixture_nothing_starts():
    pass
"""
)

SEED_FILE = '{"profiles": [{"id": "f-1", "name": "From File", "whitelisted_destinations": ["US"]}]}'


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(test_suite=SUITE)
    (pytester.path / "seed.json").write_text(SEED_FILE)
    monkeypatch.setenv("URLS_FILE", str(pytester.path / "urls.txt"))
    return pytester


def test_one_sandbox_per_session_each_test_from_its_seed(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-p", "msgprof_cli.testing", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    urls = (suite.path / "urls.txt").read_text().split()
    assert len(set(urls[1::2])) == 1 and len(urls) == 8  # four tests noted, one sandbox


def test_one_sandbox_per_xdist_worker(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-p", "msgprof_cli.testing", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    pairs = (suite.path / "urls.txt").read_text().split("\n")
    by_worker: dict[str, set[str]] = {}
    for line in filter(None, pairs):
        worker, url = line.split()
        by_worker.setdefault(worker, set()).add(url)
    assert all(len(u) == 1 for u in by_worker.values())  # one sandbox per worker for the session
    if len(by_worker) == 2:
        assert len(set.union(*by_worker.values())) == 2  # and each worker its own


def test_the_seed_fixture_and_the_ini_option(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("URLS_FILE", str(pytester.path / "urls.txt"))
    (pytester.path / "seed.json").write_text(SEED_FILE)
    pytester.makeini("[pytest]\ntelnyx_seed = seed.json\n")
    pytester.makeconftest('pytest_plugins = ["msgprof_cli.testing"]\n')
    pytester.makepyfile(
        test_ini=HELPERS + "def test_ini(telnyx_sandbox):\n    assert names(telnyx_sandbox) == ['From File']\n",
        test_fixture=HELPERS
        + "@pytest.fixture\ndef telnyx_seed():\n    return {'profiles': [{'id': 'x', 'name': 'Fixture'}]}\n"
        + "def test_fixture(telnyx_sandbox):\n    assert names(telnyx_sandbox) == ['Fixture']\n",
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_bad_seed_fails_the_test_naming_its_place(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
import pytest

@pytest.mark.telnyx_seed({"profiles": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "webhook_api_version": "9"}]})
def test_bad(telnyx_sandbox):
    pass

@pytest.mark.telnyx_seed({"autoresp_configs": [{"messaging_profile_id": "nope", "op": "bogus",
                                                 "keywords": ["STOP"], "country_code": "US"}]})
def test_bad_autoresp(telnyx_sandbox):
    pass

def test_good_after(telnyx_sandbox):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "msgprof_cli.testing", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=2)
    out = result.stdout.str()
    assert "the sandbox refused the seed (422)" in out
    assert "profiles[1].webhook_api_version: must be one of" in out
    assert "autoresp_configs[0].op:" in out
    assert "autoresp_configs[0].messaging_profile_id: no profile of this seed has the id 'nope'" in out


def test_msgprof_never_imports_pytest() -> None:
    code = (
        "import sys, msgprof_cli.launcher, msgprof_cli.cli.local, msgprof_cli.sandbox.server, msgprof_cli.sandbox.wrap;"
        "print('pytest' in sys.modules, '_pytest' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
