"""The terminal display runners talk through (Rich, on stderr).

Questions are panels; answers are typed in the answer editor on a terminal
(:mod:`mockint.cli.editor`), or read line by line after a prompt showing the timer
(green, then red once over the time allocation) when input is not a terminal; a
spoken answer draws a level meter on one line; a
Vapi call shows its status in a spinner. Text from users and services is shown
inert (no markup, no control characters).
"""

from __future__ import annotations

import os
import sys
import webbrowser
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.status import Status
from rich.text import Text

from mockint.cli import console, signals
from mockint.models.questions import Question
from mockint.models.sessions import TurnRole
from mockint.runners.base import AnswerRequest, CallView, Entry, Line, Progress, Tone
from mockint.runners.lines import read_answer_lines
from mockint.safetext import inert
from mockint.timespec import clock
from mockint.wording import counted

if TYPE_CHECKING:
    from rich.live import Live

    from mockint.cli.editor import AnswerEditor

# Seconds between redraws of the level meter.
METER_REDRAW = 0.1
METER_WIDTH = 20
CALL_METER_WIDTH = 8
SPEAKER_LABEL = {
    TurnRole.INTERVIEWER: ("Interviewer", "bold cyan"),
    TurnRole.CANDIDATE: ("You", "bold green"),
}


def call_line(line: Line) -> Text:
    """One utterance of a live call: the speaker's label, then the words (inert)."""
    label, style = SPEAKER_LABEL[line.speaker]
    return Text(f"{label}: ", style=style if line.final else "dim") + console.user_text(
        line.text, style="" if line.final else "dim italic"
    )


def call_footer(view: CallView, width: int) -> Text:
    """The live call's status line, cut to ``width`` columns: who is speaking (or the
    call's status while it is not in progress), the question being asked, the time
    against the allocation, the microphone's level or that it is muted."""
    dot = console.glyph("●", console.err)
    if view.status != "in-progress":
        state = Text(f"{dot} {view.status}", style="yellow")
    elif view.speaking == TurnRole.INTERVIEWER:
        state = Text(f"{dot} interviewer speaking", style="cyan")
    elif view.speaking == TurnRole.CANDIDATE:
        state = Text(f"{dot} you are speaking", style="green")
    else:
        state = Text(f"{dot} listening", style="green")
    parts = [state]
    if view.total:
        asking = (
            f"question {view.asked} of {view.total}"
            if view.asked
            else counted(view.total, "question")
        )
        parts.append(Text(asking))
    timer = clock(view.elapsed) + (f"/{clock(view.allowed)}" if view.allowed else "")
    over = view.allowed is not None and view.elapsed > view.allowed
    parts.append(Text(timer, style="red" if over else ""))
    if view.muted:
        parts.append(Text("mic muted", style="yellow"))
    else:
        bars = min(CALL_METER_WIDTH, int(view.level * 100))
        parts.append(
            Text("mic " + console.glyph("█", console.err) * bars + "·" * (CALL_METER_WIDTH - bars))
        )
    parts.append(Text("^C ends", style="dim"))
    footer = Text(" · ", style="dim").join(parts)
    footer.truncate(width, overflow="ellipsis")
    return footer


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


def editor_available() -> bool:
    """Whether answers can be typed in the editor: input and stderr are a terminal that
    can draw it (not ``TERM=dumb``). Otherwise answers are read line by line, as scripts
    piping them in expect."""
    return sys.stdin.isatty() and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


class RichDisplay:
    """:class:`~mockint.runners.base.Display` on the terminal (stderr).

    ``open_browser``: whether :meth:`open_link` opens a browser (``--no-browser``).
    """

    def __init__(self, *, open_browser: bool = True) -> None:
        self.open_browser = open_browser
        self.status: Status | None = None  # a call's spinner, while live
        self.call_status = ""  # the call status last announced
        self.meter_drawn_at: float | None = None  # when the level meter was last drawn
        self.editor: AnswerEditor | None = None  # made at the first answer, on a terminal
        self.live: Live | None = None  # a call held in the terminal, while it is shown
        self.call_lines = 0  # final lines of the live call printed so far
        self.call_notes = 0  # notes of the live call printed so far

    def question(self, question: Question, position: int, total: int) -> None:
        console.err.print(question_panel(question, position, total))

    def progress(self, progress: Progress) -> None:
        if progress.status is not None:
            self._call(progress)
        elif progress.level is not None:
            self._meter(progress)

    def _call(self, progress: Progress) -> None:
        text = Text(inert(f"Call {progress.status} · {clock(progress.elapsed)}"))
        if progress.status != self.call_status:
            console.note(f"Call {progress.call_id}: {progress.status}")
            self.call_status = progress.status or ""
        if self.status is None:
            self.status = console.err.status(text)
            self.status.start()
        else:
            self.status.update(text)

    def _meter(self, progress: Progress) -> None:
        drawn = self.meter_drawn_at
        if drawn is not None and progress.elapsed - drawn < METER_REDRAW:
            return
        self.meter_drawn_at = progress.elapsed
        bars = min(METER_WIDTH, int((progress.level or 0.0) * 200))
        meter = "█" * bars + "·" * (METER_WIDTH - bars)
        state = "speaking" if progress.speaking else "listening"
        console.err.print(
            Text(f"\r{clock(progress.elapsed)} {meter} {state} (Enter to finish)", style="dim"),
            end="",
        )

    def ask(self, prompt: str, timer: Progress | None = None) -> str:
        self.idle()
        signals.resume()  # a question asked after a Ctrl-C: a Ctrl-C now interrupts it
        shown = Text(inert(prompt))
        if timer is not None and timer.allowed is not None:
            colour = "red" if timer.over_time else "green"
            shown += Text(f"{clock(timer.elapsed)}/{clock(timer.allowed)}", style=colour)
            shown += Text(" › ")
        try:
            return console.err.input(shown)
        except KeyboardInterrupt:
            console.err.print()  # the error that follows starts on a line of its own
            raise

    def answer(self, request: AnswerRequest) -> Entry:
        self.idle()
        if self.editor is None and editor_available():
            # lazy: prompt_toolkit loads only when a person types answers, not for scripts
            from mockint.cli.editor import AnswerEditor

            self.editor = AnswerEditor()
        if self.editor is not None:
            return self.editor.answer(request)
        if request.draft.strip():
            # line by line, the draft cannot be edited: it is shown, and lines typed follow it
            console.err.print(console.user_text(request.draft, style="dim"))
        return read_answer_lines(lambda timer: self.ask("", timer), request)

    def say(self, message: str, tone: Tone = Tone.NOTE) -> None:
        if tone == Tone.WARNING:
            console.warn(message)
        elif tone == Tone.NOTICE:
            console.err.print(Text(inert(message), style="yellow"))
        elif tone == Tone.HINT:
            console.err.print(Text(inert(message), style="magenta"))
        elif tone == Tone.FOLLOW_UP:
            console.err.print(
                Panel(
                    Text(inert(message)),
                    title="Follow-up",
                    title_align="left",
                    border_style="magenta",
                )
            )
        elif tone == Tone.HEARD:
            console.err.print(Text("You said: ", style="bold") + console.user_text(message))
        else:
            console.note(message)

    def busy(self, message: str) -> AbstractContextManager[object]:
        self.idle()
        return console.waiting(message)  # with the time waited: a local model may be slow

    def live_call(self, view: CallView) -> None:
        from rich.console import Group
        from rich.live import Live

        if self.live is None:
            self.live = Live(console=console.err, auto_refresh=False, transient=True)
            self.live.start()
        finals = [line for line in view.lines if line.final]
        for line in finals[self.call_lines :]:
            self.live.console.print(call_line(line))
        for note in view.notes[self.call_notes :]:
            self.live.console.print(Text(inert(note), style="yellow"))
        self.call_lines, self.call_notes = len(finals), len(view.notes)
        partial = [call_line(line) for line in view.lines if not line.final]
        # two columns spare: a footer as wide as the terminal leaves the cursor past its edge,
        # and the terminal's "^C" echo would wrap, so stopping the view could not erase it
        footer = call_footer(view, console.err.width - 2)
        self.live.update(Group(*partial, footer), refresh=True)

    def open_link(self, url: str) -> None:
        if self.open_browser:
            webbrowser.open(url)

    def idle(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        if self.status is not None:
            self.status.stop()
            self.status = None
        if self.meter_drawn_at is not None:
            console.err.print()  # end the meter's line
            self.meter_drawn_at = None
