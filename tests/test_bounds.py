"""Bounded work (issue 13, Deliver 3): every request ends within its deadline, reads at most
MAX_BODY, summarises errors in linear time, and paging stops where it must.

Servers here misbehave on purpose, on 127.0.0.1.  Where a broken bound would hang, the command
runs as a real process with a generous ``timeout``: that is the bound the test enforces.
"""

from __future__ import annotations

import json

import pytest
from canned import Canned, Scripted
from conftest import TEST_KEY, run_msgprof
from raw_server import RawServer, endless_body, trickle

from msgprof_cli.api.client import MAX_BODY, TelnyxClient
from msgprof_cli.errors import NetworkError, UnexpectedAnswer

ENV = {"TELNYX_API_KEY": TEST_KEY}
HEAD_200 = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"


def use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("TELNYX_BASE_URL", url)
    monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)


@pytest.mark.parametrize(
    "play",
    [trickle(b'{"data": [' + b" " * 5000, head=HEAD_200), trickle(HEAD_200)],
    ids=["body-trickle", "head-trickle"],
)
def test_a_trickle_cannot_outlast_the_deadline(play: object) -> None:
    with RawServer(play) as server:  # type: ignore[arg-type]
        # 5,000 bytes at 20 a second would take 250 s, the head's 84 bytes 4.2 s; the deadline is
        # 2 x 1 s.  Each byte comes 0.05 s after the last, so that no read waits anywhere near its
        # 1 s timeout even when a loaded machine holds the server's thread back (at 0.2 s, a stall
        # of 0.15 s ended the attempt by a read timeout, and the deadline went untested).
        done = run_msgprof("list", "--timeout", "1", "--max-retries", "0", env={**ENV, "TELNYX_BASE_URL": server.url}, timeout=20)
    assert done.returncode == 6, done.stderr
    assert "no complete answer within 2s (the deadline: 2 × the read timeout)" in done.stderr
    assert server.requests == 1


def test_a_deadline_that_passes_before_the_connect_still_cuts_the_attempt() -> None:
    """The deadline's timer starts with the attempt, before its connection is made; on a loaded
    machine it fired first, found no socket to cut, and the trickle above outlasted it.  A deadline
    of 0 s makes that order the usual one: the attempt still ends, as the deadline's."""
    with RawServer(trickle(HEAD_200)) as server:
        client = TelnyxClient(api_key=TEST_KEY, base_url=server.url, timeout=0.2, max_retries=0)
        client.deadline = 0.0
        with pytest.raises(NetworkError, match=r"no complete answer within 0s \(the deadline"):
            client.list_messaging_profiles()
    assert server.requests <= 1


def test_a_declared_huge_body_is_refused_without_reading_it(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1)
    with RawServer(trickle(b"", head=head)) as server:
        use(monkeypatch, server.url)
        res = cli("list", "--max-retries", "0")
    assert res.exit_code == 6
    assert "the answer (HTTP 200) is larger than 16 MiB, the most msgprof reads; it stopped reading" in res.stderr


def test_an_endless_body_stops_at_the_cap(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with RawServer(endless_body()) as server:
        use(monkeypatch, server.url)
        res = cli("list", "--max-retries", "0")
    assert res.exit_code == 6
    assert "is larger than 16 MiB" in res.stderr


def test_error_summary_of_a_megabyte_of_angle_brackets_is_linear() -> None:
    body = b"<" * 1_000_000 + b" tail"
    with Canned(500, body, "text/html") as server:
        done = run_msgprof("list", "--max-retries", "0", env={**ENV, "TELNYX_BASE_URL": server.url}, timeout=20)
    assert done.returncode == 6
    assert "msgprof: error: the API is unavailable (HTTP 500): <<<<" in done.stderr


def page(items: int, total_pages: object) -> bytes:
    data = [{"id": f"p{i}", "name": f"n{i}"} for i in range(items)]
    return json.dumps({"data": data, "meta": {"total_pages": total_pages, "total_results": 10**9}}).encode()


def test_a_claim_of_a_billion_pages_is_refused_at_once(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with Canned(200, page(1, 10**9)) as server:
        use(monkeypatch, server.url)
        res = cli("list", "--all", "--max-retries", "0")
    assert res.exit_code == 6
    assert "the API reports 1000000000 pages; msgprof reads at most 2000" in res.stderr
    assert len(server.hits) == 1


def test_paging_stops_at_the_total_the_first_page_reported(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    later = page(1, 50)  # later pages claim more: only the first page's count is believed
    with Scripted([(200, page(1, 3)), (200, later), (200, later), (200, later)]) as server:
        use(monkeypatch, server.url)
        res = cli("list", "--all", "--json")
    assert res.exit_code == 0, res.stderr
    assert len(json.loads(res.stdout)) == 3 and len(server.hits) == 3


def test_paging_stops_at_the_first_empty_page(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # pages after the first are fetched side by side (answered here in arrival order): every page
    # after the first is empty, and only what came before the first empty page is listed
    empty: list[tuple[int | None, bytes]] = [(200, page(0, 9))] * 8
    script: list[tuple[int | None, bytes]] = [(200, page(2, 9)), *empty]
    with Scripted(script) as server:
        use(monkeypatch, server.url)
        res = cli("list", "--all", "--json")
    assert res.exit_code == 0, res.stderr
    assert len(json.loads(res.stdout)) == 2 and 2 <= len(server.hits) <= 9


def test_the_hard_cap_holds_for_every_list() -> None:
    with Canned(200, page(1, 7)) as server:
        client = TelnyxClient(server.url, TEST_KEY, max_pages=5)
        with pytest.raises(UnexpectedAnswer, match="reports 7 pages; msgprof reads at most 5"):
            list(client.iter_related("p0", "phone_numbers"))
        assert len(server.hits) == 1
