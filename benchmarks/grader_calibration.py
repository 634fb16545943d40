"""Grader calibration and throughput on the calibration sets in tests/calibration.

Prints the mean score of each answer level, the fraction of question pairs
ranked correctly, and how many answers a second the offline grader handles
on one core; then the same for the blind interview sets: bank questions answered
blind at seven levels, from terse expert to negated (``interview.toml`` and
``interview_more.toml``, development data; ``interview_holdout.toml``,
``interview_holdout_2.toml``, ``interview_holdout_3.toml`` and ``interview_holdout_4.toml``,
held out).

    python benchmarks/grader_calibration.py [--pack PACK --answers ANSWERS.toml]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from pathlib import Path

from mockint.grading.offline import grade_answer
from mockint.models.sessions import AnsweredQuestion
from mockint.questions.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent / "tests" / "calibration"
LEVELS = ("strong", "medium", "weak", "off_topic", "stuffed", "injection")
ORDER = (
    ("strong", "medium"),
    ("medium", "weak"),
    ("strong", "weak"),
    ("strong", "stuffed"),
    ("medium", "stuffed"),
)


def score_all(pack: Path, answers: Path) -> dict[str, dict[str, int]]:
    questions = {q.id: q for q in load_pack(pack).questions}
    data = tomllib.loads(answers.read_text(encoding="utf-8"))["answers"]
    scores: dict[str, dict[str, int]] = {}
    for entry in data:
        question = questions[entry["question"]]
        scores[question.id] = {
            level: grade_answer(AnsweredQuestion(question=question, answer=entry[level])).score
            for level in LEVELS
        }
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pack", type=Path, default=ROOT / "pack.toml")
    parser.add_argument("--answers", type=Path, default=ROOT / "answers.toml")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    scores = score_all(args.pack, args.answers)
    if args.verbose:
        print("question".ljust(34) + "".join(level[:8].rjust(10) for level in LEVELS))
        for qid, row in scores.items():
            print(qid.ljust(34) + "".join(str(row[level]).rjust(10) for level in LEVELS))
    print("\nMean score by level:")
    for level in LEVELS:
        print(f"  {level:10s} {statistics.mean(r[level] for r in scores.values()):5.1f}")
    print("\nQuestions ranked correctly:")
    for better, worse in ORDER:
        ok = sum(r[better] > r[worse] for r in scores.values())
        print(f"  {better} > {worse}: {ok}/{len(scores)}")
    ok = sum(
        r[b] > r[w]
        for r in scores.values()
        for b, w in (("strong", "medium"), ("medium", "weak"), ("strong", "weak"))
    )
    print(f"  strong > medium > weak pairs: {ok}/{3 * len(scores)} = {ok / (3 * len(scores)):.0%}")
    gap = statistics.mean(r["strong"] - r["stuffed"] for r in scores.values())
    print(f"  strong - stuffed, mean gap: {gap:.1f} points")
    weak_mean = statistics.mean(r["weak"] for r in scores.values())
    for level in ("off_topic", "injection"):
        print(
            f"  {level} mean {statistics.mean(r[level] for r in scores.values()):.1f} (weak {weak_mean:.1f})"
        )

    rate, graded = throughput(args.pack, args.answers)
    print(f"\nThroughput: {rate:.0f} answers/s on one core ({graded} distinct answers)")
    interview()
    interview(ROOT / "interview_more.toml", "second interview set (two more writers)")
    interview(ROOT / "interview_holdout.toml", "held-out interview set (no constant tuned on it)")
    interview(ROOT / "interview_holdout_2.toml", "second held-out set (never read or tuned on)")
    interview(ROOT / "interview_holdout_3.toml", "third held-out set (only its wrong notes read)")
    interview(ROOT / "interview_holdout_4.toml", "fourth held-out set (only its wrong notes read)")
    practices()


def practices(path: Path = ROOT / "behavioral_practices.toml") -> None:
    """Bad-practice stories against excellent ones on the same behavioural questions: mean
    scores, how often the good story wins, and how many bad ones are told they said a key
    point the other way."""
    from mockint.questions.bank import bank_questions

    bank = {q.id: q for q in bank_questions()}
    data = tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
    bad: list[float] = []
    good: list[float] = []
    wins = noted = 0
    for e in data:
        question = bank[e["question"]]
        best = grade_answer(AnsweredQuestion(question=question, answer=e["good"])).score
        good.append(best)
        for level in ("negated_1", "negated_2", "negated_3"):
            result = grade_answer(AnsweredQuestion(question=question, answer=e[level]))
            bad.append(result.score)
            wins += best > result.score
            noted += any(p.contradicted for p in result.points) or bool(result.story.red_flags)
    print(f"\nBad-practice stories ({len(data)} behavioural questions, {len(bad)} stories):")
    print(f"  good {statistics.mean(good):5.1f}, bad practice {statistics.mean(bad):5.1f}")
    print(f"  good story above each bad one: {wins}/{len(bad)}")
    print(
        f"  bad-practice stories with a red flag or a point said the other way: {noted}/{len(bad)}"
    )


INTERVIEW_LEVELS = (
    "terse_expert",
    "spoken",
    "code_or_bullets",
    "medium",
    "shallow",
    "negated",
    "weak",
)
STRONG_LEVELS = ("terse_expert", "spoken", "code_or_bullets")


def interview(path: Path = ROOT / "interview.toml", name: str = "interview set") -> None:
    """Mean score per level on the blind interview set, how often levels are ordered, and
    how many strong or medium answers are told they said the opposite of a key point or a
    wrong complexity (a note no correct answer should get)."""
    from mockint.questions.bank import bank_questions

    bank = {q.id: q for q in bank_questions()}
    data = tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
    rows = []
    for e in data:
        results = {
            level: grade_answer(AnsweredQuestion(question=bank[e["question"]], answer=e[level]))
            for level in INTERVIEW_LEVELS
        }
        row = {level: result.score for level, result in results.items()}
        row["false_notes"] = sum(
            any(p.contradicted for p in results[level].points)
            for level in (*STRONG_LEVELS, "medium")
        )
        rows.append(row)
    print(f"\n{name.capitalize()} ({len(rows)} bank questions, answered blind):")
    for level in INTERVIEW_LEVELS:
        print(f"  {level:16s} {statistics.mean(r[level] for r in rows):5.1f}")
    for low in ("medium", "shallow", "negated", "weak"):
        ok = sum(r[s] > r[low] for r in rows for s in STRONG_LEVELS)
        print(f"  strong kinds > {low}: {ok}/{3 * len(rows)}")
    ok = sum(r["medium"] > r["weak"] for r in rows)
    print(f"  medium > weak: {ok}/{len(rows)}")
    print(f"  'you said the opposite', 'wrong complexity' or 'wrong order' on a strong or medium answer: "
          f"{sum(r['false_notes'] for r in rows)} of {4 * len(rows)} answers")  # fmt: skip


def throughput(pack: Path, answers: Path, seconds: float = 2.0) -> tuple[float, int]:
    """Answers graded per second (each answer distinct, so no cache helps), and how many."""
    questions = {q.id: q for q in load_pack(pack).questions}
    data = tomllib.loads(answers.read_text(encoding="utf-8"))["answers"]
    items = [
        AnsweredQuestion(question=questions[e["question"]], answer=e[level] + f" (variant {n})")
        for n in range(40)
        for e in data
        for level in LEVELS
    ]
    start = time.perf_counter()
    graded = 0
    for item in items:
        grade_answer(item)
        graded += 1
        if time.perf_counter() - start > seconds:
            break
    return graded / (time.perf_counter() - start), graded


if __name__ == "__main__":
    main()
