"""Settings: API key, base URL, timeout, retries and account, each with the source it came from.

Precedence, written once (``resolve``) and documented in the README:

    command-line flag  >  environment variable  >  the selected account  >  built-in default

The account is chosen by ``--account``, else ``MSGPROF_ACCOUNT``, else the config file's
``default_account``.  The config file is ``$MSGPROF_CONFIG``, else
``$XDG_CONFIG_HOME/msgprof/config.yaml`` (``~/.config/msgprof/config.yaml``).

Nothing here reads the environment at import time, and nothing imports typer, rich or requests.
"""

from __future__ import annotations

import math
import os
import stat
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from msgprof_cli.errors import CredentialsError, InvalidInput, MsgprofError, UsageError
from msgprof_cli.secrets import quote, register_key

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
KEY_COMMAND_TIMEOUT = 30.0
KEY_COMMAND_MAX_OUTPUT = 64 * 1024
MAX_KEY_FILE = 4 * 1024  # a key is under 100 characters: a bigger file is the wrong file
MAX_TIMEOUT = 3600.0
MAX_RETRIES_LIMIT = 100
ACCOUNT_TYPES: dict[str, tuple[type, ...]] = {
    "base_url": (str,),
    "timeout": (int, float),
    "max_retries": (int,),
    "api_key_env": (str,),
    "api_key_file": (str,),
    "api_key_command": (str,),
    "api_key": (str,),
}
ACCOUNT_KEYS = ("base_url", "timeout", "max_retries", "api_key_env", "api_key_file", "api_key_command", "api_key")

ENV_API_KEY = "TELNYX_API_KEY"
ENV_BASE_URL = "TELNYX_BASE_URL"
ENV_ACCOUNT = "MSGPROF_ACCOUNT"
ENV_CONFIG = "MSGPROF_CONFIG"
ENV_TIMEOUT = "MSGPROF_TIMEOUT"
ENV_MAX_RETRIES = "MSGPROF_MAX_RETRIES"


@dataclass
class Setting:
    value: Any
    source: str  # e.g. "--timeout", "env TELNYX_BASE_URL", "account prod (config.yaml)", "default"


@dataclass
class Settings:
    base_url: Setting
    timeout: Setting
    max_retries: Setting
    account: Setting
    config_path: Setting
    key_source: str | None
    _load_key: Callable[[], str] | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list)
    _key: str | None = field(default=None, repr=False)
    _failed: MsgprofError | None = field(default=None, repr=False)  # a key source read once, and failed

    def api_key(self) -> str | None:
        """The key, loaded once (a key command runs, and stdin is read, at most once a run)."""
        if self._failed is not None:
            raise self._failed
        if self._key is None and self._load_key is not None:
            try:
                key = one_line(self._load_key())
                # registered before it is checked: even a key msgprof refuses is never quoted
                register_key(key)
                if not key:
                    raise CredentialsError(f"the API key from {self.key_source} is empty")
                check_key(key, str(self.key_source))
            except (CredentialsError, InvalidInput, UsageError) as exc:
                self._failed = exc
                raise
            self._key = key
        return self._key

    def known_early(self, *, needed: bool = True) -> None:
        """Read the key now, before any input is parsed, so that the secret registry knows it: from
        every source, a key command and ``--api-key-file -`` included, when the command will need
        the key (``needed``).  A command that never sends (``--dry-run``) runs no key command and
        reads no stdin for a key, but a cheap source (a variable, a file, the config) is read all
        the same.  A key that cannot be used is reported when it is needed (``require_key``)."""
        if self._load_key is None or self._key is not None or self.key_source is None:
            return
        late = self.key_source.endswith(": command") or self.key_source == "--api-key-file -"
        if late and not needed:
            return  # a command (a password prompt?) or stdin is read only when the key is needed
        try:
            self.api_key()
        except (CredentialsError, InvalidInput, UsageError):
            return

    def require_key(self) -> str:
        key = self.api_key()
        if not key:
            raise CredentialsError(
                "no API key: msgprof needs one to call the API",
                hint=(
                    f"set {ENV_API_KEY}, pass --api-key-file PATH (- reads stdin), or select an account "
                    f"(--account NAME or {ENV_ACCOUNT}) whose config has api_key_env, api_key_file, "
                    "api_key_command or api_key; `msgprof config show` shows what is in effect. "
                    "No Telnyx account yet? Try msgprof on a local API: `msgprof sandbox` (docs/sandbox.md)"
                ),
            )
        return key


def _bad_char(text: str) -> tuple[int, str] | None:
    """The first character that two URL parsers (or an HTTP header) could treat differently."""
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch == "\\":
            return i, "a backslash"
        if ch.isspace() or code < 0x20 or 0x7F <= code <= 0x9F:
            return i, f"a space or control character (U+{code:04X})"
        if code > 0x7E:
            return i, f"a non-ASCII character (U+{code:04X})"
    return None


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals, as urllib3 hands the host to the socket."""
    if host.lower() == "localhost":
        return True
    import ipaddress  # only for plain-http base URLs

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class UrlParts(NamedTuple):
    """A URL as the HTTP stack will read it (the client fills this in with urllib3's parser)."""

    scheme: str | None
    auth: str | None
    host: str | None
    port: int | None
    query: str | None
    fragment: str | None


def check_base_url(url: Any, source: str, parse: Callable[[str], UrlParts]) -> str:
    """The one URL policy, judged on the parts ``parse`` returns (urllib3's reading, which is
    the one requests will act on; this module does not import the HTTP stack itself).

    Refused (exit 2): anything but text; backslashes, spaces, control and non-ASCII characters;
    userinfo (``user@``), ``%`` in the host part, a query or fragment, an empty host, and any URL
    on whose host or port ``urllib.parse`` and urllib3 disagree.  Plain http is allowed only to a
    host urllib3 reads as loopback (exit 4 otherwise: the key would travel in clear text).
    """
    _cheap_url_check(Setting(url, source))
    from urllib.parse import urlsplit

    try:
        parts, split = parse(url), urlsplit(url)
        split_port = split.port
    except ValueError:
        shown = quote(shown_url(url))
        raise UsageError(f"{source}: {shown} is not a valid URL", hint="e.g. https://api.telnyx.com/v2") from None
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise UsageError(
            f"{source}: {quote(shown_url(url))} is not an absolute http(s) URL", hint="e.g. https://api.telnyx.com/v2"
        )
    problem = _url_problem(parts, split, split_port)
    if problem:
        raise UsageError(f"{source}: the base URL {problem}", hint="e.g. https://api.telnyx.com/v2")
    host = str(parts.host)
    if scheme == "http" and not is_loopback(host):
        raise CredentialsError(
            f"{source}: refusing to send the API key over plain http to {host}",
            hint="use https, or plain http only to a loopback address such as 127.0.0.1",
        )
    return url


def shown_url(url: str) -> str:
    """The URL with any userinfo (``user:password@``) replaced by ``***``: safe to quote in an error.

    Everything from the authority's start up to the last ``@`` goes, wherever that ``@`` is
    (hiding a path's ``@`` too is better than showing a password)."""
    if "@" not in url:
        return url
    start = url.find("//") + 2 if "//" in url else 0
    at = url.rfind("@")
    return url[:start] + "***" + url[at:] if at >= start else url


def stdlib_parts(url: str) -> UrlParts:
    """The URL as the standard library reads it: for offline paths (``--dry-run``), which import
    no HTTP stack; the client judges with urllib3's reading (``client.parse_url``)."""
    from urllib.parse import urlsplit

    split = urlsplit(url)
    return UrlParts(
        split.scheme or None,
        split.netloc.rpartition("@")[0] if "@" in split.netloc else None,
        split.hostname,
        split.port,
        split.query if "?" in url else None,
        split.fragment if "#" in url else None,
    )


def _url_problem(parts: UrlParts, split: Any, split_port: int | None) -> str | None:
    if parts.auth is not None or "@" in split.netloc:
        return "has userinfo (user@ or user:password@); give the key another way"
    if "%" in split.netloc:
        return "has a percent-escape in its host"
    if not parts.host:
        return "has no host"
    if parts.query is not None or parts.fragment is not None:
        return "has a query (?) or fragment (#)"
    if (split.hostname or "") != str(parts.host).strip("[]").lower() or split_port != parts.port:
        return "is read differently by two URL parsers"
    return None


def _cheap_url_check(setting: Setting) -> None:
    """What can be refused without parsing (offline paths stay fast); the full policy
    (``check_base_url``) runs when the client is made, before any request."""
    if not isinstance(setting.value, str):
        raise UsageError(f"{setting.source}: the base URL must be text, found {type(setting.value).__name__}")
    bad = _bad_char(setting.value)
    if bad:
        raise UsageError(
            f"{setting.source}: the base URL contains {bad[1]} at position {bad[0] + 1}",
            hint="HTTP libraries read such URLs differently; write it plainly, e.g. https://api.telnyx.com/v2",
        )


KEY_RULE = "API keys are visible ASCII characters (! to ~), no spaces"


def key_problem(key: str) -> str | None:
    """Why msgprof cannot send this key, or None: the one rule for msgprof and its sandbox.

    A key is visible ASCII (U+0021 to U+007E): anything else, a space included, cannot go in an
    Authorization header intact."""
    if not key:
        return "is empty"
    for i, ch in enumerate(key):
        if not 0x21 <= ord(ch) <= 0x7E:
            return f"contains a character that cannot be sent (U+{ord(ch):04X}, position {i + 1})"
    return None


def one_line(text: str) -> str:
    """The key without the one line ending that editors and ``echo`` put at the end of a file.

    Only that: a leading newline, an inner one, a second one or a space stays, and
    ``check_key`` refuses it (exit 4)."""
    for end in ("\r\n", "\n"):
        if text.endswith(end):
            return text[: -len(end)]
    return text


def check_key(key: str, source: str) -> None:
    problem = key_problem(key)
    if problem is not None:
        raise CredentialsError(
            f"the API key from {source} {problem}",
            hint=f"{KEY_RULE}; copy the key again without extra characters",
        )


def config_file(env: Mapping[str, str]) -> tuple[Path, str]:
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]), f"env {ENV_CONFIG}"
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "msgprof" / "config.yaml", "default"


def others_can_read(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def load_config(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"config file {path}: cannot read it: {exc}") from None
    import yaml

    try:
        data = yaml.load(text, Loader=_config_loader(yaml, path)) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise InvalidInput(f"config file {path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("accounts", {}), dict):
        raise InvalidInput(f"config file {path}: expected a mapping with an `accounts:` mapping")
    for name, acct in (data.get("accounts") or {}).items():
        if not isinstance(acct, dict):
            raise InvalidInput(f"config file {path}: account {quote(str(name))} must be a mapping")
        unknown = set(acct) - set(ACCOUNT_KEYS)
        if unknown:
            raise InvalidInput(
                f"config file {path}: account {quote(str(name))} has unknown keys: {', '.join(sorted(unknown))}",
                hint=f"known keys: {', '.join(ACCOUNT_KEYS)}",
            )
        for key, value in acct.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, ACCOUNT_TYPES[key])):
                kind = "a number" if key in ("timeout", "max_retries") else "text"
                raise InvalidInput(
                    f"config file {path}: accounts.{name}.{key} must be {kind}, found {type(value).__name__}"
                )
    default = data.get("default_account")
    if default is not None and not isinstance(default, str):
        raise InvalidInput(
            f"config file {path}: default_account must be the name of one account, found {type(default).__name__}"
        )
    return data


def _config_loader(yaml: Any, path: Path) -> Any:
    """yaml's SafeLoader, refusing a key given twice in one mapping (yaml keeps the last one
    silently: a second ``api_key_file`` would win unseen), as profile files do."""

    class Loader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else []:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<:` merges; explicit keys may override what it brings
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: SafeLoader refuses it itself
                    continue
                line = key_node.start_mark.line + 1
                if first is not None:
                    raise InvalidInput(
                        f"config file {path}: line {line}: the key {quote(str(key))} is given twice "
                        f"(first on line {first})",
                        hint="keep one of them",
                    )
                seen[key] = line
            return super().construct_mapping(node, deep)

    return Loader


def read_key_file(path: str, stdin: Any = None) -> tuple[str, list[str]]:
    """The key from a file (or the first line of stdin for ``-``), read no further than
    ``MAX_KEY_FILE``; errors name the file, never its content."""
    warnings: list[str] = []
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin
        try:
            line = stream.readline(MAX_KEY_FILE + 1)
        except UnicodeDecodeError:
            raise CredentialsError("the API key on standard input is not UTF-8 text") from None
        if len(line) > MAX_KEY_FILE:
            raise CredentialsError(f"the API key on standard input is longer than {MAX_KEY_FILE} characters")
        return line, warnings
    p = Path(path).expanduser()
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise CredentialsError(f"cannot read the API key file {path}: {exc.strerror}") from None
    if len(data) > MAX_KEY_FILE:
        raise CredentialsError(
            f"the API key file {path} is larger than {MAX_KEY_FILE // 1024} KiB; an API key is far shorter",
            hint="give the file that holds only the key",
        )
    try:
        key = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CredentialsError(
            f"the API key file {path} is not UTF-8 text (byte {exc.start + 1})",
            hint="API keys are printable ASCII; save the file as plain text with only the key",
        ) from None
    if others_can_read(p):
        warnings.append(f"the API key file {path} can be read by other users; run: chmod 600 {path}")
    return key, warnings


def _number(value: Any, source: str, kind: type, minimum: float, maximum: float) -> Any:
    shown = quote(value) if isinstance(value, str) else repr(value)[:40]
    try:
        out = kind(value)
    except (TypeError, ValueError, OverflowError):
        raise UsageError(f"{source}: expected a number, found {shown}") from None
    if isinstance(out, float) and not math.isfinite(out):
        raise UsageError(f"{source}: expected a finite number of seconds, found {shown}")
    if not minimum <= out <= maximum:
        raise UsageError(f"{source}: must be between {minimum:g} and {maximum:g}, found {shown}")
    return out


def resolve(*, flags: Mapping[str, Any], env: Mapping[str, str], stdin: Any = None) -> Settings:
    """Resolve every setting once, recording where each value came from.

    ``flags`` holds base_url, timeout, max_retries, account and api_key_file (None when not given).
    """
    path, path_source = config_file(env)
    config = load_config(path)
    account, acct = _select_account(flags, env, config, path)
    acct_source = f"account {account.value}"

    def pick(name: str, flag: str, env_name: str | None, default: Any) -> Setting:
        if flags.get(name) is not None:
            return Setting(flags[name], flag)
        if env_name and env.get(env_name):
            return Setting(env[env_name], f"env {env_name}")
        if acct.get(name) is not None:
            return Setting(acct[name], acct_source)
        return Setting(default, "default")

    base_url = pick("base_url", "--base-url", ENV_BASE_URL, DEFAULT_BASE_URL)
    _cheap_url_check(base_url)
    timeout = pick("timeout", "--timeout", ENV_TIMEOUT, DEFAULT_TIMEOUT)
    timeout.value = _number(timeout.value, timeout.source, float, 0.1, MAX_TIMEOUT)
    retries = pick("max_retries", "--max-retries", ENV_MAX_RETRIES, DEFAULT_MAX_RETRIES)
    retries.value = _number(retries.value, retries.source, int, 0, MAX_RETRIES_LIMIT)
    warnings: list[str] = []
    load_key, key_source = _key_loader(flags, env, stdin, account, acct, path, warnings)
    return Settings(
        base_url, timeout, retries, account, Setting(str(path), path_source), key_source, load_key, warnings
    )


def _select_account(
    flags: Mapping[str, Any], env: Mapping[str, str], config: dict[str, Any], path: Path
) -> tuple[Setting, dict[str, Any]]:
    accounts = config.get("accounts") or {}
    if flags.get("account"):
        account = Setting(flags["account"], "--account")
    elif env.get(ENV_ACCOUNT):
        account = Setting(env[ENV_ACCOUNT], f"env {ENV_ACCOUNT}")
    elif config.get("default_account"):
        account = Setting(config["default_account"], f"default_account in {path}")
    else:
        return Setting(None, "none selected"), {}
    if account.value not in accounts and not path.exists():
        raise UsageError(
            f"no account named {account.value!r}: there is no config file at {path} (from {account.source})",
            hint=f"create {path} with an `accounts:` section (docs/settings.md shows one), or leave out the account",
        )
    if account.value not in accounts:
        known = ", ".join(sorted(accounts)) or "none"
        raise UsageError(
            f"no account named {quote(str(account.value))} in {path} (from {account.source})",
            hint=f"accounts in the config file: {known}",
        )
    return account, accounts[account.value]


def _key_loader(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    stdin: Any,
    account: Setting,
    acct: dict[str, Any],
    path: Path,
    warnings: list[str],
) -> tuple[Callable[[], str] | None, str | None]:
    """Where the key comes from (flag > environment > account), loaded only when first needed."""
    if flags.get("api_key_file"):
        key_path = str(flags["api_key_file"])

        def from_file() -> str:
            key, warns = read_key_file(key_path, stdin)
            warnings.extend(warns)
            return key

        return from_file, f"--api-key-file {key_path}"
    if env.get(ENV_API_KEY):
        env_key = env[ENV_API_KEY]
        return (lambda: env_key), f"env {ENV_API_KEY}"
    if acct:
        return _account_key(account.value, acct, path, env, warnings)
    return None, None


def _account_key(
    name: str, acct: dict[str, Any], path: Path, env: Mapping[str, str], warnings: list[str]
) -> tuple[Callable[[], str] | None, str | None]:
    if acct.get("api_key_env"):
        var = str(acct["api_key_env"])

        def from_env() -> str:
            if not env.get(var):
                raise CredentialsError(
                    f"account {name}: the variable {var} named by api_key_env is not set",
                    hint=f"export {var}, or pick another account with --account NAME",
                )
            return env[var]

        return from_env, f"account {name}: env {var}"
    if acct.get("api_key_file"):
        key_path = str(acct["api_key_file"])

        def from_file() -> str:
            key, warns = read_key_file(key_path)
            warnings.extend(warns)
            return key

        return from_file, f"account {name}: file {key_path}"
    if acct.get("api_key_command"):
        command = str(acct["api_key_command"])

        def from_command() -> str:
            return run_key_command(command, f"account {name}: api_key_command")

        return from_command, f"account {name}: command"
    if acct.get("api_key"):
        if others_can_read(path):
            raise CredentialsError(
                f"account {name}: refusing a plain api_key in {path}, which other users can read",
                hint=f"run: chmod 600 {path}  (or use api_key_env, api_key_file or api_key_command)",
            )
        key = str(acct["api_key"])
        return (lambda: key), f"account {name}: api_key in {path}"
    return None, None


def run_key_command(command: str, source: str, timeout: float = KEY_COMMAND_TIMEOUT) -> str:
    """Run a key command, bounded: its first line (or all its output, up to EOF) within ``timeout``.

    It runs in its own process group, which is killed once the line is read, so nothing it
    started (``sleep 100 &``) outlives msgprof.  Its stderr is the user's (a password prompt);
    its stdout (the key) is never echoed.
    """
    import shlex
    import signal

    try:
        proc = subprocess.Popen(
            shlex.split(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=True
        )
    except (OSError, ValueError) as exc:
        raise CredentialsError(f"{source} failed to run: {exc}") from None
    try:
        line, complete = _first_line(proc, timeout)
        try:
            code: int | None = proc.wait(timeout=0.2 if complete else 0)
        except subprocess.TimeoutExpired:
            code = None  # still running after it gave its line: stopped below, its line stands
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass  # the group is already gone
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    if not complete:
        raise CredentialsError(f"{source} gave no line within {timeout:g}s; it was stopped")
    if code:
        raise CredentialsError(f"{source} exited {code}")
    return line


def _first_line(proc: subprocess.Popen[bytes], timeout: float) -> tuple[str, bool]:
    """Read up to the first newline or EOF; (text, True), or ("", False) on timeout."""
    import selectors
    import time

    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    buf = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while b"\n" not in buf and len(buf) < KEY_COMMAND_MAX_OUTPUT:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return "", False
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buf += chunk
    # the line as it is (without its "\n"): check_key refuses spaces and U+FFFD, naming where
    return buf.split(b"\n", 1)[0].decode("utf-8", "replace").removesuffix("\r"), True
