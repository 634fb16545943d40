"""The one factory of graders: the offline grader, or a provider's (Gemini, an
OpenAI-compatible server), which cross-checks itself with the offline one.

A grader's factory can be replaced with :func:`register_grader` (a test's fake, another
service), as :func:`mockint.runners.factory.register_runner` does for runners.
"""

from __future__ import annotations

from collections.abc import Callable

from mockint.enums import Provider
from mockint.errors import UsageError
from mockint.grading.base import Grader
from mockint.providers import resolve

#: builds one grader: (the provider's model, or None for its default) -> a grader
GraderFactory = Callable[[str | None], Grader]


def _offline(model: str | None) -> Grader:
    from mockint.grading.report import OfflineGrader  # lazy: numpy and the embedding model

    return OfflineGrader()


def _service(provider: Provider) -> GraderFactory:
    def build(model: str | None) -> Grader:
        from mockint.services import grader_for as provider_grader  # lazy: the provider's SDK

        return provider_grader(provider, model)

    return build


_FACTORIES: dict[str, GraderFactory] = {
    "offline": _offline,
    "gemini": _service(Provider.GEMINI),
    "openai": _service(Provider.OPENAI),
}
#: the graders' names, as `--grader` and messages list them
GRADERS = tuple(_FACTORIES)


def register_grader(name: str, factory: GraderFactory) -> GraderFactory:
    """Make ``factory`` build the grader called ``name`` (one of :data:`GRADERS`); returns
    the one it replaces."""
    previous = _FACTORIES[name]
    _FACTORIES[name] = factory
    return previous


def get_grader(name: str = "offline", model: str | None = None) -> Grader:
    """The grader called ``name`` (one of :data:`GRADERS`); ``model`` is the provider's.

    Raises :class:`~mockint.errors.UsageError` for an unknown name, or for Gemini without a key.
    """
    factory = _FACTORIES.get(name)
    if factory is None:
        raise UsageError(f"Unknown grader {name!r}. Choose one of: {', '.join(GRADERS)}.")
    return factory(model)


def grader_for(provider: Provider | str, model: str | None = None) -> Grader:
    """The grader ``--provider`` asks for (see :func:`mockint.providers.resolve`)."""
    return get_grader(resolve(provider).value, model)
