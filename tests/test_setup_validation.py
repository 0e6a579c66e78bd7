"""The messaging-setup rules: each is an exact predicate (hypothesis), and problems come all at once."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msgprof_cli.document import setup_rules as ms
from msgprof_cli.document.countries import ISO_3166_ALPHA2
from msgprof_cli.document.loading import parse_documents
from msgprof_cli.errors import InvalidInput

# Independent statements of each rule (not the module's regexes), for the properties below.


def is_e164(s: str) -> bool:
    digits = s[1:]
    return s[:1] == "+" and 7 <= len(digits) <= 15 and all(c in "0123456789" for c in digits) and digits[0] != "0"


def is_sender_id(s: str) -> bool:
    return 1 <= len(s) <= 11 and s.strip() != "" and all(c in string.ascii_letters + string.digits + " " for c in s)


def is_us_long_code(s: str) -> bool:
    return len(s) == 12 and s[:2] == "+1" and s[2] in "23456789" and all(c in "0123456789" for c in s[2:])


PHONEISH = st.text(alphabet="+0123456789 -()٣x", max_size=18)
NUMBERS = st.builds(lambda cc, rest: f"+{cc}{rest}", st.integers(1, 999), st.text("0123456789", max_size=14))


@settings(max_examples=400)
@given(st.one_of(PHONEISH, NUMBERS, st.text(max_size=20)))
def test_a_number_is_accepted_iff_it_is_e164(s: str) -> None:
    assert (ms.number_problem(s) is None) == is_e164(s)


@settings(max_examples=400)
@given(st.one_of(st.text(alphabet=string.ascii_letters + string.digits + " -_.é\n", max_size=14), st.text(max_size=14)))
def test_a_sender_id_is_accepted_iff_1_to_11_letters_digits_or_spaces(s: str) -> None:
    assert (ms.sender_id_problem(s) is None) == is_sender_id(s)


@settings(max_examples=300)
@given(st.one_of(PHONEISH, NUMBERS))
def test_a_fallback_is_accepted_iff_it_is_a_us_long_code(s: str) -> None:
    assert (ms.us_long_code_problem(s) is None) == is_us_long_code(s)


@given(st.one_of(st.sampled_from(["start", "stop", "info", "STOP", "Start", "stp", ""]), st.text(max_size=6)))
def test_op_is_accepted_iff_in_the_enum(s: str) -> None:
    assert (ms.op_problem(s) is None) == (s in ("start", "stop", "info"))


@given(st.one_of(st.text(alphabet=string.ascii_letters + string.digits + " -_!é١", max_size=12), st.text(max_size=12)))
def test_a_keyword_is_accepted_iff_one_word_of_letters_or_digits(s: str) -> None:
    assert (ms.keyword_problem(s) is None) == (
        len(s) > 0 and all(c.isalpha() or c.isdigit() or c.isnumeric() for c in s)
    )


@given(st.one_of(st.text(alphabet=string.ascii_letters + "*", min_size=1, max_size=3), st.text(max_size=3)))
def test_a_country_is_accepted_iff_iso_alpha2_or_star_in_any_case(s: str) -> None:
    code, problem = ms.country(s)
    expected = s.strip().upper() in ISO_3166_ALPHA2 or s.strip() == "*"
    assert (problem is None) == expected
    assert code == (s.strip().upper() if expected else None)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("+1 (555) 010-0001", "did you mean +15550100001?"),
        ("15550100001", "did you mean +15550100001?"),
        ("0044 20 7946 0000", "did you mean +442079460000?"),
    ],
)
def test_a_number_that_is_almost_e164_gets_a_did_you_mean(text: str, hint: str) -> None:
    problem = ms.number_problem(text)
    assert problem is not None and problem[1] == hint


def test_op_and_country_mistakes_get_a_did_you_mean() -> None:
    assert ms.op_problem("STOP") == ("op must be one of start, stop, info; found 'STOP'", "did you mean 'stop'?")
    assert ms.country("UK")[1] == ("'UK' is not an ISO 3166-1 alpha-2 country code", "did you mean GB?")


def test_number_list_reports_every_bad_line_with_its_line_number() -> None:
    given_ = ms.parse_number_list("# ours\n+15550100001\n\n555-0100 # desk\n+15550100001\nabc\n", "n.txt")
    with pytest.raises(InvalidInput) as exc:
        ms.check_numbers(given_)
    issues = [(i.source, i.line, i.message) for i in exc.value.issues]
    assert issues == [
        ("n.txt", 4, "'555-0100' is not an E.164 phone number"),
        ("n.txt", 6, "'abc' is not an E.164 phone number"),
    ]


def test_duplicate_numbers_are_sent_once() -> None:
    assert ms.check_numbers(ms.arguments(["+15550100002", "+15550100001", "+15550100002"])) == [
        "+15550100002",
        "+15550100001",
    ]


SECTIONS_YAML = b"""\
name: Support
whitelisted_destinations: [US]
phone_numbers:
  - "+15550100001"
  - number: "+1 555 0100"
  - {number: "+15550100003", move: yes}
  - "+15550100001"
alphanumeric_sender_ids:
  - Acme
  - sender_id: Acme Corporation
  - {sender_id: Beta, us_long_code_fallback: "+10550100003", fallback: x}
autoresp_configs:
  - {op: stp, keywords: [STOP, stop], country_code: UK}
  - {op: info, keywords: HELP, country_code: "*", resp_text: Call us}
  - {op: start, keywords: [START], country_code: us}
"""


def test_every_section_problem_is_reported_at_once_with_its_path_and_line() -> None:
    (doc,) = parse_documents(SECTIONS_YAML, "support.yaml")
    _, setup_doc = ms.split_setup(doc)
    setup, issues = ms.validate_setup(setup_doc)
    found = [(i.field, i.line, i.message.split(":")[0], i.hint) for i in issues]
    assert found == [
        ("phone_numbers[1].number", 5, "'+1 555 0100' is not an E.164 phone number", "did you mean +15550100?"),
        (
            "alphanumeric_sender_ids[1].sender_id",
            10,
            "'Acme Corporation' is 16 characters long; a sender ID has at most 11",
            "shorten it",
        ),
        ("alphanumeric_sender_ids[2].fallback", 11, "unknown field", "the keys are sender_id, us_long_code_fallback"),
        (
            "alphanumeric_sender_ids[2].us_long_code_fallback",
            11,
            "'+10550100003' is not a US long code (+1 and ten digits)",
            "e.g. +15550100001",
        ),
        ("autoresp_configs[0].op", 13, "op must be one of start, stop, info; found 'stp'", "did you mean 'stop'?"),
        ("autoresp_configs[0].country_code", 13, "'UK' is not an ISO 3166-1 alpha-2 country code", "did you mean GB?"),
        (
            "autoresp_configs[0].keywords[1]",
            13,
            "keyword 'stop' is given twice (keywords match in any case)",
            "give it once",
        ),
        ("autoresp_configs[1].keywords", 14, "expected a list of keywords, found the string 'HELP'", "write [HELP]"),
        ("phone_numbers[3]", 7, "'+15550100001' is listed twice", "keep one entry"),
    ]
    assert setup.numbers is not None and [(n.number, n.move) for n in setup.numbers] == [
        ("+15550100001", False),
        ("+15550100003", True),
        ("+15550100001", False),
    ]
    assert setup.autoresp is not None and [a.payload() for a in setup.autoresp] == [
        {"op": "start", "keywords": ["START"], "country_code": "US"}
    ]


def test_split_setup_leaves_a_plain_profile_document_alone() -> None:
    (doc,) = parse_documents(b"name: A\nwhitelisted_destinations: [US]\n", "a.yaml")
    profile, setup = ms.split_setup(doc)
    assert profile is doc and setup is None
    assert ms.validate_setup(setup)[0].empty


def test_unquoted_yaml_numbers_and_codes_are_read_as_written() -> None:
    """YAML 1.1 reads +12025550100 as an integer and NO as false; the sections take the text."""
    text = b"name: A\nphone_numbers: [+12025550100, {number: +13125550100}, 5550100]\n" + (
        b"autoresp_configs: [{op: info, keywords: [HELP, 411], country_code: NO}]\n"
    )
    (doc,) = parse_documents(text, "a.yaml")
    setup, issues = ms.validate_setup(ms.split_setup(doc)[1])
    assert [(i.field, i.line, i.hint) for i in issues] == [("phone_numbers[2]", 2, "did you mean +5550100?")]
    assert setup.numbers is not None and [n.number for n in setup.numbers] == ["+12025550100", "+13125550100"]
    assert setup.autoresp is not None and setup.autoresp[0].payload() == {
        "op": "info",
        "keywords": ["HELP", "411"],
        "country_code": "NO",
    }


def test_a_keyword_answers_once_per_country_across_configs() -> None:
    text = b"""name: A
autoresp_configs:
  - {op: stop, keywords: [STOP, END], country_code: US}
  - {op: info, keywords: [HELP, end], country_code: US}
  - {op: info, keywords: [STOP], country_code: CA}
"""
    (doc,) = parse_documents(text, "a.yaml")
    _, issues = ms.validate_setup(ms.split_setup(doc)[1])
    assert [(i.field, i.line, i.message) for i in issues] == [
        ("autoresp_configs[1].keywords[1]", 4, "keyword 'end' is also a keyword of the stop config for US")
    ]


def test_the_json_schema_knows_the_sections() -> None:
    import jsonschema

    from msgprof_cli.document.schema import json_schema

    schema = json_schema()
    validator = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/profile"})  # one profile
    good = {
        "name": "S",
        "whitelisted_destinations": ["US"],
        "phone_numbers": ["+12025550100", {"number": "+13125550100", "move": True}],
        "alphanumeric_sender_ids": ["Acme", {"sender_id": "Beta", "us_long_code_fallback": "+12025550100"}],
        "autoresp_configs": [{"op": "stop", "keywords": ["STOP"], "country_code": "*"}],
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "phone_numbers": ["12025550100"], "autoresp_configs": [{"op": "halt", "keywords": ["X"]}]}
    assert {tuple(e.absolute_path)[:1] for e in validator.iter_errors(bad)} == {("phone_numbers",), ("autoresp_configs",)}
