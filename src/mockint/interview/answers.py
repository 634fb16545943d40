"""Scripted answers: a JSON file of answers for an unattended run.

Either a list of answer strings in question order, or an object mapping
question id to answer text. ``null`` or a missing question means skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import RootModel, ValidationError

from mockint.errors import InputFileError
from mockint.userfiles import MAX_FILE_BYTES, decode_user_bytes, is_storable, read_user_text
from mockint.validation import describe
from mockint.wording import counted

#: the longest answer taken from a file (characters; about 150,000 words)
MAX_ANSWER_CHARS = 1_048_576

AnswerList = RootModel[list[str | None]]
AnswerMap = RootModel[dict[str, str | None]]


def parse_answers(text: str, origin: str = "answers") -> list[str | None] | dict[str, str | None]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{origin} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise InputFileError(
            f"{origin} nests lists or objects too deeply; give a flat list or object of answers."
        ) from None
    model: type[AnswerList] | type[AnswerMap]
    if isinstance(data, list):
        model = AnswerList
    elif isinstance(data, dict):
        model = AnswerMap
    else:
        raise InputFileError(
            f"{origin} must hold a JSON list of answers in question order, or an object "
            "mapping question id to answer."
        )
    try:
        answers = model.model_validate(data).root
    except ValidationError as exc:
        raise InputFileError(
            f"{origin}: {describe(exc, root='answers')}. Each answer must be a string (or null to skip)."
        ) from None
    texts = answers.values() if isinstance(answers, dict) else answers
    keys = answers.keys() if isinstance(answers, dict) else ()
    for position, answer in enumerate(texts, 1):
        if answer is not None and len(answer) > MAX_ANSWER_CHARS:
            raise InputFileError(
                f"{origin}: answer {position} is {len(answer):,} characters long; one answer "
                f"may be at most {MAX_ANSWER_CHARS:,}."
            )
    for text in (*texts, *keys):
        if text is not None and not is_storable(text):
            raise InputFileError(
                f"{origin} holds text that is not valid Unicode (a lone surrogate escape such "
                "as \\ud800); save it as plain UTF-8 text."
            )
    return answers


def load_answers(path: Path) -> list[str | None] | dict[str, str | None]:
    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        text = decode_user_bytes(raw, "Answers on stdin", MAX_FILE_BYTES)
        return parse_answers(text, origin="Answers on stdin")
    return parse_answers(read_user_text(path, "Answers file"), origin=f"Answers file {path}")


def match_answers(
    answers: list[str | None] | dict[str, str | None],
    question_ids: list[str],
    origin: str,
) -> dict[str, str | None]:
    """Question id -> answer (None = skipped) for every question of the session."""
    if isinstance(answers, list):
        if len(answers) > len(question_ids):
            raise InputFileError(
                f"{origin} has {len(answers)} answers but the session has only "
                f"{counted(len(question_ids), 'question')}. Remove the extra answers."
            )
        padded = answers + [None] * (len(question_ids) - len(answers))
        return dict(zip(question_ids, padded, strict=True))
    unknown = [qid for qid in answers if qid not in question_ids]
    if unknown:
        raise InputFileError(
            f"{origin} answers question {unknown[0]!r}, which this session does not have. "
            f"Its questions are: {', '.join(question_ids)}."
        )
    return {qid: answers.get(qid) for qid in question_ids}
