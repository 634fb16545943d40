"""Past sessions and statistics, as queries (never stored counters)."""

from __future__ import annotations

import math
from typing import Any

from sqlite_utils import Database

from mockint.errors import UsageError
from mockint.models import (
    Difficulty,
    HistoryItem,
    HistoryPage,
    InterviewType,
    Statistics,
    Status,
    TypeStatistics,
)

SORTS = {
    "date": "s.created_at DESC, s.rowid DESC",
    "score": "r.overall_score IS NULL, r.overall_score DESC, s.created_at DESC",
}
DEFAULT_LIMIT = 10


def _filters(
    interview_type: InterviewType | None, difficulty: Difficulty | None, status: Status | None
) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if interview_type:
        clauses.append("s.type = ?")
        params.append(interview_type.value)
    if difficulty:
        clauses.append("s.difficulty = ?")
        params.append(difficulty.value)
    if status:
        clauses.append("s.status = ?")
        params.append(status.value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _duration(started: str | None, ended: str | None) -> int | None:
    if not started or not ended:
        return None
    from datetime import datetime

    return max(
        0, int((datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds())
    )


def list_history(
    db: Database,
    *,
    interview_type: InterviewType | None = None,
    difficulty: Difficulty | None = None,
    status: Status | None = None,
    sort: str = "date",
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
) -> HistoryPage:
    if sort not in SORTS:
        raise UsageError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.")
    if page < 1 or limit < 1:
        raise UsageError("--page and --limit must be at least 1.")
    where, params = _filters(interview_type, difficulty, status)
    total = db.execute(f"SELECT COUNT(*) FROM sessions s{where}", params).fetchone()[0]
    rows = db.execute(
        "SELECT s.id, s.type, s.difficulty, s.status, s.created_at, s.started_at, s.ended_at, "
        f"r.overall_score FROM sessions s LEFT JOIN reports r ON r.session_id = s.id{where} "
        f"ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?",
        [*params, limit, (page - 1) * limit],
    ).fetchall()
    interviews = [
        HistoryItem(
            session_id=r[0],
            type=r[1],
            difficulty=r[2],
            status=r[3],
            date=r[4],
            duration=_duration(r[5], r[6]),
            score=r[7],
        )
        for r in rows
    ]
    return HistoryPage(
        interviews=interviews,
        total=total,
        page=page,
        total_pages=max(1, math.ceil(total / limit)),
        statistics=statistics(db, interview_type=interview_type, difficulty=difficulty),
    )


def statistics(
    db: Database,
    *,
    interview_type: InterviewType | None = None,
    difficulty: Difficulty | None = None,
) -> Statistics:
    """Statistics over completed (graded) sessions matching the filters."""
    where, params = _filters(interview_type, difficulty, None)
    join = f"FROM sessions s JOIN reports r ON r.session_id = s.id{where}"
    total, average, best, last = db.execute(
        f"SELECT COUNT(*), AVG(r.overall_score), MAX(r.overall_score), MAX(s.created_at) {join}",
        params,
    ).fetchone()
    by_type = {
        row[0]: TypeStatistics(count=row[1], average_score=round(row[2], 1))
        for row in db.execute(
            f"SELECT s.type, COUNT(*), AVG(r.overall_score) {join} GROUP BY s.type ORDER BY s.type",
            params,
        ).fetchall()
    }
    return Statistics(
        total_interviews=total,
        average_score=round(average, 1) if average is not None else None,
        best_score_achieved=best,
        last_interview_at=last,
        by_type=by_type,
    )
