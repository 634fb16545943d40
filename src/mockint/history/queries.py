"""Past sessions and statistics, as queries (never stored counters)."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from mockint.errors import UsageError
from mockint.models.history import (
    GroupStatistics,
    HistoryFilter,
    HistoryItem,
    HistoryPage,
    MissedKeyPoint,
    Statistics,
    TrendPoint,
    TypeStatistics,
    WeakTopic,
)
from mockint.timespec import stamp

SORTS = {
    "date": "s.created_at DESC, s.rowid DESC",
    # NULL sorts lowest in SQLite, so unscored sessions come last
    "score": "s.score DESC, s.created_at DESC",
}
DEFAULT_LIMIT = 10
#: the "most missed" lists look at this many recent graded sessions: what a
#: person misses now matters more than what they missed a year ago
RECENT_WINDOW = 50
TOP_MISSED = 5
#: a question scored below this counts its topics as missed
WEAK_SCORE = 50
AREAS = ("technical-depth", "communication", "problem-solving")


def where_clause(filters: HistoryFilter, *, graded_only: bool = False) -> tuple[str, list[Any]]:
    """SQL conditions on ``sessions s`` for ``filters``."""
    clauses, params = [], []
    for column, value in (
        ("type", filters.type),
        ("difficulty", filters.difficulty),
        ("status", None if graded_only else filters.status),
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
    if filters.since and filters.until and filters.since >= filters.until:
        raise UsageError("--since must be earlier than --until.")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _duration(started: str | None, ended: str | None) -> int | None:
    if not started or not ended:
        return None
    return max(
        0, int((datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds())
    )


def list_history(
    db: Database,
    filters: HistoryFilter | None = None,
    *,
    sort: str = "date",
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
) -> HistoryPage:
    filters = filters or HistoryFilter()
    if sort not in SORTS:
        raise UsageError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.")
    if page < 1 or limit < 1:
        raise UsageError("--page and --limit must be at least 1.")
    where, params = where_clause(filters)
    total = db.execute(f"SELECT COUNT(*) FROM sessions s{where}", params).fetchone()[0]
    rows = db.execute(
        "SELECT s.id, s.type, s.difficulty, s.status, s.created_at, s.started_at, s.ended_at, "
        f"s.score, s.parent_id FROM sessions s{where} "
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
            parent_id=r[8],
        )
        for r in rows
    ]
    return HistoryPage(
        interviews=interviews,
        total=total,
        page=page,
        total_pages=max(1, math.ceil(total / limit)),
        statistics=statistics(db, filters),
        sort=sort,
        limit=limit,
    )


def statistics(db: Database, filters: HistoryFilter | None = None) -> Statistics:
    """Statistics over completed (graded) sessions matching the filters."""
    filters = filters or HistoryFilter()
    where, params = where_clause(filters, graded_only=True)
    # SQLite takes the bare column s.score from the row that holds MAX(created_at).
    groups = [
        GroupStatistics(
            type=row[0],
            difficulty=row[1],
            count=row[2],
            average_score=round(row[3], 1),
            best_score=row[4],
            last_interview_at=row[5],
            last_score=row[6],
        )
        for row in db.execute(
            "SELECT s.type, s.difficulty, COUNT(*), AVG(s.score), MAX(s.score), "
            f"MAX(s.created_at), s.score FROM sessions s{where} "
            "GROUP BY s.type, s.difficulty ORDER BY s.type, s.difficulty",
            params,
        ).fetchall()
    ]
    by_type = {
        name: _combine([g for g in groups if g.type.value == name])
        for name in sorted({g.type.value for g in groups})
    }
    overall = _combine(groups)
    filtered = bool(filters.model_dump(exclude_none=True, exclude={"status"}))
    dimensions, rubric = _dimension_averages(db, where, params, filtered)
    considered, missed_points, weak_topics = _most_missed(db, where, params)
    return Statistics(
        total_interviews=overall.count,
        average_score=overall.average_score,
        best_score_achieved=overall.best_score,
        last_interview_at=overall.last_interview_at,
        by_type=by_type,
        by_type_and_difficulty=groups,
        dimensions=dimensions,
        rubric=rubric,
        recent_sessions_considered=considered,
        most_missed_key_points=missed_points,
        most_missed_topics=weak_topics,
    )


def _combine(groups: list[GroupStatistics]) -> TypeStatistics:
    count = sum(g.count for g in groups)
    if not count:
        return TypeStatistics(count=0, average_score=None)
    latest = max(groups, key=lambda g: g.last_interview_at or datetime.min)
    return TypeStatistics(
        count=count,
        average_score=round(sum((g.average_score or 0) * g.count for g in groups) / count, 1),
        best_score=max(g.best_score or 0 for g in groups),
        last_score=latest.last_score,
        last_interview_at=latest.last_interview_at,
    )


def _dimension_averages(
    db: Database, where: str, params: list[Any], filtered: bool
) -> tuple[dict[str, float], dict[str, float]]:
    source = f"report_scores d JOIN sessions s ON s.id = d.session_id{where}"
    if not filtered:  # every stored row counts: no need to join the sessions
        source, params = "report_scores d", []
    rows = db.execute(
        f"SELECT d.dimension, AVG(d.score) FROM {source} GROUP BY d.dimension", params
    ).fetchall()
    averages = {name: round(avg, 1) for name, avg in rows}
    areas = {name: averages[name] for name in AREAS if name in averages}
    rubric = {
        name.removeprefix("rubric:"): value
        for name, value in sorted(averages.items())
        if name.startswith("rubric:")
    }
    return areas, rubric


def recent_results(
    db: Database, where: str, params: list[Any], window: int = RECENT_WINDOW
) -> list[dict[str, Any]]:
    """Per-question results of the latest ``window`` graded sessions (newest first).

    Each item: session id, date, type, question id, score, skipped, missed key
    points and the question's topics.
    """
    sessions = db.execute(
        "SELECT s.id, s.created_at, s.type, r.report_json "
        f"FROM sessions s JOIN reports r ON r.session_id = s.id{where} "
        "ORDER BY s.created_at DESC LIMIT ?",
        [*params, window],
    ).fetchall()
    if not sessions:
        return []
    marks = ",".join("?" * len(sessions))
    topics: dict[tuple[str, str], list[str]] = {
        (sid, qid): json.loads(qjson).get("topics", [])
        for sid, qid, qjson in db.execute(
            "SELECT session_id, question_id, question_json FROM session_questions "
            f"WHERE session_id IN ({marks})",
            [s[0] for s in sessions],
        ).fetchall()
    }
    results = []
    for session_id, created_at, interview_type, report_json in sessions:
        for question in json.loads(report_json).get("questions", []):
            results.append(
                {
                    "session_id": session_id,
                    "date": datetime.fromisoformat(created_at),
                    "type": interview_type,
                    "question_id": question["id"],
                    "score": question["score"],
                    "skipped": question.get("skipped", False),
                    "missed": question.get("missedKeyPoints", []),
                    "topics": topics.get((session_id, question["id"]), []),
                }
            )
    return results


def _most_missed(
    db: Database, where: str, params: list[Any]
) -> tuple[int, list[MissedKeyPoint], list[WeakTopic]]:
    results = recent_results(db, where, params)
    missed_points: Counter[tuple[str, str]] = Counter()
    topic_scores: defaultdict[str, list[int]] = defaultdict(list)
    for result in results:
        for point in result["missed"]:
            missed_points[(point, result["question_id"])] += 1
        for topic in result["topics"]:
            topic_scores[topic].append(result["score"])
    # how often each missed point's question was asked in the window
    asked_questions = Counter(r["question_id"] for r in results)
    points = [
        MissedKeyPoint(key_point=point, question_id=qid, missed=n, asked=asked_questions[qid])
        for (point, qid), n in sorted(
            missed_points.items(),
            # most often, then most often relative to how often asked
            key=lambda kv: (-kv[1], -kv[1] / asked_questions[kv[0][1]], kv[0][1], kv[0][0]),
        )[:TOP_MISSED]
    ]
    topics = sorted(
        (
            WeakTopic(
                topic=topic,
                missed=sum(score < WEAK_SCORE for score in scores),
                asked=len(scores),
                average_score=round(sum(scores) / len(scores), 1),
            )
            for topic, scores in topic_scores.items()
        ),
        key=lambda t: (-t.missed, t.average_score, t.topic),
    )
    considered = len({r["session_id"] for r in results})
    return considered, points, [t for t in topics if t.missed][:TOP_MISSED]


def trend(db: Database, filters: HistoryFilter | None = None, limit: int = 500) -> list[TrendPoint]:
    """Scores of the latest ``limit`` graded sessions matching ``filters``, oldest first."""
    where, params = where_clause(filters or HistoryFilter(), graded_only=True)
    rows = db.execute(
        f"SELECT s.id, s.created_at, s.type, s.difficulty, s.score FROM sessions s{where} "
        "ORDER BY s.created_at DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        TrendPoint(session_id=r[0], date=r[1], type=r[2], difficulty=r[3], score=r[4])
        for r in reversed(rows)
    ]


def matching_ids(db: Database, filters: HistoryFilter) -> list[str]:
    """Ids of the sessions matching ``filters``, oldest first."""
    where, params = where_clause(filters)
    return [
        r[0]
        for r in db.execute(
            f"SELECT s.id FROM sessions s{where} ORDER BY s.created_at, s.rowid", params
        ).fetchall()
    ]
