"""``mockint retry``: ask a session's questions again and see what changed."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import console, options, render
from mockint.cli.common import database, warn_about_models
from mockint.cli.display import RichDisplay
from mockint.cli.errors import command_app
from mockint.cli.start import conduct
from mockint.enums import Provider
from mockint.interview.retry import setup_retry
from mockint.interview.session import Interview
from mockint.runners.base import RunnerSettings
from mockint.runners.factory import get_runner


def retry(
    session_id: Annotated[
        str, typer.Argument(help="The session to retry (id, unique prefix or `last`).")
    ],
    question: Annotated[
        list[str] | None,
        typer.Option(
            "--question", "-q", help="Retry only this question id (repeatable).", show_default=False
        ),
    ] = None,
    answers: options.AnswersOption = None,
    provider: options.GraderProviderOption = Provider.AUTO,
    model: options.ModelOption = None,
    json: options.JsonOption = False,
    fail_under: options.FailUnderOption = None,
) -> None:
    """Ask the same questions again as a new session linked to the first, and compare scores.

    Examples:

    - `mockint retry last`
    - `mockint retry 3f9a2c --question dsa-medium-lru-cache`
    """
    db = database()
    warn_about_models(provider, model)
    runner = get_runner(
        RunnerSettings(answers=answers, provider=provider, model=model), RichDisplay()
    )
    result = setup_retry(db, session_id, question)
    interview = Interview.open(db, result.session_id)
    if not json and not answers:
        console.err.print(render.setup_header(result))
    conduct(
        interview,
        runner,
        json=json,
        fail_under=fail_under,
        new=True,
        provider=provider,
        model=model,
    )


app = command_app("retry", retry)
