"""The terminal side of a Vapi call: opening the join page, showing the call's progress,
and asking whether to end the call on Ctrl-C."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.text import Text

from mockint.cli import console
from mockint.errors import UsageError
from mockint.safetext import inert

if TYPE_CHECKING:
    from rich.status import Status

    from mockint.vapi.joinpage import JoinServer
    from mockint.vapi.runner import CallProgress, VapiRunner

PHONE_NUMBER_VARIABLE = "VAPI_PHONE_NUMBER_ID"


class CallDisplay:
    def __init__(self, *, no_browser: bool) -> None:
        self.no_browser = no_browser
        self.status: Status | None = None
        self.last = ""
        self.join: JoinServer | None = None

    def open_url(self, web_call_url: str) -> None:
        from mockint.vapi.joinpage import JoinServer

        self.join = JoinServer(web_call_url, "Your mock interview")
        console.note(f"Join the interview at {self.join.url} (call room: {web_call_url})")
        if not self.no_browser:
            import webbrowser

            webbrowser.open(self.join.url)

    def progress(self, update: CallProgress) -> None:
        from mockint.runners.text import clock

        text = Text(inert(f"Call {update.status} · {clock(update.elapsed)}"))
        if update.status != self.last:
            console.note(f"Call {update.call_id}: {update.status}")
            self.last = update.status
        if self.status is None:
            self.status = console.err.status(text)
            self.status.start()
        else:
            self.status.update(text)

    def on_interrupt(self) -> bool:
        self.stop()
        try:
            answer = console.err.input("End the call now? [y/N]: ")
        except (EOFError, KeyboardInterrupt):
            return False
        return answer.strip().lower() in ("y", "yes")

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def close(self) -> None:
        self.stop()
        if self.join is not None:
            self.join.close()


def vapi_client(*names: str):  # type: ignore[no-untyped-def]
    from mockint.vapi.client import VapiClient, require_key

    return VapiClient({name: require_key(name) for name in names})


def vapi_runner(*, phone: str | None, no_browser: bool, timeout: float | None) -> VapiRunner:
    import re

    from mockint.vapi.runner import VapiRunner

    phone_number_id = None
    if phone is not None:
        if not re.fullmatch(r"\+[1-9]\d{6,14}", phone.strip()):
            raise UsageError(
                f"--phone {phone!r} is not an E.164 number; write it like +14155550123."
            )
        phone_number_id = os.environ.get(PHONE_NUMBER_VARIABLE, "").strip()
        if not phone_number_id:
            raise UsageError(
                f"--phone needs {PHONE_NUMBER_VARIABLE}: the id of your Vapi phone number."
            )
        client = vapi_client("vapi-private")
    else:
        client = vapi_client("vapi-public", "vapi-private")
    display = CallDisplay(no_browser=no_browser)
    return VapiRunner(
        client,
        phone=phone.strip() if phone else None,
        phone_number_id=phone_number_id,
        open_url=display.open_url,
        progress=display.progress,
        on_interrupt=display.on_interrupt,
        timeout=timeout,
        on_finish=display.close,
    )
