"""The interface every grader implements."""

from __future__ import annotations

from typing import Protocol

from mockint.models.reports import Report
from mockint.models.sessions import AnsweredQuestion, SessionRecord
from mockint.models.usage import ApiUsage


class Grader(Protocol):
    name: str
    #: paid API calls made while grading (empty for graders that make none)
    usage: list[ApiUsage]

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report: ...
