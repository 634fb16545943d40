"""A display for runner tests: records what a runner shows, types scripted lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from mockint.models.questions import Question
from mockint.runners.base import Progress, Tone


@dataclass
class RecordingDisplay:
    """A :class:`Display` that records what a runner shows and types scripted lines."""

    typed: list[str]
    shown: list[tuple[str, int, int]] = field(default_factory=list)
    said: list[tuple[Tone, str]] = field(default_factory=list)
    timers: list[Progress] = field(default_factory=list)

    def question(self, question: Question, position: int, total: int) -> None:
        self.shown.append((question.id, position, total))

    def progress(self, progress: Progress) -> None:
        self.timers.append(progress)

    def ask(self, prompt: str, timer: Progress | None = None) -> str:
        if timer is not None:
            self.timers.append(timer)
        if not self.typed:
            raise EOFError
        return self.typed.pop(0)

    def say(self, message: str, tone: Tone = Tone.NOTE) -> None:
        self.said.append((tone, message))

    @contextmanager
    def busy(self, message: str) -> Iterator[None]:
        yield

    def open_link(self, url: str) -> None:
        self.said.append((Tone.NOTE, url))

    def idle(self) -> None:
        pass
