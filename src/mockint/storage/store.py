"""Reading and writing sessions, questions, turns and reports.

Every write is its own short transaction, so an answer is on disk the moment
it is given.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from mockint.enums import Status
from mockint.errors import NotFoundError, SessionStateError, UsageError
from mockint.models.questions import Question
from mockint.models.reports import Report
from mockint.models.sessions import AnsweredQuestion, SessionRecord, Turn, TurnKind, TurnRole
from mockint.models.usage import ApiCost, ApiUsage, Pricing
from mockint.storage.connection import dimension_scores, write
from mockint.timespec import stamp

MIN_PREFIX = 4


def now() -> datetime:
    return datetime.now(UTC)


def new_session_id() -> str:
    return secrets.token_hex(6)


def _iso(value: datetime | None) -> str | None:
    return stamp(value) if value else None


def _session_from_row(row: dict[str, Any]) -> SessionRecord:
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
    with write(db):
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
                "created_at": _iso(session.created_at),
                "started_at": _iso(session.started_at),
                "ended_at": _iso(session.ended_at),
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


def resolve_session_id(db: Database, ref: str) -> str:
    """Accept a full id, a unique prefix of at least four characters, or ``last``."""
    ref = ref.strip()
    if ref == "last":
        row = db.execute("SELECT id FROM sessions ORDER BY created_at DESC, rowid DESC LIMIT 1")
        found = row.fetchone()
        if found is None:
            raise NotFoundError("There are no sessions yet. Start one with: mockint start")
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
    raise NotFoundError(f"No session {ref!r}. List your sessions with: mockint history")


def get_session(db: Database, ref: str) -> SessionRecord:
    session_id = resolve_session_id(db, ref)
    row = db.execute("SELECT * FROM sessions WHERE id = ?", [session_id])
    columns = [c[0] for c in row.description]
    return _session_from_row(dict(zip(columns, row.fetchone(), strict=True)))


SESSION_TABLES = (
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
    with write(db):
        for start in range(0, len(session_ids), 500):
            chunk = session_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table in SESSION_TABLES:
                db.execute(f"DELETE FROM {table} WHERE session_id IN ({marks})", chunk)
            db.execute(f"UPDATE sessions SET parent_id = NULL WHERE parent_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM sessions WHERE id IN ({marks})", chunk)
    return len(session_ids)


def discard_new_session(db: Database, session_id: str) -> None:
    """Remove a session that was created but never started (no turns)."""
    with write(db):
        if db.execute("SELECT 1 FROM turns WHERE session_id = ? LIMIT 1", [session_id]).fetchone():
            return
        for table in SESSION_TABLES:
            db.execute(f"DELETE FROM {table} WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def session_questions(db: Database, session_id: str) -> list[Question]:
    rows = db.execute(
        "SELECT question_json FROM session_questions WHERE session_id = ? ORDER BY position",
        [session_id],
    ).fetchall()
    return [Question.model_validate_json(r[0]) for r in rows]


def add_turn(db: Database, turn: Turn) -> Turn:
    with write(db):
        return insert_turn(db, turn)


def insert_turn(db: Database, turn: Turn) -> Turn:
    """Insert a turn inside the caller's transaction."""
    table = db.table("turns")
    table.insert(
        {
            "session_id": turn.session_id,
            "question_id": turn.question_id,
            "role": turn.role.value,
            "kind": turn.kind.value,
            "text": turn.text,
            "created_at": _iso(turn.created_at),
            "meta_json": json.dumps(turn.meta) if turn.meta else None,
        }
    )
    return turn.model_copy(update={"id": table.last_pk})


def list_turns(db: Database, session_id: str) -> list[Turn]:
    rows = db.execute(
        "SELECT id, session_id, question_id, role, kind, text, created_at, meta_json "
        "FROM turns WHERE session_id = ? ORDER BY id",
        [session_id],
    ).fetchall()
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


def answered_questions(db: Database, session_id: str) -> list[AnsweredQuestion]:
    """Each question of the session with its answer so far (None when not answered)."""
    questions = session_questions(db, session_id)
    turns = list_turns(db, session_id)
    by_question: dict[str, AnsweredQuestion] = {
        q.id: AnsweredQuestion(question=q, answer=None) for q in questions
    }
    asked_at: dict[str, datetime] = {}
    for turn in turns:
        item = by_question.get(turn.question_id)
        if item is None:
            continue
        if turn.kind == TurnKind.QUESTION:
            asked_at.setdefault(turn.question_id, turn.created_at)
        elif turn.kind == TurnKind.HINT:
            item.hints_used += 1
        elif turn.kind == TurnKind.FOLLOW_UP:
            item.follow_up = turn.text
        elif turn.kind == TurnKind.ANSWER and turn.meta.get("follow_up"):
            item.follow_up_answer = turn.text
        elif turn.kind == TurnKind.ANSWER:
            item.answer = turn.text
            item.answer_meta = turn.meta
            item.skipped = False
            started = asked_at.get(turn.question_id)
            seconds = turn.meta.get("seconds")
            if seconds is None and started is not None:
                seconds = (turn.created_at - started).total_seconds()
            item.seconds_taken = seconds
        elif turn.kind == TurnKind.SKIP:
            item.answer = None
            item.skipped = True
    return [by_question[q.id] for q in questions]


def is_done(item: AnsweredQuestion) -> bool:
    return item.answer is not None or item.skipped


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
        updates["started_at"] = _iso(started_at)
    if ended_at is not None:
        updates["ended_at"] = _iso(ended_at)
    with write(db):
        db.table("sessions").update(session_id, updates)


def save_report(db: Database, report: Report, ended_at: datetime) -> None:
    """Store the report and mark the session completed, in one transaction.

    A session another process completed meanwhile keeps its report.
    """
    with write(db):
        status = db.execute("SELECT status FROM sessions WHERE id = ?", [report.session_id])
        if status.fetchone()[0] == Status.COMPLETED.value:
            raise SessionStateError(
                f"Session {report.session_id} was completed meanwhile (by another mockint); "
                f"see it with: mockint report {report.session_id}"
            )
        db.table("reports").upsert(
            {
                "session_id": report.session_id,
                "overall_score": report.overall_score,
                "grader": report.grader,
                "generated_at": _iso(report.generated_at),
                "report_json": report.model_dump_json(by_alias=True),
            },
            pk="session_id",
        )
        db.execute("DELETE FROM report_scores WHERE session_id = ?", [report.session_id])
        db.table("report_scores").insert_all(
            {"session_id": report.session_id, "dimension": name, "score": score}
            for name, score in dimension_scores(report.dump()).items()
        )
        db.table("sessions").update(
            report.session_id,
            {
                "status": Status.COMPLETED.value,
                "ended_at": _iso(ended_at),
                "score": report.overall_score,
            },
        )


def get_report(db: Database, session_id: str) -> Report | None:
    row = db.execute(
        "SELECT report_json FROM reports WHERE session_id = ?", [session_id]
    ).fetchone()
    return Report.model_validate_json(row[0]) if row else None


def add_api_usage(db: Database, session_id: str, usage: list[ApiUsage]) -> None:
    if not usage:
        return
    with write(db):
        insert_api_usage(db, session_id, usage)


def insert_api_usage(db: Database, session_id: str, usage: list[ApiUsage]) -> None:
    """Record paid API calls inside the caller's transaction."""
    db.table("api_usage").insert_all(
        {"session_id": session_id, **call.model_dump(), "created_at": _iso(now())} for call in usage
    )


def api_cost(db: Database, session_id: str) -> ApiCost | None:
    """The session's API cost so far (None when it made no paid calls)."""
    rows = db.execute(
        "SELECT purpose, COUNT(*), SUM(prompt_tokens), SUM(output_tokens), SUM(cost_usd) "
        "FROM api_usage WHERE session_id = ? GROUP BY purpose ORDER BY purpose",
        [session_id],
    ).fetchall()
    if not rows:
        return None
    return ApiCost(
        total=round(sum(r[4] for r in rows), 6),
        requests=sum(r[1] for r in rows),
        prompt_tokens=sum(r[2] for r in rows),
        output_tokens=sum(r[3] for r in rows),
        by_purpose={r[0]: round(r[4], 6) for r in rows},
    )


def recently_asked(db: Database, interview_type: str, difficulty: str) -> dict[str, str]:
    """Question id -> when it was last put in one of this person's sessions."""
    rows = db.execute(
        "SELECT sq.question_id, MAX(s.created_at) FROM session_questions sq "
        "JOIN sessions s ON s.id = sq.session_id "
        "WHERE s.type = ? AND s.difficulty = ? GROUP BY sq.question_id",
        [interview_type, difficulty],
    ).fetchall()
    return {r[0]: r[1] for r in rows}
