"""Answers read line by line, for input that is not an editor (a pipe, a script, a test).

This is how typed answers worked before the editor, and still work without a terminal:
lines until an empty one, which submits; a command alone on the first line; the end of
input keeps what was typed. A draft given to start from is the answer's first lines.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from mockint.runners.base import AnswerRequest, Entry, EntryEnd, Interrupted, Progress, command_of


def read_answer_lines(read_line: Callable[[Progress], str], request: AnswerRequest) -> Entry:
    """One answer from ``read_line`` (given the timer to show; raises EOFError at the end
    of input and KeyboardInterrupt when interrupted)."""
    lines = request.draft.splitlines() if request.draft.strip() else []
    typed = 0
    while True:
        try:
            line = read_line(Progress(request.elapsed(), request.allowed))
        except EOFError:
            return Entry("\n".join(lines), EntryEnd.ENDED)
        except KeyboardInterrupt as exc:
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            return Entry("\n".join(lines), EntryEnd.INTERRUPTED, signal=signum)
        if not typed and command_of(line):
            return Entry(line.strip(), draft="\n".join(lines))
        if not line.strip():
            if lines:
                return Entry("\n".join(lines))
            continue
        lines.append(line)
        typed += 1
