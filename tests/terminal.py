"""The real ``mockint`` program in a pseudo-terminal, as a person uses it.

:class:`Terminal` is a pexpect child that also keeps a screen (pyte) drawn from everything
the program writes, and answers the terminal queries a real terminal answers (the cursor
position, which the answer editor asks for to draw its bottom toolbar). Tests send keys
and read the screen, or the transcript of everything written.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import sys
import time
from typing import Any

import pexpect
import pyte

MOCKINT = [sys.executable, "-m", "mockint"]
TIMEOUT = 30  # generous: the machine running the suite may be slow and busy
ANSI = r"(?:\x1b\[[0-9;]*m)*"
PROMPT = "›"  # the answer editor's prompt (and the line prompt's)
SUBMIT = "\x1b\r"  # Esc then Enter, what Alt+Enter sends
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
LEFT = "\x1b[D"


class _Screen(pyte.Screen):
    """A screen that answers the program's queries through ``reply``."""

    def __init__(self, columns: int, lines: int, reply: Any) -> None:
        super().__init__(columns, lines)
        self.reply = reply

    def write_process_input(self, data: str) -> None:
        self.reply(data)


def default_signals() -> None:
    """In the child: Ctrl-C and SIGTERM as a person's shell has them. A test run started in
    the background (``cmd &`` without job control) inherits SIGINT ignored, and Python keeps
    an ignored SIGINT, so a test that presses Ctrl-C would wait forever."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Terminal(pexpect.spawn):
    """``mockint ARGS`` in a pseudo-terminal of ``rows`` x ``columns``, with the test's
    environment (MOCKINT_HOME) and ``env`` on top. The terminal's ``encoding`` decodes what
    the program writes, strictly: a byte it cannot decode fails the test.

    Everything the program writes is kept in ``logfile_read`` (a StringIO) and drawn on
    ``screen``.
    """

    def __init__(
        self,
        *args: str,
        rows: int = 40,
        columns: int = 120,
        env: dict[str, str] | None = None,
        encoding: str = "utf-8",
    ) -> None:
        # the terminal's own size, as a person's shell has it (not the test run's COLUMNS);
        # a pager that prints, unless a test gives its own
        base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        base["PAGER"] = "cat"
        super().__init__(
            MOCKINT[0],
            [*MOCKINT[1:], *args],
            env={**base, **(env or {})},
            encoding=encoding,
            timeout=TIMEOUT,
            dimensions=(rows, columns),
            preexec_fn=default_signals,
        )
        self.logfile_read = io.StringIO()
        self.screen = _Screen(columns, rows, self.send)
        self.stream = pyte.Stream(self.screen)

    def read_nonblocking(self, size: int = 1, timeout: float | None = -1) -> str:
        data = super().read_nonblocking(size, timeout)
        self.stream.feed(data)
        return data

    def transcript(self) -> str:
        return self.logfile_read.getvalue()

    def shown(self) -> str:
        """The screen as a person sees it now, one line per row."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for_screen(self, pattern: str, timeout: float = TIMEOUT) -> re.Match[str]:
        """Read output until the screen shows ``pattern`` (a regex); its match."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.shown())
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} never shown; the screen:\n{self.shown()}")
            with contextlib.suppress(pexpect.TIMEOUT):
                self.read_nonblocking(100_000, timeout=0.2)

    def wait_until_gone(self, timeout: float = TIMEOUT) -> None:
        """Read until the program has exited."""
        self.expect(pexpect.EOF, timeout=timeout)
        self.close()


def spawn(*args: str, **kwargs: Any) -> Terminal:
    return Terminal(*args, **kwargs)


def new_session(child: Terminal) -> tuple[str, int]:
    """The session id from the set-up header, and the number of questions."""
    child.expect(rf"Session {ANSI}([0-9a-f]{{12}})")
    session_id = child.match.group(1)
    child.expect(r"Question 1 of (\d+)")
    return session_id, int(child.match.group(1))


def type_answer(
    child: Terminal, *lines: str, submit: str = SUBMIT, prompt_shown: bool = False
) -> None:
    """Type an answer line by line in the editor, then submit it (Esc then Enter).

    ``prompt_shown``: the editor's prompt was already read (by ``wait_for_screen``), so
    it is waited for on the screen, not in output still to come (which may never draw
    it again)."""
    if prompt_shown:
        child.wait_for_screen(re.escape(PROMPT))
    else:
        child.expect_exact(PROMPT)
    child.send("\r".join(lines))
    child.send(submit)
    child.expect_exact("Saved after")


def paste(text: str) -> str:
    """``text`` as a terminal sends a paste in bracketed-paste mode."""
    return PASTE_START + text + PASTE_END
