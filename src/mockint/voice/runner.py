"""The spoken interview: each question read aloud, the answer recorded from the microphone
(or taken from a WAV file), transcribed on this machine and stored with its delivery.

No audio leaves the machine. The runner talks through a Display; it never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mockint.enums import SkipReason, SttEngine
from mockint.errors import UsageError
from mockint.interview.session import Interview
from mockint.models.questions import Question
from mockint.paths import audio_dir
from mockint.runners.base import Display, Outcome, Progress, RunnerSettings, Tone
from mockint.voice import need
from mockint.voice.audio import load_answer, write_wav
from mockint.voice.delivery import measure, normalise
from mockint.voice.record import check_microphone, record
from mockint.voice.stt import Engine, get_engine, resolve_model
from mockint.voice.tts import Speaker, get_speaker

if TYPE_CHECKING:
    import numpy as np

    from mockint.voice.record import Level


class AnswerAudio(Protocol):
    """Where each answer's audio comes from; None means the question was skipped."""

    def answer(self, question: Question, position: int) -> np.ndarray | None: ...


class AudioFiles:
    """``DIR/<question id>.wav``, else ``DIR/01.wav``, ``02.wav``... in question order."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise UsageError(f"--answers-audio {directory} is not a directory of WAV files.")
        if not any(directory.glob("*.wav")):
            raise UsageError(
                f"--answers-audio {directory} holds no .wav files: name them <question id>.wav "
                "or 01.wav, 02.wav... in question order."
            )
        self.directory = directory

    def path_for(self, question: Question, position: int) -> Path | None:
        for name in (f"{question.id}.wav", f"{position:02d}.wav"):
            if (self.directory / name).is_file():
                return self.directory / name
        return None

    def answer(self, question: Question, position: int) -> np.ndarray | None:

        path = self.path_for(question, position)
        return None if path is None else load_answer(path)


class Microphone:
    """Answers recorded from ``device`` (a name or index, see ``mockint devices``; None:
    the system's default microphone) until ``silence_seconds`` of silence after speech
    (voice activity detection), Enter, or the time allocation plus a grace period; the
    level and timer go to ``display`` as it records."""

    def __init__(self, silence_seconds: float, display: Display, device: str | None = None) -> None:
        self.device = check_microphone(device)
        self.silence_seconds, self.display = silence_seconds, display
        self.warned = False

    def _level(self, level: Level) -> None:
        if level.over_time and not self.warned:
            self.display.say(
                "Time allocation reached: finish your point, recording stops shortly.",
                Tone.WARNING,
            )
            self.warned = True
        self.display.progress(Progress(level.elapsed, level=level.rms, speaking=level.speaking))

    def answer(self, question: Question, position: int) -> np.ndarray | None:
        self.warned = False
        samples = record(
            allocated_seconds=question.time_minutes * 60,
            silence_seconds=self.silence_seconds,
            on_level=self._level,
            device=self.device,
        )
        return samples if len(samples) else None


class VoiceRunner:
    name = "voice"

    def __init__(
        self,
        audio: AnswerAudio,
        engine: Callable[[], Engine],
        speaker: Speaker,
        display: Display,
        *,
        keep_audio: Callable[[str, str], Path] | None,
    ) -> None:
        self.audio, self.make_engine, self.speaker = audio, engine, speaker
        self.display = display
        self.keep_audio = keep_audio
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self.make_engine()
        return self._engine

    def run(self, interview: Interview) -> Outcome:

        engine = self.engine()  # fail before the first question if no engine can run
        total = len(interview.items)
        for item in interview.pending():
            question = item.question
            position = interview.position(question.id)
            interview.ask(question)
            self.display.question(question, position, total)
            self.speaker.say(question.text)
            began = time.monotonic()
            samples = self.audio.answer(question, position)
            if samples is None:
                interview.skip(question.id, reason=SkipReason.NO_RECORDING)
                self.display.say("No recording for this question: skipped.", Tone.NOTICE)
                continue
            transcript = engine.transcribe(samples)
            text = normalise(transcript.text).strip()
            if not transcript.heard:
                interview.skip(question.id, reason=SkipReason.NOTHING_HEARD)
                self.display.idle()
                self.display.say("Nothing was heard: question skipped.", Tone.NOTICE)
                continue
            saved = None
            if self.keep_audio is not None:
                saved = self.keep_audio(interview.session.id, question.id)
                write_wav(saved, samples)
            delivery = measure(
                transcript.words,
                allocated_seconds=question.time_minutes * 60,
                speech=transcript.speech,
            )
            interview.answer(
                question.id,
                text,
                seconds=round(time.monotonic() - began, 1),
                engine=transcript.engine,
                lower_accuracy=transcript.lower_accuracy or None,
                delivery=delivery.dump(),
                audio=str(saved) if saved else None,
            )
            self.display.idle()
            self.display.say(text, Tone.HEARD)
            self.display.say(f"(transcribed by {transcript.engine})")
        return Outcome.COMPLETED


def build(settings: RunnerSettings, display: Display) -> VoiceRunner:
    """The voice runner for ``settings``: answers from ``settings.answers_audio`` or the
    microphone, transcribed by ``settings.stt_engine``, questions read aloud unless
    ``settings.tts`` is off (or answers come from files), recordings kept under the
    data directory unless ``settings.keep_audio`` is off. Raises VoiceError when a
    library, the microphone or the speech model is missing, UsageError when
    ``settings.input_device`` names no microphone or several, before any session exists."""
    need("numpy", "Voice mode")
    if settings.stt_engine != SttEngine.POCKETSPHINX:
        resolve_model(settings.stt_model)  # a model directory that does not exist fails now
    audio: AnswerAudio = (
        AudioFiles(settings.answers_audio)
        if settings.answers_audio
        else Microphone(settings.silence, display, settings.input_device)
    )
    if settings.output_device is not None:
        # questions are read by espeak-ng or pyttsx3, which play through the system's default
        display.say(
            "--output-device is not used by --mode voice: questions are read aloud through "
            "the system's default output.",
            Tone.NOTICE,
        )

    def engine() -> Engine:
        with display.busy("Loading the speech model…"):
            return get_engine(settings.stt_engine, settings.stt_model, note=display.say)

    def keep(session_id: str, question_id: str) -> Path:
        return audio_dir(session_id) / f"{question_id}.wav"

    return VoiceRunner(
        audio,
        engine,
        get_speaker(settings.tts and settings.answers_audio is None, display.say),
        display,
        keep_audio=keep if settings.keep_audio else None,
    )
