"""Speech to text on this machine: faster-whisper, or pocketsphinx as a zero-download fallback.

faster-whisper takes a model by name (downloaded once by the library on first
use, on a machine with internet) or a local model directory (for offline
machines). pocketsphinx ships its English model inside its package; it is used
when no Whisper model is available, and labelled as lower accuracy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mockint.config import setting
from mockint.voice import INSTALL, SAMPLE_RATE, VoiceError
from mockint.voice.audio import pcm16

if TYPE_CHECKING:
    import numpy as np

MODEL_VARIABLE = "MOCKINT_STT_MODEL"
DEFAULT_MODEL = "base.en"
ENGINES = ("auto", "whisper", "pocketsphinx")


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass
class Transcript:
    text: str
    words: list[Word]
    engine: str
    lower_accuracy: bool = False
    notes: list[str] = field(default_factory=list)


class Engine(Protocol):
    name: str
    lower_accuracy: bool

    def transcribe(self, samples: np.ndarray) -> Transcript: ...


class WhisperEngine:
    name = "faster-whisper"
    lower_accuracy = False

    def __init__(self, model: str, *, local_only: bool) -> None:
        from faster_whisper import WhisperModel

        self.model_name = model
        self.model = WhisperModel(
            model, device="cpu", compute_type="int8", local_files_only=local_only
        )

    def transcribe(self, samples: np.ndarray) -> Transcript:
        segments, _info = self.model.transcribe(
            samples, language="en", word_timestamps=True, beam_size=5, vad_filter=False
        )
        words = [
            Word(w.word.strip(), float(w.start), float(w.end))
            for segment in segments
            for w in (segment.words or [])
            if w.word.strip()
        ]
        return Transcript(
            " ".join(w.text for w in words), words, f"{self.name} ({Path(self.model_name).name})"
        )


class SphinxEngine:
    name = "pocketsphinx"
    lower_accuracy = True
    #: pocketsphinx's frames per second
    FRAME_RATE = 100

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")

    def transcribe(self, samples: np.ndarray) -> Transcript:
        d = self.decoder
        d.start_utt()
        d.process_raw(pcm16(samples), full_utt=True)
        d.end_utt()
        words = [
            Word(
                seg.word.split("(")[0],
                seg.start_frame / self.FRAME_RATE,
                (seg.end_frame + 1) / self.FRAME_RATE,
            )
            for seg in d.seg()
            if seg.word not in ("<s>", "</s>", "<sil>", "[NOISE]") and not seg.word.startswith("+")
        ]
        return Transcript(
            " ".join(w.text for w in words),
            words,
            f"{self.name} (lower accuracy)",
            lower_accuracy=True,
        )


def resolve_model(model: str | None) -> tuple[str, bool]:
    """The Whisper model to use and whether it is a local directory (which must exist)."""

    name = (model or os.environ.get(MODEL_VARIABLE, "").strip() or setting("voice", "stt_model")
            or DEFAULT_MODEL)  # fmt: skip
    is_path = os.sep in name or name.startswith(".") or Path(name).expanduser().exists()
    if is_path and not Path(name).expanduser().is_dir():
        raise VoiceError(
            f"The speech model directory {name} does not exist. Give a faster-whisper model "
            "directory with --stt-model, a model name such as base.en, or --stt-engine pocketsphinx."
        )
    return (str(Path(name).expanduser()) if is_path else name), is_path


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def get_engine(engine: str = "auto", model: str | None = None, note: object = None) -> Engine:
    """The speech engine to use, with a note (through ``note(str)``) when it falls back."""
    say = note if callable(note) else (lambda message: None)
    if engine not in ENGINES:
        raise VoiceError(f"Unknown speech engine {engine!r}; use one of: {', '.join(ENGINES)}.")
    model, is_path = resolve_model(model)
    if engine in ("auto", "whisper"):
        if not _installed("faster_whisper"):
            if engine == "whisper":
                raise VoiceError(f"faster-whisper is not installed: {INSTALL}")
        else:
            try:
                return WhisperEngine(
                    str(Path(model).expanduser()) if is_path else model, local_only=is_path
                )
            except Exception as exc:  # model missing, not downloadable, or damaged
                if engine == "whisper" or is_path:
                    raise VoiceError(
                        f"Cannot load the Whisper model {model!r} ({type(exc).__name__}). Check "
                        "the name or directory, or use --stt-engine pocketsphinx."
                    ) from None
                say(f"The Whisper model {model!r} is not available ({type(exc).__name__}); "
                    "using pocketsphinx, which is less accurate.")  # fmt: skip
    if not _installed("pocketsphinx"):
        raise VoiceError(f"No speech engine is installed: {INSTALL} (or answer with --mode text).")
    return SphinxEngine()
