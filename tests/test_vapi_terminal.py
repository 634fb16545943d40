"""A Vapi call held in the terminal: pacing, scripted answers, the live view, and the
choice of transport (the call itself, over a local socket server: test_vapi_socket.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from displays import RecordingDisplay
from mockint.cli.display import call_footer, call_line
from mockint.enums import CallTransport, Duplex, Mode, SttEngine
from mockint.errors import UsageError
from mockint.models.sessions import TurnRole
from mockint.runners.base import CallView, Line, RunnerSettings
from mockint.runners.factory import get_runner
from mockint.vapi import runner as vapi_runner
from mockint.vapi.media import FRAME_BYTES, FRAME_SECONDS, SILENCE, FrameClock, WavAnswers, rms
from mockint.voice import VoiceError


class FakeTime:
    """A monotonic clock that moves only when slept on (or when told to)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_frames_are_due_every_20_ms_without_drift() -> None:
    time = FakeTime()
    clock = FrameClock(time.monotonic, time.sleep)
    due = []
    for n in range(1000):
        time.now += 0.0013 if n % 3 else 0.0  # the work between frames takes some time
        clock.wait()
        due.append(time.now)
    intervals = np.diff(due)
    assert np.allclose(intervals, FRAME_SECONDS, atol=1e-9)
    assert due[-1] - due[0] == pytest.approx(999 * FRAME_SECONDS)


def test_a_stalled_sender_starts_a_new_schedule_instead_of_a_burst() -> None:
    time = FakeTime()
    clock = FrameClock(time.monotonic, time.sleep)
    for _ in range(10):
        clock.wait()
    time.now += 5.0  # the process was stopped (Ctrl-Z) for five seconds
    clock.wait()
    resumed = time.now
    clock.wait()
    assert time.now - resumed == pytest.approx(FRAME_SECONDS)


def tone(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(16_000 * seconds)) / 16_000
    return (level * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_scripted_answers_play_only_once_cued_then_silence() -> None:
    time = FakeTime()
    answers = WavAnswers([tone(0.05), tone(0.02)], FrameClock(time.monotonic, time.sleep))
    assert answers.read() == SILENCE and not answers.playing
    answers.cue(1)
    assert answers.playing
    frames = [answers.read() for _ in range(4)]
    assert all(len(f) == FRAME_BYTES for f in frames)
    assert [rms(f) > 0.1 for f in frames] == [True, True, True, False]  # 50 ms: 2.5 frames
    assert not answers.playing
    answers.cue(2)
    assert rms(answers.read()) > 0.1 and answers.read() == SILENCE  # 20 ms: one frame
    answers.cue(9)  # a question the script does not have: ignored
    assert answers.read() == SILENCE


def render(renderable: object, width: int = 80) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(renderable)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 50])
def test_the_call_footer_is_one_line_that_fits(width: int) -> None:
    view = CallView(
        status="in-progress",
        lines=(Line(TurnRole.INTERVIEWER, "Design a rate limiter", final=False),),
        asked=2,
        total=5,
        elapsed=190,
        allowed=1800,
        level=0.04,
        muted=False,
        speaking=TurnRole.CANDIDATE,
    )
    lines = render(call_footer(view, width), width)
    assert len(lines) == 1 and len(lines[0]) <= width
    if width == 80:
        assert lines[0].startswith("● you are speaking · question 2 of 5 · 03:10/30:00 · mic")
        assert lines[0].endswith("· ^C ends")
    else:
        assert lines[0].startswith("● you are speaking · question 2 of 5 ·")
        assert lines[0].endswith("…")


def test_the_footer_says_when_the_microphone_is_muted_and_when_time_is_over() -> None:
    view = CallView(status="in-progress", total=3, elapsed=2000, allowed=1800, muted=True,
                    speaking=TurnRole.INTERVIEWER, asked=3)  # fmt: skip
    muted = render(call_footer(view, 80), 80)[0]
    assert muted == ("● interviewer speaking · question 3 of 3 · 33:20/30:00 · mic muted · ^C ends")
    queued = render(call_footer(CallView(status="queued", total=3), 80), 80)[0]
    assert queued.startswith("● queued · 3 questions · 00:00 · mic ")  # none asked yet


def test_transcribed_words_are_shown_inert() -> None:
    line = render(call_line(Line(TurnRole.CANDIDATE, "[bold]x[/bold] \x1b[31mred")))[0]
    assert line.startswith("You: [bold]x[/bold]") and "\x1b" not in line


def settings_for(**kwargs: object) -> RunnerSettings:
    return RunnerSettings(mode=Mode.VAPI, **kwargs)  # type: ignore[arg-type]


def test_without_the_voice_extra_the_call_is_joined_in_a_browser(monkeypatch, vapi) -> None:
    monkeypatch.setattr(vapi_runner, "terminal_available", lambda: False)
    display = RecordingDisplay([])
    runner = get_runner(settings_for(), display)
    assert isinstance(runner, vapi_runner.VapiRunner) and runner.terminal is None
    assert any("voice extra is not installed" in text for _, text in display.said)


def test_the_terminal_is_the_default_transport_with_scripted_answers(tmp_path, vapi) -> None:
    from sounds import save

    save(tmp_path / "01.wav", tone(1.0))
    runner = get_runner(settings_for(answers_audio=tmp_path), RecordingDisplay([]))
    assert isinstance(runner, vapi_runner.VapiRunner) and runner.terminal is not None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (dict(transport=CallTransport.WEB, answers_audio="DIR"), "drop --transport web"),
        (dict(transport=CallTransport.WEB, playback=False), "drop --transport web"),
        (dict(phone="+14155550123", transport=CallTransport.TERMINAL), "drop --transport"),
        (dict(transport=CallTransport.WEB, duplex=Duplex.FULL), "--duplex is for a call held"),
        (dict(transport=CallTransport.WEB, output_device="1"), "--output-device is for a call"),
        (dict(phone="+14155550123", duplex=Duplex.FULL), "calls your phone: drop --duplex"),
    ],
)
def test_options_that_do_not_fit_the_transport_are_refused(settings, message, tmp_path, vapi):
    if settings.get("answers_audio") == "DIR":
        settings["answers_audio"] = tmp_path
    with pytest.raises(UsageError, match=message):
        get_runner(settings_for(**settings), RecordingDisplay([]))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (RunnerSettings(mode=Mode.TEXT, transport=CallTransport.WEB), "--transport needs"),
        (RunnerSettings(mode=Mode.VOICE, playback=False), "--no-playback needs"),
        (RunnerSettings(mode=Mode.TEXT, input_device="0"), "--input-device and"),
        (RunnerSettings(mode=Mode.TEXT, duplex=Duplex.FULL), "--duplex needs --mode vapi"),
    ],
)
def test_call_options_need_the_vapi_mode(settings: RunnerSettings, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        get_runner(settings, RecordingDisplay([]))


def test_a_microphone_that_cannot_do_16_khz_is_resampled_to_20_ms_frames(fake_sounddevice) -> None:
    from mockint.vapi.media import Microphone

    microphone = Microphone("USB Audio")  # 44.1 or 48 kHz only
    try:
        frames = [microphone.read() for _ in range(25)]
    finally:
        microphone.close()
    stream = fake_sounddevice.opened[-1]
    assert stream.samplerate == 44100 and stream.device == 2 and stream.closed
    assert all(len(f) == FRAME_BYTES for f in frames)
    samples = np.frombuffer(b"".join(frames[5:]), dtype="<i2") / 32768
    assert rms(b"".join(frames[5:])) == pytest.approx(0.25 / np.sqrt(2), rel=0.05)
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.argmax(spectrum) * 16_000 / len(samples) == pytest.approx(440, abs=10)


def test_speakers_play_at_the_device_rate_and_say_what_is_still_queued(fake_sounddevice) -> None:
    import time

    from mockint.vapi.media import Speakers, to_pcm

    speakers = Speakers("HDMI")  # 48 kHz only
    try:
        speakers.write(to_pcm(tone(0.3)))
        assert speakers.pending() > 0.2  # queued, not yet heard
        deadline = time.monotonic() + 3
        while speakers.pending() > 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert speakers.pending() == 0
        speakers.write(to_pcm(tone(1.0)))
        speakers.clear()  # the candidate spoke over the interviewer
        assert speakers.pending() == 0
    finally:
        speakers.close()
    stream = fake_sounddevice.opened[-1]
    assert stream.samplerate == 48000 and "HDMI" in speakers.where
    played = np.frombuffer(bytes(stream.played), dtype="<i2").astype(np.float64) / 32767
    heard = np.sum(np.square(played)) / (0.3**2 / 2) / 48000  # seconds of the 0.3 tone
    assert heard == pytest.approx(0.3, abs=0.03)


def test_no_output_device_writes_the_interviewer_to_a_file(tmp_path) -> None:
    from mockint.vapi.media import TerminalAudio, WavSink, open_sink

    sink = open_sink(TerminalAudio(), tmp_path / "interviewer.wav")  # no sound card here
    assert isinstance(sink, WavSink)
    with pytest.raises(VoiceError, match="No speakers or headphones found"):
        open_sink(TerminalAudio(output_device="HDMI"), tmp_path / "x.wav")


def test_without_a_microphone_the_call_is_joined_in_a_browser(vapi) -> None:
    display = RecordingDisplay([])  # this machine has no sound card
    runner = get_runner(settings_for(), display)
    assert isinstance(runner, vapi_runner.VapiRunner) and runner.terminal is None
    assert any("No microphone found, so the call is joined" in text for _, text in display.said)


def test_the_terminal_asked_for_without_a_microphone_says_what_to_do(cli, vapi) -> None:
    result = cli("start", "-t", "dsa", "-d", "easy", "--mode", "vapi", "--transport", "terminal")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No microphone found.")
    assert result.stderr.rstrip().endswith("Or join the call in a browser: --transport web.")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("socket_url", "base_url", "carries"),
    [
        ("wss://api.vapi.ai/3f1c/transport", "https://api.vapi.ai", True),
        (
            "wss://phone-call-websocket.aws-us-west-2.vapi.ai/3f1c/transport",
            "https://api.vapi.ai",
            True,
        ),
        ("ws://api.vapi.ai/3f1c/transport", "https://api.vapi.ai", False),  # not encrypted
        ("wss://api.vapi.ai.evil.example/3f1c", "https://api.vapi.ai", False),
        ("wss://evilvapi.ai/3f1c", "https://api.vapi.ai", False),
        ("ws://127.0.0.1:8123/3f1c/transport", "http://127.0.0.1:8000", True),
        ("ws://127.0.0.1:8123/3f1c/transport", "https://api.vapi.ai", False),
    ],
)
def test_the_private_key_goes_only_to_vapis_own_hosts(socket_url, base_url, carries) -> None:
    assert vapi_runner.may_carry_key(socket_url, base_url) is carries


def test_a_muted_scripted_answer_keeps_its_place() -> None:
    time = FakeTime()
    answers = WavAnswers([tone(0.1)], FrameClock(time.monotonic, time.sleep))
    answers.cue(1)
    first = answers.read()
    held = [answers.read(hold=True) for _ in range(10)]  # the interviewer spoke meanwhile
    rest = [answers.read() for _ in range(4)]
    assert rms(first) > 0.1 and all(frame == SILENCE for frame in held)
    assert [rms(f) > 0.1 for f in rest] == [True, True, True, True]  # nothing was lost
    assert answers.read() == SILENCE


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            RunnerSettings(mode=Mode.VAPI, stt_engine=SttEngine.WHISPER, silence=3.0),
            "--stt-engine and --silence need --mode voice (Vapi's interviewer listens",
        ),
        (RunnerSettings(mode=Mode.TEXT, tts=False), "--no-tts needs --mode voice (a typed"),
        (
            RunnerSettings(mode=Mode.VOICE, answers_audio=Path("answers"), input_device="USB"),
            "--input-device picks a microphone, but the answers come from --answers-audio",
        ),
        (
            RunnerSettings(mode=Mode.VAPI, playback=False, output_device="1"),
            "--output-device picks speakers, but --no-playback plays nothing",
        ),
    ],
)
def test_options_the_run_would_ignore_are_refused(settings: RunnerSettings, message: str) -> None:
    # refused before anything is opened or stored: no key, no device, no directory needed
    with pytest.raises(UsageError, match=re.escape(message)):
        get_runner(settings, RecordingDisplay([]))
