"""Where msgprof's rules and the newest official Telnyx SDK disagree on request fields (``make spec-drift``).

It installs the newest ``telnyx`` package into a throwaway venv, reads the request types of every
endpoint msgprof covers (the SDK's ``*_params.py`` TypedDicts, nested objects included), and
lists, per endpoint, the fields the SDK has and msgprof's rules lack, and the reverse.  Fields
msgprof leaves out on purpose are listed apart, with why (``NOT_MANAGED``, ``rules.API_ONLY``).

Exit status: 0 no drift; 3 drift found (the list says where); 2 the SDK could not be installed or
read (the message says why).  ``--sdk-fields FILE`` compares with a JSON file of SDK fields
instead of installing (the shape ``--save FILE`` writes); ``--python PY`` reads them with a Python
that already has ``telnyx``.  The comparison itself (``compare``) is covered by
tests/test_spec_drift.py on a small fixture; the suite never needs the network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A field's nested fields (an object's), or None for a plain field.
Fields = dict[str, Any]

# endpoint -> (module, TypedDict) of the SDK's request type; path parameters are left out.
ENDPOINTS: dict[str, tuple[str, str]] = {
    "POST /messaging_profiles": ("telnyx.types.messaging_profile_create_params", "MessagingProfileCreateParams"),
    "PATCH /messaging_profiles/{id}": ("telnyx.types.messaging_profile_update_params", "MessagingProfileUpdateParams"),
    "POST /messaging_profiles/{id}/autoresp_configs": (
        "telnyx.types.messaging_profiles.autoresp_config_create_params",
        "AutorespConfigCreateParams",
    ),
    "PUT /messaging_profiles/{id}/autoresp_configs/{cfg}": (
        "telnyx.types.messaging_profiles.autoresp_config_update_params",
        "AutorespConfigUpdateParams",
    ),
    "PATCH /phone_numbers/{id}/messaging": (
        "telnyx.types.phone_numbers.messaging_update_params",
        "MessagingUpdateParams",
    ),
    "POST /messaging_numbers_bulk_updates": (
        "telnyx.types.messaging_numbers_bulk_update_create_params",
        "MessagingNumbersBulkUpdateCreateParams",
    ),
    "POST /alphanumeric_sender_ids": (
        "telnyx.types.alphanumeric_sender_id_create_params",
        "AlphanumericSenderIDCreateParams",
    ),
}
PATH_PARAMETERS = {"profile_id", "id", "autoresp_cfg_id"}  # the SDK puts some path parameters in its params

# Request fields msgprof does not manage on purpose: (endpoint, field path) -> why.
NOT_MANAGED: dict[tuple[str, str], str] = {
    ("PATCH /phone_numbers/{id}/messaging", "messaging_product"): "msgprof moves numbers between profiles only",
    ("PATCH /phone_numbers/{id}/messaging", "tags"): "msgprof moves numbers between profiles only",
    ("POST /messaging_numbers_bulk_updates", "assign_only"): "msgprof's orders always move what the document says",
}

# Run inside the throwaway venv: prints the SDK's request fields of ENDPOINTS as JSON.
_READER = r"""
import importlib, json, sys, typing
from typing_extensions import is_typeddict, get_origin, get_args
def unwrap(t):
    while get_origin(t) is not None and not is_typeddict(t):
        args = [a for a in get_args(t) if a is not type(None)]
        if not args: return t
        t = args[0]
    return t
def fields(cls):
    hints = typing.get_type_hints(cls)
    out = {}
    for name, t in hints.items():
        t = unwrap(t)
        out[name] = fields(t) if is_typeddict(t) else None
    return out
endpoints = json.loads(sys.argv[1])
import telnyx
print(json.dumps({"version": telnyx.__version__, "endpoints": {
    ep: fields(getattr(importlib.import_module(mod), cls)) for ep, (mod, cls) in endpoints.items()}}))
"""


def msgprof_fields() -> dict[str, Fields]:
    """The request fields msgprof's rules describe, per endpoint (the rules are the authority)."""
    import dataclasses

    from msgprof_cli.document.rules import API_ONLY, RULES, Rule
    from msgprof_cli.document.setup_rules import Autoresp

    def of(rules: tuple[Rule, ...], mode: str) -> Fields:
        out: Fields = {}
        for r in rules:
            if (mode == "create" and not r.creatable) or (mode == "update" and not r.updatable):
                continue
            out[r.name] = {c.name: None for c in r.children} if r.kind == "object" else None
        out.update({name: None for name, (request, _) in API_ONLY.items() if request == mode})
        return out

    autoresp: Fields = {f.name: None for f in dataclasses.fields(Autoresp)}
    return {
        "POST /messaging_profiles": of(RULES, "create"),
        "PATCH /messaging_profiles/{id}": of(RULES, "update"),
        "POST /messaging_profiles/{id}/autoresp_configs": autoresp,
        "PUT /messaging_profiles/{id}/autoresp_configs/{cfg}": dict(autoresp),
        # setup.py sends a number's new profile, and bulk orders of numbers for one profile
        "PATCH /phone_numbers/{id}/messaging": {"messaging_profile_id": None},
        "POST /messaging_numbers_bulk_updates": {"messaging_profile_id": None, "numbers": None},
        # a document's sender_id is the API's alphanumeric_sender_id
        "POST /alphanumeric_sender_ids": {
            "alphanumeric_sender_id": None,
            "messaging_profile_id": None,
            "us_long_code_fallback": None,
        },
    }


def _paths(fields: Fields, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, children in fields.items():
        if not prefix and name in PATH_PARAMETERS:
            continue
        out.add(prefix + name)
        if isinstance(children, dict):
            out |= _paths(children, f"{prefix}{name}.")
    return out


def compare(sdk: dict[str, Fields], ours: dict[str, Fields]) -> tuple[list[str], list[str]]:
    """(drift lines, known lines): per endpoint, fields only one side has; known gaps apart."""
    drift: list[str] = []
    known: list[str] = []
    for endpoint in sorted(set(sdk) | set(ours)):
        if endpoint not in sdk:
            drift.append(f"{endpoint}: the SDK has no such request type")
            continue
        if endpoint not in ours:
            drift.append(f"{endpoint}: msgprof's rules do not cover it")
            continue
        theirs, mine = _paths(sdk[endpoint]), _paths(ours[endpoint])
        for field in sorted(theirs - mine):
            why = NOT_MANAGED.get((endpoint, field))
            if why:
                known.append(f"{endpoint}: {field} (not managed: {why})")
            else:
                drift.append(f"{endpoint}: {field} is in the SDK, not in msgprof's rules")
        drift += [f"{endpoint}: {field} is in msgprof's rules, not in the SDK" for field in sorted(mine - theirs)]
    return drift, known


def sdk_fields(python: str | None) -> dict[str, Any]:
    """The SDK's request fields, read with ``python`` or in a throwaway venv with the newest telnyx."""
    if python is not None:
        return _read(python)
    with tempfile.TemporaryDirectory(prefix="msgprof-spec-drift-") as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        py = os.path.join(venv, "bin", "python")
        pip = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "telnyx"]
        done = subprocess.run(pip, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pip install telnyx failed: {done.stderr.strip()[-500:]}")
        return _read(py)


def _read(python: str) -> dict[str, Any]:
    done = subprocess.run([python, "-c", _READER, json.dumps(ENDPOINTS)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"reading the SDK's request types failed: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(argv: list[str]) -> int:
    try:
        if "--sdk-fields" in argv:
            sdk = json.loads(Path(argv[argv.index("--sdk-fields") + 1]).read_text(encoding="utf-8"))
        else:
            sdk = sdk_fields(argv[argv.index("--python") + 1] if "--python" in argv else None)
        if "--save" in argv:  # refresh tests/spec/sdk-request-fields.json (see tests/spec/README.md)
            Path(argv[argv.index("--save") + 1]).write_text(json.dumps(sdk, indent=1, sort_keys=True) + "\n")
    except (RuntimeError, OSError, ValueError, IndexError, subprocess.CalledProcessError) as exc:
        print(f"spec-drift: {exc}", file=sys.stderr)
        return 2
    drift, known = compare(sdk["endpoints"], msgprof_fields())
    print(f"telnyx {sdk.get('version', '?')}: {len(sdk['endpoints'])} request types compared with msgprof's rules")
    for line in known:
        print(f"  known: {line}")
    for line in drift:
        print(f"  DRIFT: {line}")
    print("no drift" if not drift else f"{len(drift)} field(s) differ: update the rules (document/) or NOT_MANAGED")
    return 3 if drift else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
