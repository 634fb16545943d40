"""Graders turn a session's answers into a report.

Each grader implements :class:`Grader`; :func:`get_grader` is the registry.
"""

from __future__ import annotations

from mockint.errors import UsageError
from mockint.grading.base import Grader

__all__ = ["GRADERS", "Grader", "get_grader"]

GRADERS = ("offline",)


def get_grader(name: str = "offline") -> Grader:
    if name == "offline":
        from mockint.grading.offline import OfflineGrader

        return OfflineGrader()
    raise UsageError(f"Unknown grader {name!r}. Choose one of: {', '.join(GRADERS)}.")
