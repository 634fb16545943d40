"""Questions from a user's pack file (see :mod:`mockint.questions.packs`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mockint import pricing
from mockint.enums import Difficulty, InterviewType
from mockint.models.questions import Question
from mockint.questions.packs import load_pack
from mockint.questions.selection import pick
from mockint.questions.source import Selection, SelectionRequest


def _most_common(values: list[str]) -> str:
    return Counter(values).most_common(1)[0][0]


class PackSource:
    name = "pack"

    def __init__(self, path: Path) -> None:
        self.path = path

    def select(self, request: SelectionRequest) -> Selection:
        pack = load_pack(self.path)
        candidates: list[Question] = [
            q
            for q in pack.questions
            if (request.type is None or q.type == request.type)
            and (request.difficulty is None or q.difficulty == request.difficulty)
        ]
        warnings: list[str] = []
        if request.type is None and request.difficulty is None and request.count is None:
            # The whole pack, in file order.
            questions = candidates
            for area in request.focus:
                warnings.append(f"Focus area {area!r} is ignored when a whole pack is asked.")
        else:
            first = request.type or (candidates[0].type if candidates else None)
            minutes = pricing.duration_minutes(first) if first else 30
            questions, warnings = pick(
                candidates,
                focus=request.focus,
                count=request.count,
                seed=request.seed,
                recent=request.recent,
                minutes=minutes,
                bounds=pricing.question_count_bounds(),
            )
        interview_type = request.type or InterviewType(_most_common([q.type for q in questions]))
        kinds = Counter(q.type.value for q in questions)
        if len(kinds) > 1:
            mixed = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
            warnings.append(
                f"The questions mix interview types ({mixed}): each is graded as its own type, "
                f"and the session counts as {interview_type.value} in history. Pass --type to "
                "ask one type only."
            )
        difficulty = request.difficulty or Difficulty(
            _most_common([q.difficulty for q in questions])
        )
        return Selection(
            questions=questions,
            type=interview_type,
            difficulty=difficulty,
            source=f"pack:{pack.name}",
            estimated_minutes=sum(q.time_minutes for q in questions),
            warnings=warnings,
        )
