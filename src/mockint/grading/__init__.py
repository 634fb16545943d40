"""Graders turn a session's answers into a report.

Each grader implements :class:`Grader`; :func:`get_grader` is the registry.
"""

from __future__ import annotations

from mockint.enums import Provider
from mockint.errors import UsageError
from mockint.grading.base import Grader
from mockint.providers import resolve

__all__ = ["GRADERS", "Grader", "get_grader"]

GRADERS = ("offline", "gemini", "openai")


def get_grader(name: str = "offline", model: str | None = None) -> Grader:
    """The grader called ``name`` (one of :data:`GRADERS`); ``model`` is the provider's.

    Raises :class:`~mockint.errors.UsageError` for an unknown name, or for Gemini without a key.
    """
    if name == "offline":
        from mockint.grading.report import OfflineGrader  # lazy: numpy and the embedding model

        return OfflineGrader()
    if name in ("gemini", "openai"):
        from mockint.services import grader_for as provider_grader  # lazy: the offline grader too

        return provider_grader(Provider(name), model)
    raise UsageError(f"Unknown grader {name!r}. Choose one of: {', '.join(GRADERS)}.")


def grader_for(provider: Provider | str, model: str | None = None) -> Grader:
    """The grader ``--provider`` asks for (see :func:`mockint.providers.resolve`)."""
    return get_grader(resolve(provider).value, model)
