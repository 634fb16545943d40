"""API keys: stored in a file only its owner can read, or taken from the environment.

A key is looked up in the key file first (``mockint keys set``), then in the
environment. Keys travel as ``SecretStr`` so that no repr, log line or error
message shows them, and they are never written anywhere but the key file.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from mockint import paths
from mockint.errors import InputFileError, MockintError, StorageError, UsageError
from mockint.safetext import remember_secret
from mockint.userfiles import read_regular_file, remove_stale_temporaries, replacing

#: key name -> environment variables that may hold it, in order of preference
KEYS: dict[str, tuple[str, ...]] = {
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    # an OpenAI-compatible server's key (optional: local servers need none)
    "openai": ("OPENAI_API_KEY",),
    "vapi-public": ("VAPI_PUBLIC_KEY",),
    "vapi-private": ("VAPI_PRIVATE_KEY",),
    # the shared secret Vapi sends to `mockint webhook serve`
    "vapi-webhook": ("VAPI_WEBHOOK_SECRET",),
}
FILE_MODE = 0o600
#: a key file holds a few keys; anything past this is not one
MAX_KEY_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Key:
    name: str
    value: SecretStr
    source: str  # "key file" or the environment variable's name


def key_file() -> Path:
    return paths.key_file()


def check_name(name: str) -> str:
    if name not in KEYS:
        raise UsageError(f"Unknown key {name!r}; the keys are: {', '.join(KEYS)}.")
    return name


def _read_file() -> dict[str, str]:
    """The stored keys by name. Raises :class:`~mockint.errors.StorageError` (one line
    saying how to fix it) when the file cannot be read, others can read it, or it is not
    a JSON object of strings in UTF-8."""
    path = key_file()
    remove_stale_temporaries(path)
    try:
        raw = read_regular_file(
            path,
            "The key file",
            MAX_KEY_FILE_BYTES,
            fix="move it away and set your keys again with `mockint keys set NAME`",
        )
    except FileNotFoundError:
        return {}
    except InputFileError as exc:  # a key file is the tool's own: exit 1, as storage
        raise StorageError(exc.message) from None
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise StorageError(
            f"The key file {path} can be read by other users; mockint will not use it. "
            f"Fix it with: chmod 600 {path}"
        )
    damaged = StorageError(
        f"The key file {path} is damaged. Delete it and set your keys again with "
        "`mockint keys set NAME`."
    )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise damaged from None
    if not isinstance(data, dict):
        raise damaged
    wrong = next((k for k, v in data.items() if not isinstance(v, str)), None)
    if wrong is not None:
        raise StorageError(
            f"The key file {path} holds {wrong!r} with a value that is not a key (a string); "
            "delete the file and set your keys again with `mockint keys set NAME`."
        )
    return dict(data)


def _write_file(keys: dict[str, str]) -> None:

    # owner-only from the first byte, then renamed into place
    with replacing(key_file(), mode=FILE_MODE, label="the key file ") as handle:
        json.dump(keys, handle, indent=2)


def set_key(name: str, value: str) -> None:
    check_name(name)
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        raise UsageError("That key is empty or contains spaces; paste the key alone.")
    if not (value.isascii() and value.isprintable()):
        raise UsageError(
            "That key has characters keys never have (not plain ASCII); paste it again."
        )
    keys = _read_file()
    keys[name] = value
    _write_file(keys)


def remove_key(name: str) -> bool:
    """Remove a stored key; False when there was none."""
    keys = _read_file()
    if check_name(name) not in keys:
        return False
    del keys[name]
    _write_file(keys)
    return True


def get_key(name: str) -> Key | None:
    """The key ``name`` from the key file, else from the environment, else None."""
    stored = _read_file().get(check_name(name))
    if stored:
        remember_secret(stored)  # whatever echoes it later is redacted, shown or stored
        return Key(name, SecretStr(stored), "key file")
    for variable in KEYS[name]:
        value = os.environ.get(variable, "").strip()
        if value:
            if not (value.isascii() and value.isprintable()):
                raise UsageError(f"{variable} holds characters an API key never has; set it again.")
            remember_secret(value)
            return Key(name, SecretStr(value), variable)
    return None


def key_sources() -> dict[str, str | None]:
    """Where each key comes from (never the key itself)."""
    return {name: (found.source if (found := get_key(name)) else None) for name in KEYS}


def known_values() -> tuple[str, ...]:
    """Every configured key value (key file and environment), to redact from output; empty
    when the key file cannot be read (showing an error must not fail on it)."""
    values = [v.strip() for n in KEYS for var in KEYS[n] if (v := os.environ.get(var, ""))]
    with contextlib.suppress(MockintError):
        values.extend(_read_file().values())
    return tuple(v for v in values if v)
