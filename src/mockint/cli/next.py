"""``mockint next``: what to practise next, from your history."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import console, options, render
from mockint.cli.common import database
from mockint.cli.errors import command_app
from mockint.cli.start import start
from mockint.history.recommend import recommend


def next_interview(
    start_it: Annotated[
        bool, typer.Option("--start", help="Start the recommended interview now.")
    ] = False,
    json: options.JsonOption = False,
) -> None:
    """Recommend the next interview from your weakest areas, spaced over time.

    Prints the exact `mockint start ...` command; `--start` runs it.

    Examples:

    - `mockint next`
    - `mockint next --start`
    """

    result = recommend(database())
    if json and not start_it:
        console.print_json(result.dump())
        return
    console.err.print(render.recommendation(result))
    if not start_it:
        console.print_text(result.command)
        return

    start(type=result.type, difficulty=result.difficulty, focus=result.focus, json=json)


app = command_app("next", next_interview)
