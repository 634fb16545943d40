"""Stop signals while an interview runs: Ctrl-C, SIGHUP and SIGTERM interrupt it once.

Inside :func:`interrupting`, SIGINT, SIGHUP (the terminal closed) and SIGTERM (the
process told to stop) each raise :class:`~mockint.runners.base.Interrupted` with the
signal's number where the program is, usually waiting for a typed line, so the runner
keeps what was typed as a draft. Any later stop signal is ignored, so that keeping it
is not cut short. The answer editor stops on them itself and says so with
:func:`stopping`.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from mockint.errors import ExitCode
from mockint.runners.base import Interrupted

#: SIGHUP does not exist on Windows
STOP_SIGNALS: tuple[int, ...] = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)

_stopping: list[int] = []  # the stop signal received, once one has been


def stopping(signum: int) -> None:
    """Note that the program is stopping on ``signum``: further stop signals are ignored."""
    if not _stopping:
        _stopping.append(signum)


def resume() -> None:
    """The stop was dealt with and the run goes on (the candidate chose not to end a
    call): the next stop signal interrupts again."""
    _stopping.clear()


def _handler(signum: int, frame: FrameType | None) -> None:
    if _stopping:
        return
    stopping(signum)
    raise Interrupted(signum)


@contextmanager
def interrupting() -> Iterator[None]:
    """Make the stop signals raise Interrupted (once) until the block ends."""
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    _stopping.clear()
    for s in STOP_SIGNALS:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def exit_code(signum: int) -> ExitCode:
    """The exit code after stopping on ``signum``, as shells report a process it ended."""
    if signum == signal.SIGTERM:
        return ExitCode.TERMINATED
    if signum == getattr(signal, "SIGHUP", None):
        return ExitCode.HANGUP
    return ExitCode.INTERRUPTED
