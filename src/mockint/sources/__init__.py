"""Question sources: where an interview's questions come from.

Each source implements :class:`QuestionSource`; :func:`get_source` is the one
registry. Sources that need heavy or network libraries import them lazily.
"""

from __future__ import annotations

from mockint.sources.base import QuestionSource, Selection, SelectionRequest

__all__ = ["QuestionSource", "Selection", "SelectionRequest", "get_source"]


def get_source(request: SelectionRequest) -> QuestionSource:
    """The source that serves ``request``: a pack when one is given, else the bank."""
    if request.pack is not None:
        from mockint.sources.pack import PackSource

        return PackSource(request.pack)
    from mockint.sources.bank import BankSource

    return BankSource()
