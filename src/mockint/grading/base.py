"""The interface every grader implements."""

from __future__ import annotations

from typing import Protocol

from mockint.models.reports import Report
from mockint.models.sessions import AnsweredQuestion, SessionRecord
from mockint.models.usage import ApiCall


class Grader(Protocol):
    name: str
    #: paid API calls made while grading (empty for graders that make none)
    calls: list[ApiCall]

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report: ...
