"""Past sessions and statistics, computed from the stored sessions (never stored counters).

The rows come from :mod:`mockint.storage.history`; this module validates the
request and turns them into pages, statistics and trends.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from mockint.clock import now
from mockint.enums import Difficulty, InterviewType
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
from mockint.models.reports import grader_of
from mockint.storage import history as history_store
from mockint.storage.history import SORTS
from mockint.validation import is_number
from mockint.wording import counted

#: sessions set up but never started are not listed once this old (``--status SETUP`` lists them)
STALE_SETUP = timedelta(days=1)

DEFAULT_LIMIT = 10
#: the "most missed" lists look at this many recent graded sessions: what a
#: person misses now matters more than what they missed a year ago
RECENT_WINDOW = 50
TOP_MISSED = 5
#: a question scored below this counts its topics as missed
WEAK_SCORE = 50
AREAS = ("technical-depth", "communication", "problem-solving")


KNOWN_TYPES = frozenset(t.value for t in InterviewType)
KNOWN_DIFFICULTIES = frozenset(d.value for d in Difficulty)


def _conditions(filters: HistoryFilter, *, graded_only: bool = False) -> tuple[str, list[Any]]:
    """The stored-session filter for ``filters``; an empty date range is refused."""
    where, params = history_store.where_clause(filters, graded_only=graded_only)
    if filters.since and filters.until and filters.since >= filters.until:
        raise UsageError("--since must be earlier than --until.")
    return where, params


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
    """Page ``page`` of the sessions matching ``filters``, with their statistics.

    ``sort`` is ``date`` (newest first) or ``score`` (best first, unscored
    last); ``limit`` sessions a page. Raises ``UsageError`` for another sort, a
    page or limit below 1, or ``since`` not before ``until``.
    """
    filters = filters or HistoryFilter()
    if filters.status is None and filters.setup_before is None:
        # a session set up but never started is clutter after a day, unless asked for
        filters = filters.model_copy(update={"setup_before": now() - STALE_SETUP})
    if sort not in SORTS:
        raise UsageError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.")
    if page < 1 or limit < 1:
        raise UsageError("--page and --limit must be at least 1.")
    where, params = _conditions(filters)
    total = history_store.count_sessions(db, where, params)
    last_page = max(1, math.ceil(total / limit))
    if page > last_page:
        raise UsageError(
            f"--page {page} is past the last page, {last_page}: "
            f"{counted(total, 'session')} at {limit} per page."
        )
    rows = history_store.session_page(
        db, where, params, sort=sort, limit=limit, offset=(page - 1) * limit
    )
    # a graded session took the time spent answering (its report's); others, start to end
    durations = history_store.report_durations(db, [r.id for r in rows])
    interviews: list[HistoryItem] = []
    skipped: list[str] = []
    for r in rows:
        kind, fallback = grader_of(r.grader) if r.grader else (None, False)
        try:
            interviews.append(
                HistoryItem(
                    session_id=r.id,
                    type=r.type,
                    difficulty=r.difficulty,
                    status=r.status,
                    date=r.created_at,
                    duration=durations.get(r.id, _duration(r.started_at, r.ended_at)),
                    score=r.score,
                    parent_id=r.parent_id,
                    grader=kind,
                    grader_fallback=fallback,
                )
            )
        except ValueError:  # a row this version cannot read (a newer mockint wrote it)
            skipped.append(r.id)
    return HistoryPage(
        interviews=interviews,
        skipped=skipped,
        total=total,
        page=page,
        total_pages=last_page,
        statistics=statistics(db, filters),
        sort=sort,
        limit=limit,
    )


def statistics(db: Database, filters: HistoryFilter | None = None) -> Statistics:
    """Statistics over completed (graded) sessions matching the filters.

    Scores are 0-100, averages rounded to one decimal; the "most missed" lists
    read the latest :data:`RECENT_WINDOW` of those sessions. Raises
    ``UsageError`` when ``since`` is not before ``until``.
    """
    filters = filters or HistoryFilter()
    where, params = _conditions(filters, graded_only=True)
    groups = [
        GroupStatistics(
            type=row.type,
            difficulty=row.difficulty,
            count=row.count,
            average_score=round(row.average_score, 1),
            best_score=_score_or_none(row.best_score),
            last_interview_at=_date_or_none(row.last_created_at),
            last_score=_score_or_none(row.last_score),
        )
        for row in history_store.group_scores(db, where, params)
        # a type or difficulty this version does not know (a newer mockint's) is left out
        if row.type in KNOWN_TYPES and row.difficulty in KNOWN_DIFFICULTIES
    ]
    by_type = {
        name: _combine([g for g in groups if g.type.value == name])
        for name in sorted({g.type.value for g in groups})
    }
    overall = _combine(groups)
    # status and stale set-ups never change which graded sessions count
    filtered = bool(filters.model_dump(exclude_none=True, exclude={"status", "setup_before"}))
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


def _score_or_none(value: Any) -> int | None:
    """A stored score; None for one another program wrote as text."""
    return round(value) if is_number(value) else None


def _date_or_none(text: str | None) -> datetime | None:
    """A stored ISO 8601 date; None for one another program wrote otherwise."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _combine(groups: list[GroupStatistics]) -> TypeStatistics:
    count = sum(g.count for g in groups)
    if not count:
        return TypeStatistics(count=0, average_score=None)
    latest = max(groups, key=lambda g: g.last_interview_at or datetime.min.replace(tzinfo=UTC))
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
    averages = {
        name: round(average, 1)
        for name, average in history_store.dimension_averages(
            db, where, params, filtered=filtered
        ).items()
    }
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

    ``where`` and ``params`` filter the sessions, as built by
    :func:`mockint.storage.history.where_clause`. Each item: session id, date
    (an aware UTC ``datetime``), type, question id, score (0-100), skipped,
    missed key points and the question's topics.
    """
    results = []
    for session in history_store.recent_graded(db, where, params, window):
        questions = session.report.get("questions")
        for question in questions if isinstance(questions, list) else []:
            if not _readable_result(question):
                continue  # a question a newer mockint (or another program) wrote otherwise
            missed = question.get("missedKeyPoints")
            results.append(
                {
                    "session_id": session.id,
                    "date": datetime.fromisoformat(session.created_at),
                    "type": session.type,
                    "question_id": question["id"],
                    "score": question["score"],
                    "skipped": question.get("skipped") is True,
                    "missed": [m for m in missed if isinstance(m, str)]
                    if isinstance(missed, list)
                    else [],
                    "topics": session.topics.get(question["id"], []),
                }
            )
    return results


def _readable_result(question: Any) -> bool:
    """Whether a stored report's question has the id and score this version reads."""
    return (
        isinstance(question, dict)
        and isinstance(question.get("id"), str)
        and is_number(question.get("score"))
    )


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
    """Scores of the latest ``limit`` graded sessions matching ``filters``, oldest first.

    Raises ``UsageError`` when ``since`` is not before ``until``.
    """
    where, params = _conditions(filters or HistoryFilter(), graded_only=True)
    points = []
    for r in reversed(history_store.trend_rows(db, where, params, limit)):
        try:
            points.append(
                TrendPoint(
                    session_id=r.id,
                    date=r.created_at,
                    type=r.type,
                    difficulty=r.difficulty,
                    score=r.score,
                )
            )
        except ValueError:  # a row this version cannot read (history lists it as left out)
            continue
    return points


def matching_ids(db: Database, filters: HistoryFilter) -> list[str]:
    """Ids of the sessions matching ``filters``, oldest first.

    Raises ``UsageError`` when ``since`` is not before ``until``.
    """
    where, params = _conditions(filters)
    return history_store.matching_ids(db, where, params)
