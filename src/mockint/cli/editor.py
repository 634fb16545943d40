"""The answer editor on a terminal (prompt_toolkit, drawn on stderr).

Multi-line editing with the arrow keys, the answers given earlier in this run as
history (Up on the first line), bracketed paste (a paste is text and never submits,
whatever it holds), and a bottom toolbar with the clock ticking against the
question's time and the keys. Submit with Alt+Enter or Esc then Enter; Enter on an
empty last line submits too, for people who type. A command is a line of its own
(``/hint``): Enter sends it and the answer typed so far stays, with the cursor on a new
line under it. ``/edit`` (or Ctrl-X Ctrl-E) opens ``$VISUAL``/``$EDITOR`` on the answer.

Nothing typed is lost: the draft is handed to ``save_draft`` every few seconds
while it changes, and Ctrl-C, SIGINT, SIGHUP (the terminal closed) and SIGTERM end
the editor with the text typed, as an interrupted entry.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Mapping

from prompt_toolkit import PromptSession
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import create_output

from mockint.cli import console, signals
from mockint.cli.console import glyph
from mockint.runners.base import AnswerRequest, Entry, EntryEnd, command_of
from mockint.timespec import clock

#: seconds between saves of a changing draft
AUTOSAVE_EVERY = 3.0


class AnswerEditor:
    """Takes answers on a terminal, one :meth:`answer` call each; keeps this run's history."""

    def __init__(self) -> None:
        self.history = InMemoryHistory()
        self.session: PromptSession[str] = PromptSession(
            multiline=True,
            history=self.history,
            key_bindings=self._bindings(),
            enable_open_in_editor=False,  # Ctrl-X Ctrl-E is bound below, to _edit
            enable_suspend=True,  # Ctrl-Z suspends, as in any terminal program
            tempfile_suffix=".md",
            prompt_continuation=lambda width, line, wrap: "  ",
            output=create_output(stdout=sys.stderr),
            refresh_interval=1.0,
            erase_when_done=False,
        )
        self.request: AnswerRequest | None = None
        self.entry: Entry | None = None
        self.saved = ""  # the draft last handed to save_draft
        self.saved_at = 0.0
        self.notice: str | None = None  # shown in the toolbar until the next answer

    def answer(self, request: AnswerRequest) -> Entry:
        self.request, self.entry, self.notice = request, None, None
        previous = {s: signal.getsignal(s) for s in signals.STOP_SIGNALS}
        buffer = self.session.default_buffer
        # a restored draft (after a command, or on resume) leaves the cursor on a line of its
        # own, as /edit does: a command typed next is not joined to the draft's last line
        draft = request.draft.rstrip("\n") + "\n" if request.draft.strip() else ""
        self.saved, self.saved_at = draft, time.monotonic()
        try:
            self.session.prompt(
                glyph("›", console.err) + " ",
                default=draft,
                bottom_toolbar=self._toolbar,
                pre_run=self._pre_run,
                handle_sigint=False,
            )
        except EOFError:
            # Ctrl-D on an empty answer ends input; input that closes under a typed answer
            # is a terminal gone away
            if buffer.text.strip():
                self.entry = self._stop_entry(buffer.text, getattr(signal, "SIGHUP", 15))
            else:
                self.entry = Entry("", EntryEnd.ENDED)
        except OSError:
            # the terminal went away while drawing
            self.entry = self._stop_entry(buffer.text, getattr(signal, "SIGHUP", 15))
        finally:
            # the editor's event loop reset these to their defaults when it closed
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return self.entry or Entry("", EntryEnd.ENDED)

    def _stop_entry(self, text: str, signum: int) -> Entry:
        signals.stopping(signum)
        return Entry(text, EntryEnd.INTERRUPTED, signal=signum)

    def _pre_run(self) -> None:
        app = self.session.app
        loop = asyncio.get_running_loop()
        for signum in signals.STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._on_signal, signum)
        app.create_background_task(self._autosave())

    def _on_signal(self, signum: int) -> None:
        self._finish(self._stop_entry(self.session.default_buffer.text, signum))

    def _finish(self, entry: Entry) -> None:
        app = self.session.app
        if self.entry is None and app.is_running and not app.is_done:
            self.entry = entry
            app.exit(result=entry.text)

    async def _autosave(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self._save_if_changed()

    def _save_if_changed(self) -> None:
        request, text = self.request, self.session.default_buffer.text
        if request is None or request.save_draft is None or text == self.saved:
            return
        if time.monotonic() - self.saved_at < AUTOSAVE_EVERY:
            return
        self.saved, self.saved_at = text, time.monotonic()
        try:
            request.save_draft(text)
        except Exception:  # a failed autosave (a locked database) is retried
            self.saved = ""  # at the next tick, and the draft is saved again when typing ends

    def _toolbar(self) -> FormattedText:
        """The clock against the question's time (red once over it), then as many of the
        keys as the terminal's width allows, the most needed first."""
        request = self.request
        if request is None:
            return FormattedText([])
        elapsed = request.elapsed()
        shown = clock(elapsed)
        style = "bold"
        if request.allowed is not None:
            shown += f" / {clock(request.allowed)}"
            if elapsed > request.allowed:
                style = "bg:ansired fg:ansiwhite bold"
        parts: list[tuple[str, str]] = [(style, f" {shown} ")]
        if self.notice:
            return FormattedText([*parts, ("bg:ansired fg:ansiwhite", f" {self.notice} ")])
        keys = [
            "Alt+Enter or Esc Enter: submit",
            "or Enter on an empty line",
            "/edit: $EDITOR",
            "/help" if request.follow_up else "/hint /skip /pause /help",
        ]
        room = self.session.app.output.get_size().columns - len(shown) - 2
        for key in keys:
            if len(key) + 3 > room:
                break
            parts.append(("", f" | {key}" if len(parts) > 1 else f" {key}"))
            room -= len(key) + 3
        return FormattedText(parts)

    def _bindings(self) -> KeyBindings:
        bindings = KeyBindings()

        @bindings.add("enter")
        def _enter(event: KeyPressEvent) -> None:
            buffer = event.current_buffer
            document = buffer.document
            lines = document.text.split("\n")
            at_end = document.is_cursor_at_the_end
            last = command_of(lines[-1]) if at_end else None
            if last is not None:
                rest = "\n".join(lines[:-1]).rstrip()
                if last == "/edit":
                    buffer.text = rest
                    buffer.cursor_position = len(rest)
                    self._edit(buffer)
                    return
                buffer.append_to_history()
                self._finish(Entry(last, draft=rest))
                return
            pending = len(event.app.key_processor.input_queue) > 0
            if at_end and lines[-1] and not lines[-1].strip() and not pending:
                # the indentation copied onto a new line of code: Enter clears it first, so
                # a blank line typed inside a block does not submit the answer half written
                buffer.delete_before_cursor(len(lines[-1]))
                return
            if at_end and not lines[-1].strip() and document.text.strip() and not pending:
                # Enter on an empty last line submits; keys already queued behind this Enter
                # mean a paste the terminal did not bracket, which goes on as text
                self._submit(event)
                return
            # keys queued behind this Enter are a paste the terminal did not bracket: its
            # lines bring their own indentation, which copying the margin would add to
            buffer.newline(copy_margin=not pending)

        @bindings.add("escape", "enter")
        def _submit(event: KeyPressEvent) -> None:
            self._submit(event)

        @bindings.add("c-x", "c-e")
        def _open_editor(event: KeyPressEvent) -> None:
            self._edit(event.current_buffer)

        @bindings.add("c-c")
        def _interrupt(event: KeyPressEvent) -> None:
            self._finish(self._stop_entry(event.current_buffer.text, signal.SIGINT))

        return bindings

    def _edit(self, buffer: Buffer) -> None:
        """Open the answer in the user's editor; back from it, the cursor waits on a line of
        its own, so a command typed next is not joined to the answer's last line. An editor
        that $VISUAL or $EDITOR names but that cannot be found is said so in the toolbar,
        rather than another editor opened in its place."""

        def back(_: object = None) -> None:
            text = buffer.text.rstrip("\n")
            if text:
                buffer.text = text + "\n"
                buffer.cursor_position = len(buffer.text)

        self.notice = editor_problem(os.environ)
        if self.notice is not None:
            back()  # no editor: the cursor still waits on a line of its own
            return
        if buffer.text.strip():
            # a text file ends with a newline: an editor (or a script) that appends a line
            # must not join it to the answer's last one
            buffer.text = buffer.text.rstrip("\n") + "\n"
        buffer.open_in_editor().add_done_callback(back)

    def _submit(self, event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        text = buffer.text.strip("\n").rstrip()
        if not text.strip():
            return
        command = command_of(text)
        if command == "/edit":
            buffer.text = ""
            self._edit(buffer)
            return
        buffer.append_to_history()
        self._finish(Entry(command) if command else Entry(text))


def editor_problem(environ: Mapping[str, str]) -> str | None:
    """Why /edit cannot open an editor that ``$VISUAL`` or ``$EDITOR`` names (the first one
    set, when none of them is installed; short, for the toolbar's one line), or None: one of them is (prompt_toolkit opens the
    first it finds), or neither is set (it then tries editor, nano, pico, vi and emacs)."""
    problems = []
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if not value:
            continue
        try:
            program = shlex.split(value)[0]
        except (ValueError, IndexError):
            problems.append(f"/edit: ${name} cannot be read as a command")
            continue
        if shutil.which(program) is not None:
            return None  # prompt_toolkit opens the first of them that it finds
        problems.append(f"/edit: {program} (${name}) is not installed")
    return problems[0] if problems else None
