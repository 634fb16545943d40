"""Where someone is speaking in a recording: voice activity detection with webrtcvad.

Used to cut what a speech engine is given down to speech (pocketsphinx is given
only these stretches) and to time an answer from voiced audio, so that silence,
room noise, a hum or a beep before or after an answer neither reaches the
recogniser nor stretches the talk time. A frame counts as speech when webrtcvad
says so and it is not a steady tone (a beep or mains hum puts nearly all its
energy in one frequency; a voice spreads it over harmonics). Short bursts (a
click, a cough) are dropped. The constants are in ``data/speech.toml`` under
``[vad]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from mockint.resources import load_toml
from mockint.voice import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

#: webrtcvad takes 10, 20 or 30 ms frames
FRAME_SECONDS = 0.03
FRAME = int(SAMPLE_RATE * FRAME_SECONDS)


@dataclass(frozen=True)
class Span:
    """A stretch of speech, in seconds from the start of the recording."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@cache
def settings() -> dict[str, Any]:
    data: dict[str, Any] = load_toml("speech.toml")["vad"]
    return data


def tonal(frames: np.ndarray) -> np.ndarray:
    """Per frame (rows of ``frames``): is nearly all its energy in one narrow band?"""
    import numpy as np

    spectrum = np.abs(np.fft.rfft(frames * np.hanning(frames.shape[1]), axis=1)) ** 2
    width = 2  # bins each side of the peak: a tone's energy leaks into its neighbours
    padded = np.pad(spectrum, ((0, 0), (width, width)))
    around = spectrum.argmax(axis=1)[:, None] + np.arange(2 * width + 1)
    band = np.take_along_axis(padded, around, axis=1).sum(axis=1)
    total = spectrum.sum(axis=1) + 1e-12
    result: np.ndarray = band / total >= float(settings()["tone_share"])
    return result


def periodic(frames: np.ndarray) -> np.ndarray:
    """Per frame: does it repeat at a voice's pitch (60-400 Hz), as vowels do and a cough,
    a click or noise do not? (normalised autocorrelation at the best pitch lag)"""
    import numpy as np

    size = frames.shape[1]
    centred = frames - frames.mean(axis=1, keepdims=True)
    power = np.abs(np.fft.rfft(centred, 2 * size, axis=1)) ** 2
    correlation = np.fft.irfft(power, axis=1)[:, :size]
    lags = correlation[:, SAMPLE_RATE // 400 : SAMPLE_RATE // 60]
    result: np.ndarray = lags.max(axis=1) / (correlation[:, 0] + 1e-12) >= float(
        settings()["pitch_correlation"]
    )
    return result


def frames_of(samples: np.ndarray) -> np.ndarray:
    """``samples`` as rows of 30 ms (a partial last frame is left out)."""
    count = len(samples) // FRAME
    return samples[: count * FRAME].reshape(count, FRAME)


def voiced_frames(samples: np.ndarray) -> np.ndarray:
    """One boolean per 30 ms frame of 16 kHz ``samples``: speech or not."""
    import numpy as np
    import webrtcvad

    frames = frames_of(samples)
    count = len(frames)
    if count == 0:
        return np.zeros(0, dtype=bool)
    pcm = (np.clip(frames, -1, 1) * 32767).astype("<i2")
    vad = webrtcvad.Vad(int(settings()["aggressiveness"]))
    speech = np.fromiter(
        (vad.is_speech(row.tobytes(), SAMPLE_RATE) for row in pcm), dtype=bool, count=count
    )
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    speech &= rms >= float(settings()["min_rms"])
    if speech.any():
        speech[speech] &= ~tonal(frames[speech])
    return speech


def speech_spans(samples: np.ndarray) -> list[Span]:
    """The stretches of ``samples`` (16 kHz mono) where someone speaks.

    Speech frames closer than ``bridge_seconds`` are joined into one stretch; a
    stretch with less than ``min_speech_seconds`` of speech frames, or less than
    ``min_pitched_seconds`` of them repeating at a voice's pitch (a click, a cough,
    a blip of noise), is dropped."""
    import numpy as np

    s = settings()
    voiced = voiced_frames(samples)
    pitched = np.zeros_like(voiced)
    if voiced.any():
        pitched[voiced] = periodic(frames_of(samples)[voiced])
    bridge = round(float(s["bridge_seconds"]) / FRAME_SECONDS)
    spans: list[Span] = []
    indices = [int(i) for i in voiced.nonzero()[0]]
    runs: list[list[int]] = []
    for index in indices:
        if runs and index - runs[-1][-1] <= bridge:
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        speech = len(run) * FRAME_SECONDS
        voice = int(pitched[run].sum()) * FRAME_SECONDS
        if speech >= float(s["min_speech_seconds"]) and voice >= float(s["min_pitched_seconds"]):
            spans.append(Span(run[0] * FRAME_SECONDS, (run[-1] + 1) * FRAME_SECONDS))
    return spans


def voiced_seconds(spans: list[Span]) -> float:
    """Seconds from the first word spoken to the end of the last."""
    return spans[-1].end - spans[0].start if spans else 0.0
