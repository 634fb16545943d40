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
from itertools import pairwise
from typing import Any

from mockint.resources import load_toml

CONCEPT_MARK = "§"
_WORD = re.compile(r"§[a-z0-9-]+|[a-z0-9]+(?:['’][a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n\s*(?=[-*•]|\d+[.)]\s)|;\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _grader_words() -> dict[str, Any]:
    return load_toml("grader.toml")


@cache
def function_words() -> frozenset[str]:
    return frozenset(_grader_words()["function_words"])


@cache
def rubric_words() -> frozenset[str]:
    return frozenset(_grader_words()["rubric_words"])


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


_SYMBOLIC = re.compile(r"[^a-z0-9\s'-]")
MAX_PHRASE = 8


@cache
def _lexicon() -> tuple[
    re.Pattern[str] | None, dict[str, str], dict[tuple[str, ...], str], dict[str, str]
]:
    """Symbolic phrases ("O(n)") matched on raw text; word phrases on stem sequences.

    Matching word phrases after stemming makes "edge cases" match "edge case"
    and "min-heap" match "min heap".
    """
    data = load_toml("lexicon.toml")
    symbolic: dict[str, str] = {}
    by_stems: dict[tuple[str, ...], str] = {}
    by_word: dict[str, str] = {}
    for concept in data["concepts"]:
        token = CONCEPT_MARK + concept["name"]
        for phrase in concept["phrases"]:
            lowered = phrase.lower()
            if _SYMBOLIC.search(lowered):
                symbolic[lowered] = token
            found = _WORD.findall(lowered)
            if len(found) == 1:
                # One word: its own forms only, since stems collide ("fastly" -> "fast").
                for form in (found[0], found[0] + "s", found[0] + "es"):
                    by_word.setdefault(form, token)
            elif 1 < len(found) <= MAX_PHRASE:
                by_stems.setdefault(tuple(stem(w) for w in found), token)
    pattern = None
    if symbolic:
        alternatives = sorted(symbolic, key=len, reverse=True)
        pattern = re.compile(
            r"(?<![\w§])(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?![\w])"
        )
    return pattern, symbolic, by_stems, by_word


def canonicalise(text: str) -> str:
    """Lower-case ``text`` and replace symbolic lexicon phrases ("O(n log n)") by concepts."""
    pattern, mapping, _, _ = _lexicon()
    lowered = text.lower().replace("’", "'")
    if pattern is None:
        return lowered
    return pattern.sub(lambda m: f" {mapping[m.group(0)]} ", lowered)


def concept_tokens(tokens: list[str]) -> list[tuple[str, str]]:
    """Stem ``tokens`` and fold lexicon phrases into concept tokens (longest match first).

    Returns (term, surface word) pairs; a concept's surface is the concept token.
    """
    _, _, by_stems, by_word = _lexicon()
    stems = [stem(t) for t in tokens]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(stems):
        for size in range(min(MAX_PHRASE, len(stems) - i), 1, -1):
            concept = by_stems.get(tuple(stems[i : i + size]))
            if concept is not None:
                out.append((concept, concept))
                i += size
                break
        else:
            concept = by_word.get(tokens[i])
            out.append((concept, concept) if concept else (stems[i], tokens[i]))
            i += 1
    return out


@cache
def _stemmed(words_: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words_)


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
    folded = [term for term, _ in concept_tokens(tokens)]
    fw_stems = _stemmed(fw)
    content = [t for t in folded if t not in fw_stems]
    ratio = sum(1 for t in tokens if t in fw) / len(tokens) if tokens else 0.0
    return Sentence(raw, tokens, folded, content, ratio)


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
    skip = _stemmed(function_words() | rubric_words())
    weights: dict[str, float] = {}
    surface: dict[str, str] = {}
    order: list[str] = []
    for term, token in concept_tokens(words(canonicalise(text))):
        if term in skip:
            continue
        w = weight(token)
        if w > weights.get(term, 0.0):
            weights[term] = w
            surface[term] = _display(token)
        order.append(term)
    bigrams = frozenset(tuple(sorted(pair)) for pair in pairwise(order) if pair[0] != pair[1])
    return Terms(weights, surface, bigrams)  # type: ignore[arg-type]


def _display(token: str) -> str:
    if token.startswith(CONCEPT_MARK):
        return token[1:].replace("-", " ")
    return token


def key_terms(text: str, limit: int = 3) -> list[str]:
    """The most informative words of ``text``, for hints and feedback."""
    terms = terms_of(text)
    ranked = sorted(terms.weights, key=lambda t: -terms.weights[t])
    return [terms.surface[t] for t in ranked[:limit]]
