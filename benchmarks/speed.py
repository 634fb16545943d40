"""Every speed figure the README quotes, measured on this machine.

- `mockint --help` wall time against a bare `python -c pass` (target: within 0.25 s);
- a complete scripted 7-question offline interview (set-up, answers, grading,
  saving, JSON report), run as a fresh process each time (target: under 1 s);
- offline grader throughput;
- history, filters and statistics over 100,000 stored sessions (target: under
  150 ms each; see history.py, which builds that database: about 40 s, 3 GB).

    python benchmarks/speed.py [--runs 10] [--sessions 100000] [--skip-history]
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
    """Median wall time in seconds of `runs` fresh processes, after one warm-up run.

    The child may write bytecode caches even where this shell forbids it
    (PYTHONDONTWRITEBYTECODE), as an installed package has them: otherwise every run
    would compile the package's modules from source again, which no user pays.
    """
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--skip-history", action="store_true")
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

    sys.path.insert(0, str(Path(__file__).parent))
    import grader_calibration

    rate, graded = grader_calibration.throughput(
        grader_calibration.ROOT / "pack.toml", grader_calibration.ROOT / "answers.toml"
    )
    print(f"offline grader: {rate:.0f} answers/s on one core ({graded} distinct answers)")
    if args.skip_history:
        return
    import history as history_benchmark

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mockint.db"
        began = time.perf_counter()
        history_benchmark.build(path, args.sessions)
        print(f"built {args.sessions:,} sessions in {time.perf_counter() - began:.0f} s")
        for name, ms in history_benchmark.measure(path, 5).items():
            print(f"  {name:32s} {ms:7.1f} ms")


if __name__ == "__main__":
    main()
