"""Wording shared by messages and reports."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, the noun plural unless the count is one: "1 session",
    "3 sessions" (a regular plural: the noun plus "s")."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
