"""Reading files a user names on the command line, with errors they can act on."""

from __future__ import annotations

from pathlib import Path

from mockint.errors import InputFileError


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
