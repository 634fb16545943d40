"""How well a behavioural answer tells a story: STAR parts, actions, ownership, specifics.

Behavioural key points describe what a story should contain ("describe the
concrete changes you made"), so a fluent answer that talks about the topic in
general terms matches them about as well as a real story does. What sets a
story apart is its shape, as the STAR method (Situation, Task, Action, Result)
describes it, and its concreteness:

- ``parts``: the share of situation, task, result and reflection that some
  sentence shows (the patterns of the behavioural rubric, ``rubrics.toml``);
- ``actions``: how many distinct things the candidate did, told as events: past
  tense verbs whose subject is "I" or left out ("rolled it back, paged the
  DBA"), up to ``FULL_ACTIONS``;
- ``ownership``: the share of first-person singular among the answer's "I" and
  "we" (counted only as far as there are actions of one's own);
- ``specifics``: the share of sentences with a concrete detail: a number (in
  digits or words), a time, a name (a capitalised word inside a sentence) or a
  quotation;
- ``red_flags``: the sentences that blame others, deflect ownership, dismiss
  feedback or say nothing was learned (``rubrics.toml`` ``red_flags``); any of
  them sets ``ownership`` to 0.

Each measure is 0..1; ``score`` is their mean. Word lists are in ``grader.toml [story]``.
Spoken transcripts are read too: the pronoun may be a lower-case "i".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from mockint.enums import InterviewType
from mockint.grading.rubric import rubric_for
from mockint.grading.text import Sentence
from mockint.resources import load_toml

FULL_ACTIONS = 4
STAR_PARTS = ("situation", "task", "result", "reflection")

_FIRST_SINGULAR = re.compile(r"\bi(?:'d|'ve|'m|'ll|’d|’ve|’m|’ll)?\b", re.IGNORECASE)
_FIRST_PLURAL = re.compile(r"\b(?:we|we'd|we've|we're|we'll|our|us)\b", re.IGNORECASE)
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][A-Za-z0-9]+")


@dataclass(frozen=True)
class StoryQuality:
    """Measures of one behavioural answer, each 0..1 (see the module's docstring)."""

    parts: float
    actions: float
    ownership: float
    specifics: float
    red_flags: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return (self.parts + self.actions + self.ownership + self.specifics) / 4


def is_specific(text: str) -> bool:
    """Whether ``text`` gives a specific detail: a number, a number or time word
    (``[story]`` in grader.toml: "three", "weeks") or a quotation."""
    return _words()[0].search(text) is not None


@cache
def _words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = load_toml("grader.toml")["story"]
    detail = "|".join(re.escape(w) for w in data["number_words"] + data["time_words"])
    specific = re.compile(rf"\d|\b(?:{detail})\b|[\"“”]", re.IGNORECASE)
    verbs = "|".join(re.escape(v) for v in data["past_verbs"])
    adverbs = "|".join(re.escape(a) for a in data["adverbs"])
    # A past-tense verb whose subject is "I", or which starts a clause or a bullet.
    action = re.compile(
        rf"(?:\bi\s+|(?:^|[,;:\n•*–-]|\band\b|\bthen\b)\s*)(?:(?:{adverbs})\s+)?"
        rf"([a-z]+ed|{verbs})\b",
        re.IGNORECASE | re.MULTILINE,
    )
    return specific, action


def story_quality(sentences: list[Sentence]) -> StoryQuality:
    """Measure the story told by ``sentences`` (an answer's, in order)."""
    if not sentences:
        return StoryQuality(0.0, 0.0, 0.0, 0.0)
    text = " ".join(s.text for s in sentences)
    specific, action = _words()
    rubric = rubric_for(InterviewType.BEHAVIORAL)
    shown = sum(
        1 for part in STAR_PARTS if any(rubric.dimensions[part].shown_in(s.text) for s in sentences)
    )
    verbs = {m.group(1).lower() for s in sentences for m in action.finditer(s.text)}
    actions = min(1.0, len(verbs) / FULL_ACTIONS)
    singular = len(_FIRST_SINGULAR.findall(text))
    plural = len(_FIRST_PLURAL.findall(text))
    own = singular / (singular + plural) if singular + plural else 0.0
    detailed = sum(1 for s in sentences if specific.search(s.text) or _NAME.search(s.text))
    flagged = tuple(s.text for s in sentences if any(p.search(s.text) for p in rubric.red_flags))
    return StoryQuality(
        parts=shown / len(STAR_PARTS),
        actions=actions,
        ownership=0.0 if flagged else own * min(1.0, 2 * actions),
        specifics=detailed / len(sentences),
        red_flags=flagged,
    )
