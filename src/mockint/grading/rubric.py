"""Per-type rubrics (``data/rubrics.toml``): dimensions, their cues and areas."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from mockint.enums import InterviewType
from mockint.grading.text import Sentence, analyse_sentence
from mockint.resources import load_toml

AREAS = ("technicalDepth", "communication", "problemSolving")


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    area: str
    cues: tuple[frozenset[str], ...]  # each cue as the set of its analysed stems
    advice: str
    #: regular expressions that show this dimension in an answer's structure
    #: (a STAR story's result, reflection...): such key points can be credited
    #: from structure, since they describe a story's shape, not its words
    patterns: tuple[re.Pattern[str], ...] = field(default=())

    def shown_in(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)

    def cued_by(self, sentence: Sentence) -> bool:
        stems = frozenset(sentence.stems)
        return any(cue <= stems for cue in self.cues)


@dataclass(frozen=True)
class Rubric:
    type: InterviewType
    default: str
    order: tuple[str, ...]
    dimensions: dict[str, Dimension]
    #: share of an answer's content that comes from how well it tells a story (STAR)
    story_weight: float = 0.0
    #: what reads as a red flag in a story (blame, deflection, nothing learned)
    red_flags: tuple[re.Pattern[str], ...] = ()

    def classify(self, key_point: str) -> Dimension:
        """The dimension a key point is graded under."""
        sentence = analyse_sentence(key_point)
        for name in self.order:
            if name != self.default and self.dimensions[name].cued_by(sentence):
                return self.dimensions[name]
        return self.dimensions[self.default]


@cache
def rubric_for(interview_type: InterviewType) -> Rubric:
    data = load_toml("rubrics.toml")[interview_type.value]
    dimensions = {}
    for name, spec in data["dimensions"].items():
        cues = tuple(
            stems for cue in spec["cues"] if (stems := frozenset(analyse_sentence(cue).stems))
        )
        patterns = tuple(re.compile(p, re.IGNORECASE) for p in spec.get("patterns", ()))
        dimensions[name] = Dimension(
            name, spec["label"], spec["area"], cues, spec["advice"], patterns
        )
    return Rubric(
        interview_type,
        data["default"],
        tuple(data["order"]),
        dimensions,
        data.get("story_weight", 0.0),
        tuple(re.compile(p, re.IGNORECASE) for p in data.get("red_flags", ())),
    )
