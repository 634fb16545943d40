"""Build ``src/mockint/data/key_point_frequency.json`` from the question bank.

The offline grader weighs each key-point term by its inverse document frequency
over the bank's key points (``mockint.grading.text.specificity``). Counting
them takes about half a second, too slow for every start, so the counts ship as
data. Run this after changing the bank or the lexicon; the test suite fails
while the shipped file is out of date.

    python tools/build_key_point_frequency.py
"""

from __future__ import annotations

import json
from pathlib import Path

from mockint.grading.text import KEY_POINT_FREQUENCY, key_point_frequency
from mockint.questions.bank import bank_questions

OUT = Path(__file__).resolve().parent.parent / "src" / "mockint" / "data" / KEY_POINT_FREQUENCY


def main() -> None:
    data = key_point_frequency([kp for q in bank_questions() for kp in q.key_points])
    OUT.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {data['key_points']} key points, {len(data['terms'])} terms")


if __name__ == "__main__":
    main()
