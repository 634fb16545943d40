"""A live voice interview with Vapi's hosted interviewer: create the call, let the user
join, watch it until it ends, then store its transcript as the session's turns.

The runner talks through a Display (the CLI draws it); it never prints.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import Any

from mockint.enums import CallTransport, Duplex
from mockint.errors import MockintError, UsageError
from mockint.interview.session import Interview
from mockint.keys import get_key
from mockint.paths import audio_dir
from mockint.runners.base import Display, Outcome, Progress, RunnerSettings, Tone
from mockint.storage.calls import record_call
from mockint.vapi.calls import (
    FINAL_STATUSES,
    CallSummary,
    build_assistant,
    collect_into,
    is_error_reason,
    join_token,
    join_url,
    latest_call_id,
    messages_of,
    refuse_a_second_call,
    socket_url,
)
from mockint.vapi.client import VapiClient, VapiError, check_auth, require_key, settings
from mockint.vapi.joinpage import JoinServer
from mockint.vapi.media import (
    AudioSink,
    AudioSource,
    TerminalAudio,
    WavSink,
    open_sink,
    open_source,
)
from mockint.vapi.transport import CallEnd, LiveCall
from mockint.voice import INSTALL, VoiceError, need
from mockint.voice.record import check_microphone
from mockint.voice.runner import AudioFiles

PHONE_NUMBER_VARIABLE = "VAPI_PHONE_NUMBER_ID"
#: the client messages a call held in the terminal asks Vapi to send on its socket (the
#: assistant's ``clientMessages``): what :class:`~mockint.vapi.transport.LiveCall` reads
SOCKET_CLIENT_MESSAGES = (
    "transcript",
    "speech-update",
    "status-update",
    "user-interrupted",
)
E164 = re.compile(r"\+[1-9]\d{6,14}")


class CallNotFinished(MockintError):
    """The call is still running, or its transcript has not arrived: finish it later."""


def ask_to_end(display: Display) -> bool:
    """Ask whether to end the call (after Ctrl-C); no answer means no."""
    display.idle()
    try:
        answer = display.ask("End the call now? [y/N]: ")
    except (EOFError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")


def watch(
    client: VapiClient,
    call: dict[str, Any],
    session_id: str,
    display: Display,
    *,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the call (every ``poll_seconds``) until it is over; the final call object.

    A call is over when its status is final (``ended``, ``not-found``,
    ``deletion-failed``) and, for an ended call, its transcript is there, or it ended
    with an error reason, or ``artifact_wait_seconds`` passed without a transcript (the
    caller then finds that no question was asked). Its status and elapsed seconds go
    to ``display``; on Ctrl-C the candidate is asked whether to end the call. Raises
    CallNotFinished when ``timeout`` seconds pass or the call cannot be ended from
    here, and VapiError when Vapi cannot be asked.
    """
    poll = float(settings()["poll_seconds"])
    call_id = str(call["id"])
    began = monotonic()
    ended_at: float | None = None
    while True:
        try:
            status = str(call.get("status") or "unknown")
            display.progress(Progress(monotonic() - began, status=status, call_id=call_id))
            if status in FINAL_STATUSES:
                if status != "ended" or messages_of(call):
                    return call
                if is_error_reason(call.get("endedReason")):
                    return call  # no transcript is coming
                ended_at = ended_at if ended_at is not None else monotonic()
                if monotonic() - ended_at > float(settings()["artifact_wait_seconds"]):
                    return call
            elif timeout is not None and monotonic() - began > timeout:
                raise CallNotFinished(
                    f"The call is still {status} after --timeout {timeout:g} s. When it has "
                    f"ended, grade it with: mockint complete {session_id}"
                )
            sleep(poll)
            call = client.get_call(call_id)
        except KeyboardInterrupt:
            if not ask_to_end(display):
                raise
            if not client.end_call(call):
                raise CallNotFinished(
                    "Could not end the call from here: hang up in the browser or phone, then "
                    f"run: mockint complete {session_id}"
                ) from None


class VapiRunner:
    name = "vapi"

    def __init__(
        self,
        client: VapiClient,
        display: Display,
        *,
        phone: str | None = None,
        phone_number_id: str | None = None,
        timeout: float | None = None,
        terminal: TerminalAudio | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client, self.display = client, display
        self.phone, self.phone_number_id = phone, phone_number_id
        self.timeout = timeout
        self.terminal = terminal
        self.sleep = sleep

    def _assistant(self, interview: Interview) -> dict[str, Any]:
        secret = get_key("vapi-webhook") if settings().get("server_url") else None
        return build_assistant(
            interview.session,
            interview.questions,
            settings(),
            secret.value.get_secret_value() if secret else None,
        )

    def run(self, interview: Interview) -> Outcome:
        if not interview.pending():
            return Outcome.COMPLETED
        refuse_a_second_call(interview.db, interview.session.id)
        if self.terminal is not None:
            return self._in_terminal(interview, self.terminal)
        kind = "phone" if self.phone else "web"
        assistant = self._assistant(interview)
        if self.phone:
            call = self.client.create_phone_call(assistant, str(self.phone_number_id), self.phone)
        else:
            call = self.client.create_web_call(assistant)
        room = join_url(call)
        if kind == "web" and room is None:
            stopped = self.client.end_call(call)  # nobody can join it: do not let it run
            raise VapiError(
                f"Vapi created web call {call['id']} without an address to join it (no webCallUrl "
                f"or transport.callUrl); {'it was ended and ' if stopped else ''}nothing was stored. "
                "Try again later, or use --phone or --mode text."
            )
        # from here on the call exists: the session is in progress and resumable by `complete`
        record_call(interview.db, interview.session.id, call, kind)
        interview.begin()
        join: JoinServer | None = None
        try:
            if kind == "web" and room is not None:
                join = JoinServer(room, "Your mock interview", token=join_token(call))
                self.display.say(f"Join the interview at {join.url} (call room: {room})")
                self.display.open_link(join.url)
            ended = watch(
                self.client,
                call,
                interview.session.id,
                self.display,
                timeout=self.timeout,
                sleep=self.sleep,
            )
        finally:
            self.display.idle()
            if join is not None:
                join.close()
        summary = collect_into(interview, ended)
        if summary.error:
            self.display.say(summary.note, Tone.WARNING)
        return Outcome.COMPLETED

    def _in_terminal(self, interview: Interview, audio: TerminalAudio) -> Outcome:
        """The call held here over Vapi's WebSocket transport, then collected as any call.

        The call is recorded as soon as its socket is open (so `mockint complete` can
        always collect it); until then any failure or interruption ends it on Vapi's side
        and stores nothing. The audio is released however the call ends."""
        session_id = interview.session.id
        source = open_source(audio, interview.questions)  # files are read before any call
        sink: AudioSink | None = None
        live: LiveCall | None = None
        try:
            assistant = self._assistant(interview)
            # the messages the live view reads, and no others (Vapi's default list is longer)
            assistant["clientMessages"] = list(SOCKET_CLIENT_MESSAGES)
            call = self.client.create_socket_call(assistant)
            try:
                live, sink = self._connect(interview, audio, call, source)
                record_call(interview.db, session_id, call, "terminal")
            except BaseException:
                self.client.end_call(call)  # nobody can talk on it: do not let it run
                raise
            # from here on the session is in progress and resumable by `complete`
            interview.begin()
            self.display.say(_how_it_sounds(audio, sink))
            end = live.run()
        finally:
            if live is not None:
                live.close()  # (already closed by run, unless it never started)
            else:
                source.close()
                if sink is not None:
                    sink.close()
        if end in (CallEnd.DROPPED, CallEnd.NO_AUDIO, CallEnd.NO_MICROPHONE, CallEnd.AUDIO_FAILED):
            self.client.end_call(call)  # it may still run on Vapi's side
        if end != CallEnd.ENDED and end != CallEnd.HUNG_UP:
            self.display.say(_END_NOTES[end].format(timeout=self.timeout), Tone.WARNING)
        ended = watch(self.client, self.client.get_call(str(call["id"])), session_id,
                      self.display, sleep=self.sleep)  # fmt: skip
        self.display.idle()
        summary = collect_into(interview, ended)
        if summary.error:
            self.display.say(summary.note, Tone.WARNING)
        return Outcome.COMPLETED

    def _connect(
        self, interview: Interview, audio: TerminalAudio, call: dict[str, Any], source: AudioSource
    ) -> tuple[LiveCall, AudioSink]:
        """The call's socket, open, and where the interviewer's audio goes. VapiError when
        Vapi gave no socket URL or the socket cannot be opened (the sink is closed then)."""
        session_id = interview.session.id
        url = socket_url(call)
        if url is None:
            raise VapiError(
                f"Vapi created call {call['id']} without a websocketCallUrl to stream its "
                "audio; nothing was stored. Try again later, or use --transport web."
            )
        sink = open_sink(audio, audio_dir(session_id) / f"vapi-{call['id']}-interviewer.wav")
        live = LiveCall(
            url,
            # the key goes only to Vapi's own hosts (or this machine), never elsewhere
            self.client.key("vapi-private") if may_carry_key(url, self.client.base_url) else None,
            source=source,
            sink=sink,
            display=self.display,
            questions=interview.questions,
            duplex=audio.duplex,
            allowed=sum(q.time_minutes for q in interview.questions) * 60.0,
            timeout=self.timeout,
            first_audio_seconds=float(settings()["first_audio_seconds"]),
            end_wait_seconds=float(settings()["socket_end_wait_seconds"]),
            connect_timeout=float(settings()["socket_connect_seconds"]),
            recorder=(
                WavSink(audio_dir(session_id) / f"vapi-{call['id']}-candidate.wav")
                if audio.keep_audio
                else None
            ),
            end_by_control=lambda: self.client.end_call(call),
        )
        try:
            with self.display.busy("Connecting to the interviewer…"):
                live.connect()
        except BaseException:
            sink.close()
            raise
        return live, sink


def may_carry_key(socket_url: str, base_url: str) -> bool:
    """Whether the private key may be sent to ``socket_url`` (a call's websocketCallUrl):
    over ``wss`` to the API's host or another host of its domain (``*.vapi.ai`` for
    ``https://api.vapi.ai``), or to this machine (the local stand-in tests use)."""
    from urllib.parse import urlsplit

    socket, base = urlsplit(socket_url), urlsplit(base_url)
    host, api = (socket.hostname or "").lower(), (base.hostname or "").lower()
    if host in ("127.0.0.1", "localhost", "::1"):
        return api == host
    domain = ".".join(api.split(".")[-2:])
    return socket.scheme == "wss" and bool(host) and (host == api or host.endswith("." + domain))


_END_NOTES = {
    CallEnd.TIMEOUT: "The call was ended after --timeout {timeout:g} s; graded on what was said.",
    CallEnd.DROPPED: (
        "The connection to the call dropped (Vapi cannot reconnect a call): it is collected "
        "as it stands."
    ),
    CallEnd.NO_AUDIO: (
        "Vapi sent no audio for the interviewer, so the call was ended. Check the assistant's "
        "voice settings under [vapi] in the config file, or use --transport web."
    ),
    CallEnd.NO_MICROPHONE: "The microphone stopped, so the call was ended; graded on what was said.",
    CallEnd.AUDIO_FAILED: (
        "The interviewer's audio failed on this machine (see above), so the call was ended; "
        "graded on what was said."
    ),
    CallEnd.STOPPED: "The call was ended.",
}


def _how_it_sounds(audio: TerminalAudio, sink: AudioSink) -> str:
    if isinstance(sink, WavSink):
        heard = f"The interviewer's audio is written to {sink.where}"
    else:
        heard = f"The interviewer plays on {sink.where}"
    if audio.answers_audio is not None:
        said = f"your answers are streamed from {audio.answers_audio}"
    elif audio.duplex == Duplex.HALF:
        said = (
            "your microphone is muted while the interviewer speaks (with headphones, "
            "--duplex full lets you talk over it)"
        )
    else:
        said = "your microphone stays open (full duplex: use headphones)"
    return f"{heard}; {said}. Ctrl-C ends the call."


def client_with(*names: str) -> VapiClient:
    """A Vapi client holding the keys ``names`` ("vapi-public", "vapi-private");
    UsageError naming the missing key's command when one is not configured."""
    return VapiClient({name: require_key(name) for name in names})


def terminal_available() -> bool:
    """Whether a call can be held in this terminal: the voice extra's audio and WebSocket
    libraries are installed (a device is checked when the call starts)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("sounddevice", "websockets"))


def choose_transport(settings_: RunnerSettings, display: Display) -> CallTransport:
    """The transport of a web call: ``settings_.transport``; else the terminal when the
    answers come from files, or when the voice extra is installed and there is a
    microphone; else a browser page, said on ``display``. UsageError for options that do
    not fit the transport chosen or a device that names none; VoiceError for a call in the
    terminal asked for without its libraries or a microphone."""
    chosen = settings_.transport
    if chosen is None and settings_.answers_audio is None and not terminal_available():
        display.say(f"The voice extra is not installed, so the call is joined in a browser "
                    f"({INSTALL} to hold it in this terminal).")  # fmt: skip
        chosen = CallTransport.WEB
    if chosen != CallTransport.WEB:
        need("websockets", "A call held in the terminal")
        if settings_.answers_audio is not None:
            AudioFiles(settings_.answers_audio)  # a directory that holds no answers fails now
            return CallTransport.TERMINAL
        try:
            check_microphone(settings_.input_device)  # (a device that names none: UsageError)
            return CallTransport.TERMINAL
        except VoiceError as exc:
            if chosen == CallTransport.TERMINAL:
                raise VoiceError(f"{exc} Or join the call in a browser: --transport web.") from None
        display.say("No microphone found, so the call is joined in a browser "
                    "(--transport web; --answers-audio DIR streams recorded answers).")  # fmt: skip
    terminal_only = _terminal_options(settings_)
    if terminal_only:
        verb, them = ("is", "it") if len(terminal_only) == 1 else ("are", "them")
        raise UsageError(f"{' and '.join(terminal_only)} {verb} for a call held in the terminal "
                         f"(in a browser, the page uses the browser's devices): drop {them}, or "
                         "drop --transport web.")  # fmt: skip
    return CallTransport.WEB


def _terminal_options(settings_: RunnerSettings) -> list[str]:
    """The options given that only a call held in the terminal uses."""
    return [
        name
        for name, given in (
            ("--answers-audio", settings_.answers_audio is not None),
            ("--no-playback", not settings_.playback),
            ("--duplex", settings_.duplex != Duplex.HALF),
            ("--input-device", bool(settings_.input_device)),
            ("--output-device", bool(settings_.output_device)),
        )
        if given
    ]


def build(settings_: RunnerSettings, display: Display) -> VapiRunner:
    """The Vapi runner for ``settings_``: a call held in this terminal over Vapi's
    WebSocket transport (the default with the voice extra), a web call the candidate
    joins in a browser (``transport`` web), or with ``phone`` (E.164) a phone call from
    the number whose id is in VAPI_PHONE_NUMBER_ID. Raises UsageError for a bad number,
    options that do not fit, or a missing key; VoiceError for missing audio libraries."""
    # a [vapi] setting of the wrong shape is said before anything else, and so is a
    # webhook set up so that `mockint webhook serve` would refuse the call's server messages
    if settings().get("server_url"):
        check_auth(settings())
    phone = settings_.phone.strip() if settings_.phone is not None else None
    phone_number_id = None
    if phone is not None:
        given = _terminal_options(settings_)
        if settings_.transport is not None:
            given.insert(0, "--transport")
        if given:
            raise UsageError(f"--phone calls your phone: drop {' and '.join(given)}.")
        if not E164.fullmatch(phone):
            raise UsageError(
                f"--phone {settings_.phone!r} is not an E.164 number; write it like +14155550123."
            )
        phone_number_id = os.environ.get(PHONE_NUMBER_VARIABLE, "").strip()
        if not phone_number_id:
            raise UsageError(
                f"--phone needs {PHONE_NUMBER_VARIABLE}: the id of your Vapi phone number."
            )
        return VapiRunner(client_with("vapi-private"), display, phone=phone,
                          phone_number_id=phone_number_id, timeout=settings_.timeout)  # fmt: skip
    if choose_transport(settings_, display) == CallTransport.WEB:
        return VapiRunner(
            client_with("vapi-public", "vapi-private"), display, timeout=settings_.timeout
        )
    terminal = TerminalAudio(
        duplex=settings_.duplex,
        playback=settings_.playback,
        answers_audio=settings_.answers_audio,
        input_device=settings_.input_device,
        output_device=settings_.output_device,
        keep_audio=settings_.keep_audio,
    )
    return VapiRunner(
        client_with("vapi-private"), display, timeout=settings_.timeout, terminal=terminal
    )


def complete_call(
    interview: Interview, display: Display, *, timeout: float | None = None
) -> CallSummary:
    """Collect the latest call of ``interview``'s session, waiting (through ``display``)
    while it is still running: for a call that ended while mockint was not watching.

    Raises CallFailed when the interview never happened on that call (nothing to grade),
    CallNotFinished after ``timeout`` seconds, VapiError when Vapi cannot be asked.
    """
    call_id = latest_call_id(interview.db, interview.session.id)
    client = client_with("vapi-private")
    try:
        call = watch(
            client, client.get_call(call_id), interview.session.id, display, timeout=timeout
        )
    finally:
        display.idle()
    summary = collect_into(interview, call)
    if summary.error:
        display.say(summary.note, Tone.WARNING)
    return summary
