"""Asking a model for JSON bound to a schema: the retry rules every provider's client shares.

A client (:class:`mockint.gemini.client.GeminiClient`,
:class:`mockint.openai_compat.client.OpenAIClient`) makes one request and says, when it
fails, what may help (:class:`Retry`); :func:`ask_with_retries` decides whether to ask
again, within one overall deadline:

- a malformed or empty reply, or one the caller refuses (``Unusable``): again, up to
  ``tries`` replies;
- a reply cut off at the output limit: once more with the larger limit;
- a rate limit, a 5xx, a timeout: after the server's ``retry-after`` (Gemini's
  ``retryDelay``) when it gave one and it is short, else after an exponential backoff, up
  to ``attempts`` requests; else fall back at once saying when to try again;
- a refused response format (a local server): the client's next, simpler format, at once;
- anything else: fall back at once.

Every paid call is appended to the caller's ``usage``; giving up raises
:class:`~mockint.errors.ProviderUnavailable` with the reason and that usage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import TypeVar

from mockint import clock
from mockint.errors import ProviderUnavailable
from mockint.models.usage import ApiUsage

T = TypeVar("T")
R = TypeVar("R")


class Retry(Enum):
    """What a failed request allows next."""

    NEVER = "never"  # blocked, a safety stop, a refused key: fall back at once
    ASK_AGAIN = "ask again"  # a malformed or empty reply: ask again, up to ``tries``
    LARGER_LIMIT = "larger limit"  # cut off at the output limit: once, with a larger one
    LATER = "later"  # 429, 5xx, a timeout: after ``retry_after`` or a backoff, when short
    SIMPLER_FORMAT = "simpler format"  # the response format refused: the next one, at once


class RequestFailed(ProviderUnavailable):
    """One request gave no usable answer; ``reason`` is short and safe to show.

    ``usage`` is a call paid for anyway (a reply that could not be used); ``retry`` says
    whether and how asking again may help; ``retry_after`` is the server's own wait in
    seconds (``retry-after``, Gemini's ``retryDelay``), when it sent one.
    """

    def __init__(
        self,
        reason: str,
        usage: ApiUsage | None = None,
        *,
        retry: Retry = Retry.NEVER,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, [usage] if usage else [])
        self.retry = retry
        self.retry_after = retry_after


class Unusable(Exception):
    """A reply that parsed but cannot be used (ids that do not match...)."""


@dataclass(frozen=True)
class Limits:
    """How long and how often to ask; seconds are seconds, tokens are output tokens."""

    deadline_seconds: float  # the whole call, every request and wait included
    max_output_tokens: int
    max_output_tokens_after_cut: int  # the one retry after a reply was cut off
    initial_delay_seconds: float  # the first backoff; it doubles after each failure
    max_delay_seconds: float  # the longest backoff
    wait_max_seconds: float  # a longer wait (the server's or the backoff) falls back
    attempts: int  # requests in all, for failures that may pass (Retry.LATER)


def try_again_at(what: str, wait: float | None) -> str:
    """``what`` ("quota exhausted") and when to try again, ``wait`` seconds from now."""
    if wait is None:
        return f"{what}; try again later"
    at = clock.now() + timedelta(seconds=wait)
    minutes = round(wait / 60)
    after = f"about {minutes} min" if minutes >= 2 else f"{wait:.0f} s"
    return f"{what}; try again after {at:%H:%M} UTC (in {after})"


def ask_with_retries(
    request: Callable[[int, float], tuple[T, ApiUsage]],
    use: Callable[[T], R],
    usage: list[ApiUsage],
    *,
    tries: int,
    limits: Limits,
    gave_up: Callable[[RequestFailed], str],
    simpler: Callable[[], None] | None = None,
) -> R:
    """``use`` of the first usable reply of ``request(max_output_tokens, seconds_left)``.

    ``request`` raises :class:`RequestFailed` saying what may help; ``gave_up`` words the
    reason once a :attr:`Retry.LATER` failure is not tried again; ``simpler`` switches the
    client to its next response format (:attr:`Retry.SIMPLER_FORMAT`). Raises
    :class:`~mockint.errors.ProviderUnavailable` when no usable reply came in time.
    """
    deadline = time.monotonic() + limits.deadline_seconds
    limit = limits.max_output_tokens
    problem, asked, failures, larger_tried = "", 0, 0, False
    while asked < tries:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ProviderUnavailable(f"no answer within {limits.deadline_seconds:g} s", usage)
        try:
            reply, call = request(limit, remaining)
        except RequestFailed as exc:
            usage += exc.usage
            if exc.retry is Retry.SIMPLER_FORMAT and simpler is not None:
                simpler()
                continue
            if exc.retry is Retry.ASK_AGAIN:
                problem, asked = exc.reason, asked + 1
                continue
            if exc.retry is Retry.LARGER_LIMIT and not larger_tried:
                larger_tried, limit = True, limits.max_output_tokens_after_cut
                continue
            if exc.retry is Retry.LATER:
                failures += 1
                wait = exc.retry_after
                if wait is None:
                    wait = min(
                        limits.initial_delay_seconds * 2 ** (failures - 1),
                        limits.max_delay_seconds,
                    )
                if (
                    failures < limits.attempts
                    and wait <= limits.wait_max_seconds
                    and wait < deadline - time.monotonic()
                ):
                    time.sleep(wait)
                    continue
                raise ProviderUnavailable(gave_up(exc), usage) from None
            raise ProviderUnavailable(exc.reason, usage) from None
        usage.append(call)
        try:
            return use(reply)
        except Unusable as exc:
            problem, asked = str(exc), asked + 1
    raise ProviderUnavailable(problem, usage)
