"""The ``mockint`` Typer application.

Commands register themselves in :data:`COMMANDS` and are imported only when run
(Click's lazy-subcommand pattern): ``mockint --help`` lists them from the table
without importing a command module, so it loads neither pydantic nor SQLite
helpers nor any provider SDK. A command module exposes ``app``, a
:class:`typer.Typer` holding its command (or its group of subcommands).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from mockint import __version__
from mockint.cli.encoding import configure_output
from mockint.cli.errors import Group, debug, output_failed, writing_failed

if TYPE_CHECKING:
    # Typer vendors Click: its commands and help formatters are that copy's classes
    from typer._click import Command, Context, HelpFormatter

#: command name -> (module holding its ``app``, the summary ``mockint --help`` lists; the
#: first paragraph of the command's own help, which a test keeps in step)
COMMANDS: dict[str, tuple[str, str]] = {
    "setup": (
        "mockint.cli.setup",
        "Create an interview session and show its questions (without key points) and duration.",
    ),
    "start": (
        "mockint.cli.start",
        "Run an interview: a new one from the selection options, or resume SESSION_ID.",
    ),
    "report": ("mockint.cli.report", "Show the report of a finished interview, or export it."),
    "history": (
        "mockint.cli.history",
        "List past interviews with scores and statistics, or chart your progress.",
    ),
    "price": (
        "mockint.cli.price",
        "Show price, duration, cost and margin per interview type and difficulty.",
    ),
    "complete": (
        "mockint.cli.complete",
        "Collect the transcript of a session's Vapi call (waiting if it is still running) "
        "and grade it.",
    ),
    "next": (
        "mockint.cli.next",
        "Recommend the next interview from your weakest areas, spaced over time.",
    ),
    "retry": (
        "mockint.cli.retry",
        "Ask the same questions again as a new session linked to the first, and compare scores.",
    ),
    "export": (
        "mockint.cli.export",
        "Export your sessions with their transcripts and reports: your data is yours.",
    ),
    "delete": (
        "mockint.cli.delete",
        "Delete sessions with their questions, answers, reports and recordings. "
        "Asks first unless --yes.",
    ),
    "keys": (
        "mockint.cli.keys",
        "Store API keys in a file only you can read (mode 0600), list or remove them.",
    ),
    "paths": (
        "mockint.cli.paths",
        "Show where mockint keeps its data, configuration, keys and recordings.",
    ),
    "devices": (
        "mockint.cli.devices",
        "List the microphones and speakers, with the index or name that --input-device and "
        "--output-device take.",
    ),
    "models": (
        "mockint.cli.models",
        "List the models the configured OpenAI-compatible server offers, marking the configured "
        "one.",
    ),
    "webhook": (
        "mockint.cli.webhook",
        "Receive Vapi server messages and grade calls as they end.",
    ),
}


def load_command(name: str) -> Command:
    """Import the module of command ``name`` and build its Click command.

    Raises ``KeyError`` for a name not in :data:`COMMANDS`.
    """
    module = importlib.import_module(COMMANDS[name][0])
    return typer.main.get_command(module.app)


class LazyGroup(Group):
    """A group whose subcommands are imported on first use, listed from :data:`COMMANDS`."""

    _listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if self._listing:
            # listing only: a stand-in carrying the summary, nothing imported
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with self._listing_only():
            super().format_help(ctx, formatter)

    @contextmanager
    def _listing_only(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False


app = typer.Typer(
    name="mockint",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
    add_completion=True,
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


def main(*args: Any, **kwargs: Any) -> Any:
    """The console-script entry point: run the application, its output safe to encode.

    An error writing the output (a full disk, a failing device: see ``writing_failed``)
    ends the run with one line on stderr and exit code 1, never a traceback (unless
    MOCKINT_DEBUG=1). A closed pipe ends it quietly with exit code 1, as Click does.
    """
    configure_output()
    try:
        return app(*args, **kwargs)
    except OSError as exc:
        if debug() or not writing_failed(exc):
            raise
        output_failed(exc)
