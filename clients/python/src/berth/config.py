"""Where the client finds Berth's URL and an API token: arguments, then the environment, then the config file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from .errors import ConfigError

URL_VARIABLE = "BERTH_URL"
TOKEN_VARIABLE = "BERTH_TOKEN"


def config_path() -> Path:
    """``$XDG_CONFIG_HOME/berth/config.json``, by default ``~/.config/berth/config.json``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "berth" / "config.json"


def load_config(path: Path | None = None) -> dict[str, str]:
    """The saved ``{url, token}``; empty when there is no file. Refuses a file anyone but its owner may read or write."""
    path = path or config_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    # The file holds an API token: a copy others can read is a leaked token.
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        mode = stat.S_IMODE(info.st_mode)
        raise ConfigError(f"{path} holds an API token but others may read or change it (mode {mode:04o}): run `chmod 600 {path}`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path} could not be read: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a JSON object {{url, token}}")
    return {key: value for key, value in data.items() if key in ("url", "token") and isinstance(value, str)}


def save_config(url: str, token: str, path: Path | None = None) -> Path:
    """Writes ``{url, token}`` readable by its owner only (directory 0700, file 0600), replacing any earlier one."""
    path = path or config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump({"url": url, "token": token}, file, indent=2)
            file.write("\n")
        # os.open's mode is narrowed by the umask only; chmod makes 0600 exact whatever it was.
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def resolve_settings(url: str | None = None, token: str | None = None) -> tuple[str, str]:
    """URL and token: given ones first, then ``BERTH_URL``/``BERTH_TOKEN`` (the token variable wins over the file), then the config file."""
    url = url or os.environ.get(URL_VARIABLE) or None
    token = token or os.environ.get(TOKEN_VARIABLE) or None
    if url is None or token is None:
        saved = load_config()
        url = url or saved.get("url")
        token = token or saved.get("token")
    if not url:
        raise ConfigError(f"No Berth URL: pass url=, set {URL_VARIABLE}, or run `berth login --url URL`")
    if not token:
        raise ConfigError(f"No API token: pass token=, set {TOKEN_VARIABLE}, or run `berth login` (create a token on your account page)")
    return url.rstrip("/"), token
