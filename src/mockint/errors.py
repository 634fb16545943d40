"""Errors raised by the library, written for the person at the terminal.

Every message says what is wrong and how to fix it; the CLI prints it as one
line on stderr and exits with the error's code.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from mockint.safetext import redact


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    HANGUP = 129  # the terminal closed (SIGHUP) during an interview
    TERMINATED = 143  # SIGTERM during an interview


class MockintError(Exception):
    """Base class: a runtime problem (exit code 1)."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str) -> None:
        # a service's error text may echo a credential; none reaches output or storage
        message = redact(message)
        super().__init__(message)
        self.message = message


class UsageError(MockintError):
    """The user asked for something invalid: bad option, file or id (exit code 2)."""

    exit_code = ExitCode.USAGE


class InputFileError(UsageError):
    """A file the user gave (pack, answers) is missing or malformed."""


class NotFoundError(UsageError):
    """A session id (or prefix) that matches nothing."""


class SessionStateError(UsageError):
    """The session cannot do what was asked in its current status."""


class AnswerConflict(MockintError):
    """A question already has the answer another run of the same session stored."""


class CompletedMeanwhile(MockintError):
    """Another run of the same session completed it while this one was grading it (exit
    code 1: nothing the user asked was wrong; that run's report stands)."""


class SessionDeleted(MockintError):
    """The session was deleted (by another run) while this one was using it."""

    def __init__(self, session_id: str, what: str) -> None:
        super().__init__(
            f"Session {session_id} was deleted (by another mockint) while {what}; "
            "nothing more was stored."
        )


class StorageError(MockintError):
    """The data directory or database cannot be used."""


class GradingError(MockintError):
    """A grader could not produce a report; the message says how to grade the saved answers.

    Its exit code is the underlying error's (2 for a rejected key or unknown model).
    """

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class ProviderUnavailable(Exception):
    """A network provider could not help; the caller falls back offline and says why.

    ``usage`` records the paid API calls made before giving up (``ApiUsage`` models),
    recorded against the session all the same.
    """

    def __init__(self, reason: str, usage: list[Any] | None = None) -> None:
        reason = redact(reason)  # stored in the session's source and the report's notes
        super().__init__(reason)
        self.reason = reason
        self.usage: list[Any] = list(usage or [])


class ProviderSkipped(ProviderUnavailable):
    """A provider not asked at all this time (a model too slow for a candidate who is
    waiting); ``reason`` is a sentence to show as it is, and ``said`` is True once it has
    been shown, so it is shown once."""

    def __init__(self, reason: str, *, said: bool) -> None:
        super().__init__(reason)
        self.said = said
