"""The hints a new user needed (issue 24, item 5), each as the transcript a person reads: the
command, its exit code and its stderr, exactly.  Against the sandbox, never a faked network."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import TEST_KEY, make_sandbox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screens import screen

from msgprof_cli import secrets
from msgprof_cli.cli import app
from msgprof_cli.cli.hints import with_v2
from msgprof_cli.document import setup_rules as sr
from msgprof_cli.document.changes import merged_countries, update_effect
from msgprof_cli.document.countries import COMMON_MISTAKES
from msgprof_cli.document.document import Document
from msgprof_cli.document.loading import load_document, parse_documents
from msgprof_cli.document.rules import RULES
from msgprof_cli.document.setup_rules import validate_setup
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import MsgprofError
from msgprof_cli.sandbox.server import Sandbox
from msgprof_cli.settings import check_base_url, check_key, read_key_file, stdlib_parts

INVENTORY = [f"+1202555{i:04d}" for i in range(12)]


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch):
    box = make_sandbox(monkeypatch, numbers=INVENTORY, order_polls=0)
    yield box
    box.stop()


def test_get_by_a_name_in_the_wrong_case_suggests_the_name(sandbox: Sandbox) -> None:
    sandbox.create({"name": "Billing", "whitelisted_destinations": ["US"]})
    sandbox.create({"name": "Support", "whitelisted_destinations": ["US"]})
    s = screen("get", "billing", tty=False)
    assert (s.code, s.out) == (5, "")
    assert s.err == (
        "msgprof: error: no messaging profile named 'billing'\n"
        "  hint: did you mean 'Billing'? names match exactly, case included\n"
    )


def test_did_you_mean_is_never_computed_from_a_secret(sandbox: Sandbox) -> None:
    sandbox.create({"name": TEST_KEY, "whitelisted_destinations": ["US"]})  # a name that is the key itself
    s = screen("get", TEST_KEY.lower(), tty=False)
    assert s.code == 5
    assert "did you mean" not in s.err and "hint: `msgprof list --name-contains` finds near names" in s.err


def test_a_base_url_without_v2_says_so(sandbox: Sandbox) -> None:
    bare = sandbox.url.removesuffix("/v2")
    s = screen("list", "--base-url", bare, tty=False)
    assert (s.code, s.out) == (5, "")
    assert s.err == (
        "msgprof: error: not found (HTTP 404): 1 error\n"
        "  [10005] Resource not found: No route for /messaging_profiles\n"
        f"  hint: --base-url {bare} has no /v2: the Telnyx API (and the sandbox) answer under it; try {bare}/v2\n"
    )


def test_https_to_the_plain_http_sandbox_says_to_use_http(sandbox: Sandbox) -> None:
    tls = sandbox.url.replace("http://", "https://")
    s = screen("list", "--base-url", tls, "--max-retries", "0", tty=False)
    assert (s.code, s.out) == (6, "")
    host = tls.split("/")[2]
    assert s.err == (
        f"msgprof: error: GET {tls}/messaging_profiles: TLS handshake failed\n"
        f"  hint: the server at {host} speaks plain http (as the sandbox does): try {sandbox.url}\n"
    )


def test_a_base_url_from_the_environment_is_named_with_its_source(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = sandbox.url.removesuffix("/v2")
    monkeypatch.setenv("TELNYX_BASE_URL", bare)
    s = screen("list", tty=False)
    assert s.code == 5
    assert s.err.endswith(
        f"  hint: {bare} (from env TELNYX_BASE_URL) has no /v2: the Telnyx API (and the sandbox) answer under it; try {bare}/v2\n"
    )


def test_no_key_mentions_the_sandbox() -> None:
    s = screen("list", tty=False)
    assert (s.code, s.out) == (4, "")
    assert s.err.startswith("msgprof: error: no API key: msgprof needs one to call the API\n  hint: set TELNYX_API_KEY")
    assert s.err.endswith("No Telnyx account yet? Try msgprof on a local API: `msgprof sandbox` (docs/sandbox.md)\n")


def test_an_account_without_a_config_file_says_the_file_is_missing(isolation: Path) -> None:
    path = isolation / "home" / ".config" / "msgprof" / "config.yaml"
    s = screen("list", "--account", "work", tty=False)
    assert (s.code, s.out) == (2, "")
    assert s.err == (
        f"msgprof: error: no account named 'work': there is no config file at {path} (from --account)\n"
        f"  hint: create {path} with an `accounts:` section (docs/settings.md shows one), or leave out the account\n"
    )


def test_a_mistyped_option_is_suggested_once() -> None:
    s = screen("create", "--whitelsit", "US", tty=False)
    assert (s.code, s.out) == (2, "")
    assert s.err == (
        "msgprof: error: No such option: --whitelsit\n"
        "  hint: did you mean --whitelist? `msgprof create --help` shows the options\n"
    )
    assert s.err.count("--whitelist") == 1


@pytest.mark.parametrize("count", [1, 7])  # one PATCH, and a bulk order
def test_assign_move_reports_where_each_number_came_from(sb: Sandbox, count: int) -> None:
    old = sb.create({"name": "Old", "whitelisted_destinations": ["US"]})
    sb.create({"name": "New", "whitelisted_destinations": ["US"]})
    numbers = INVENTORY[:count]
    assert screen("numbers", "assign", "Old", *numbers, tty=False).code == 0
    s = screen("numbers", "assign", "New", *numbers, "--move", tty=False)
    assert s.code == 0, s.err
    rows = [line.split(None, 2) for line in s.out.splitlines()[1:]]
    assert rows == [[n, "assigned", f"moved from profile {old['id']}"] for n in numbers]


def test_numbers_list_unassigned_lists_the_accounts_free_numbers(sb: Sandbox) -> None:
    sb.create({"name": "P", "whitelisted_destinations": ["US"]})
    assert screen("numbers", "assign", "P", *INVENTORY[:3], tty=False).code == 0
    s = screen("numbers", "list", "--unassigned", tty=False)
    assert s.code == 0, s.err
    assert [line.split()[0] for line in s.out.splitlines()[1:]] == INVENTORY[3:]
    both = screen("numbers", "list", "P", "--unassigned", tty=False)
    assert both.code == 2 and both.err.startswith("msgprof: error: give a profile (ID|NAME) or --unassigned, not both")


def test_phone_numbers_is_an_alias_of_numbers_list_with_the_same_output(sb: Sandbox) -> None:
    sb.create({"name": "P", "whitelisted_destinations": ["US"]})
    assert screen("numbers", "assign", "P", *INVENTORY[:2], tty=False).code == 0
    for args in ([], ["--json"]):
        alias, documented = (
            screen("phone-numbers", "P", *args, tty=False),
            screen("numbers", "list", "P", *args, tty=False),
        )
        assert alias.code == documented.code == 0 and alias.out == documented.out
    assert json.loads(documented.out)[0]["phone_number"] == INVENTORY[0]
    assert "Alias of `msgprof numbers list ID|NAME`" in screen("--help", tty=False).out


def _commands(group: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    found: dict[tuple[str, ...], Any] = {}
    for name, cmd in getattr(group, "commands", {}).items():
        found |= _commands(cmd, (*path, name)) if hasattr(cmd, "commands") else {(*path, name): cmd}
    return found


def test_show_secrets_is_offered_only_by_commands_that_show_a_secret() -> None:
    import typer.main

    commands = _commands(typer.main.get_command(app))
    offering = {" ".join(p) for p, c in commands.items() if any("--show-secrets" in o.opts for o in c.params)}
    assert offering == {"create", "update", "get", "regenerate-secret"}
    s = screen("list", "--show-secrets", tty=False)
    assert s.code == 2 and re.match(r"msgprof: error: No such option: --show-secrets\n", s.err)


# ---------------------------------------------------------------- hints suggest only what validates
# (issue 27, deliverable 6): every value a hint offers, fed back, passes the rule that refused it.

HINTS = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _hint(problem: tuple[str, str | None] | None) -> str | None:
    assert problem is not None
    return problem[1]


def suggested(hint: str | None) -> list[str]:
    """The values a hint offers: `did you mean X?`, `write [X]`, `own keyword: a, b`, `try URL`."""
    if not hint:
        return []
    found = re.search(r"did you mean (.+?)\?", hint)
    if found:
        text = found.group(1)
        return [ast.literal_eval(text) if text[:1] in "'\"" else text]
    found = re.search(r"write \[(.+)\]$", hint)
    if found:
        return [found.group(1)]
    found = re.search(r"as its own keyword: (.+)$", hint)
    if found and found.group(1) != "one word each":
        return found.group(1).split(", ")
    found = re.search(r"; try (\S+)$", hint)
    return [found.group(1)] if found else []


phoneish = st.text("0123456789+-() .", max_size=18) | st.from_regex(
    r"\(?[0-9]{3}\)? ?[0-9]{3}-?[0-9]{4}", fullmatch=True
)
wordish = st.text("abcXYZ019 !-_.é", max_size=50)
countryish = st.sampled_from(sorted(COMMON_MISTAKES)) | st.text("abuksUSGBR *", min_size=1, max_size=4)


@HINTS
@given(text=phoneish)
def test_a_suggested_phone_number_validates(text: str) -> None:
    for check in (sr.number_problem, sr.us_long_code_problem):
        problem = check(text)
        for value in suggested(problem[1] if problem else None):
            assert check(value) is None, (text, problem, value)


@HINTS
@given(text=wordish)
def test_a_suggested_keyword_sender_id_or_op_validates(text: str) -> None:
    for check in (sr.keyword_problem, sr.sender_id_problem, sr.op_problem):
        problem = check(text)
        for value in suggested(problem[1] if problem else None):
            assert check(value) is None, (text, problem, value)


@HINTS
@given(text=countryish)
def test_a_suggested_country_validates_in_setup_and_in_a_profile(text: str) -> None:
    _, problem = sr.country(text)
    for value in suggested(problem[1] if problem else None):
        assert sr.country(value)[1] is None, (text, problem, value)
    result = validate(Document({"name": "P", "whitelisted_destinations": text}))
    for issue in result.errors:
        for value in suggested(issue.hint):
            codes = ast.literal_eval(f"[{value}]") if value.startswith('"') else [value]
            again = validate(Document({"name": "P", "whitelisted_destinations": codes}))
            assert again.errors == [], (text, issue.hint, again.errors)
    listed = validate(Document({"name": "P", "whitelisted_destinations": [text]}))
    for issue in listed.errors:
        for value in suggested(issue.hint):
            assert validate(Document({"name": "P", "whitelisted_destinations": [value]})).errors == []


@HINTS
@given(
    key=st.sampled_from([r.name for r in RULES]).flatmap(lambda k: st.sampled_from([k[:-1], k + "s", k.upper(), k[1:]]))
)
def test_a_suggested_field_name_is_a_field(key: str) -> None:
    result = validate(Document({"name": "P", "whitelisted_destinations": ["US"], key: None}))
    for issue in result.errors:
        for value in suggested(issue.hint):
            assert value in {r.name for r in RULES}, (key, issue.hint)


@HINTS
@given(keyword=wordish.filter(lambda w: w.strip() != ""), key=st.sampled_from(["keyword", "countr_code", "resp_txt"]))
def test_a_suggested_setup_key_or_keyword_list_validates(keyword: str, key: str) -> None:
    entry = {"op": "start", "country_code": "US", "keywords": keyword, key: "x"}
    _, issues = validate_setup(Document({"autoresp_configs": [entry]}))
    for issue in issues:
        for value in suggested(issue.hint):
            if issue.path[-1] == "keywords":
                fixed = {**entry, "keywords": [value]}
                fixed.pop(key)
                _, again = validate_setup(Document({"autoresp_configs": [fixed]}))
                assert again == [], (keyword, issue.hint, again)
            else:
                assert value in ("op", "keywords", "country_code", "resp_text"), issue.hint


@HINTS
@given(
    path=st.sampled_from(["", "/", "/v1", "/v1/", "/v3", "/api", "/api/v1", "/v2x", "/v10", "/v"]),
    host=st.sampled_from(["127.0.0.1:8080", "localhost", "api.telnyx.com"]),
)
def test_a_suggested_base_url_ends_in_v2_once_and_passes_the_url_policy(path: str, host: str) -> None:
    scheme = "https" if host == "api.telnyx.com" else "http"
    fixed = with_v2(f"{scheme}://{host}{path}")
    assert fixed is not None
    assert urlsplit(fixed).path.endswith("/v2") and not re.search(r"/v[0-9]+/v2$", fixed)  # replaced, not appended
    assert check_base_url(fixed, "--base-url", stdlib_parts) == fixed


def test_ten_digits_written_the_us_way_get_plus_one_not_another_country() -> None:
    for written in ("3125550100", "(312) 555-0100", "312-555-0100", "312.555.0100"):
        assert sr.number_problem(written) == (f"{written!r} is not an E.164 phone number", "did you mean +13125550100?")
    assert _hint(sr.number_problem("0612345678")) == "write it in E.164: +, country code, number, e.g. +15550100001"
    assert _hint(sr.number_problem("447911123456")) == "did you mean +447911123456?"  # a country code given


def test_ten_us_digits_in_a_command_get_plus_one(sb: Sandbox) -> None:
    sb.create({"name": "P", "whitelisted_destinations": ["US"]})
    s = screen("numbers", "assign", "P", "3125550100", tty=False)
    assert (s.code, s.out) == (3, "")
    assert s.err == (
        "msgprof: error: argument 1: '3125550100' is not an E.164 phone number\n"
        "  hint: did you mean +13125550100?\n"
        "msgprof: error: 1 problem found; nothing was sent\n"
    )


def test_a_base_url_ending_in_another_version_gets_it_replaced(sandbox: Sandbox) -> None:
    v1 = sandbox.url.removesuffix("/v2") + "/v1"
    s = screen("list", "--base-url", v1, tty=False)
    assert (s.code, s.out) == (5, "")
    assert s.err.endswith(
        f"  hint: --base-url {v1} ends in /v1: the Telnyx API (and the sandbox) answer under /v2; try {sandbox.url}\n"
    )
    assert screen("list", "--base-url", sandbox.url, tty=False).code == 0  # the suggestion works


def test_a_country_list_written_as_a_string_gets_a_list_that_validates() -> None:
    def hint(value: str) -> str | None:
        return validate(Document({"name": "P", "whitelisted_destinations": value})).errors[0].hint

    assert hint("us") == "write [US]"
    assert hint("*") == 'write ["*"]'
    assert hint("XX") == "write a YAML list: [US, CA]"  # [XX] would be refused too
    assert hint("US, CA") == "write a YAML list: [US, CA]"


def test_keyword_hints_offer_only_keywords() -> None:
    assert _hint(sr.keyword_problem("stop now")) == "give each word as its own keyword: stop, now"
    assert _hint(sr.keyword_problem("stop! now")) == "give each word as its own keyword, of letters and digits only"
    assert _hint(sr.keyword_problem("st-op")) == "did you mean 'stop'?"
    assert _hint(sr.keyword_problem("a-" + "b" * 60)) == "use letters and digits"  # too long to show whole
    _, issues = validate_setup(
        Document({"autoresp_configs": [{"op": "start", "country_code": "US", "keywords": "st-op"}]})
    )
    assert issues[0].hint == "write a YAML list: [STOP]"  # [st-op] would be refused


# Every place in the layers below that offers a value ("did you mean", "write [", "try ") is listed
# here with the test that shows its suggestion validates; a new one fails until it is added.
SUGGESTION_SITES = {
    "msgprof_cli/document/setup_rules.py": {
        "did you mean": 7,  # number, sender ID, US long code, op, keyword, country, setup key: the properties above
        "write [": 1,  # keywords as a string: test_a_suggested_setup_key_or_keyword_list_validates
    },
    "msgprof_cli/document/validation.py": {
        "did you mean": 2,  # field name, country: test_a_suggested_field_name_is_a_field, ..._country_validates_...
        "write [": 2,  # countries as a string: test_a_country_list_written_as_a_string_gets_a_list_that_validates
    },
    "msgprof_cli/cli/hints.py": {
        "did you mean": 1,  # a live profile's name: test_get_by_a_name_in_the_wrong_case_suggests_the_name
        "try {": 3,  # /v2 added or replacing /v1, plain http: test_a_suggested_base_url_..., test_https_to_the_plain_http_...
    },
    "msgprof_cli/settings.py": {"did you mean": 0, "write [": 0, "try {": 0},
    "msgprof_cli/document/loading.py": {"did you mean": 0, "try {": 0},
    "msgprof_cli/document/interpolation.py": {"did you mean": 0, "try {": 0},
}


def test_every_suggestion_site_is_listed_with_its_test() -> None:
    from conftest import ROOT

    for name, expected in SUGGESTION_SITES.items():
        code = (ROOT / name).read_text(encoding="utf-8")
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("#"))
        code = re.sub(r'"""[\s\S]*?"""', "", code)  # docstrings describe; they offer nothing
        for phrase, count in expected.items():
            assert code.count(phrase) == count, f"{name}: {code.count(phrase)} '{phrase}' sites, {count} listed"


# ---------------------------------------------------------------- every hint of the layers below has a test
# The hints of cli/hints.py, settings.py and document/* that no other test shows, each with an input
# that gets it; test_every_hint_text_appears_in_a_test keeps it that way for new hints.


def _raised(call: Callable[[], object]) -> MsgprofError:
    try:
        call()
    except MsgprofError as exc:
        return exc
    raise AssertionError("no error")


def _hint_of(call: Callable[[], object]) -> str | None:
    exc = _raised(call)
    issues = getattr(exc, "issues", None) or []
    return issues[-1].hint if issues else exc.hint


def _refused_hint(data: bytes) -> str | None:
    """A YAML-only value's hint: the loader records it on its document (validation reports it)."""
    (doc,) = parse_documents(data, "x.yaml")
    return doc.refused[0].hint


def _validation_hint(data: dict[str, object], mode: str = "create") -> str | None:
    return validate(Document({"name": "P", "whitelisted_destinations": ["US"], **data}), mode=mode).errors[0].hint


def _partial_update() -> object:
    doc = Document({"number_pool_settings": {"geomatch": True}})
    return update_effect(doc, validate(doc, mode="update", partial=True).payload, {"id": "x"})


def _key_file(tmp: Path, data: bytes) -> str:
    path = tmp / "key"
    path.write_bytes(data)
    return str(path)


HINT_CASES: list[tuple[str, Callable[[Path], str | None], str]] = [
    ("base URL unparsable", lambda t: _hint_of(lambda: check_base_url("http://[::1", "--base-url", stdlib_parts)),
     "e.g. https://api.telnyx.com/v2"),
    ("base URL not http(s)", lambda t: _hint_of(lambda: check_base_url("ftp://x/v2", "--base-url", stdlib_parts)),
     "e.g. https://api.telnyx.com/v2"),
    ("base URL userinfo", lambda t: _hint_of(lambda: check_base_url("https://u@h.example/v2", "--base-url", stdlib_parts)),
     "e.g. https://api.telnyx.com/v2"),
    ("base URL plain http", lambda t: _hint_of(lambda: check_base_url("http://h.example/v2", "--base-url", stdlib_parts)),
     "use https, or plain http only to a loopback address such as 127.0.0.1"),
    ("base URL space", lambda t: _hint_of(lambda: check_base_url("https://h.example/v 2", "--base-url", stdlib_parts)),
     "HTTP libraries read such URLs differently; write it plainly, e.g. https://api.telnyx.com/v2"),
    ("key with a space", lambda t: _hint_of(lambda: check_key("KEY abc", "env TELNYX_API_KEY")),
     "API keys are visible ASCII characters (! to ~), no spaces; copy the key again without extra characters"),
    ("key file too large", lambda t: _hint_of(lambda: read_key_file(_key_file(t, b"K" * 70_000))),
     "give the file that holds only the key"),
    ("key file not UTF-8", lambda t: _hint_of(lambda: read_key_file(_key_file(t, b"\xffKEY"))),
     "API keys are printable ASCII; save the file as plain text with only the key"),
    ("update makes a nested object", lambda t: _hint_of(_partial_update),
     "the live profile has no number_pool_settings, so this update creates it: give all its required fields "
     "(long_code_weight, toll_free_weight, skip_unhealthy)"),
    ("remove from every destination", lambda t: _hint_of(lambda: merged_countries(["*"], [], ["DE"])),
     "give the countries to allow with --whitelist, which replaces the whole list"),
    ("prose with ${", lambda t: _hint_of(lambda: parse_documents(b"just prose ${oops", "x.yaml", env={})),
     "give a .yaml, .yml or .json file of profiles (see sample-configs/)"),
    ("two profiles where one is taken", lambda t: _hint_of(lambda: load_document(_two_profiles(t))),
     "use `msgprof apply -f` for files with several profiles"),
    ("YAML NaN", lambda t: _hint_of(lambda: parse_documents(b"name: x\nweight: .nan\n", "x.yaml")),
     "give a number such as 1 or 2.5"),
    ("JSON NaN", lambda t: _hint_of(lambda: parse_documents(b'{"name": NaN}', "x.json")),
     "JSON numbers are finite"),
    ("a long date and time", lambda t: _refused_hint(b"x: 2001-12-14t21:59:43.1000000000000000000000000000\n"),
     "quote it to send it as text"),
    ("an unknown tag", lambda t: _refused_hint(b"x: !foo bar\n"),
     "remove the tag (`!!str` keeps a value as text)"),
    ("not UTF-8", lambda t: _hint_of(lambda: parse_documents(b"name: \xff\n", "x.yaml")),
     "save the file as UTF-8"),
    ("alias bomb", lambda t: _hint_of(lambda: parse_documents(_alias_bomb(), "x.yaml")),
     "write the values out, or share fewer of them by alias; is this a YAML alias bomb?"),
    ("too many values in a profile", lambda t: _hint_of(lambda: parse_documents(json.dumps({"x": [0] * 100_001}).encode(), "x.json")),
     "a profile, even one listing 10,000 numbers, is far smaller: is this the right file?"),
    ("too many values in a file", lambda t: _hint_of(lambda: parse_documents(json.dumps([{"x": [0] * 90_000}] * 6).encode(), "x.json")),
     "split the profiles over several files; or is this a YAML alias bomb?"),
    ("a keyword that holds a secret", lambda t: _secret_keyword_hint(),
     "use one word of letters and digits"),
    ("a long sender ID with symbols", lambda t: _hint(sr.sender_id_problem("Acme-Corp-Limited")),
     "shorten it and use only letters, digits and spaces"),
    ("a sender ID of symbols", lambda t: _hint(sr.sender_id_problem("!!!")),
     "use letters, digits and spaces"),
    ("a number list not UTF-8", lambda t: _hint_of(lambda: sr.decode_list(b"\xff", "n.txt")),
     "save the list as UTF-8"),
    ("a URL that is not http(s)", lambda t: _validation_hint({"webhook_url": "ftp://x"}),
     'use e.g. "https://example.com/hooks", or "" / null for none'),
    ("a quoted boolean", lambda t: _validation_hint({"enabled": "true"}),
     "write true or false without quotes"),
    ("no destination", lambda t: validate(Document({"name": "P", "whitelisted_destinations": []})).errors[0].hint,
     'list ISO 3166-1 alpha-2 codes, or ["*"] for all destinations'),
    ("an unknown country", lambda t: validate(Document({"name": "P", "whitelisted_destinations": ["XX"]})).errors[0].hint,
     'use two-letter codes such as US, GB, DE, or "*" for all'),
    ("every destination and one more", lambda t: validate(Document({"name": "P", "whitelisted_destinations": ["*", "US"]})).errors[0].hint,
     'use ["*"] or a list of codes'),
]  # fmt: skip


def _two_profiles(tmp: Path) -> str:
    path = tmp / "two.yaml"
    path.write_text("- {name: A, whitelisted_destinations: [US]}\n- {name: B, whitelisted_destinations: [US]}\n")
    return str(path)


def _alias_bomb() -> bytes:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, n in zip("abcd", "bcde", strict=True)
    ]
    return ("\n".join(lines) + "\n").encode()


def _secret_keyword_hint() -> str | None:
    secrets.register("SECRETWORD42!", "<secret>")
    try:
        return _hint(sr.keyword_problem("SECRETWORD42!"))
    finally:
        secrets.forget()


@pytest.mark.parametrize(("case", "call", "hint"), HINT_CASES, ids=[c[0] for c in HINT_CASES])
def test_each_hint_is_shown_for_the_input_it_is_for(
    case: str, call: Callable[[Path], str | None], hint: str, tmp_path: Path
) -> None:
    assert call(tmp_path) == hint


def test_the_config_file_hints(isolation: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = isolation / "home" / ".config" / "msgprof" / "config.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("accounts:\n  work: {api_key_env: WORK_KEY}\n")
    path.chmod(0o600)
    s = screen("list", "--account", "play", tty=False)
    assert (s.code, s.err.splitlines()[-1]) == (2, "  hint: accounts in the config file: work")
    path.write_text("accounts:\n  work: {api_kee: x}\n")
    s = screen("list", "--account", "work", tty=False)
    assert s.code == 3 and s.err.splitlines()[-1].startswith("  hint: known keys: ")
    path.write_text("accounts:\n  work: {api_key_env: A}\n  work: {api_key_env: B}\n")
    assert screen("list", tty=False).err.splitlines()[-1] == "  hint: keep one of them"
    path.write_text("accounts:\n  work: {api_key: KEYabc}\n")
    path.chmod(0o644)
    s = screen("list", "--account", "work", tty=False)
    assert s.code == 4
    assert s.err.splitlines()[-1] == (
        f"  hint: run: chmod 600 {path}  (or use api_key_env, api_key_file or api_key_command)"
    )


def test_the_no_key_hint_names_every_source() -> None:
    s = screen("list", tty=False)
    assert s.err == (
        "msgprof: error: no API key: msgprof needs one to call the API\n"
        "  hint: set TELNYX_API_KEY, pass --api-key-file PATH (- reads stdin), or select an account (--account NAME or "
        "MSGPROF_ACCOUNT) whose config has api_key_env, api_key_file, api_key_command or api_key; `msgprof config "
        "show` shows what is in effect. No Telnyx account yet? Try msgprof on a local API: `msgprof sandbox` "
        "(docs/sandbox.md)\n"
    )


def test_every_hint_text_appears_in_a_test() -> None:
    """Each text a hint is made of, in cli/hints.py, settings.py and document/*, is written in some
    test (this file's table or another test): a hint added without a test fails here."""
    from conftest import ROOT

    written = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("*.py"))
    written += " ".join(written.split())  # a text a test wraps over lines
    files = [ROOT / "msgprof_cli/cli/hints.py", ROOT / "msgprof_cli/settings.py"]
    files += sorted((ROOT / "msgprof_cli/document").glob("*.py"))
    untested = []
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            made: list[ast.expr] = []
            if isinstance(node, ast.keyword) and node.arg == "hint":
                made.append(node.value)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "hint" for t in node.targets):
                made.append(node.value)
            for expr in made:
                for part in ast.walk(expr):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str) and len(part.value.strip()) >= 8:
                        if part.value.strip()[:30] not in written:
                            untested.append(f"{file.name}:{expr.lineno}: {part.value!r}")
    assert untested == []
