"""The error translator: the one place exceptions become exit codes (1 and 130 here; the rest end to end)."""

from __future__ import annotations

import pytest
import typer

from msgprof_cli.cli.common import run
from msgprof_cli.errors import EXIT_CODES, ApiError, InvalidInput, MsgprofError, Unavailable


def test_a_bug_exits_1_with_a_plain_message_and_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exit_:
        empty: dict[str, int] = {}
        with run({}):
            empty["missing"]  # noqa: B018 - a stand-in for any bug in a command
    assert exit_.value.exit_code == 1
    err = capsys.readouterr().err
    assert err.startswith("msgprof: error: internal error: KeyError: 'missing'")
    assert "run again with --debug" in err and "Traceback" not in err


def test_a_bug_with_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exit_:
        with run({"debug": True}):
            raise RuntimeError("boom")
    assert exit_.value.exit_code == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_interrupt_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exit_:
        with run({}):
            raise KeyboardInterrupt
    assert exit_.value.exit_code == 130
    assert capsys.readouterr().err == "msgprof: interrupted\n"


@pytest.mark.parametrize(
    "exc,code", [(InvalidInput("bad"), 3), (ApiError("no", status=409), 5), (Unavailable("down"), 6)]
)
def test_errors_keep_their_codes_and_json_form(
    exc: MsgprofError, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    with pytest.raises(typer.Exit) as exit_:
        with run({"json": True}):
            raise exc
    assert exit_.value.exit_code == code and code in EXIT_CODES
    assert json.loads(capsys.readouterr().err)["exit_code"] == code
