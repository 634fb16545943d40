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


def audio_dir(session_id: str) -> Path:
    """Where a spoken session's answer recordings are kept (removed with the session)."""
    return data_dir() / "audio" / session_id
