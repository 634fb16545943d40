"""The interactive terminal interview: one question at a time, answers typed in.

Answers are multi-line; an empty line submits. Lines starting with ``/`` are
commands: ``/hint``, ``/skip``, ``/pause``, ``/help``. Every answer is stored
the moment it is submitted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from mockint.interview import Interview
from mockint.models import Question
from mockint.runners.base import Outcome
from mockint.safetext import inert

HELP = "Type your answer over as many lines as you like; an empty line submits it.\nCommands: /hint  /skip  /pause (resume later)  /help"


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


class TextRunner:
    name = "text"

    def __init__(
        self,
        console: Console | None = None,
        read_line: Callable[[str], str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.read_line = read_line or self._read
        self.monotonic = monotonic

    def _read(self, prompt: str) -> str:
        return self.console.input(Text.from_markup(prompt))

    def run(self, interview: Interview) -> Outcome:
        total = len(interview.items)
        self.console.print(Text(HELP, style="dim"))
        for item in interview.pending():
            interview.ask(item.question)
            outcome = self._ask(
                interview, item.question, interview.position(item.question.id), total
            )
            if outcome is not None:
                return outcome
        return Outcome.COMPLETED

    def _panel(self, question: Question, position: int, total: int) -> Panel:
        title = (
            f"Question {position} of {total} · {question.type.label} · {question.time_minutes} min"
        )
        body = Text(inert(question.text))
        topics = ", ".join(t.replace("-", " ") for t in question.topics)
        subtitle = Text(inert(topics)) if topics else None
        return Panel(
            body,
            title=title,
            title_align="left",
            subtitle=subtitle,
            subtitle_align="left",
            border_style="cyan",
        )

    def _ask(
        self, interview: Interview, question: Question, position: int, total: int
    ) -> Outcome | None:
        self.console.print(self._panel(question, position, total))
        started = self.monotonic()
        allowed = question.time_minutes * 60
        lines: list[str] = []
        while True:
            elapsed = self.monotonic() - started
            colour = "red" if elapsed > allowed else "green"
            try:
                line = self.read_line(f"[{colour}]{clock(elapsed)}/{clock(allowed)}[/{colour}] › ")
            except EOFError:
                # Input closed (Ctrl-D or end of a pipe): keep what was typed, then pause.
                if lines:
                    interview.answer(
                        question.id, "\n".join(lines), seconds=round(self.monotonic() - started, 1)
                    )
                return Outcome.PAUSED
            command = line.strip().lower()
            if not lines and command.startswith("/"):
                if command == "/skip":
                    interview.skip(question.id)
                    self.console.print(Text("Skipped.", style="yellow"))
                    return None
                if command == "/pause":
                    return Outcome.PAUSED
                if command == "/hint":
                    hint = interview.hint(question)
                    self.console.print(
                        Text(hint or "No more hints for this question.", style="magenta")
                    )
                    continue
                if command == "/help":
                    self.console.print(Text(HELP, style="dim"))
                    continue
                self.console.print(Text(f"Unknown command {command}. {HELP}", style="yellow"))
                continue
            if not line.strip():
                if lines:
                    break
                continue
            lines.append(line)
        seconds = round(self.monotonic() - started, 1)
        interview.answer(question.id, "\n".join(lines), seconds=seconds)
        note = " (over the time allocation)" if seconds > allowed else ""
        self.console.print(Text(f"Saved after {clock(seconds)}{note}.", style="dim"))
        return None
