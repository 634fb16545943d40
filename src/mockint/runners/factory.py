"""The one factory of session runners: how questions reach the candidate and answers come back.

:func:`get_runner` takes the run's settings (the mode and its options) and the
:class:`~mockint.runners.base.Display` to talk through, and checks the settings before any
session exists. A mode's factory can be replaced with :func:`register_runner` (a test's
fake, another transport). :func:`run_interview` lets a runner ask an interview's pending
questions.
"""

from __future__ import annotations

from collections.abc import Callable

from mockint.enums import Duplex, Mode, Provider, SttEngine
from mockint.errors import UsageError
from mockint.interview.session import Interview
from mockint.providers import resolve
from mockint.runners.base import SILENCE_SECONDS, Display, Outcome, Runner, RunnerSettings
from mockint.runners.scripted import ScriptedRunner
from mockint.runners.text import TextRunner
from mockint.storage.sessions import discard_new_session
from mockint.voice import VoiceError

RunnerFactory = Callable[[RunnerSettings, Display], Runner]


def _text(settings: RunnerSettings, display: Display) -> Runner:
    if settings.answers is not None:
        return ScriptedRunner(settings.answers)
    if resolve(settings.provider) == Provider.OFFLINE:
        return TextRunner(display)
    from mockint.services import follow_up_writer  # lazy: the providers' packages only if used

    return TextRunner(display, follow_ups=follow_up_writer(settings.provider, settings.model))


def _voice(settings: RunnerSettings, display: Display) -> Runner:
    from mockint.voice.runner import build  # lazy: audio libraries only in voice mode

    return build(settings, display)


def _vapi(settings: RunnerSettings, display: Display) -> Runner:
    from mockint.vapi.runner import build  # lazy: the Vapi client only in vapi mode

    return build(settings, display)


_FACTORIES: dict[Mode, RunnerFactory] = {Mode.TEXT: _text, Mode.VOICE: _voice, Mode.VAPI: _vapi}


def register_runner(mode: Mode, factory: RunnerFactory) -> RunnerFactory:
    """Make ``factory`` build the runners of ``mode``; returns the one it replaces."""
    previous = _FACTORIES[mode]
    _FACTORIES[mode] = factory
    return previous


def get_runner(settings: RunnerSettings, display: Display) -> Runner:
    """The runner for ``settings``, talking through ``display``.

    Options that do not fit the mode, or that it would ignore, raise UsageError, and
    inputs a runner needs (answers files, audio directories, keys) are checked now,
    before any session is created, so bad input leaves nothing behind.
    """
    if settings.answers_audio is not None and settings.mode not in (Mode.VOICE, Mode.VAPI):
        raise UsageError("--answers-audio needs --mode voice or --mode vapi.")
    if settings.mode != Mode.VAPI:
        if settings.transport is not None:
            raise UsageError("--transport needs --mode vapi.")
        if not settings.playback:
            raise UsageError("--no-playback needs --mode vapi.")
    if settings.mode == Mode.TEXT and (settings.input_device or settings.output_device):
        raise UsageError("--input-device and --output-device need --mode voice or --mode vapi.")
    if settings.phone is not None and settings.mode != Mode.VAPI:
        raise UsageError("--phone needs --mode vapi.")
    if settings.answers is not None and settings.mode != Mode.TEXT:
        raise UsageError(
            f"--answers is for text interviews; drop it (--answers-audio takes recorded answers), "
            f"or use --mode text instead of --mode {settings.mode}."
        )
    _check_unused(settings)
    return _FACTORIES[settings.mode](settings, display)


def _check_unused(settings: RunnerSettings) -> None:
    """UsageError for options the run would ignore: speech options outside voice mode,
    --duplex outside vapi mode, a microphone with recorded answers, speakers with
    --no-playback."""
    speech = [
        name
        for name, given in (
            ("--stt-engine", settings.stt_engine != SttEngine.AUTO),
            ("--stt-model", settings.stt_model is not None),
            ("--no-tts", not settings.tts),
            ("--silence", settings.silence != SILENCE_SECONDS),
        )
        if given
    ]
    if speech and settings.mode != Mode.VOICE:
        why = (
            "Vapi's interviewer listens and speaks for itself"
            if settings.mode == Mode.VAPI
            else "a typed interview has no speech"
        )
        verb, them = ("needs", "it") if len(speech) == 1 else ("need", "them")
        raise UsageError(f"{' and '.join(speech)} {verb} --mode voice ({why}): drop {them}.")
    if settings.duplex != Duplex.HALF and settings.mode != Mode.VAPI:
        raise UsageError("--duplex needs --mode vapi (the microphone during a Vapi call).")
    if settings.input_device and settings.answers_audio is not None:
        raise UsageError(
            "--input-device picks a microphone, but the answers come from --answers-audio: "
            "drop one of them."
        )
    if settings.output_device and not settings.playback:
        raise UsageError(
            "--output-device picks speakers, but --no-playback plays nothing: drop one of them."
        )


def run_interview(
    interview: Interview, runner: Runner, *, discard_if_refused: bool = False
) -> Outcome:
    """Let ``runner`` ask ``interview``'s pending questions.

    With ``discard_if_refused``, a new session whose runner refuses its input before the
    candidate's first answer, skip, hint or draft is stored (answers that do not fit:
    UsageError; a speech model that cannot load or a first recording that cannot be used:
    VoiceError) is removed, so no empty session is left; one with anything of the
    candidate's stored stays, to resume (as does one with a Vapi call, failed or not).
    """
    try:
        return runner.run(interview)
    except (UsageError, VoiceError):
        if discard_if_refused:
            discard_new_session(interview.db, interview.session.id)
        raise
