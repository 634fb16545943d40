"""The optional config file, ``config.toml`` in the config directory.

    [gemini]
    model = "gemini-3.5-flash"          # both purposes
    questions_model = "gemini-3.1-flash-lite"
    report_model = "gemini-3.5-flash"

Settings come from, in order of precedence: a command-line option, the
environment, this file, then mockint's defaults.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from mockint.errors import InputFileError
from mockint.paths import config_file


def config_path() -> Path:
    return config_file()


def load_config() -> dict[str, Any]:
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"Cannot read the config file {path}: {exc}.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"The config file {path} is not valid TOML: {exc}.") from None
    except RecursionError:
        raise InputFileError(
            f"The config file {path} nests arrays or tables too deeply to be a config file."
        ) from None


def setting(section: str, *names: str) -> str | None:
    """The first of ``names`` set (as a non-empty string) in ``[section]`` of the config file."""
    values = load_config().get(section, {})
    if not isinstance(values, dict):
        raise InputFileError(f"[{section}] in {config_path()} must be a table.")
    for name in names:
        value = values.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
