"""``mockint setup``: create a session without starting it."""

from __future__ import annotations

from mockint.cli import console, options, render
from mockint.cli.common import database, selection_request, warn_about_models
from mockint.cli.errors import command_app
from mockint.enums import Provider
from mockint.interview.session import setup_interview


def setup(
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    focus: options.FocusOption = None,
    notes: options.NotesOption = None,
    count: options.CountOption = None,
    pack: options.PackOption = None,
    seed: options.SeedOption = None,
    provider: options.ProviderOption = Provider.AUTO,
    model: options.ModelOption = None,
    json: options.JsonOption = False,
) -> None:
    """Create an interview session and show its questions (without key points) and price.

    Example: `mockint setup --type system-design --difficulty medium --focus caching`
    """

    request = selection_request(type, difficulty, focus, notes, count, pack, seed, provider, model)
    warn_about_models(provider, model, ("questions",))
    with console.waiting("Preparing your questions…"):
        result = setup_interview(database(), request)
    for warning in result.warnings:
        console.warn(warning)
    if json:
        console.print_json(result.dump())
        return
    console.out.print(render.setup_table(result))
    console.note(f"Start it with: mockint start {result.session_id}")


app = command_app("setup", setup)
