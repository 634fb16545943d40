"""Sessions and what happens in them: the stored session, its turns, and each question
with what the candidate said."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from mockint.enums import Difficulty, InterviewType, Mode, SkipReason, Status
from mockint.models.base import ApiModel
from mockint.models.questions import Question, QuestionSummary
from mockint.models.usage import Pricing


class SetupPreview(ApiModel):
    """The questions a new session would ask, with its price and duration."""

    type: InterviewType
    difficulty: Difficulty
    questions: list[QuestionSummary]
    pricing: Pricing
    estimated_duration: int
    source: str
    warnings: list[str] = Field(default_factory=list)


class SetupResult(SetupPreview):
    """A new session, stored in status SETUP."""

    session_id: str


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
    mode: Mode = Mode.TEXT
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
    #: an answer typed but not submitted (the interview was paused or interrupted);
    #: at most one per question, replaced as it is saved again, removed once answered
    DRAFT = "draft"


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
    #: why the question was skipped when the candidate did not choose to ("nothing heard")
    skip_reason: SkipReason | None = None
    hints_used: int = 0
    seconds_taken: float | None = None
    follow_up: str | None = None
    follow_up_answer: str | None = None
    follow_up_seconds: float | None = None
    #: what the answer turn recorded beyond its text (delivery of a spoken answer...)
    answer_meta: dict[str, Any] = Field(default_factory=dict)
    #: an answer typed but not submitted, and the seconds spent on it (None: no draft)
    draft: str | None = None
    draft_seconds: float = 0.0

    @property
    def done(self) -> bool:
        """Answered or skipped."""
        return self.answer is not None or self.skipped

    @property
    def active_seconds(self) -> float:
        """Seconds spent answering this question: the answer and any follow-up answer,
        or the time a skip or a draft recorded (never time paused)."""
        seconds = self.seconds_taken or 0.0
        seconds += self.follow_up_seconds or 0.0
        return seconds + self.draft_seconds

    @property
    def graded_text(self) -> str:
        """What the candidate said on this question: the answer and any follow-up answer."""
        return "\n\n".join(t for t in (self.answer, self.follow_up_answer) if t and t.strip())


class AnswerFold:
    """Each of ``questions`` with what its turns say about it so far, updated one turn at a
    time (so a session's work stays linear in its turns): the latest answer or skip, hints
    used, the follow-up and its answer, seconds taken (from the answer's own ``seconds``
    meta, else from when the question was asked), and the draft left when the question
    was neither answered nor skipped."""

    def __init__(self, questions: list[Question]) -> None:
        #: the questions in order, each with its answer so far
        self.items = [AnsweredQuestion(question=q, answer=None) for q in questions]
        self._by_id = {item.question.id: item for item in self.items}
        self._asked_at: dict[str, datetime] = {}

    def apply(self, turn: Turn) -> None:
        """Fold ``turn`` (the next one in time) into its question's item."""
        item = self._by_id.get(turn.question_id)
        if item is None:
            return
        if turn.kind == TurnKind.QUESTION:
            self._asked_at.setdefault(turn.question_id, turn.created_at)
        elif turn.kind == TurnKind.HINT:
            item.hints_used += 1
        elif turn.kind == TurnKind.FOLLOW_UP:
            item.follow_up = turn.text
        elif turn.kind == TurnKind.ANSWER and turn.meta.get("follow_up"):
            item.follow_up_answer = turn.text
            item.follow_up_seconds = turn.meta.get("seconds")
        elif turn.kind == TurnKind.ANSWER:
            item.answer = turn.text
            item.answer_meta = turn.meta
            item.skipped = False
            item.skip_reason = None
            started = self._asked_at.get(turn.question_id)
            seconds = turn.meta.get("seconds")
            if seconds is None and started is not None:
                seconds = (turn.created_at - started).total_seconds()
            item.seconds_taken = seconds
        elif turn.kind == TurnKind.SKIP:
            item.answer = None
            item.skipped = True
            item.seconds_taken = turn.meta.get("seconds")
            reason = str(turn.meta.get("reason"))
            known = reason in {r.value for r in SkipReason}
            item.skip_reason = SkipReason(reason) if known else None
        elif turn.kind == TurnKind.DRAFT and not item.done:
            item.draft = turn.text
            item.draft_seconds = float(turn.meta.get("seconds") or 0.0)
        if item.done:  # answered or skipped: a draft has served
            item.draft = None
            item.draft_seconds = 0.0


def answers_from_turns(questions: list[Question], turns: list[Turn]) -> list[AnsweredQuestion]:
    """Each of ``questions`` with what its ``turns`` (in order) say about it (see
    :class:`AnswerFold`)."""
    fold = AnswerFold(questions)
    for turn in turns:
        fold.apply(turn)
    return fold.items
