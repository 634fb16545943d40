"""Unattended runs: answers come from a JSON file (see :mod:`mockint.interview.answers`)."""

from __future__ import annotations

from pathlib import Path

from mockint.errors import InputFileError
from mockint.interview.answers import load_answers, match_answers
from mockint.interview.session import Interview
from mockint.runners.base import Display, Outcome, Tone


class ScriptedRunner:
    """Answers from a JSON file (``path``, or ``-`` for standard input); a file that answers
    none of the session's pending questions is said on ``display`` (a warning)."""

    name = "scripted"

    def __init__(self, path: Path, display: Display | None = None) -> None:
        self.path = path
        self.display = display
        self.answers = load_answers(path)

    def run(self, interview: Interview) -> Outcome:
        origin = "Answers on stdin" if str(self.path) == "-" else f"Answers file {self.path}"
        matched = match_answers(self.answers, [q.id for q in interview.questions], origin)
        already = [i.question.id for i in interview.items if i.answer is not None or i.skipped]
        clash = [qid for qid in already if matched.get(qid) is not None]
        if clash:
            raise InputFileError(
                f"{origin} answers {clash[0]!r}, which this session has already answered; "
                "stored answers are never replaced. Remove it from the file."
            )
        pending = interview.pending()
        if pending and self.display is not None:
            given = [matched.get(item.question.id) for item in pending]
            if not any(text and text.strip() for text in given):
                self.display.say(
                    f"{origin} answers none of the {len(pending)} questions: every one is "
                    "recorded as skipped, and the report will say so.",
                    Tone.WARNING,
                )
        for item in pending:
            interview.ask(item.question)
            text = matched.get(item.question.id)
            if text is None or not text.strip():
                interview.skip(item.question.id)
            else:
                interview.answer(item.question.id, text)
        return Outcome.COMPLETED
