"""One rule for YAML values JSON does not have (issue 28, finding 2).

A date, a date and time, ``!!binary``, ``!!set``, ``!!omap``, ``!!pairs`` or any other tag is
refused wherever it appears in a document, by validate, plan, create, update and apply alike:
exit 3, the file, line and field named, nothing sent.  The fields read as written
(``webhook_api_version``, ``daily_spend_limit``) take a plain scalar as its text.  And the
invariant behind it: when validate passes, plan and create never exit 1 (an internal error).
Every command runs against the sandbox, a real loopback server.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screens import screen

from msgprof_cli.sandbox.server import Sandbox

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEAD = "name: Yaml Only\n"
LIST = "whitelisted_destinations: [US]\n"

# Every kind of place a value can sit: (what follows HEAD, with {V} for the value; the field path
# an error names; whether the place is a setup section, which create and update do not take).
PLACES: list[tuple[str, str, bool]] = [
    ("features:\n  launch: {V}\n", "features.launch", False),  # an open object
    ("features:\n  ai_opt_out_detection_enabled: {V}\n", "features.ai_opt_out_detection_enabled", False),
    ("mystery: {V}\n", "mystery", False),  # --allow-unknown
    ("mystery:\n  deep: [1, {V}]\n", "mystery.deep[1]", False),
    ("alpha_sender: {V}\n", "alpha_sender", False),  # string
    ("enabled: {V}\n", "enabled", False),  # boolean
    ("webhook_url: {V}\n", "webhook_url", False),  # url
    ("number_pool_settings:\n  long_code_weight: {V}\n", "number_pool_settings.long_code_weight", False),
    ("mms_transcoding: {V}\n", "mms_transcoding", False),
    ("redaction_level: {V}\n", "redaction_level", False),  # integer
    ("whitelisted_destinations: [US, {V}]\n", "whitelisted_destinations[1]", False),  # countries
    ("phone_numbers:\n  - {V}\n", "phone_numbers[0]", True),
    ("phone_numbers:\n  - number: '+15550100001'\n    move: {V}\n", "phone_numbers[0].move", True),
    ("alphanumeric_sender_ids:\n  - {V}\n", "alphanumeric_sender_ids[0]", True),
    (
        "autoresp_configs:\n  - op: start\n    country_code: US\n    keywords: [{V}]\n",
        "autoresp_configs[0].keywords[0]",
        True,
    ),
]

dates = st.dates(min_value=dt.date(1000, 1, 1)).map(dt.date.isoformat)
times = st.datetimes(min_value=dt.datetime(1000, 1, 1)).map(lambda d: d.isoformat())
zoned = st.datetimes(min_value=dt.datetime(1000, 1, 1), timezones=st.just(dt.timezone.utc)).map(
    lambda d: d.isoformat().replace("+00:00", "Z")
)
binaries = st.binary(max_size=12).map(lambda b: "!!binary " + (base64.b64encode(b).decode() or "''"))
names = st.text("abcxyz", min_size=1, max_size=4)
sets = st.lists(names, min_size=1, max_size=3, unique=True).map(lambda xs: "!!set {" + ", ".join(xs) + "}")
ordered = st.sampled_from(["!!omap", "!!pairs"]).map(lambda t: t + " [{a: 1}, {b: 2}]")
tagged = st.sampled_from(["!foo bar", "!!python/tuple [1, 2]", "!!timestamp 2001-12-14", "!<tag:x.org,1:y> 1"])
yaml_only = st.one_of(dates, times, zoned, binaries, sets, ordered, tagged)


def _write(text: str) -> str:
    Path("doc.yaml").write_text(text, encoding="utf-8")
    return "doc.yaml"


def _doc(template: str, value: str) -> str:
    """A profile with the value in its place (and the destinations, unless the place is in them)."""
    listed = "" if template.startswith("whitelisted_destinations:") else LIST
    return _write(HEAD + template.replace("{V}", value) + listed)


@PROPERTY
@given(place=st.sampled_from(PLACES), value=yaml_only)
def test_a_yaml_only_value_anywhere_is_refused_by_every_command_alike(
    sandbox: Sandbox, place: tuple[str, str, bool], value: str
) -> None:
    template, field, setup = place
    path = _doc(template, value)
    line = (HEAD + template).splitlines().index(next(x for x in template.splitlines() if "{V}" in x)) + 1
    where = f"{path}:{line}: {field}: "
    runs = {
        "validate": screen("validate", path, "--allow-unknown", tty=False),
        "plan": screen("plan", "-f", path, "--allow-unknown", tty=False),
        "apply": screen("apply", "-f", path, "--allow-unknown", tty=False),
    }
    if not setup:  # create and update take profile fields only
        runs["create"] = screen("create", "-f", path, "--allow-unknown", tty=False)
        runs["create --dry-run"] = screen("create", "-f", path, "--allow-unknown", "--dry-run", tty=False)
    for command, s in runs.items():
        assert s.code == 3, (command, s.code, s.err)
        assert f"msgprof: error: {where}" in s.err, (command, s.err)
        assert "JSON" in s.err or "tag" in s.err, (command, s.err)
        assert "internal error" not in s.err
    assert json.loads(screen("list", "--json", tty=False).out) == []  # nothing was sent


def test_every_yaml_only_value_of_a_file_is_named_at_once_with_its_line(sandbox: Sandbox) -> None:
    path = _write(
        HEAD + "features:\n  when: 2001-12-14\n  at: 2001-12-14t21:59:43.10-05:00\n"
        "  blob: !!binary aGk=\n  s: !!set {a, b}\n"
    )
    s = screen("validate", path, tty=False)
    assert (s.code, s.out) == (3, "invalid  doc.yaml\n")
    assert s.err == (
        "msgprof: error: doc.yaml:3: features.when: '2001-12-14' is a YAML date, a value JSON (and so the API) "
        "does not have\n"
        '  hint: quote it ("2001-12-14") to send it as text\n'
        "msgprof: error: doc.yaml:4: features.at: '2001-12-14t21:59:43.10-05:00' is a YAML date and time, a value "
        "JSON (and so the API) does not have\n"
        '  hint: quote it ("2001-12-14t21:59:43.10-05:00") to send it as text\n'
        "msgprof: error: doc.yaml:5: features.blob: `!!binary` data is a value JSON (and so the API) does not have\n"
        "  hint: give the text as a string, without the tag\n"
        "msgprof: error: doc.yaml:6: features.s: a YAML set (`!!set`) is a value JSON (and so the API) does not have\n"
        "  hint: write a list: [a, b]\n"
        # and the document's other problems in the same run (docs/documents.md)
        "msgprof: error: doc.yaml:1: whitelisted_destinations: required field is missing\n"
        "  hint: give --whitelist or a `whitelisted_destinations:` key\n"
    )


def test_quoted_the_same_values_are_text_and_pass(sandbox: Sandbox) -> None:
    path = _write(HEAD + LIST + "features:\n  when: '2001-12-14'\n  blob: !!str 2001-12-14\n")
    assert screen("validate", path, tty=False).code == 0
    s = screen("create", "-f", path, "--dry-run", "--json", tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["body"]["features"] == {"when": "2001-12-14", "blob": "2001-12-14"}


def test_a_field_read_as_written_takes_a_plain_date_as_its_text(sandbox: Sandbox) -> None:
    path = _write(HEAD + LIST + "webhook_api_version: 2010-04-01\n")
    assert screen("validate", path, tty=False).code == 0
    s = screen("create", "-f", path, "--json", tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["webhook_api_version"] == "2010-04-01"
    tagged = _write(HEAD + LIST + "webhook_api_version: !!timestamp 2010-04-01\n")  # asked for a date: refused
    assert screen("validate", tagged, tty=False).code == 3


def test_update_refuses_a_yaml_only_value_too(sandbox: Sandbox) -> None:
    sandbox.create({"name": "Yaml Only", "whitelisted_destinations": ["US"]})
    path = _write("features:\n  launch: 2001-12-14\n")
    s = screen("update", "Yaml Only", "-f", path, tty=False)
    assert s.code == 3 and "doc.yaml:2: features.launch: '2001-12-14' is a YAML date" in s.err, s.err


# ---------------------------------------------------------------- validate passing => no exit 1

# Plain scalars YAML 1.1 reads as something other than text, and text that looks like them.
TRICKY = [
    "2001-12-14", "2001-12-14 21:59:43.10 -5", "yes", "no", "on", "off", "~", "null", "0x1F", "017",
    "1_000", "1:20", "190:20:30.15", ".inf", ".nan", "-.inf", "1e3", "+12", "=", "<<", "'2001-12-14'",
    "!!str 12", "! 12", "!!binary aGk=", "!!set {a}", "''", "true", "12.50", "+15550100001", "US", "GB",
    "[]", "{}", "[US]", "{a: 2001-12-14}", "[1, 2001-12-14]",
]  # fmt: skip
scalar = st.one_of(st.sampled_from(TRICKY), st.text("abc019-:. ", max_size=8).map(json.dumps))


@PROPERTY
@given(place=st.sampled_from(PLACES), value=scalar)
def test_when_validate_passes_plan_and_create_never_exit_1(
    sandbox: Sandbox, place: tuple[str, str, bool], value: str
) -> None:
    template, _, setup = place
    path = _doc(template, value)
    checked = screen("validate", path, "--allow-unknown", tty=False)
    assert checked.code in (0, 3), checked.err
    plan = screen("plan", "-f", path, "--allow-unknown", tty=False)
    assert plan.code != 1, plan.err
    assert (plan.code == 3) == (checked.code == 3), (checked.err, plan.err)  # the same checks
    if not setup:
        create = screen("create", "-f", path, "--allow-unknown", "--dry-run", tty=False)
        assert create.code != 1, create.err
        assert (create.code == 3) == (checked.code == 3), (checked.err, create.err)


def test_the_non_specific_tag_is_text_and_a_tagged_lists_items_are_named_by_their_index(sandbox: Sandbox) -> None:
    path = _write(HEAD + LIST + "features:\n  when: ! 2001-12-14\n")
    s = screen("create", "-f", path, "--dry-run", "--json", tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["body"]["features"] == {"when": "2001-12-14"}
    path = _write(HEAD + LIST + "mystery: !!omap\n  - a: 1\n  - b: 2001-12-14\n")
    s = screen("validate", path, "--allow-unknown", tty=False)
    assert s.code == 3
    assert "doc.yaml:3: mystery: a YAML ordered mapping (`!!omap`)" in s.err
    assert "doc.yaml:5: mystery[1].b: '2001-12-14' is a YAML date" in s.err


def test_a_bare_equals_or_merge_sign_as_a_value_is_text_and_merge_keys_still_merge(sandbox: Sandbox) -> None:
    path = _write(
        "- &d {name: A, whitelisted_destinations: [US], enabled: false}\n- <<: *d\n  name: M\n  features: {a: <<, b: =}\n"
    )
    s = screen("create", "-f", path, "--dry-run", "--json", tty=False)
    assert s.code == 3 and "holds 2 profiles" in s.err
    s = screen("plan", "-f", path, "--json", tty=False)
    assert s.code == 0, s.err
    made = {item["name"]: item for item in json.loads(s.out)["items"]}
    assert set(made) == {"A", "M"}
    one = _write(HEAD + LIST + "features: {a: <<, b: =}\n")
    s = screen("create", "-f", one, "--dry-run", "--json", tty=False)
    assert s.code == 0, s.err
    assert json.loads(s.out)["body"]["features"] == {"a": "<<", "b": "="}
