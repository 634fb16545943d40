"""Helpers the command modules share: database access and the selection request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mockint.cli import console
from mockint.enums import Difficulty, GraderKind, InterviewType, Provider, Status
from mockint.gemini.notices import shutdown_notices
from mockint.models.history import HistoryFilter
from mockint.questions.source import SelectionRequest
from mockint.storage.connection import open_db
from mockint.timespec import parse_moment
from mockint.userfiles import write_user_text

if TYPE_CHECKING:
    from sqlite_utils import Database

    from mockint.models.history import HistoryFilter
    from mockint.questions.source import SelectionRequest


def write_output(text: str, output: Path | None) -> None:
    """Print ``text`` on stdout, or write it to ``output`` and say so on stderr."""

    if output is None:
        console.print_text(text)
        return

    write_user_text(output, text)
    console.note(f"Wrote {output}")


def database() -> Database:
    """The database, open for the running command and closed when it ends."""
    import click

    db = open_db()
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(db.close)
    return db


def selection_request(
    type: InterviewType | None,
    difficulty: Difficulty | None,
    focus: list[str] | None,
    notes: str | None,
    count: int | None,
    pack: Path | None,
    seed: int | None,
    provider: Provider = Provider.AUTO,
    model: str | None = None,
) -> SelectionRequest:

    return SelectionRequest(
        type=type,
        difficulty=difficulty,
        focus=[f for f in (focus or []) if f.strip()],
        notes=notes,
        count=count,
        pack=pack,
        seed=seed,
        provider=provider,
        model=model,
    )


def warn_about_models(
    provider: Provider, model: str | None, purposes: tuple[str, ...] = ("questions", "report")
) -> None:
    """One warning line per Gemini model to be used that Google shuts down soon (or did)."""
    for notice in shutdown_notices(provider, model, purposes):
        console.warn(notice)


def history_filter(
    type: InterviewType | None,
    difficulty: Difficulty | None,
    status: Status | None,
    since: str | None,
    until: str | None,
    grader: GraderKind | None = None,
) -> HistoryFilter:

    return HistoryFilter(
        type=type,
        difficulty=difficulty,
        status=status,
        since=parse_moment(since, "--since") if since is not None else None,
        until=parse_moment(until, "--until", end=True) if until is not None else None,
        grader=grader,
    )
