"""``mockint delete``: remove sessions with their answers and reports."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from mockint.cli import console
from mockint.cli.common import database
from mockint.cli.errors import command_app
from mockint.errors import UsageError
from mockint.history.deletion import delete as delete_sessions
from mockint.history.deletion import plan_deletion
from mockint.wording import counted


def delete(
    session_ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Sessions to delete (ids, unique prefixes or `last`).", show_default=False
        ),
    ] = None,
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than",
            help="Delete every session created more than this long ago: 90d, 12w, 1y.",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete sessions with their questions, answers, reports and recordings. Asks first unless --yes.

    Examples:

    - `mockint delete 3f9a2c`
    - `mockint delete --older-than 90d --yes`
    """

    db = database()
    plan = plan_deletion(db, session_ids or [], older_than)
    if not plan.session_ids:
        console.note("No sessions match; nothing deleted.")
        return
    if not yes:
        console.err.print(plan.summary)
        try:
            # Text: Rich would read "[y/N]" in a plain string as markup and drop it
            them = "it" if len(plan.session_ids) == 1 else "them"
            answer = console.err.input(Text(f"Delete {them}? This cannot be undone [y/N]: "))
        except EOFError:
            raise UsageError(
                "No confirmation (input is closed); nothing was deleted. Add --yes to delete without asking."
            ) from None
        if answer.strip().lower() not in ("y", "yes"):
            console.note("Nothing deleted.")
            return
    count = delete_sessions(db, plan.session_ids)
    console.note(f"Deleted {counted(count, 'session')}.")


app = command_app("delete", delete)
