"""Choosing the runner for ``start`` and ``retry`` from the options given, with their checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.errors import UsageError

if TYPE_CHECKING:
    from mockint.gemini.followups import FollowUpWriter
    from mockint.runners import Runner


@dataclass(frozen=True)
class RunnerChoice:
    mode: str = "text"
    answers: Path | None = None
    provider: str = "auto"
    model: str | None = None
    answers_audio: Path | None = None
    stt_engine: str = "auto"
    stt_model: str | None = None
    tts: bool = True
    keep_audio: bool = True
    silence: float = 2.0
    phone: str | None = None
    no_browser: bool = False
    timeout: float | None = None


def choose_runner(choice: RunnerChoice) -> Runner:
    """The runner for ``choice``; inputs it needs (answers files) are read now, before any
    session is created, so bad input leaves nothing behind."""
    if choice.answers_audio is not None and choice.mode != "voice":
        raise UsageError("--answers-audio needs --mode voice.")
    if choice.phone is not None and choice.mode != "vapi":
        raise UsageError("--phone needs --mode vapi.")
    if choice.answers is not None and choice.mode != "text":
        raise UsageError(f"--answers is for text interviews; drop it or --mode {choice.mode}.")
    if choice.mode == "voice":
        from mockint.cli.voice import voice_runner

        return voice_runner(
            answers_audio=choice.answers_audio,
            stt_engine=choice.stt_engine,
            stt_model=choice.stt_model,
            tts=choice.tts,
            keep_audio=choice.keep_audio,
            silence=choice.silence,
        )
    if choice.mode == "vapi":
        from mockint.cli.call import vapi_runner

        return vapi_runner(phone=choice.phone, no_browser=choice.no_browser, timeout=choice.timeout)
    from mockint.runners import get_runner

    if choice.answers:
        return get_runner("scripted", answers=choice.answers)
    return get_runner("text", follow_ups=follow_up_writer(choice.provider, choice.model))


def follow_up_writer(provider: str, model: str | None) -> FollowUpWriter | None:
    """Gemini's follow-ups when Gemini is in use; none offline."""
    from mockint.gemini import use_gemini

    if not use_gemini(provider):
        return None
    from mockint.gemini.client import GeminiClient, require_key
    from mockint.gemini.followups import GeminiFollowUps

    return GeminiFollowUps(GeminiClient(require_key()), model)
