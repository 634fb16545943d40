"""Question sources: where an interview's questions come from.

Each source implements :class:`QuestionSource`; :func:`get_source` is the one
registry. Sources that need heavy or network libraries import them lazily.
"""

from __future__ import annotations

from mockint.gemini import use_gemini
from mockint.questions.bank import BankSource
from mockint.questions.pack import PackSource
from mockint.questions.source import QuestionSource, Selection, SelectionRequest

__all__ = ["QuestionSource", "Selection", "SelectionRequest", "get_source"]


def get_source(request: SelectionRequest, *, offline: bool = False) -> QuestionSource:
    """The source that serves ``request``: a pack when one is given; else Gemini when
    asked for (or, with ``auto``, when a key is configured); else the bank."""
    if request.pack is not None:
        return PackSource(request.pack)
    if not offline and use_gemini(request.provider):
        # lazy: mockint.gemini.source imports this package's base (an import cycle at load time)
        from mockint.gemini.source import GeminiSource

        return GeminiSource.with_stored_key(request.model)
    return BankSource()
