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
from mockint.userfiles import read_regular_file


def config_path() -> Path:
    return config_file()


#: a config file is a few hundred bytes; anything past this is not one
MAX_CONFIG_BYTES = 1024 * 1024


def load_config() -> dict[str, Any]:
    """The config file's tables; {} when there is none. Raises InputFileError (one line)
    when it is not a regular file of at most ``MAX_CONFIG_BYTES`` of UTF-8 TOML."""
    path = config_path()
    try:
        raw = read_regular_file(path, "The config file", MAX_CONFIG_BYTES, fix="fix or move it")
    except FileNotFoundError:
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
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
    """The first of ``names`` set (as a non-empty string) in ``[section]`` of the config file.

    Raises InputFileError (one line naming the setting) when one of them is there but is not
    text (``model = 7``): a setting of the wrong type is never ignored in silence."""
    values = load_config().get(section, {})
    if not isinstance(values, dict):
        raise InputFileError(f"[{section}] in {config_path()} must be a table.")
    for name in names:
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            raise InputFileError(
                f"{name} under [{section}] in {config_path()} must be text in quotes, not "
                f"{value!r}. Fix it, or remove it to use the default."
            )
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
