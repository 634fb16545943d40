"""The services a model-backed provider offers, built in one place: a question source, a
grader and a follow-up writer for each of :class:`~mockint.enums.Provider`'s ``gemini`` and
``openai``. Which provider ``--provider`` means is :func:`mockint.providers.resolve`'s.

This module loads the providers' packages (pydantic models, the offline grader the reports
are checked against), so the factories that need it import it lazily; their SDKs load only
when a call is made.
"""

from __future__ import annotations

from mockint.enums import Provider
from mockint.gemini.client import GeminiClient, require_key
from mockint.gemini.followups import FollowUpWriter, GeminiFollowUps
from mockint.gemini.grader import GeminiGrader
from mockint.gemini.source import GeminiSource
from mockint.grading.base import Grader
from mockint.openai_compat.followups import OpenAIFollowUps
from mockint.openai_compat.grader import OpenAIGrader
from mockint.openai_compat.source import OpenAISource
from mockint.providers import resolve
from mockint.questions.source import QuestionSource


def source_for(provider: Provider, model: str | None = None) -> QuestionSource:
    """The question source of a model-backed ``provider`` (``gemini`` or ``openai``)."""
    if provider == Provider.OPENAI:
        return OpenAISource.configured(model)
    return GeminiSource.with_stored_key(model)


def grader_for(provider: Provider, model: str | None = None) -> Grader:
    """The grader of a model-backed ``provider`` (``gemini`` or ``openai``)."""
    if provider == Provider.OPENAI:
        return OpenAIGrader.configured(model)
    return GeminiGrader.with_stored_key(model)


def follow_up_writer(provider: Provider | str, model: str | None) -> FollowUpWriter | None:
    """The follow-ups ``provider`` means (see :func:`~mockint.providers.resolve`); none offline."""
    chosen = resolve(provider)
    if chosen == Provider.OPENAI:
        return OpenAIFollowUps.configured(model)
    if chosen == Provider.GEMINI:
        return GeminiFollowUps(GeminiClient(require_key()), model)
    return None
