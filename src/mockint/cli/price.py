"""``mockint price``: the price table."""

from __future__ import annotations

from mockint.cli import console, options, render


def price(
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    json: options.JsonOption = False,
) -> None:
    """Show price, duration, cost and margin per interview type and difficulty.

    Example: `mockint price --type dsa --difficulty hard`
    """
    from mockint import pricing

    rows = pricing.price_table(type, difficulty)
    if json:
        console.print_json({"currency": pricing.currency(), "prices": [r.dump() for r in rows]})
        return
    console.out.print(render.price_table(rows))
