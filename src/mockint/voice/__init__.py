"""Speaking interviews on this machine: audio in, transcripts out, delivery measured.

Everything here runs locally (no audio leaves the machine). Heavy libraries
(numpy, sounddevice, faster-whisper, pocketsphinx) are imported inside the
functions that need them; they come with ``pip install 'mockint[voice]'``.
"""

from __future__ import annotations

from mockint.errors import MockintError

#: the sample rate every engine is fed
SAMPLE_RATE = 16_000
INSTALL = "pip install 'mockint[voice]'"


class VoiceError(MockintError):
    """Something the voice mode needs is missing or unusable; the message says how to fix it."""


def need(module: str, what: str) -> None:
    """Fail with an install hint when ``module`` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise VoiceError(f"{what} needs the voice extra: {INSTALL} (or use --mode text).")
