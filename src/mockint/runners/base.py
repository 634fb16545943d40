"""The interface every session runner implements."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mockint.interview.session import Interview


class Outcome(StrEnum):
    COMPLETED = "completed"  # every question answered or skipped
    PAUSED = "paused"  # the candidate stopped; resume later


class Runner(Protocol):
    name: str

    def run(self, interview: Interview) -> Outcome: ...
