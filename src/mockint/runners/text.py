"""The interactive terminal interview: one question at a time, answers typed in.

Answers are multi-line; an empty line submits. Lines starting with ``/`` are
commands: ``/hint``, ``/skip``, ``/pause``, ``/help``. Every answer is stored
the moment it is submitted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mockint.interview.session import Interview
from mockint.models.questions import Question
from mockint.runners.base import Display, Outcome, Progress, Tone
from mockint.timespec import clock

if TYPE_CHECKING:
    from mockint.gemini.followups import FollowUpWriter

HELP = "Type your answer over as many lines as you like; an empty line submits it.\nCommands: /hint  /skip  /pause (resume later)  /help"


class TextRunner:
    name = "text"

    def __init__(
        self,
        display: Display,
        *,
        follow_ups: FollowUpWriter | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.display = display
        self.monotonic = monotonic
        self.follow_ups = follow_ups

    def run(self, interview: Interview) -> Outcome:
        total = len(interview.items)
        self.display.say(HELP)
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
        self.display.question(question, position, total)
        allowed = question.time_minutes * 60
        got = self._collect(interview, question, allowed, commands=True)
        if isinstance(got, Outcome) or got is None:
            return got
        text, seconds = got
        interview.answer(question.id, text, seconds=seconds)
        note = " (over the time allocation)" if seconds > allowed else ""
        self.display.say(f"Saved after {clock(seconds)}{note}.")
        if self.follow_ups is None:
            return None
        with self.display.busy("Thinking of a follow-up…"):
            follow_up = interview.follow_up(question, self.follow_ups)
        if follow_up.note:
            self.display.say(follow_up.note)
        if follow_up.text is None:
            return None
        self.display.say(follow_up.text, Tone.FOLLOW_UP)
        got = self._collect(interview, question, allowed, commands=False)
        if isinstance(got, Outcome):
            return got
        if got is not None:
            interview.answer_follow_up(question.id, got[0], seconds=got[1])
            self.display.say("Saved.")
        return None

    def _collect(
        self, interview: Interview, question: Question, allowed: int, *, commands: bool
    ) -> tuple[str, float] | Outcome | None:
        """Read one answer: its text and seconds, an Outcome (paused), or None (skipped)."""
        started = self.monotonic()
        lines: list[str] = []
        while True:
            elapsed = self.monotonic() - started
            try:
                line = self.display.ask("", Progress(elapsed, allowed))
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
                    self.display.say("Skipped.", Tone.NOTICE)
                    return None
                if command == "/pause":
                    return Outcome.PAUSED
                if command == "/hint" and commands:
                    hint = interview.hint(question)
                    self.display.say(hint or "No more hints for this question.", Tone.HINT)
                    continue
                if command == "/help":
                    self.display.say(HELP)
                    continue
                self.display.say(f"Unknown command {command}. {HELP}", Tone.NOTICE)
                continue
            if not line.strip():
                if lines:
                    return "\n".join(lines), round(self.monotonic() - started, 1)
                continue
            lines.append(line)
