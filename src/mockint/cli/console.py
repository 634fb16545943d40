"""Consoles and safe display of user text.

Data goes to stdout; prompts, progress, warnings and errors to stderr. Text
that came from a user (answers, pack questions) is shown inert: control
characters (terminal escape sequences) are neutralised and Rich markup is not
interpreted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.pager import Pager
from rich.text import Text

from mockint.cli.encoding import ERRORS, ascii_for
from mockint.safetext import inert, json_inert, one_line, redact
from mockint.timespec import clock

if TYPE_CHECKING:
    from rich.status import Status

__all__ = [
    "err",
    "error",
    "glyph",
    "inert",
    "log_line",
    "note",
    "out",
    "paged",
    "plain",
    "print_json",
    "user_text",
    "waiting",
    "warn",
]

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def glyph(char: str, console: Console = out) -> str:
    """``char``, or its ASCII stand-in (``INR`` for ``₹``) when ``console``'s encoding
    cannot show it; for symbols in tables and lists, so their width is measured right."""
    try:
        char.encode(console.encoding)
    except (UnicodeEncodeError, LookupError):
        return ascii_for(char)
    return char


def user_text(text: str | None, style: str = "") -> Text:
    """User-provided text as a Rich ``Text`` (markup is never parsed)."""
    return Text(inert(text), style=style)


def plain(renderable: Any, width: int = 100) -> str:
    """A Rich renderable as plain text (for files): no colour, no escape codes, no spaces
    at the ends of lines (what pads a table's cells to its width)."""
    from io import StringIO

    buffer = StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def show(renderable: Any) -> None:
    """Print a Rich renderable (a table, a report) on stdout: styled on a terminal; into a
    pipe or a file as plain text without the spaces that pad a table's cells to its width."""
    if out.is_terminal:
        out.print(renderable)
    else:
        print_text(plain(renderable, width=out.width))


def paged(enabled: bool = True) -> AbstractContextManager[object]:
    """A context whose output to stdout goes through the pager ($PAGER, else less) when
    stdout is a terminal and ``enabled``. ``less`` gets ``LESS=FRX`` unless set: colours
    kept, and output that fits one screen printed as is."""
    if not enabled or not out.is_terminal:
        return nullcontext()
    return out.pager(TerminalPager(), styles=True)


class TerminalPager(Pager):
    """$PAGER (else ``less -FRX``), fed in the terminal's own encoding with ASCII stand-ins
    for what it cannot show (pydoc's pager would send UTF-8 whatever the terminal)."""

    def show(self, content: str) -> None:
        command = os.environ.get("PAGER", "").strip() or "less"
        env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
        data = content.encode(out.encoding, ERRORS)
        done = None
        if _installed(command):
            with contextlib.suppress(OSError):
                done = subprocess.run(command, shell=True, input=data, env=env, check=False)
        elif os.environ.get("PAGER", "").strip():
            warn(f"$PAGER ({command}) is not installed; printing instead.")
        if done is None or done.returncode == 127:  # no such pager: print instead
            sys.stdout.buffer.write(data)
            sys.stdout.flush()


def _installed(command: str) -> bool:
    """Whether the program a shell command line starts is on PATH (or a path to one)."""
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return False
    return shutil.which(program) is not None


def print_json(data: Any) -> None:
    sys.stdout.write(json_inert(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    sys.stdout.flush()


def print_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def error(message: str) -> None:
    """One red line on stderr. Backticks that mark commands in messages are dropped: the
    line is plain text, and a command in it reads as ``mockint start ID``."""
    err.print(
        Text("Error: ", style="bold red")
        + Text(one_line(_redacted(message).replace("`", "")), style="red"),
        soft_wrap=True,
    )


def warn(message: str) -> None:
    err.print(
        Text("Warning: ", style="yellow") + Text(one_line(_redacted(message).replace("`", ""))),
        soft_wrap=True,
    )


def _redacted(message: str) -> str:
    """``message`` without any configured key's value (a service may echo one back)."""
    from mockint.keys import known_values  # lazy: pydantic, only once something went wrong

    return redact(message, known_values())


def note(message: str) -> None:
    """A by-the-way line on stderr, wrapped at word boundaries to the terminal's width;
    not wrapped when stderr is not a terminal (a log, a pipe: a command in the message
    stays on one line to copy). Errors and warnings stay one line each."""
    err.print(Text(inert(message), style="dim"), soft_wrap=not err.is_terminal)


def log_line(message: str) -> None:
    """One record of a running server's log on stderr: a single line, never wrapped."""
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
