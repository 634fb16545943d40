"""Sound devices: `mockint devices`, choosing a device by name or index, the rate it is opened
at, and the streaming resampler between that rate and 16 kHz.

This machine (and CI) has PortAudio but no sound card, so the real sounddevice finds no
device; the rest runs on ``tests/fake_sounddevice/sounddevice.py``, a laptop's devices
answered in the real module's shapes.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import threading
import time
from types import ModuleType

import numpy as np
import pytest
import soxr

from conftest import FAKE_SOUNDDEVICE as FAKE_DIR
from mockint.errors import UsageError
from mockint.voice import VoiceError
from mockint.voice.devices import Device, Resampler, choose, list_devices, stream_rate
from mockint.voice.record import Level, check_microphone, record
from terminal import spawn


def real_devices() -> list[object]:
    import sounddevice

    return list(sounddevice.query_devices())


needs_no_sound_card = pytest.mark.skipif(
    bool(real_devices()), reason="this machine has sound devices (CI has none)"
)


@pytest.fixture
def fake(fake_sounddevice: ModuleType) -> ModuleType:
    """The fake sounddevice, in place of the real one for this test."""
    return fake_sounddevice


# --- the real sounddevice on a machine without a sound card ----------------------------------


@needs_no_sound_card
def test_no_devices_is_said_on_stderr_with_an_empty_table(cli):
    result = cli("devices")
    assert result.exit_code == 0
    assert result.stdout.split() == [
        "#",
        "Name",
        "Host",
        "API",
        "In",
        "Out",
        "Rate",
        "(Hz)",
        "Default",
    ]
    assert " ".join(result.stderr.split()) == (
        "No sound devices found. Answer from recorded files with --answers-audio DIR, "
        "or type with --mode text."
    )


@needs_no_sound_card
def test_no_devices_in_json_is_an_empty_list(cli):
    result = cli("devices", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@needs_no_sound_card
def test_an_input_device_on_a_machine_without_one_is_one_line_and_no_session(cli):
    result = cli("start", "-t", "dsa", "-d", "easy", "--mode", "voice", "--no-tts",
                 "--input-device", "0")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No microphone found.")
    assert "--answers-audio DIR" in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert json.loads(cli("history", "--json").stdout)["total"] == 0


class _NoPortAudio(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """sounddevice as it imports without the PortAudio library: OSError."""

    def find_spec(self, name, path=None, target=None):
        if name == "sounddevice":
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise OSError("PortAudio library not found")


def test_portaudio_missing_is_one_error_line(cli, monkeypatch):
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPortAudio(), *sys.meta_path])
    result = cli("devices")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: PortAudio is not installed")
    assert "sudo apt install libportaudio2" in result.stderr
    assert "brew install portaudio" in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


# --- choosing a device ---------------------------------------------------------------------------


def test_devices_are_listed_with_host_api_rate_and_defaults(fake):
    devices = list_devices()
    assert [d.index for d in devices] == list(range(7))
    assert devices[2] == Device(
        index=2,
        name="USB Audio Device: - (hw:1,0)",
        host_api="ALSA",
        input_channels=1,
        output_channels=2,
        default_rate=44100,
    )
    assert devices[6].host_api == "JACK Audio Connection Kit"
    assert [d.index for d in devices if d.default_input or d.default_output] == [5]


def test_no_spec_is_the_system_default(fake, monkeypatch):
    assert choose(None, "input").name == "default"
    monkeypatch.setattr(fake.default, "device", [0, 1])
    assert choose(None, "input").index == 0
    assert choose(None, "output").index == 1


def test_no_default_device_says_how_to_choose_one(fake, monkeypatch):
    monkeypatch.setattr(fake.default, "device", [-1, -1])
    with pytest.raises(VoiceError, match=r"^No default microphone is set: choose one with "):
        choose(None, "input")


def test_an_index_chooses_that_device(fake):
    assert choose("2", "input").name == "USB Audio Device: - (hw:1,0)"
    assert choose(" 1 ", "output").name == "HDA Intel PCH: HDMI 0 (hw:0,3)"


def test_an_index_without_input_channels_is_refused(fake):
    with pytest.raises(UsageError) as caught:
        choose("1", "input")
    assert caught.value.message == (
        "--input-device 1: 'HDA Intel PCH: HDMI 0 (hw:0,3)' has no input channels; "
        "choose a microphone from `mockint devices`."
    )


def test_an_index_that_does_not_exist_is_refused(fake):
    with pytest.raises(UsageError, match=r"^--output-device 42: there is no device 42 "):
        choose("42", "output")


def test_a_unique_part_of_a_name_chooses_it_whatever_its_case(fake):
    assert choose("alc257", "input").index == 0
    assert choose("LOGITECH", "input").index == 3


def test_an_exact_name_beats_names_that_contain_it(fake):
    # "sysdefault" contains "default" too
    assert choose("Default", "input").index == 5
    assert choose("sysdefault", "output").index == 4


def test_an_ambiguous_name_lists_up_to_five_candidates(fake):
    with pytest.raises(UsageError) as caught:
        choose("usb", "input")
    assert caught.value.message == (
        "--input-device 'usb' matches 2 microphones: 2 'USB Audio Device: - (hw:1,0)' (ALSA), "
        f"3 {fake.LONG_NAME!r} (ALSA); give more of the name, or the index "
        "(`mockint devices` lists them)."
    )
    with pytest.raises(UsageError) as many:
        choose("a", "input")  # every input device but "system" has an "a"
    assert "matches 5 microphones" in many.value.message and " more; " not in many.value.message


def test_more_than_five_candidates_are_counted(fake):
    with pytest.raises(UsageError) as caught:
        choose("e", "output")  # all seven devices
    message = caught.value.message
    assert "matches 7 speakers:" in message and " and 2 more; " in message
    assert "4 'sysdefault' (ALSA)" in message and "5 'default'" not in message


def test_an_unknown_name_lists_the_devices_there_are(fake):
    with pytest.raises(UsageError) as caught:
        choose("bluetooth", "input")
    message = caught.value.message
    assert message.startswith(
        "--input-device 'bluetooth' names no microphone; microphones here: 0 "
    )
    assert "HDMI" not in message  # not an input device
    assert message.endswith(" and 1 more (`mockint devices` lists them).")


def test_a_name_matching_only_an_output_device_is_not_a_microphone(fake):
    with pytest.raises(UsageError, match="names no microphone"):
        choose("hdmi", "input")
    assert choose("hdmi", "output").index == 1


def test_check_microphone_returns_the_chosen_device(fake):
    assert check_microphone("2").index == 2
    assert check_microphone().index == 5


def test_an_ambiguous_input_device_stops_voice_mode_before_any_session(cli, fake):
    result = cli("start", "-t", "dsa", "-d", "easy", "--mode", "voice", "--no-tts",
                 "--input-device", "usb")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --input-device 'usb' matches 2 microphones:")
    assert result.stderr.count("\n") == 1
    assert json.loads(cli("history", "--json").stdout)["total"] == 0


# --- the rate a device is opened at ----------------------------------------------------------------


def test_a_device_that_takes_16_khz_is_opened_at_16_khz(fake):
    assert stream_rate(choose("0", "input"), "input") == 16_000
    assert stream_rate(choose("default", "output"), "output") == 16_000


def test_a_device_that_refuses_16_khz_is_opened_at_its_default_rate(fake):
    assert stream_rate(choose("2", "input"), "input") == 44_100
    assert stream_rate(choose("1", "output"), "output") == 48_000


# --- the command ---------------------------------------------------------------------------------


def test_devices_json_is_a_list_of_objects(cli, fake):
    result = cli("devices", "--json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert len(listed) == 7
    assert listed[5] == {
        "index": 5,
        "name": "default",
        "hostApi": "ALSA",
        "inputChannels": 32,
        "outputChannels": 32,
        "defaultRate": 44100,
        "defaultInput": True,
        "defaultOutput": True,
    }
    assert result.stderr == ""


def test_the_table_fits_80_columns_with_every_name_whole(home):
    env = {"PYTHONPATH": os.pathsep.join([str(FAKE_DIR), os.environ.get("PYTHONPATH", "")])}
    child = spawn("devices", columns=80, env=env)
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    lines = [line.rstrip() for line in child.shown().splitlines() if line.strip()]
    assert lines[0].split() == ["#", "Name", "Host", "API", "In", "Out", "Rate", "(Hz)", "Default"]
    assert all(len(line) <= 80 for line in lines)
    rows = {line.split()[0]: line for line in lines[1:] if line.split()[0].isdigit()}
    assert sorted(rows, key=int) == [str(i) for i in range(7)]
    assert rows["5"].split()[-6:] == ["ALSA", "32", "32", "44100", "in,", "out"]
    assert rows["2"].split()[-4:] == ["ALSA", "1", "2", "44100"]
    shown = " ".join(" ".join(lines).split())
    for word in fake_long_name().split():
        assert word in shown  # wrapped, never cut


def fake_long_name() -> str:
    spec = importlib.util.spec_from_file_location("fake_sd", FAKE_DIR / "sounddevice.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.LONG_NAME)


# --- resampling ----------------------------------------------------------------------------------

RATE, TONE, AMPLITUDE = 48_000, 440.0, 12_000


def sine(rate: int, seconds: float) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return np.round(AMPLITUDE * np.sin(2 * np.pi * TONE * t)).astype(np.int16)


def streamed(samples: np.ndarray, block: int, resampler: Resampler) -> np.ndarray:
    parts = [resampler(samples[i : i + block]) for i in range(0, len(samples), block)]
    return np.concatenate([*parts, resampler.flush()])


def test_a_48_khz_stream_in_20_ms_blocks_matches_a_one_shot_resample():
    source = sine(RATE, 2.0)
    out = streamed(source, RATE // 50, Resampler(RATE, 16_000))
    assert out.dtype == np.int16
    assert abs(len(out) - len(source) / 3) <= 1
    once = soxr.resample(source, RATE, 16_000, quality="HQ")
    n = min(len(out), len(once))
    assert np.max(np.abs(out[:n].astype(int) - once[:n].astype(int))) <= 2
    # and the tone itself, away from the ends where the filter starts and stops
    expected = sine(16_000, 2.0).astype(int)
    middle = slice(160, len(expected) - 160)
    assert np.max(np.abs(out[middle].astype(int) - expected[middle])) <= AMPLITUDE * 0.01


def test_block_edges_make_no_click():
    out = streamed(sine(RATE, 1.0), RATE // 50, Resampler(RATE, 16_000)).astype(int)
    steps = np.abs(np.diff(out[160:-160]))
    # a 440 Hz sine at 16 kHz moves at most 2*pi*440/16000 of its amplitude per sample
    largest = 2 * np.pi * TONE / 16_000 * AMPLITUDE
    assert steps.max() <= largest * 1.02 + 2
    edges = np.arange(320, len(out) - 320, 320) - 160  # every 20 ms of output
    assert np.abs(np.diff(out[160:-160]))[edges].max() <= largest * 1.02 + 2


def test_44_1_khz_float_blocks_of_any_size_come_out_at_16_khz():
    t = np.arange(44_100) / 44_100
    source = (0.5 * np.sin(2 * np.pi * TONE * t)).astype(np.float32)
    out = streamed(source, 441 * 3 + 7, Resampler(44_100, 16_000, dtype="float32"))
    assert out.dtype == np.float32 and abs(len(out) - 16_000) <= 1
    expected = 0.5 * np.sin(2 * np.pi * TONE * np.arange(16_000) / 16_000)
    assert np.max(np.abs(out[160:-160] - expected[160:-160])) < 0.01


def test_equal_rates_pass_blocks_through():
    source = sine(16_000, 0.1)
    resampler = Resampler(16_000, 16_000)
    assert np.array_equal(resampler(source), source)
    assert len(resampler.flush()) == 0


def test_a_bad_rate_or_dtype_is_refused():
    with pytest.raises(ValueError, match="positive"):
        Resampler(0, 16_000)
    with pytest.raises(ValueError, match="int16 or float32"):
        Resampler(48_000, 16_000, dtype="int32")


# --- recording from a chosen device --------------------------------------------------------------


def test_record_opens_the_chosen_device_at_its_rate_and_returns_16_khz(fake, monkeypatch):
    """A microphone that refuses 16 kHz (device 2, 44.1 kHz) is opened at its own rate, and
    what it hears reaches the speech engines at 16 kHz, the tone unchanged."""
    blocks, opened, enough, pressed = 100, [], threading.Event(), threading.Event()

    class Stream:
        def __init__(self, **settings):
            opened.append(settings)
            self.read_so_far = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def read(self, frames):
            t = (self.read_so_far + np.arange(frames)) / opened[0]["samplerate"]
            self.read_so_far += frames
            if self.read_so_far >= blocks * frames:
                enough.set()  # as if Enter were pressed
                pressed.wait(10)  # a real stream waits for the device: give the key its turn
                time.sleep(0.05)
            return (0.5 * np.sin(2 * np.pi * TONE * t)).astype(np.float32)[:, None], False

    class Keyboard:  # Enter is "pressed" once the stream has given enough blocks
        def readline(self):
            enough.wait(10)
            pressed.set()
            return "\n"

    monkeypatch.setattr(fake, "InputStream", Stream, raising=False)
    monkeypatch.setattr(sys, "stdin", Keyboard())
    levels: list[Level] = []
    samples = record(
        allocated_seconds=60,
        silence_seconds=60,
        on_level=levels.append,
        device=choose("2", "input"),
    )
    assert opened == [
        {"device": 2, "samplerate": 44_100, "channels": 1, "dtype": "float32", "blocksize": 1323}
    ]
    assert len(levels) == len(samples) // 480  # one level per 30 ms frame at 16 kHz
    assert abs(len(samples) - blocks * 480) <= 2 * 480  # less the filter's few milliseconds
    spectrum = np.abs(np.fft.rfft(samples[480:]))
    assert abs(np.argmax(spectrum) * 16_000 / len(samples[480:]) - TONE) < 5
