"""Helpers the command modules share: database access and the selection request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mockint.enums import Difficulty, InterviewType

if TYPE_CHECKING:
    from sqlite_utils import Database

    from mockint.sources import SelectionRequest


def database() -> Database:
    from mockint.db import open_db

    return open_db()


def selection_request(
    type: InterviewType | None,
    difficulty: Difficulty | None,
    focus: list[str] | None,
    notes: str | None,
    count: int | None,
    pack: Path | None,
    seed: int | None,
) -> SelectionRequest:
    from mockint.sources import SelectionRequest

    return SelectionRequest(
        type=type,
        difficulty=difficulty,
        focus=[f for f in (focus or []) if f.strip()],
        notes=notes,
        count=count,
        pack=pack,
        seed=seed,
    )
