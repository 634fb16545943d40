"""Questions: what is asked, what a strong answer covers, and how one is shown before
the interview."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mockint.enums import Difficulty, InterviewType
from mockint.models.base import ApiModel


def _clean_text(value: str) -> str:
    return value.strip()


class Question(BaseModel):
    """One interview question with what a strong answer covers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    type: InterviewType
    difficulty: Difficulty
    text: str = Field(min_length=1, max_length=4000)
    key_points: list[str] = Field(min_length=1, max_length=12)
    #: a short noun phrase per key point ("complement lookup in a hash map"), named in
    #: "Study ..." advice; empty, or one per key point in the same order
    concepts: list[str] = Field(default_factory=list, max_length=12)
    follow_ups: list[str] = Field(default_factory=list, max_length=10)
    time_minutes: int = Field(default=5, ge=1, le=120)
    level: int | None = Field(default=None, ge=1, le=10)
    topics: list[str] = Field(default_factory=list, max_length=12)

    @field_validator("key_points", "follow_ups")
    @classmethod
    def _non_empty_items(cls, items: list[str]) -> list[str]:
        cleaned = [_clean_text(item) for item in items]
        if any(not item for item in cleaned):
            raise ValueError("must not contain empty strings")
        return cleaned

    @field_validator("concepts")
    @classmethod
    def _concepts(cls, items: list[str]) -> list[str]:
        cleaned = [" ".join(item.split()) for item in items]
        if any(not item or len(item) > 80 for item in cleaned):
            raise ValueError("each concept must be a short phrase of 1 to 80 characters")
        return cleaned

    @model_validator(mode="after")
    def _one_concept_per_key_point(self) -> Question:
        if self.concepts and len(self.concepts) != len(self.key_points):
            raise ValueError(
                f"concepts has {len(self.concepts)} entries but key_points has "
                f"{len(self.key_points)}: give one concept per key point, or none"
            )
        return self

    def concept(self, index: int) -> str:
        """The concept of key point ``index``: given, or derived from its own words."""
        if index < len(self.concepts):
            return self.concepts[index]
        return derive_concept(self.key_points[index])

    @field_validator("topics")
    @classmethod
    def _normalise_topics(cls, items: list[str]) -> list[str]:
        return [normalise_topic(item) for item in items if item.strip()]

    @property
    def difficulty_level(self) -> int:
        """Difficulty on the spec's 1-10 scale."""
        if self.level is not None:
            return self.level
        return {"easy": 2, "medium": 5, "hard": 7, "expert": 9}[self.difficulty.value]


_LEAD = re.compile(
    r"^(?:the candidate (?:should|must) |(?:you )?(?:should|must) )?"
    r"(?:use|uses|using|explain|explains|mention|mentions|describe|describes|discuss|state|"
    r"states|note|notes|say|says|show|shows|give|gives|consider|keep|keeps|handle|handles)\s+",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r"[,;:(]|\s(?:which|that|so|because|since|while|when|where|and then|to avoid|to keep|"
    r"instead of|rather than|so that|costs?|runs?|takes?|is|are|was|were|gives?|means?|"
    r"checks?|uses?|keeps?|stores?|returns?|lets?|makes?|needs?|can|will|should|must|"
    r"has|have|does|do|helps?|avoids?|allows?|ensures?|only|for example|such as)\s",
    re.IGNORECASE,
)


def derive_concept(key_point: str, limit: int = 6) -> str:
    """A short noun phrase from a key point's own words, for "Study ..." advice.

    The key point's first clause, without a leading instruction verb, at most
    ``limit`` words: "Use a hash map from value to index, and ..." gives
    "a hash map from value to index".
    """
    text = _LEAD.sub("", key_point.strip())
    head = text
    for match in _CLAUSE_END.finditer(text):
        if len(text[: match.start()].split()) >= 2:
            head = text[: match.start()]
            break
    words = head.strip(" .").split()
    while len(words) > 1 and len(words[-1]) == 1:  # "uses O" of "uses O(n)"
        words.pop()
    if words and words[0].lower() in {"a", "an", "the"} and len(words) > 1:
        words = words[1:]
    phrase = " ".join(words[:limit]).rstrip(" ,.;:")
    return phrase[:1].lower() + phrase[1:] if phrase[:2] != phrase[:2].upper() else phrase


def normalise_topic(value: str) -> str:
    return "-".join(value.strip().lower().replace("_", " ").split())


class QuestionSummary(ApiModel):
    """A question as shown before the interview: no key points."""

    id: str
    text: str
    difficulty: int
    time_allocation: int
    topics: list[str] = Field(default_factory=list)
