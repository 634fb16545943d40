"""The SQLite database: opening it, its migrations and write transactions.

One ``open_db()`` creates the data directory, refuses files that are not
SQLite, sets a busy timeout, and switches to WAL and applies pending
migrations under a file lock, so that several processes opening a new
database at once do not race.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


@migrations()
def m002_scores(db: Database) -> None:
    """Scores where queries need them: on the session, and one row per dimension.

    With years of sessions, history and statistics then read small indexes
    instead of every report's JSON.
    """
    db.table("sessions").add_column("score", int)
    db.execute(
        "UPDATE sessions SET score = (SELECT overall_score FROM reports WHERE session_id = sessions.id)"
    )
    db.table("sessions").create_index(["type", "difficulty", "created_at", "score"])
    db.execute("DROP INDEX idx_sessions_type_difficulty_created_at")
    db.table("sessions").create_index(["score", "created_at"])
    db.table("sessions").create_index(["parent_id"])
    # WITHOUT ROWID: a session's scores are read straight from the primary key
    db.execute(
        "CREATE TABLE report_scores (session_id TEXT NOT NULL REFERENCES sessions(id), "
        "dimension TEXT NOT NULL, score INTEGER NOT NULL, "
        "PRIMARY KEY (session_id, dimension)) WITHOUT ROWID"
    )
    db.table("report_scores").create_index(["dimension", "score"])
    rows = db.execute("SELECT session_id, report_json FROM reports").fetchall()
    db.table("report_scores").insert_all(
        (
            {"session_id": session_id, "dimension": dimension, "score": score}
            for session_id, report_json in rows
            for dimension, score in dimension_scores(json.loads(report_json)).items()
        ),
        batch_size=1000,
    )


@migrations()
def m003_api_usage(db: Database) -> None:
    """Every paid API call (tokens and cost) against the session it served."""
    db.table("api_usage").create(
        {
            "id": int,
            "session_id": str,
            "provider": str,
            "model": str,
            "purpose": str,
            "prompt_tokens": int,
            "output_tokens": int,
            "cost_usd": float,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"session_id", "provider", "purpose", "created_at"},
    )
    db.table("api_usage").create_index(["session_id"])


@migrations()
def m004_calls(db: Database) -> None:
    """Live voice calls (Vapi): one row per call, linked to its session."""
    db.table("calls").create(
        {
            "call_id": str,
            "session_id": str,
            "provider": str,
            "kind": str,
            "status": str,
            "ended_reason": str,
            "web_call_url": str,
            "recording_url": str,
            "cost_usd": float,
            "cost_breakdown_json": str,
            "collected": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="call_id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"session_id", "provider", "kind", "created_at"},
    )
    db.table("calls").create_index(["session_id", "created_at"])


def dimension_scores(report: dict[str, Any]) -> dict[str, int]:
    """The area and rubric scores of a report (its JSON form), by dimension name."""
    breakdown = report.get("scoreBreakdown") or {}
    scores = {
        "technical-depth": breakdown.get("technicalDepth"),
        "communication": breakdown.get("communication"),
        "problem-solving": breakdown.get("problemSolving"),
        **{f"rubric:{name}": value for name, value in (breakdown.get("rubric") or {}).items()},
    }
    return {name: int(value) for name, value in scores.items() if isinstance(value, int | float)}


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
        db = Database(conn, execute_plugins=False)
        # Switching a new file to WAL can fail at once with "database is locked" when
        # another process does the same (SQLite does not wait on the busy timeout
        # there), so that switch and the migrations happen under one file lock.
        with _migration_lock(path):
            conn.execute("PRAGMA journal_mode = WAL")
            if migrations.pending(db):
                _migrate(db, path)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"Cannot use the database {path}: {exc}. It may be damaged; move it away "
            "to start afresh (mockint never overwrites it)."
        ) from None
    return db


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
