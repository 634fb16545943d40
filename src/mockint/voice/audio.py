"""Audio as arrays: reading any PCM WAV, resampling to 16 kHz mono, writing WAV."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.voice import SAMPLE_RATE, VoiceError, need

if TYPE_CHECKING:
    import numpy as np

#: RMS below this (full scale 1.0) is silence: nothing was said
SILENT_RMS = 0.003


def read_wav(path: Path) -> np.ndarray:
    """A PCM WAV file (any rate, 8/16/24/32-bit, mono or stereo) as float32 mono at 16 kHz."""
    need("numpy", "Reading audio")
    import numpy as np

    try:
        with wave.open(str(path), "rb") as handle:
            rate, channels, width = (
                handle.getframerate(),
                handle.getnchannels(),
                handle.getsampwidth(),
            )
            raw = handle.readframes(handle.getnframes())
    except FileNotFoundError:
        raise VoiceError(f"Audio file {path} does not exist.") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise VoiceError(
            f"Cannot read {path} as a PCM WAV file ({exc}). Convert it, for example with "
            f"`ffmpeg -i {path.name} -ac 1 -ar 16000 answer.wav`."
        ) from None
    if width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768
    elif width == 3:
        bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        ints = (bytes3[:, 0].astype(np.int32) | (bytes3[:, 1].astype(np.int32) << 8)
                | (bytes3[:, 2].astype(np.int32) << 16))  # fmt: skip
        ints = np.where(ints & 0x800000, ints - 0x1000000, ints)
        samples = ints.astype(np.float32) / 8388608
    elif width == 4:
        samples = np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648
    else:
        raise VoiceError(f"{path} uses {width * 8}-bit samples; save it as 16-bit PCM WAV.")
    if channels > 1:
        samples = (
            samples[: len(samples) - len(samples) % channels].reshape(-1, channels).mean(axis=1)
        )
    return resample(samples, rate)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Linear-interpolation resampling to 16 kHz (enough for speech recognition)."""
    import numpy as np

    if rate == SAMPLE_RATE or len(samples) == 0:
        return samples.astype(np.float32)
    count = round(len(samples) * SAMPLE_RATE / rate)
    positions = np.linspace(0, len(samples) - 1, count)
    resampled: np.ndarray = np.interp(positions, np.arange(len(samples)), samples)
    return resampled.astype(np.float32)


def is_silent(samples: np.ndarray) -> bool:
    import numpy as np

    return bool(len(samples) == 0 or float(np.sqrt(np.mean(np.square(samples)))) < SILENT_RMS)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16 kHz mono 16-bit PCM."""
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(pcm)


def pcm16(samples: np.ndarray) -> bytes:
    import numpy as np

    data: bytes = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    return data
