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

from mockint.voice import SAMPLE_RATE, VoiceError, need

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


def check_microphone() -> None:
    """Fail with a clear line when there is no PortAudio or no input device."""
    need("sounddevice", "Recording from the microphone")
    try:
        import sounddevice as sd
    except OSError:
        raise VoiceError(
            "PortAudio is not installed (sounddevice needs it): `sudo apt install libportaudio2` "
            "or `brew install portaudio`; or answer from files with --answers-audio DIR."
        ) from None
    try:
        sd.query_devices(kind="input")
    except Exception:  # PortAudioError or ValueError: no default input device
        raise VoiceError(
            "No microphone found. Connect one, or answer from recorded files with "
            "--answers-audio DIR, or type with --mode text."
        ) from None


def record(
    *,
    allocated_seconds: float,
    silence_seconds: float,
    on_level: Callable[[Level], None],
) -> np.ndarray:
    """Record until the speaker has been silent for ``silence_seconds`` after talking,
    Enter is pressed, or the allocation (plus grace) runs out."""
    import numpy as np
    import sounddevice as sd
    import webrtcvad

    vad = webrtcvad.Vad(2)
    frame = int(SAMPLE_RATE * FRAME_SECONDS)
    stop = threading.Event()

    def wait_for_enter() -> None:
        try:
            sys.stdin.readline()
        finally:
            stop.set()

    threading.Thread(target=wait_for_enter, daemon=True).start()
    chunks: list[np.ndarray] = []
    began = time.monotonic()
    heard = False
    quiet = 0.0
    with sd.InputStream(
        samplerate=SAMPLE_RATE, channels=1, dtype="float32", blocksize=frame
    ) as stream:
        while not stop.is_set():
            block, _overflowed = stream.read(frame)
            samples = block[:, 0].copy()
            chunks.append(samples)
            pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
            speaking = vad.is_speech(pcm, SAMPLE_RATE)
            heard = heard or speaking
            quiet = 0.0 if speaking else quiet + FRAME_SECONDS
            elapsed = time.monotonic() - began
            on_level(
                Level(
                    float(np.sqrt(np.mean(samples**2))),
                    elapsed,
                    speaking,
                    elapsed > allocated_seconds,
                )
            )
            if heard and quiet >= silence_seconds:
                break
            if elapsed > allocated_seconds * GRACE:
                break
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
