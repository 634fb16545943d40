"""Build ``src/mockint/data/bank_topics.npz`` from the question bank.

The offline grader measures how far an answer is from every bank question
(relevance, and answers that fit another question better: see
``mockint.grading.offline``). Embedding the bank's 140 question texts took about
0.1 s of every interview's start, so the vectors ship as data: ``ids`` and
``types`` (one string each per question) and ``vectors`` (questions x 256,
float32 unit rows). Run this after changing the bank, the lexicon or the
embedding model; the test suite fails while the shipped file is out of date.

    python tools/build_bank_topics.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockint.grading.offline import BANK_TOPICS, bank_topics
from mockint.questions.bank import bank_questions

OUT = Path(__file__).resolve().parent.parent / "src" / "mockint" / "data" / BANK_TOPICS


def main() -> None:
    keys, vectors = bank_topics(bank_questions())
    with OUT.open("wb") as fh:
        np.savez_compressed(
            fh,
            ids=np.array([qid for qid, _ in keys]),
            types=np.array([kind.value for _, kind in keys]),
            vectors=vectors,
        )
    print(f"{OUT}: {len(keys)} questions, {vectors.shape[1]} dimensions")


if __name__ == "__main__":
    main()
