"""Settings: API key, base URL, timeout, retries and account, each with the source it came from.

Precedence, written once (``resolve``) and documented in the README:

    command-line flag  >  environment variable  >  the selected account  >  built-in default

The account is chosen by ``--account``, else ``MSGPROF_ACCOUNT``, else the config file's
``default_account``.  The config file is ``$MSGPROF_CONFIG``, else
``$XDG_CONFIG_HOME/msgprof/config.yaml`` (``~/.config/msgprof/config.yaml``).

Nothing here reads the environment at import time, and nothing imports typer, rich or requests.
"""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msgprof_cli.errors import CredentialsError, InvalidInput, UsageError

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
KEY_COMMAND_TIMEOUT = 30.0
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

    def api_key(self) -> str | None:
        """The key, loaded on first use (a key command runs only when a key is needed)."""
        if self._key is None and self._load_key is not None:
            key = self._load_key().strip()
            if not key:
                raise CredentialsError(f"the API key from {self.key_source} is empty")
            self._key = key
        return self._key

    def require_key(self) -> str:
        key = self.api_key()
        if not key:
            raise CredentialsError(
                "no API key: msgprof needs one to call the API",
                hint=(
                    f"set {ENV_API_KEY}, pass --api-key-file PATH (- reads stdin), or select an account "
                    f"(--account NAME or {ENV_ACCOUNT}) whose config has api_key_env, api_key_file, "
                    "api_key_command or api_key; `msgprof config show` shows what is in effect"
                ),
            )
        return key


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
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"config file {path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("accounts", {}), dict):
        raise InvalidInput(f"config file {path}: expected a mapping with an `accounts:` mapping")
    for name, acct in (data.get("accounts") or {}).items():
        if not isinstance(acct, dict):
            raise InvalidInput(f"config file {path}: account {name!r} must be a mapping")
        unknown = set(acct) - set(ACCOUNT_KEYS)
        if unknown:
            raise InvalidInput(
                f"config file {path}: account {name!r} has unknown keys: {', '.join(sorted(unknown))}",
                hint=f"known keys: {', '.join(ACCOUNT_KEYS)}",
            )
    return data


def read_key_file(path: str, stdin: Any = None) -> tuple[str, list[str]]:
    warnings: list[str] = []
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin
        return stream.readline().strip(), warnings
    p = Path(path).expanduser()
    try:
        key = p.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CredentialsError(f"cannot read the API key file {path}: {exc.strerror}") from None
    if others_can_read(p):
        warnings.append(f"the API key file {path} can be read by other users; run: chmod 600 {path}")
    return key, warnings


def _number(value: Any, source: str, kind: type, minimum: float) -> Any:
    try:
        out = kind(value)
    except (TypeError, ValueError):
        raise UsageError(f"{source}: expected a number, found {value!r}") from None
    if out < minimum:
        raise UsageError(f"{source}: must be at least {minimum}, found {value!r}")
    return out


def resolve(*, flags: Mapping[str, Any], env: Mapping[str, str], stdin: Any = None) -> Settings:
    """Resolve every setting once, recording where each value came from.

    ``flags`` holds base_url, timeout, max_retries, account and api_key_file (None when not given).
    """
    path, path_source = config_file(env)
    config = load_config(path)
    accounts = config.get("accounts") or {}

    if flags.get("account"):
        account = Setting(flags["account"], "--account")
    elif env.get(ENV_ACCOUNT):
        account = Setting(env[ENV_ACCOUNT], f"env {ENV_ACCOUNT}")
    elif config.get("default_account"):
        account = Setting(config["default_account"], f"default_account in {path}")
    else:
        account = Setting(None, "none selected")
    acct: dict[str, Any] = {}
    if account.value is not None:
        if account.value not in accounts:
            known = ", ".join(sorted(accounts)) or "none"
            raise UsageError(
                f"no account named {account.value!r} in {path} (from {account.source})",
                hint=f"accounts in the config file: {known}",
            )
        acct = accounts[account.value]
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
    timeout = pick("timeout", "--timeout", ENV_TIMEOUT, DEFAULT_TIMEOUT)
    timeout.value = _number(timeout.value, timeout.source, float, 0.1)
    retries = pick("max_retries", "--max-retries", ENV_MAX_RETRIES, DEFAULT_MAX_RETRIES)
    retries.value = _number(retries.value, retries.source, int, 0)

    warnings: list[str] = []
    load_key: Callable[[], str] | None = None
    key_source: str | None = None
    if flags.get("api_key_file"):
        key_path = str(flags["api_key_file"])
        key_source = f"--api-key-file {key_path}"

        def load_key() -> str:
            key, warns = read_key_file(key_path, stdin)
            warnings.extend(warns)
            return key
    elif env.get(ENV_API_KEY):
        key_source = f"env {ENV_API_KEY}"
        env_key = env[ENV_API_KEY]

        def load_key() -> str:
            return env_key
    elif acct:
        load_key, key_source = _account_key(account.value, acct, path, env, warnings)

    return Settings(
        base_url, timeout, retries, account, Setting(str(path), path_source), key_source, load_key, warnings
    )


def _account_key(
    name: str, acct: dict[str, Any], path: Path, env: Mapping[str, str], warnings: list[str]
) -> tuple[Callable[[], str] | None, str | None]:
    if acct.get("api_key_env"):
        var = str(acct["api_key_env"])

        def from_env() -> str:
            if not env.get(var):
                raise CredentialsError(f"account {name}: the variable {var} named by api_key_env is not set")
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
            import shlex

            try:
                done = subprocess.run(
                    shlex.split(command), capture_output=True, text=True, timeout=KEY_COMMAND_TIMEOUT, check=False
                )
            except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
                raise CredentialsError(f"account {name}: api_key_command failed to run: {exc}") from None
            if done.returncode != 0:
                # The command's stderr may hold a prompt or an error, never echo its stdout (the key).
                raise CredentialsError(f"account {name}: api_key_command exited {done.returncode}")
            return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""

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
