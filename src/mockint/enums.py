"""The domain's fixed vocabularies, importable without pydantic (fast start-up)."""

from __future__ import annotations

from enum import StrEnum


class InterviewType(StrEnum):
    JAVASCRIPT = "javascript"
    MACHINE_CODING = "machine-coding"
    DSA = "dsa"
    SYSTEM_DESIGN = "system-design"
    BEHAVIORAL = "behavioral"

    @property
    def label(self) -> str:
        return {
            "javascript": "JavaScript",
            "machine-coding": "Machine Coding",
            "dsa": "DSA",
            "system-design": "System Design",
            "behavioral": "Behavioral",
        }[self.value]


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    EXPERT = "expert"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Status(StrEnum):
    SETUP = "SETUP"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class LastOf(StrEnum):
    """What ``last`` names where a session id is expected: the newest session of a kind."""

    ANY = "session"  # delete, price --session
    GRADED = "graded session"  # report, retry
    UNFINISHED = "unfinished session"  # start, complete

    @property
    def statuses(self) -> tuple[Status, ...]:
        if self == LastOf.GRADED:
            return (Status.COMPLETED,)
        if self == LastOf.UNFINISHED:
            return (Status.SETUP, Status.IN_PROGRESS, Status.FAILED)
        return tuple(Status)


class Mode(StrEnum):
    """How questions reach the candidate: typed, spoken on this machine, or a Vapi call."""

    TEXT = "text"
    VOICE = "voice"
    VAPI = "vapi"


class CallTransport(StrEnum):
    """How a Vapi web call reaches the candidate: audio streamed by mockint itself over
    Vapi's WebSocket transport (``vapi.websocket``), or a browser page joining a Daily
    room (``daily``)."""

    TERMINAL = "terminal"
    WEB = "web"


class Duplex(StrEnum):
    """Whether the microphone stays open while the interviewer speaks: full duplex (with
    headphones) or half duplex (muted while the interviewer speaks, so it does not hear
    itself through the speakers)."""

    FULL = "full"
    HALF = "half"


class Provider(StrEnum):
    """Who writes questions, grades and follow-ups: Gemini, any server speaking OpenAI's
    chat-completions wire format (``openai``), this machine, or Gemini exactly when a key is
    configured (``auto``)."""

    AUTO = "auto"
    OFFLINE = "offline"
    GEMINI = "gemini"
    OPENAI = "openai"

    @property
    def label(self) -> str:
        """How messages name it: ``Gemini could not write the questions...``."""
        return {
            "auto": "Auto",
            "offline": "Offline",
            "gemini": "Gemini",
            "openai": "OpenAI-compatible server",
        }[self.value]


def provider_label(name: str) -> str:
    """The :attr:`Provider.label` of a source's or grader's ``name``; another name capitalised."""
    try:
        return Provider(name).label
    except ValueError:
        return name.capitalize()


class GraderKind(StrEnum):
    """Which grader wrote a report (``--grader``); a report's label may add a model or a
    fallback reason: ``gemini (gemini-3.8-flash)``, ``offline (Gemini unavailable: ...)``."""

    OFFLINE = "offline"
    GEMINI = "gemini"
    OPENAI = "openai"


class SttEngine(StrEnum):
    """Speech to text on this machine: faster-whisper, pocketsphinx, or Whisper falling
    back to pocketsphinx."""

    AUTO = "auto"
    WHISPER = "whisper"
    POCKETSPHINX = "pocketsphinx"


class WebhookAuth(StrEnum):
    """How Vapi authenticates its requests to ``mockint webhook serve`` (``webhook_auth``).

    ``secret``: the shared secret in ``X-Vapi-Secret`` (what Vapi sends when the assistant's
    server has headers but no credential); ``bearer``: ``Authorization: Bearer <secret>``
    (a Vapi bearer credential, named by ``server_credential_id``); ``hmac``: a signature
    (a Vapi HMAC credential, named by ``server_credential_id``).
    """

    SECRET = "secret"
    BEARER = "bearer"
    HMAC = "hmac"


class JobState(StrEnum):
    """Where a webhook job (an acknowledged end-of-call report) stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class SkipReason(StrEnum):
    """Why a question was skipped when the candidate did not choose to skip it."""

    NOTHING_HEARD = "nothing heard"  # a spoken answer's recording held no words
    NO_RECORDING = "no recording"  # no audio for it: a file missing from --answers-audio
