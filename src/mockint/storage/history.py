"""Reading past sessions for history, statistics and recommendations.

The queries read the covering indexes made for them (see the migrations in
:mod:`mockint.storage.migrations`), so they stay fast with years of sessions.
Most take a filter as built by :func:`where_clause`: SQL conditions on
``sessions s`` and their parameters. Dates come back as stored: ISO-8601 UTC
strings with microseconds (``2026-11-01T09:30:00.000000+00:00``), which sort
as the moments they name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from mockint.enums import Difficulty, InterviewType, Status
from mockint.models.history import HistoryFilter
from mockint.storage.sessions import ISO_DATE_BELOW
from mockint.timespec import stamp
from mockint.validation import is_number

#: ORDER BY of a history page, by sort name
SORTS = {
    "date": "s.created_at DESC, s.rowid DESC",
    # NULL sorts lowest in SQLite, so unscored sessions come last
    "score": "s.score DESC, s.created_at DESC",
}


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A session as a history page lists it."""

    id: str
    type: str
    difficulty: str
    status: str
    created_at: str
    started_at: str | None
    ended_at: str | None
    score: int | None
    parent_id: str | None
    #: the report's grader label (``offline``, ``gemini (model)``...), None before grading
    grader: str | None


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Graded sessions of one type and difficulty, summed up."""

    type: str
    difficulty: str
    count: int
    #: the mean overall score (not rounded)
    average_score: float
    best_score: int
    #: None when no session of the group has an ISO 8601 date (another program wrote them)
    last_created_at: str | None
    #: the overall score of the latest session of the group
    last_score: int


@dataclass(frozen=True, slots=True)
class GradedSession:
    """A graded session with its report and the topics of its questions."""

    id: str
    created_at: str
    type: str
    #: the report in its stored JSON form (camelCase keys, as ``Report`` serialises)
    report: dict[str, Any]
    #: question id -> the question's topics (empty when it has none)
    topics: dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One graded session's overall score."""

    id: str
    created_at: str
    type: str
    difficulty: str
    score: int


@dataclass(frozen=True, slots=True)
class ScoredSession:
    """A graded session's type, date and overall score."""

    type: str
    created_at: str
    score: int


def where_clause(filters: HistoryFilter, *, graded_only: bool = False) -> tuple[str, list[Any]]:
    """SQL conditions on ``sessions s`` for ``filters``, and their parameters.

    Returns ``(" WHERE ...", params)``, or ``("", [])`` when nothing is filtered.
    ``since`` is inclusive and ``until`` exclusive; with ``graded_only`` only
    sessions with a score match (so a status filter other than COMPLETED matches none). A range with ``since`` not before ``until`` matches
    nothing; saying so to the user is the caller's business. Raises
    ``OverflowError`` only for a date that cannot be expressed in UTC (at the
    very edge of the ``datetime`` range). ``grader`` matches a report's grader label by
    its kind: ``offline`` also matches offline grading that stood in for Gemini.
    """
    clauses, params = [], []
    for column, value in (
        ("type", filters.type),
        ("difficulty", filters.difficulty),
        ("status", filters.status),
    ):
        if value is not None:
            clauses.append(f"s.{column} = ?")
            params.append(value.value)
    if graded_only:
        clauses.append("s.score IS NOT NULL")
    if filters.since is not None:
        clauses.append("s.created_at >= ?")
        params.append(stamp(filters.since))
    if filters.until is not None:
        clauses.append("s.created_at < ?")
        params.append(stamp(filters.until))
    if filters.setup_before is not None and not graded_only:  # a graded session is no set-up
        clauses.append("NOT (s.status = ? AND s.created_at < ?)")
        params.extend([Status.SETUP.value, stamp(filters.setup_before)])
    if filters.grader is not None:
        clauses.append("s.grader = ?")
        params.append(filters.grader.value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_sessions(db: Database, where: str, params: list[Any]) -> int:
    """How many sessions match ``where`` (from :func:`where_clause`).

    Raises ``sqlite3.Error`` if the database cannot be read.
    """
    count: int = db.execute(f"SELECT COUNT(*) FROM sessions s{where}", params).fetchone()[0]
    return count


def session_page(
    db: Database, where: str, params: list[Any], *, sort: str, limit: int, offset: int
) -> list[SessionRow]:
    """One page of the sessions matching ``where``: at most ``limit`` rows after ``offset``.

    ``sort`` is a key of :data:`SORTS` (``date``: newest first; ``score``: best
    first, unscored last). Raises ``KeyError`` for another sort, and
    ``sqlite3.Error`` if the database cannot be read.
    """
    rows = db.execute(
        "SELECT s.id, s.type, s.difficulty, s.status, s.created_at, s.started_at, s.ended_at, "
        f"s.score, s.parent_id FROM sessions s{where} "
        f"ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    # the graders of this page only (a join would run for every row the offset skips)
    ids = [row[0] for row in rows]
    graders = (
        dict(
            db.execute(
                f"SELECT session_id, grader FROM reports WHERE session_id IN ({','.join('?' * len(ids))})",
                ids,
            ).fetchall()
        )
        if ids
        else {}
    )
    return [
        SessionRow(
            id=row[0],
            type=row[1],
            difficulty=row[2],
            status=row[3],
            created_at=row[4],
            started_at=row[5],
            ended_at=row[6],
            score=row[7],
            parent_id=row[8],
            grader=graders.get(row[0]),
        )
        for row in rows
    ]


def report_durations(db: Database, session_ids: list[str]) -> dict[str, int]:
    """The duration each of these sessions' reports gives (time spent answering), by id;
    sessions without a report, or with no duration in it, are left out. Meant for a page
    of sessions, not for all of them: it reads their reports."""
    if not session_ids:
        return {}
    marks = ", ".join("?" * len(session_ids))
    rows = db.execute(
        "SELECT session_id, json_extract(report_json, '$.durationSeconds') FROM reports "
        f"WHERE session_id IN ({marks}) AND json_valid(report_json)",
        session_ids,
    ).fetchall()
    return {
        session_id: int(seconds)
        for session_id, seconds in rows
        if isinstance(seconds, int | float)  # a report another program changed: no duration
    }


def group_scores(db: Database, where: str, params: list[Any]) -> list[GroupRow]:
    """Per type and difficulty, ordered by type then difficulty: count and scores.

    ``where`` must keep graded sessions only (``where_clause(..., graded_only=True)``).
    Groups without a matching session are left out. Raises ``sqlite3.Error``
    if the database cannot be read.
    """
    # SQLite takes the bare column s.score from the row that holds MAX(created_at).
    rows = db.execute(
        "SELECT s.type, s.difficulty, COUNT(*), AVG(s.score), MAX(s.score), "
        # a date another program wrote ("yesterday") sorts after every ISO date: not the latest
        f"MAX(CASE WHEN s.created_at < '{ISO_DATE_BELOW}' THEN s.created_at END), s.score "
        f"FROM sessions s{where} "
        "GROUP BY s.type, s.difficulty ORDER BY s.type, s.difficulty",
        params,
    ).fetchall()
    return [GroupRow(*row) for row in rows]


def dimension_averages(
    db: Database, where: str, params: list[Any], *, filtered: bool
) -> dict[str, float]:
    """The mean score (not rounded) of each stored dimension, by dimension name.

    Names are as stored: the areas (``technical-depth``, ...) and
    ``rubric:<name>``. With ``filtered`` only the sessions matching ``where``
    count; without it every stored score does (all belong to graded
    sessions) and only the per-dimension running totals are read. Raises ``sqlite3.Error``
    if the database cannot be read.
    """
    if not filtered:  # every stored score counts: the running totals (m007) hold them
        rows = db.execute(
            "SELECT dimension, CAST(total AS REAL) / n FROM dimension_totals WHERE n > 0"
        ).fetchall()
        return {name: average for name, average in rows}
    rows = db.execute(
        "SELECT d.dimension, AVG(d.score) FROM report_scores d "
        f"JOIN sessions s ON s.id = d.session_id{where} GROUP BY d.dimension",
        params,
    ).fetchall()
    return {name: average for name, average in rows}


def recent_graded(
    db: Database, where: str, params: list[Any], limit: int, skipped: list[str] | None = None
) -> list[GradedSession]:
    """The latest ``limit`` sessions matching ``where`` that have a report, newest first.

    Each comes with its decoded report and its questions' topics. A session whose report
    is not a JSON object, or whose date is not ISO 8601 (a newer mockint's, or another
    program's), is left out, its id appended to ``skipped`` when given; a question that
    is not JSON gives no topics. Raises ``sqlite3.Error`` if the database cannot be read.
    """
    sessions = db.execute(
        "SELECT s.id, s.created_at, s.type, r.report_json "
        f"FROM sessions s JOIN reports r ON r.session_id = s.id{where} "
        "ORDER BY s.created_at DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    if not sessions:
        return []
    marks = ",".join("?" * len(sessions))
    topics: dict[str, dict[str, list[str]]] = {s[0]: {} for s in sessions}
    for session_id, question_id, question_json in db.execute(
        "SELECT session_id, question_id, question_json FROM session_questions "
        f"WHERE session_id IN ({marks})",
        [s[0] for s in sessions],
    ).fetchall():
        topics[session_id][question_id] = _topics(question_json)
    graded = []
    for session_id, created_at, interview_type, report_json in sessions:
        try:
            report = json.loads(report_json)
            datetime.fromisoformat(created_at)
            if not isinstance(report, dict):
                raise ValueError("a report is a JSON object")
        except (ValueError, TypeError):
            if skipped is not None:
                skipped.append(session_id)
            continue
        graded.append(
            GradedSession(
                id=session_id,
                created_at=created_at,
                type=interview_type,
                report=report,
                topics=topics[session_id],
            )
        )
    return graded


def _topics(question_json: str) -> list[str]:
    """A stored question's topics; none when it cannot be read (it is not JSON, or its
    topics are not a list of strings)."""
    try:
        topics = json.loads(question_json).get("topics", [])
    except (ValueError, TypeError, AttributeError):
        return []
    return [t for t in topics if isinstance(t, str)] if isinstance(topics, list) else []


def trend_rows(db: Database, where: str, params: list[Any], limit: int) -> list[TrendRow]:
    """The latest ``limit`` sessions matching ``where``, newest first, with their scores.

    ``where`` must keep graded sessions only (``where_clause(..., graded_only=True)``).
    Raises ``sqlite3.Error`` if the database cannot be read.
    """
    rows = db.execute(
        f"SELECT s.id, s.created_at, s.type, s.difficulty, s.score FROM sessions s{where} "
        "ORDER BY s.created_at DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [TrendRow(*row) for row in rows]


def matching_ids(db: Database, where: str, params: list[Any]) -> list[str]:
    """Ids of the sessions matching ``where``, oldest first (by creation, then insertion).

    Raises ``sqlite3.Error`` if the database cannot be read.
    """
    return [
        r[0]
        for r in db.execute(
            f"SELECT s.id FROM sessions s{where} ORDER BY s.created_at, s.rowid", params
        ).fetchall()
    ]


def latest_scores(db: Database, limit: int) -> list[ScoredSession]:
    """The latest ``limit`` graded sessions of every type, newest first; a session whose
    score is not a number (another program wrote it) is left out.

    Raises ``sqlite3.Error`` if the database cannot be read.
    """
    rows = db.execute(
        "SELECT type, created_at, score FROM sessions WHERE score IS NOT NULL "
        "ORDER BY created_at DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [ScoredSession(*row) for row in rows if is_number(row[2])]


def latest_levels(
    db: Database, interview_type: InterviewType, limit: int
) -> list[tuple[str, int | float]]:
    """``(difficulty, score)`` of the latest ``limit`` graded sessions of a type, newest
    first; one of a difficulty this version does not know, or whose score is not a number,
    is left out.

    Raises ``sqlite3.Error`` if the database cannot be read.
    """
    rows = db.execute(
        "SELECT difficulty, score FROM sessions WHERE type = ? AND score IS NOT NULL "
        "ORDER BY created_at DESC LIMIT ?",
        [interview_type.value, limit],
    ).fetchall()
    known = {d.value for d in Difficulty}
    return [(level, score) for level, score in rows if level in known and is_number(score)]


def weakest_rubric_dimension(
    db: Database, interview_type: InterviewType, window: int
) -> tuple[str, float] | None:
    """The rubric dimension with the lowest mean over a type's latest ``window`` graded sessions.

    Returns ``(stored name, mean score)``, the name with its ``rubric:`` prefix
    and the mean not rounded (ties go to the first name alphabetically), or
    None when those sessions have no rubric scores. Raises ``sqlite3.Error``
    if the database cannot be read.
    """
    row = db.execute(
        "SELECT d.dimension, AVG(d.score) AS average FROM report_scores d "
        "JOIN (SELECT id FROM sessions WHERE type = ? AND score IS NOT NULL "
        "ORDER BY created_at DESC LIMIT ?) s ON s.id = d.session_id "
        "WHERE d.dimension LIKE 'rubric:%' GROUP BY d.dimension ORDER BY average, d.dimension LIMIT 1",
        [interview_type.value, window],
    ).fetchone()
    return (row[0], row[1]) if row else None
