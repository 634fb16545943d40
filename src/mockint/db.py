"""The SQLite database: opening it, its migrations and write transactions.

One ``open_db()`` creates the data directory, refuses files that are not
SQLite, sets WAL and a busy timeout, and applies pending migrations under a
lock so that several processes opening a new database at once do not race.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from mockint.errors import StorageError
from mockint.paths import database_path

BUSY_TIMEOUT_SECONDS = 30
SQLITE_HEADER = b"SQLite format 3\x00"

migrations = Migrations("mockint")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("sessions").create(
        {
            "id": str,
            "type": str,
            "difficulty": str,
            "status": str,
            "focus_json": str,
            "notes": str,
            "source": str,
            "seed": int,
            "mode": str,
            "estimated_minutes": int,
            "pricing_json": str,
            "created_at": str,
            "started_at": str,
            "ended_at": str,
            "parent_id": str,
        },
        pk="id",
        not_null={"type", "difficulty", "status", "created_at"},
    )
    db.table("session_questions").create(
        {
            "session_id": str,
            "position": int,
            "question_id": str,
            "question_json": str,
        },
        pk=("session_id", "position"),
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"question_id", "question_json"},
    )
    db.table("turns").create(
        {
            "id": int,
            "session_id": str,
            "question_id": str,
            "role": str,
            "kind": str,
            "text": str,
            "created_at": str,
            "meta_json": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"session_id", "question_id", "role", "kind", "created_at"},
    )
    db.table("reports").create(
        {
            "session_id": str,
            "overall_score": int,
            "grader": str,
            "generated_at": str,
            "report_json": str,
        },
        pk="session_id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db.table("sessions").create_index(["created_at"])
    db.table("sessions").create_index(["type", "difficulty", "created_at"])
    db.table("sessions").create_index(["status", "created_at"])
    db.table("session_questions").create_index(["question_id"])
    db.table("turns").create_index(["session_id", "question_id", "id"])
    db.table("reports").create_index(["overall_score"])


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
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_db(path: Path | None = None) -> Database:
    """Open (creating if needed) the database and bring its schema up to date."""
    path = path or database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the data directory {path.parent}: {exc.strerror}. "
            "Set MOCKINT_HOME to a writable directory."
        ) from None
    if not os.access(path.parent, os.W_OK):
        raise StorageError(
            f"The data directory {path.parent} is not writable. "
            "Fix its permissions or set MOCKINT_HOME to a writable directory."
        )
    _check_is_sqlite(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn, execute_plugins=False)
        if migrations.pending(db):
            with _migration_lock(path):
                migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"Cannot use the database {path}: {exc}. It may be damaged; move it away "
            "to start afresh (mockint never overwrites it)."
        ) from None
    return db


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """A short write transaction that takes the write lock up front.

    ``BEGIN IMMEDIATE`` makes a second writer wait for the busy timeout
    instead of failing with "database is locked" on lock upgrade.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")
