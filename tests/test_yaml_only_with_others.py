"""A YAML-only value hides nothing (docs/documents.md: every problem of a document at once).

A document with a value JSON does not have (a date, `!!set`...) and another error anywhere reports
both in one run, with their lines, in validate, plan, apply and create alike (exit 3, nothing
sent); the refused value is said once, never again as "may not be null" or "not a phone number".
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from screens import screen
from test_yaml_only import HEAD, LIST, PLACES, PROPERTY, _write, yaml_only

from msgprof_cli.sandbox.server import Sandbox

# Another error, each in its own field (never the place of the YAML-only value): (line, field, needle).
OTHERS = [
    ('alpha_sender: "bad sender!!"\n', "alpha_sender", "does not match"),
    ("webhook_url: ftp://example.com/hook\n", "webhook_url", "is not an absolute http(s) URL"),
    ("whitelisted_destinations: [US, XX]\n", "whitelisted_destinations[1]", "is not an ISO 3166-1 alpha-2"),
]


@PROPERTY
@given(place=st.sampled_from(PLACES), value=yaml_only, other=st.sampled_from(OTHERS))
def test_a_yaml_only_value_and_another_error_are_both_reported(
    sandbox: Sandbox, place: tuple[str, str, bool], value: str, other: tuple[str, str, str]
) -> None:
    template, field, setup = place
    other_line, other_field, needle = other
    if template.split(":")[0] == other_line.split(":")[0]:
        other_line, other_field, needle = OTHERS[0] if other is not OTHERS[0] else OTHERS[1]
    listed = "" if template.startswith("whitelisted_destinations:") or other_line.startswith("whitelisted") else LIST
    text = HEAD + other_line + template.replace("{V}", value) + listed
    path = _write(text)
    value_line = 3 + next(i for i, x in enumerate(template.splitlines()) if "{V}" in x)  # after HEAD and the other
    runs = {
        "validate": screen("validate", path, "--allow-unknown", tty=False),
        "plan": screen("plan", "-f", path, "--allow-unknown", tty=False),
        "apply": screen("apply", "-f", path, "--allow-unknown", tty=False),
    }
    if not setup:
        runs["create"] = screen("create", "-f", path, "--allow-unknown", "--dry-run", tty=False)
    for command, s in runs.items():
        assert s.code == 3, (command, s.code, s.err)
        assert f"doc.yaml:{value_line}: {field}: " in s.err, (command, s.err)  # the YAML-only value...
        assert f"doc.yaml:2: {other_field}: " in s.err and needle in s.err, (command, s.err)  # ...and the other
        said = [x for x in s.err.splitlines() if x.startswith(f"msgprof: error: doc.yaml:{value_line}: {field}")]
        assert len(said) == 1, (command, s.err)  # once: no second error for the refused value
        assert "internal error" not in s.err
    assert json.loads(screen("list", "--json", tty=False).out) == []  # nothing was sent


def test_the_users_example_a_date_and_a_bad_sender(sandbox: Sandbox) -> None:
    path = _write(HEAD + LIST + "webhook_url: 2001-12-14\nalpha_sender: 'bad sender!!'\n")
    s = screen("validate", path, tty=False)
    assert (s.code, s.out) == (3, "invalid  doc.yaml\n")
    assert s.err == (
        "msgprof: error: doc.yaml:3: webhook_url: '2001-12-14' is a YAML date, a value JSON (and so the API) "
        "does not have\n"
        '  hint: quote it ("2001-12-14") to send it as text\n'
        "msgprof: error: doc.yaml:4: alpha_sender: 'bad sender!!' does not match ^[A-Za-z0-9 ]{1,11}$\n"
        "  hint: expected a string matching ^[A-Za-z0-9 ]{1,11}$ or null\n"
    )
    for args in (("plan", "-f", path), ("create", "-f", path, "--dry-run")):
        s = screen(*args, tty=False)
        assert s.code == 3 and "webhook_url: '2001-12-14' is a YAML date" in s.err and "alpha_sender:" in s.err, s.err


def test_with_an_interpolation_problem_the_yaml_only_value_is_reported_too(sandbox: Sandbox) -> None:
    path = _write(HEAD + LIST + "webhook_url: 2001-12-14\nalpha_sender: ${MSGPROF_UNSET_FOR_TEST}\n")
    s = screen("validate", path, tty=False)
    assert s.code == 3 and "doc.yaml:3: webhook_url: '2001-12-14' is a YAML date" in s.err, s.err
    assert "MSGPROF_UNSET_FOR_TEST" in s.err, s.err
