"""What a runner is, and the display it talks to the candidate through.

A runner asks a session's pending questions and stores answers as they come
(text typed in, speech transcribed here, a Vapi call). It never prints: it shows
questions, progress and messages, and reads typed input, through a
:class:`Display`. The CLI passes a Rich display (with an answer editor on a
terminal); tests pass a recording one.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mockint.enums import CallTransport, Duplex, Mode, Provider, SttEngine
from mockint.models.sessions import TurnRole

if TYPE_CHECKING:
    from mockint.interview.session import Interview
    from mockint.models.questions import Question


class Outcome(StrEnum):
    COMPLETED = "completed"  # every question answered or skipped
    PAUSED = "paused"  # the candidate stopped; resume later


class Tone(StrEnum):
    """What kind of message :meth:`Display.say` shows."""

    NOTE = "note"  # by the way: saved, transcribed by, help
    NOTICE = "notice"  # what happened is not what was asked: skipped, not understood
    WARNING = "warning"  # something to act on: time is up
    HINT = "hint"  # a hint for the current question
    FOLLOW_UP = "follow-up"  # a follow-up question
    HEARD = "heard"  # the transcript of a spoken answer, as heard


@dataclass(frozen=True)
class Progress:
    """How an answer or a call is going, for a timer or a level meter.

    ``elapsed`` and ``allowed`` are seconds; ``level`` is the microphone's RMS level
    (0-1) and ``speaking`` whether voice activity detection hears speech, while
    recording; ``status`` and ``call_id`` describe a Vapi call.
    """

    elapsed: float
    allowed: float | None = None
    level: float | None = None
    speaking: bool = False
    status: str | None = None
    call_id: str | None = None

    @property
    def over_time(self) -> bool:
        return self.allowed is not None and self.elapsed > self.allowed


@dataclass(frozen=True)
class Line:
    """One utterance of a live call as transcribed so far: ``final`` once the
    transcriber has settled it, else a partial transcript that may still change."""

    speaker: TurnRole
    text: str
    final: bool = True


@dataclass(frozen=True)
class CallView:
    """A live call held in the terminal, as the candidate sees it (a snapshot).

    ``lines``: the conversation so far, oldest first (at most one partial line per
    speaker, last); ``asked`` of ``total`` questions asked; ``elapsed`` and ``allowed``
    in seconds (the call's length against the interview's allocation); ``level``: the
    microphone's RMS level (0-1) of the last 20 ms frame sent; ``speaking``: who the
    transport says is speaking; ``muted``: the microphone is muted (half duplex, while
    the interviewer speaks); ``status``: Vapi's call status (``in-progress``...);
    ``notes``: things the candidate should know (audio written to a file, messages
    ignored).
    """

    status: str
    lines: tuple[Line, ...] = ()
    asked: int = 0
    total: int = 0
    elapsed: float = 0.0
    allowed: float | None = None
    level: float = 0.0
    speaking: TurnRole | None = None
    muted: bool = False
    duplex: str = "half"
    notes: tuple[str, ...] = ()


class EntryEnd(StrEnum):
    """How typing an answer ended."""

    SUBMITTED = "submitted"  # the candidate submitted it (an answer, or a command line)
    ENDED = "ended"  # input ended (Ctrl-D on an empty answer, the end of piped input)
    INTERRUPTED = "interrupted"  # Ctrl-C, the terminal closed, or the process told to stop


#: the commands a candidate can type on a line of their own
COMMANDS = ("/hint", "/skip", "/pause", "/quit", "/edit", "/help")


def command_of(line: str) -> str | None:
    """``line`` as a command (``/hint``), when it is one word starting with ``/``."""
    word = line.strip().lower()
    if word.startswith("/") and len(word) > 1 and word[1:].isalpha():
        return word
    return None


@dataclass(frozen=True)
class Entry:
    """What the candidate typed for an answer, and how typing it ended.

    A submitted command (``/hint``) comes as its own entry with ``draft``, the answer
    typed so far that stays in the editor; ``text`` is what was typed when input ended
    or was interrupted; ``signal`` names the interruption (SIGINT for Ctrl-C).
    """

    text: str
    end: EntryEnd = EntryEnd.SUBMITTED
    draft: str = ""
    signal: int | None = None


@dataclass(frozen=True)
class AnswerRequest:
    """What a display needs to take one answer.

    ``allowed``: the question's time in seconds; ``elapsed``: the seconds spent on this
    answer so far (a clock to show, ticking); ``draft``: the text to start from (a draft
    kept earlier, or the answer typed before a command); ``save_draft``: keeps the text
    typed so far (a display may call it now and then, so a killed process loses little);
    ``follow_up``: the answer is to a follow-up question (no /hint or /skip).
    """

    allowed: float | None
    elapsed: Callable[[], float]
    draft: str = ""
    save_draft: Callable[[str], None] | None = None
    follow_up: bool = False


class Interrupted(KeyboardInterrupt):
    """The candidate interrupted the interview (Ctrl-C) or the process was told to stop
    (``signum``: SIGINT, SIGHUP, SIGTERM); ``draft_saved`` says whether an unsent answer
    was kept as a draft."""

    def __init__(self, signum: int = signal.SIGINT, *, draft_saved: bool = False) -> None:
        super().__init__(signum)
        self.signum = signum
        self.draft_saved = draft_saved


class Display(Protocol):
    """The candidate's side of a run: what is shown, and typed input."""

    def question(self, question: Question, position: int, total: int) -> None:
        """Show ``question``, number ``position`` of ``total`` (1-based)."""
        ...

    def progress(self, progress: Progress) -> None:
        """Show how the current answer or call is going (called often; may redraw)."""
        ...

    def ask(self, prompt: str, timer: Progress | None = None) -> str:
        """Read one line typed by the candidate, after ``prompt`` and the ``timer`` if
        given. Raises EOFError when input has ended, KeyboardInterrupt on Ctrl-C."""
        ...

    def answer(self, request: AnswerRequest) -> Entry:
        """Take one answer (or one command line) typed by the candidate.

        Never raises for input that ends or is interrupted: the entry says so, with the
        text typed, so the runner can keep it (as an answer or as a draft).
        """
        ...

    def say(self, message: str, tone: Tone = Tone.NOTE) -> None:
        """Show a message of the given tone."""
        ...

    def busy(self, message: str) -> AbstractContextManager[object]:
        """A context for work that takes a while (a model loading, a reply awaited)."""
        ...

    def live_call(self, view: CallView) -> None:
        """Show a call held in the terminal as it goes: called often (about ten times a
        second) from one thread, each time with the whole view; may redraw. :meth:`idle`
        ends the live view."""
        ...

    def open_link(self, url: str) -> None:
        """Offer ``url`` to the candidate (a page to join a call): shown, and opened in a
        browser where the display may."""
        ...

    def idle(self) -> None:
        """Stop any live progress (a spinner, a meter), e.g. before asking something."""
        ...


#: Seconds of silence after speech that end a spoken answer, unless --silence says otherwise.
SILENCE_SECONDS = 2.0


@dataclass(frozen=True)
class RunnerSettings:
    """How to run an interview: the mode and the options each mode takes.

    ``answers``: a JSON answers file (text mode, unattended); ``answers_audio``: a
    directory of WAV answers (voice mode); ``silence``: seconds of silence that end
    a spoken answer; ``phone``: an E.164 number to call (vapi mode); ``timeout``:
    seconds to wait for a call to end (a call held in the terminal is ended then);
    ``transport``: a Vapi call in the terminal or a browser (None: the terminal when the
    voice extra is installed); ``duplex``: whether the microphone stays open while the
    interviewer speaks; ``playback``: play the interviewer's audio (else write it to the
    session's audio folder); ``input_device``/``output_device``: a sound device's name
    (or part of it) or index, None for the system's default.
    """

    mode: Mode = Mode.TEXT
    answers: Path | None = None
    provider: Provider = Provider.AUTO
    model: str | None = None
    answers_audio: Path | None = None
    stt_engine: SttEngine = SttEngine.AUTO
    stt_model: str | None = None
    tts: bool = True
    keep_audio: bool = True
    silence: float = SILENCE_SECONDS
    phone: str | None = None
    timeout: float | None = None
    transport: CallTransport | None = None
    duplex: Duplex = Duplex.HALF
    playback: bool = True
    input_device: str | None = None
    output_device: str | None = None


class Runner(Protocol):
    name: str

    def run(self, interview: Interview) -> Outcome:
        """Ask ``interview``'s pending questions, storing each answer as it is given."""
        ...
