"""A stand-in for the ``sounddevice`` module with a laptop's sound devices, shaped like the
real one's answers (sounddevice 0.5: ``query_devices``, ``query_hostapis``, ``default.device``,
``check_input_settings``, ``check_output_settings``, ``PortAudioError``).

Tests put it in ``sys.modules`` (``tests/test_devices.py``), or a ``mockint`` run in a
pseudo-terminal finds it first on PYTHONPATH.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

HOSTAPIS = ("ALSA", "JACK Audio Connection Kit")
LONG_NAME = (
    "Logitech USB Headset H540 with an unusually long product name: Audio (hw:2,0) analog stereo"
)

# name, host API index, input channels, output channels, default rate, rates it accepts
_TABLE: list[tuple[str, int, int, int, float, tuple[float, ...]]] = [
    ("HDA Intel PCH: ALC257 Analog (hw:0,0)", 0, 2, 2, 48000.0, (16000.0, 44100.0, 48000.0)),
    ("HDA Intel PCH: HDMI 0 (hw:0,3)", 0, 0, 8, 48000.0, (48000.0,)),
    ("USB Audio Device: - (hw:1,0)", 0, 1, 2, 44100.0, (44100.0, 48000.0)),
    (LONG_NAME, 0, 1, 2, 48000.0, (48000.0,)),
    ("sysdefault", 0, 128, 128, 48000.0, (16000.0, 48000.0)),
    ("default", 0, 32, 32, 44100.0, (16000.0, 44100.0, 48000.0)),
    ("system", 1, 2, 2, 48000.0, (48000.0,)),
]
#: the rates each device accepts, by index (check_*_settings refuses others)
RATES = {index: row[5] for index, row in enumerate(_TABLE)}


class PortAudioError(Exception):
    pass


def _info(index: int) -> dict[str, Any]:
    name, hostapi, ins, outs, rate, _ = _TABLE[index]
    return {
        "name": name,
        "index": index,
        "hostapi": hostapi,
        "max_input_channels": ins,
        "max_output_channels": outs,
        "default_low_input_latency": 0.0087 if ins else -1.0,
        "default_low_output_latency": 0.0087 if outs else -1.0,
        "default_high_input_latency": 0.0348 if ins else -1.0,
        "default_high_output_latency": 0.0348 if outs else -1.0,
        "default_samplerate": rate,
    }


class DeviceList(tuple):  # type: ignore[type-arg]
    """The real module's list of device dictionaries (a tuple)."""


def query_devices(device: int | None = None, kind: str | None = None) -> Any:
    if device is None and kind is None:
        return DeviceList(_info(i) for i in range(len(_TABLE)))
    index = default.device[0 if kind == "input" else 1] if device is None else device
    if not 0 <= index < len(_TABLE):
        raise PortAudioError(f"Error querying device {index}")
    return _info(index)


def query_hostapis(index: int | None = None) -> Any:
    if index is None:
        return tuple(query_hostapis(i) for i in range(len(HOSTAPIS)))
    return {
        "name": HOSTAPIS[index],
        "devices": [i for i, row in enumerate(_TABLE) if row[1] == index],
        "default_input_device": 5 if index == 0 else 6,
        "default_output_device": 5 if index == 0 else 6,
    }


#: the real ``default.device`` is a pair indexed 0/1 (or "input"/"output"); -1 is no device
default = SimpleNamespace(device=[5, 5])


def _check_settings(
    kind: str,
    device: int | None = None,
    channels: int | None = None,
    dtype: str | None = None,
    extra_settings: Any = None,
    samplerate: float | None = None,
) -> None:
    """Nothing when ``device`` takes these settings, else PortAudioError, as the real one."""
    info = query_devices(device, kind)
    if (channels or 1) > info[f"max_{kind}_channels"]:
        raise PortAudioError("Error opening Stream: Invalid number of channels [PaErrorCode -9998]")
    if samplerate is not None and float(samplerate) not in RATES[info["index"]]:
        raise PortAudioError("Error opening Stream: Invalid sample rate [PaErrorCode -9997]")


check_input_settings = functools.partial(_check_settings, "input")
check_output_settings = functools.partial(_check_settings, "output")


class _Stream:
    """What the raw streams share: the settings checked as the real module checks them,
    start/stop/close, and every stream opened kept in ``opened`` for tests to look at."""

    kind = "input"

    def __init__(self, samplerate: float, channels: int, dtype: str, device: int | None = None,
                 blocksize: int = 0, callback: Any = None) -> None:  # fmt: skip
        _check_settings(self.kind, device, channels, dtype, None, samplerate)
        self.samplerate, self.channels, self.dtype = float(samplerate), channels, dtype
        self.device, self.blocksize, self.callback = device, blocksize, callback
        self.active = self.closed = False
        opened.append(self)

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.active, self.closed = False, True


class RawInputStream(_Stream):
    """A microphone hearing a 440 Hz tone at 0.25 full scale: ``read(frames)`` returns
    int16 bytes and False (no overflow), at the pace a real device would."""

    kind = "input"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.position = 0
        self.began: float | None = None

    def read(self, frames: int) -> tuple[bytes, bool]:
        import time

        import numpy as np

        if self.began is None:
            self.began = time.monotonic()
        due = self.began + (self.position + frames) / self.samplerate
        time.sleep(max(0.0, due - time.monotonic()))
        t = (self.position + np.arange(frames)) / self.samplerate
        self.position += frames
        return (0.25 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2").tobytes(), False


class RawOutputStream(_Stream):
    """Speakers: a thread calls ``callback(out, frames, time, status)`` every block, in
    real time, and keeps what it was given in ``played`` (bytes)."""

    kind = "output"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.played = bytearray()

    def start(self) -> None:
        import threading
        import time

        super().start()

        def run() -> None:
            frames = self.blocksize or 1024
            began, count = time.monotonic(), 0
            while self.active:
                out = bytearray(frames * 2)
                self.callback(memoryview(out), frames, None, None)
                self.played += out
                count += 1
                time.sleep(max(0.0, began + count * frames / self.samplerate - time.monotonic()))

        threading.Thread(target=run, daemon=True).start()


opened: list[_Stream] = []
