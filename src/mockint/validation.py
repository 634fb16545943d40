"""Turning pydantic validation errors into one line a person can act on."""

from __future__ import annotations

from typing import Any, TypeGuard
from urllib.parse import urlsplit

from pydantic import ValidationError

from mockint.errors import UsageError
from mockint.safetext import one_line


def _location(loc: tuple[Any, ...], root: str = "") -> str:
    """Where an error is, list positions counted from 1 and marked as counts, not indexes
    (``questions #2.key_points``: the second question's key points)."""
    parts: list[str] = [root] if root else []
    for item in loc:
        if isinstance(item, int):
            if parts:
                parts[-1] = f"{parts[-1]} #{item + 1}"
            else:
                parts.append(f"#{item + 1}")
        else:
            parts.append(str(item))
    return ".".join(parts) or "(file)"


def _problem(error: Any) -> str:
    """A validation error's problem in the tool's own words ("must be at least 1")."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("more than", "gt"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds and bounds[kind][1] in ctx:
        words, key = bounds[kind]
        return f"must be {words} {ctx[key]}"
    fixed = {
        "missing": "is missing",
        "extra_forbidden": "is not a field this file may have",
        "string_type": "must be text",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "bool_type": "must be true or false",
        "list_type": "must be a list",
        "dict_type": "must be a table of fields",
        "string_too_short": "must not be empty",
        "too_short": "must not be empty",
    }
    if kind in fixed:
        return fixed[kind]
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def describe(exc: ValidationError, root: str = "", limit: int = 3) -> str:
    """``field: problem`` for the first few errors, joined on one line.

    List positions are counted from 1 (``questions #2`` is the second question).
    """
    problems = []
    for error in exc.errors()[:limit]:
        problems.append(f"{_location(tuple(error['loc']), root)}: {_problem(error)}")
    extra = exc.error_count() - limit
    if extra > 0:
        problems.append(f"and {extra} more problem{'s' if extra > 1 else ''}")
    return "; ".join(problems)


def service_url(value: str, origin: str) -> str:
    """``value`` if it is an absolute http(s) URL, without a trailing slash; else
    :class:`~mockint.errors.UsageError` naming ``origin`` (the variable or setting)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - parses the port: raises ValueError when it is not a number
    except ValueError as exc:
        raise UsageError(f"{origin} is not a valid URL ({exc}): {one_line(value)!r}.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{origin} must be an http:// or https:// URL with a host, not {one_line(value)!r}."
        )
    return value.rstrip("/")


def is_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` (from TOML, JSON or an SQLite column) is a number: an int or a
    float, never a bool (which Python counts as an int) nor text."""
    return isinstance(value, int | float) and not isinstance(value, bool)
