"""``mockint history``: past sessions and statistics."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from mockint.cli import console, options, render
from mockint.cli.common import database


class Sort(StrEnum):
    DATE = "date"
    SCORE = "score"


def history(
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    status: options.StatusOption = None,
    sort: Annotated[
        Sort, typer.Option("--sort", help="Order by date (newest first) or score (best first).")
    ] = Sort.DATE,
    page: Annotated[int, typer.Option("--page", "-p", min=1, help="Page number.")] = 1,
    limit: Annotated[
        int, typer.Option("--limit", "-l", min=1, max=1000, help="Sessions per page.")
    ] = 10,
    json: options.JsonOption = False,
) -> None:
    """List past interviews with scores, and statistics.

    Example: `mockint history --type dsa --sort score`
    """
    from mockint.history import list_history

    result = list_history(
        database(),
        interview_type=type,
        difficulty=difficulty,
        status=status,
        sort=sort.value,
        page=page,
        limit=limit,
    )
    if json:
        console.print_json(result.dump())
        return
    if not result.total:
        console.note(
            "No interviews yet. Start one with: mockint start --type dsa --difficulty medium"
        )
        return
    console.out.print(render.history_table(result))
