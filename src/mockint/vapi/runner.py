"""A live voice interview with Vapi's hosted interviewer: create the call, let the user
join, watch it until it ends, then store its transcript as the session's turns.

The runner reports through callbacks (the CLI draws them); it never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockint.errors import MockintError, SessionStateError
from mockint.interview.session import Interview
from mockint.runners.base import Outcome
from mockint.storage.calls import record_call, uncollected_call
from mockint.vapi.calls import build_assistant, collect_into, messages_of
from mockint.vapi.client import VapiClient, settings


class CallNotFinished(MockintError):
    """The call is still running, or its transcript has not arrived: finish it later."""


@dataclass(frozen=True)
class CallProgress:
    call_id: str
    status: str
    elapsed: float


def watch(
    client: VapiClient,
    call: dict[str, Any],
    session_id: str,
    *,
    progress: Callable[[CallProgress], None],
    on_interrupt: Callable[[], bool],
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the call until it has ended and its transcript is there; the final call object."""
    poll = float(settings()["poll_seconds"])
    call_id = str(call["id"])
    began = monotonic()
    ended_at: float | None = None
    while True:
        try:
            status = str(call.get("status") or "unknown")
            progress(CallProgress(call_id, status, monotonic() - began))
            if status == "ended":
                if messages_of(call):
                    return call
                ended_at = ended_at if ended_at is not None else monotonic()
                if monotonic() - ended_at > float(settings()["artifact_wait_seconds"]):
                    raise CallNotFinished(
                        "The call has ended but Vapi has not sent its transcript yet. "
                        f"Fetch and grade it later with: mockint complete {session_id}"
                    )
            elif timeout is not None and monotonic() - began > timeout:
                raise CallNotFinished(
                    f"The call is still {status} after --timeout {timeout:g} s. When it has "
                    f"ended, grade it with: mockint complete {session_id}"
                )
            sleep(poll)
            call = client.get_call(call_id)
        except KeyboardInterrupt:
            if not on_interrupt():
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
        *,
        phone: str | None = None,
        phone_number_id: str | None = None,
        open_url: Callable[[str], None],
        progress: Callable[[CallProgress], None],
        on_interrupt: Callable[[], bool],
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_finish: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.on_finish = on_finish
        self.phone, self.phone_number_id = phone, phone_number_id
        self.open_url, self.progress, self.on_interrupt = open_url, progress, on_interrupt
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
        from mockint.keys import get_key

        secret = get_key("vapi-webhook") if settings().get("server_url") else None
        assistant = build_assistant(
            interview.session,
            interview.questions,
            settings(),
            secret.value.get_secret_value() if secret else None,
        )
        if self.phone:
            call = self.client.create_phone_call(assistant, str(self.phone_number_id), self.phone)
            kind = "phone"
        else:
            call = self.client.create_web_call(assistant)
            kind = "web"
        # from here on the call exists: the session is in progress and resumable by `complete`
        record_call(interview.db, interview.session.id, call, kind)
        interview.begin()
        try:
            if kind == "web" and call.get("webCallUrl"):
                self.open_url(str(call["webCallUrl"]))
            ended = watch(
                self.client,
                call,
                interview.session.id,
                progress=self.progress,
                on_interrupt=self.on_interrupt,
                timeout=self.timeout,
                sleep=self.sleep,
            )
        finally:
            self.on_finish()
        collect_into(interview, ended)
        return Outcome.COMPLETED
