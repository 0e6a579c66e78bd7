"""Property-based tests: bad input, from a file or from the API, never crashes msgprof.

Example budgets are fixed (settings below) so CI time stays bounded and runs are reproducible
(``derandomize=True``).
"""

from __future__ import annotations

import io
import json
import string
from typing import Any

import pytest
from canned import Canned
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgprof_cli.document.document import Document
from msgprof_cli.document.loading import load_documents, parse_documents
from msgprof_cli.document.rules import RULES
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import InvalidInput, MsgprofError

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CLI_FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELD_NAMES = [r.name for r in RULES] + ["nmae", "id", "v1_secret", "extra"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
documents = st.one_of(values, st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=8))


@FUZZ
@given(documents, st.sampled_from(["create", "update"]), st.booleans())
def test_validator_never_crashes_on_any_data(data: Any, mode: str, allow_unknown: bool) -> None:
    result = validate(Document(data, "fuzz.yaml"), mode=mode, allow_unknown=allow_unknown)
    for issue in result.errors:
        assert issue.message and isinstance(issue.location(), str)
    if not result.errors:
        json.dumps(result.payload)  # a valid payload can always be sent


URL_FIELDS = [r.name for r in RULES if r.kind == "url"]
hosts = st.one_of(
    st.sampled_from(["example.com", "127.0.0.1", "[::1]", "[::1", "::1]", "[zz]", "[v1.x]", "", "a b", "[]"]),
    st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=12),
)
ports = st.one_of(st.just(""), st.integers(-5, 70_000).map(lambda n: f":{n}"), st.text(max_size=6).map(lambda t: ":" + t))
urls = st.builds(
    lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
    st.sampled_from(["http://", "https://", "ftp://", "//", ""]),
    hosts,
    ports,
    st.sampled_from(["", "/", "/hooks?a=1", "#x", "\\x"]),
)


@FUZZ
@given(st.sampled_from(URL_FIELDS), urls, st.sampled_from(["create", "update"]))
def test_any_url_in_a_url_field_is_accepted_or_named_never_a_crash(field: str, url: str, mode: str) -> None:
    """A host in brackets that is not an address, a port past 65535 or not a number: an error
    naming the field (exit 3), not a ValueError from the URL parser (exit 1)."""
    data = {"name": "x", "whitelisted_destinations": ["US"], field: url}
    if mode == "update" and field == "health_webhook_url":
        mode = "create"  # create only: update refuses it whatever its value
    result = validate(Document(data, "fuzz.yaml"), mode=mode)
    assert all(issue.message for issue in result.errors)
    if not result.errors and url:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.hostname
        assert parts.port is None or 0 <= parts.port <= 65535


@FUZZ
@given(documents)
def test_any_json_or_yaml_document_loads_or_is_invalid_input(data: Any) -> None:
    import yaml

    try:
        text_json = json.dumps(data, allow_nan=True).encode()
    except (TypeError, ValueError):
        return
    for raw, name in ((text_json, "f.json"), (yaml.safe_dump(data).encode(), "f.yaml")):
        try:
            docs = parse_documents(raw, name)
        except InvalidInput as exc:
            assert exc.message
            continue
        for doc in docs:
            validate(doc)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_loader(raw: bytes) -> None:
    try:
        for doc in parse_documents(raw, "random.yaml"):
            validate(doc)
    except InvalidInput as exc:
        assert exc.message


@FUZZ
@given(st.text(alphabet=string.printable + "äé€😀\t", max_size=300))
def test_random_text_never_crashes_the_loader(text: str) -> None:
    try:
        for doc in parse_documents(text.encode(), "random.yaml"):
            validate(doc)
    except InvalidInput as exc:
        assert exc.message


@pytest.mark.parametrize("depth", [35, 200, 500, 5000, 1_000_000])
def test_deep_nesting_is_refused_cleanly(depth: int) -> None:
    for raw in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        with pytest.raises(InvalidInput, match="nested more than 32 levels deep"):
            parse_documents(raw, "deep.json")
        with pytest.raises(InvalidInput, match="nested|not valid YAML"):
            parse_documents(raw.replace(b'"a":', b"a: "), "deep.yaml")


def test_nesting_up_to_the_limit_is_read() -> None:
    for depth in (31, 32):
        [doc] = parse_documents(b'{"a":' * depth + b"1" + b"}" * depth, "deep.json")
        [ydoc] = parse_documents(b"{a: " * depth + b"1" + b"}" * depth, "deep.yaml")
        assert doc.data == ydoc.data


def test_huge_and_bomb_files_are_refused() -> None:
    with pytest.raises(InvalidInput, match="larger than the 16 MiB limit"):
        load_documents("-", stdin=io.BytesIO(b"name: x\n" + b"#" * (30 * 1024 * 1024)))
    bomb = b"a: &a [x,x,x,x,x,x,x,x,x,x]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n".encode() for i in range(8)
    )
    with pytest.raises(InvalidInput, match="alias"):
        parse_documents(bomb, "bomb.yaml")


@CLI_FUZZ
@given(st.binary(max_size=300))
def test_validate_command_exits_0_or_3_on_any_file(cli, tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "p.yaml"
    path.write_bytes(raw)
    res = cli("validate", str(path))
    assert res.exit_code in (0, 3), res.stderr
    assert "Traceback" not in res.stderr + res.stdout


# --------------------------------------------------------------------------- malformed API answers

MALFORMED = [
    (200, b'{"data": {"id": "x", "na', "application/json"),  # truncated JSON
    (200, b"<html><body>Service Unavailable</body></html>", "text/html"),
    (200, b"", "application/json"),
    (200, b'{"data": {"id": "1"}}', "text/plain"),  # wrong content type, JSON body: accepted
    (200, b'{"result": "ok"}', "application/json"),  # no data
    (200, b'{"data": "a string"}', "application/json"),
    (200, b'{"data": [1, 2]}', "application/json"),
    (200, b"[]", "application/json"),
    (200, b"null", "application/json"),
    (500, b"", "text/plain"),
    (502, b"\xff\xfe not text", "application/octet-stream"),
    (422, b'{"errors": "not a list"}', "application/json"),
    (422, b'{"errors": [{"no": "code"}, 5]}', "application/json"),
    (400, b'{"errors": [{"code": 1, "title": null, "source": "x"}]}', "application/json"),
]


@pytest.mark.parametrize(("status", "body", "ctype"), MALFORMED, ids=[f"{m[0]}-{m[1][:20]!r}" for m in MALFORMED])
@pytest.mark.parametrize(
    "command",
    [["get", "3fa85f64-5717-4562-b3fc-2c963f66afa6"], ["list"], ["create", "--name", "x", "--whitelist", "US"]],
    ids=["get", "list", "create"],
)
def test_malformed_answers_give_a_documented_exit(
    cli, monkeypatch: pytest.MonkeyPatch, fake_clock: object, status: int, body: bytes, ctype: str, command: list[str]
) -> None:
    # fake_clock: a create whose answer can't be read looks for itself patiently; no wall time
    with Canned(status, body, ctype) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli(*command, "--max-retries", "0")
    assert res.exit_code in (0, 5, 6), res.stderr
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    if res.exit_code:  # notices (a create looking for itself) may come first; the error is one line
        assert res.stdout == ""
        assert [line for line in res.stderr.splitlines() if line.startswith("msgprof: error:")]


@CLI_FUZZ
@given(
    status=st.sampled_from([200, 201, 400, 404, 418, 429, 500, 503]),
    body=st.one_of(st.binary(max_size=200), values.map(lambda v: json.dumps(v).encode())),
)
def test_any_answer_gives_a_documented_exit(cli, monkeypatch: pytest.MonkeyPatch, status: int, body: bytes) -> None:
    with Canned(status, body) as server:
        monkeypatch.setenv("TELNYX_BASE_URL", server.url)
        monkeypatch.setenv("TELNYX_API_KEY", TEST_KEY)
        res = cli("get", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "--max-retries", "0")
    assert res.exit_code in (0, 4, 5, 6), res.stderr
    assert "internal error" not in res.stderr


def test_errors_tree_all_have_documented_codes() -> None:
    from msgprof_cli import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, MsgprofError)]
    assert {c.exit_code for c in classes} <= set(errors.EXIT_CODES)
