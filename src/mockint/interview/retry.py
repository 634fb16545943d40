"""Asking a session's questions again, and how the new attempt compares.

A retry is a new session (linked to the first by ``parent_id``) with the same
questions, or the chosen ones; it runs and is graded like any other.
"""

from __future__ import annotations

from pydantic import Field
from sqlite_utils import Database

from mockint.enums import LastOf
from mockint.errors import SessionStateError, UsageError
from mockint.interview.session import store_new_session
from mockint.models.base import ApiModel
from mockint.models.reports import Report
from mockint.models.sessions import SetupResult
from mockint.questions.source import Selection
from mockint.storage.reports import get_report
from mockint.storage.sessions import get_session, session_questions


class QuestionChange(ApiModel):
    id: str
    text: str
    previous_score: int
    score: int
    change: int


class Comparison(ApiModel):
    previous_session_id: str
    questions: list[QuestionChange]
    #: averages over the retried questions only
    previous_average: float
    average: float
    change: float = Field(description="average minus previous average")


def setup_retry(db: Database, ref: str, question_ids: list[str] | None = None) -> SetupResult:
    """Store a new session asking again the questions of ``ref`` (or those chosen)."""
    parent = get_session(db, ref, LastOf.GRADED)  # `last`: the newest graded session
    if get_report(db, parent.id) is None:
        raise SessionStateError(
            f"Session {parent.id} has no report yet, so there is nothing to compare with. "
            f"Finish it first: mockint start {parent.id}"
        )
    questions = session_questions(db, parent.id)
    if question_ids:
        known = {q.id for q in questions}
        unknown = [qid for qid in question_ids if qid not in known]
        if unknown:
            raise UsageError(
                f"Session {parent.id} has no question {unknown[0]!r}; its questions are: "
                + ", ".join(sorted(known))
            )
        wanted = set(question_ids)
        questions = [q for q in questions if q.id in wanted]
    selection = Selection(
        questions=questions,
        type=parent.type,
        difficulty=parent.difficulty,
        source=parent.source,
        estimated_minutes=sum(q.time_minutes for q in questions),
    )
    return store_new_session(
        db, selection, focus=parent.focus, notes=parent.notes, parent_id=parent.id
    )


def compare(previous: Report, current: Report) -> Comparison:
    """Per-question score changes between a session and its retry."""
    before = {q.id: q.score for q in previous.questions}
    changes = [
        QuestionChange(
            id=q.id,
            text=q.text,
            previous_score=before[q.id],
            score=q.score,
            change=q.score - before[q.id],
        )
        for q in current.questions
        if q.id in before
    ]
    n = max(1, len(changes))
    previous_average = round(sum(c.previous_score for c in changes) / n, 1)
    average = round(sum(c.score for c in changes) / n, 1)
    return Comparison(
        previous_session_id=previous.session_id,
        questions=changes,
        previous_average=previous_average,
        average=average,
        change=round(average - previous_average, 1),
    )


def compare_with_parent(db: Database, report: Report) -> Comparison | None:
    session = get_session(db, report.session_id)
    if session.parent_id is None:
        return None
    previous = get_report(db, session.parent_id)
    return compare(previous, report) if previous is not None else None
