"""``mockint start``: run an interview, new or resumed, and print its report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mockint.cli import console, options, render
from mockint.cli.common import database, selection_request
from mockint.errors import ExitCode


def start(
    session_id: Annotated[
        str | None,
        typer.Argument(
            help="Resume this session (id, unique prefix or `last`).", show_default=False
        ),
    ] = None,
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    focus: options.FocusOption = None,
    notes: options.NotesOption = None,
    count: options.CountOption = None,
    pack: options.PackOption = None,
    seed: options.SeedOption = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            help="JSON file of answers for an unattended run (`-` for stdin).",
            dir_okay=False,
        ),
    ] = None,
    json: options.JsonOption = False,
    fail_under: Annotated[
        int | None,
        typer.Option(
            "--fail-under",
            min=0,
            max=100,
            help="Exit with code 1 when the overall score is below this.",
        ),
    ] = None,
) -> None:
    """Run an interview: a new one from the selection options, or resume SESSION_ID.

    Examples: `mockint start --type dsa --difficulty hard` ·
    `mockint start --pack my.toml --answers answers.json --json --fail-under 60`
    """
    from mockint.interview import Interview, setup_interview
    from mockint.runners import Outcome, get_runner

    db = database()
    request = selection_request(type, difficulty, focus, notes, count, pack, seed)
    runner = get_runner("scripted" if answers else "text", answers=answers)
    if session_id is not None:
        interview = Interview.resume(db, session_id, request)
        done = len(interview.items) - len(interview.pending())
        if done:
            console.note(
                f"Resuming session {interview.session.id} at question {done + 1} of {len(interview.items)}."
            )
    else:
        result = setup_interview(db, request)
        for warning in result.warnings:
            console.warn(warning)
        interview = Interview.open(db, result.session_id)
        if not json and not answers:
            console.err.print(render.setup_header(result))
    try:
        outcome = interview.run(runner, discard_if_refused=session_id is None)
    except KeyboardInterrupt:
        console.error(
            f"Interrupted. Answers given so far are saved; resume with: mockint start {interview.session.id}"
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    if outcome == Outcome.PAUSED:
        console.note(
            f"Paused. Your answers are saved; resume with: mockint start {interview.session.id}"
        )
        return
    with console.err.status("Grading your answers…"):
        report = interview.finish()
    if json:
        console.print_json(report.dump())
    else:
        console.out.print(render.report_view(report))
        console.note(f"Saved. Export it with: mockint report {report.session_id} --format markdown")
    if fail_under is not None and report.overall_score < fail_under:
        console.error(f"Score {report.overall_score} is below --fail-under {fail_under}.")
        raise typer.Exit(int(ExitCode.FAILURE))
