"""The Gemini models mockint knows, as data: prices, promotions, shutdown dates, temperature.

Everything here is read from ``data/gemini.toml`` (``[models.*]`` and ``[retired]``); see
that file for what each field means. Prices are US dollars per million tokens, as Google
publishes them (ai.google.dev/gemini-api/docs/pricing); shutdown dates are the ones Google
announces (ai.google.dev/gemini-api/docs/deprecations). Days are UTC dates from
:mod:`mockint.clock`.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from mockint import clock
from mockint.resources import load_toml
from mockint.wording import counted


class Price(BaseModel):
    """US dollars per million tokens; output includes thinking tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_per_million: float
    output_per_million: float


class Promotion(Price):
    #: the last day (UTC, inclusive) the promotional price applies
    until: date


class ModelEntry(Price):
    promotion: Promotion | None = None
    #: the announced shutdown day (UTC); None when none was announced
    shutdown: date | None = None
    #: sent with each request only when set
    temperature: float | None = None


def settings() -> dict[str, Any]:
    return load_toml("gemini.toml")


@cache
def catalog() -> dict[str, ModelEntry]:
    """Every priced model by name (validated once per process)."""
    return {name: ModelEntry.model_validate(entry) for name, entry in settings()["models"].items()}


def today() -> date:
    return clock.now().date()


def price(model: str, day: date | None = None) -> Price | None:
    """The price of ``model`` on ``day`` (default today): the promotion while it runs, else
    the normal price; None for a model not in the table."""
    entry = catalog().get(model)
    if entry is None:
        return None
    day = day or today()
    if entry.promotion is not None and day <= entry.promotion.until:
        return entry.promotion
    return entry


def call_cost(model: str, input_tokens: int, output_tokens: int, day: date | None = None) -> float:
    """US dollars for one call on ``day`` (default today); 0 for a model not in the table.

    ``input_tokens`` is the prompt plus tool-use prompt tokens, ``output_tokens`` the
    candidates plus thinking tokens (Google bills thinking as output).
    """
    found = price(model, day)
    if found is None:
        return 0.0
    return (
        input_tokens * found.input_per_million + output_tokens * found.output_per_million
    ) / 1_000_000


def temperature(model: str) -> float | None:
    """The temperature to send for ``model``: only one set in the table, else None (the
    model's default; Google's guidance for Gemini 3 models)."""
    entry = catalog().get(model)
    return entry.temperature if entry else None


def shutdown_day(model: str) -> date | None:
    entry = catalog().get(model)
    if entry is not None:
        return entry.shutdown
    retired = settings().get("retired", {}).get(model)
    return retired if isinstance(retired, date) else None


def day_text(day: date) -> str:
    """A day as people write it: ``7 May 2027``."""
    return f"{day.day} {day:%B %Y}"


def shutdown_notice(model: str, day: date | None = None) -> str | None:
    """One line when ``model`` shuts down within ``shutdown_warning_days`` of ``day`` (default
    today) or already has; None otherwise (or when no date was announced)."""
    shutdown = shutdown_day(model)
    if shutdown is None:
        return None
    day = day or today()
    left = (shutdown - day).days
    if left > int(settings()["shutdown_warning_days"]):
        return None
    when = day_text(shutdown)
    if left <= 0:
        state = f"was shut down by Google on {when}"
    else:
        state = f"shuts down on {when} ({counted(left, 'day')} from now)"
    return (
        f"Gemini model {model} {state}; choose another with --model, MOCKINT_GEMINI_MODEL "
        "or the config file."
    )


_warned: set[str] = set()


def lifetime_notices(models: list[str]) -> list[str]:
    """The shutdown notices for ``models`` not yet given in this process (each once)."""
    notices = []
    for model in dict.fromkeys(models):
        notice = shutdown_notice(model)
        if notice is not None and model not in _warned:
            _warned.add(model)
            notices.append(notice)
    return notices
