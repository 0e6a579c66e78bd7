"""Input limits: the same for YAML and JSON, enforced while parsing, per profile and per file.

Finite numbers only; errors quote little and never a file that is not a profile.  No test here
measures time: speed at scale is in bench/ (validate of 1,000 and 10,000 profiles).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from msgprof_cli.document import loading
from msgprof_cli.document.loading import load_documents, parse_documents
from msgprof_cli.errors import InvalidInput
from msgprof_cli.sandbox.server import Sandbox

FULL = yaml.safe_load((ROOT / "sample-configs" / "valid" / "full.yaml").read_text())


def values_in(data: object) -> int:
    if isinstance(data, dict):
        return 1 + sum(values_in(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(values_in(v) for v in data)
    return 1


VALUES = 200_000  # the case of issue 12 (YAML composes the list before counting: its slowest test here)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "x", "extra": ' + "[" * 500 + "]" * 500 + "}", "nested more than 32 levels deep"),
        ('{"name": "x", "extra": [' + ",".join(["0"] * VALUES) + "]}", "more than 100,000 values in one profile"),
        ('{"name": "x", "extra": "' + "a" * 10_000 + '"}', "a value of 10,000 characters (the limit is 8,192)"),
    ],
    ids=["500-deep", "200000-values", "long-value"],
)
def test_json_and_yaml_share_the_limits_even_with_allow_unknown(cli, tmp_path: Path, suffix, text, message) -> None:
    f = tmp_path / f"big{suffix}"
    f.write_text(text)  # JSON is YAML too: the same text through both parsers
    for args in (("validate", "--allow-unknown", str(f)), ("create", "-f", str(f), "--allow-unknown", "--dry-run")):
        res = cli(*args)
        assert res.exit_code == 3, (args, res.output)
        assert message in res.stderr
        assert res.stdout in ("", f"invalid  {f}\n")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("nan.json", '{"name": "x", "whitelisted_destinations": ["US"], "extra": NaN}'),
        ("inf.json", '{"name": "x", "whitelisted_destinations": ["US"], "extra": -Infinity}'),
        ("big.json", '{"name": "x", "whitelisted_destinations": ["US"], "extra": 1e400}'),
        ("long.json", '{"name": "x", "whitelisted_destinations": ["US"], "extra": ' + "9" * 4301 + "}"),
        ("nan.yaml", "name: x\nwhitelisted_destinations: [US]\nextra: .nan\n"),
        ("inf.yaml", "name: x\nwhitelisted_destinations: [US]\nextra: -.inf\n"),
        ("big.yaml", "name: x\nwhitelisted_destinations: [US]\nextra: 1.0e+400\n"),
        ("long.yaml", "name: x\nwhitelisted_destinations: [US]\nextra: " + "9" * 4301 + "\n"),
        ("weight.yaml", "name: x\nwhitelisted_destinations: [US]\nnumber_pool_settings: {long_code_weight: 1e400}\n"),
    ],
)
def test_only_finite_numbers_are_read(cli, sandbox: Sandbox, tmp_path: Path, name: str, text: str) -> None:
    f = tmp_path / name
    f.write_text(text)
    for args in (
        ("validate", "--allow-unknown", str(f)),
        ("validate", "--allow-unknown", "--json", str(f)),
        ("create", "-f", str(f), "--allow-unknown", "--dry-run", "--json"),
        ("create", "-f", str(f), "--allow-unknown"),
        ("apply", "-f", str(f), "--allow-unknown"),
    ):
        res = cli(*args)
        assert res.exit_code == 3, (args, res.output)
        assert "internal error" not in res.stderr and "9999999999" not in res.stderr
    assert sandbox.received == []


def test_a_private_key_in_the_profiles_folder_is_never_quoted(cli, tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
    key.write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n{body[::-1]}\n-----END OPENSSH PRIVATE KEY-----\n")
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "ok.yaml").write_text("name: x\nwhitelisted_destinations: [US]\n")
    os.symlink(key, folder / "deploy.yaml")
    for args in (("validate", str(folder / "deploy.yaml")), ("plan", "-f", str(folder))):
        res = cli(*args)
        assert res.exit_code == 3, res.output
        assert "expected a profile (a mapping of field names), found a string of" in res.stderr
        assert "BEGIN" not in res.stderr and body[:8] not in res.stderr and body[-8:] not in res.stderr


def test_an_error_quotes_at_most_40_characters_of_a_value(cli, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    value = "Q" * 39 + "Z" * 3000
    f.write_text(f"name: x\nwhitelisted_destinations: [US]\nalpha_sender: {value}\nwebhook_url: {value}\n")
    res = cli("validate", str(f))
    assert res.exit_code == 3
    assert f"alpha_sender: '{'Q' * 39}Z'… (3,039 characters) does not match" in res.stderr
    assert f"webhook_url: '{'Q' * 39}Z'… (3,039 characters) is not an absolute http(s) URL" in res.stderr
    assert "ZZ" not in res.stderr


# ------------------------------------------------------------------ scale: per profile, not per file


def profiles_json(n: int) -> bytes:
    return json.dumps([{**FULL, "name": f"Profile {i:05}"} for i in range(n)]).encode()


def test_one_file_of_10000_full_profiles_is_read() -> None:
    data = profiles_json(10_000)
    docs = parse_documents(data, "many.json")
    assert len(docs) == 10_000 and docs[-1].data["name"] == "Profile 09999"
    assert docs[-1].source == "many.json#10000"
    # the same profiles as YAML fit the same limits (YAML's text is a little longer than JSON's)
    one = yaml.safe_dump([FULL], sort_keys=False).encode()
    assert 10_000 * len(one) < loading.MAX_FILE_BYTES
    assert 10_000 * values_in(FULL) < loading.MAX_FILE_VALUES
    assert values_in(FULL) < loading.MAX_VALUES


def test_yaml_profiles_each_keep_their_own_lines() -> None:
    text = "".join(f"- name: P{i}\n  whitelisted_destinations: [US]\n  enabled: 1\n" for i in range(300))
    docs = parse_documents(text.encode(), "many.yaml")
    assert [d.line_of(("enabled",)) for d in docs] == [3 * i + 3 for i in range(300)]
    assert all(d.lines == {} for d in docs)  # no line table is kept: it is read again on the error path
    assert docs[0].text is docs[-1].text  # once for the file


def test_a_profile_with_too_many_values_is_refused_in_a_file_that_is_otherwise_fine() -> None:
    ok = [{"name": f"P{i}", "whitelisted_destinations": ["US"]} for i in range(100)]
    bad = {"name": "Bad", "whitelisted_destinations": ["US"] * 100_001}
    with pytest.raises(InvalidInput, match=r"many.json#101: more than 100,000 values in one profile"):
        parse_documents(json.dumps([*ok, bad]).encode(), "many.json")


def test_an_alias_bomb_spread_over_many_profiles_hits_the_file_limit() -> None:
    # every profile is under the per-profile limit, but together they expand past the file's
    anchor = "x: &big [" + ",".join(["1"] * 1_900) + "]\n"
    text = "- name: P0\n  " + anchor + "".join(f"- {{name: P{i}, x: *big}}\n" for i in range(1, 400))
    with pytest.raises(InvalidInput, match=r"more than 500,000 values in one file \(after expanding YAML aliases\)"):
        parse_documents(text.encode(), "bomb.yaml")


def test_a_30_mib_junk_file_is_refused_after_reading_only_the_limit() -> None:
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
            b[:] = b"#" * len(b)
            self.read_bytes += len(b)
            return len(b)

    stream = Endless()
    with pytest.raises(InvalidInput, match="larger than the 16 MiB limit for a profile file"):
        load_documents("-", stdin=io.BufferedReader(stream))
    assert stream.read_bytes <= loading.MAX_FILE_BYTES + 64 * 1024  # 30 MiB never read


def test_a_bad_number_in_one_file_does_not_stop_validate_of_the_others(cli, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: a\nwhitelisted_destinations: [US]\n")
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"name": "b", "whitelisted_destinations": ["US"], "number_pool_settings": {"long_code_weight": 1e400}}'
    )
    res = cli("validate", str(bad), str(good), "--json")
    assert res.exit_code == 3
    report = json.loads(res.stdout)
    assert [(r["source"], r["valid"]) for r in report["results"]] == [(str(bad), False), (str(good), True)]
    error = report["results"][0]["errors"][0]
    assert (error["source"], error["message"]) == (str(bad), "1e400 is not a finite number")  # the path once


def test_errors_in_a_json_list_of_profiles_name_their_line() -> None:
    text = '[\n {"name": "a", "whitelisted_destinations": ["US"]},\n {"name": "b",\n  "enabled": 1}\n]\n'
    docs = parse_documents(text.encode(), "many.json")
    from msgprof_cli.document.validation import validate

    [first, second] = [validate(d).errors for d in docs]
    assert first == []
    assert [(e.field, e.line, e.source) for e in second] == [
        ("enabled", 4, "many.json#2"),
        ("whitelisted_destinations", 3, "many.json#2"),
    ]
