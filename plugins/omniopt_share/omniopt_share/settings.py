"""Where the client finds its Share server and upload token.

In this order: the command-line option, the environment variable, the config
file (``$OMNIOPT_SHARE_CONFIG`` or ``~/.config/omniopt/share.toml``, keys
``server`` and ``token``), then the default server. The token is never printed.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

SERVER_ENV = "OMNIOPT_SHARE_SERVER"
TOKEN_ENV = "OMNIOPT_SHARE_TOKEN"
CONFIG_ENV = "OMNIOPT_SHARE_CONFIG"
DEFAULT_SERVER = "http://127.0.0.1:8765"
DEFAULT_PORT = 8765


class SettingsError(Exception):
    """The client cannot work with what it was given; the message says how to fix it."""


@dataclasses.dataclass(frozen=True, slots=True)
class ClientSettings:
    server: str
    token: str = dataclasses.field(repr=False)


def config_path() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "omniopt" / "share.toml"


def _config_file() -> dict[str, Any]:
    import tomllib

    path = config_path()
    if not path.is_file():
        return {}
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read {path}: {exc}; fix or remove the file") from None
    return data if isinstance(data, dict) else {}


def resolve(server: str | None = None, token: str | None = None) -> ClientSettings:
    """Server and token from option, environment or config file."""
    config = _config_file()
    chosen_server = server or os.environ.get(SERVER_ENV) or str(config.get("server") or "") or DEFAULT_SERVER
    chosen_token = token or os.environ.get(TOKEN_ENV) or str(config.get("token") or "")
    if not chosen_server.startswith(("http://", "https://")):
        raise SettingsError(f"the share server {chosen_server!r} is not an http(s) URL; give e.g. {DEFAULT_SERVER}")
    if not chosen_token:
        raise SettingsError(
            f"no upload token: set {TOKEN_ENV}, put token = \"...\" into {config_path()}, "
            "or pass --token (ask the server's admin for one)"
        )
    return ClientSettings(server=chosen_server.rstrip("/"), token=chosen_token)
