"""The price table: user price, cost and margin by difficulty, duration by type."""

from __future__ import annotations

from mockint.enums import Difficulty, InterviewType
from mockint.models.usage import PriceRow, Pricing
from mockint.resources import load_toml


def _table() -> dict[str, object]:
    return load_toml("pricing.toml")


def currency() -> str:
    return str(_table()["currency"])


def pricing_for(difficulty: Difficulty) -> Pricing:
    row = _table()["difficulty"][difficulty.value]  # type: ignore[index]
    price, cost = int(row["price"]), int(row["cost"])
    return Pricing(user_price=price, cost_price=cost, margin=price - cost, currency=currency())


def duration_minutes(interview_type: InterviewType) -> int:
    return int(_table()["duration_minutes"][interview_type.value])  # type: ignore[index]


def question_count_bounds() -> tuple[int, int]:
    bounds = _table()["questions"]
    return int(bounds["min"]), int(bounds["max"])  # type: ignore[index]


def price_table(
    interview_type: InterviewType | None = None, difficulty: Difficulty | None = None
) -> list[PriceRow]:
    """Every (type, difficulty) row, narrowed by the filters given."""
    types = [interview_type] if interview_type else list(InterviewType)
    difficulties = [difficulty] if difficulty else list(Difficulty)
    rows = []
    for t in types:
        for d in difficulties:
            p = pricing_for(d)
            rows.append(
                PriceRow(
                    type=t,
                    difficulty=d,
                    duration_minutes=duration_minutes(t),
                    user_price=p.user_price,
                    cost_price=p.cost_price,
                    margin=p.margin,
                    currency=p.currency,
                )
            )
    return rows
