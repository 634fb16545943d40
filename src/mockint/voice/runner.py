"""The spoken interview: each question read aloud, the answer recorded from the microphone
(or taken from a WAV file), transcribed on this machine and stored with its delivery.

No audio leaves the machine. The runner reports through callbacks; it never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mockint.errors import UsageError
from mockint.interview.session import Interview
from mockint.models.questions import Question
from mockint.runners.base import Outcome
from mockint.voice import VoiceError

if TYPE_CHECKING:
    import numpy as np

    from mockint.voice.record import Level
    from mockint.voice.stt import Engine
    from mockint.voice.tts import Speaker


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
        from mockint.voice.audio import is_silent, read_wav

        path = self.path_for(question, position)
        if path is None:
            return None
        samples = read_wav(path)
        if is_silent(samples):
            raise VoiceError(
                f"{path} is silent: nothing to transcribe. Record the answer again, or remove "
                "the file to skip the question."
            )
        return samples


class Microphone:
    def __init__(self, silence_seconds: float, on_level: Callable[[Level], None]) -> None:
        from mockint.voice.record import check_microphone

        check_microphone()
        self.silence_seconds, self.on_level = silence_seconds, on_level

    def answer(self, question: Question, position: int) -> np.ndarray | None:
        from mockint.voice.audio import is_silent
        from mockint.voice.record import record

        samples = record(
            allocated_seconds=question.time_minutes * 60,
            silence_seconds=self.silence_seconds,
            on_level=self.on_level,
        )
        return None if is_silent(samples) else samples


class VoiceRunner:
    name = "voice"

    def __init__(
        self,
        audio: AnswerAudio,
        engine: Callable[[], Engine],
        speaker: Speaker,
        *,
        keep_audio: Callable[[str, str], Path] | None,
        on_question: Callable[[Question, int, int], None] = lambda q, i, n: None,
        on_transcript: Callable[[str, str], None] = lambda text, engine: None,
    ) -> None:
        self.audio, self.make_engine, self.speaker = audio, engine, speaker
        self.keep_audio = keep_audio
        self.on_question, self.on_transcript = on_question, on_transcript
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self.make_engine()
        return self._engine

    def run(self, interview: Interview) -> Outcome:
        from mockint.voice.audio import write_wav
        from mockint.voice.delivery import measure, normalise

        engine = self.engine()  # fail before the first question if no engine can run
        total = len(interview.items)
        for item in interview.pending():
            question = item.question
            position = interview.position(question.id)
            interview.ask(question)
            self.on_question(question, position, total)
            self.speaker.say(question.text)
            began = time.monotonic()
            samples = self.audio.answer(question, position)
            if samples is None:
                interview.skip(question.id)
                continue
            transcript = engine.transcribe(samples)
            text = normalise(transcript.text).strip()
            if not text:
                interview.skip(question.id)
                self.on_transcript("", transcript.engine)
                continue
            saved = None
            if self.keep_audio is not None:
                saved = self.keep_audio(interview.session.id, question.id)
                write_wav(saved, samples)
            delivery = measure(transcript.words, allocated_seconds=question.time_minutes * 60)
            interview.answer(
                question.id,
                text,
                seconds=round(time.monotonic() - began, 1),
                engine=transcript.engine,
                lower_accuracy=transcript.lower_accuracy or None,
                delivery=delivery.dump(),
                audio=str(saved) if saved else None,
            )
            self.on_transcript(text, transcript.engine)
        return Outcome.COMPLETED
