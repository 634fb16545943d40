"""The interface every grader implements."""

from __future__ import annotations

from typing import Protocol

from mockint.models import AnsweredQuestion, Report, SessionRecord


class Grader(Protocol):
    name: str

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report: ...
