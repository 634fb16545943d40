"""Sound devices: the microphones and speakers PortAudio sees, one chosen by name or index,
the sample rate to open it at, and audio resampled between that rate and the 16 kHz the
speech engines and Vapi's transport use.

sounddevice (and through it PortAudio) is imported only when a function here runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mockint.errors import UsageError
from mockint.voice import SAMPLE_RATE, VoiceError, need

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np

Kind = Literal["input", "output"]

#: how many devices an error about a name lists before "and N more"
SHOWN_CANDIDATES = 5
OPTION = {"input": "--input-device", "output": "--output-device"}
NOUN = {"input": "microphone", "output": "speaker"}
NONE_FOUND = {
    "input": "No microphone found. Connect one, or answer from recorded files with "
    "--answers-audio DIR, or type with --mode text.",
    "output": "No speakers or headphones found. Connect some, or play nothing with --no-playback.",
}
PORTAUDIO_MISSING = (
    "PortAudio is not installed (sounddevice needs it): `sudo apt install libportaudio2` "
    "or `brew install portaudio`; or answer from files with --answers-audio DIR."
)


@dataclass(frozen=True)
class Device:
    """A sound device as PortAudio reports it. ``index`` is what ``--input-device`` and
    ``--output-device`` take (it can change when devices are plugged in or out);
    ``default_rate`` is in Hz."""

    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    default_rate: int
    default_input: bool = False
    default_output: bool = False

    def channels(self, kind: Kind) -> int:
        """How many channels the device has for ``kind`` (0: it cannot do that kind)."""
        return self.input_channels if kind == "input" else self.output_channels

    def is_default(self, kind: Kind) -> bool:
        return self.default_input if kind == "input" else self.default_output

    def dump(self) -> dict[str, Any]:
        """The device as ``mockint devices --json`` shows it (a contract: add, never rename)."""
        return {
            "index": self.index,
            "name": self.name,
            "hostApi": self.host_api,
            "inputChannels": self.input_channels,
            "outputChannels": self.output_channels,
            "defaultRate": self.default_rate,
            "defaultInput": self.default_input,
            "defaultOutput": self.default_output,
        }


def sounddevice() -> ModuleType:
    """The ``sounddevice`` module. Raises VoiceError when the voice extra or the PortAudio
    library is missing (sounddevice raises OSError on import without PortAudio)."""
    need("sounddevice", "Listing and opening sound devices")
    try:
        import sounddevice as sd
    except OSError:
        raise VoiceError(PORTAUDIO_MISSING) from None
    module: ModuleType = sd
    return module


def list_devices() -> list[Device]:
    """Every device PortAudio sees, in index order; an empty list when there is none (no
    sound card). Raises VoiceError when sounddevice or PortAudio is missing."""
    sd = sounddevice()
    host_apis = [api["name"] for api in sd.query_hostapis()]
    pair = sd.default.device
    default_input, default_output = pair[0], pair[1]  # -1: none
    return [
        Device(
            index=info["index"],
            name=info["name"],
            host_api=host_apis[info["hostapi"]],
            input_channels=info["max_input_channels"],
            output_channels=info["max_output_channels"],
            default_rate=int(info["default_samplerate"]),
            default_input=info["index"] == default_input,
            default_output=info["index"] == default_output,
        )
        for info in sd.query_devices()
    ]


def choose(spec: str | None, kind: Kind) -> Device:
    """The device of ``kind`` that ``spec`` names: None for the system's default, digits for
    an index, else a case-insensitive part of its name that only one device of ``kind`` has
    (a whole name, matched exactly, wins over names that contain it).

    Raises VoiceError when there is no device of ``kind`` at all, no default one (``spec``
    None) or no PortAudio; UsageError when ``spec`` names no device of ``kind``, or several.
    """
    every = list_devices()
    usable = [device for device in every if device.channels(kind) > 0]
    option, noun = OPTION[kind], NOUN[kind]
    if not usable:
        raise VoiceError(NONE_FOUND[kind])
    if spec is None:
        default = next((device for device in usable if device.is_default(kind)), None)
        if default is None:
            raise VoiceError(
                f"No default {noun} is set: choose one with {option} NAME or INDEX "
                "(`mockint devices` lists them)."
            )
        return default
    wanted = spec.strip()
    if wanted.isdigit():
        return _by_index(every, int(wanted), kind)
    folded = wanted.casefold()
    exact = [device for device in usable if device.name.casefold() == folded]
    matches = exact or [device for device in usable if folded and folded in device.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(
            f"{option} {spec!r} names no {noun}; {noun}s here: {_candidates(usable)} "
            "(`mockint devices` lists them)."
        )
    raise UsageError(
        f"{option} {spec!r} matches {len(matches)} {noun}s: {_candidates(matches)}; give more "
        "of the name, or the index (`mockint devices` lists them)."
    )


def _by_index(devices: list[Device], index: int, kind: Kind) -> Device:
    option = OPTION[kind]
    device = next((device for device in devices if device.index == index), None)
    if device is None:
        raise UsageError(
            f"{option} {index}: there is no device {index} (`mockint devices` lists them)."
        )
    if device.channels(kind) < 1:
        raise UsageError(
            f"{option} {index}: {device.name!r} has no {kind} channels; choose a {NOUN[kind]} "
            "from `mockint devices`."
        )
    return device


def _candidates(devices: list[Device]) -> str:
    shown = ", ".join(
        f"{device.index} {device.name!r} ({device.host_api})"
        for device in devices[:SHOWN_CANDIDATES]
    )
    more = len(devices) - SHOWN_CANDIDATES
    return f"{shown} and {more} more" if more > 0 else shown


def stream_rate(device: Device, kind: Kind) -> int:
    """The sample rate in Hz to open ``device`` at for ``kind``: 16000 when it accepts 16 kHz
    mono 16-bit audio, else its default rate (then resample with :class:`Resampler`).
    Raises VoiceError when sounddevice or PortAudio is missing."""
    sd = sounddevice()
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    try:
        check(device=device.index, samplerate=SAMPLE_RATE, channels=1, dtype="int16")
    except Exception:  # PortAudioError or ValueError: the device refuses these settings
        return device.default_rate
    return SAMPLE_RATE


class Resampler:
    """Mono audio streamed from ``from_rate`` to ``to_rate`` (Hz), a block at a time, with
    no click at block edges: the filter's state carries from one block to the next (soxr's
    streaming resampler). Blocks are 1-D arrays of ``dtype``, ``int16`` (PCM) or
    ``float32`` (-1 to 1); the output may lag the input by a few milliseconds, which
    :meth:`flush` returns at the end of the stream. Equal rates pass blocks through.

    Raises VoiceError when soxr (in the voice extra) is missing, ValueError for a rate that
    is not positive or a dtype other than these two.
    """

    def __init__(self, from_rate: int, to_rate: int = SAMPLE_RATE, dtype: str = "int16") -> None:
        if from_rate <= 0 or to_rate <= 0:
            raise ValueError(f"sample rates must be positive, not {from_rate} and {to_rate}")
        if dtype not in ("int16", "float32"):
            raise ValueError(f"dtype must be int16 or float32, not {dtype}")
        self.from_rate, self.to_rate, self.dtype = from_rate, to_rate, dtype
        self._stream: Any = None
        if from_rate != to_rate:
            need("soxr", "Resampling audio")
            import soxr

            self._stream = soxr.ResampleStream(from_rate, to_rate, 1, dtype=dtype, quality="HQ")

    def __call__(self, block: np.ndarray) -> np.ndarray:
        """``block`` (1-D, ``dtype``, at ``from_rate``) resampled to ``to_rate``: about
        ``len(block) * to_rate / from_rate`` samples, fewer while the filter fills."""
        import numpy as np

        samples = np.ascontiguousarray(block, dtype=self.dtype)
        if self._stream is None:
            return samples.copy()
        resampled: np.ndarray = self._stream.resample_chunk(samples)
        return resampled

    def flush(self) -> np.ndarray:
        """The last samples held back by the filter; call once, at the end of the stream."""
        import numpy as np

        empty = np.zeros(0, dtype=self.dtype)
        if self._stream is None:
            return empty
        rest: np.ndarray = self._stream.resample_chunk(empty, last=True)
        return rest
