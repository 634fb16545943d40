"""``mockint price``: the price table."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint import pricing
from mockint.cli import console, options, render
from mockint.cli.common import database
from mockint.cli.errors import command_app
from mockint.storage.usage import session_cost


def price(
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            help="Show what this session's API calls actually cost (id, prefix or last), "
            "then its list price.",
            show_default=False,
        ),
    ] = None,
    json: options.JsonOption = False,
) -> None:
    """Show price, duration, cost and margin per interview type and difficulty.

    Examples:

    - `mockint price --type dsa --difficulty hard`
    - `mockint price --session last`
    """

    if session is not None:
        cost = session_cost(database(), session)
        if json:
            console.print_json(cost.dump())
            return
        console.show(render.session_cost(cost))
        return

    rows = pricing.price_table(type, difficulty)
    if json:
        console.print_json({"currency": pricing.currency(), "prices": [r.dump() for r in rows]})
        return
    console.show(render.price_table(rows))


app = command_app("price", price)
