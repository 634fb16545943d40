"""Domain models: what an interview, a question, an answer and a report are.

Models that leave the library as JSON use camelCase aliases (the shapes of the
product spec); ``dump()`` gives that JSON-ready dict.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from mockint.enums import Difficulty, InterviewType, Status

__all__ = ["Difficulty", "InterviewType", "Status"]


class ApiModel(BaseModel):
    """A model whose JSON form uses camelCase keys."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def _clean_text(value: str) -> str:
    return value.strip()


class Question(BaseModel):
    """One interview question with what a strong answer covers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    type: InterviewType
    difficulty: Difficulty
    text: str = Field(min_length=1, max_length=4000)
    key_points: list[str] = Field(min_length=1, max_length=12)
    #: a short noun phrase per key point ("complement lookup in a hash map"), named in
    #: "Study ..." advice; empty, or one per key point in the same order
    concepts: list[str] = Field(default_factory=list, max_length=12)
    follow_ups: list[str] = Field(default_factory=list, max_length=10)
    time_minutes: int = Field(default=5, ge=1, le=120)
    level: int | None = Field(default=None, ge=1, le=10)
    topics: list[str] = Field(default_factory=list, max_length=12)

    @field_validator("key_points", "follow_ups")
    @classmethod
    def _non_empty_items(cls, items: list[str]) -> list[str]:
        cleaned = [_clean_text(item) for item in items]
        if any(not item for item in cleaned):
            raise ValueError("must not contain empty strings")
        return cleaned

    @field_validator("concepts")
    @classmethod
    def _concepts(cls, items: list[str]) -> list[str]:
        cleaned = [" ".join(item.split()) for item in items]
        if any(not item or len(item) > 80 for item in cleaned):
            raise ValueError("each concept must be a short phrase of 1 to 80 characters")
        return cleaned

    @model_validator(mode="after")
    def _one_concept_per_key_point(self) -> Question:
        if self.concepts and len(self.concepts) != len(self.key_points):
            raise ValueError(
                f"concepts has {len(self.concepts)} entries but key_points has "
                f"{len(self.key_points)}: give one concept per key point, or none"
            )
        return self

    def concept(self, index: int) -> str:
        """The concept of key point ``index``: given, or derived from its own words."""
        if index < len(self.concepts):
            return self.concepts[index]
        return derive_concept(self.key_points[index])

    @field_validator("topics")
    @classmethod
    def _normalise_topics(cls, items: list[str]) -> list[str]:
        return [normalise_topic(item) for item in items if item.strip()]

    @property
    def difficulty_level(self) -> int:
        """Difficulty on the spec's 1-10 scale."""
        if self.level is not None:
            return self.level
        return {"easy": 2, "medium": 5, "hard": 7, "expert": 9}[self.difficulty.value]


_LEAD = re.compile(
    r"^(?:the candidate (?:should|must) |(?:you )?(?:should|must) )?"
    r"(?:use|uses|using|explain|explains|mention|mentions|describe|describes|discuss|state|"
    r"states|note|notes|say|says|show|shows|give|gives|consider|keep|keeps|handle|handles)\s+",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r"[,;:(]|\s(?:which|that|so|because|since|while|when|where|and then|to avoid|to keep|"
    r"instead of|rather than|so that|costs?|runs?|takes?|is|are|was|were|gives?|means?|"
    r"checks?|uses?|keeps?|stores?|returns?|lets?|makes?|needs?|can|will|should|must|"
    r"has|have|does|do|helps?|avoids?|allows?|ensures?|only|for example|such as)\s",
    re.IGNORECASE,
)


def derive_concept(key_point: str, limit: int = 6) -> str:
    """A short noun phrase from a key point's own words, for "Study ..." advice.

    The key point's first clause, without a leading instruction verb, at most
    ``limit`` words: "Use a hash map from value to index, and ..." gives
    "a hash map from value to index".
    """
    text = _LEAD.sub("", key_point.strip())
    head = text
    for match in _CLAUSE_END.finditer(text):
        if len(text[: match.start()].split()) >= 2:
            head = text[: match.start()]
            break
    words = head.strip(" .").split()
    while len(words) > 1 and len(words[-1]) == 1:  # "uses O" of "uses O(n)"
        words.pop()
    if words and words[0].lower() in {"a", "an", "the"} and len(words) > 1:
        words = words[1:]
    phrase = " ".join(words[:limit]).rstrip(" ,.;:")
    return phrase[:1].lower() + phrase[1:] if phrase[:2] != phrase[:2].upper() else phrase


def normalise_topic(value: str) -> str:
    return "-".join(value.strip().lower().replace("_", " ").split())


class Pricing(ApiModel):
    user_price: int
    cost_price: int
    margin: int
    currency: str


class PriceRow(ApiModel):
    type: InterviewType
    difficulty: Difficulty
    duration_minutes: int
    user_price: int
    cost_price: int
    margin: int
    currency: str


class QuestionSummary(ApiModel):
    """A question as shown before the interview: no key points."""

    id: str
    text: str
    difficulty: int
    time_allocation: int
    topics: list[str] = Field(default_factory=list)


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
    """How a spoken answer was delivered (from word timestamps)."""

    words: int
    talk_seconds: float
    words_per_minute: float
    filler_count: int
    fillers: dict[str, int] = Field(default_factory=dict)
    fillers_per_minute: float
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


class ApiCall(ApiModel):
    """One call to a paid API, recorded against the session it served."""

    provider: str
    model: str
    purpose: str
    prompt_tokens: int = 0
    output_tokens: int = 0
    #: as the provider prices it, in US dollars
    cost_usd: float = 0.0


class ApiCost(ApiModel):
    """What a session's API calls actually cost (US dollars, as providers price them)."""

    currency: str = "USD"
    total: float
    calls: int
    prompt_tokens: int
    output_tokens: int
    by_purpose: dict[str, float] = Field(default_factory=dict)


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


class HistoryItem(ApiModel):
    session_id: str
    type: InterviewType
    difficulty: Difficulty
    status: Status
    date: datetime
    duration: int | None
    score: int | None
    parent_id: str | None = None


class HistoryFilter(BaseModel):
    """Which sessions a history, export or delete is about."""

    model_config = ConfigDict(frozen=True)

    type: InterviewType | None = None
    difficulty: Difficulty | None = None
    status: Status | None = None
    since: datetime | None = None
    until: datetime | None = None


class TypeStatistics(ApiModel):
    count: int
    average_score: float | None
    best_score: int | None = None
    last_score: int | None = None
    last_interview_at: datetime | None = None


class GroupStatistics(TypeStatistics):
    type: InterviewType
    difficulty: Difficulty


class MissedKeyPoint(ApiModel):
    key_point: str
    question_id: str
    missed: int
    asked: int


class WeakTopic(ApiModel):
    topic: str
    missed: int
    asked: int
    average_score: float


class Statistics(ApiModel):
    total_interviews: int
    average_score: float | None
    best_score_achieved: int | None
    last_interview_at: datetime | None
    by_type: dict[str, TypeStatistics]
    by_type_and_difficulty: list[GroupStatistics] = Field(default_factory=list)
    #: average score per area (technical-depth, communication, problem-solving)
    dimensions: dict[str, float] = Field(default_factory=dict)
    #: average score per rubric dimension of the interview types involved
    rubric: dict[str, float] = Field(default_factory=dict)
    #: the recent graded sessions the "most missed" lists are drawn from
    recent_sessions_considered: int = 0
    most_missed_key_points: list[MissedKeyPoint] = Field(default_factory=list)
    most_missed_topics: list[WeakTopic] = Field(default_factory=list)


class HistoryPage(ApiModel):
    interviews: list[HistoryItem]
    total: int
    page: int
    total_pages: int
    statistics: Statistics
    sort: str = "date"
    limit: int = 10


class TrendPoint(ApiModel):
    session_id: str
    date: datetime
    type: InterviewType
    difficulty: Difficulty
    score: int


class SessionExport(ApiModel):
    """One session with everything stored about it: a line of ``mockint export``.

    ``questions`` keep the question-pack form, so an export can be reused as a pack.
    """

    format_version: int = 1
    session: SessionRecord
    questions: list[Question]
    turns: list[Turn]
    report: Report | None = None

    def dump(self) -> dict[str, Any]:
        data = super().dump()
        data["questions"] = [q.model_dump(mode="json") for q in self.questions]
        return data


class SessionCost(ApiModel):
    """What a session is priced at, and what its API calls actually cost."""

    session_id: str
    type: InterviewType
    difficulty: Difficulty
    pricing: Pricing
    api_cost: ApiCost | None
