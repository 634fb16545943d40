"""Options shared by several commands, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mockint.enums import (
    CallTransport,
    Difficulty,
    Duplex,
    GraderKind,
    InterviewType,
    Mode,
    Provider,
    Status,
    SttEngine,
)

SELECTION = "Question selection"

TypeOption = Annotated[
    InterviewType | None,
    typer.Option(
        "--type",
        "-t",
        help="Interview type.",
        rich_help_panel=SELECTION,
        show_default=False,
        case_sensitive=False,
    ),
]
DifficultyOption = Annotated[
    Difficulty | None,
    typer.Option(
        "--difficulty",
        "-d",
        help="Difficulty.",
        rich_help_panel=SELECTION,
        show_default=False,
        case_sensitive=False,
    ),
]
FocusOption = Annotated[
    list[str] | None,
    typer.Option(
        "--focus",
        "-f",
        help="Focus area, matched against question topics (repeatable).",
        rich_help_panel=SELECTION,
        show_default=False,
    ),
]
NotesOption = Annotated[
    str | None,
    typer.Option("--notes", help="Notes on what you want to practise.", rich_help_panel=SELECTION),
]
CountOption = Annotated[
    int | None,
    typer.Option(
        "--count",
        "-n",
        min=1,
        max=50,
        help="Number of questions (default: as many as fit the interview's duration, 5-7).",
        rich_help_panel=SELECTION,
        show_default=False,
    ),
]
PackOption = Annotated[
    Path | None,
    typer.Option(
        "--pack",
        help="A TOML question pack to draw from instead of the built-in bank.",
        rich_help_panel=SELECTION,
        dir_okay=False,
        show_default=False,
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        min=0,
        max=2**63 - 1,
        help="Seed for a reproducible choice of questions.",
        rich_help_panel=SELECTION,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
StatusOption = Annotated[
    Status | None, typer.Option("--status", "-s", help="Session status.", case_sensitive=False)
]

GraderOption = Annotated[
    GraderKind | None,
    typer.Option(
        "--grader",
        help="Only sessions graded by this grader (offline includes fallbacks from a model).",
        case_sensitive=False,
        show_default=False,
    ),
]

DATES = "Date range"
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Only sessions from this date or age on: 2026-11-01, 30d, 2w, today.",
        rich_help_panel=DATES,
        show_default=False,
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until",
        help="Only sessions up to this date (inclusive) or age: 2026-11-30, 7d, yesterday.",
        rich_help_panel=DATES,
        show_default=False,
    ),
]

AnswersOption = Annotated[
    Path | None,
    typer.Option(
        "--answers",
        "-a",
        help="JSON file of answers for an unattended run (- for stdin).",
        dir_okay=False,
    ),
]
FailUnderOption = Annotated[
    float | None,
    typer.Option(
        "--fail-under",
        min=0,
        max=100,
        help="Exit with code 1 when the overall score (0-100) is below this (60, 72.5).",
    ),
]

PROVIDERS = "Providers"


ProviderOption = Annotated[
    Provider,
    typer.Option(
        "--provider",
        help="Who writes the questions, follow-ups and report: gemini, openai (any "
        "OpenAI-compatible server: Ollama, LM Studio, llama.cpp, vLLM, OpenRouter; "
        "MOCKINT_OPENAI_BASE_URL), offline (the built-in bank and grader), or auto (Gemini "
        "when a key is configured).",
        rich_help_panel=PROVIDERS,
        case_sensitive=False,
    ),
]
SetupProviderOption = Annotated[
    Provider,
    typer.Option(
        "--provider",
        help="Who writes the questions: gemini, openai (an OpenAI-compatible server), offline "
        "(the built-in bank), or auto (Gemini when a key is configured).",
        rich_help_panel=PROVIDERS,
        case_sensitive=False,
    ),
]
GraderProviderOption = Annotated[
    Provider,
    typer.Option(
        "--provider",
        help="Who grades the answers: gemini, openai (an OpenAI-compatible server), offline "
        "(the built-in grader), or auto "
        "(Gemini when a key is configured).",
        rich_help_panel=PROVIDERS,
        case_sensitive=False,
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="The provider's model (Gemini: MOCKINT_GEMINI_MODEL, else a current Flash-Lite "
        "model; openai: MOCKINT_OPENAI_MODEL, else llama3.1).",
        rich_help_panel=PROVIDERS,
        show_default=False,
    ),
]

VOICE = "Voice"


ModeOption = Annotated[
    Mode | None,
    typer.Option(
        "--mode",
        "-m",
        help="text: typed in the terminal; voice: spoken, transcribed on this machine; "
        "vapi: a live voice call with Vapi's AI interviewer. [default: text, or the "
        "resumed session's mode]",
        rich_help_panel=VOICE,
        show_default=False,
        case_sensitive=False,
    ),
]
PhoneOption = Annotated[
    str | None,
    typer.Option(
        "--phone",
        help="With --mode vapi: call this number (E.164, like +14155550123) instead of a web "
        "call; needs VAPI_PHONE_NUMBER_ID.",
        rich_help_panel=VOICE,
        show_default=False,
    ),
]
NoBrowserOption = Annotated[
    bool,
    typer.Option(
        "--no-browser",
        help="With --mode vapi: print the call's link instead of opening it.",
        rich_help_panel=VOICE,
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=1,
        help="With --mode vapi: end the call after this many seconds (in the terminal), or "
        "stop watching it (a browser or phone call; finish later with mockint complete).",
        rich_help_panel=VOICE,
        show_default=False,
    ),
]
CompleteTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=1,
        help="Stop waiting for a call still running after this many seconds (run this "
        "again later).",
        show_default=False,
    ),
]


AnswersAudioOption = Annotated[
    Path | None,
    typer.Option(
        "--answers-audio",
        help="With --mode voice or vapi: take each answer from DIR/QUESTION_ID.wav or "
        "DIR/01.wav, 02.wav... instead of the microphone.",
        file_okay=False,
        rich_help_panel=VOICE,
        show_default=False,
    ),
]
SttEngineOption = Annotated[
    SttEngine,
    typer.Option(
        "--stt-engine",
        help="Speech to text: whisper (faster-whisper), pocketsphinx (no download, less "
        "accurate), or auto (Whisper, else pocketsphinx).",
        rich_help_panel=VOICE,
        case_sensitive=False,
    ),
]
SttModelOption = Annotated[
    str | None,
    typer.Option(
        "--stt-model",
        help="Whisper model name (downloaded once, e.g. base.en) or a local model directory "
        "(default: MOCKINT_STT_MODEL, else base.en).",
        rich_help_panel=VOICE,
        show_default=False,
    ),
]
NoTtsOption = Annotated[
    bool,
    typer.Option(
        "--no-tts", help="Show questions without reading them aloud.", rich_help_panel=VOICE
    ),
]
NoKeepAudioOption = Annotated[
    bool,
    typer.Option(
        "--no-keep-audio", help="Keep only transcripts, not the recordings.", rich_help_panel=VOICE
    ),
]
SilenceOption = Annotated[
    float,
    typer.Option(
        "--silence",
        min=0.5,
        max=30,
        help="Seconds of silence after speaking that end an answer.",
        rich_help_panel=VOICE,
    ),
]
TransportOption = Annotated[
    CallTransport | None,
    typer.Option(
        "--transport",
        help="With --mode vapi: hold the call in this terminal (microphone and speakers, "
        "over Vapi's WebSocket transport) or join it in a browser page (web). Default: "
        "terminal when the voice extra is installed and there is a microphone (or "
        "--answers-audio), else web.",
        rich_help_panel=VOICE,
        show_default=False,
        case_sensitive=False,
    ),
]
DuplexOption = Annotated[
    Duplex,
    typer.Option(
        "--duplex",
        help="With --mode vapi in the terminal: full (headphones: the microphone stays open) "
        "or half (the microphone is muted while the interviewer speaks, so it does not hear "
        "itself through the speakers).",
        rich_help_panel=VOICE,
        case_sensitive=False,
    ),
]
NoPlaybackOption = Annotated[
    bool,
    typer.Option(
        "--no-playback",
        help="With --mode vapi in the terminal: write the interviewer's audio to the "
        "session's audio folder instead of playing it.",
        rich_help_panel=VOICE,
    ),
]
InputDeviceOption = Annotated[
    str | None,
    typer.Option(
        "--input-device",
        help="Microphone to record from: a name (or part of one) or an index from "
        "`mockint devices`. Default: the system's.",
        rich_help_panel=VOICE,
        metavar="NAME|INDEX",
        show_default=False,
    ),
]
OutputDeviceOption = Annotated[
    str | None,
    typer.Option(
        "--output-device",
        help="Speakers or headphones to play through: a name (or part of one) or an index "
        "from `mockint devices`. Default: the system's.",
        rich_help_panel=VOICE,
        metavar="NAME|INDEX",
        show_default=False,
    ),
]
