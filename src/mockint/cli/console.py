"""Consoles and safe display of user text.

Data goes to stdout; prompts, progress, warnings and errors to stderr. Text
that came from a user (answers, pack questions) is shown inert: control
characters (terminal escape sequences) are neutralised and Rich markup is not
interpreted.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from mockint.safetext import inert, one_line, redact
from mockint.timespec import clock

if TYPE_CHECKING:
    from rich.status import Status

__all__ = [
    "err",
    "error",
    "inert",
    "note",
    "out",
    "plain",
    "print_json",
    "user_text",
    "waiting",
    "warn",
]

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def user_text(text: str | None, style: str = "") -> Text:
    """User-provided text as a Rich ``Text`` (markup is never parsed)."""
    return Text(inert(text), style=style)


def plain(renderable: Any, width: int = 100) -> str:
    """A Rich renderable as plain text (for files): no colour, no escape codes."""
    from io import StringIO

    buffer = StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False).print(renderable)
    return buffer.getvalue()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def error(message: str) -> None:
    err.print(
        Text("Error: ", style="bold red") + Text(one_line(_redacted(message)), style="red"),
        soft_wrap=True,
    )


def warn(message: str) -> None:
    err.print(
        Text("Warning: ", style="yellow") + Text(one_line(_redacted(message))), soft_wrap=True
    )


def _redacted(message: str) -> str:
    """``message`` without any configured key's value (a service may echo one back)."""
    from mockint.keys import known_values  # lazy: pydantic, only once something went wrong

    return redact(message, known_values())


def note(message: str) -> None:
    err.print(Text(inert(message), style="dim"), soft_wrap=True)


class _Elapsed:
    """A message with the time since it was first shown, redrawn with the spinner."""

    def __init__(self, message: str) -> None:
        self.message = inert(message)
        self.started = time.monotonic()

    def __rich__(self) -> Text:
        return Text(f"{self.message} {clock(time.monotonic() - self.started)}")


def waiting(message: str) -> Status:
    """A spinner on stderr showing ``message`` and the time waited so far (``00:42``), for
    waits on a model that may take minutes (a local one)."""
    return err.status(_Elapsed(message))
