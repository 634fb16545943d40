"""``mockint start``: run an interview, new or resumed, and print its report."""

from __future__ import annotations

import contextlib
import shlex
import signal
from typing import Annotated, NoReturn

import typer

from mockint.cli import console, options, render, signals
from mockint.cli.common import database, selection_request, warn_about_models
from mockint.cli.display import RichDisplay
from mockint.cli.errors import command_app
from mockint.enums import Duplex, Mode, Provider, Status, SttEngine
from mockint.errors import ExitCode
from mockint.interview.retry import compare_with_parent
from mockint.interview.session import Interview, setup_interview
from mockint.runners.base import Interrupted, Outcome, Runner, RunnerSettings
from mockint.runners.factory import get_runner, run_interview
from mockint.storage.sessions import session_exists
from mockint.vapi.calls import refuse_a_second_call
from mockint.voice import VoiceError


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
    provider: options.ProviderOption = Provider.AUTO,
    model: options.ModelOption = None,
    answers: options.AnswersOption = None,
    mode: options.ModeOption = None,
    answers_audio: options.AnswersAudioOption = None,
    stt_engine: options.SttEngineOption = SttEngine.AUTO,
    stt_model: options.SttModelOption = None,
    no_tts: options.NoTtsOption = False,
    no_keep_audio: options.NoKeepAudioOption = False,
    silence: options.SilenceOption = 2.0,
    phone: options.PhoneOption = None,
    no_browser: options.NoBrowserOption = False,
    timeout: options.TimeoutOption = None,
    transport: options.TransportOption = None,
    duplex: options.DuplexOption = Duplex.HALF,
    no_playback: options.NoPlaybackOption = False,
    input_device: options.InputDeviceOption = None,
    output_device: options.OutputDeviceOption = None,
    json: options.JsonOption = False,
    fail_under: options.FailUnderOption = None,
) -> None:
    """Run an interview: a new one from the selection options, or resume SESSION_ID.

    Examples:

    - `mockint start --type dsa --difficulty hard`
    - `mockint start --type behavioral --mode voice`
    - `mockint start --type behavioral --mode vapi` (a live interviewer, in this terminal)
    - `mockint start --pack my.toml --answers answers.json --json --fail-under 60`
    """
    db = database()
    request = selection_request(type, difficulty, focus, notes, count, pack, seed, provider, model)
    resumed = Interview.resume(db, session_id, request) if session_id is not None else None
    warn_about_models(provider, model)
    if resumed is not None and not resumed.pending():
        # nothing left to ask: no runner (nor its keys or devices) is needed to grade
        console.note(
            (
                f"All {len(resumed.items)} questions of session {resumed.session.id} are"
                if len(resumed.items) > 1
                else f"The question of session {resumed.session.id} is"
            )
            + " answered; grading."
        )
        if answers is not None or answers_audio is not None:
            given = "--answers" if answers is not None else "--answers-audio"
            console.warn(f"{given} was not used: every question already has a stored answer.")
        grade_and_show(resumed, json=json, fail_under=fail_under, provider=provider, model=model)
        return
    chosen = mode or (Mode(resumed.session.mode) if resumed else Mode.TEXT)
    if resumed is not None and chosen == Mode.VAPI:
        refuse_a_second_call(db, resumed.session.id)  # before choosing how to join a call
    runner = get_runner(
        RunnerSettings(
            mode=chosen,
            answers=answers,
            provider=provider,
            model=model,
            answers_audio=answers_audio,
            stt_engine=stt_engine,
            stt_model=stt_model,
            tts=not no_tts,
            keep_audio=not no_keep_audio,
            silence=silence,
            phone=phone,
            timeout=timeout,
            transport=transport,
            duplex=duplex,
            playback=not no_playback,
            input_device=input_device,
            output_device=output_device,
        ),
        RichDisplay(open_browser=not no_browser),
    )
    if resumed is not None:
        interview = resumed
    else:
        with console.waiting("Preparing your questions…"):
            result = setup_interview(db, request, mode=chosen)
        for warning in result.warnings:
            console.warn(warning)
        interview = Interview.open(db, result.session_id)
        if not json and not answers:
            console.err.print(render.setup_header(result))
    conduct(
        interview,
        runner,
        json=json,
        fail_under=fail_under,
        new=session_id is None,
        provider=provider,
        model=model,
        # recordings come from the same folder next time (there may be no microphone)
        resume_options=(
            f" --answers-audio {shlex.quote(str(answers_audio))}" if answers_audio else ""
        ),
    )


def conduct(
    interview: Interview,
    runner: Runner,
    *,
    json: bool,
    fail_under: float | None,
    new: bool,
    provider: Provider = Provider.AUTO,
    model: str | None = None,
    resume_options: str = "",
) -> None:
    """Run ``interview`` to its end (or a pause), then grade it and show the report.

    A retry's report also shows the change per question since the first attempt.
    ``resume_options``: what the resume command a stopped run names needs besides the
    session id (" --answers-audio DIR").
    """
    done = len(interview.items) - len(interview.pending())
    if done or not new:  # a session named by its id says which one it is, from question 1
        verb = "Resuming" if done or interview.session.status != Status.SETUP else "Starting"
        console.note(
            f"{verb} session {interview.session.id} at question {done + 1} of "
            f"{len(interview.items)}."
        )
    try:
        with signals.interrupting():
            outcome = run_interview(interview, runner, discard_if_refused=new)
    except KeyboardInterrupt as exc:
        interrupted(interview, runner, exc)
    except VoiceError as exc:
        # a recording that cannot be used stops the run; the session stays, to resume
        if session_exists(interview.db, interview.session.id):
            exc.message += (
                f" Then resume with: mockint start {interview.session.id}{resume_options}"
            )
        raise
    if outcome == Outcome.PAUSED:
        console.note(
            f"Paused. Your answers are saved; resume with: mockint start {interview.session.id}"
        )
        return
    grade_and_show(interview, json=json, fail_under=fail_under, provider=provider, model=model)


def interrupted(interview: Interview, runner: Runner, exc: KeyboardInterrupt) -> NoReturn:
    """Say what was kept of an interrupted run and how to resume it, then exit 130 (Ctrl-C),
    129 (the terminal closed) or 143 (SIGTERM)."""
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    draft = (
        " and your unsent answer is kept as a draft" if getattr(exc, "draft_saved", False) else ""
    )
    if runner.name == "vapi":
        then = f"once the call has ended, grade it with: mockint complete {interview.session.id}"
    else:
        then = f"resume with: mockint start {interview.session.id}"
    with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
        console.error(f"Interrupted. Answers given so far are saved{draft}; {then}")
    raise typer.Exit(int(signals.exit_code(signum))) from None


def grade_and_show(
    interview: Interview,
    *,
    json: bool,
    fail_under: float | None,
    provider: Provider,
    model: str | None,
) -> None:
    """Grade a finished interview, print its report (and a retry's comparison)."""
    try:
        with console.waiting("Grading your answers…"):
            report = interview.finish(provider, model)
    except KeyboardInterrupt:
        console.error(
            f"Interrupted while grading. Your answers are saved; grade them with: "
            f"mockint start {interview.session.id}"
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    comparison = compare_with_parent(interview.db, report)
    if json:
        data = report.dump()
        if comparison is not None:
            data["comparison"] = comparison.dump()
        console.print_json(data)
    else:
        console.show(render.report_view(report))
        if comparison is not None:
            console.show(render.comparison_table(comparison))
        console.note(f"Saved. Export it with: mockint report {report.session_id} --format markdown")
    if fail_under is not None and report.overall_score < fail_under:
        console.error(f"Score {report.overall_score} is below --fail-under {fail_under:g}.")
        raise typer.Exit(int(ExitCode.FAILURE))


app = command_app("start", start)
