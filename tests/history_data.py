"""Building stored sessions with known scores, for history, statistics and recommendation tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mockint import pricing
from mockint.enums import Difficulty, InterviewType, Status
from mockint.models.questions import Question
from mockint.models.reports import QuestionReport, Report, ScoreBreakdown
from mockint.models.sessions import SessionRecord
from mockint.storage.reports import save_report
from mockint.storage.sessions import create_session

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def question(qid: str, kind: InterviewType, topics: list[str]) -> Question:
    return Question(
        id=qid,
        type=kind,
        difficulty=Difficulty.MEDIUM,
        text=f"Question {qid}?",
        key_points=[f"{qid} point one", f"{qid} point two"],
        topics=topics,
    )


def add_session(
    db,
    sid: str,
    kind: InterviewType,
    difficulty: Difficulty,
    days_ago: float,
    score: int | None,
    *,
    questions: list[tuple[Question, int, list[str]]] = (),
    rubric: dict[str, int] | None = None,
    status: Status | None = None,
    now: datetime = NOW,
) -> None:
    """A stored session; with a score it is completed with a report of ``questions``.

    Each question item: (question, its score, the key points missed).
    """
    created = now - timedelta(days=days_ago)
    qs = [q for q, _, _ in questions] or [question(f"{sid}-q", kind, [])]
    session = SessionRecord(
        id=sid,
        type=kind,
        difficulty=difficulty,
        # a graded session is stored in progress; saving its report completes it
        status=status or Status.IN_PROGRESS,
        estimated_minutes=20,
        pricing=pricing.pricing_for(difficulty),
        created_at=created,
        started_at=created,
    )
    create_session(db, session, qs)
    if score is None:
        return
    report = Report(
        session_id=sid,
        type=kind,
        difficulty=difficulty,
        status=Status.COMPLETED,
        overall_score=score,
        score_breakdown=ScoreBreakdown(
            technical_depth=score,
            communication=min(100, score + 10),
            problem_solving=max(0, score - 10),
            rubric=rubric or {},
        ),
        questions=[
            QuestionReport(
                id=q.id,
                text=q.text,
                answer="an answer",
                score=q_score,
                covered_key_points=[p for p in q.key_points if p not in missed],
                missed_key_points=missed,
                feedback="ok",
            )
            for q, q_score, missed in questions
        ],
        strengths=[],
        weaknesses=[],
        recommendations=[],
        grader="offline",
        generated_at=created + timedelta(minutes=20),
    )
    save_report(db, report, created + timedelta(minutes=20))
