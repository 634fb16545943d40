"""Reports: the scored outcome of a session, per question and overall."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from mockint.enums import Difficulty, GraderKind, InterviewType, SkipReason, Status
from mockint.models.base import ApiModel
from mockint.models.usage import ApiCost


class KeyPointEvidence(ApiModel):
    key_point: str
    covered: bool
    evidence: str | None = None
    note: str
    #: what to study for this point, a short noun phrase
    concept: str | None = None
    #: the answer said the opposite, or stated a different complexity
    contradicted: bool = False


class DeliveryMetrics(ApiModel):
    """How a spoken answer was delivered (from word timestamps and voiced audio).

    ``words_per_minute`` and ``fillers_per_minute`` are None when there was too little
    talk to give a pace (under two seconds)."""

    words: int
    talk_seconds: float
    words_per_minute: float | None
    filler_count: int
    fillers: dict[str, int] = Field(default_factory=dict)
    fillers_per_minute: float | None
    long_pauses: int
    longest_pause_seconds: float
    allocated_seconds: float | None = None
    advice: list[str] = Field(default_factory=list)


class QuestionReport(ApiModel):
    id: str
    text: str
    answer: str | None
    score: int = Field(ge=0, le=100)
    covered_key_points: list[str]
    missed_key_points: list[str]
    feedback: str
    key_point_evidence: list[KeyPointEvidence] = Field(default_factory=list)
    dimensions: dict[str, int] = Field(default_factory=dict)
    skipped: bool = False
    #: why a question was skipped when the candidate did not choose to ("nothing heard")
    skip_reason: SkipReason | None = None
    hints_used: int = 0
    follow_up: str | None = None
    follow_up_answer: str | None = None
    #: spoken answers only: pace, fillers, pauses, and the speech engine used
    delivery: DeliveryMetrics | None = None
    transcribed_by: str | None = None


class ScoreBreakdown(ApiModel):
    technical_depth: int = Field(ge=0, le=100)
    communication: int = Field(ge=0, le=100)
    problem_solving: int = Field(ge=0, le=100)
    rubric: dict[str, int] = Field(default_factory=dict)


class Report(ApiModel):
    session_id: str
    type: InterviewType
    difficulty: Difficulty
    status: Status
    overall_score: int = Field(ge=0, le=100)
    score_breakdown: ScoreBreakdown
    questions: list[QuestionReport]
    strengths: list[str]
    weaknesses: list[str]
    recommendations: list[str]
    grader: str
    generated_at: datetime
    date: datetime | None = None
    duration_seconds: int | None = None
    #: where parts of the report came from, fallbacks, disagreements between graders
    notes: list[str] = Field(default_factory=list)
    api_cost: ApiCost | None = None
    #: spoken interviews only: delivery over all answers
    delivery: DeliveryMetrics | None = None

    def dimension_scores(self) -> dict[str, int]:
        """The area scores ("technical-depth", "communication", "problem-solving") and the
        rubric's ("rubric:<name>"), 0-100, by dimension name."""
        breakdown = self.score_breakdown
        return {
            "technical-depth": breakdown.technical_depth,
            "communication": breakdown.communication,
            "problem-solving": breakdown.problem_solving,
            **{f"rubric:{name}": int(value) for name, value in breakdown.rubric.items()},
        }


def grader_of(label: str) -> tuple[GraderKind | None, bool]:
    """The grader kind of a report's ``grader`` label, and whether it stood in for another
    that failed (``offline (Gemini unavailable: ...)``). An unknown label has no kind."""
    head, _, rest = label.partition(" (")
    try:
        kind = GraderKind(head)
    except ValueError:
        return None, False
    return kind, kind == GraderKind.OFFLINE and "unavailable" in rest
