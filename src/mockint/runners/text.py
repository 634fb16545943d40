"""The interactive terminal interview: one question at a time, answers typed in.

Answers are multi-line; an empty line submits. Lines starting with ``/`` are
commands: ``/hint``, ``/skip``, ``/pause``, ``/help``. Every answer is stored
the moment it is submitted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from mockint.interview.session import Interview

if TYPE_CHECKING:
    from mockint.gemini.followups import FollowUpWriter
from mockint.models.questions import Question
from mockint.runners.base import Outcome
from mockint.safetext import inert

HELP = "Type your answer over as many lines as you like; an empty line submits it.\nCommands: /hint  /skip  /pause (resume later)  /help"


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def question_panel(question: Question, position: int, total: int) -> Panel:
    """A question as shown to the candidate: its text inert, topics as the subtitle."""
    title = f"Question {position} of {total} · {question.type.label} · {question.time_minutes} min"
    topics = ", ".join(t.replace("-", " ") for t in question.topics)
    return Panel(
        Text(inert(question.text)),
        title=title,
        title_align="left",
        subtitle=Text(inert(topics)) if topics else None,
        subtitle_align="left",
        border_style="cyan",
    )


class TextRunner:
    name = "text"

    def __init__(
        self,
        console: Console | None = None,
        read_line: Callable[[str], str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        follow_ups: FollowUpWriter | None = None,
    ) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.read_line = read_line or self._read
        self.monotonic = monotonic
        self.follow_ups = follow_ups

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

    def _ask(
        self, interview: Interview, question: Question, position: int, total: int
    ) -> Outcome | None:
        self.console.print(question_panel(question, position, total))
        allowed = question.time_minutes * 60
        got = self._collect(interview, question, allowed, commands=True)
        if isinstance(got, Outcome) or got is None:
            return got
        text, seconds = got
        interview.answer(question.id, text, seconds=seconds)
        note = " (over the time allocation)" if seconds > allowed else ""
        self.console.print(Text(f"Saved after {clock(seconds)}{note}.", style="dim"))
        if self.follow_ups is None:
            return None
        with self.console.status("Thinking of a follow-up…"):
            follow_up = interview.follow_up(question, self.follow_ups)
        if follow_up.note:
            self.console.print(Text(follow_up.note, style="dim"))
        if follow_up.text is None:
            return None
        self.console.print(
            Panel(
                Text(inert(follow_up.text)),
                title="Follow-up",
                title_align="left",
                border_style="magenta",
            )
        )
        got = self._collect(interview, question, allowed, commands=False)
        if isinstance(got, Outcome):
            return got
        if got is not None:
            interview.answer_follow_up(question.id, got[0], seconds=got[1])
            self.console.print(Text("Saved.", style="dim"))
        return None

    def _collect(
        self, interview: Interview, question: Question, allowed: int, *, commands: bool
    ) -> tuple[str, float] | Outcome | None:
        """Read one answer: its text and seconds, an Outcome (paused), or None (skipped)."""
        started = self.monotonic()
        lines: list[str] = []
        while True:
            elapsed = self.monotonic() - started
            colour = "red" if elapsed > allowed else "green"
            try:
                line = self.read_line(f"[{colour}]{clock(elapsed)}/{clock(allowed)}[/{colour}] › ")
            except EOFError:
                # Input closed (Ctrl-D or end of a pipe): keep what was typed, then pause.
                if lines:
                    seconds = round(self.monotonic() - started, 1)
                    if commands:
                        interview.answer(question.id, "\n".join(lines), seconds=seconds)
                    else:
                        interview.answer_follow_up(question.id, "\n".join(lines), seconds=seconds)
                return Outcome.PAUSED
            command = line.strip().lower()
            if not lines and command.startswith("/"):
                if command == "/skip":
                    if commands:
                        interview.skip(question.id)
                    self.console.print(Text("Skipped.", style="yellow"))
                    return None
                if command == "/pause":
                    return Outcome.PAUSED
                if command == "/hint" and commands:
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
                    return "\n".join(lines), round(self.monotonic() - started, 1)
                continue
            lines.append(line)
