"""Question packs: a user's own questions in a TOML file.

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
        raise InputFileError(
            f"{origin} is not valid TOML: {exc}. Fix the syntax at that line."
        ) from None
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


def load_pack(path: Path) -> Pack:
    return parse_pack(read_user_text(path, "Pack file"), origin=f"Pack file {path}")
