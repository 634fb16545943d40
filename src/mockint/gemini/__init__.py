"""Gemini: the client, questions it writes, grading, and follow-up questions.

``--provider`` is resolved in one place, :func:`use_gemini`: ``offline`` never
calls out, ``gemini`` requires a key, and ``auto`` uses Gemini exactly when a key
is configured. The SDK is imported only when Gemini is used.
:func:`shutdown_notices` says, once per process, when a model about to be used is
shutting down.
"""

from __future__ import annotations

from mockint.enums import Provider
from mockint.errors import UsageError
from mockint.gemini.catalog import lifetime_notices
from mockint.gemini.client import default_model, require_key
from mockint.keys import get_key


def use_gemini(provider: Provider | str) -> bool:
    """Whether ``provider`` means Gemini. ``gemini`` without a key raises UsageError (the
    message says how to set one); ``auto`` means Gemini when a key is configured."""
    try:
        provider = Provider(provider)
    except ValueError:
        choices = ", ".join(p.value for p in Provider)
        raise UsageError(f"Unknown provider {provider!r}; use one of: {choices}.") from None
    if provider == Provider.OFFLINE:
        return False
    if provider == Provider.GEMINI:
        require_key()
        return True
    return get_key("gemini") is not None


def shutdown_notices(
    provider: Provider | str, model: str | None, purposes: tuple[str, ...] = ("questions", "report")
) -> list[str]:
    """One line per model that ``provider`` and ``model`` would use for ``purposes`` and that
    Google shuts down within ``shutdown_warning_days`` (or already did), each at most once
    per process; none when Gemini is not used. Raises like :func:`use_gemini`."""
    if not use_gemini(provider):
        return []
    return lifetime_notices([default_model(purpose, model) for purpose in purposes])
