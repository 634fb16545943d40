"""Network providers (Gemini), each imported only when it is used.

``--provider`` is resolved in one place: ``offline`` never calls out, ``gemini``
requires a key, and ``auto`` uses Gemini exactly when a key is configured.
"""

from __future__ import annotations

from mockint.errors import UsageError

PROVIDERS = ("auto", "offline", "gemini")


def use_gemini(provider: str) -> bool:
    if provider not in PROVIDERS:
        raise UsageError(f"Unknown provider {provider!r}; use one of: {', '.join(PROVIDERS)}.")
    if provider == "offline":
        return False
    if provider == "gemini":
        from mockint.gemini.client import require_key

        require_key()
        return True
    from mockint.keys import get_key

    return get_key("gemini") is not None
