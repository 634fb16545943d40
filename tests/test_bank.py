from __future__ import annotations

from collections import Counter

import pytest

from mockint.enums import Difficulty, InterviewType
from mockint.errors import UsageError
from mockint.questions.bank import BankSource, bank_cell, bank_questions
from mockint.questions.selection import pick
from mockint.questions.source import SelectionRequest


def test_every_cell_has_at_least_six_questions():
    cells = Counter((q.type, q.difficulty) for q in bank_questions())
    for t in InterviewType:
        for d in Difficulty:
            assert cells[(t, d)] >= 6, (t, d)
    assert len(bank_questions()) >= 120


def test_every_question_is_complete():
    ids = [q.id for q in bank_questions()]
    assert len(ids) == len(set(ids))
    for q in bank_questions():
        assert 4 <= len(q.key_points) <= 6, q.id
        assert all(len(kp.split()) >= 5 for kp in q.key_points), q.id
        assert q.follow_ups, q.id
        assert q.topics, q.id
        assert 1 <= q.difficulty_level <= 10
        assert q.time_minutes >= 1


def test_default_count_fits_the_duration():
    for t in InterviewType:
        selection = BankSource().select(
            SelectionRequest(type=t, difficulty=Difficulty.MEDIUM, seed=1)
        )
        assert 5 <= len(selection.questions) <= 7, t
        assert all(q.type == t and q.difficulty == Difficulty.MEDIUM for q in selection.questions)


def test_same_seed_same_questions():
    request = SelectionRequest(type=InterviewType.DSA, difficulty=Difficulty.HARD, seed=42)
    first = [q.id for q in BankSource().select(request).questions]
    assert first == [q.id for q in BankSource().select(request).questions]
    choices = {
        tuple(
            q.id
            for q in BankSource()
            .select(SelectionRequest(type=InterviewType.DSA, difficulty=Difficulty.HARD, seed=s))
            .questions
        )
        for s in range(10)
    }
    assert len(choices) > 1  # the seed matters


def test_focus_areas_come_first():
    cell = bank_cell(InterviewType.SYSTEM_DESIGN, Difficulty.MEDIUM)
    topic = cell[0].topics[0]
    chosen, warnings = pick(cell, focus=[topic], count=1, seed=3, minutes=20, bounds=(5, 7))
    assert topic in chosen[0].topics
    assert warnings == []
    _, warnings = pick(
        cell, focus=["underwater-basket-weaving"], count=1, seed=3, minutes=20, bounds=(5, 7)
    )
    assert "underwater-basket-weaving" in warnings[0]


def test_recent_questions_are_avoided_while_others_remain():
    cell = bank_cell(InterviewType.BEHAVIORAL, Difficulty.EASY)
    recent = {q.id: "2026-11-01T00:00:00+00:00" for q in cell[:-2]}
    chosen, _ = pick(cell, count=2, recent=recent, minutes=30, bounds=(5, 7))
    assert {q.id for q in chosen} == {q.id for q in cell[-2:]}


def test_count_larger_than_available_is_a_usage_error():
    cell = bank_cell(InterviewType.DSA, Difficulty.EASY)
    with pytest.raises(UsageError, match="cannot be met"):
        pick(cell, count=len(cell) + 1, minutes=25, bounds=(5, 7))
