"""One place that turns errors into a single stderr line and an exit code."""

from __future__ import annotations

import contextlib
import difflib
import errno
import functools
import os
import re
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

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
            if str(exc).startswith(("no such column", "no such table")) or (
                " has no column named " in str(exc)
            ):
                # not a passing failure: trying again would meet the same tables
                error(
                    f"The database's tables are not the ones this version of mockint expects "
                    f"({exc}): another program or another mockint changed them. Nothing was "
                    "changed; `mockint paths` shows where the database is."
                )
            else:
                error(
                    f"Database error: {exc}. Try again; if it persists, run with MOCKINT_DEBUG=1."
                )
            raise typer.Exit(int(ExitCode.FAILURE)) from None
        except KeyboardInterrupt:
            error("Interrupted.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    return wrapper  # type: ignore[return-value]


#: what writing to a stream reports when the output cannot take it: a full disk or quota,
#: a file grown past its limit, a failing device
_WRITE_ERRNOS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO))


def writing_failed(exc: OSError) -> bool:
    """Whether ``exc`` is the output (standard output or error, which have no file name)
    failing to take what was written, rather than any other error of the system."""
    return exc.errno in _WRITE_ERRNOS and exc.filename is None


def output_failed(exc: OSError) -> NoReturn:
    """End the run after an error writing the output (``exc``): one line on stderr, exit
    code 1. Standard output is pointed at the null device first, so that flushing it at
    exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    reason = exc.strerror or str(exc)
    with contextlib.suppress(OSError):
        error(f"Cannot write the output: {reason}. Check the disk or where it is sent.")
    raise SystemExit(int(ExitCode.FAILURE))


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
            if ctx is not None:
                where = ctx.command_path
            elif parent is not None:  # raised by the parser before this command's context
                where = f"{parent.command_path} {info_name}"
            else:
                where = info_name or "mockint"
            error(f"{usage_message(exc)} (see: {where} --help)")
            raise typer.Exit(int(ExitCode.USAGE)) from None


def usage_message(exc: Any) -> str:
    """A command-line usage error in the tool's own words: the option, what it takes and,
    for a choice, the value given (never the validation library's wording)."""
    param = getattr(exc, "param", None)
    if type(exc).__name__ == "MissingParameter" and param is not None:
        if getattr(param, "param_type_name", "") == "argument":
            return f"Missing argument {param.name.upper()}."
        return str(exc.format_message())
    if param is None or not getattr(param, "opts", None):
        return str(exc.format_message())
    name = max(param.opts, key=len)
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.is_choice:
        names = [str(getattr(c, "value", c)) for c in descriptor.choices or ()]
        if getattr(descriptor, "case_sensitive", True) is False:
            names = [n.lower() for n in names]  # as --help shows them
        choices = ", ".join(names)
        given = re.search(r"'([^']*)' is not one of", str(exc.message))
        told = f", not {given.group(1)!r}" if given else ""
        return f"{name} must be one of {choices}{told}."
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None and high < 2**31:
        return f"{name} must be a number from {low} to {high}."
    if low is not None:
        return f"{name} must be a number of at least {low}."
    message = str(exc.message).removeprefix("Value error, ")
    return f"{name}: {message[:1].lower()}{message[1:]}"


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
            error(f"{message} (see: {ctx.command_path} --help)")
            raise typer.Exit(int(ExitCode.USAGE)) from None


#: what each value is, shown after its option in help (a flag shows nothing)
METAVARS = {
    "session_id": "ID",
    "session_ids": "ID",
    "focus": "AREA",
    "notes": "TEXT",
    "count": "N",
    "seed": "N",
    "page": "N",
    "limit": "N",
    "since": "WHEN",
    "until": "WHEN",
    "older_than": "AGE",
    "fail_under": "SCORE",
    "silence": "SECONDS",
    "timeout": "SECONDS",
    "model": "NAME",
    "stt_model": "NAME|DIR",
    "phone": "NUMBER",
    "question": "QUESTION_ID",
    "host": "HOST",
    "port": "PORT",
}


def _value_label(param: Any, shown: str | None) -> str | None:
    """What help shows after an option: nothing for a flag, the choices of a choice, FILE or
    DIR for a path, else a word for the value (``N``, ``SECONDS``), never a Python type."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if param.metavar:
        return str(param.metavar)
    if shown and ("|" in shown or shown in ("<file>", "<dir>", "<path>")):
        return shown.strip("<>").upper() if "|" not in shown else shown
    return METAVARS.get(param.name, str(param.name or "value").upper())


def _range_help(param: Any) -> str | None:
    """A number's allowed range, unless it only says "any size" (a seed's 2**63 - 1)."""
    if param.max is not None and param.max >= 2**31:
        return f"x>={param.min}" if param.min is not None else None
    return _RANGE_HELP(param)


_DISPLAY_OPTION, _DISPLAY_ARGUMENT = TyperOption.display_type_rich, TyperArgument.display_type_rich
_RANGE_HELP = TyperOption._get_number_range_help_str
# Typer's help shows Python types (<bool> on every flag, <list[str]>, <str>): one place says
# what each value is instead, for every command
TyperOption.display_type_rich = lambda self, ctx: _value_label(self, _DISPLAY_OPTION(self, ctx))  # type: ignore[method-assign]
TyperArgument.display_type_rich = lambda self, ctx: _value_label(self, _DISPLAY_ARGUMENT(self, ctx))  # type: ignore[method-assign]
TyperOption._get_number_range_help_str = _range_help  # type: ignore[method-assign,assignment]


class Command(_OneLineUsageErrors, TyperCommand):
    pass


def command_app(name: str, func: Callable[..., Any]) -> typer.Typer:
    """A Typer application holding one command, ``name``, that runs ``func`` through
    :func:`handled` (for :data:`mockint.cli.app.COMMANDS`)."""
    app = typer.Typer(rich_markup_mode="markdown", add_completion=False)
    app.command(name, cls=Command)(handled(func))
    return app
