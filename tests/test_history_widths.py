"""``mockint history`` fits the terminal it runs in: every session id whole (12 characters,
more than the 4-character prefix other commands accept), every number whole, and below 60
columns one session per block. Checked on the screen of a pseudo-terminal at each width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from history_data import add_session
from mockint.enums import Difficulty, InterviewType, Status
from mockint.storage.connection import connect
from terminal import spawn

SESSIONS = [
    # id, type, difficulty, days ago, score, status
    ("b9f78a21b0c4", InterviewType.MACHINE_CODING, Difficulty.EXPERT, 1, 100, None),
    ("0d3e5f7a9b1c", InterviewType.SYSTEM_DESIGN, Difficulty.MEDIUM, 2, 7, None),
    ("5a6b7c8d9e0f", InterviewType.BEHAVIORAL, Difficulty.HARD, 3, None, Status.IN_PROGRESS),
    ("ffffffffffff", InterviewType.JAVASCRIPT, Difficulty.EASY, 4, 59, None),
]


@pytest.fixture
def stored(home: Path) -> None:
    with connect() as db:
        for sid, kind, difficulty, days, score, status in SESSIONS:
            add_session(db, sid, kind, difficulty, days, score, status=status)


def screen_of(columns: int) -> list[str]:
    child = spawn("history", rows=120, columns=columns)
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    return child.shown().splitlines()


@pytest.mark.parametrize("columns", [80, 200])
def test_the_table_shows_every_id_score_and_minute_whole(stored: None, columns: int) -> None:
    lines = screen_of(columns)
    assert any(line.split()[:2] == ["Session", "Date"] for line in lines)  # a table
    for sid, _, _, _, score, status in SESSIONS:
        (row,) = [line for line in lines if line.startswith(sid)]
        cells = row.split()
        assert sid in cells
        assert (status or Status.COMPLETED).value in cells
        assert (str(score) if score is not None else "-") in cells
        assert ("20" if score is not None else "-") in cells  # minutes
    assert all(len(line) <= columns for line in lines)
    assert "…" not in "\n".join(lines)


@pytest.mark.parametrize("columns", [70, 60, 50, 40])
def test_a_narrow_terminal_lists_one_session_per_block_with_full_ids(
    stored: None, columns: int
) -> None:
    lines = screen_of(columns)
    assert not any(line.split()[:2] == ["Session", "Date"] for line in lines)
    for sid, kind, difficulty, _, score, status in SESSIONS:
        (i,) = [i for i, line in enumerate(lines) if line.startswith(sid)]
        assert re.fullmatch(rf"{sid}  \d{{4}}-\d\d-\d\d \d\d:\d\d", lines[i])
        block = " ".join(lines[i + 1 : i + 3])
        assert kind.label in block and difficulty.label in block
        assert (status or Status.COMPLETED).value in block
        assert f"score {score if score is not None else '-'}" in block
    assert all(len(line) <= columns for line in lines)
    assert "…" not in "\n".join(lines)
    # the statistics fit too: their numbers whole
    (by_type,) = [i for i, line in enumerate(lines) if line.strip() == "By type"]
    shown = " ".join(line.strip() for line in lines[by_type:])
    assert "machine-coding: 1 completed, average 100.0, best 100, last 100" in shown


def test_the_price_table_keeps_its_figures_whole_at_50_columns(home: Path) -> None:
    child = spawn("price", rows=120, columns=50)
    child.wait_until_gone()
    lines = child.shown().splitlines()
    assert all(len(line) <= 50 for line in lines)
    figures = [line.split()[-5:] for line in lines if line.rstrip().endswith(("₹69", "₹224"))]
    assert len(figures) == 10  # the easy and expert rows of the five types
    assert figures[0] == ["12", "min", "₹99", "₹30", "₹69"]
    assert figures[1] == ["12", "min", "₹299", "₹75", "₹224"]
    assert "…" not in "\n".join(lines)


def test_wrapped_bullets_hang_under_their_text_not_their_bullet() -> None:
    from rich.text import Text

    from mockint.cli.console import plain
    from mockint.cli.render import bullets

    lines = plain(bullets([Text("a long recommendation " * 6), Text("short")]), width=40)
    lines = [line for line in lines.split("\n") if line]
    assert lines[0].startswith("  • a long")
    assert all(line.startswith("    ") for line in lines[1:-1])  # the hanging indent
    assert lines[-1] == "  • short"


def test_a_session_under_a_minute_shows_under_one_minute_not_zero() -> None:
    from types import SimpleNamespace

    from mockint.cli.render import _minutes

    shown = [_minutes(SimpleNamespace(duration=d)) for d in (None, 0, 49, 60, 1199)]  # type: ignore[arg-type]
    assert shown == ["-", "0", "<1", "1", "19"]
