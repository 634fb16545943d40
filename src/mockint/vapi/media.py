"""Audio for a call held in the terminal: where the candidate's frames come from (the
microphone, or WAV answers for a scripted call) and where the interviewer's go (the
speakers, or a WAV file).

Every frame is raw PCM as Vapi's WebSocket transport takes it with ``pcm_s16le`` /
``raw`` / 16 kHz: 16-bit signed little-endian mono, 20 ms long (320 samples, 640
bytes). Sources pace themselves: :meth:`AudioSource.read` returns when the next frame
is due, so the caller sends one frame every 20 ms.
"""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mockint.enums import Duplex
from mockint.errors import UsageError
from mockint.models.questions import Question
from mockint.voice import SAMPLE_RATE, VoiceError
from mockint.voice.audio import SHORTEST_SECONDS, describe, is_silent, read_wav
from mockint.voice.devices import Resampler, choose, stream_rate
from mockint.voice.runner import AudioFiles

if TYPE_CHECKING:
    import numpy as np

#: seconds of audio in a frame
FRAME_SECONDS = 0.02
FRAME_SAMPLES = int(SAMPLE_RATE * FRAME_SECONDS)
FRAME_BYTES = FRAME_SAMPLES * 2
SILENCE = bytes(FRAME_BYTES)
#: a paced source this far behind its schedule (seconds) starts a new one instead of
#: sending the frames it missed in a burst
RESYNC_SECONDS = 0.2


@dataclass(frozen=True)
class TerminalAudio:
    """How a call held in the terminal sounds: the candidate's audio from the microphone
    (``input_device``) or from WAV answers (``answers_audio``), the interviewer's played
    (``output_device``) or, without ``playback``, written to the session's audio folder;
    ``duplex``: whether the microphone stays open while the interviewer speaks;
    ``keep_audio``: the candidate's side of the call is kept there too."""

    duplex: Duplex = Duplex.HALF
    playback: bool = True
    answers_audio: Path | None = None
    input_device: str | None = None
    output_device: str | None = None
    keep_audio: bool = True


class AudioSource(Protocol):
    """The candidate's side of the call: 20 ms frames, one per :meth:`read`."""

    def read(self, hold: bool = False) -> bytes:
        """The next frame (``FRAME_BYTES`` of PCM), returned when it is due (real time).
        ``hold``: the microphone is muted (half duplex) and the frame will not be sent: a
        scripted answer keeps its place; a microphone's frame is read and dropped."""
        ...

    def cue(self, position: int) -> None:
        """The interviewer has finished asking question ``position`` (1-based): a scripted
        source starts that question's answer; a microphone has nothing to do."""
        ...

    @property
    def playing(self) -> bool:
        """Whether a scripted answer is being streamed (always False for a microphone)."""
        ...

    def close(self) -> None:
        """Stop reading (the device is released); idempotent."""
        ...


class AudioSink(Protocol):
    """The interviewer's side of the call: where its audio frames go."""

    #: where the audio goes, for the candidate ("speakers (name)", a file's path)
    where: str

    def write(self, pcm: bytes) -> None:
        """Take some PCM: bytes of 16 kHz mono int16 little-endian samples (a whole number
        of them); never blocks for long. Raises OSError (or the device's error) when the
        audio cannot be played or kept."""
        ...

    def pending(self) -> float:
        """Seconds of audio written but not yet heard (0 for a file)."""
        ...

    def clear(self) -> None:
        """Drop the audio not yet heard (the candidate spoke over the interviewer)."""
        ...

    def close(self) -> None:
        """Finish (a file is completed, a device released); writes after it are ignored."""
        ...


class FrameClock:
    """When each frame of a paced source is due: every ``FRAME_SECONDS`` from the first,
    on the monotonic clock (no drift however long the call). A consumer more than
    ``RESYNC_SECONDS`` late (the process was stopped) starts a new schedule."""

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.monotonic, self.sleep = monotonic, sleep
        self.start: float | None = None
        self.count = 0

    def wait(self) -> None:
        """Return when the next frame is due."""
        now = self.monotonic()
        if self.start is None:
            self.start = now
        due = self.start + self.count * FRAME_SECONDS
        if now - due > RESYNC_SECONDS:
            self.start, self.count, due = now, 0, now
        elif due > now:
            self.sleep(due - now)
        self.count += 1


def to_pcm(samples: np.ndarray) -> bytes:
    """Float samples in -1..1 as 16-bit little-endian PCM bytes."""
    import numpy as np

    data: bytes = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    return data


def rms(frame: bytes) -> float:
    """The RMS level of PCM ``frame`` (full scale 1.0)."""
    import numpy as np

    if len(frame) < 2:
        return 0.0
    samples = np.frombuffer(frame[: len(frame) - len(frame) % 2], dtype="<i2").astype(np.float32)
    return float(np.sqrt(np.mean(np.square(samples))) / 32768)


class WavAnswers:
    """Scripted answers: the WAV file of each question (any PCM WAV, converted to 16 kHz
    mono), streamed in real time from the moment it is cued; silence otherwise.

    ``answers``: for each question in order (position 1 first), its 16 kHz float
    samples (-1..1), as :func:`spoken_answer` reads them.
    """

    def __init__(self, answers: Sequence[np.ndarray], clock: FrameClock | None = None) -> None:
        self.answers = [to_pcm(a) for a in answers]
        self.clock = clock or FrameClock()
        self._current = b""
        self._offset = 0
        self._lock = threading.Lock()

    def cue(self, position: int) -> None:
        if not 1 <= position <= len(self.answers):
            return
        with self._lock:
            self._current, self._offset = self.answers[position - 1], 0

    @property
    def playing(self) -> bool:
        with self._lock:
            return self._offset < len(self._current)

    def read(self, hold: bool = False) -> bytes:
        self.clock.wait()
        if hold:
            return SILENCE  # muted: the answer waits where it was
        with self._lock:
            frame = self._current[self._offset : self._offset + FRAME_BYTES]
            self._offset += FRAME_BYTES
        return frame + SILENCE[len(frame) :]

    def close(self) -> None:
        pass


class WavSink:
    """The interviewer's audio written to a WAV file (16 kHz mono 16-bit), created at the
    first write; nothing waits to be heard."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self._handle: wave.Wave_write | None = None
        self._lock = threading.Lock()
        self._closed = False

    def write(self, pcm: bytes) -> None:
        with self._lock:
            if self._closed:
                return  # a late frame must not reopen (and truncate) the finished file
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = wave.open(str(self.path), "wb")  # noqa: SIM115 (open across writes)
                self._handle.setnchannels(1)
                self._handle.setsampwidth(2)
                self._handle.setframerate(SAMPLE_RATE)
            self._handle.writeframes(pcm[: len(pcm) - len(pcm) % 2])

    def pending(self) -> float:
        return 0.0

    def clear(self) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def open_source(audio: TerminalAudio, questions: list[Question]) -> AudioSource:
    """The candidate's audio for a call asking ``questions``: their WAV answers (read and
    checked now, before any call is made) or the microphone (VoiceError when there is
    none). A call cannot skip a question (the interviewer waits for an answer), so every
    question needs a file: UsageError naming the ones missing; VoiceError for a file that
    cannot be read, holds no sound, or is too short or too long."""
    if audio.answers_audio is not None:
        files = AudioFiles(audio.answers_audio)
        paths = [files.path_for(q, position) for position, q in enumerate(questions, 1)]
        missing = [f"{q.id}.wav or {n:02d}.wav" for n, (q, p) in
                   enumerate(zip(questions, paths, strict=True), 1) if p is None]  # fmt: skip
        if missing:
            raise UsageError(
                f"--answers-audio {audio.answers_audio} has no answer for {len(missing)} of the "
                f"{len(questions)} questions ({'; '.join(missing[:3])}"
                f"{'...' if len(missing) > 3 else ''}): a call cannot skip a question, so "
                "record one for each."
            )
        return WavAnswers(
            [spoken_answer(p) for p in paths if p is not None]
        )  # (none is missing by now)
    return Microphone(audio.input_device)


def spoken_answer(path: Path) -> np.ndarray:
    """The answer in WAV file ``path`` as 16 kHz samples, to stream into a call; VoiceError
    saying what to do when the interviewer would hear nothing (silent, under half a
    second) or the file cannot be used (unreadable, longer than 30 minutes)."""
    samples = read_wav(path)
    seconds = len(samples) / SAMPLE_RATE
    if seconds < SHORTEST_SECONDS or is_silent(samples):
        what = "silent" if seconds >= SHORTEST_SECONDS else f"{describe(seconds)} long"
        raise VoiceError(
            f"{path} is {what}: the interviewer would hear no answer. Record the answer again."
        )
    return samples


def open_sink(audio: TerminalAudio, path: Path) -> AudioSink:
    """Where the interviewer's audio goes: the speakers (``audio.output_device``), or WAV
    file ``path`` without playback or when there is no output device and none was named.
    VoiceError when a named output device cannot be opened."""
    if audio.playback:
        try:
            return Speakers(audio.output_device)
        except VoiceError:
            if audio.output_device is not None:
                raise
    return WavSink(path)


def _resampled(resampler: Resampler | None, pcm: bytes) -> bytes:
    """16-bit PCM through ``resampler`` (None: as it is)."""
    if resampler is None:
        return pcm
    import numpy as np

    out: bytes = resampler(np.frombuffer(pcm, dtype="<i2")).astype("<i2").tobytes()
    return out


class Microphone:
    """The candidate's microphone (``device``: a name, part of one, or an index; None for
    the default), read one 20 ms frame at a time: PortAudio paces the reads. A device
    that cannot record at 16 kHz records at its own rate, resampled here. VoiceError when
    there is no input device (or PortAudio), UsageError for a device spec that names none."""

    def __init__(self, device: str | None) -> None:
        chosen = choose(device, "input")  # VoiceError without PortAudio or a device

        import sounddevice as sd

        self.rate = stream_rate(chosen, "input")
        self.block = round(self.rate * FRAME_SECONDS)
        self._resampler = Resampler(self.rate, SAMPLE_RATE) if self.rate != SAMPLE_RATE else None
        self._pending = bytearray()
        self._stream = sd.RawInputStream(
            samplerate=self.rate, channels=1, dtype="int16", device=chosen.index,
            blocksize=self.block,
        )  # fmt: skip
        self._started = False

    def read(self, hold: bool = False) -> bytes:
        if not self._started:  # started at the first read, not seconds before the call
            self._stream.start()
            self._started = True
        while len(self._pending) < FRAME_BYTES:
            data, _overflowed = self._stream.read(self.block)
            pcm = bytes(data)
            self._pending += _resampled(self._resampler, pcm)
        frame = bytes(self._pending[:FRAME_BYTES])
        del self._pending[:FRAME_BYTES]
        return frame

    def cue(self, position: int) -> None:
        pass

    @property
    def playing(self) -> bool:
        return False

    def close(self) -> None:
        if self._started:
            self._stream.stop()
        self._stream.close()


class Speakers:
    """The interviewer played on an output device (``device`` as for
    :class:`Microphone`): frames queue here and PortAudio's callback takes them, so
    :meth:`write` never waits. :meth:`pending` is how much is still queued (the
    interviewer is still audible); :meth:`clear` drops it (the candidate spoke over the
    interviewer). VoiceError when there is no output device."""

    def __init__(self, device: str | None) -> None:
        chosen = choose(device, "output")  # VoiceError without PortAudio or a device

        import sounddevice as sd

        self.where = f"{chosen.name} (device {chosen.index})"
        self.rate = stream_rate(chosen, "output")
        self._resampler = Resampler(SAMPLE_RATE, self.rate) if self.rate != SAMPLE_RATE else None
        self._queue = bytearray()
        self._lock = threading.Lock()
        self._stream = sd.RawOutputStream(
            samplerate=self.rate, channels=1, dtype="int16", device=chosen.index,
            blocksize=round(self.rate * FRAME_SECONDS), callback=self._play,
        )  # fmt: skip
        self._stream.start()

    def _play(self, out: Any, frames: int, _time: object, _status: object) -> None:
        """PortAudio's callback: fill ``out`` (a writable buffer of ``frames`` int16
        samples) from the queue, silence past its end."""
        wanted = frames * 2
        with self._lock:
            chunk = bytes(self._queue[:wanted])
            del self._queue[:wanted]
        out[:] = chunk.ljust(wanted, b"\0")

    def write(self, pcm: bytes) -> None:
        data = _resampled(self._resampler, pcm)
        with self._lock:
            self._queue += data

    def pending(self) -> float:
        with self._lock:
            return len(self._queue) / 2 / float(self.rate)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def close(self) -> None:
        with self._lock:
            self._queue.clear()
        self._stream.stop()
        self._stream.close()
