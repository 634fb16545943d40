"""Agreement of the offline grader with human graders, next to a keyword baseline.

Reads the UNT short-answer grading set (Mohler, Bunescu and Mihalcea, ACL 2011;
development half, ``../shared/datasets/unt-dev/`` by default) at run time, turns
each question into a mockint question whose key points are its reference
answer's sentences, grades every student answer with the grader the CLI uses
(``mockint.grading.offline.grade_answer``) and prints, for the grader and for a
stemmed keyword-recall baseline computed in the same run:

- Pearson r between the grader's 0-100 score and the human 0-5 grade;
- mean within-question Pearson r (questions whose human grades vary);
- the share of same-question answer pairs whose human grades are 2+ points
  apart that the grader strictly orders the same way (a tie is not ordered);
- answers graded per second on one core.

It then prints the interview calibration figures (``benchmarks/grader_calibration.py``).

    python benchmarks/grader_agreement.py [--data DIR] [--type dsa]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from mockint.enums import Difficulty, InterviewType
from mockint.grading.embeddings import MODEL_DIR, EmbeddingModel
from mockint.grading.offline import grade_answer
from mockint.grading.text import split_sentences, stem, words
from mockint.models.questions import Question
from mockint.models.sessions import AnsweredQuestion

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "unt-dev"
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "as",
        "which",
        "what",
        "when",
        "how",
        "why",
        "do",
        "does",
        "can",
        "will",
        "would",
        "should",
        "not",
        "no",
        "into",
        "than",
        "then",
        "there",
        "their",
        "they",
        "them",
        "so",
        "if",
        "but",
        "also",
        "such",
    ]
)


def load(data: Path, kind: InterviewType) -> list[tuple[Question, str, float]]:
    """(question, answer, human grade 0-5) for every answer in ``data``."""
    questions: dict[str, Question] = {}
    with (data / "questions.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            points = split_sentences(row["reference_answer"]) or [row["reference_answer"]]
            questions[row["id"]] = Question(
                id="unt-" + row["id"],
                type=kind,
                difficulty=Difficulty.MEDIUM,
                text=row["question"],
                key_points=points[:12],
            )
    with (data / "answers.csv").open(encoding="utf-8") as fh:
        return [
            (questions[row["id"]], row["answer"], float(row["score"])) for row in csv.DictReader(fh)
        ]


def keyword_recall(question: Question, answer: str) -> float:
    """Baseline: share of the reference's stemmed content words found in the answer."""
    reference = {stem(w) for kp in question.key_points for w in words(kp.lower())} - STOP
    said = {stem(w) for w in words(answer.lower())}
    return len(reference & said) / len(reference) if reference else 0.0


def offline_score(question: Question, answer: str) -> float:
    return float(grade_answer(AnsweredQuestion(question=question, answer=answer)).score)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return float("nan")
    return statistics.correlation(xs, ys)


def agreement(
    rows: list[tuple[Question, str, float]], scores: list[float]
) -> tuple[float, float, float]:
    """(Pearson r, mean within-question r, share of 2+ point pairs ordered right)."""
    human = [h for _, _, h in rows]
    overall = pearson(scores, human)
    by_question: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for (question, _, h), s in zip(rows, scores, strict=True):
        by_question[question.id].append((s, h))
    within = [
        r
        for pairs in by_question.values()
        if (r := pearson([s for s, _ in pairs], [h for _, h in pairs])) == r  # drop NaN
    ]
    right = total = 0
    for pairs in by_question.values():
        for i, (s1, h1) in enumerate(pairs):
            for s2, h2 in pairs[i + 1 :]:
                if abs(h1 - h2) >= 2:
                    total += 1
                    if s1 != s2 and (s1 > s2) == (h1 > h2):
                        right += 1
    return overall, statistics.mean(within), right / total if total else float("nan")


def measure(
    rows: list[tuple[Question, str, float]], grader: Callable[[Question, str], float]
) -> tuple[list[float], float]:
    start = time.perf_counter()
    scores = [grader(q, a) for q, a, _ in rows]
    return scores, len(rows) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--type", default="dsa", choices=[t.value for t in InterviewType])
    parser.add_argument("--no-calibration", action="store_true")
    args = parser.parse_args()
    rows = load(args.data, InterviewType(args.type))
    start = time.perf_counter()
    with resources.as_file(resources.files("mockint") / "data" / MODEL_DIR) as folder:
        EmbeddingModel.load(Path(folder))
    print(f"Embedding model load: {1000 * (time.perf_counter() - start):.0f} ms")
    # Warm the grader (lexicons, model) so the rate measures grading, not loading.
    offline_score(rows[0][0], rows[0][1])
    n_questions = len({q.id for q, _, _ in rows})
    print(f"UNT short-answer set ({args.data.name}): {len(rows)} answers, {n_questions} questions")
    print(f"{'grader':34s}{'Pearson r':>11s}{'within-q r':>12s}{'pairs 2+':>10s}{'answers/s':>11s}")
    for name, grader in (
        ("stemmed keyword recall (baseline)", keyword_recall),
        ("mockint offline grader", offline_score),
    ):
        scores, rate = measure(rows, grader)
        r, within, pairs = agreement(rows, scores)
        print(f"{name:34s}{r:11.3f}{within:12.3f}{pairs:10.3f}{rate:11.0f}")
    if not args.no_calibration:
        import grader_calibration

        print()
        grader_calibration.main([])


if __name__ == "__main__":
    main()
