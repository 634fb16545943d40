"""Graders turn a session's answers into a report.

Each grader implements :class:`Grader`; :func:`get_grader` is the registry.
"""

from __future__ import annotations

from mockint.enums import Provider
from mockint.errors import UsageError
from mockint.gemini import use_gemini
from mockint.grading.base import Grader

__all__ = ["GRADERS", "Grader", "get_grader"]

GRADERS = ("offline", "gemini")


def get_grader(name: str = "offline", model: str | None = None) -> Grader:
    """The grader called ``name`` (one of :data:`GRADERS`); ``model`` is Gemini's.

    Raises :class:`~mockint.errors.UsageError` for an unknown name, or for Gemini without a key.
    """
    if name == "offline":
        from mockint.grading.report import OfflineGrader  # lazy: numpy and the embedding model

        return OfflineGrader()
    if name == "gemini":
        from mockint.gemini.grader import GeminiGrader  # lazy: loads the offline grader too

        return GeminiGrader.with_stored_key(model)
    raise UsageError(f"Unknown grader {name!r}. Choose one of: {', '.join(GRADERS)}.")


def grader_for(provider: Provider | str, model: str | None = None) -> Grader:
    """The grader ``--provider`` asks for (see :func:`mockint.gemini.use_gemini`)."""
    return get_grader("gemini" if use_gemini(provider) else "offline", model)
