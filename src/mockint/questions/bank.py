"""The built-in question bank, shipped as TOML files in ``mockint/data/bank``."""

from __future__ import annotations

from functools import cache

from mockint import pricing
from mockint.enums import Difficulty, InterviewType
from mockint.errors import UsageError
from mockint.models.questions import Question
from mockint.questions.selection import pick
from mockint.questions.source import Selection, SelectionRequest
from mockint.resources import data_names, load_toml


def bank_questions() -> tuple[Question, ...]:
    """Every question of the bank, validated, in the order of the bank's file names."""
    return tuple(
        q for name in data_names("bank") for q in bank_questions_of(InterviewType(name[:-5]))
    )


@cache
def bank_questions_of(interview_type: InterviewType) -> tuple[Question, ...]:
    """The bank's questions of one type (``data/bank/<type>.toml``), validated: an
    interview reads only its own type's file."""
    raw = load_toml(f"bank/{interview_type.value}.toml")["questions"]
    return tuple(Question.model_validate(q) for q in raw)


def bank_cell(interview_type: InterviewType, difficulty: Difficulty) -> list[Question]:
    return [q for q in bank_questions_of(interview_type) if q.difficulty == difficulty]


class BankSource:
    name = "bank"

    def select(self, request: SelectionRequest) -> Selection:
        if request.type is None or request.difficulty is None:
            raise UsageError(
                "Choose an interview with --type and --difficulty "
                "(for example: --type dsa --difficulty hard), or give --pack FILE."
            )
        minutes = pricing.duration_minutes(request.type)
        questions, warnings = pick(
            bank_cell(request.type, request.difficulty),
            focus=request.focus,
            count=request.count,
            seed=request.seed,
            recent=request.recent,
            minutes=minutes,
            bounds=pricing.question_count_bounds(),
        )
        estimated = minutes if request.count is None else sum(q.time_minutes for q in questions)
        return Selection(
            questions=questions,
            type=request.type,
            difficulty=request.difficulty,
            source=self.name,
            estimated_minutes=estimated,
            warnings=warnings,
        )
