"""A Vapi call held in the terminal, against a local server that speaks Vapi's WebSocket
transport (tests/vapi_socket_server.py): binary PCM both ways, JSON messages, the call
ended and its artifact served over REST."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import VAPI_PRIVATE
from displays import RecordingDisplay
from mockint.paths import audio_dir
from mockint.runners.base import Interrupted
from mockint.storage.connection import open_db
from mockint.vapi import runner as vapi_runner
from mockint.vapi.client import SOCKET_TRANSPORT, VapiClient, VapiError
from mockint.vapi.media import FRAME_BYTES, WavSink
from mockint.vapi.transport import LiveCall
from sounds import beep, save
from test_vapi import ANSWER_1, ANSWER_2, PACK, start_call
from vapi_socket_server import Script, ToneMicrophone

QUESTIONS = [
    "Design a rate limiter for a public API with many tenants.",
    "Design a URL shortener that handles a billion redirects a day.",
    "Design the backend of a group chat application.",
]
ANSWER_3 = "A websocket per client, messages stored partitioned by conversation."


def script(**changes: object) -> Script:
    return Script(questions=list(QUESTIONS), answers=[ANSWER_1, ANSWER_2, ANSWER_3], **changes)  # type: ignore[arg-type]


@pytest.fixture
def pack(tmp_path: Path) -> str:
    path = tmp_path / "voice.toml"
    path.write_text(PACK, encoding="utf-8")
    return str(path)


def answers_dir(tmp_path: Path, seconds: tuple[float, ...] = (0.5, 0.5, 0.5)) -> Path:
    """Spoken answers as the server hears them: a sound of ``seconds`` for each question
    (a long one keeps the call on that question)."""
    folder = tmp_path / "answers"
    folder.mkdir()
    for n, length in enumerate(seconds, 1):
        save(folder / f"{n:02d}.wav", beep(length, frequency=300 + 100 * n))
    return folder


def call_in_terminal(
    cli, pack: str, tmp_path: Path, *extra: str, seconds: tuple[float, ...] = (0.5, 0.5, 0.5)
):
    return start_call(cli, pack, "--answers-audio", str(answers_dir(tmp_path, seconds)),
                      "--no-playback", *extra)  # fmt: skip


def session_of(report: dict) -> str:
    return str(report["sessionId"])


def test_a_scripted_call_in_the_terminal_is_graded_from_what_was_said(
    cli, vapi_live, pack, tmp_path
):
    live = vapi_live(script())
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [ANSWER_1, ANSWER_2, ANSWER_3]
    assert report["questions"][0]["coveredKeyPoints"]
    assert report["apiCost"]["byPurpose"] == {"call": 0.1234}
    create = live.rest.requests[0]
    assert (create["method"], create["path"]) == ("POST", "/call")
    assert create["headers"]["Authorization"] == f"Bearer {VAPI_PRIVATE}"
    assert create["body"]["transport"] == SOCKET_TRANSPORT
    assert "Design a rate limiter" in create["body"]["assistant"]["model"]["messages"][0]["content"]
    assert create["body"]["assistant"]["clientMessages"] == [
        "transcript", "speech-update", "status-update", "user-interrupted"
    ]  # fmt: skip
    assert live.handshake_headers["Authorization"] == f"Bearer {VAPI_PRIVATE}"
    assert {length for _, length in live.frames} == {FRAME_BYTES}
    # the conversation was shown as it was transcribed, and how the call sounds was said
    assert "Interviewer: Hi, I'm your interviewer today. Design a rate limiter" in result.stderr
    assert f"You: {ANSWER_1}" in result.stderr
    assert "interviewer's audio is written to" in result.stderr
    # the interviewer's audio went to the session's folder, and the candidate's side too
    folder = audio_dir(session_of(report))
    heard = folder / "vapi-3f1c9a52-call-interviewer.wav"
    said = folder / "vapi-3f1c9a52-call-candidate.wav"
    from mockint.voice.audio import read_wav

    assert len(read_wav(heard)) == pytest.approx(live.audio_frames_sent * 320, abs=320)
    assert len(read_wav(said)) == len(live.frames) * 320
    row = open_db().execute("SELECT kind, collected, ended_reason FROM calls").fetchone()
    assert row == ("terminal", 1, "assistant-said-end-call-phrase")


def test_each_answer_starts_only_once_its_question_has_been_asked(cli, vapi_live, pack, tmp_path):
    live = vapi_live(script(pace=True, speak_seconds=0.4))
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 0, result.stderr
    said = open_db().execute("SELECT session_id FROM calls").fetchone()[0]
    from mockint.voice.audio import read_wav

    sent = read_wav(audio_dir(said) / "vapi-3f1c9a52-call-candidate.wav")
    frames = sent[: len(sent) // 320 * 320].reshape(-1, 320)
    loud = np.sqrt(np.mean(np.square(frames), axis=1)) > 0.05
    # three answers, each one block of sound: nothing was sent over the interviewer
    runs = np.flatnonzero(np.diff(loud.astype(int)) == 1)
    assert len(runs) == 3
    assert not loud[: int(0.4 / 0.02)].any()  # the first question was still being asked
    assert live.asked == 3


@pytest.mark.parametrize(("duplex", "muted"), [("half", True), ("full", False)])
def test_half_duplex_mutes_the_microphone_while_the_interviewer_speaks(
    cli, vapi_live, pack, tmp_path, monkeypatch, duplex, muted
):
    vapi_live(script(pace=True, speak_seconds=0.6))
    monkeypatch.setattr(vapi_runner, "open_source", lambda audio, questions: ToneMicrophone())
    result = call_in_terminal(cli, pack, tmp_path, "--duplex", duplex, "--timeout", "1.5")
    assert result.exit_code == 0, result.stderr
    said = open_db().execute("SELECT session_id FROM calls").fetchone()[0]
    from mockint.voice.audio import read_wav

    sent = read_wav(audio_dir(said) / "vapi-3f1c9a52-call-candidate.wav")
    frames = sent[: len(sent) // 320 * 320].reshape(-1, 320)
    silent = int(np.sum(np.sqrt(np.mean(np.square(frames), axis=1)) < 0.01))
    if muted:
        assert silent >= int(0.5 / 0.02)  # the interviewer's 0.6 s turn was not answered over
    else:
        assert silent == 0
    assert "ended after --timeout 1.5 s" in result.stderr


class Unplugged(ToneMicrophone):
    """A microphone unplugged after half a second."""

    def read(self, hold: bool = False) -> bytes:
        if self.clock.count >= 25:
            raise OSError("Stream is stopped [PaErrorCode -9983]")
        return super().read(hold)


def test_a_microphone_that_stops_ends_the_call_and_what_was_said_is_kept(
    cli, vapi_live, pack, tmp_path, monkeypatch
):
    live = vapi_live(script())
    monkeypatch.setattr(vapi_runner, "open_source", lambda audio, questions: Unplugged())
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "The microphone stopped (OSError)." in result.stderr
    assert "The microphone stopped, so the call was ended" in result.stderr
    assert {"type": "end-call"} in live.received_texts
    assert "Traceback" not in result.stderr and "Exception in thread" not in result.stderr


def test_a_dropped_connection_is_collected_as_it_stands(cli, vapi_live, pack, tmp_path):
    live = vapi_live(script(drop_after=2))
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [ANSWER_1, None, None]
    assert "connection to the call dropped" in result.stderr
    # the call was ended on Vapi's side too (its control URL), not left running
    assert any(r["path"].startswith("/control/") for r in live.rest.requests)


def test_a_call_with_no_interviewer_audio_is_ended_and_not_graded(
    cli, vapi_live, pack, tmp_path, monkeypatch
):
    from mockint.vapi import client

    live = vapi_live(script(never_audio=True))
    monkeypatch.setitem(client.settings(), "first_audio_seconds", 0.5)
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 1
    assert "Vapi sent no audio for the interviewer" in result.stderr
    assert "nothing was graded" in result.stderr and "Traceback" not in result.stderr
    assert {"type": "end-call"} in live.received_texts
    row = open_db().execute("SELECT status, collected FROM calls").fetchone()
    assert row == ("failed", 0)


def test_malformed_messages_are_ignored_and_the_call_goes_on(cli, vapi_live, pack, tmp_path):
    vapi_live(script(malformed=True))
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [ANSWER_1, ANSWER_2, ANSWER_3]
    assert result.stderr.count("Ignored a malformed message from Vapi") == 1


def test_a_timeout_ends_the_call_and_grades_what_was_said(cli, vapi_live, pack, tmp_path):
    live = vapi_live(script())
    # the second answer outlasts the timeout
    result = call_in_terminal(cli, pack, tmp_path, "--timeout", "2", seconds=(0.5, 30, 0.5))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [ANSWER_1, None, None]
    assert "The call was ended after --timeout 2 s" in result.stderr
    assert {"type": "end-call"} in live.received_texts


def test_a_socket_that_cannot_be_opened_leaves_nothing_behind(
    cli, vapi_live, pack, tmp_path, monkeypatch
):
    live = vapi_live(script())
    monkeypatch.setattr(vapi_runner, "socket_url", lambda call: "ws://127.0.0.1:9/nothing")
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.count("\n") <= 3 and "Cannot connect to the call's audio socket" in (
        result.stderr
    )
    assert open_db().execute("SELECT count(*) FROM calls").fetchone() == (0,)
    assert any(r["path"].startswith("/control/") for r in live.rest.requests)  # ended
    assert VAPI_PRIVATE not in result.stderr


def test_a_refused_socket_names_the_key_to_check_without_showing_it(vapi_live):
    live = vapi_live(script())
    client = VapiClient({"vapi-private": __import__("pydantic").SecretStr(VAPI_PRIVATE)})
    call = client.create_socket_call({"name": "x", "firstMessage": "Hi."})
    wrong = "priv-0000-wrong-key"
    call_of = LiveCall(
        call["transport"]["websocketCallUrl"],
        __import__("pydantic").SecretStr(wrong),
        source=ToneMicrophone(),
        sink=WavSink(Path("/nonexistent/never-written.wav")),
        display=RecordingDisplay([]),
        questions=[],
    )
    with pytest.raises(VapiError, match=r"refused the call's audio socket \(401\).*keys list") as e:
        call_of.connect()
    assert wrong not in str(e.value)
    assert live.handshake_headers["Authorization"] == f"Bearer {wrong}"


class Interrupting(RecordingDisplay):
    """Presses Ctrl-C once the interviewer has asked the first question."""

    def live_call(self, view) -> None:
        super().live_call(view)
        if view.asked == 1 and not getattr(self, "pressed", False):
            self.pressed = True
            raise KeyboardInterrupt


class Twice(Interrupting):
    """Presses Ctrl-C again at the "End the call now?" question."""

    def ask(self, prompt: str, timer=None) -> str:
        raise Interrupted()


def run_call(display, tmp_path: Path):
    """A new session of the voice pack, and the Vapi runner talking through ``display``."""
    from mockint.enums import Mode, Provider
    from mockint.interview.session import Interview, setup_interview
    from mockint.questions.source import SelectionRequest
    from mockint.runners.base import RunnerSettings
    from mockint.runners.factory import get_runner

    pack_path = tmp_path / "voice.toml"
    pack_path.write_text(PACK, encoding="utf-8")
    db = open_db()
    request = SelectionRequest(pack=pack_path, provider=Provider.OFFLINE)
    interview = Interview.open(db, setup_interview(db, request, mode=Mode.VAPI).session_id)
    runner = get_runner(
        RunnerSettings(mode=Mode.VAPI, answers_audio=answers_dir(tmp_path), playback=False),
        display,
    )
    return interview, runner


def test_ctrl_c_asks_and_yes_ends_the_call_then_it_is_collected(vapi_live, tmp_path):
    live = vapi_live(script())
    display = Interrupting(["y"])
    interview, runner = run_call(display, tmp_path)
    runner.run(interview)
    assert {"type": "end-call"} in live.received_texts
    assert live.asked < 3  # ended before the last question
    row = open_db().execute("SELECT collected, ended_reason FROM calls").fetchone()
    assert row == (1, "customer-ended-call")
    assert not any("The call goes on" in text for _, text in display.said)


def test_ctrl_c_then_no_lets_the_call_go_on(vapi_live, tmp_path):
    live = vapi_live(script())
    display = Interrupting(["n"])
    interview, runner = run_call(display, tmp_path)
    runner.run(interview)
    assert {"type": "end-call"} not in live.received_texts
    assert any("The call goes on" in text for _, text in display.said)
    assert [v for v in display.views if v.asked == 3]  # it went on to the last question
    assert [line.text for line in display.views[-1].lines][-2:] == [
        ANSWER_3,
        "Thank you, that is the end of the interview. Goodbye.",
    ]


def test_a_second_ctrl_c_ends_the_call_and_stops(vapi_live, tmp_path):
    live = vapi_live(script())
    interview, runner = run_call(Twice([]), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        runner.run(interview)
    assert {"type": "end-call"} in live.received_texts
    assert live.closed.wait(5)


@pytest.mark.parametrize("columns", [80, 50])
def test_in_a_terminal_the_call_is_shown_live_and_ctrl_c_ends_it(
    vapi_live, pack, tmp_path, columns
):
    from terminal import spawn

    live = vapi_live(script())
    folder = answers_dir(tmp_path, (0.5, 60, 0.5))  # the call stays on question 2
    child = spawn("start", "--pack", pack, "--mode", "vapi", "--provider", "offline",
                  "--answers-audio", str(folder), "--no-playback", columns=columns)  # fmt: skip
    child.wait_for_screen(r"question 2 of 3 · 00:0\d/1")
    shown = child.shown()
    words = " ".join(shown.split())  # the lines as wrapped at this width, joined
    assert "Interviewer: Hi, I'm your interviewer today. Design a rate limiter for a" in words
    assert f"You: {ANSWER_1}" in words
    assert all(len(row) <= columns for row in shown.splitlines())
    child.sendintr()
    child.wait_for_screen(r"End the call now\? \[y/N\]")
    assert "question 2 of 3 ·" not in child.shown()  # the live footer is gone, not frozen
    child.send("y\r")
    child.expect_exact("Saved. Export it with: mockint report")  # graded, the report shown
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    assert {"type": "end-call"} in live.received_texts
    assert "Traceback" not in child.transcript()


def test_a_question_without_a_recorded_answer_is_refused_before_any_call(
    cli, vapi_live, pack, tmp_path
):
    live = vapi_live(script())
    folder = answers_dir(tmp_path)
    (folder / "02.wav").unlink()
    result = start_call(cli, pack, "--answers-audio", str(folder), "--no-playback")
    assert result.exit_code == 2
    assert "has no answer for 1 of the 3 questions (sd-url-shortener.wav or 02.wav)" in (
        result.stderr
    )
    assert live.rest.requests == []  # no call was made
    assert open_db().execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_a_silent_recorded_answer_is_refused_in_the_words_of_a_call(cli, vapi_live, pack, tmp_path):
    vapi_live(script())
    folder = answers_dir(tmp_path)
    save(folder / "01.wav", np.zeros(16_000, dtype=np.float32))
    result = start_call(cli, pack, "--answers-audio", str(folder), "--no-playback")
    assert result.exit_code == 1
    assert "01.wav is silent: the interviewer would hear no answer" in result.stderr


def test_ctrl_c_with_nobody_to_answer_ends_the_call(vapi_live, tmp_path):
    live = vapi_live(script())
    display = Interrupting([])  # input has ended: an unattended run
    interview, runner = run_call(display, tmp_path)
    runner.run(interview)
    assert {"type": "end-call"} in live.received_texts
    assert open_db().execute("SELECT collected FROM calls").fetchone() == (1,)


def test_a_call_left_uncollected_is_pointed_to_complete_before_anything_else(
    cli, vapi_live, tmp_path
):
    vapi_live(script())
    interview, runner = run_call(Twice([]), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        runner.run(interview)
    session = interview.session.id
    result = cli("start", session)  # no --answers-audio, no microphone, no public key
    assert result.exit_code != 0
    assert result.stderr.strip() == (
        f"Error: Session {session} already has a call (3f1c9a52-call) whose transcript has not "
        f"been collected: finish it with mockint complete {session}."
    )
    done = cli("complete", session, "--json")  # the call was ended: it is collected, graded
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sessionId"] == session and len(report["questions"]) == 3


class FullDisk(WavSink):
    """A WAV file on a disk that fills up after a quarter of a second of audio."""

    def write(self, pcm: bytes) -> None:
        self.written = getattr(self, "written", 0) + len(pcm)
        if self.written > 8_000:
            raise OSError(28, "No space left on device")
        super().write(pcm)


def test_a_full_disk_stops_keeping_your_side_but_the_call_goes_on(
    cli, vapi_live, pack, tmp_path, monkeypatch
):
    vapi_live(script())
    monkeypatch.setattr(vapi_runner, "WavSink", FullDisk)  # the candidate's recording
    result = call_in_terminal(cli, pack, tmp_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [ANSWER_1, ANSWER_2, ANSWER_3]
    assert "Your side of the call is no longer kept ([Errno 28] No space left" in result.stderr
    assert "Exception in thread" not in result.stderr


def test_interviewer_audio_that_cannot_be_played_ends_the_call(
    cli, vapi_live, pack, tmp_path, monkeypatch
):
    live = vapi_live(script())
    monkeypatch.setattr(vapi_runner, "open_sink", lambda audio, path: FullDisk(path))
    result = call_in_terminal(cli, pack, tmp_path, "--no-keep-audio")
    assert result.exit_code == 0, result.stderr
    assert "The interviewer's audio failed on" in result.stderr
    assert "The interviewer's audio failed on this machine (see above)" in result.stderr
    assert {"type": "end-call"} in live.received_texts
    assert "Exception in thread" not in result.stderr
