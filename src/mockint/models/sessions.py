"""Sessions and what happens in them: the stored session, its turns, and each question
with what the candidate said."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from mockint.enums import Difficulty, InterviewType, Status
from mockint.models.base import ApiModel
from mockint.models.questions import Question, QuestionSummary
from mockint.models.usage import Pricing


class SetupResult(ApiModel):
    session_id: str
    type: InterviewType
    difficulty: Difficulty
    questions: list[QuestionSummary]
    pricing: Pricing
    estimated_duration: int
    source: str
    warnings: list[str] = Field(default_factory=list)


class SessionRecord(ApiModel):
    """A stored interview session."""

    id: str
    type: InterviewType
    difficulty: Difficulty
    status: Status
    focus: list[str] = Field(default_factory=list)
    notes: str | None = None
    source: str = "bank"
    seed: int | None = None
    mode: str = "text"
    estimated_minutes: int
    pricing: Pricing
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    parent_id: str | None = None


class TurnRole(StrEnum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


class TurnKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    SKIP = "skip"
    HINT = "hint"
    FOLLOW_UP = "follow_up"


class Turn(ApiModel):
    id: int | None = None
    session_id: str
    question_id: str
    role: TurnRole
    kind: TurnKind
    text: str
    created_at: datetime
    meta: dict[str, Any] = Field(default_factory=dict)


class AnsweredQuestion(BaseModel):
    """A question of a session with what the candidate said (None if skipped)."""

    question: Question
    answer: str | None
    skipped: bool = False
    hints_used: int = 0
    seconds_taken: float | None = None
    follow_up: str | None = None
    follow_up_answer: str | None = None
    #: what the answer turn recorded beyond its text (delivery of a spoken answer...)
    answer_meta: dict[str, Any] = Field(default_factory=dict)

    @property
    def graded_text(self) -> str:
        """What the candidate said on this question: the answer and any follow-up answer."""
        return "\n\n".join(t for t in (self.answer, self.follow_up_answer) if t and t.strip())
