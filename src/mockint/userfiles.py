"""Reading and writing files a user names on the command line, with errors they can act on."""

from __future__ import annotations

import os
from pathlib import Path

from mockint.errors import InputFileError, StorageError


def read_user_text(path: Path, label: str) -> str:
    """The UTF-8 text of ``path``; ``label`` names the file in errors ("Pack file")."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{label} {path} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise InputFileError(f"{label} {path} is a directory; give a file.") from None
    except OSError as exc:
        raise InputFileError(f"Cannot read {label.lower()} {path}: {exc.strerror}.") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{label} {path} is not UTF-8 text. Save it as UTF-8.") from None


def write_user_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    if not path.parent.is_dir():
        raise StorageError(f"Cannot write {path}: the directory {path.parent} does not exist.")
    if path.is_dir():
        raise StorageError(f"Cannot write {path}: it is a directory; give a file name.")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {exc.strerror}.") from None


def is_storable(text: str) -> bool:
    """Whether ``text`` is valid Unicode that can be stored (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
