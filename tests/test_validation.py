"""Every field rule has a passing and a failing case; loading reports files and lines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from msgprof_cli.document.changes import diff
from msgprof_cli.document.document import Document
from msgprof_cli.document.loading import parse_documents
from msgprof_cli.document.schema import json_schema
from msgprof_cli.document.validation import validate
from msgprof_cli.errors import InvalidInput

BASE: dict[str, Any] = {"name": "Support", "whitelisted_destinations": ["US"]}
POOL = {"long_code_weight": 1, "toll_free_weight": 10, "skip_unhealthy": True}


def check(extra: dict[str, Any], mode: str = "create", base: dict[str, Any] | None = None, **kw: Any):
    data = {**(BASE if base is None else base), **extra}
    return validate(Document(data, "t.yaml"), mode=mode, **kw)


# (field update, expected payload value or None) -- each must pass
PASSING = [
    ({"enabled": False}, ("enabled", False)),
    ({"webhook_url": "https://example.com/hooks"}, ("webhook_url", "https://example.com/hooks")),
    ({"webhook_url": ""}, ("webhook_url", "")),
    ({"webhook_url": None}, ("webhook_url", None)),
    ({"webhook_failover_url": "http://backup.example.com"}, ("webhook_failover_url", "http://backup.example.com")),
    ({"health_webhook_url": None}, ("health_webhook_url", None)),
    ({"webhook_api_version": "2010-04-01"}, ("webhook_api_version", "2010-04-01")),
    ({"webhook_api_version": 1}, ("webhook_api_version", "1")),
    ({"alpha_sender": "Acme Inc 1"}, ("alpha_sender", "Acme Inc 1")),
    ({"alpha_sender": None}, ("alpha_sender", None)),
    ({"daily_spend_limit": "100.00"}, ("daily_spend_limit", "100.00")),
    ({"daily_spend_limit": 250}, ("daily_spend_limit", "250")),
    ({"daily_spend_limit_enabled": True}, ("daily_spend_limit_enabled", True)),
    ({"mms_fall_back_to_sms": True}, ("mms_fall_back_to_sms", True)),
    ({"mms_transcoding": True}, ("mms_transcoding", True)),
    ({"mobile_only": True}, ("mobile_only", True)),
    ({"smart_encoding": True}, ("smart_encoding", True)),
    ({"ai_assistant_id": "a" * 64}, ("ai_assistant_id", "a" * 64)),
    ({"resource_group_id": None}, ("resource_group_id", None)),
    ({"whitelisted_destinations": ["*"]}, ("whitelisted_destinations", ["*"])),
    ({"whitelisted_destinations": ["us", "Ca"]}, ("whitelisted_destinations", ["US", "CA"])),
    ({"whitelisted_destinations": ["US", "US"]}, ("whitelisted_destinations", ["US"])),
    ({"number_pool_settings": POOL}, ("number_pool_settings", POOL)),
    (
        {"number_pool_settings": {**POOL, "long_code_weight": 0, "toll_free_weight": 2.5}},
        ("number_pool_settings", {**POOL, "long_code_weight": 0, "toll_free_weight": 2.5}),
    ),
    ({"number_pool_settings": None}, ("number_pool_settings", None)),
    (
        {"url_shortener_settings": {"domain": "acct.fyi", "prefix": "", "send_webhooks": False}},
        ("url_shortener_settings", {"domain": "acct.fyi", "prefix": "", "send_webhooks": False}),
    ),
    ({"url_shortener_settings": None}, ("url_shortener_settings", None)),
]


@pytest.mark.parametrize(("extra", "expected"), PASSING, ids=[repr(p[0])[:60] for p in PASSING])
def test_valid_values_pass_and_are_normalised(extra: dict[str, Any], expected: tuple[str, Any]) -> None:
    result = check(extra)
    assert result.errors == []
    key, value = expected
    assert result.payload[key] == value


# (document change, field path in the error, words in the message)
FAILING = [
    ({"name": ""}, "name", "may not be empty"),
    ({"name": 5}, "name", "expected a string"),
    ({"whitelisted_destinations": []}, "whitelisted_destinations", "is empty"),
    ({"whitelisted_destinations": "US"}, "whitelisted_destinations", "expected a list"),
    ({"whitelisted_destinations": ["XX"]}, "whitelisted_destinations[0]", "not an ISO 3166-1"),
    ({"whitelisted_destinations": ["UK"]}, "whitelisted_destinations[0]", "not an ISO 3166-1"),
    ({"whitelisted_destinations": ["US", "*"]}, "whitelisted_destinations[1]", "must stand alone"),
    ({"whitelisted_destinations": [1]}, "whitelisted_destinations[0]", "expected a country code"),
    ({"enabled": "yes"}, "enabled", "expected true or false"),
    ({"enabled": None}, "enabled", "may not be null"),
    ({"webhook_url": "example.com/hooks"}, "webhook_url", "not an absolute http(s) URL"),
    ({"webhook_url": "ftp://example.com"}, "webhook_url", "not an absolute http(s) URL"),
    ({"webhook_failover_url": "https://"}, "webhook_failover_url", "not an absolute"),
    ({"health_webhook_url": 3}, "health_webhook_url", "expected a string"),
    ({"webhook_api_version": "3"}, "webhook_api_version", "must be one of"),
    ({"alpha_sender": "Too-Long-Sender-ID"}, "alpha_sender", "does not match"),
    ({"alpha_sender": ""}, "alpha_sender", "does not match"),
    ({"daily_spend_limit": "10,00"}, "daily_spend_limit", "does not match"),
    ({"daily_spend_limit": "-5"}, "daily_spend_limit", "does not match"),
    ({"daily_spend_limit": None}, "daily_spend_limit", "may not be null"),
    ({"daily_spend_limit_enabled": 1}, "daily_spend_limit_enabled", "expected true or false"),
    ({"mms_fall_back_to_sms": "false"}, "mms_fall_back_to_sms", "expected true or false"),
    ({"mms_transcoding": 0}, "mms_transcoding", "expected true or false"),
    ({"mobile_only": None}, "mobile_only", "may not be null"),
    ({"smart_encoding": "on"}, "smart_encoding", "expected true or false"),
    ({"ai_assistant_id": "a" * 65}, "ai_assistant_id", "at most 64"),
    ({"resource_group_id": "r" * 65}, "resource_group_id", "at most 64"),
    (
        {"number_pool_settings": {**POOL, "long_code_weight": -1}},
        "number_pool_settings.long_code_weight",
        "non-negative",
    ),
    (
        {"number_pool_settings": {**POOL, "toll_free_weight": True}},
        "number_pool_settings.toll_free_weight",
        "expected a non-negative number",
    ),
    (
        {"number_pool_settings": {**POOL, "toll_free_weight": "10"}},
        "number_pool_settings.toll_free_weight",
        "expected a non-negative number",
    ),
    (
        {"number_pool_settings": {"toll_free_weight": 1, "skip_unhealthy": True}},
        "number_pool_settings.long_code_weight",
        "required",
    ),
    (
        {"number_pool_settings": {"long_code_weight": 1, "skip_unhealthy": True}},
        "number_pool_settings.toll_free_weight",
        "required",
    ),
    (
        {"number_pool_settings": {"long_code_weight": 1, "toll_free_weight": 1}},
        "number_pool_settings.skip_unhealthy",
        "required",
    ),
    (
        {"number_pool_settings": {**POOL, "sticky_sender": "no"}},
        "number_pool_settings.sticky_sender",
        "expected true or false",
    ),
    ({"number_pool_settings": {**POOL, "geomatch": None}}, "number_pool_settings.geomatch", "may not be null"),
    ({"number_pool_settings": [1]}, "number_pool_settings", "expected an object"),
    ({"url_shortener_settings": {"prefix": "x"}}, "url_shortener_settings.domain", "required"),
    ({"url_shortener_settings": {"domain": ""}}, "url_shortener_settings.domain", "may not be empty"),
    ({"url_shortener_settings": {"domain": "a.b", "prefix": 3}}, "url_shortener_settings.prefix", "expected a string"),
    (
        {"url_shortener_settings": {"domain": "a.b", "replace_blacklist_only": "true"}},
        "url_shortener_settings.replace_blacklist_only",
        "expected true or false",
    ),
    (
        {"url_shortener_settings": {"domain": "a.b", "send_webhooks": 1}},
        "url_shortener_settings.send_webhooks",
        "expected true or false",
    ),
    ({"nmae": "x"}, "nmae", "unknown field"),
    ({"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, "id", "read-only"),
    ({"v1_secret": "abc"}, "v1_secret", "read-only"),
]


@pytest.mark.parametrize(("extra", "path", "words"), FAILING, ids=[f"{p[1]}:{p[2]}" for p in FAILING])
def test_invalid_values_fail_at_their_field(extra: dict[str, Any], path: str, words: str) -> None:
    result = check(extra)
    assert [e.field for e in result.errors] == [path], result.errors
    assert words in result.errors[0].message


@pytest.mark.parametrize("missing", ["name", "whitelisted_destinations"])
def test_create_requires_name_and_destinations(missing: str) -> None:
    data = {k: v for k, v in BASE.items() if k != missing}
    result = validate(Document(data, "t.yaml"))
    assert [e.field for e in result.errors] == [missing]
    assert "required" in result.errors[0].message


def test_update_requires_nothing_but_refuses_create_only_fields() -> None:
    assert validate(Document({"enabled": False}), mode="update").errors == []
    result = validate(Document({"health_webhook_url": None, "resource_group_id": "rg"}), mode="update")
    assert sorted(e.field for e in result.errors) == ["health_webhook_url", "resource_group_id"]
    assert all("update request has no such field" in e.message for e in result.errors)


def test_every_problem_is_reported_at_once() -> None:
    result = validate(Document({"name": "", "whitelisted_destinations": ["ZZ"], "enabled": "no", "nmae": 1}))
    assert sorted(e.field for e in result.errors) == ["enabled", "name", "nmae", "whitelisted_destinations[0]"]


def test_unknown_field_suggests_the_near_name_and_can_be_passed_through() -> None:
    result = check({"webhook_ur": "https://x.example"})
    assert result.errors[0].hint is not None and "did you mean 'webhook_url'" in result.errors[0].hint
    passed = check({"brand_new_field": 1}, allow_unknown=True)
    assert passed.errors == [] and passed.payload["brand_new_field"] == 1
    assert [w.field for w in passed.warnings] == ["brand_new_field"]


def test_uk_suggests_gb() -> None:
    result = check({"whitelisted_destinations": ["UK"]})
    assert result.errors[0].hint == "did you mean GB?"


def test_yaml_lines_and_file_are_reported() -> None:
    text = b"name: Support\nwhitelisted_destinations:\n  - US\n  - XX\nenabled: maybe\n"
    [doc] = parse_documents(text, "p.yaml")
    result = validate(doc)
    where = {e.field: (e.source, e.line) for e in result.errors}
    assert where == {"whitelisted_destinations[1]": ("p.yaml", 4), "enabled": ("p.yaml", 5)}
    assert result.errors[0].location() == "p.yaml:4: whitelisted_destinations[1]"


def test_json_lines_are_found_for_errors() -> None:
    text = json.dumps({"name": "S", "whitelisted_destinations": ["US"], "enabled": "x"}, indent=2).encode()
    [doc] = parse_documents(text, "p.json")
    result = validate(doc)
    assert (result.errors[0].field, result.errors[0].line) == ("enabled", 6)


def test_yaml_numbers_keep_their_written_form() -> None:
    text = b"name: S\nwhitelisted_destinations: [NO, se]\ndaily_spend_limit: 100.50\nwebhook_api_version: 2010-04-01\n"
    [doc] = parse_documents(text, "p.yaml")
    result = validate(doc)
    assert result.errors == []
    assert result.payload["daily_spend_limit"] == "100.50"
    assert result.payload["webhook_api_version"] == "2010-04-01"
    assert result.payload["whitelisted_destinations"] == ["NO", "SE"]  # bare NO is Norway, not false


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"", "empty"),
        (b"name: [unclosed\n", "not valid YAML"),
        (b'{"name": "x",}', "not valid JSON"),
        (
            b"a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
            "alias",
        ),
        (b"a: " + b"[" * 40 + b"]" * 40, "nested"),
        (b"name: a\nname: b\n", "appears twice"),
        (b"x" * (1024 * 1024 + 10), "limit"),
    ],
)
def test_unreadable_documents_are_invalid_input(data: bytes, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        name = "bad.json" if data.startswith(b"{") else "bad.yaml"  # a .yaml file may hold YAML flow style
        parse_documents(data, name) if len(data) <= 1024 * 1024 else _too_big(data)
    assert words in (err.value.message + (err.value.hint or ""))


def _too_big(data: bytes) -> None:
    import io

    from msgprof_cli.document.loading import load_documents

    load_documents("-", stdin=io.BytesIO(data))


def test_streams_and_lists_give_one_document_per_profile() -> None:
    docs = parse_documents(b"name: a\n---\n- name: b\n- name: c\n", "many.yaml")
    assert [d.data["name"] for d in docs] == ["a", "b", "c"]
    assert [d.source for d in docs] == ["many.yaml#1", "many.yaml#2", "many.yaml#3"]


def test_schema_matches_the_rules() -> None:
    import jsonschema  # a test dependency (pip install .[dev])
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    assert list(v.iter_errors({**BASE, "number_pool_settings": POOL})) == []
    assert list(v.iter_errors({"name": "x"}))  # missing destinations
    assert list(v.iter_errors({**BASE, "nmae": 1}))
    # a file may hold a list of profiles: each is checked, an empty list is not a document
    assert list(v.iter_errors([BASE, {**BASE, "name": "y"}])) == []
    assert list(v.iter_errors([BASE, {"name": "x"}]))
    assert list(v.iter_errors([]))


def test_diff_compares_only_given_fields_and_normalises() -> None:
    live = {
        "name": "S",
        "whitelisted_destinations": ["CA", "US"],
        "webhook_url": "",
        "daily_spend_limit": "100.00",
        "number_pool_settings": {**POOL, "sticky_sender": True},
    }
    desired = {
        "name": "S",
        "whitelisted_destinations": ["US", "CA"],
        "webhook_url": None,
        "daily_spend_limit": "100",
        "number_pool_settings": POOL,
    }
    assert diff(desired, live) == []
    changes = diff({**desired, "number_pool_settings": {**POOL, "toll_free_weight": 3}}, live)
    assert [(c.field, c.old, c.new) for c in changes] == [("number_pool_settings.toll_free_weight", 10, 3)]


def test_yaml_merge_keys_share_settings_and_explicit_keys_win() -> None:
    text = (
        b"- &base\n  name: A\n  whitelisted_destinations: [US]\n  mms_transcoding: true\n"
        b"- <<: *base\n  name: B\n  mms_transcoding: false\n"
    )
    docs = parse_documents(text, "m.yaml")
    payloads = [validate(d).payload for d in docs]
    assert payloads == [
        {"name": "A", "whitelisted_destinations": ["US"], "mms_transcoding": True},
        {"name": "B", "whitelisted_destinations": ["US"], "mms_transcoding": False},
    ]
    with pytest.raises(InvalidInput, match="merges mappings only"):
        parse_documents(b"a: &x [1]\nb:\n  <<: *x\n", "m.yaml")
