"""``mockint complete``: fetch and grade a Vapi call that ended while mockint was not watching."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import options
from mockint.cli.common import database
from mockint.cli.display import RichDisplay
from mockint.cli.errors import command_app
from mockint.cli.start import grade_and_show
from mockint.enums import Provider
from mockint.interview.session import Interview
from mockint.vapi.runner import complete_call


def complete(
    session_id: Annotated[
        str, typer.Argument(help="The session of the call (id, prefix or last).")
    ],
    timeout: options.CompleteTimeoutOption = None,
    provider: options.GraderProviderOption = Provider.AUTO,
    model: options.ModelOption = None,
    json: options.JsonOption = False,
    fail_under: options.FailUnderOption = None,
) -> None:
    """Collect the transcript of a session's Vapi call (waiting if it is still running) and grade it.

    Nothing is lost when the terminal closed mid-call: as long as Vapi has the call, this
    finishes it.

    Example:

    - `mockint complete 3f9a2c`
    """
    db = database()
    interview = Interview.open(db, session_id)
    complete_call(interview, RichDisplay(open_browser=False), timeout=timeout)
    grade_and_show(interview, json=json, fail_under=fail_under, provider=provider, model=model)


app = command_app("complete", complete)
