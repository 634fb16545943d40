"""History and statistics with years of data: 100,000 stored sessions.

Builds a database (through mockint's own migrations) whose sessions carry real
reports, made by the offline grader from the calibration answers, spread over
four years and all five types; then times the queries `mockint history` runs:
listing, each filter, the score sort, a deep page and the statistics, in
process (median of several runs), and `mockint history --json` as a process.

    python benchmarks/history.py [--sessions 100000] [--db PATH] [--runs 7]

A database built before is reused when --db names it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mockint.enums import Difficulty, GraderKind, InterviewType, Status
from mockint.history.stats import list_history
from mockint.history.stats import statistics as history_statistics
from mockint.models.history import HistoryFilter
from mockint.models.sessions import AnsweredQuestion, SessionRecord
from mockint.pricing import pricing_for
from mockint.questions.packs import load_pack
from mockint.storage.connection import open_db
from mockint.timespec import stamp

CALIBRATION = Path(__file__).resolve().parent.parent / "tests" / "calibration"
TARGET_MS = 150


def template_reports() -> list[dict[str, object]]:
    """Real offline-graded reports, one per calibration question and answer level."""
    import tomllib

    from mockint.grading.factory import get_grader

    pack = load_pack(CALIBRATION / "pack.toml")
    data = tomllib.loads((CALIBRATION / "answers.toml").read_text(encoding="utf-8"))
    answers = {item["question"]: item for item in data["answers"]}
    grader = get_grader("offline")
    reports = []
    for level in ("strong", "medium", "weak"):
        for start in range(0, len(pack.questions), 6):
            questions = pack.questions[start : start + 6]
            items = [AnsweredQuestion(question=q, answer=answers[q.id][level]) for q in questions]
            session = SessionRecord(
                id="template",
                type=questions[0].type,
                difficulty=questions[0].difficulty,
                status=Status.IN_PROGRESS,
                estimated_minutes=30,
                pricing=pricing_for(questions[0].difficulty),
                created_at=datetime.now(UTC),
            )
            report = grader.grade(session, items)
            reports.append({"report": report, "questions": questions})
    return reports


def build(path: Path, sessions: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = open_db(path)
    templates = template_reports()
    types, difficulties = list(InterviewType), list(Difficulty)
    start = datetime.now(UTC) - timedelta(days=4 * 365)
    step = timedelta(days=4 * 365) / sessions
    batch = 2000
    for first in range(0, sessions, batch):
        rows, questions, reports, scores = [], [], [], []
        for n in range(first, min(first + batch, sessions)):
            sid = f"{n:012x}"
            created = start + step * n
            template = rng.choice(templates)
            status = rng.choices(
                [Status.COMPLETED, Status.IN_PROGRESS, Status.SETUP], [0.9, 0.07, 0.03]
            )[0]
            rows.append(
                {
                    "id": sid,
                    "type": rng.choice(types).value,
                    "difficulty": rng.choice(difficulties).value,
                    "status": status.value,
                    "focus_json": "[]",
                    "source": "bank",
                    "mode": "text",
                    "estimated_minutes": 30,
                    "pricing_json": pricing_for(Difficulty.MEDIUM).model_dump_json(),
                    "created_at": stamp(created),
                    "started_at": stamp(created),
                    "ended_at": stamp(created + timedelta(minutes=rng.randint(10, 50))),
                }
            )
            questions += [
                {
                    "session_id": sid,
                    "position": i,
                    "question_id": q.id,
                    "question_json": q.model_dump_json(),
                }
                for i, q in enumerate(template["questions"], 1)  # type: ignore[arg-type]
            ]
            if status != Status.COMPLETED:
                continue
            rows[-1]["score"] = rng.randint(0, 100)
            report = template["report"].model_copy(  # type: ignore[attr-defined]
                update={"session_id": sid, "overall_score": rows[-1]["score"]}
            )
            reports.append(
                {
                    "session_id": sid,
                    "overall_score": report.overall_score,
                    "grader": "offline",
                    "generated_at": stamp(created),
                    "report_json": report.model_dump_json(by_alias=True),
                }
            )
            scores += [
                {"session_id": sid, "dimension": k, "score": v}
                for k, v in report.dimension_scores().items()
            ]
        with db.conn:
            db.conn.execute("BEGIN")
            db.table("sessions").insert_all(rows)
            db.table("session_questions").insert_all(questions)
            db.table("reports").insert_all(reports)
            db.table("report_scores").insert_all(scores)
    db.execute("ANALYZE")
    db.conn.close()


def median_ms(func: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        func()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def measure(path: Path, runs: int) -> dict[str, float]:
    db = open_db(path)
    now = datetime.now(UTC)
    cases: dict[str, Callable[[], object]] = {
        "list (page 1, with statistics)": lambda: list_history(db),
        "filter type + difficulty": lambda: list_history(
            db, HistoryFilter(type=InterviewType.DSA, difficulty=Difficulty.HARD)
        ),
        "filter --since 90d": lambda: list_history(db, HistoryFilter(since=now - timedelta(90))),
        "filter status + date range": lambda: list_history(
            db,
            HistoryFilter(
                status=Status.COMPLETED, since=now - timedelta(700), until=now - timedelta(300)
            ),
        ),
        "filter --grader offline": lambda: list_history(
            db, HistoryFilter(grader=GraderKind.OFFLINE)
        ),
        "sort by score": lambda: list_history(db, sort="score"),
        "page 5000": lambda: list_history(db, page=5000),
        "statistics only": lambda: history_statistics(db),
    }
    return {name: median_ms(func, runs) for name, func in cases.items()}


def cli_ms(path: Path, runs: int) -> float:
    env = {**os.environ, "MOCKINT_HOME": str(path.parent)}
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mockint", "history", "--json"],
            check=True,
            capture_output=True,
            env=env,
        )
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="database to build or reuse (mockint.db)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "mockint.db"
        if not path.exists():
            began = time.perf_counter()
            build(path, args.sessions)
            print(f"built {args.sessions:,} sessions in {time.perf_counter() - began:.0f} s")
        count = open_db(path).execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        print(f"{count:,} sessions, {path.stat().st_size / 2**20:,.0f} MiB")
        results = measure(path, args.runs)
        for name, ms in results.items():
            print(f"{name:32s} {ms:7.1f} ms")
        worst = max(results.values())
        print(f"slowest query: {worst:.1f} ms (target < {TARGET_MS} ms)")
        print(f"{'mockint history --json (process)':32s} {cli_ms(path, args.runs):7.1f} ms")


if __name__ == "__main__":
    main()
