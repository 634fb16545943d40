"""Output that never fails on encoding.

Files and pipes get UTF-8, whatever the locale or ``PYTHONIOENCODING`` says, so a
report piped to a file or another program is the same everywhere. A terminal keeps its
own encoding; a character it cannot show is written as an ASCII stand-in (``₹`` as
``INR``, ``✓`` as ``[v]``, ``✗`` as ``[x]``, ``·`` as ``-``), an accented letter as its
base letter, and anything else as ``?``, never as an error.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata

#: ASCII stand-ins for the characters mockint writes and common ones in answers
FALLBACKS = {
    "₹": "INR ",
    "€": "EUR ",
    "£": "GBP ",
    "✓": "[v]",
    "✔": "[v]",
    "✅": "[v]",
    "✗": "[x]",
    "✘": "[x]",
    "❌": "[x]",
    "·": "-",
    "•": "*",
    "●": "*",
    "…": "...",
    "—": "--",
    "–": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "›": ">",
    "‹": "<",
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "×": "x",
    "█": "#",
    "░": ".",
    "─": "-",
    "━": "-",
    "│": "|",
    "┃": "|",
}
ERRORS = "mockint-ascii"


def ascii_for(char: str) -> str:
    """An ASCII stand-in for ``char``."""
    if char in FALLBACKS:
        return FALLBACKS[char]
    if "\u2500" <= char <= "\u257f":  # other box drawing
        return "+"
    if "\u2800" <= char <= "\u28ff":  # braille (spinners)
        return "*"
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return base or "?"


def _stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(ascii_for(c) for c in text), error.end


codecs.register_error(ERRORS, _stand_in)


def configure_output() -> None:
    """UTF-8 on stdout and stderr when they are files or pipes; ASCII stand-ins for what
    a terminal's encoding cannot show."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # replaced by a test runner, or closed
        try:
            terminal = stream.isatty()
        except ValueError:
            continue
        if terminal:
            stream.reconfigure(errors=ERRORS)
        else:
            stream.reconfigure(encoding="utf-8", errors=ERRORS)
    configure_input()


def configure_input() -> None:
    """Standard input read as UTF-8 when it is a file or a pipe (answers piped in, `echo y
    |`), whatever the locale or ``PYTHONIOENCODING`` says, as output is written; bytes that
    are not text in that encoding (or a terminal's) become U+FFFD, never an error that
    would end an interview."""
    stream = sys.stdin
    if not isinstance(stream, io.TextIOWrapper):
        return
    try:
        terminal = stream.isatty()
    except ValueError:
        return
    if terminal:
        stream.reconfigure(errors="replace")
    else:
        stream.reconfigure(encoding="utf-8", errors="replace")
