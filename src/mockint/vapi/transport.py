"""A Vapi call held in the terminal over Vapi's WebSocket transport (``vapi.websocket``).

The call's socket (``transport.websocketCallUrl``) carries binary frames of raw PCM both
ways (see :mod:`mockint.vapi.media`) and JSON text frames: Vapi sends ``transcript``
(``role``, ``transcriptType`` partial or final, ``transcript``), ``speech-update``
(``role``, ``status`` started or stopped), ``status-update`` (``status``,
``endedReason``), ``user-interrupted`` and others (ignored); the client ends the call
with ``{"type": "end-call"}``. Sources: https://docs.vapi.ai/calls/websocket-transport
and the ``ClientMessage*`` / ``ClientInboundMessageEndCall`` models of vapi-server-sdk 3.

Three threads: one sends a microphone frame every 20 ms, one receives (audio to the
sink, messages to the view), and the caller's thread draws the view and decides when
the call ends (the interviewer's goodbye, Ctrl-C, ``--timeout``, a dropped socket, no
audio at all). Vapi cannot reconnect a call: a dropped one is collected as it stands.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from mockint.enums import Duplex
from mockint.models.questions import Question
from mockint.models.sessions import TurnRole
from mockint.runners.base import CallView, Display, Interrupted, Line
from mockint.vapi.calls import QuestionMatcher
from mockint.vapi.client import VapiError
from mockint.vapi.media import FRAME_SECONDS, SILENCE, AudioSink, AudioSource, rms

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

#: seconds between redraws of the live view
REFRESH_SECONDS = 0.1
#: interviewer audio heard this recently (seconds) still mutes a half-duplex microphone
AUDIBLE_TAIL_SECONDS = 0.15
#: a frame sent this much later than the one before (seconds) is a gap
GAP_SECONDS = 0.025
#: the largest message accepted from the socket (bytes); audio frames are 640
MAX_MESSAGE_BYTES = 1 << 20
#: seconds for the closing handshake once the call is over
CLOSE_SECONDS = 1.0
#: the longest the interviewer's queued last words are waited for at the end (seconds)
DRAIN_SECONDS = 5.0

_ROLES = {
    "assistant": TurnRole.INTERVIEWER,
    "bot": TurnRole.INTERVIEWER,
    "user": TurnRole.CANDIDATE,
}


class CallEnd(StrEnum):
    """Why a call held in the terminal ended."""

    ENDED = "ended"  # Vapi ended it (the interviewer's goodbye, a timeout on its side)
    HUNG_UP = "hung up"  # the candidate ended it (Ctrl-C, then yes)
    TIMEOUT = "timeout"  # --timeout passed: ended from here
    DROPPED = "dropped"  # the connection broke
    NO_AUDIO = "no audio"  # the interviewer sent no audio: ended from here
    NO_MICROPHONE = "no microphone"  # the microphone stopped (unplugged): ended from here
    AUDIO_FAILED = "audio failed"  # the interviewer's audio could not be played: ended here
    STOPPED = "stopped"  # the process was told to stop (a second Ctrl-C, SIGTERM, SIGHUP)


@dataclass
class CallStats:
    """How the audio went: frames sent (``sent_at``: monotonic seconds of each send),
    when the socket opened and the first interviewer frame arrived (monotonic seconds),
    and messages ignored as malformed."""

    sent_at: list[float] = field(default_factory=list)
    connected_at: float | None = None
    first_audio_at: float | None = None
    received_frames: int = 0
    malformed: int = 0

    def intervals(self) -> list[float]:
        """Seconds between consecutive frames sent."""
        return [b - a for a, b in zip(self.sent_at, self.sent_at[1:], strict=False)]

    def gaps(self) -> int:
        """Frames sent more than ``GAP_SECONDS`` after the one before."""
        return sum(1 for d in self.intervals() if d > GAP_SECONDS)


class LiveCall:
    """One call over the WebSocket transport, from connection to the end of its audio.

    ``url``: the call's ``transport.websocketCallUrl``; ``key``: Vapi's private key, sent
    as ``Authorization: Bearer`` (None: no header); ``source``/``sink``: the candidate's and the
    interviewer's audio; ``recorder``: where the frames sent are kept (None: nowhere);
    ``questions``: the interview's, to show which is being asked and to cue scripted
    answers; ``duplex``: half mutes the microphone while the interviewer is heard;
    ``allowed``: the interview's allocation (seconds, shown); ``timeout``: seconds after
    which the call is ended from here; ``first_audio_seconds``: the call is ended when no
    interviewer audio arrived in that time; ``end_wait_seconds``: how long to wait for
    Vapi to close the socket once the call is ending; ``end_by_control``: ends the call
    another way (its control URL) when the socket cannot carry ``end-call``.
    """

    def __init__(
        self,
        url: str,
        key: SecretStr | None,
        *,
        source: AudioSource,
        sink: AudioSink,
        display: Display,
        questions: list[Question],
        duplex: Duplex = Duplex.HALF,
        allowed: float | None = None,
        timeout: float | None = None,
        first_audio_seconds: float = 15.0,
        end_wait_seconds: float = 5.0,
        connect_timeout: float = 10.0,
        recorder: AudioSink | None = None,
        end_by_control: Callable[[], bool] = lambda: False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self._key = url, key
        self.source, self.sink, self.recorder = source, sink, recorder
        self.display, self.duplex = display, duplex
        self.total, self.allowed = len(questions), allowed
        self.timeout, self.first_audio_seconds = timeout, first_audio_seconds
        self.end_wait_seconds, self.connect_timeout = end_wait_seconds, connect_timeout
        self.end_by_control = end_by_control
        self.monotonic = monotonic
        self.stats = CallStats()
        self.ended_reason: str | None = None  # Vapi's endedReason, from a status-update
        self._matcher = QuestionMatcher(questions)
        self._ws: ClientConnection | None = None
        self._stack = contextlib.ExitStack()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._end: CallEnd | None = None  # why the call ended, once it has
        self._ending: CallEnd | None = None  # why it is being ended from here
        self._ending_at: float | None = None
        self._began = 0.0
        self._status = "connecting"
        self._lines: list[Line] = []
        self._partial: dict[TurnRole, str] = {}
        self._turn_text = ""  # what the interviewer said since the candidate last spoke
        self._asked = 0
        self._cue: int | None = None  # a question asked whose scripted answer is due
        self._talking: dict[TurnRole, bool] = {}
        self._last_audio = float("-inf")
        self._level = 0.0
        self._muted = False
        self._notes: list[str] = []
        self._end_call = False  # the sender is to send end-call (only it writes the socket)
        self._end_call_sent = False
        self._recording = recorder is not None  # False once keeping the candidate's side failed
        self._playing = True  # False once the sink failed
        self._closed = False

    # -- connecting ---------------------------------------------------------------

    def connect(self) -> None:
        """Open the call's socket. Raises VapiError (one line, no key) when it cannot be
        opened: refused (401...), unreachable, or not a WebSocket."""
        from websockets import exceptions
        from websockets.sync.client import connect

        InvalidHandshake, InvalidStatus = exceptions.InvalidHandshake, exceptions.InvalidStatus
        InvalidURI = exceptions.InvalidURI
        # InvalidProxy (a bad HTTPS_PROXY) exists from websockets 15; its text may hold a URL
        InvalidProxy = getattr(exceptions, "InvalidProxy", InvalidURI)
        headers = {} if self._key is None else {
            "Authorization": f"Bearer {self._key.get_secret_value()}"}  # fmt: skip
        try:
            # entered as a context (websockets 17 deprecates a bare connect()); left in _close
            self._ws = self._stack.enter_context(connect(
                self.url,
                additional_headers=headers,
                open_timeout=self.connect_timeout,
                close_timeout=CLOSE_SECONDS,
                compression=None,
                max_size=MAX_MESSAGE_BYTES,
            ))  # fmt: skip
        except InvalidStatus as exc:
            status = exc.response.status_code
            hint = (
                " Check the vapi-private key with `mockint keys list`."
                if status in (401, 403)
                else ""
            )
            raise VapiError(f"Vapi refused the call's audio socket ({status}).{hint}") from None
        except (InvalidURI, InvalidProxy):
            raise VapiError(
                "Vapi's websocketCallUrl for the call is not a WebSocket URL."
            ) from None
        except (InvalidHandshake, OSError, TimeoutError, ValueError) as exc:
            raise VapiError(
                f"Cannot connect to the call's audio socket ({type(exc).__name__})."
            ) from None
        self.stats.connected_at = self.monotonic()

    # -- the call -----------------------------------------------------------------

    def run(self) -> CallEnd:
        """Hold the call until it ends; why it ended. The view goes to the display ten
        times a second. On Ctrl-C the candidate is asked whether to end the call (no: it
        goes on); a second Ctrl-C, SIGTERM or SIGHUP ends the call and re-raises
        :class:`~mockint.runners.base.Interrupted`, after the socket is closed."""
        if self._ws is None:
            self.connect()
        self._began = self.monotonic()
        threads = [
            threading.Thread(target=self._receive, name="vapi-receive", daemon=True),
            threading.Thread(target=self._send, name="vapi-send", daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            self._hold()
        finally:
            try:
                self.display.idle()
            finally:
                self._close(threads)
        return self._end or CallEnd.ENDED

    def _hold(self) -> None:
        while True:
            try:
                while not self._done.wait(REFRESH_SECONDS):
                    self.display.live_call(self.view())
                    self._check_deadlines()
                self.display.live_call(self.view())  # its last words
                return
            except KeyboardInterrupt as exc:
                signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
                if signum == signal.SIGINT and self._ending is None:
                    if self._confirm_end():
                        self.end(CallEnd.HUNG_UP)
                    elif not self._done.is_set():
                        self.display.say("The call goes on.")
                    continue  # (a call that ended meanwhile leaves the loop at once)
                self._stop()
                raise

    def _stop(self) -> None:
        """End the call on a stop signal: give Vapi ``end_wait_seconds`` to close it, and
        end it through its control URL if ``end-call`` could not be sent meanwhile."""
        self.end(CallEnd.STOPPED)
        self._done.wait(self.end_wait_seconds)
        if not self._end_call_sent:
            self.end_by_control()
        self._end = CallEnd.STOPPED

    def _confirm_end(self) -> bool:
        """Ask whether to end the call; True for yes, and when nobody can answer (input
        has ended: an unattended run). A Ctrl-C at the question ends it too (raised
        again, as a second stop)."""
        self.display.idle()
        try:
            answer = self.display.ask("End the call now? [y/N]: ")
        except EOFError:
            return True
        except KeyboardInterrupt:
            self._stop()
            raise
        return answer.strip().lower() in ("y", "yes")

    def _check_deadlines(self) -> None:
        now = self.monotonic()
        if self._ending is not None:
            if self._ending_at is not None and now - self._ending_at > self.end_wait_seconds:
                if self._ending != CallEnd.ENDED and not self._end_call_sent:
                    self.end_by_control()  # the socket could not carry end-call
                self._finish(self._ending)  # Vapi did not close the socket: close it here
            return
        if self.timeout is not None and now - self._began > self.timeout:
            self.end(CallEnd.TIMEOUT)
        elif self.stats.first_audio_at is None and now - self._began > self.first_audio_seconds:
            self.end(CallEnd.NO_AUDIO)
        elif self._status == "ended" and self._ending_at is None:
            self._ending_at = now  # Vapi said it ended: give it time to close the socket
            self._ending = CallEnd.ENDED

    def end(self, why: CallEnd) -> None:
        """End the call from here: the sender thread sends ``end-call`` on the socket
        (only it writes there, so this never waits on a stalled network); when it cannot,
        the call is ended through its control URL (an HTTP request). Idempotent; the
        socket stays open until Vapi closes it (or ``end_wait_seconds`` pass) so the
        interviewer's last words still arrive."""
        with self._lock:
            if self._done.is_set() or (self._ending is not None and why != CallEnd.STOPPED):
                return
            self._ending = why
            self._ending_at = self.monotonic()
            self._end_call = True

    def _finish(self, why: CallEnd) -> None:
        with self._lock:
            if self._end is None:
                self._end = why
        self._done.set()

    def close(self) -> None:
        """Close the socket and the audio (idempotent): for a call connected but never
        run, e.g. interrupted before it started."""
        self._close([])

    def _close(self, threads: list[threading.Thread]) -> None:
        """Close the socket, let both threads finish, then close the audio (so that no
        frame is written to a sink already closed). A thread still blocked on the network
        (a stalled connection) is woken by shutting the socket down."""
        if self._closed:
            return
        self._closed = True
        self._done.set()
        for thread in threads[1:]:  # the sender stops within a frame when it can
            thread.join(timeout=1)
        if self._ws is not None and any(thread.is_alive() for thread in threads[1:]):
            with contextlib.suppress(OSError):
                self._ws.socket.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):  # a broken connection has nothing to close
            self._stack.close()
        for thread in threads:
            thread.join(timeout=2)
        if self._end in (CallEnd.ENDED, CallEnd.HUNG_UP, CallEnd.TIMEOUT):
            drained = self.monotonic() + min(self.sink.pending(), DRAIN_SECONDS)
            while self.sink.pending() > 0 and self.monotonic() < drained:
                time.sleep(FRAME_SECONDS)  # the interviewer's last words, still queued
        for closing in (self.source, self.sink, self.recorder):
            if closing is not None:
                with contextlib.suppress(Exception):
                    closing.close()

    # -- receiving ----------------------------------------------------------------

    def _receive(self) -> None:
        from websockets.exceptions import ConnectionClosed

        assert self._ws is not None
        why = CallEnd.ENDED
        try:
            for message in self._ws:  # ends when Vapi closes the socket normally
                if isinstance(message, bytes):
                    self._audio(message)
                else:
                    self._message(message)
        except (ConnectionClosed, OSError):
            why = CallEnd.DROPPED
        except Exception as exc:  # a bug here must not leave the call running unseen
            self.note(f"Reading the call failed ({type(exc).__name__}).")
            why = CallEnd.DROPPED
        with self._lock:
            ending = self._ending
            if why == CallEnd.DROPPED and (ending is not None or self._status == "ended"):
                why = ending or CallEnd.ENDED  # closed while ending: not a drop
            elif ending is not None:
                why = ending
        self._finish(why)

    def _audio(self, data: bytes) -> None:
        if not data or len(data) % 2:
            self._malformed()
            return
        now = self.monotonic()
        with self._lock:
            self._last_audio = now
            self.stats.received_frames += 1
            if self.stats.first_audio_at is None:
                self.stats.first_audio_at = now
            playing = self._playing
        if not playing:
            return
        try:
            self.sink.write(data)
        except Exception as exc:  # speakers unplugged, a full disk
            with self._lock:
                self._playing = False
            self.note(f"The interviewer's audio failed on {self.sink.where} ({exc}).")
            self.end(CallEnd.AUDIO_FAILED)

    def _malformed(self) -> None:
        with self._lock:
            self.stats.malformed += 1
            if self.stats.malformed == 1:
                self._notes.append("Ignored a malformed message from Vapi (the call goes on).")

    def _message(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and "type" not in data and isinstance(data.get("message"), dict):
            data = data["message"]  # the server-message envelope
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            self._malformed()
            return
        kind = data["type"]
        if kind.startswith("transcript"):
            self._transcript(data)
        elif kind == "speech-update":
            speaker = _ROLES.get(str(data.get("role")))
            if speaker is not None:
                with self._lock:
                    self._talking[speaker] = data.get("status") == "started"
                    if speaker == TurnRole.CANDIDATE and self._talking[speaker]:
                        self._turn_text = ""
        elif kind == "status-update":
            with self._lock:
                self._status = str(data.get("status") or self._status)
                if data.get("endedReason"):
                    self.ended_reason = str(data["endedReason"])
        elif kind == "user-interrupted":
            self.sink.clear()  # the candidate spoke over the interviewer: drop its queued audio

    def _transcript(self, data: dict[str, Any]) -> None:
        speaker = _ROLES.get(str(data.get("role")))
        text = " ".join(str(data.get("transcript") or "").split())
        if speaker is None or not text:
            return
        with self._lock:
            if data.get("transcriptType") != "final":
                self._partial[speaker] = text
                return
            self._partial.pop(speaker, None)
            self._lines.append(Line(speaker, text))
            if speaker == TurnRole.CANDIDATE:
                self._turn_text = ""
                return
            self._turn_text = f"{self._turn_text} {text}".strip()
            index = self._matcher.asked(self._turn_text)
            if index is not None:
                self._asked = index + 1
                self._cue = index + 1

    # -- sending ------------------------------------------------------------------

    def _audible(self) -> bool:
        """Whether the interviewer can be heard now (so a half-duplex microphone mutes)."""
        with self._lock:
            talking = self._talking.get(TurnRole.INTERVIEWER, False)
            recent = self.monotonic() - self._last_audio < AUDIBLE_TAIL_SECONDS
        return talking or recent or self.sink.pending() > 0

    def _send(self) -> None:
        """Send a frame every 20 ms until the call is over, and ``end-call`` when asked:
        the only thread that writes to the socket."""
        try:
            self._stream()
        except Exception as exc:  # a bug here must not leave the call running unseen
            self.note(f"Sending your audio failed ({type(exc).__name__}).")
            self.end(CallEnd.AUDIO_FAILED)

    def _stream(self) -> None:
        from websockets.exceptions import ConnectionClosed

        assert self._ws is not None
        while not self._done.is_set():
            audible = self._audible()
            with self._lock:
                cue = self._cue if not audible else None
                if cue is not None:
                    self._cue = None
                end_call, self._end_call = self._end_call, False
            if end_call and not self._send_end_call():
                return
            if cue is not None:
                self.source.cue(cue)
            muted = self.duplex == Duplex.HALF and audible
            try:
                frame = self.source.read(hold=muted)
            except Exception as exc:  # the device went away (unplugged, PortAudio error)
                self.note(f"The microphone stopped ({type(exc).__name__}).")
                self.end(CallEnd.NO_MICROPHONE)
                self._send_end_call()  # this thread stops here, and only it writes
                return
            out = SILENCE if muted else frame
            try:
                self._ws.send(out)
            except (ConnectionClosed, OSError, RuntimeError):
                return
            self.stats.sent_at.append(self.monotonic())
            level = 0.0 if muted else rms(frame)
            with self._lock:
                self._level, self._muted = level, muted
            if self._recording and self.recorder is not None:
                try:
                    self.recorder.write(out)
                except Exception as exc:  # a full disk: the call goes on, unrecorded
                    self._recording = False
                    self.note(f"Your side of the call is no longer kept ({exc}).")

    def _send_end_call(self) -> bool:
        """Send ``end-call`` on the socket (from the sender thread); when the socket cannot
        carry it, end the call through its control URL. Whether the socket took it."""
        from websockets.exceptions import ConnectionClosed

        assert self._ws is not None
        try:
            self._ws.send(json.dumps({"type": "end-call"}))
        except (ConnectionClosed, OSError, RuntimeError):
            self.end_by_control()
            return False
        self._end_call_sent = True
        return True

    # -- the view -----------------------------------------------------------------

    def note(self, message: str) -> None:
        """Add a line the candidate should know about to the view."""
        with self._lock:
            self._notes.append(message)

    def view(self) -> CallView:
        """The call as it stands (a snapshot)."""
        with self._lock:
            lines = list(self._lines) + [
                Line(speaker, text, final=False) for speaker, text in self._partial.items()
            ]
            speaking = next((s for s, on in self._talking.items() if on), None)
            muted = self._muted
        playing = self.source.playing  # (not under this lock: the source has its own)
        with self._lock:
            if muted:
                speaking = TurnRole.INTERVIEWER  # still heard (queued audio, its last frames)
            elif playing:
                speaking = TurnRole.CANDIDATE
            return CallView(
                status=self._status,
                lines=tuple(lines),
                asked=self._asked,
                total=self.total,
                elapsed=self.monotonic() - self._began if self._began else 0.0,
                allowed=self.allowed,
                level=0.0 if self._done.is_set() else self._level,
                speaking=speaking,
                muted=self._muted,
                duplex=str(self.duplex),
                notes=tuple(self._notes),
            )
