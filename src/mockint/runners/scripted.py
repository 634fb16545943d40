"""Unattended runs: answers come from a JSON file (see :mod:`mockint.interview.answers`)."""

from __future__ import annotations

from pathlib import Path

from mockint.errors import InputFileError
from mockint.interview.answers import load_answers, match_answers
from mockint.interview.session import Interview
from mockint.runners.base import Outcome


class ScriptedRunner:
    name = "scripted"

    def __init__(self, path: Path) -> None:
        self.path = path
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
        for item in interview.pending():
            interview.ask(item.question)
            text = matched.get(item.question.id)
            if text is None or not text.strip():
                interview.skip(item.question.id)
            else:
                interview.answer(item.question.id, text)
        return Outcome.COMPLETED
