"""Text analysis for the offline grader.

Pipeline: lower-case, replace phrases of the concept lexicon by a concept
token (so "priority queue" and "min-heap" both become ``§heap``), split into
sentences and words, and stem words with the Snowball stemmer. Words are
weighted by how informative they are in general English (wordfreq's Zipf
frequency): "heap" counts for more than "use".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from mockint.resources import load_toml

CONCEPT_MARK = "§"
_WORD = re.compile(r"§[a-z0-9-]+|[a-z0-9]+(?:['’][a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n\s*(?=[-*•]|\d+[.)]\s)|;\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _grader_words() -> dict[str, object]:
    return load_toml("grader.toml")


@cache
def function_words() -> frozenset[str]:
    return frozenset(_grader_words()["function_words"])  # type: ignore[arg-type]


@cache
def rubric_words() -> frozenset[str]:
    return frozenset(_grader_words()["rubric_words"])  # type: ignore[arg-type]


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word.startswith(CONCEPT_MARK):
        return word
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=65536)
def weight(word: str) -> float:
    """How informative ``word`` is: 1.0 for concepts and rare words, low for common ones."""
    if word.startswith(CONCEPT_MARK):
        return 1.0
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, "en")
    if zipf == 0.0:  # unknown to general English: jargon, identifiers
        return 0.9
    return max(0.15, min(1.0, (7.0 - zipf) / 4.0))


@cache
def _lexicon() -> tuple[re.Pattern[str], dict[str, str]]:
    data = load_toml("lexicon.toml")
    phrase_to_concept: dict[str, str] = {}
    for concept in data["concepts"]:
        for phrase in concept["phrases"]:
            phrase_to_concept[phrase.lower()] = CONCEPT_MARK + concept["name"]
    alternatives = sorted(phrase_to_concept, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w§])(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?![\w])"
    )
    return pattern, phrase_to_concept


def concept_names() -> set[str]:
    return set(_lexicon()[1].values())


def canonicalise(text: str) -> str:
    """Lower-case ``text`` and replace lexicon phrases by concept tokens."""
    pattern, mapping = _lexicon()
    lowered = text.lower().replace("’", "'")
    return pattern.sub(lambda m: f" {mapping[m.group(0)]} ", lowered)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass
class Sentence:
    text: str
    tokens: list[str]
    stems: list[str]
    content: list[str]
    function_ratio: float

    @property
    def content_set(self) -> set[str]:
        return set(self.content)


@dataclass
class Analysed:
    text: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)

    @property
    def content_set(self) -> set[str]:
        return {t for s in self.sentences for t in s.content}


def split_sentences(text: str) -> list[str]:
    parts = (p.strip() for p in _SENTENCE_END.split(_CONTROL.sub(" ", text)))
    return [p for p in parts if p]


def analyse_sentence(raw: str) -> Sentence:
    tokens = words(canonicalise(raw))
    fw = function_words()
    content = [stem(t) for t in tokens if t not in fw]
    ratio = sum(1 for t in tokens if t in fw) / len(tokens) if tokens else 0.0
    return Sentence(raw, tokens, [stem(t) for t in tokens], content, ratio)


def analyse(text: str) -> Analysed:
    return Analysed(text, [s for s in map(analyse_sentence, split_sentences(text)) if s.tokens])


@dataclass(frozen=True)
class Terms:
    """The weighted content of a key point or question."""

    weights: dict[str, float]
    surface: dict[str, str]
    bigrams: frozenset[tuple[str, str]]

    @property
    def total(self) -> float:
        return sum(self.weights.values())


@lru_cache(maxsize=4096)
def terms_of(text: str) -> Terms:
    """Weighted content terms of rubric text (rubric phrasing words removed)."""
    skip = function_words() | rubric_words()
    weights: dict[str, float] = {}
    surface: dict[str, str] = {}
    order: list[str] = []
    for token in words(canonicalise(text)):
        if token in skip:
            continue
        stemmed = stem(token)
        w = weight(token)
        if w > weights.get(stemmed, 0.0):
            weights[stemmed] = w
            surface[stemmed] = _display(token, text)
        order.append(stemmed)
    bigrams = frozenset(tuple(sorted(pair)) for pair in zip(order, order[1:], strict=False) if pair[0] != pair[1])
    return Terms(weights, surface, bigrams)  # type: ignore[arg-type]


def _display(token: str, original: str) -> str:
    if token.startswith(CONCEPT_MARK):
        return token[1:].replace("-", " ")
    return token


def key_terms(text: str, limit: int = 3) -> list[str]:
    """The most informative words of ``text``, for hints and feedback."""
    terms = terms_of(text)
    ranked = sorted(terms.weights, key=lambda t: -terms.weights[t])
    return [terms.surface[t] for t in ranked[:limit]]
