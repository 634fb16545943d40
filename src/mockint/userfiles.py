"""Reading and writing files a user names on the command line, with errors they can act on."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

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


@contextlib.contextmanager
def replacing(path: Path, *, mode: int = 0o644, label: str = "") -> Iterator[TextIO]:
    """Write ``path`` whole or not at all: a temporary file (created with ``mode`` from its
    first byte) renamed into place when the block succeeds, removed when it fails."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StorageError(f"Cannot write {label or ''}{path}: {exc.strerror}.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_user_text(path: Path, text: str) -> None:
    """Write ``text`` to a file the user named, whole or not at all."""
    if not path.parent.is_dir():
        raise StorageError(f"Cannot write {path}: the directory {path.parent} does not exist.")
    if path.is_dir():
        raise StorageError(f"Cannot write {path}: it is a directory; give a file name.")
    with replacing(path) as handle:
        handle.write(text)


def is_storable(text: str) -> bool:
    """Whether ``text`` is valid Unicode that can be stored (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
