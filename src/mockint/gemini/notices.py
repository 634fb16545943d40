"""Whether ``--provider`` means Gemini, and the once-per-process notice of a model that
Google is shutting down (see ``catalog``)."""

from __future__ import annotations

from mockint.enums import Provider
from mockint.gemini.catalog import lifetime_notices
from mockint.gemini.client import default_model
from mockint.providers import resolve


def use_gemini(provider: Provider | str) -> bool:
    """Whether ``provider`` means Gemini (see :func:`mockint.providers.resolve`): ``gemini``
    without a key raises UsageError (the message says how to set one); ``auto`` means Gemini
    when a key is configured."""
    return resolve(provider) == Provider.GEMINI


def shutdown_notices(
    provider: Provider | str, model: str | None, purposes: tuple[str, ...] = ("questions", "report")
) -> list[str]:
    """One line per model that ``provider`` and ``model`` would use for ``purposes`` and that
    Google shuts down within ``shutdown_warning_days`` (or already did), each at most once
    per process; none when Gemini is not used. Raises like :func:`use_gemini`."""
    if not use_gemini(provider):
        return []
    return lifetime_notices([default_model(purpose, model) for purpose in purposes])
