"""Question sources: where an interview's questions come from.

Each source implements :class:`QuestionSource`; :func:`get_source` is the one
registry. Sources that need heavy or network libraries import them lazily.
"""

from __future__ import annotations

from mockint.enums import Provider
from mockint.providers import resolve
from mockint.questions.bank import BankSource
from mockint.questions.pack import PackSource
from mockint.questions.source import QuestionSource, Selection, SelectionRequest

__all__ = ["QuestionSource", "Selection", "SelectionRequest", "get_source"]


def get_source(request: SelectionRequest, *, offline: bool = False) -> QuestionSource:
    """The source that serves ``request``: a pack when one is given; else the model-backed
    provider asked for (Gemini, or with ``auto`` Gemini when a key is configured; an
    OpenAI-compatible server); else the bank."""
    if request.pack is not None:
        return PackSource(request.pack)
    chosen = Provider.OFFLINE if offline else resolve(request.provider)
    if chosen != Provider.OFFLINE:
        # lazy: the providers' sources import this package's base (an import cycle at load time)
        from mockint.services import source_for

        return source_for(chosen, request.model)
    return BankSource()
