"""Which provider ``--provider`` means, decided in one place.

``offline`` never calls out; ``gemini`` requires a Gemini key; ``openai`` (any server speaking
OpenAI's chat-completions wire format) works with or without a key, since local servers need
none; ``auto`` means Gemini exactly when a Gemini key is configured, else offline (it never
picks a server that may not be running). The services each provider offers are built in
:mod:`mockint.services`.
"""

from __future__ import annotations

from mockint.enums import Provider
from mockint.errors import UsageError
from mockint.keys import get_key

GEMINI_KEY_NEEDED = (
    "--provider gemini needs a Gemini API key: store one with `mockint keys set gemini` "
    "or set GEMINI_API_KEY (or use --provider offline)."
)


def resolve(provider: Provider | str) -> Provider:
    """The provider that will serve: :attr:`Provider.OFFLINE`, ``GEMINI`` or ``OPENAI``.

    Raises :class:`~mockint.errors.UsageError` for an unknown name, or for Gemini without a
    key (the message says how to set one)."""
    try:
        provider = Provider(provider)
    except ValueError:
        choices = ", ".join(p.value for p in Provider)
        raise UsageError(f"Unknown provider {provider!r}; use one of: {choices}.") from None
    if provider == Provider.AUTO:
        return Provider.GEMINI if get_key("gemini") is not None else Provider.OFFLINE
    if provider == Provider.GEMINI and get_key("gemini") is None:
        raise UsageError(GEMINI_KEY_NEEDED)
    return provider
