"""Environment-variable interpolation in profile documents.

``${VAR}`` and ``${VAR:-default}`` are replaced in the file's text before it is parsed, so a value
takes the type YAML gives it (``enabled: ${ENABLED:-true}`` is a boolean; quote it to keep a
string).  ``$${`` is a literal ``${``.  An unset variable with no default is an error naming the
file and line.  A value may not contain a newline (it would move every line number after it).

Secret rule: a variable whose name contains KEY, SECRET, TOKEN, PASSWORD, PASSWD, CREDENTIAL,
AUTH or PRIVATE (any case) is secret.  Lines that took a secret value are recorded, and plans and
reports show the fields on those lines as ``<secret from $VAR>`` instead of the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?")
SECRET_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|AUTH|PRIVATE", re.IGNORECASE)


@dataclass
class Interpolated:
    text: str
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    secret_lines: dict[int, str] = field(default_factory=dict)  # line -> variable name


def is_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def interpolate(text: str, env: Mapping[str, str]) -> Interpolated:
    out = Interpolated("")
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):

        def sub(m: re.Match[str], number: int = number) -> str:
            token = m.group(0)
            if token == "$${":
                return "${"
            name, default = m.group(1), m.group(2)
            if name is None:
                out.problems.append(
                    (
                        number,
                        f"malformed variable reference {token!r}; write ${{NAME}} or "
                        "${NAME:-default} ($${ for a literal ${)",
                    )
                )
                return token
            value = env.get(name)
            if value is None or (value == "" and default is not None):
                if default is None:
                    out.problems.append((number, f"environment variable {name} is not set and has no default"))
                    return ""
                value = default
            if "\n" in value or "\r" in value:
                out.problems.append((number, f"environment variable {name} holds a line break"))
                return ""
            if is_secret(name):
                out.secret_lines[number] = name
            return value

        lines.append(_TOKEN.sub(sub, line))
    out.text = "\n".join(lines)
    return out
