"""The interactive terminal interview: one question at a time, answers typed in.

Answers come through the display (an editor on a terminal, lines from a pipe). A
command is a line of its own starting with ``/``: ``/hint``, ``/skip``, ``/pause``
(or ``/quit``), ``/edit``, ``/help``. Every answer is stored the moment it is
submitted; what is typed but not submitted is kept as a draft when the interview is
paused or interrupted, and offered again on resume. The clock counts only the time
spent answering: it goes on from a draft's time, and a pause stops it.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mockint.interview.session import Interview
from mockint.models.questions import Question
from mockint.runners.base import (
    AnswerRequest,
    Display,
    EntryEnd,
    Interrupted,
    Outcome,
    Tone,
    command_of,
)
from mockint.timespec import clock
from mockint.wording import counted

if TYPE_CHECKING:
    from mockint.gemini.followups import FollowUpWriter

HELP = (
    "Type your answer over as many lines as you like. Submit it with Enter on an empty "
    "last line, or in the editor with Alt+Enter (or Esc then Enter), where pasting is safe.\n"
    "Commands, on a line of their own: /hint  /skip  /pause or /quit (resume later)  "
    "/edit (open $EDITOR)  /help"
)


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
        item = interview.items[position - 1]
        draft, spent = item.draft or "", item.draft_seconds
        if draft.strip():
            lines = len(draft.splitlines())
            self.display.say(
                f"Your unsent draft ({counted(lines, 'line')}, "
                f"{clock(spent)} spent) is back where you left it: finish it and submit.",
                Tone.NOTICE,
            )
        got = self._collect(interview, question, allowed, draft=draft, spent=spent)
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
        got = self._collect(interview, question, allowed, follow_up=True)
        if isinstance(got, Outcome):
            return got
        if got is not None:
            interview.answer_follow_up(question.id, got[0], seconds=got[1])
            self.display.say("Saved.")
        return None

    def _collect(
        self,
        interview: Interview,
        question: Question,
        allowed: int,
        *,
        follow_up: bool = False,
        draft: str = "",
        spent: float = 0.0,
    ) -> tuple[str, float] | Outcome | None:
        """Read one answer: its text and seconds, an Outcome (paused), or None (skipped).

        Raises Interrupted (after keeping what was typed) when the display was interrupted.
        """
        started = self.monotonic() - spent

        def elapsed() -> float:
            return self.monotonic() - started

        def keep(text: str) -> None:
            """Keep ``text`` typed but not submitted: a draft of the answer; a follow-up
            has no draft (it is not asked again on resume), so its text is its answer."""
            seconds = round(elapsed(), 1)
            if follow_up:
                if text.strip():
                    interview.answer_follow_up(question.id, text, seconds=seconds)
            elif text.strip() or seconds >= 1:
                interview.save_draft(question.id, text, seconds=seconds)

        while True:
            entry = self.display.answer(
                AnswerRequest(
                    allowed=allowed,
                    elapsed=elapsed,
                    draft=draft,
                    save_draft=None if follow_up else keep,
                    follow_up=follow_up,
                )
            )
            if entry.end == EntryEnd.INTERRUPTED:
                keep(entry.text)
                raise Interrupted(
                    entry.signal or signal.SIGINT,
                    draft_saved=bool(entry.text.strip()) and not follow_up,
                )
            if entry.end == EntryEnd.ENDED:
                # Input closed (Ctrl-D or the end of a pipe): what was typed is the answer
                # (piped answers need no blank line after the last), then the next question
                # finds the input closed and pauses, or, after the last, the interview is
                # graded.
                if entry.text.strip():
                    return entry.text, round(elapsed(), 1)
                keep("")
                return Outcome.PAUSED
            command = command_of(entry.text)
            if command is None:
                if entry.text.strip():
                    return entry.text, round(elapsed(), 1)
                continue
            draft = entry.draft
            done = self._command(interview, question, command, follow_up=follow_up)
            if done == "skip":
                if not follow_up:
                    interview.skip(question.id, seconds=round(elapsed(), 1), typed=draft)
                kept = " What you typed is kept in the transcript." if draft.strip() else ""
                self.display.say(f"Skipped.{kept}", Tone.NOTICE)
                return None
            if done == "pause":
                keep(draft)
                return Outcome.PAUSED

    def _command(
        self,
        interview: Interview,
        question: Question,
        command: str,
        *,
        follow_up: bool,
    ) -> str | None:
        """Carry out a command; returns "skip" or "pause" when the answer ends with it."""
        if command == "/skip":
            return "skip"
        if command in ("/pause", "/quit"):
            return "pause"
        if command == "/hint" and not follow_up:
            hint = interview.hint(question)
            self.display.say(hint or "No more hints for this question.", Tone.HINT)
        elif command == "/help":
            self.display.say(HELP)
        elif command == "/edit":
            self.display.say(
                "/edit opens your editor only in an interactive terminal; type the answer here.",
                Tone.NOTICE,
            )
        else:
            self.display.say(f"Unknown command {command}. {HELP}", Tone.NOTICE)
        return None
