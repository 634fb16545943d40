"""The ``mockint`` Typer application: commands are joined here."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint import __version__
from mockint.cli import (
    complete,
    delete,
    export,
    history,
    keys,
    next,
    price,
    report,
    retry,
    start,
    webhook,
)
from mockint.cli import setup as setup_cmd
from mockint.cli.errors import Command, Group, handled

app = typer.Typer(
    name="mockint",
    cls=Group,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
    add_completion=False,
    help="Practise technical interviews in your terminal: real questions, answers stored as "
    "you give them, and a scored report.\n\nStart with: `mockint start --type dsa --difficulty hard`",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mockint {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """mockint: mock technical interviews offline."""


for name, func in (
    ("setup", setup_cmd.setup),
    ("start", start.start),
    ("report", report.report),
    ("history", history.history),
    ("price", price.price),
    ("complete", complete.complete),
    ("next", next.next_interview),
    ("retry", retry.retry),
    ("export", export.export),
    ("delete", delete.delete),
):
    app.command(name, cls=Command)(handled(func))

app.add_typer(keys.app, name="keys")
app.add_typer(webhook.app, name="webhook")
