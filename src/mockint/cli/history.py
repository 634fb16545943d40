"""``mockint history``: past sessions, statistics and the score trend."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from mockint.cli import console, options, render
from mockint.cli.chart import trend_chart
from mockint.cli.common import database, history_filter
from mockint.cli.errors import command_app
from mockint.history.stats import list_history, trend


class Sort(StrEnum):
    DATE = "date"
    SCORE = "score"


class StatsDetail(StrEnum):
    SHORT = "short"
    FULL = "full"


def scope_of(**given: object) -> str:
    """Which sessions the figures count, as the options that chose them."""
    chosen = [
        f"--{name.replace('_', '-')} {getattr(value, 'value', value)}"
        for name, value in given.items()
        if value is not None
    ]
    return f" matching {' '.join(chosen)}" if chosen else ""


def history(
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    status: options.StatusOption = None,
    since: options.SinceOption = None,
    until: options.UntilOption = None,
    grader: options.GraderOption = None,
    sort: Annotated[
        Sort, typer.Option("--sort", help="Order by date (newest first) or score (best first).")
    ] = Sort.DATE,
    page: Annotated[
        int, typer.Option("--page", "-p", min=1, max=10_000_000, help="Page number.")
    ] = 1,
    limit: Annotated[
        int, typer.Option("--limit", "-l", min=1, max=1000, help="Sessions per page.")
    ] = 10,
    chart: Annotated[
        bool, typer.Option("--chart", help="Draw the score over time (one line per type).")
    ] = False,
    stats: Annotated[
        StatsDetail,
        typer.Option(
            "--stats",
            help="short: per type, the weakest dimensions and most-missed key points; "
            "full: every figure.",
            case_sensitive=False,
        ),
    ] = StatsDetail.SHORT,
    json: options.JsonOption = False,
) -> None:
    """List past interviews with scores and statistics, or chart your progress.

    Examples:

    - `mockint history --type dsa --sort score`
    - `mockint history --since 30d --chart`
    - `mockint history --grader gemini`
    """

    db = database()
    filters = history_filter(type, difficulty, status, since, until, grader)
    result = list_history(db, filters, sort=sort.value, page=page, limit=limit)
    points = trend(db, filters) if chart else []
    if result.skipped:
        console.warn(
            f"Left out {len(result.skipped)} session(s) this version of mockint cannot read "
            f"(written by a newer one?): {', '.join(result.skipped)}."
        )
    if json:
        data = result.dump()
        if chart:
            data["trend"] = [p.dump() for p in points]
        console.print_json(data)
        return
    if not result.total:
        console.note(
            "No interviews match. Start one with: mockint start --type dsa --difficulty medium"
            if filters.model_dump(exclude_none=True)
            else "No interviews yet. Start one with: mockint start --type dsa --difficulty medium"
        )
        return
    if chart:
        if not points:
            console.note("No graded interviews to chart yet: finish one first.")
            return

        title = f"Score over time · {type.label if type else 'all types'}"
        console.show(trend_chart(points, width=console.out.width, title=title))
        return
    scope = scope_of(
        type=type, difficulty=difficulty, status=status, since=since, until=until, grader=grader
    )
    console.show(
        render.history_table(
            result, width=console.out.width, full=stats == StatsDetail.FULL, scope=scope
        )
    )


app = command_app("history", history)
