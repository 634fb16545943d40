"""Prices and API usage: what an interview is priced at, and what each paid API call
(tokens and US dollars, as providers price them) cost."""

from __future__ import annotations

from pydantic import Field

from mockint.enums import Difficulty, InterviewType
from mockint.models.base import ApiModel


class Pricing(ApiModel):
    user_price: int
    cost_price: int
    margin: int
    currency: str


class PriceRow(ApiModel):
    type: InterviewType
    difficulty: Difficulty
    duration_minutes: int
    user_price: int
    cost_price: int
    margin: int
    currency: str


class ApiUsage(ApiModel):
    """One call to a paid API, recorded against the session it served."""

    provider: str
    model: str
    purpose: str
    prompt_tokens: int = 0
    output_tokens: int = 0
    #: as the provider prices it, in US dollars
    cost_usd: float = 0.0


class ApiCost(ApiModel):
    """What a session's API calls actually cost (US dollars, as providers price them)."""

    currency: str = "USD"
    total: float
    #: how many paid API requests (JSON: "calls", kept for compatibility)
    requests: int = Field(alias="calls")
    prompt_tokens: int
    output_tokens: int
    by_purpose: dict[str, float] = Field(default_factory=dict)


class SessionCost(ApiModel):
    """What a session is priced at, and what its API calls actually cost."""

    session_id: str
    type: InterviewType
    difficulty: Difficulty
    pricing: Pricing
    api_cost: ApiCost | None
