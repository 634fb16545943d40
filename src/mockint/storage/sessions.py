"""Sessions and their questions: create, find by id or prefix, change status, delete."""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from mockint.enums import LastOf, Status
from mockint.errors import NotFoundError, StorageError, UsageError
from mockint.models.questions import Question
from mockint.models.sessions import SessionRecord, TurnKind
from mockint.models.usage import Pricing
from mockint.storage.connection import transaction
from mockint.timespec import iso

MIN_PREFIX = 4


def new_session_id() -> str:
    return secrets.token_hex(6)


#: every stored ISO 8601 date sorts below this (it starts with a digit); text another program
#: wrote ("yesterday") sorts above every date, and a ``created_at < ISO_DATE_BELOW`` test keeps
#: it from being taken for the latest (one comparison a row: a GLOB cost 30 ms per 100,000)
ISO_DATE_BELOW = ":"


def unreadable(what: str, exc: Exception) -> StorageError:
    """The error for a stored row this version cannot read (a newer mockint wrote it, or the
    file was edited): one line naming it, never a traceback."""
    reason = type(exc).__name__ if not str(exc) else str(exc).splitlines()[0][:120]
    return StorageError(
        f"{what} cannot be read by this version of mockint ({reason}). It may have been "
        "written by a newer mockint; nothing was changed."
    )


def _session_from_row(row: dict[str, Any]) -> SessionRecord:
    try:
        return _session(row)
    except (ValueError, KeyError, TypeError) as exc:  # ValidationError, JSONDecodeError
        raise unreadable(f"Session {row.get('id')}", exc) from None


def _session(row: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        type=row["type"],
        difficulty=row["difficulty"],
        status=row["status"],
        focus=json.loads(row["focus_json"] or "[]"),
        notes=row["notes"],
        source=row["source"] or "bank",
        seed=row["seed"],
        mode=row["mode"] or "text",
        estimated_minutes=row["estimated_minutes"] or 0,
        pricing=Pricing.model_validate_json(row["pricing_json"]),
        created_at=row["created_at"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        parent_id=row["parent_id"],
    )


def create_session(db: Database, session: SessionRecord, questions: list[Question]) -> None:
    with transaction(db):
        db.table("sessions").insert(
            {
                "id": session.id,
                "type": session.type.value,
                "difficulty": session.difficulty.value,
                "status": session.status.value,
                "focus_json": json.dumps(session.focus),
                "notes": session.notes,
                "source": session.source,
                "seed": session.seed,
                "mode": session.mode,
                "estimated_minutes": session.estimated_minutes,
                "pricing_json": session.pricing.model_dump_json(),
                "created_at": iso(session.created_at),
                "started_at": iso(session.started_at),
                "ended_at": iso(session.ended_at),
                "parent_id": session.parent_id,
            }
        )
        db.table("session_questions").insert_all(
            {
                "session_id": session.id,
                "position": position,
                "question_id": question.id,
                "question_json": question.model_dump_json(),
            }
            for position, question in enumerate(questions, start=1)
        )


def resolve_session_id(db: Database, ref: str, last: LastOf = LastOf.ANY) -> str:
    """Accept a full id, a unique prefix of at least four characters, or ``last``: the
    newest session of the kind ``last`` names (graded, unfinished, any)."""
    ref = ref.strip()
    if ref == "last":
        marks = ", ".join("?" * len(last.statuses))
        row = db.execute(
            # a date another program wrote ("yesterday") would sort after every real one
            f"SELECT id FROM sessions WHERE status IN ({marks}) AND created_at < '{ISO_DATE_BELOW}' "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            [s.value for s in last.statuses],
        )
        found = row.fetchone()
        if found is None:
            raise NotFoundError(
                f"There is no {last.value} yet. List your sessions with: mockint history"
            )
        return str(found[0])
    exact = db.execute("SELECT id FROM sessions WHERE id = ?", [ref]).fetchone()
    if exact is not None:
        return str(exact[0])
    if len(ref) >= MIN_PREFIX and all(c in "0123456789abcdef" for c in ref.lower()):
        matches = [
            r[0]
            for r in db.execute(
                "SELECT id FROM sessions WHERE id LIKE ? LIMIT 3", [ref.lower() + "%"]
            ).fetchall()
        ]
        if len(matches) == 1:
            return str(matches[0])
        if len(matches) > 1:
            raise UsageError(f"Session id {ref!r} is ambiguous; give more characters.")
    if 0 < len(ref) < MIN_PREFIX:
        raise NotFoundError(
            f"No session {ref!r}: a session id or its first {MIN_PREFIX} characters or more. "
            "List your sessions with: mockint history"
        )
    raise NotFoundError(f"No session {ref!r}. List your sessions with: mockint history")


def get_session(db: Database, ref: str, last: LastOf = LastOf.ANY) -> SessionRecord:
    """The session ``ref`` names (see :func:`resolve_session_id`)."""
    session_id = resolve_session_id(db, ref, last)
    row = db.execute("SELECT * FROM sessions WHERE id = ?", [session_id])
    columns = [c[0] for c in row.description]
    return _session_from_row(dict(zip(columns, row.fetchone(), strict=True)))


SESSION_TABLES = (
    "webhook_jobs",
    "calls",
    "api_usage",
    "report_scores",
    "reports",
    "turns",
    "session_questions",
)


def delete_sessions(db: Database, session_ids: list[str]) -> int:
    """Remove sessions with their questions, turns and reports, in one transaction."""
    if not session_ids:
        return 0
    with transaction(db):
        for start in range(0, len(session_ids), 500):
            chunk = session_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table in SESSION_TABLES:
                db.execute(f"DELETE FROM {table} WHERE session_id IN ({marks})", chunk)
            db.execute(f"UPDATE sessions SET parent_id = NULL WHERE parent_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM sessions WHERE id IN ({marks})", chunk)
    return len(session_ids)


def session_exists(db: Database, session_id: str) -> bool:
    """Whether a session with the full id ``session_id`` is stored."""
    return db.execute("SELECT 1 FROM sessions WHERE id = ?", [session_id]).fetchone() is not None


def discard_new_session(db: Database, session_id: str) -> None:
    """Remove a session that was created but holds nothing of the candidate's: no turn but
    questions asked (no answer, skip, hint or draft) and no Vapi call."""
    with transaction(db):
        if (
            db.execute(
                "SELECT 1 FROM turns WHERE session_id = ? AND kind != ? LIMIT 1",
                [session_id, TurnKind.QUESTION.value],
            ).fetchone()
            or db.execute(
                "SELECT 1 FROM calls WHERE session_id = ? LIMIT 1", [session_id]
            ).fetchone()
        ):
            return
        for table in SESSION_TABLES:
            db.execute(f"DELETE FROM {table} WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def session_questions(db: Database, session_id: str) -> list[Question]:
    rows = db.execute(
        "SELECT question_json FROM session_questions WHERE session_id = ? ORDER BY position",
        [session_id],
    ).fetchall()
    try:
        return [Question.model_validate_json(r[0]) for r in rows]
    except ValueError as exc:
        raise unreadable(f"A question of session {session_id}", exc) from None


def set_status(
    db: Database,
    session_id: str,
    status: Status,
    *,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
) -> None:
    updates: dict[str, Any] = {"status": status.value}
    if started_at is not None:
        updates["started_at"] = iso(started_at)
    if ended_at is not None:
        updates["ended_at"] = iso(ended_at)
    with transaction(db):
        db.table("sessions").update(session_id, updates)


def recently_asked(db: Database, interview_type: str, difficulty: str) -> dict[str, str]:
    """Question id -> when it was last put in one of this person's sessions."""
    rows = db.execute(
        "SELECT sq.question_id, MAX(s.created_at) FROM session_questions sq "
        "JOIN sessions s ON s.id = sq.session_id "
        "WHERE s.type = ? AND s.difficulty = ? GROUP BY sq.question_id",
        [interview_type, difficulty],
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def sessions_created_before(db: Database, cutoff: datetime) -> list[str]:
    """Ids of the sessions created before ``cutoff``, oldest first."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM sessions WHERE created_at < ? ORDER BY created_at", [iso(cutoff)]
        ).fetchall()
    ]
