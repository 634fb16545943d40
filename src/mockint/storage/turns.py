"""Turns: every question asked, answer, skip and hint, stored the moment it happens.

A draft (an answer typed but not submitted) is a turn too, kept one per question:
saving it again replaces it, and it goes when the question is answered or skipped.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from mockint.errors import AnswerConflict, SessionDeleted
from mockint.models.sessions import Turn, TurnKind, TurnRole
from mockint.storage.connection import transaction
from mockint.storage.sessions import unreadable
from mockint.timespec import iso


def add_turn(db: Database, turn: Turn) -> Turn:
    """Store ``turn`` (its own transaction, or part of the caller's); returns it with its id."""
    with transaction(db):
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", [turn.session_id]).fetchone() is None:
            raise SessionDeleted(turn.session_id, "it was running")
        table = db.table("turns")
        table.insert(
            {
                "session_id": turn.session_id,
                "question_id": turn.question_id,
                "role": turn.role.value,
                "kind": turn.kind.value,
                "text": turn.text,
                "created_at": iso(turn.created_at),
                "meta_json": json.dumps(turn.meta) if turn.meta else None,
            }
        )
        return turn.model_copy(update={"id": table.last_pk})


def add_answer(db: Database, turn: Turn) -> Turn:
    """Store an answer or a skip only if the question has none yet, checked inside the same
    write transaction (``BEGIN IMMEDIATE``), so two runs of one session cannot both answer it.

    A follow-up answer (``meta["follow_up"]``) is checked against follow-up answers; the
    question's own answer or skip against both (no run answers a question it skipped, so an
    answer after a skip is another run's). Raises :class:`~mockint.errors.AnswerConflict`
    when the question already has one; nothing is stored then.
    """
    follow_up = bool(turn.meta.get("follow_up"))
    with transaction(db):
        rows = db.execute(
            "SELECT kind, meta_json FROM turns WHERE session_id = ? AND question_id = ? "
            "AND kind IN (?, ?)",
            [turn.session_id, turn.question_id, TurnKind.ANSWER.value, TurnKind.SKIP.value],
        ).fetchall()
        for kind, meta_json in rows:
            stored_follow_up = bool(json.loads(meta_json).get("follow_up")) if meta_json else False
            if follow_up:
                clash = kind == TurnKind.ANSWER.value and stored_follow_up
            else:
                clash = not stored_follow_up
            if clash:
                raise AnswerConflict(
                    f"Question {turn.question_id} of session {turn.session_id} was answered "
                    "meanwhile by another mockint running the same session; this run stopped "
                    "and stored nothing more. Answers stored so far are kept."
                )
        return add_turn(db, turn)


def replace_draft(db: Database, session_id: str, question_id: str, draft: Turn | None) -> None:
    """Remove the question's draft turns and store ``draft`` (when given), at once."""
    with transaction(db):
        db.execute(
            "DELETE FROM turns WHERE session_id = ? AND question_id = ? AND kind = ?",
            [session_id, question_id, TurnKind.DRAFT.value],
        )
        if draft is not None:
            add_turn(db, draft)


def answered_question_ids(db: Database, session_id: str) -> set[str]:
    """Ids of the session's questions that have any turn at all."""
    return {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT question_id FROM turns WHERE session_id = ?", [session_id]
        ).fetchall()
    }


def list_turns(db: Database, session_id: str) -> list[Turn]:
    """The session's turns in the order they happened."""
    rows = db.execute(
        "SELECT id, session_id, question_id, role, kind, text, created_at, meta_json "
        "FROM turns WHERE session_id = ? ORDER BY id",
        [session_id],
    ).fetchall()
    try:
        return [
            Turn(
                id=r[0],
                session_id=r[1],
                question_id=r[2],
                role=TurnRole(r[3]),
                kind=TurnKind(r[4]),
                text=r[5] or "",
                created_at=r[6],
                meta=json.loads(r[7]) if r[7] else {},
            )
            for r in rows
        ]
    except (ValueError, TypeError) as exc:  # ValidationError, JSONDecodeError, an unknown kind
        raise unreadable(f"A turn of session {session_id}", exc) from None
