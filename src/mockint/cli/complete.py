"""``mockint complete``: fetch and grade a Vapi call that ended while mockint was not watching."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import options
from mockint.cli.common import database


def complete(
    session_id: Annotated[
        str, typer.Argument(help="The session of the call (id, prefix or `last`).")
    ],
    timeout: options.TimeoutOption = None,
    provider: options.ProviderOption = options.Provider.AUTO,
    model: options.ModelOption = None,
    json: options.JsonOption = False,
    fail_under: options.FailUnderOption = None,
) -> None:
    """Collect the transcript of a session's Vapi call (waiting if it is still running) and grade it.

    Nothing is lost when the terminal closed mid-call: as long as Vapi has the call, this
    finishes it. Example: `mockint complete 3f9a2c`
    """
    from mockint.cli.call import CallDisplay, vapi_client
    from mockint.cli.start import grade_and_show
    from mockint.interview.session import Interview
    from mockint.vapi.calls import collect_into, latest_call_id
    from mockint.vapi.runner import watch

    db = database()
    interview = Interview.open(db, session_id)
    call_id = latest_call_id(db, interview.session.id)
    client = vapi_client("vapi-private")
    display = CallDisplay(no_browser=True)
    try:
        call = watch(
            client,
            client.get_call(call_id),
            interview.session.id,
            progress=display.progress,
            on_interrupt=display.on_interrupt,
            timeout=timeout,
        )
    finally:
        display.close()
    collect_into(interview, call)
    grade_and_show(
        interview, json=json, fail_under=fail_under, provider=provider.value, model=model
    )
