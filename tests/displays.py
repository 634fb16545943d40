"""A display for runner tests: records what a runner shows, types scripted lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from mockint.models.questions import Question
from mockint.runners.base import (
    AnswerRequest,
    CallView,
    Entry,
    EntryEnd,
    Interrupted,
    Progress,
    Tone,
)
from mockint.runners.lines import read_answer_lines


@dataclass
class RecordingDisplay:
    """A :class:`Display` that records what a runner shows and types scripted lines.

    ``typed`` holds lines, read as from a pipe (an empty line submits), and entries: an
    entry first in line is what the editor would return (``Entry("/hint", draft=...)``);
    an interrupted one after some lines interrupts them (Ctrl-C, a signal).
    """

    typed: list[str | Entry]
    requests: list[AnswerRequest] = field(default_factory=list)
    shown: list[tuple[str, int, int]] = field(default_factory=list)
    said: list[tuple[Tone, str]] = field(default_factory=list)
    timers: list[Progress] = field(default_factory=list)
    views: list[CallView] = field(default_factory=list)

    def question(self, question: Question, position: int, total: int) -> None:
        self.shown.append((question.id, position, total))

    def progress(self, progress: Progress) -> None:
        self.timers.append(progress)

    def ask(self, prompt: str, timer: Progress | None = None) -> str:
        if timer is not None:
            self.timers.append(timer)
        if not self.typed:
            raise EOFError
        typed = self.typed.pop(0)
        if isinstance(typed, Entry):
            if typed.end == EntryEnd.INTERRUPTED:
                raise Interrupted(typed.signal or 2)
            raise EOFError
        return typed

    def answer(self, request: AnswerRequest) -> Entry:
        self.requests.append(request)
        if self.typed and isinstance(self.typed[0], Entry):
            entry = self.typed.pop(0)
            assert isinstance(entry, Entry)
            return entry
        return read_answer_lines(lambda timer: self.ask("", timer), request)

    def say(self, message: str, tone: Tone = Tone.NOTE) -> None:
        self.said.append((tone, message))

    @contextmanager
    def busy(self, message: str) -> Iterator[None]:
        yield

    def live_call(self, view: CallView) -> None:
        self.views.append(view)

    def open_link(self, url: str) -> None:
        self.said.append((Tone.NOTE, url))

    def idle(self) -> None:
        pass
