"""Session runners: how questions reach the candidate and answers come back.

Each runner implements :class:`Runner`; :func:`get_runner` is the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockint.errors import UsageError
from mockint.runners.base import Outcome, Runner

__all__ = ["MODES", "Outcome", "Runner", "get_runner"]

MODES = ("text", "scripted")


def get_runner(mode: str, *, answers: Path | None = None, **settings: Any) -> Runner:
    if mode == "scripted":
        from mockint.runners.scripted import ScriptedRunner

        if answers is None:
            raise UsageError("A scripted run needs --answers FILE.")
        return ScriptedRunner(answers)
    if mode == "text":
        from mockint.runners.text import TextRunner

        return TextRunner(**settings)
    raise UsageError(f"Unknown mode {mode!r}. Choose one of: {', '.join(MODES)}.")
