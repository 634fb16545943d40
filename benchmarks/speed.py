"""Start-up and end-to-end speed on this machine.

- `mockint --help` wall time against a bare `python -c pass`;
- a complete scripted 7-question offline interview (set-up, answers, grading,
  saving, JSON report), run as a fresh process each time.

    python benchmarks/speed.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANSWER = (
    "I would start from a brute-force version to make sure I understand the problem, then use a "
    "hash map so each lookup is constant time, because scanning again for every element would make "
    "it quadratic. The whole pass is linear time and linear extra space. I'd check empty input, "
    "duplicates and negative numbers, and walk through a small example to test it."
)


def timed(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bare = timed([sys.executable, "-c", "pass"], args.runs)
    help_time = timed([sys.executable, "-m", "mockint", "--help"], args.runs)
    print(f"python -c pass:        {bare * 1000:7.1f} ms (median of {args.runs})")
    print(
        f"mockint --help:        {help_time * 1000:7.1f} ms  (+{(help_time - bare) * 1000:.0f} ms, x{help_time / bare:.1f})"
    )
    with tempfile.TemporaryDirectory() as home:
        answers = Path(home) / "answers.json"
        answers.write_text(json.dumps([ANSWER] * 7), encoding="utf-8")
        env = {**os.environ, "MOCKINT_HOME": home}
        cmd = [
            sys.executable,
            "-m",
            "mockint",
            "start",
            "--type",
            "dsa",
            "--difficulty",
            "easy",
            "--count",
            "7",
            "--answers",
            str(answers),
            "--json",
        ]
        interview = timed(cmd, args.runs, env)
        history = timed([sys.executable, "-m", "mockint", "history", "--json"], args.runs, env)
    print(f"7-question scripted offline interview, end to end: {interview * 1000:7.1f} ms")
    print(f"mockint history --json ({args.runs} sessions):     {history * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
