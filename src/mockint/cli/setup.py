"""``mockint setup``: create a session without starting it."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import console, options, render
from mockint.cli.common import database, selection_request, warn_about_models
from mockint.cli.errors import command_app
from mockint.enums import Provider
from mockint.interview.session import preview_interview, setup_interview
from mockint.models.sessions import SetupResult


def setup(
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    focus: options.FocusOption = None,
    notes: options.NotesOption = None,
    count: options.CountOption = None,
    pack: options.PackOption = None,
    seed: options.SeedOption = None,
    provider: options.SetupProviderOption = Provider.AUTO,
    model: options.ModelOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show the questions without storing a session (nothing to start)."
        ),
    ] = False,
    json: options.JsonOption = False,
) -> None:
    """Create an interview session and show its questions (without key points) and duration.

    Example:

    - `mockint setup --type system-design --difficulty medium --focus caching`
    """

    request = selection_request(type, difficulty, focus, notes, count, pack, seed, provider, model)
    warn_about_models(provider, model, ("questions",))
    db = database()
    with console.waiting("Preparing your questions…"):
        result = preview_interview(db, request) if dry_run else setup_interview(db, request)
    for warning in result.warnings:
        console.warn(warning)
    if json:
        console.print_json({"sessionId": None, **result.dump()} if dry_run else result.dump())
        return
    console.show(render.setup_table(result))
    if isinstance(result, SetupResult):
        console.note(f"Start it with: mockint start {result.session_id}")
    else:
        console.note("Nothing was stored (--dry-run).")


app = command_app("setup", setup)
