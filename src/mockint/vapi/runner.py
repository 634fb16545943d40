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

from mockint.errors import MockintError, SessionStateError, UsageError
from mockint.interview.session import Interview
from mockint.keys import get_key
from mockint.runners.base import Display, Outcome, Progress, RunnerSettings, Tone
from mockint.storage.calls import record_call, uncollected_call
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
)
from mockint.vapi.client import VapiClient, VapiError, require_key, settings
from mockint.vapi.joinpage import JoinServer

PHONE_NUMBER_VARIABLE = "VAPI_PHONE_NUMBER_ID"
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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client, self.display = client, display
        self.phone, self.phone_number_id = phone, phone_number_id
        self.timeout = timeout
        self.sleep = sleep

    def run(self, interview: Interview) -> Outcome:
        if not interview.pending():
            return Outcome.COMPLETED
        waiting = uncollected_call(interview.db, interview.session.id)
        if waiting is not None:
            raise SessionStateError(
                f"Session {interview.session.id} already has a call ({waiting}) whose transcript "
                f"has not been collected: finish it with `mockint complete {interview.session.id}`."
            )
        kind = "phone" if self.phone else "web"
        secret = get_key("vapi-webhook") if settings().get("server_url") else None
        assistant = build_assistant(
            interview.session,
            interview.questions,
            settings(),
            secret.value.get_secret_value() if secret else None,
        )
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


def client_with(*names: str) -> VapiClient:
    """A Vapi client holding the keys ``names`` ("vapi-public", "vapi-private");
    UsageError naming the missing key's command when one is not configured."""
    return VapiClient({name: require_key(name) for name in names})


def build(settings_: RunnerSettings, display: Display) -> VapiRunner:
    """The Vapi runner for ``settings_``: a web call the candidate joins in a browser, or
    with ``phone`` (E.164) a phone call from the number whose id is in
    VAPI_PHONE_NUMBER_ID. Raises UsageError for a bad number or a missing key."""
    phone = settings_.phone.strip() if settings_.phone is not None else None
    phone_number_id = None
    if phone is not None:
        if not E164.fullmatch(phone):
            raise UsageError(
                f"--phone {settings_.phone!r} is not an E.164 number; write it like +14155550123."
            )
        phone_number_id = os.environ.get(PHONE_NUMBER_VARIABLE, "").strip()
        if not phone_number_id:
            raise UsageError(
                f"--phone needs {PHONE_NUMBER_VARIABLE}: the id of your Vapi phone number."
            )
        client = client_with("vapi-private")
    else:
        client = client_with("vapi-public", "vapi-private")
    return VapiRunner(
        client, display, phone=phone, phone_number_id=phone_number_id, timeout=settings_.timeout
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
