"""The terminal side of a spoken interview: question panels, the level meter and timer,
and transcripts as they come back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from mockint.cli import console

if TYPE_CHECKING:
    from mockint.models.questions import Question
    from mockint.voice.record import Level
    from mockint.voice.runner import VoiceRunner


class VoiceDisplay:
    def __init__(self) -> None:
        self.last_draw = 0.0
        self.warned = False

    def question(self, question: Question, position: int, total: int) -> None:
        from mockint.runners.text import question_panel

        console.err.print(question_panel(question, position, total))
        self.warned = False

    def level(self, level: Level) -> None:
        from mockint.runners.text import clock

        if level.over_time and not self.warned:
            console.warn("Time allocation reached: finish your point, recording stops shortly.")
            self.warned = True
        if level.elapsed - self.last_draw < 0.1:
            return
        self.last_draw = level.elapsed
        bars = min(20, int(level.rms * 200))
        meter = "█" * bars + "·" * (20 - bars)
        state = "speaking" if level.speaking else "listening"
        console.err.print(
            Text(f"\r{clock(level.elapsed)} {meter} {state} (Enter to finish)", style="dim"),
            end="",
        )

    def transcript(self, text: str, engine: str) -> None:
        console.err.print()
        if not text:
            console.note("Nothing was heard: question skipped.")
            return
        console.err.print(Text("You said: ", style="bold") + console.user_text(text))
        console.note(f"(transcribed by {engine})")


def voice_runner(
    *,
    answers_audio: Path | None,
    stt_engine: str,
    stt_model: str | None,
    tts: bool,
    keep_audio: bool,
    silence: float,
) -> VoiceRunner:
    from mockint.paths import audio_dir
    from mockint.voice import need
    from mockint.voice.runner import AudioFiles, Microphone, VoiceRunner
    from mockint.voice.stt import get_engine
    from mockint.voice.tts import get_speaker

    need("numpy", "Voice mode")
    if stt_engine != "pocketsphinx":
        from mockint.voice.stt import resolve_model

        resolve_model(stt_model)  # a model directory that does not exist fails before anything
    display = VoiceDisplay()
    audio = AudioFiles(answers_audio) if answers_audio else Microphone(silence, display.level)

    def engine():  # type: ignore[no-untyped-def]
        with console.err.status("Loading the speech model…"):
            return get_engine(stt_engine, stt_model, note=console.note)

    def keep(session_id: str, question_id: str) -> Path:
        return audio_dir(session_id) / f"{question_id}.wav"

    return VoiceRunner(
        audio,
        engine,
        get_speaker(tts and answers_audio is None, console.note),
        keep_audio=keep if keep_audio else None,
        on_question=display.question,
        on_transcript=display.transcript,
    )
