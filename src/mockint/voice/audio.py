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
#: a recording shorter than this cannot hold an answer
SHORTEST_SECONDS = 0.5
#: a recording longer than this is refused before it is read (it would fill memory)
LONGEST_SECONDS = 30 * 60
#: seconds of audio read and converted at a time
BLOCK_SECONDS = 60


def read_wav(path: Path) -> np.ndarray:
    """A PCM WAV file (any rate, 8/16/24/32-bit, mono or stereo) as float32 mono at 16 kHz.

    A file longer than ``LONGEST_SECONDS`` is refused from its header, before it is read;
    the rest is read a block at a time, so memory stays near the 16 kHz result."""
    need("numpy", "Reading audio")
    import numpy as np

    blocks: list[np.ndarray] = []
    try:
        with wave.open(str(path), "rb") as handle:
            rate, channels, width = (
                handle.getframerate(),
                handle.getnchannels(),
                handle.getsampwidth(),
            )
            if rate <= 0:
                raise wave.Error(f"sample rate {rate}")
            if handle.getnframes() > LONGEST_SECONDS * rate:
                raise VoiceError(
                    f"{path} is {describe(handle.getnframes() / rate)} long; answers of up to "
                    f"{LONGEST_SECONDS // 60} minutes are taken. Cut it to the answer, or remove "
                    "the file to skip the question."
                )
            if width not in (1, 2, 3, 4):
                raise VoiceError(f"{path} uses {width * 8}-bit samples; save it as 16-bit PCM WAV.")
            while raw := handle.readframes(BLOCK_SECONDS * rate):
                blocks.append(resample(to_mono(decode(raw, width), channels), rate))
    except FileNotFoundError:
        raise VoiceError(f"Audio file {path} does not exist.") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise VoiceError(
            f"Cannot read {path} as a PCM WAV file ({exc}). Convert it to 16-bit PCM under "
            f"its own name, for example with `sox {path.name} -b 16 -c 1 -r 16000 "
            f"{path.stem}-pcm.wav` or `ffmpeg -i {path.name} -ac 1 -ar 16000 {path.stem}-pcm.wav`"
            f", then rename it {path.name}."
        ) from None
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)


def decode(raw: bytes, width: int) -> np.ndarray:
    """PCM bytes of ``width`` bytes a sample as floats in -1..1."""
    import numpy as np

    if width == 1:
        return (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128) / 128
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768
    if width == 3:
        bytes3 = np.frombuffer(raw[: len(raw) - len(raw) % 3], dtype=np.uint8).reshape(-1, 3)
        ints = (bytes3[:, 0].astype(np.int32) | (bytes3[:, 1].astype(np.int32) << 8)
                | (bytes3[:, 2].astype(np.int32) << 16))  # fmt: skip
        ints = np.where(ints & 0x800000, ints - 0x1000000, ints)
        return ints.astype(np.float32) / 8388608
    return np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648


def to_mono(samples: np.ndarray, channels: int) -> np.ndarray:
    if channels <= 1:
        return samples
    mono: np.ndarray = (
        samples[: len(samples) - len(samples) % channels].reshape(-1, channels).mean(axis=1)
    )
    return mono


def describe(seconds: float) -> str:
    """A duration as a person says it: 50 ms, 2.5 s, 12 s, 40 min, 2 h 5 min."""
    if seconds < 1:
        ms = seconds * 1000
        return f"{ms:.2g} ms" if ms < 10 else f"{ms:.0f} ms"  # never "3e+02 ms"
    if seconds < 10:
        return f"{seconds:.1f}".removesuffix(".0") + " s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"


def load_answer(path: Path) -> np.ndarray:
    """The answer recorded in WAV file ``path``, as 16 kHz samples; raises VoiceError, saying
    what to do, when the recording is unusable: unreadable, too long, too short or silent."""
    samples = read_wav(path)
    seconds = len(samples) / SAMPLE_RATE
    if seconds < SHORTEST_SECONDS:
        raise VoiceError(
            f"{path} is {describe(seconds)} long: too short to hold an answer (at least "
            f"{SHORTEST_SECONDS:g} s). Record the answer again, or remove the file to skip "
            "the question."
        )
    if is_silent(samples):
        raise VoiceError(
            f"{path} is silent: nothing to transcribe. Record the answer again, or remove "
            "the file to skip the question."
        )
    return samples


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
    """Whether even the loudest tenth of a second of ``samples`` is below ``SILENT_RMS``
    (a short answer followed by a long quiet is not silent)."""
    import numpy as np

    size = SAMPLE_RATE // 10
    if len(samples) < size:
        return bool(len(samples) == 0 or float(np.sqrt(np.mean(np.square(samples)))) < SILENT_RMS)
    blocks = samples[: len(samples) - len(samples) % size].reshape(-1, size)
    return bool(float(np.sqrt(np.mean(np.square(blocks), axis=1)).max()) < SILENT_RMS)


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
