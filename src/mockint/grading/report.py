"""The offline grader: a report assembled from the per-answer results of
:func:`mockint.grading.offline.grade_answer`, with feedback written by
:mod:`mockint.grading.feedback`."""

from __future__ import annotations

from mockint.clock import now
from mockint.grading import feedback
from mockint.grading.offline import AnswerResult, grade_answer, ramp
from mockint.grading.rubric import AREAS, rubric_for
from mockint.models.reports import QuestionReport, Report, ScoreBreakdown
from mockint.models.sessions import AnsweredQuestion, SessionRecord
from mockint.models.usage import ApiUsage


def area_scores(result: AnswerResult) -> dict[str, float]:
    """This answer's contribution to technicalDepth, communication, problemSolving."""
    rubric = rubric_for(result.question.type)
    gate = 0.4 + 0.6 * ramp(result.content, 0.0, 0.5)
    scores: dict[str, list[float]] = {area: [] for area in AREAS}
    scores["communication"].append(result.communication * gate)
    for name, value in result.dimensions.items():
        scores[rubric.dimensions[name].area].append(value)
    return {
        area: (sum(values) / len(values) if values else result.content)
        for area, values in scores.items()
    }


class OfflineGrader:
    """Grades on this machine, with no network and no key."""

    name = "offline"

    def __init__(self) -> None:
        self.usage: list[ApiUsage] = []

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report:
        results = [grade_answer(item) for item in items]
        areas = [area_scores(r) for r in results]
        n = len(results) or 1
        breakdown = {area: round(100 * sum(a[area] for a in areas) / n) for area in AREAS}
        rubric_totals: dict[str, list[float]] = {}
        for result in results:
            for name, value in result.dimensions.items():
                rubric_totals.setdefault(name, []).append(value)
        questions = [
            QuestionReport(
                id=r.question.id,
                text=r.question.text,
                answer=r.answer,
                score=r.score,
                covered_key_points=[p.key_point for p in r.points if p.covered],
                missed_key_points=[p.key_point for p in r.points if not p.covered],
                feedback=feedback.question_feedback(r),
                key_point_evidence=feedback.evidence(r),
                dimensions={k: round(100 * v) for k, v in r.dimensions.items()},
                skipped=r.skipped or not (r.answer or "").strip(),
                hints_used=r.hints_used,
                follow_up=item.follow_up,
                follow_up_answer=item.follow_up_answer,
            )
            for r, item in zip(results, items, strict=True)
        ]
        return Report(
            session_id=session.id,
            type=session.type,
            difficulty=session.difficulty,
            status=session.status,
            overall_score=round(sum(r.score for r in results) / n),
            score_breakdown=ScoreBreakdown(
                technical_depth=breakdown["technicalDepth"],
                communication=breakdown["communication"],
                problem_solving=breakdown["problemSolving"],
                rubric={k: round(100 * sum(v) / len(v)) for k, v in rubric_totals.items()},
            ),
            questions=questions,
            strengths=feedback.strengths(results),
            weaknesses=feedback.weaknesses(results),
            recommendations=feedback.recommendations(results),
            grader=self.name,
            generated_at=now(),
        )
