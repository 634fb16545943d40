"""The interface every question source implements."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from mockint.enums import Difficulty, InterviewType, Provider
from mockint.models.questions import Question
from mockint.models.usage import ApiUsage


class SelectionRequest(BaseModel):
    """What the person asked for."""

    type: InterviewType | None = None
    difficulty: Difficulty | None = None
    focus: list[str] = Field(default_factory=list)
    notes: str | None = None
    count: int | None = None
    seed: int | None = None
    pack: Path | None = None
    #: "auto" (Gemini when a key is configured), "offline", "gemini" or "openai"
    provider: Provider = Provider.AUTO
    model: str | None = None
    #: question id -> ISO time it was last asked to this person
    recent: dict[str, str] = Field(default_factory=dict)


class Selection(BaseModel):
    """The questions a source chose, and for what interview."""

    questions: list[Question]
    type: InterviewType
    difficulty: Difficulty
    source: str
    estimated_minutes: int
    warnings: list[str] = Field(default_factory=list)
    #: paid API calls made to choose these questions
    usage: list[ApiUsage] = Field(default_factory=list)


class QuestionSource(Protocol):
    name: str

    def select(self, request: SelectionRequest) -> Selection: ...
