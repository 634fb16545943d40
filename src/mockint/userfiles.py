"""Reading and writing files a user names on the command line, with errors they can act on."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from mockint.errors import InputFileError, StorageError, UsageError

#: the largest file read whole (bytes): a question pack, an answers file
MAX_FILE_BYTES = 64 * 1024 * 1024


def read_regular_file(
    path: Path, label: str, limit: int = MAX_FILE_BYTES, fix: str | None = None
) -> bytes:
    """The bytes of ``path``, at most ``limit``; ``label`` names the file in errors ("Pack
    file", "The config file") and ``fix`` says what to do about it (default: give a file,
    or split one too large).

    Only a regular file is read: never a device, a FIFO (whose opening would wait for a
    writer) or ``/dev/zero`` (read until memory runs out). FileNotFoundError passes through
    (a missing file may be fine); anything else raises
    :class:`~mockint.errors.InputFileError` saying what is wrong and how to fix it.
    """
    directory = InputFileError(f"{label} {path} is a directory; {fix or 'give a file'}.")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (no effect on a file)
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            kind = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(kind):
                raise directory
            if not stat.S_ISREG(kind):
                raise InputFileError(
                    f"{label} {path} is not a regular file (a device, pipe or socket); "
                    f"{fix or 'give a file'}."
                )
            raw = handle.read(limit + 1)
    except IsADirectoryError:
        raise directory from None
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputFileError(f"Cannot read {label.lower()} {path}: {exc.strerror}.") from None
    if len(raw) > limit:
        raise InputFileError(f"{label} {path} {_too_large(limit)}; {fix or 'split it'}.")
    return raw


def _too_large(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"is larger than {size}, more than mockint reads"


def read_user_text(path: Path, label: str, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of ``path``; ``label`` names the file in errors ("Pack file").

    Only a regular file of at most ``limit`` bytes is read (see ``read_regular_file``).
    Raises :class:`~mockint.errors.InputFileError` saying what is wrong and how to fix it.
    """
    try:
        raw = read_regular_file(path, label, limit)
    except FileNotFoundError:
        raise InputFileError(f"{label} {path} does not exist. Check the path.") from None
    return decode_user_bytes(raw, f"{label} {path}", limit)


def decode_user_bytes(raw: bytes, origin: str, limit: int = MAX_FILE_BYTES) -> str:
    """``raw`` (read with at most ``limit + 1`` bytes) as UTF-8 text; InputFileError when
    it is longer than ``limit`` bytes or not UTF-8. ``origin`` names it in errors."""
    if len(raw) > limit:
        raise InputFileError(f"{origin} {_too_large(limit)}; split it.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{origin} is not UTF-8 text. Save it as UTF-8.") from None


#: a temporary file older than this (seconds) was left by a killed run
STALE_SECONDS = 3600


@contextlib.contextmanager
def replacing(
    path: Path,
    *,
    mode: int = 0o644,
    label: str = "",
    keep_mode: bool = False,
    group: int | None = None,
) -> Iterator[TextIO]:
    """Write ``path`` whole or not at all: a temporary file in the same directory, renamed
    into place when the block succeeds and removed when it fails.

    The temporary file is made by :func:`tempfile.mkstemp` (``O_CREAT | O_EXCL``, a random
    name, owner-only), so a link planted in a shared directory is never followed; ``mode``
    is set on the open handle (less the umask, unless ``keep_mode``: an existing file's own
    permissions), as is ``group`` when given and allowed (an existing file's group), and
    the data reaches the disk (``fsync``) before the rename.
    Stale temporaries of ``path`` left by killed runs are removed first
    (:func:`remove_stale_temporaries`). Raises :class:`~mockint.errors.StorageError` when
    the directory cannot be written.
    """
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temporary = Path(name)
        if group is not None:
            with contextlib.suppress(OSError):  # only a member of the group may give it
                os.fchown(fd, -1, group)
        os.fchmod(fd, mode if keep_mode else mode & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise StorageError(f"Cannot write {label or ''}{path}: {exc.strerror}.") from None
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's file-creation mask (read by setting it, then restoring it)."""
    current = os.umask(0o077)
    os.umask(current)
    return current


def remove_stale_temporaries(path: Path, older_than: float = STALE_SECONDS) -> int:
    """Remove the temporary files :func:`replacing` left beside ``path`` when a run was
    killed: regular files (never links) of this user named ``.NAME.*.tmp``, last changed
    more than ``older_than`` seconds ago. Returns how many were removed; errors are ignored
    (another run may be removing them too)."""
    removed = 0
    cutoff = time.time() - older_than
    try:
        candidates = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:
        return 0
    for candidate in candidates:
        try:
            info = candidate.lstat()
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.geteuid()
                and info.st_mtime < cutoff
            ):
                candidate.unlink()
                removed += 1
        except OSError:
            continue
    return removed


#: ``--output -``: standard output, as ``--answers -`` reads standard input
STDOUT = Path("-")


def write_user_text(path: Path, text: str) -> None:
    """Write ``text`` to a file the user named (see :func:`writing_user_file`)."""
    with writing_user_file(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def writing_user_file(path: Path) -> Iterator[TextIO]:
    """Write a file the user named, as a user expects of ``--output``: a regular file (new
    or existing) whole or not at all (:func:`replacing`); through a symbolic link, the
    file it points to, and the link stays; a device or a named pipe (``/dev/stdout``, a
    FIFO) written as a stream, never replaced by a regular file.

    An existing file keeps its permissions (a 0600 file stays 0600). A link that another
    user owns in a directory anyone may write to (``/tmp``) is not followed, as the kernel's
    ``protected_symlinks`` rule does for opening: someone else's link there would make this
    write land wherever they chose.

    Raises :class:`UsageError` (exit code 2) when ``path`` is in a directory that does not
    exist or is itself a directory, or is such a link, and :class:`StorageError` when
    writing fails (a full disk, ``/dev/full``)."""
    refuse_planted(path)
    if path.is_dir():
        raise UsageError(f"Cannot write {path}: it is a directory; give a file name.")
    if path.exists() and not path.is_file():  # a device, a FIFO, /dev/stdout
        try:
            with path.open("w", encoding="utf-8") as handle:
                yield handle
        except OSError as exc:
            raise StorageError(f"Cannot write {path}: {exc.strerror}.") from None
        return
    target = path.resolve() if path.is_symlink() else path
    if not target.parent.is_dir():
        raise UsageError(
            f"Cannot write {path}: the directory {target.parent} does not exist. "
            "Create it, or give a path in a directory that exists."
        )
    try:
        existing = target.stat()  # an existing file keeps its permissions and group
        mode, group = stat.S_IMODE(existing.st_mode), existing.st_gid
    except OSError:
        mode, group = 0o644, None
    with replacing(target, mode=mode, keep_mode=group is not None, group=group) as handle:
        yield handle


def refuse_planted(path: Path) -> None:
    """UsageError when writing ``path`` would go through something another user planted in
    a directory anyone may write to (``/tmp``): a link anywhere along the path, or a FIFO
    or device as the file itself (the kernel's ``protected_symlinks`` and
    ``protected_fifos`` rules, applied whatever the system's settings): someone else's
    link there sends the write wherever they chose, their FIFO to whoever reads it."""
    absolute = Path(os.path.abspath(path))
    for part in [absolute, *absolute.parents]:
        if part.is_symlink() and _planted(part):
            raise UsageError(
                f"Cannot write {path}: {part} is a link another user made in a directory "
                "anyone may write to, so mockint will not follow it. Give another path."
            )
    try:
        kind = absolute.lstat().st_mode
    except OSError:
        return
    if not stat.S_ISREG(kind) and not stat.S_ISDIR(kind) and _planted(absolute):
        raise UsageError(
            f"Cannot write {path}: it is a pipe or device another user made in a directory "
            "anyone may write to. Give another path."
        )


def _planted(entry: Path) -> bool:
    """Whether ``entry`` (not followed) is owned by another user than this process's and
    than its directory's owner, in a sticky directory any user may write to."""
    try:
        own = entry.lstat()
        folder = entry.parent.stat()
    except OSError:
        return False
    shared = bool(folder.st_mode & stat.S_ISVTX) and bool(folder.st_mode & stat.S_IWOTH)
    return shared and own.st_uid != os.geteuid() and own.st_uid != folder.st_uid


def is_storable(text: str) -> bool:
    """Whether ``text`` is valid Unicode that can be stored (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
