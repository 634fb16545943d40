"""Where mockint keeps its files.

``MOCKINT_HOME`` names one directory for everything (data and configuration);
without it, platformdirs' per-user data and config directories are used.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "mockint"


def home_override() -> Path | None:
    value = os.environ.get("MOCKINT_HOME", "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    override = home_override()
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = home_override()
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def database_path() -> Path:
    return data_dir() / "mockint.db"


def config_file() -> Path:
    return config_dir() / "config.toml"


def key_file() -> Path:
    return config_dir() / "keys.json"


def audio_dir(session_id: str) -> Path:
    """Where a spoken session's answer recordings are kept (removed with the session)."""
    return audio_root() / session_id


def audio_root() -> Path:
    """Where spoken sessions' recordings are kept, one directory per session."""
    return data_dir() / "audio"


def locations() -> dict[str, Path]:
    """Every place mockint keeps a file, by what it holds (for ``mockint paths``)."""
    return {
        "dataDir": data_dir(),
        "database": database_path(),
        "configFile": config_file(),
        "keyFile": key_file(),
        "audioDir": audio_root(),
    }
