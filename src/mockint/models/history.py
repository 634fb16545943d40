"""History shapes: listed sessions, statistics, trends and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mockint.enums import Difficulty, GraderKind, InterviewType, Status
from mockint.models.base import ApiModel
from mockint.models.questions import Question
from mockint.models.reports import Report
from mockint.models.sessions import SessionRecord, Turn


class HistoryItem(ApiModel):
    session_id: str
    type: InterviewType
    difficulty: Difficulty
    status: Status
    date: datetime
    duration: int | None
    score: int | None
    parent_id: str | None = None
    #: who graded it (None until graded)
    grader: GraderKind | None = None
    #: graded offline because the grader asked for (Gemini) was unavailable
    grader_fallback: bool = False


class HistoryFilter(BaseModel):
    """Which sessions a history, export or delete is about."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    type: InterviewType | None = None
    difficulty: Difficulty | None = None
    status: Status | None = None
    since: datetime | None = None
    until: datetime | None = None
    #: only sessions graded by this grader (fallbacks to offline count as offline)
    grader: GraderKind | None = None
    #: leave out sessions set up (never started) before this time
    setup_before: datetime | None = None


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
    #: ids of sessions on this page that this version cannot read (written by a newer one)
    skipped: list[str] = Field(default_factory=list)


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
