"""The SQLite connection: opening the database, backing it up, and write transactions.

One ``open_db()`` creates the data directory, refuses files that are not
SQLite, sets a busy timeout, and switches to WAL and applies pending
migrations under a file lock, so that several processes opening a new
database at once do not race.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from mockint.errors import StorageError
from mockint.paths import database_path
from mockint.storage.migrations import migrations

BUSY_TIMEOUT_SECONDS = 30
SQLITE_HEADER = b"SQLite format 3\x00"


def _check_is_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(f"Cannot read the database {path}: {exc.strerror}.") from None
    if header and header != SQLITE_HEADER:
        raise StorageError(
            f"{path} is not a mockint database (not an SQLite file). Move it away, or set "
            "MOCKINT_HOME to another directory; mockint will not overwrite it."
        )


@contextlib.contextmanager
def _migration_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: SQLite's own locking suffices
        yield
        return
    try:
        # never through a link, never waiting on a FIFO; what opened must be a plain file
        fd = os.open(
            lock_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644
        )
    except IsADirectoryError:
        raise StorageError(
            f"The lock file {lock_path} is a directory; remove it (mockint recreates it)."
        ) from None
    except PermissionError:
        raise StorageError(
            f"Cannot open the lock file {lock_path}: it belongs to another user (a run with "
            f"sudo?). Remove it, or give it back with: sudo chown $USER {lock_path}"
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StorageError(
                f"The lock file {lock_path} is a symbolic link; remove it (mockint recreates it)."
            ) from None
        if exc.errno == errno.ENXIO:  # a FIFO nobody reads
            raise StorageError(
                f"The lock file {lock_path} is not a regular file; remove it (mockint recreates "
                "it)."
            ) from None
        raise StorageError(f"Cannot open the lock file {lock_path}: {exc.strerror}.") from None
    handle = os.fdopen(fd, "a")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise StorageError(
            f"The lock file {lock_path} is not a regular file; remove it (mockint recreates it)."
        )
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_db(path: Path | None = None, *, any_thread: bool = False) -> Database:
    """Open (creating if needed) the database and bring its schema up to date.

    ``any_thread``: the connection may be used from threads other than this one (Python's
    ``check_same_thread=False``); the caller then makes sure only one thread uses it at a
    time. A process that already holds a connection opens further ones with
    ``connect_again``, never with this function (see there).
    """
    path = path or database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocked = next((p for p in (path.parent, *path.parent.parents) if p.is_file()), None)
        reason = f"{blocked} is a file, not a directory" if blocked else exc.strerror
        raise StorageError(
            f"Cannot create the data directory {path.parent}: {reason}. "
            "Set MOCKINT_HOME to a writable directory."
        ) from None
    if not os.access(path.parent, os.W_OK):
        raise StorageError(
            f"The data directory {path.parent} is not writable. "
            "Fix its permissions or set MOCKINT_HOME to a writable directory."
        )
    _check_is_sqlite(path)
    try:
        db = _connection(path, any_thread)
        conn = db.conn
        # Switching a new file to WAL can fail at once with "database is locked" when
        # another process does the same (SQLite does not wait on the busy timeout
        # there), so that switch and the migrations happen under one file lock.
        with _migration_lock(path):
            conn.execute("PRAGMA journal_mode = WAL")
            _refuse_a_newer_schema(db, path)
            if migrations.pending(db):
                _migrate(db, path)
            _mark_schema_version(db)
        conn.execute("PRAGMA foreign_keys = ON")
    except StorageError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"Cannot use the database {path}: {exc}. It may be damaged; move it away "
            "to start afresh (mockint never overwrites it)."
        ) from None
    return db


def _known_migrations() -> list[str]:
    return [migration.name for migration in migrations.pending(Database(memory=True))]


def _refuse_a_newer_schema(db: Database, path: Path) -> None:
    """Raise StorageError, before anything is written, when a newer mockint has changed the
    schema: a migration this version does not know is recorded as applied, or the file's
    ``user_version`` (the number of migrations the mockint that last opened it knew) is
    higher than this version's."""
    known = _known_migrations()
    unknown = [m.name for m in migrations.applied(db) if m.name not in set(known)]
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if unknown or version > len(known):
        schema = unknown[-1] if unknown else f"version {version}; this one knows {len(known)}"
        raise StorageError(
            f"The database {path} was upgraded by a newer mockint (schema {schema}); "
            "this version will not change it. Upgrade mockint, or set MOCKINT_HOME to "
            "another directory."
        )


def _mark_schema_version(db: Database) -> None:
    """Record in the file's ``user_version`` how many migrations this version knows, so an
    older mockint that reads it refuses to write (see ``_refuse_a_newer_schema``)."""
    known = len(_known_migrations())
    if int(db.execute("PRAGMA user_version").fetchone()[0]) != known:
        db.execute(f"PRAGMA user_version = {known}")


def connect_again(path: Path, *, any_thread: bool = False) -> Database:
    """Another connection to a database this process already opened with ``open_db``.

    It checks nothing and migrates nothing: ``open_db`` did both. Above all it never opens
    the file with a plain handle: on POSIX, closing any handle on the database file drops
    every SQLite lock this process holds on it, and another process may then delete the WAL
    under the open connections ("disk I/O error"; SQLite's "How To Corrupt An SQLite Database
    File", section 2.2). Raises StorageError when the file cannot be opened.
    """
    try:
        db = _connection(path, any_thread)
        db.conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"Cannot use the database {path}: {exc}.") from None
    return db


def _connection(path: Path, any_thread: bool) -> Database:
    conn = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        check_same_thread=not any_thread,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return Database(conn, execute_plugins=False)


def _migrate(db: Database, path: Path) -> None:
    """Apply pending migrations; an existing database is backed up first."""
    applied = migrations.applied(db)
    if applied:
        backup_database(db, path, applied[-1].name)
    migrations.apply(db)


def backup_database(db: Database, path: Path, version: str) -> Path:
    """Copy the database (consistently, with SQLite's backup API) next to it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.{version}.{stamp}.backup{path.suffix}")
    try:
        with contextlib.closing(sqlite3.connect(target)) as copy:
            db.conn.backup(copy)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(
            f"Cannot back up {path} before upgrading it ({exc}); nothing was changed. "
            "Free some disk space or fix the directory's permissions, then try again."
        ) from None
    return target


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock up front, and nests.

    The outermost one is ``BEGIN IMMEDIATE`` (a second writer waits for the busy
    timeout instead of failing with "database is locked" on lock upgrade); one
    inside it is a ``SAVEPOINT``, so a function that writes can be called both on
    its own and as part of a larger transaction. An exception rolls back only
    what its own level wrote, then propagates.
    """
    conn = db.conn
    if not conn.in_transaction:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        return
    name = f"nested_{next(_savepoints)}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    else:
        conn.execute(f"RELEASE {name}")


_savepoints = itertools.count(1)


@contextlib.contextmanager
def connect(path: Path | None = None) -> Iterator[Database]:
    """``open_db(path)`` for the length of a ``with`` block, then closed."""
    db = open_db(path)
    try:
        yield db
    finally:
        db.close()
