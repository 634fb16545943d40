"""The one factory of question sources: which source serves a request.

A pack, when one is given; else the model-backed provider asked for (Gemini, or with
``auto`` Gemini when a key is configured; an OpenAI-compatible server); else the bank.
A provider's factory can be replaced with :func:`register_source` (a test's fake,
another service), as :func:`mockint.runners.factory.register_runner` does for runners.
"""

from __future__ import annotations

from collections.abc import Callable

from mockint.enums import Provider
from mockint.providers import resolve
from mockint.questions.bank import BankSource
from mockint.questions.pack import PackSource
from mockint.questions.source import QuestionSource, SelectionRequest

#: builds the source of one provider: (the request's --model) -> a source
SourceFactory = Callable[[str | None], QuestionSource]


def _bank(model: str | None) -> QuestionSource:
    return BankSource()


def _service(provider: Provider) -> SourceFactory:
    def build(model: str | None) -> QuestionSource:
        from mockint.services import source_for  # lazy: a provider's SDK only when it is used

        return source_for(provider, model)

    return build


_FACTORIES: dict[Provider, SourceFactory] = {
    Provider.OFFLINE: _bank,
    Provider.GEMINI: _service(Provider.GEMINI),
    Provider.OPENAI: _service(Provider.OPENAI),
}


def register_source(provider: Provider, factory: SourceFactory) -> SourceFactory:
    """Make ``factory`` build the sources of ``provider`` (``offline``: the bank); returns
    the one it replaces."""
    previous = _FACTORIES[provider]
    _FACTORIES[provider] = factory
    return previous


def get_source(request: SelectionRequest, *, offline: bool = False) -> QuestionSource:
    """The source that serves ``request`` (see the module's docstring); ``offline`` asks
    for the bank whatever the provider. Raises UsageError when the provider asked for
    cannot be used (``gemini`` without a key)."""
    if request.pack is not None:
        return PackSource(request.pack)
    chosen = Provider.OFFLINE if offline else resolve(request.provider)
    return _FACTORIES[chosen](request.model)
