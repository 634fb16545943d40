"""Deleting sessions: by id, or everything older than an age (the retention rule)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from mockint.clock import now as current_time
from mockint.errors import UsageError
from mockint.paths import audio_dir
from mockint.storage.sessions import delete_sessions, resolve_session_id, sessions_created_before
from mockint.timespec import parse_age
from mockint.wording import counted


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
    ids = list(dict.fromkeys(resolve_session_id(db, ref) for ref in refs))
    if older_than is not None:
        try:
            cutoff = (now or current_time()) - parse_age(older_than)
        except OverflowError:
            raise UsageError(f"--older-than {older_than!r} is longer ago than dates go.") from None
        ids += [i for i in sessions_created_before(db, cutoff) if i not in ids]
    if not ids:
        return DeletionPlan([], "")
    what = counted(len(ids), "session")
    if len(ids) <= 5:
        what += ": " + ", ".join(ids)
    its = "its" if len(ids) == 1 else "their"
    return DeletionPlan(ids, f"This deletes {what}, with {its} answers and reports.")


def delete(db: Database, session_ids: list[str]) -> int:
    """Delete sessions from the database, then their recordings from the data directory."""
    count = delete_sessions(db, session_ids)
    for session_id in session_ids:
        shutil.rmtree(audio_dir(session_id), ignore_errors=True)
    return count
