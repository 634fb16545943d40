"""Speech to text on this machine: faster-whisper, or pocketsphinx as a zero-download fallback.

faster-whisper takes a model by name (downloaded once by the library on first
use, on a machine with internet) or a local model directory (for offline
machines). pocketsphinx ships its English model inside its package; it is used
when no Whisper model is available, and labelled as lower accuracy.

Only speech reaches an engine: faster-whisper runs its own voice activity
detection (Silero, ``vad_filter``), pocketsphinx is given the stretches
webrtcvad hears as speech (:mod:`mockint.voice.vad`). What an engine invents is
dropped: Whisper segments it marks as probably not speech, decoded with a very
low average log-probability or compressing too well (a loop); pocketsphinx's
filler tokens; and a phrase repeated back to back. The limits are in
``data/speech.toml`` under ``[guards]``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mockint.config import setting
from mockint.resources import load_toml
from mockint.voice import INSTALL, SAMPLE_RATE, VoiceError
from mockint.voice.audio import pcm16
from mockint.voice.vad import Span, speech_spans
from mockint.voice.vad import settings as vad_settings

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
    """What an engine heard: the words with their times, and the stretches of the
    recording where someone spoke (``speech``, by webrtcvad), which time the answer."""

    text: str
    words: list[Word]
    engine: str
    lower_accuracy: bool = False
    notes: list[str] = field(default_factory=list)
    speech: list[Span] = field(default_factory=list)

    @property
    def heard(self) -> bool:
        """Whether anything was said: a transcript empty or only punctuation is nothing."""
        return any(ch.isalnum() for ch in self.text)


class Engine(Protocol):
    name: str
    lower_accuracy: bool

    def transcribe(self, samples: np.ndarray, speech: list[Span] | None = None) -> Transcript:
        """The words spoken in 16 kHz mono ``samples``; ``speech`` is where voice activity
        detection heard speech in them (found here when not given)."""
        ...


@cache
def guards() -> dict[str, Any]:
    data: dict[str, Any] = load_toml("speech.toml")["guards"]
    return data


def _token(text: str) -> str:
    return re.sub(r"[^\w']", "", text.lower())


#: the longest repeated phrase looked for, in words (a loop is a sentence or two)
LONGEST_LOOP = 60


def collapse_repeats(words: list[Word]) -> list[Word]:
    """``words`` with repetition loops cut to one copy: a phrase of ``loop_phrase_words``
    words or more said twice or more back to back, or a shorter one ``loop_short_copies``
    times or more ("the the the the"). A stutter or "no, no" stays: that was said."""
    long_phrase = int(guards()["loop_phrase_words"])
    short_copies = int(guards()["loop_short_copies"])
    tokens = [_token(w.text) for w in words]
    kept: list[Word] = []
    kept_tokens: list[str] = []
    i = 0
    while i < len(words):
        skipped = False
        for n in range(min(len(kept_tokens), len(tokens) - i, LONGEST_LOOP), 0, -1):
            phrase = kept_tokens[-n:]
            if tokens[i : i + n] != phrase or not any(phrase):
                continue
            copies = 1  # the one kept; count how many more follow
            j = i
            while tokens[j : j + n] == phrase:
                copies += 1
                j += n
            earlier = kept_tokens[: len(kept_tokens) - n]
            while len(earlier) >= n and earlier[-n:] == phrase:
                copies += 1
                earlier = earlier[:-n]
            if n >= long_phrase or copies >= short_copies:
                i = j
                skipped = True
                break
        if not skipped:
            kept.append(words[i])
            kept_tokens.append(tokens[i])
            i += 1
    return kept


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


class WhisperEngine:
    name = "faster-whisper"
    lower_accuracy = False

    def __init__(self, model: str, *, local_only: bool) -> None:
        from faster_whisper import WhisperModel

        self.model_name = model
        self.model = WhisperModel(
            model, device="cpu", compute_type="int8", local_files_only=local_only
        )

    def transcribe(self, samples: np.ndarray, speech: list[Span] | None = None) -> Transcript:
        speech = speech_spans(samples) if speech is None else speech
        engine = f"{self.name} ({Path(self.model_name).name})"
        if len(samples) < SAMPLE_RATE // 10:  # too short to hold a word
            return Transcript("", [], engine, speech=speech)
        g = guards()
        segments, _info = self.model.transcribe(
            samples,
            language="en",
            word_timestamps=True,
            beam_size=5,
            vad_filter=True,  # Silero: only speech is decoded
            # a window decoded from its predecessor's text is how loops start
            condition_on_previous_text=False,
            no_speech_threshold=float(g["no_speech_prob"]),
            log_prob_threshold=float(g["low_logprob"]),
            compression_ratio_threshold=float(g["compression_ratio"]),
        )
        words = [
            Word(w.word.strip(), float(w.start), float(w.end))
            for segment in segments
            if believable(segment.no_speech_prob, segment.avg_logprob, segment.compression_ratio)
            for w in (segment.words or [])
            if w.word.strip()
        ]
        words = collapse_repeats(words)
        return Transcript(_text(words), words, engine, speech=speech)


def believable(no_speech_prob: float, avg_logprob: float, compression_ratio: float) -> bool:
    """Whether a Whisper segment is speech rather than an invention: not marked probably
    silent (a high no-speech probability with a low log-probability), not decoded with a
    very low average log-probability, not a loop (a high compression ratio)."""
    g = guards()
    silent = no_speech_prob > float(g["no_speech_prob"]) and avg_logprob < float(g["low_logprob"])
    return not (
        silent
        or avg_logprob < float(g["very_low_logprob"])
        or compression_ratio > float(g["compression_ratio"])
    )


#: pocketsphinx's tokens for what is not a word: [SPEECH], [NOISE], ++BREATH++, <sil>, <s>
FILLER = re.compile(r"^(?:\[.*\]|\+\+.*\+\+|\+.*\+|<.*>)$")


class SphinxEngine:
    name = "pocketsphinx"
    lower_accuracy = True
    #: pocketsphinx's frames per second
    FRAME_RATE = 100

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")

    def transcribe(self, samples: np.ndarray, speech: list[Span] | None = None) -> Transcript:
        """Only the stretches of speech are decoded (with ``pad_seconds`` either side; those
        less than ``join_seconds`` apart together), so silence, noise, a hum or a beep
        around them never reaches the decoder."""
        speech = speech_spans(samples) if speech is None else speech
        settings = vad_settings()
        pad, join = float(settings["pad_seconds"]), float(settings["join_seconds"])
        groups: list[list[Span]] = []
        for span in speech:
            if groups and span.start - groups[-1][-1].end < join:
                groups[-1].append(span)
            else:
                groups.append([span])
        words: list[Word] = []
        for group in groups:
            first = max(0, int((group[0].start - pad) * SAMPLE_RATE))
            last = min(len(samples), int((group[-1].end + pad) * SAMPLE_RATE))
            words += self._decode(samples[first:last], offset=first / SAMPLE_RATE)
        words = collapse_repeats(words)
        return Transcript(
            _text(words),
            words,
            f"{self.name} (lower accuracy)",
            lower_accuracy=True,
            speech=speech,
        )

    def _decode(self, samples: np.ndarray, offset: float) -> list[Word]:
        if len(samples) < SAMPLE_RATE // 10:  # too short to hold a word
            return []
        d = self.decoder
        # pocketsphinx adapts its features (the cepstral mean) to what it has heard: start each
        # stretch afresh, so a recording is transcribed the same whatever came before it
        d.reinit_feat()
        d.start_utt()
        d.process_raw(pcm16(samples), full_utt=True)
        d.end_utt()
        return [
            Word(
                seg.word.split("(")[0],
                offset + seg.start_frame / self.FRAME_RATE,
                offset + (seg.end_frame + 1) / self.FRAME_RATE,
            )
            for seg in (d.seg() or [])  # None when it decoded nothing
            if not FILLER.match(seg.word)
        ]


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
