"""Question packs: a user's own questions in a TOML file, or the questions of a
``mockint export`` JSONL file (each line's ``questions``, in the same form).

```toml
name = "my-pack"
version = 1
[[questions]]
id = "dsa-merge-intervals"
type = "dsa"
difficulty = "medium"
text = "..."
key_points = ["...", "..."]
follow_ups = ["..."]      # optional
time_minutes = 5          # optional
topics = ["intervals"]    # optional
```
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mockint.errors import InputFileError
from mockint.history.export import parse_sessions
from mockint.models.questions import Question
from mockint.userfiles import read_user_text
from mockint.validation import describe

#: the most questions a pack may hold
MAX_PACK_QUESTIONS = 5000


class Pack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    version: int | str = 1
    description: str | None = None
    #: at most MAX_PACK_QUESTIONS, so that a pack asked whole stays an interview's size
    questions: list[Question] = Field(min_length=1, max_length=MAX_PACK_QUESTIONS)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} appears more than once")
            seen.add(question.id)
        return self


def parse_pack(text: str, origin: str = "pack") -> Pack:
    """Parse pack text; errors name ``origin`` and the line or field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = (
            "Fix the syntax at that line."
            if "line" in str(exc)
            else "Look for a bracket or quote that is never closed."
        )
        raise InputFileError(f"{origin} is not valid TOML: {exc}. {where}") from None
    except RecursionError:
        raise InputFileError(
            f"{origin} nests arrays or tables too deeply to be a question pack."
        ) from None
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise InputFileError(
            f"{origin} is not a valid question pack: {describe(exc)}. "
            "See the pack format in the README."
        ) from None


def parse_export(text: str, name: str, origin: str = "export") -> Pack:
    """The questions of a ``mockint export`` file (JSONL or JSON) as a pack named ``name``:
    every session's questions, in file order, each id once (its first occurrence). Raises
    InputFileError naming ``origin`` and the line when a line is not an exported session
    (see ``history.export.parse_sessions``), or ``origin`` when it holds no questions."""
    questions: dict[str, Question] = {}
    for session in parse_sessions(text, origin):
        for question in session.questions:
            questions.setdefault(question.id, question)
    try:
        return Pack(name=name, questions=list(questions.values()))
    except ValidationError as exc:
        raise InputFileError(f"{origin} holds no valid question pack: {describe(exc)}.") from None


def load_pack(path: Path) -> Pack:
    """The pack at ``path``: TOML, or a ``mockint export`` JSONL or JSON file (by its
    ``.jsonl`` or ``.json`` name, or a first character of "{": a TOML pack may start with
    "[" too). Raises InputFileError on anything else."""
    text = read_user_text(path, "Pack file")
    origin = f"Pack file {path}"
    if path.suffix.lower() in (".jsonl", ".json") or text.lstrip().startswith("{"):
        return parse_export(text, name=path.stem or "export", origin=origin)
    return parse_pack(text, origin=origin)
