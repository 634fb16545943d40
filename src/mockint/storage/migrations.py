"""The database schema, as migrations applied in order (sqlite-utils' ``Migrations``).

To change the schema, add a function ``mNNN_what`` below decorated with
``@migrations()``; never edit one that has shipped. ``open_db`` applies pending
ones under a file lock, after backing the database up.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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
            for dimension, score in _dimension_scores(json.loads(report_json)).items()
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


@migrations()
def m005_webhook_jobs(db: Database) -> None:
    """End-of-call reports ``mockint webhook serve`` acknowledged and has yet to grade.

    One row per call: the report's message as received (JSON), its state (``pending``,
    ``done`` or ``failed``) and, for a failure, why. A pending row survives a stopped
    server and is graded when the server starts again.
    """
    db.table("webhook_jobs").create(
        {
            "id": int,
            "call_id": str,
            "session_id": str,
            "message_json": str,
            "state": str,
            "attempts": int,
            "error": str,
            "received_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"call_id", "session_id", "message_json", "state", "attempts", "received_at"},
        defaults={"attempts": 0},
    )
    db.table("webhook_jobs").create_index(["call_id"], unique=True)
    db.table("webhook_jobs").create_index(["state", "id"])
    db.table("webhook_jobs").create_index(["session_id"])


@migrations()
def m006_session_grader(db: Database) -> None:
    """Who graded each session (``offline``, ``gemini``...), kept on the session like its
    score, so ``history --grader`` filters the sessions table and never reads reports.

    Backfilled from each report's grader label (its first word; labels are
    ``offline``, ``gemini (model)``, ``offline (Gemini unavailable: ...)``).
    """
    db.table("sessions").add_column("grader", str)
    db.execute(
        "UPDATE sessions SET grader = (SELECT CASE WHEN instr(r.grader, ' ') > 0 "
        "THEN substr(r.grader, 1, instr(r.grader, ' ') - 1) ELSE r.grader END "
        "FROM reports r WHERE r.session_id = sessions.id)"
    )
    db.table("sessions").create_index(["grader", "created_at"])


@migrations()
def m007_dimension_totals(db: Database) -> None:
    """Per dimension, the sum and count of every stored score, kept by triggers on
    ``report_scores`` (in the same transaction as each insert and delete), so the
    statistics of all sessions read one row per dimension instead of every score.
    """
    db.execute(
        "CREATE TABLE dimension_totals (dimension TEXT PRIMARY KEY, "
        "total INTEGER NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TRIGGER report_scores_added AFTER INSERT ON report_scores BEGIN "
        "INSERT INTO dimension_totals (dimension, total, n) VALUES (NEW.dimension, NEW.score, 1) "
        "ON CONFLICT (dimension) DO UPDATE SET total = total + NEW.score, n = n + 1; END"
    )
    db.execute(
        "CREATE TRIGGER report_scores_removed AFTER DELETE ON report_scores BEGIN "
        "UPDATE dimension_totals SET total = total - OLD.score, n = n - 1 "
        "WHERE dimension = OLD.dimension; END"
    )
    db.execute(
        "INSERT INTO dimension_totals (dimension, total, n) "
        "SELECT dimension, SUM(score), COUNT(*) FROM report_scores GROUP BY dimension"
    )


def _dimension_scores(report: dict[str, Any]) -> dict[str, int]:
    """The area and rubric scores of a stored report's JSON, by dimension name.

    Frozen here as m002 first ran it: a migration never changes with the domain code.
    """
    breakdown = report.get("scoreBreakdown") or {}
    scores = {
        "technical-depth": breakdown.get("technicalDepth"),
        "communication": breakdown.get("communication"),
        "problem-solving": breakdown.get("problemSolving"),
        **{f"rubric:{name}": value for name, value in (breakdown.get("rubric") or {}).items()},
    }
    return {name: int(value) for name, value in scores.items() if isinstance(value, int | float)}
