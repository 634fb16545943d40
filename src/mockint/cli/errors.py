"""One place that turns errors into a single stderr line and an exit code."""

from __future__ import annotations

import difflib
import functools
import os
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from mockint.cli.console import error
from mockint.errors import ExitCode, MockintError, UsageError
from mockint.userfiles import is_storable

F = TypeVar("F", bound=Callable[..., Any])
# Typer may vendor click; its usage-error class is reached through a public one.
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)


def debug() -> bool:
    return os.environ.get("MOCKINT_DEBUG", "") not in ("", "0")


def handled(func: F) -> F:
    """Run a command body, mapping library errors to one line and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            _check_text_arguments(kwargs)
            return func(*args, **kwargs)
        except MockintError as exc:
            if debug():
                raise
            error(exc.message)
            raise typer.Exit(int(exc.exit_code)) from None
        except sqlite3.DatabaseError as exc:
            if debug():
                raise
            error(f"Database error: {exc}. Try again; if it persists, run with MOCKINT_DEBUG=1.")
            raise typer.Exit(int(ExitCode.FAILURE)) from None
        except KeyboardInterrupt:
            error("Interrupted.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    return wrapper  # type: ignore[return-value]


def _check_text_arguments(kwargs: dict[str, Any]) -> None:
    """Refuse text arguments that are not valid UTF-8 (bytes the shell passed through)."""
    for name, value in kwargs.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not is_storable(item):
                raise UsageError(
                    f"The value of {name.replace('_', '-')} is not valid UTF-8 text; "
                    "check your terminal's encoding."
                )


class _OneLineUsageErrors:
    """Report option parsing errors as one line instead of a usage panel."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]
        except _USAGE_ERROR as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "mockint"
            error(f"{exc.format_message()} (see `{where} --help`)")  # type: ignore[attr-defined]
            raise typer.Exit(int(ExitCode.USAGE)) from None


class Group(_OneLineUsageErrors, TyperGroup):
    """A group that reports an unknown subcommand in one line, with the closest name."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except _USAGE_ERROR as exc:
            message = exc.format_message()  # type: ignore[attr-defined]
            close = difflib.get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close and "Did you mean" not in message:
                message += f" Did you mean {close[0]!r}?"
            error(f"{message} (see `{ctx.command_path} --help`)")
            raise typer.Exit(int(ExitCode.USAGE)) from None


class Command(_OneLineUsageErrors, TyperCommand):
    pass


def command_app(name: str, func: Callable[..., Any]) -> typer.Typer:
    """A Typer application holding one command, ``name``, that runs ``func`` through
    :func:`handled` (for :data:`mockint.cli.app.COMMANDS`)."""
    app = typer.Typer(rich_markup_mode="markdown", add_completion=False)
    app.command(name, cls=Command)(handled(func))
    return app
