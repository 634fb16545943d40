"""Recording an answer from the microphone: a level meter and timer, voice activity
detection to notice the end of the answer, Enter to stop, and the time allocation
enforced gently (a warning when it is reached, a stop a little after)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockint.voice import SAMPLE_RATE, need
from mockint.voice.devices import Device, Resampler, choose, stream_rate

if TYPE_CHECKING:
    import numpy as np

FRAME_SECONDS = 0.03
#: recording stops this much after the time allocation, with a warning at the allocation
GRACE = 1.25


@dataclass(frozen=True)
class Level:
    rms: float
    elapsed: float
    speaking: bool
    over_time: bool


def check_microphone(device: str | None = None) -> Device:
    """The microphone ``device`` names (the system's default when None; see
    :func:`mockint.voice.devices.choose`), checked before any session exists. Raises
    VoiceError when sounddevice, PortAudio or any microphone is missing, UsageError when
    ``device`` names no microphone or several."""
    need("sounddevice", "Recording from the microphone")
    return choose(device, "input")


def record(
    *,
    allocated_seconds: float,
    silence_seconds: float,
    on_level: Callable[[Level], None],
    device: Device | None = None,
) -> np.ndarray:
    """Record from ``device`` (None: the system's default microphone) until the speaker has
    been silent for ``silence_seconds`` after talking, Enter is pressed, or the allocation
    (plus grace) runs out. Returns float32 samples (-1 to 1) at 16 kHz, whatever rate the
    device was opened at."""
    import numpy as np
    import sounddevice as sd
    import webrtcvad

    microphone = device or choose(None, "input")
    rate = stream_rate(microphone, "input")
    to_engine_rate = Resampler(rate, SAMPLE_RATE, dtype="float32")
    vad = webrtcvad.Vad(2)
    frame = int(SAMPLE_RATE * FRAME_SECONDS)
    block_size = round(rate * FRAME_SECONDS)
    stop = threading.Event()

    def wait_for_enter() -> None:
        try:
            sys.stdin.readline()
        finally:
            stop.set()

    threading.Thread(target=wait_for_enter, daemon=True).start()
    chunks: list[np.ndarray] = []
    pending = np.zeros(0, dtype=np.float32)
    began = time.monotonic()
    heard = False
    quiet = 0.0

    def listen(samples: np.ndarray) -> bool:
        """Take one frame at 16 kHz; True when recording should stop."""
        nonlocal heard, quiet
        chunks.append(samples)
        pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
        speaking = vad.is_speech(pcm, SAMPLE_RATE)
        heard = heard or speaking
        quiet = 0.0 if speaking else quiet + FRAME_SECONDS
        elapsed = time.monotonic() - began
        rms = float(np.sqrt(np.mean(samples**2)))
        on_level(Level(rms, elapsed, speaking, elapsed > allocated_seconds))
        return (heard and quiet >= silence_seconds) or elapsed > allocated_seconds * GRACE

    with sd.InputStream(
        device=microphone.index,
        samplerate=rate,
        channels=1,
        dtype="float32",
        blocksize=block_size,
    ) as stream:
        done = False
        while not done and not stop.is_set():
            block, _overflowed = stream.read(block_size)
            pending = np.concatenate([pending, to_engine_rate(block[:, 0])])
            while not done and len(pending) >= frame:
                done = listen(pending[:frame].copy())
                pending = pending[frame:]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
