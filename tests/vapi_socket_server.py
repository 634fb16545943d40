"""A local Vapi that runs calls over its WebSocket transport, for tests and benchmarks.

``POST /call`` with ``transport.provider == "vapi.websocket"`` on the local REST server
(:mod:`vapi_server`) creates one call, whose ``transport.websocketCallUrl`` points at a
WebSocket server on 127.0.0.1 run here. An interviewer there follows a :class:`Script`:
it speaks 16 kHz mono int16 little-endian PCM in 20 ms binary frames (a 440 Hz tone stands
in for speech) and sends Vapi's JSON client messages (``status-update``,
``speech-update``, ``transcript``, ``conversation-update``) as text frames, each built
through vapi-server-sdk's models (:func:`vapi_contract.client_message`). It measures the
loudness of every binary frame the client sends; a candidate turn ends after some speech
and then ``endpoint_seconds`` of quiet *audio* (counted from the frames' lengths, not the
clock), and the server "hears" the scripted answer. The call ends after the goodbye, on
the client's ``{"type": "end-call"}``, on the control URL, or when the connection is lost;
``GET /call/{id}`` then has the transcript as ``artifact.messages``.
"""

from __future__ import annotations

import json
import queue
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import numpy as np
import pydantic
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

from conftest import VAPI_PRIVATE
from vapi_contract import check_phone_call, client_message, create_call_dto
from vapi_server import CALL_ID, FakeVapi, bad_request, call_state, ended, start_vapi

RATE = 16_000
FRAME_SECONDS = 0.02
FRAME_BYTES = 640
#: what the server hears for a candidate turn past the end of :attr:`Script.answers`
NOT_SURE = "I am not sure."
#: speech a candidate turn needs before quiet can end it
MIN_SPEECH_SECONDS = 0.2
#: the ended reason of a call the client ended (end-call, control URL, lost connection)
CUSTOMER_ENDED = "customer-ended-call"
INVALID_KEY = {
    "message": "Invalid Key. Hot tip, you may be using the private key instead of the public "
    "key, or vice versa.",
    "error": "Unauthorized",
    "statusCode": 401,
}
#: what ``malformed`` sends before the first turn
MALFORMED: tuple[str | bytes, ...] = ("not json{", "[1, 2]", '{"no": "type"}', b"\x00\x01\x02")


@dataclass
class Script:
    """What the interviewer of one call says, what it hears, and how it misbehaves."""

    #: what the interviewer asks, in order
    questions: list[str]
    #: the transcript the server "hears" for each candidate turn, in order
    #: (past the end: :data:`NOT_SURE`)
    answers: list[str]
    #: said in the same first turn, before question 1
    greeting: str = "Hi, I'm your interviewer today."
    goodbye: str = "Thank you, that is the end of the interview. Goodbye."
    #: interviewer audio per turn (a 440 Hz tone at 0.3 full scale, 20 ms frames)
    speak_seconds: float = 0.3
    #: send interviewer audio in real time (one frame per 20 ms), else all at once
    pace: bool = False
    #: quiet (after speech) that ends a candidate turn
    endpoint_seconds: float = 0.3
    #: int16 RMS above which a received frame is speech
    speech_rms: float = 300.0
    #: after the handshake send only status-update in-progress, then nothing at all
    never_audio: bool = False
    #: after asking question N (1-based) close the TCP connection abruptly, no close frame
    drop_after: int | None = None
    #: before the first turn send a text that is not JSON, JSON that is not an object, an
    #: object without a type, and a 3-byte binary frame
    malformed: bool = False
    ended_reason: str = "assistant-said-end-call-phrase"


class _Ended(Exception):
    """The conversation stops; ``reason`` is what to tell the client, None when it cannot
    be told (the connection is gone, the server is stopping)."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason)
        self.reason = reason


def tone(seconds: float) -> list[bytes]:
    """A 440 Hz tone at 0.3 full scale, as 20 ms frames of 16 kHz int16 little-endian PCM."""
    count = round(seconds / FRAME_SECONDS)
    t = np.arange(count * FRAME_BYTES // 2) / RATE
    pcm = (0.3 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2").tobytes()
    return [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm), FRAME_BYTES)]


def rms(frame: bytes) -> float:
    """The RMS of int16 little-endian samples (a trailing odd byte is ignored)."""
    samples = np.frombuffer(frame[: len(frame) // 2 * 2], dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


@dataclass
class LiveVapi:
    """One call over the WebSocket transport, and what its client did.

    Implements :class:`vapi_server.SocketCall` for the REST server at :attr:`url`.
    """

    script: Script
    private_key: str
    #: the REST server (its recorded requests: ``rest.requests``)
    rest: FakeVapi
    #: the REST base URL (``MOCKINT_VAPI_BASE_URL``)
    url: str = ""
    #: the call's ``transport.websocketCallUrl``
    socket_url: str = ""
    #: (time.monotonic() at arrival, byte length) of every binary frame received
    frames: list[tuple[float, int]] = field(default_factory=list)
    #: every text frame the client sent, decoded from JSON
    received_texts: list[Any] = field(default_factory=list)
    #: text frames the client sent that are not JSON (ignored)
    unparsed_texts: list[str] = field(default_factory=list)
    #: the headers of the last WebSocket handshake, accepted or not
    handshake_headers: dict[str, str] = field(default_factory=dict)
    connected: threading.Event = field(default_factory=threading.Event)
    #: time.monotonic() when the handshake was done and the conversation began
    connected_at: float | None = None
    #: the WebSocket connection is over (the call has ended by then)
    closed: threading.Event = field(default_factory=threading.Event)
    #: interviewer audio frames sent (not counting ``malformed``'s)
    audio_frames_sent: int = 0
    #: time.monotonic() when the first interviewer audio frame was sent
    first_audio_sent_at: float | None = None
    #: questions asked so far (a question's turn was sent in full)
    asked: int = 0
    #: the call's status: queued, in-progress, ended
    status: str = "queued"
    ended_reason: str | None = None
    #: the transcript so far, as ``artifact.messages`` has it
    messages: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._created = False
        self._claimed = False
        self._started_wall = 0.0
        self._tone = tone(self.script.speak_seconds)
        self._listening = False
        self._speech_began = 0.0
        self._speech_last = 0.0
        self._speech_seconds = 0.0
        self._quiet_seconds = 0.0

    # --- REST (vapi_server.SocketCall) ---------------------------------------------------

    def _call(self) -> dict[str, Any]:
        """What every state of the call has beyond ``vapi_server.call_state``'s fields."""
        return {
            "type": "vapi.websocketCall",
            "transport": {"provider": "vapi.websocket", "websocketCallUrl": self.socket_url},
            "monitor": {"controlUrl": f"{self.url}/control/{CALL_ID}"},
        }

    def created(
        self, body: dict[str, Any], authorization: str | None
    ) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer {self.private_key}":
            return 401, INVALID_KEY
        try:
            check_phone_call(body)
        except (AssertionError, pydantic.ValidationError) as error:
            return 400, bad_request(str(error))
        audio = body["transport"].get("audioFormat") or {}
        if (audio.get("format"), audio.get("sampleRate")) != ("pcm_s16le", RATE):
            return 400, bad_request("this local server speaks only pcm_s16le at 16000 Hz")
        with self._lock:
            self._created = True
        return 201, call_state("queued", **self._call())

    def call_state(self) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.status != "ended":
                return 200, call_state(self.status, **self._call())
            return 200, ended(list(self.messages), self.ended_reason or CUSTOMER_ENDED,
                              **self._call())  # fmt: skip

    def end_by_control(self) -> None:
        with self._lock:
            if self.status == "queued":  # never connected: nothing to close
                self._end_locked(CUSTOMER_ENDED)
                return
        self._events.put(("end", CUSTOMER_ENDED))

    def _end_locked(self, reason: str) -> None:
        if self.status != "ended":
            self.status, self.ended_reason = "ended", reason

    def _end(self, reason: str) -> None:
        with self._lock:
            self._end_locked(reason)

    # --- WebSocket ---------------------------------------------------------------------

    def check_handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        """Only ``/<CALL_ID>/transport``, with the private key, once, after ``POST /call``."""
        self.handshake_headers = dict(request.headers.raw_items())
        if request.path != f"/{CALL_ID}/transport":
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        if request.headers.get("Authorization") != f"Bearer {self.private_key}":
            return connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
        with self._lock:
            if not self._created or self.status == "ended":
                return connection.respond(HTTPStatus.NOT_FOUND, "No such call\n")
            if self._claimed:
                return connection.respond(HTTPStatus.CONFLICT, "The call is already connected\n")
            self._claimed = True
        return None

    def handle(self, connection: ServerConnection) -> None:
        with self._lock:
            if self.status == "ended":  # by the control URL, during the handshake
                return
            self.status = "in-progress"
            self._started_wall = time.time()
            self.connected_at = time.monotonic()
        self.connected.set()
        threading.Thread(target=self._read, args=(connection,), daemon=True).start()
        try:
            self._converse(connection)
        except _Ended as end:
            if end.reason is not None:
                self._end(end.reason)
                try:
                    self._send(connection, {"type": "status-update", "status": "ended",
                                            "endedReason": end.reason})  # fmt: skip
                    connection.close(1000)
                except _Ended:
                    pass

    def _converse(self, connection: ServerConnection) -> None:
        script = self.script
        self._send(connection, {"type": "status-update", "status": "in-progress"})
        if script.never_audio:
            self._wait()
        if script.malformed:
            for raw in MALFORMED:
                self._send_raw(connection, raw)
        if not script.questions:
            self._speak(connection, script.greeting)
        for index, question in enumerate(script.questions):
            self._speak(connection, f"{script.greeting} {question}" if index == 0 else question)
            self.asked = index + 1
            if script.drop_after == self.asked:
                self._drop(connection)
                raise _Ended(None)
            answer = script.answers[index] if index < len(script.answers) else NOT_SURE
            self._listen(connection, answer)
        self._speak(connection, script.goodbye)
        raise _Ended(script.ended_reason)

    def _speak(self, connection: ServerConnection, text: str) -> None:
        """One interviewer turn: speech-update, partial transcript, audio, final transcript,
        speech-update, conversation-update."""
        began = time.time()
        self._say(connection, "assistant", "started", text)
        paced_from = time.monotonic()
        for index, frame in enumerate(self._tone):
            if self.script.pace:
                self._wait(paced_from + index * FRAME_SECONDS - time.monotonic())
            else:
                self._wait(0)
            self._send_raw(connection, frame)
            self.audio_frames_sent += 1
            if self.first_audio_sent_at is None:
                self.first_audio_sent_at = time.monotonic()
        self._say(connection, "assistant", "stopped", text)
        # with all audio sent at once, the client is still playing it
        self._conversation(connection, "bot", text, began,
                           max(time.time(), began + self.script.speak_seconds))  # fmt: skip

    def _listen(self, connection: ServerConnection, answer: str) -> None:
        """One candidate turn: wait for speech then quiet, then "hear" ``answer``."""
        with self._lock:
            self._listening = True
            self._speech_seconds = self._quiet_seconds = 0.0
        while True:
            kind, value = self._events.get()
            if kind == "speech":
                self._send(connection, {"type": "speech-update", "status": "started",
                                        "role": "user"})  # fmt: skip
            elif kind == "heard":
                break
            else:
                raise _Ended(value)
        began, finished = value
        self._say(connection, "user", None, answer)
        self._conversation(connection, "user", answer, began, finished)

    def _say(self, connection: ServerConnection, role: str, speech: str | None, text: str) -> None:
        """``speech-update started`` and a partial transcript, or the final transcript and
        ``speech-update stopped`` (both when ``speech`` is None: the user's turn)."""
        words = text.split()
        partial = " ".join(words[: max(1, len(words) // 2)])
        if speech == "started":
            self._send(connection, {"type": "speech-update", "status": "started", "role": role})
        if speech in ("started", None):
            self._send(connection, {"type": "transcript", "role": role,
                                    "transcriptType": "partial", "transcript": partial})  # fmt: skip
        if speech in ("stopped", None):
            self._send(connection, {"type": "transcript", "role": role,
                                    "transcriptType": "final", "transcript": text})  # fmt: skip
            self._send(connection, {"type": "speech-update", "status": "stopped", "role": role})

    def _conversation(
        self, connection: ServerConnection, role: str, text: str, began: float, finished: float
    ) -> None:
        with self._lock:
            self.messages.append(
                {"role": role, "message": text, "time": round(began * 1000),
                 "endTime": round(finished * 1000),
                 "secondsFromStart": round(began - self._started_wall, 3),
                 "duration": round((finished - began) * 1000)}
            )  # fmt: skip
            messages = list(self.messages)
        openai = [{"role": "assistant" if m["role"] == "bot" else "user", "content": m["message"]}
                  for m in messages]  # fmt: skip
        self._send(connection, {"type": "conversation-update", "messages": messages,
                                "messagesOpenAIFormatted": openai})  # fmt: skip

    def _wait(self, seconds: float | None = None) -> None:
        """Wait ``seconds`` (None: for ever) unless the call ends first (raise _Ended)."""
        try:
            if seconds is None:
                kind, value = self._events.get()
            elif seconds <= 0:
                kind, value = self._events.get_nowait()
            else:
                kind, value = self._events.get(timeout=seconds)
        except queue.Empty:
            return
        # only ends arrive outside a candidate turn
        raise _Ended(value if kind == "end" else None)

    def _send(self, connection: ServerConnection, message: dict[str, Any]) -> None:
        self._send_raw(connection, json.dumps(
            client_message({**message, "timestamp": time.time() * 1000})))  # fmt: skip

    def _send_raw(self, connection: ServerConnection, data: str | bytes) -> None:
        try:
            connection.send(data)
        except (ConnectionClosed, OSError):
            raise _Ended(None) from None

    def _drop(self, connection: ServerConnection) -> None:
        """Close the TCP connection with no closing handshake (and a reset, not a FIN)."""
        connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.socket.shutdown(socket.SHUT_RDWR)

    def _read(self, connection: ServerConnection) -> None:
        """Record what the client sends; find the candidate's turns; notice end-call."""
        try:
            for message in connection:
                if isinstance(message, bytes):
                    self.frames.append((time.monotonic(), len(message)))
                    self._hear(message)
                    continue
                try:
                    decoded = json.loads(message)
                except ValueError:
                    self.unparsed_texts.append(message)
                    continue
                self.received_texts.append(decoded)
                if isinstance(decoded, dict) and decoded.get("type") == "end-call":
                    self._events.put(("end", CUSTOMER_ENDED))
        except (ConnectionClosed, OSError):
            pass
        finally:
            self._end(CUSTOMER_ENDED)  # unless the call had already ended
            self.closed.set()
            self._events.put(("gone", None))

    def _hear(self, frame: bytes) -> None:
        seconds = len(frame) / 2 / RATE
        loud = rms(frame) > self.script.speech_rms
        now = time.time()
        with self._lock:
            if not self._listening:
                return
            if loud:
                if self._speech_seconds == 0:
                    self._speech_began = now
                    self._events.put(("speech", None))
                self._speech_seconds += seconds
                self._speech_last = now
                self._quiet_seconds = 0.0
            elif self._speech_seconds > 0:
                self._quiet_seconds += seconds
                if (self._speech_seconds >= MIN_SPEECH_SECONDS
                        and self._quiet_seconds >= self.script.endpoint_seconds):  # fmt: skip
                    self._listening = False
                    self._events.put(("heard", (self._speech_began, self._speech_last)))

    def stop(self) -> None:
        self._events.put(("stop", None))


def warm_up() -> None:
    """Load the SDK models the call builds its messages with (importing them takes seconds
    the first time in a process), so that the call itself runs at its own pace."""
    create_call_dto()
    for message in (
        {"type": "status-update", "status": "in-progress"},
        {"type": "speech-update", "status": "started", "role": "user"},
        {"type": "transcript", "role": "user", "transcriptType": "final", "transcript": "Hi."},
        {"type": "conversation-update", "messages": [], "messagesOpenAIFormatted": []},
    ):
        client_message(message)
    call_state("queued")


def start_live_vapi(
    script: Script, *, private_key: str = VAPI_PRIVATE
) -> tuple[LiveVapi, Callable[[], None]]:
    """A REST server and a WebSocket server on 127.0.0.1 for one call following ``script``;
    the call, and the callable that stops both servers (and the call)."""
    warm_up()
    rest, http = start_vapi()
    live = LiveVapi(script=script, private_key=private_key, rest=rest, url=rest.url)
    server = serve(live.handle, "127.0.0.1", 0, process_request=live.check_handshake,
                   compression=None, close_timeout=1)  # fmt: skip
    live.socket_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/{CALL_ID}/transport"
    rest.socket_call = live
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        live.stop()
        server.shutdown()
        thread.join(timeout=5)
        http.shutdown()
        http.server_close()

    return live, stop


class ToneMicrophone:
    """A microphone (a :class:`mockint.vapi.media.AudioSource`) that always hears a 440 Hz
    tone, one 20 ms frame when it is due, as PortAudio paces a real one: the candidate talks
    through the whole call (to see what half duplex mutes, or to time the frames)."""

    def __init__(self) -> None:
        from mockint.vapi.media import FrameClock

        self.clock = FrameClock()
        self.frame = tone(FRAME_SECONDS)[0]

    def read(self, hold: bool = False) -> bytes:
        self.clock.wait()
        return self.frame

    def cue(self, position: int) -> None:
        pass

    @property
    def playing(self) -> bool:
        return False

    def close(self) -> None:
        pass
