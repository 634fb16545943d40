"""The interface every grader implements."""

from __future__ import annotations

from typing import Protocol

from mockint.models import AnsweredQuestion, ApiCall, Report, SessionRecord


class Grader(Protocol):
    name: str
    #: paid API calls made while grading (empty for graders that make none)
    calls: list[ApiCall]

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report: ...
