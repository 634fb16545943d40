"""Unattended runs: answers come from a JSON file (see :mod:`mockint.interview.answers`)."""

from __future__ import annotations

from pathlib import Path

from mockint.errors import InputFileError
from mockint.interview.answers import load_answers, match_answers
from mockint.interview.session import Interview
from mockint.runners.base import Outcome


class ScriptedRunner:
    """Answers from a JSON file (``path``, or ``-`` for standard input).

    Raises InputFileError (before any session is set up) when the file holds no answer at
    all (``[]``, ``{}``, only nulls or blanks): there is nothing to grade, and a report of
    skips would only pull the history's averages down."""

    name = "scripted"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.origin = "Answers on stdin" if str(path) == "-" else f"Answers file {path}"
        self.answers = load_answers(path)
        given = self.answers.values() if isinstance(self.answers, dict) else self.answers
        if not any(text and text.strip() for text in given):
            raise InputFileError(
                f"{self.origin} holds no answers, so there is nothing to grade. Give at least "
                "one answer (null skips a question), or leave out --answers to answer in the "
                "terminal."
            )

    def run(self, interview: Interview) -> Outcome:
        origin = self.origin
        matched = match_answers(self.answers, [q.id for q in interview.questions], origin)
        already = [i.question.id for i in interview.items if i.answer is not None or i.skipped]
        clash = [qid for qid in already if matched.get(qid) is not None]
        if clash:
            raise InputFileError(
                f"{origin} answers {clash[0]!r}, which this session has already answered; "
                "stored answers are never replaced. Remove it from the file."
            )
        for item in interview.pending():
            interview.ask(item.question)
            text = matched.get(item.question.id)
            if text is None or not text.strip():
                interview.skip(item.question.id)
            else:
                interview.answer(item.question.id, text)
        return Outcome.COMPLETED
