"""Audio as arrays: reading WAV files, resampling to 16 kHz mono, writing WAV."""

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
    """A WAV file (any rate; 8/16/24/32-bit PCM or 32/64-bit float; mono or stereo; plain
    or extensible header, as sox and ffmpeg write for deeper samples) as float32 mono at
    16 kHz, read by libsndfile (the soundfile package).

    A file longer than ``LONGEST_SECONDS`` is refused from its header, before it is read;
    the rest is read a block at a time, so memory stays near the 16 kHz result. Raises
    VoiceError (one line, what to do) for a missing, unreadable or too long file."""
    need("numpy", "Reading audio")
    need("soundfile", "Reading audio")
    import numpy as np
    import soundfile

    if not path.is_file():
        raise VoiceError(f"Audio file {path} does not exist.")
    blocks: list[np.ndarray] = []
    try:
        with soundfile.SoundFile(str(path)) as handle:
            rate, frames = handle.samplerate, handle.frames
            if frames > LONGEST_SECONDS * rate:
                raise VoiceError(
                    f"{path} is {describe(frames / rate)} long; answers of up to "
                    f"{LONGEST_SECONDS // 60} minutes are taken. Cut it to the answer, or remove "
                    "the file to skip the question."
                )
            while len(block := handle.read(BLOCK_SECONDS * rate, dtype="float32", always_2d=True)):
                blocks.append(resample(block.mean(axis=1), rate))
    except (soundfile.LibsndfileError, OSError) as exc:
        reason = _reason(getattr(exc, "error_string", None) or str(exc))
        raise VoiceError(
            f"Cannot read {path} as a PCM WAV file ({reason.rstrip('.')}). Convert it to 16-bit "
            f"PCM under its own name, for example with `sox {path.name} -b 16 -c 1 -r 16000 "
            f"{path.stem}-pcm.wav` or `ffmpeg -i {path.name} -ac 1 -ar 16000 {path.stem}-pcm.wav`"
            f", then rename it {path.name}."
        ) from None
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)


def _reason(error: str) -> str:
    """libsndfile's error text, said for a person ("Format not recognised" stays)."""
    if error.startswith("Internal error"):  # e.g. "SF_INFO struct incomplete": a sample rate of 0
        return "its header is damaged"
    if error.startswith("System error"):
        return "it cannot be opened"
    return error


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
