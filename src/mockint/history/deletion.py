"""Deleting sessions: by id, or everything older than an age (the retention rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from mockint.errors import UsageError
from mockint.storage import store
from mockint.timespec import parse_age, stamp


@dataclass(frozen=True)
class DeletionPlan:
    session_ids: list[str]
    summary: str


def plan_deletion(
    db: Database, refs: list[str], older_than: str | None, now: datetime | None = None
) -> DeletionPlan:
    """Which sessions a delete would remove, and a one-line summary of them."""
    if not refs and older_than is None:
        raise UsageError("Say what to delete: session ids, or --older-than AGE (for example 90d).")
    ids = list(dict.fromkeys(store.resolve_session_id(db, ref) for ref in refs))
    if older_than is not None:
        try:
            cutoff = (now or datetime.now(UTC)) - parse_age(older_than)
        except OverflowError:
            raise UsageError(f"--older-than {older_than!r} is longer ago than dates go.") from None
        ids += [
            r[0]
            for r in db.execute(
                "SELECT id FROM sessions WHERE created_at < ? ORDER BY created_at", [stamp(cutoff)]
            ).fetchall()
            if r[0] not in ids
        ]
    if not ids:
        return DeletionPlan([], "")
    what = f"{len(ids)} session{'s' if len(ids) != 1 else ''}"
    if len(ids) <= 5:
        what += ": " + ", ".join(ids)
    return DeletionPlan(ids, f"This deletes {what}, with their answers and reports.")


def delete(db: Database, session_ids: list[str]) -> int:
    """Delete sessions from the database, then their recordings from the data directory."""
    import shutil

    from mockint.paths import audio_dir

    count = store.delete_sessions(db, session_ids)
    for session_id in session_ids:
        shutil.rmtree(audio_dir(session_id), ignore_errors=True)
    return count
