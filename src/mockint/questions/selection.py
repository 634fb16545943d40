"""Choosing which questions an interview asks, from any list of candidates.

Rules: focus areas first (matched against topics), questions the person has
not been asked recently before ones they have, then as many as fit the
interview's duration (within the configured bounds) unless a count is given.
With a seed the choice depends on the seed and options alone, so the same seed
always gives the same questions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from mockint.errors import UsageError
from mockint.models.questions import Question, normalise_topic
from mockint.wording import counted


def matches_focus(question: Question, focus: str) -> bool:
    wanted = normalise_topic(focus)
    if not wanted:
        return False
    for topic in question.topics:
        if wanted == topic or wanted in topic or topic in wanted:
            return True
    return wanted.replace("-", " ") in question.text.lower()


def fit_to_duration(questions: Sequence[Question], minutes: int, bounds: tuple[int, int]) -> int:
    """How many of ``questions`` (in order) to ask in ``minutes``."""
    low, high = bounds
    used = 0
    count = 0
    for question in questions[:high]:
        if count >= low and used + question.time_minutes > minutes:
            break
        used += question.time_minutes
        count += 1
    return count


def pick(
    candidates: Sequence[Question],
    *,
    focus: Sequence[str] = (),
    count: int | None = None,
    seed: int | None = None,
    recent: Mapping[str, str] | None = None,
    minutes: int,
    bounds: tuple[int, int],
) -> tuple[list[Question], list[str]]:
    """Return the chosen questions (easiest first) and any warnings."""
    warnings: list[str] = []
    if not candidates:
        raise UsageError("No questions match that selection. Try another type or difficulty.")
    if count is not None and count < 1:
        raise UsageError("--count must be at least 1.")
    if count is not None and count > len(candidates):
        raise UsageError(
            f"Only {counted(len(candidates), 'question')} match that "
            f"selection, so --count {count} cannot be met. Use --count {len(candidates)} or fewer."
        )
    rng = random.Random(seed)
    order = list(candidates)
    rng.shuffle(order)
    if seed is None and recent:
        # Never-asked first, then the longest ago; ties keep the random order.
        order.sort(key=lambda q: recent.get(q.id, ""))
    if focus:
        for area in focus:
            if not any(matches_focus(q, area) for q in candidates):
                warnings.append(f"No question here covers the focus area {area!r}; it was ignored.")
        order.sort(key=lambda q: not any(matches_focus(q, area) for area in focus))
    n = count if count is not None else fit_to_duration(order, minutes, bounds)
    chosen = order[:n]
    chosen.sort(key=lambda q: q.difficulty_level)
    return chosen, warnings
