"""Graders turn a session's answers into a report.

Each grader implements :class:`Grader`; :func:`get_grader` is the registry.
"""

from __future__ import annotations

from mockint.errors import UsageError
from mockint.grading.base import Grader

__all__ = ["GRADERS", "Grader", "get_grader"]

GRADERS = ("offline", "gemini")


def get_grader(name: str = "offline", model: str | None = None) -> Grader:
    if name == "offline":
        from mockint.grading.offline import OfflineGrader

        return OfflineGrader()
    if name == "gemini":
        from mockint.gemini.client import GeminiClient, require_key
        from mockint.gemini.grader import GeminiGrader

        return GeminiGrader(GeminiClient(require_key()), model)
    raise UsageError(f"Unknown grader {name!r}. Choose one of: {', '.join(GRADERS)}.")


def grader_for(provider: str, model: str | None = None) -> Grader:
    """The grader ``--provider`` asks for (see :func:`mockint.gemini.use_gemini`)."""
    from mockint.gemini import use_gemini

    return get_grader("gemini" if use_gemini(provider) else "offline", model)
