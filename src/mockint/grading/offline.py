"""The offline grader: key-point coverage that tracks what was said, and how.

For each answer and each key point it finds the window (one sentence, two
adjacent ones, or a short answer whole) that best covers the key point, by two
measures combined:

- soft word alignment: each informative word of the key point is matched to
  the closest word of the window, exactly (same stem or concept) or by cosine
  similarity of static word embeddings, weighted by specificity (``text.specificity``),
  with words the question itself uses counting for less ("question demoting",
  Mohler, Bunescu and Mihalcea, ACL 2011);
- sentence similarity: cosine of the key point's and the window's embeddings
  (``embeddings``), both without the question's words.

Words match only words of the same polarity ("I wouldn't use a heap" earns nothing
for "use a heap"; "no base case" covers "the base case is not included"), and a
key point said the other way round, or dismissed ("X doesn't matter"), is reported
as contradicted. Behavioural answers are also scored on the story they tell
(``story``). A key point that states a complexity is
covered only by the same class (``claims``), and a different class is named as
wrong. A window that reads as a bare list of terms is discounted (anti-stuffing);
code is read for its identifiers and comments. Text addressed to the grader is
removed before grading.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from mockint.enums import InterviewType
from mockint.grading import claims
from mockint.grading.claims import Claim, Opposite
from mockint.grading.embeddings import default_model, unit_rows
from mockint.grading.rubric import Dimension, rubric_for
from mockint.grading.story import StoryQuality, is_specific, story_quality
from mockint.grading.text import (
    CONCEPT_MARK,
    Analysed,
    Sentence,
    Terms,
    analyse,
    analyse_sentence,
    canonicalise,
    code_words,
    concept_tokens,
    function_words,
    split_run_together_text,
    terms_of,
    words,
)
from mockint.models.questions import Question
from mockint.models.sessions import AnsweredQuestion
from mockint.questions.bank import bank_questions_of
from mockint.resources import load_bytes, load_toml

# Weight of word alignment against sentence similarity in a window's match.
ALIGNMENT_WEIGHT = 0.7
# Match (0..1) that starts to earn credit, and that earns full credit.
MATCH_FLOOR = 0.22
MATCH_FULL = 0.5
# Below MATCH_FLOOR, a match from MATCH_LOW up earns at most LOW_SHARE of the point.
MATCH_LOW = 0.1
LOW_SHARE = 0.1
# Power on the cosine similarity of two different words in soft alignment: related
# words ("queue", "heap") count for less than near-synonyms ("evict", "remove").
WORD_SIMILARITY_POWER = 1.5
# Weight of a key-point word that the question already uses.
QUESTION_WORD_WEIGHT = 0.2
# Share of function words below which a sentence reads as a list of terms.
PROSE_FLOOR = 0.08
PROSE_FULL = 0.28
COVERED = 0.5
# Most a key point said the other way round can earn.
CONTRADICTED = 0.1
# Share of a key point's largest term weight from which a term is one of its key terms.
KEY_TERM = 0.6
# Most a key point can earn when its complexity is not stated, or stated wrong.
UNSTATED_COMPLEXITY = 0.45
WRONG_COMPLEXITY = 0.15
# Most a key point can earn by naming its concept alone (Question.concepts), and the
# word alignment with the concept's head that starts to earn it and earns it all.
CONCEPT_SHARE = 0.5
CONCEPT_SPAN = (0.6, 0.95)
_HEAD_END = re.compile(
    r"\s(?:with|of|for|in|on|from|via|using|by|as|to|before|after|per|at|over|under|"
    r"instead|rather|and|or|when|that|which)\s",
    re.IGNORECASE,
)


_EXAMPLES = re.compile(
    r"(?P<cue>,?\s*\b(?:such as|for example|for instance|e\.g\.,?|like|including)\s+)"
    r"(?P<items>[^.;:()]+?)"
    r"(?P<rest>(?:,\s*(?:and\s+(?:why|how|what|when|where)|because|so|which|to|then|rather|"
    r"while)\b|\s+(?:because|to|so that)\s|[.;:()]|$).*)",
    re.IGNORECASE | re.DOTALL,
)
_ITEM_SPLIT = re.compile(r",\s*(?:or|and)\s+|\s+or\s+|,\s*", re.IGNORECASE)


def example_variants(text: str) -> tuple[str, ...]:
    """The key point once per example it gives ("Explain your role, such as on-call
    engineer, investigator, or the person applying the fix" -> "Explain your role
    on-call engineer", ...): examples are alternatives, and naming one covers the
    point. Empty when ``text`` gives fewer than two examples."""
    return tuple(variant for variant, _ in _examples(text))


@lru_cache(maxsize=4096)
def _examples(text: str) -> tuple[tuple[str, str], ...]:
    """(variant, example) for each example ``text`` gives (see ``example_variants``)."""
    found = _EXAMPLES.search(text)
    if not found:
        return ()
    items = [i.strip() for i in _ITEM_SPLIT.split(found["items"]) if i and i.strip()]
    if len(items) < 2:
        return ()
    head = text[: found.start()]
    return tuple((f"{head} {item}{found['rest']}", item) for item in items)


def _concept(concept: str, question: str) -> KeyPoint | None:
    """The concept's head prepared for matching, or None when naming it says nothing
    the question does not (its informative words are all the question's own)."""
    head = prepare_key_point(concept_head(concept), question)
    asked = terms_of(question).weights
    informative = [t for t in head.order if t not in asked and head.terms.weights[t] >= 0.5]
    return head if informative else None


def concept_head(concept: str) -> str:
    """The head of a concept's noun phrase: what naming it means ("BFS" of "BFS with
    visited-on-enqueue", "bidirectional BFS" whole)."""
    head = _HEAD_END.split(concept, maxsplit=1)[0].strip()
    return head or concept


# Key-point coverage over which a story counts from nothing to fully (rubric story_weight).
STORY_GATE = (0.02, 0.2)
# Story quality (story.StoryQuality.score) that starts to count, and that counts fully.
STORY_SPAN = (0.15, 0.65)
# Share of the content each red flag in a story takes away (at most two count).
RED_FLAG_PENALTY = 0.25
# Most the ownership and reflection dimensions show in a story with a red flag.
RED_FLAG_CAP = 0.2
# Most a key point can earn from the answer's structure alone (see _credit_structure).
STRUCTURE_CREDIT = 0.75
# The share of it a sentence without a number or other specific detail earns towards a key
# point that asks for something measurable.
UNMEASURED_SHARE = 0.5
_MEASURED = re.compile(r"\b(?:measur\w*|metrics?|numbers|quantif\w*)\b", re.IGNORECASE)
# Answers of at most this many sentences are also matched whole.
SHORT_ANSWER = 4
# Tokens up to which a key point is a terse phrase rather than an explanation.
TERSE_KEY_POINT = 6


def ramp(value: float, low: float, high: float) -> float:
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return (value - low) / (high - low)


@cache
def _injection_pattern() -> re.Pattern[str]:
    """The injection patterns as one expression, to search lower-cased text (they are
    written in lower case: re is several times slower with IGNORECASE)."""
    patterns = load_toml("grader.toml")["injection_patterns"]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def addressed_to_grader(sentence: str) -> bool:
    """Whether ``sentence`` speaks to the grader (``grader.toml`` ``injection_patterns``)."""
    return _injection_pattern().search(sentence.lower()) is not None


@cache
def _connectives() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = load_toml("grader.toml")
    return tuple(data["reasoning_connectives"]), tuple(data["sequence_connectives"])


@lru_cache(maxsize=8)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _count_phrases(text: str, phrases: tuple[str, ...]) -> int:
    """How many distinct ``phrases`` occur in ``text`` (whole words, any case)."""
    return len(set(_phrase_pattern(phrases).findall(text.lower())))


@cache
def _filler_settings() -> tuple[tuple[str, ...], tuple[float, float], float, int]:
    data = load_toml("grader.toml")["filler"]
    low, high = data["density"]
    return tuple(data["phrases"]), (low, high), data["discount"], data["least"]


def _filler(text: str, words: int) -> tuple[list[str], float]:
    """The general phrasing in ``text`` (a list of each phrase found, in order) and the
    share of content it takes away: none below ``least`` phrases, then growing with
    phrases per 100 words from ``density`` low to high, up to ``discount``."""
    phrases, (low, high), discount, least = _filler_settings()
    found = _phrase_pattern(phrases).findall(text.lower())
    if len(found) < least or not words:
        return [], 0.0
    share = discount * ramp(100 * len(found) / words, low, high)
    return (list(dict.fromkeys(found)), share) if share > 0 else ([], 0.0)


def _surface(token: str) -> str:
    return token[1:].replace("-", " ") if token.startswith(CONCEPT_MARK) else token


@dataclass(frozen=True)
class KeyPoint:
    """A key point prepared for matching: weighted terms, their vectors and polarity, its claims.

    A key point that itself denies something ("the base case is not included")
    keeps its denied terms, marked in ``denied``: an answer covers it by denying
    them too ("no base case"), and contradicts it by affirming them.
    """

    text: str
    terms: Terms
    order: tuple[str, ...]  # term keys, the row order of ``vectors`` and ``weights``
    weights: npt.NDArray[np.float32]
    vectors: npt.NDArray[np.float32]  # (terms, dims) unit rows
    denied: npt.NDArray[np.bool_]  # (terms,) the term sits in a negated span of the key point
    # (terms,) denied by an explicit cue ("not", "without"), not by a verb such as
    # "prevent": only these make an answer that affirms them say the opposite
    refuted: npt.NDArray[np.bool_]
    asked: npt.NDArray[np.bool_]  # (terms,) the question itself uses the term
    embedding: npt.NDArray[np.float32]  # (dims,)
    claims: frozenset[Claim]  # (role, class) pairs, see claims.claimed
    # the orders of numbers it states ("The logged order is 1, 4, 3, 2"), see claims.orders
    sequences: tuple[tuple[str, ...], ...]
    opposites: tuple[Opposite, ...]  # see claims.opposites
    # term -> the one complexity class the key point states for it (see ``bound_classes``):
    # "Insertion costs O(log n) and reading the median costs O(1)" binds "insert" to
    # "log n" and "median" to "1"
    bound: dict[str, str] = field(default_factory=dict)
    # The key point is itself a short phrase without explanation ("Private and public.",
    # "queue"): an answer that lists the same things says all it asks for.
    terse: bool = False

    @property
    def negated(self) -> bool:
        return bool(self.denied.any())

    @property
    def classes(self) -> frozenset[str]:
        """The complexity classes the key point states, whatever they measure."""
        return frozenset(cls for _, cls in self.claims)


@lru_cache(maxsize=4096)
def prepare_key_point(text: str, question: str) -> KeyPoint:
    """Prepare ``text`` (a key point of ``question``) once; cached per process."""
    model = default_model()
    asserted = claims.without_contrasts(split_run_together_text(text))
    terms = terms_of(asserted) if terms_of(asserted).weights else terms_of(text)
    denied_terms = (
        analyse_sentence(asserted).negated if claims.may_negate(asserted) else frozenset()
    )
    explicit = claims.without_verb_cues(asserted)
    refuted_terms = (
        analyse_sentence(explicit).negated if claims.may_negate(explicit) else frozenset()
    )
    asked = terms_of(question).weights
    order = tuple(terms.weights)
    weights = np.array(
        [terms.weights[t] * (QUESTION_WORD_WEIGHT if t in asked else 1.0) for t in order],
        dtype=np.float32,
    )
    if order and not weights.sum():
        weights = np.ones(len(order), dtype=np.float32)
    vectors = (
        np.stack([model.embed(_surface(terms.surface[t])) for t in order])
        if order
        else np.zeros((0, model.dimensions), dtype=np.float32)
    )
    return KeyPoint(
        text=text,
        terms=terms,
        order=order,
        weights=weights,
        vectors=vectors,
        denied=np.array([t in denied_terms for t in order], dtype=bool),
        refuted=np.array([t in refuted_terms for t in order], dtype=bool),
        asked=np.array([t in asked for t in order], dtype=bool),
        embedding=model.embed(
            " ".join(_surface(terms.surface[t]) for t in order if t not in asked)
            or claims.replace_complexities(asserted)
        ),
        claims=claims.claimed(text),
        sequences=tuple(claims.orders(text)),
        opposites=claims.opposites(text),
        bound={
            term: next(iter(found))
            for term, found in bound_classes(text)
            if len(found) == 1 and term in terms.weights
        },
        terse=_terse_key_point(text),
    )


def _terse_key_point(text: str) -> bool:
    sentence = analyse_sentence(text)
    return len(sentence.tokens) <= TERSE_KEY_POINT


@dataclass
class AnswerIndex:
    """An answer's sentences and candidate windows, with their vectors, built once.

    A window is one sentence, two adjacent ones, or (for answers of at most
    ``SHORT_ANSWER`` sentences) the whole answer. ``sentence_vectors`` embed each
    sentence whole (what it is about); the window vectors used for matching embed
    only content words the question does not already use (question demoting).
    """

    sentences: list[Sentence]
    windows: list[tuple[int, ...]]
    words: npt.NDArray[np.float32]  # (words, dims) content-word vectors, all sentences
    # the sentences that have rows in ``words`` (in order), and where each one's rows start
    row_sentences: npt.NDArray[np.intp]
    row_starts: npt.NDArray[np.intp]
    negated_rows: npt.NDArray[np.bool_]  # rows inside negated spans
    sentence_vectors: npt.NDArray[np.float32]  # (sentences, dims) unit rows
    window_vectors: npt.NDArray[np.float32]  # (windows, dims) unit rows, question-demoted
    window_affirmed: npt.NDArray[np.float32]  # (windows, dims), negated spans left out
    window_prose: npt.NDArray[np.float32]  # (windows,)
    window_span: npt.NDArray[np.float32]  # (windows,) 1.0 for one sentence, 0.97 for more
    terms: dict[str, list[int]]  # term -> sentences that affirm it
    denied: dict[str, list[int]]  # term -> sentences that say it only inside a negated span
    said: dict[str, list[int]]  # term -> sentences that say it, affirmed or not
    claims: list[frozenset[Claim]]  # each sentence's (role, class) pairs
    # each sentence's affirmed runs of numbers (claims.affirmed_sequences)
    sequences: list[list[tuple[str, ...]]]
    #: each sentence's affirmed words (claims.affirmed_words), filled as they are asked for
    _affirmed: dict[int, frozenset[str]] = field(default_factory=dict)

    def affirmed_words(self, i: int) -> frozenset[str]:
        if i not in self._affirmed:
            self._affirmed[i] = claims.affirmed_words(self.sentences[i].text)
        return self._affirmed[i]

    @classmethod
    def of(cls, sentences: list[Sentence], asked: frozenset[str] = frozenset()) -> AnswerIndex:
        """Index ``sentences``; ``asked``: the question's terms, demoted in window vectors."""
        model = default_model()
        rows: list[str] = []
        owner: list[int] = []
        negated: list[bool] = []
        terms: dict[str, list[int]] = {}
        denied: dict[str, list[int]] = {}
        said: dict[str, list[int]] = {}
        for i, s in enumerate(sentences):
            for term, token in s.pairs:
                rows.append(_surface(token))
                owner.append(i)
                negated.append(term in s.negated)
            for term in set(s.content):
                said.setdefault(term, []).append(i)
                polarity = denied if term in s.negated else terms
                polarity.setdefault(term, []).append(i)
        n = len(sentences)
        negated_ones = [i for i, s in enumerate(sentences) if s.negated]
        vectors = model.embed_many(
            [s.words for s in sentences]
            + [_content(s, asked, affirmed=False) for s in sentences]
            + [_content(sentences[i], asked, affirmed=True) for i in negated_ones]
        )
        whole, demoted = vectors[:n], vectors[n : 2 * n]
        affirmed = demoted.copy()
        affirmed[negated_ones] = vectors[2 * n :]
        row_sentences, row_starts = np.unique(np.array(owner, dtype=np.intp), return_index=True)
        windows = _windows(len(sentences))
        membership = np.zeros((len(windows), len(sentences)), dtype=np.float32)
        for w, window in enumerate(windows):
            membership[w, list(window)] = 1.0
        fragments = sum(1 for s in sentences if not s.code and s.function_ratio == 0)
        terse_ok = len(sentences) < 3 or 2 * fragments < len(sentences)
        prose = [_prose(s, terse_ok) for s in sentences]
        return cls(
            sentences=sentences,
            windows=windows,
            words=model.words(rows),
            row_sentences=row_sentences,
            row_starts=row_starts,
            negated_rows=np.array(negated, dtype=bool),
            sentence_vectors=whole,
            window_vectors=unit_rows(membership @ demoted),
            window_affirmed=unit_rows(membership @ affirmed),
            window_prose=np.array([max(prose[i] for i in w) for w in windows], dtype=np.float32),
            window_span=np.array([1.0 if len(w) == 1 else 0.97 for w in windows], np.float32),
            terms=terms,
            denied=denied,
            said=said,
            claims=[claims.claimed(s.text) for s in sentences],
            sequences=[claims.affirmed_sequences(s.text) for s in sentences],
        )


def _content(sentence: Sentence, asked: frozenset[str], affirmed: bool) -> str:
    """The content words of ``sentence`` that the question does not use (and, if
    ``affirmed``, that no negation denies); all its words if that leaves none."""
    kept = [
        _surface(token)
        for term, token in sentence.pairs
        if term not in asked and not (affirmed and term in sentence.negated)
    ]
    return " ".join(kept) or (sentence.affirmed if affirmed else sentence.words)


_RELATION = re.compile(r"[=<>→(:]|->|\s\+\s|\w\.\w|^\s*(?:return|yield|throw|await)\b")


# Items of a sentence few enough that one relation among them makes it notation.
SHORT_RUN = 4


# The share of function words that makes a run of five words or more a phrase, not a list.
PHRASE_SHARE = 0.25


def _notation(text: str) -> bool:
    """Whether ``text`` is terse notation rather than a list of terms: most of its comma-
    or semicolon-separated items (or, in a short run of items, any) relate things
    ("curr.next = prev", "max-heap lo (lower half)", "median: O(1)", "return prev",
    "429 + Retry-After") or are phrases of five words or more, at least PHRASE_SHARE of
    them function words. A complexity's parentheses relate nothing ("hash map doubly
    linked list O(1) get put" is a list)."""
    fw = function_words()
    items = [
        item.split()
        for item in re.split(r"[,;]", claims.replace_complexities(text))
        if item.strip()
    ]
    related = sum(
        1
        for item in items
        if (len(item) >= 5 and sum(w.lower() in fw for w in item) >= PHRASE_SHARE * len(item))
        or _RELATION.search(" ".join(item))
    )
    return 2 * related >= len(items) + 1 or (len(items) <= SHORT_RUN and related > 0)


def _prose(sentence: Sentence, terse_ok: bool) -> float:
    """How much a sentence reads as an explanation (1.0) rather than a list of terms.

    ``terse_ok``: the answer is not mostly verbless fragments, so a short sentence
    counts as terse rather than as an item of a list. Terse notation (``_notation``:
    "cur.start ≤ last.end → last.end = max(...)") reads as an explanation, whole.
    """
    if sentence.code:
        return 1.0
    prose = max(0.1, ramp(sentence.function_ratio, PROSE_FLOOR, PROSE_FULL))
    if prose >= 0.8:
        return prose
    if _notation(sentence.text):
        return 1.0
    # A one-sentence dump of many terms is a list even with a few "and"s.
    if len(sentence.tokens) > 45 and sentence.function_ratio < 0.2:
        prose = min(prose, 0.3)
    # A short sentence ("BFS with a set.", "Abstraction and reusability.") is terse, not a
    # list, unless the answer is mostly such fragments: then it is a list split up.
    if terse_ok and len(sentence.tokens) <= 8 and sentence.text.count(",") < 2:
        prose = max(prose, 0.8)
    return prose


@dataclass
class PointResult:
    key_point: str
    dimension: Dimension
    coverage: float
    prose: float
    credit: float
    evidence: str | None
    missing: list[str]
    structural: bool = False
    #: the answer's sentences (indices among those graded) that ``evidence`` quotes
    window: tuple[int, ...] = ()
    #: the answer's sentence that says the opposite of the key point, if any
    contradiction: str | None = None
    #: the complexity the answer claims where the key point states another ("O(n) time")
    wrong_complexity: str | None = None
    #: what the key point states instead, when ``wrong_complexity`` is set ("O(n log n) time")
    expected_complexity: str | None = None
    #: the key point's complexity classes, when the answer states none
    unstated_complexity: str | None = None
    #: the numbers in the order the answer gives them where the key point orders the same
    #: numbers otherwise ("1, 2, 3, 4" against "The logged order is 1, 4, 3, 2")
    wrong_order: str | None = None
    #: the key point's order, when ``wrong_order`` is set
    expected_order: str | None = None

    @property
    def covered(self) -> bool:
        return self.credit >= COVERED

    @property
    def contradicted(self) -> bool:
        return not self.covered and (
            self.contradiction is not None
            or self.wrong_complexity is not None
            or self.wrong_order is not None
        )

    @property
    def named_not_explained(self) -> bool:
        return (
            not self.covered
            and not self.contradicted
            and self.coverage >= MATCH_FULL * 0.9
            and self.prose < 0.5
        )


@dataclass
class AnswerResult:
    question: Question
    answer: str | None
    skipped: bool
    points: list[PointResult] = field(default_factory=list)
    content: float = 0.0
    communication: float = 0.0
    relevance: float = 0.0
    words: int = 0
    injected: list[str] = field(default_factory=list)
    dimensions: dict[str, float] = field(default_factory=dict)
    reasoning_connectives: int = 0
    hints_used: int = 0
    #: how well a behavioural answer tells a story (None for other types)
    story: StoryQuality | None = None
    #: the general phrasing the answer's content was discounted for (``[filler]`` in
    #: grader.toml), each phrase once, in order; empty when there was too little to count
    filler: list[str] = field(default_factory=list)
    #: the text of another bank question a behavioural story answers rather than this one
    fits_another: str | None = None

    @property
    def score(self) -> int:
        return round(100 * self.content * (0.85 + 0.15 * self.communication))

    @property
    def off_topic(self) -> bool:
        """Nothing in the answer is about the question (no key point even partly met)."""
        return (
            bool(self.words)
            and self.relevance < RELEVANT
            and not any(p.credit > 0 or p.contradicted for p in self.points)
        )


# Relevance (a share of the bank's questions, see grade_answer) below which an
# answer is not about the question, and from which it fully is.
RELEVANT = 0.4
RELEVANT_FULL = 0.75
# How much closer (cosine) an answer may be to another bank question before it counts
# as answering that one instead, partly (ELSEWHERE) and wholly (ELSEWHERE_FULL).
ELSEWHERE = 0.12
ELSEWHERE_FULL = 0.18
# Mean key-point credit from which an answer counts as answering this question
# (partly, then wholly), however close it comes to another one.
ANSWERED = (0.3, 0.7)
# Share of the bank's questions a sentence must be further from than from this one to
# count as on topic (communication focus and length).
SENTENCE_RELEVANT = 0.5


def _topic_text(question: Question) -> str:
    return question.text + " " + " ".join(question.key_points)


@lru_cache(maxsize=1024)
def _topic_vector(text: str) -> npt.NDArray[np.float32]:
    return default_model().embed(claims.replace_complexities(text))


def _topic(question: Question) -> npt.NDArray[np.float32]:
    return _topic_vector(_topic_text(question))


# The bank's topic vectors, shipped as data (tools/build_bank_topics.py): embedding the
# 140 questions' texts at every start cost about 0.1 s; the test suite fails while
# the shipped file is out of date.
BANK_TOPICS = "bank_topics.npz"

Background = tuple[tuple[tuple[str, InterviewType], ...], npt.NDArray[np.float32]]


def bank_topics(questions: Sequence[Question]) -> Background:
    """((id, type) of each question, (questions, dims) float32 unit rows): each
    question's topic vector (its text and key points, embedded)."""
    return tuple((q.id, q.type) for q in questions), default_model().embed_many(
        [claims.replace_complexities(_topic_text(q)) for q in questions]
    )


@cache
def _background() -> Background:
    """``bank_topics`` of the whole bank, read from ``data/bank_topics.npz``: what
    answers to other questions are about."""
    with np.load(io.BytesIO(load_bytes(BANK_TOPICS))) as data:
        keys = tuple(
            (str(qid), InterviewType(str(kind)))
            for qid, kind in zip(data["ids"], data["types"], strict=True)
        )
        return keys, np.asarray(data["vectors"], dtype=np.float32)


def _closer_elsewhere(question: Question, whole: npt.NDArray[np.float32]) -> float:
    """How much closer (cosine) the answer ``whole`` is to the nearest other bank
    question of the same interview type than to ``question``; negative when it is
    closest to this one."""
    others = _other_topics(question.type, question.id)
    if not len(others):
        return 0.0
    return float((others @ whole).max() - whole @ _topic(question))


@lru_cache(maxsize=1024)
def _other_topics(kind: InterviewType, qid: str) -> npt.NDArray[np.float32]:
    """(questions, dims): the topic vectors of the other bank questions of type ``kind``."""
    keys, topics = _background()
    return topics[[i for i, key in enumerate(keys) if key[1] == kind and key[0] != qid]]


# How much more of another behavioural question's rarer words a story says than of this
# one's (see _told_elsewhere) before it counts as told to that question, partly and wholly.
STORY_ELSEWHERE = (0.10, 0.22)
# From what share of that discount, with no key point covered, the report names the
# question the story fits; with one or two covered (steps and lessons stories share: "I
# collected examples", "I learned to..."), from the higher share. More covered: the story
# is about this question.
FITS_ANOTHER = 0.35
FITS_ANOTHER_COVERED = 0.6


@cache
def _story_profiles() -> tuple[dict[str, float], dict[str, tuple[str, frozenset[str]]]]:
    """Each term's rarity across the bank's behavioural questions, their text and key
    points (inverse document frequency: ln(questions / questions using it)); and those
    questions by id: (text, terms)."""
    profiles = {q.id: (q.text, _profile(q)) for q in bank_questions_of(InterviewType.BEHAVIORAL)}
    counts: dict[str, int] = {}
    for _, terms in profiles.values():
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    return {t: math.log(len(profiles) / n) for t, n in counts.items()}, profiles


def _profile(question: Question) -> frozenset[str]:
    return frozenset(
        t for text in (question.text, *question.key_points) for t in terms_of(text).weights
    )


def _rarity(term: str) -> float:
    """A term's inverse document frequency (see _story_profiles); the highest for a term
    no bank question uses."""
    idf, _ = _story_profiles()
    return idf.get(term, _rarest())


@cache
def _rarest() -> float:
    return max(_story_profiles()[0].values(), default=0.0)


@lru_cache(maxsize=1024)
def _weight(terms: frozenset[str]) -> float:
    return sum(_rarity(t) for t in terms)


def _told_elsewhere(question: Question, said: frozenset[str]) -> tuple[float, str | None]:
    """How much more of the nearest other behavioural bank question's terms ``said`` (an
    answer's content terms) holds than of ``question``'s, each term weighted by its rarity
    across those questions (inverse document frequency), negative when this one is
    nearest; and that nearest other question's text."""

    def share(terms: frozenset[str]) -> float:
        total = _weight(terms)
        return sum(_rarity(t) for t in terms & said) / total if total else 0.0

    _, profiles = _story_profiles()
    others = [(share(terms), text) for qid, (text, terms) in profiles.items() if qid != question.id]
    if not others:
        return 0.0, None
    best, nearest = max(others)
    return best - share(_profile(question)), nearest


@lru_cache(maxsize=1024)
def _vocabulary_of(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for text in texts for w in re.findall(r"[A-Za-z]{4,}", text))


def _vocabulary(question: Question) -> frozenset[str]:
    """The question's own words (four letters or more, lower case), for spelling."""
    return _vocabulary_of((question.text, *question.key_points, *question.concepts))


@lru_cache(maxsize=4096)
def _classify(kind: InterviewType, key_point: str) -> Dimension:
    return rubric_for(kind).classify(key_point)


def _unit_interval(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``values`` clipped to [0, 1]: np.clip's result by two ufuncs, without its
    Python-level dispatch (a few microseconds per call, thousands of calls a second)."""
    return np.minimum(np.maximum(values, 0.0), 1.0)


@lru_cache(maxsize=64)
def _windows(n: int) -> list[tuple[int, ...]]:
    singles = [(i,) for i in range(n)]
    pairs = [(i, i + 1) for i in range(n - 1)]
    whole = [tuple(range(n))] if 2 < n <= SHORT_ANSWER else []
    return singles + pairs + whole


def _matches(point: KeyPoint, index: AnswerIndex, consistent: bool) -> npt.NDArray[np.float32]:
    """(terms, sentences): how well each key-point term is matched in each sentence (0..1).

    ``consistent``: only by answer words of the same polarity (affirmed for an
    affirmed term, inside a negated span for a denied one).
    """
    n = len(index.sentences)
    out = np.zeros((len(point.order), n), dtype=np.float32)
    if not point.order or not n:
        return out
    if len(index.words):
        similarity = _unit_interval(point.vectors @ index.words.T) ** WORD_SIMILARITY_POWER
        if consistent and (index.negated_rows.any() or point.negated):
            similarity[point.denied[:, None] != index.negated_rows[None, :]] = 0.0
        # rows are in sentence order: each sentence's best row, one segment at a time
        out[:, index.row_sentences] = np.maximum.reduceat(similarity, index.row_starts, axis=1)
    for j, term in enumerate(point.order):
        if not consistent:
            found = index.said.get(term, ())
        else:
            found = (index.denied if point.denied[j] else index.terms).get(term, ())
        for i in found:
            out[j, i] = 1.0
    return out


def _best_window(
    point: KeyPoint,
    index: AnswerIndex,
    consistent: bool,
    alignment_weight: float = ALIGNMENT_WEIGHT,
    span: tuple[float, float] | None = None,
) -> tuple[float, float, float, tuple[int, ...]]:
    """(credit, match, prose, window) of the window that covers ``point`` best.

    ``consistent``: as in ``_matches``; an affirmed key point is then compared with
    the windows' embeddings without their negated spans. ``alignment_weight`` and
    ``span`` (the match that starts to earn credit, and that earns it all) default
    to the grader's; concepts are matched by their words alone, more strictly.
    """
    if not index.windows:
        return 0.0, 0.0, 0.0, ()
    matches = _matches(point, index, consistent)
    n = matches.shape[1]
    per_window = [matches]
    if n > 1:
        per_window.append(np.maximum(matches[:, :-1], matches[:, 1:]))
    if len(index.windows) > 2 * n - 1:
        per_window.append(matches.max(axis=1, keepdims=True))
    total = float(point.weights.sum()) or 1.0
    alignment = point.weights @ np.concatenate(per_window, axis=1) / total
    vectors = index.window_affirmed if consistent and not point.negated else index.window_vectors
    similarity = _unit_interval(vectors @ point.embedding)
    match = (alignment_weight * alignment + (1 - alignment_weight) * similarity) * (
        index.window_span
    )
    low, high = span or (MATCH_FLOOR, MATCH_FULL)
    credit = _unit_interval((match - low) / (high - low))
    if span is None:
        # A small share is earned from MATCH_LOW up, so that faint evidence still ranks.
        faint = _unit_interval((match - MATCH_LOW) / (MATCH_FLOOR - MATCH_LOW))
        credit = LOW_SHARE * faint + (1 - LOW_SHARE) * credit
    if not point.terse:
        credit = credit * index.window_prose
    best = int(np.argmax(credit + 1e-6 * match))
    return (
        float(credit[best]),
        float(match[best]),
        1.0 if point.terse else float(index.window_prose[best]),
        index.windows[best],
    )


def _point(
    point: KeyPoint,
    dimension: Dimension,
    index: AnswerIndex,
    concept: KeyPoint | None = None,
    variants: tuple[tuple[KeyPoint, KeyPoint], ...] = (),
) -> PointResult:
    """Grade one key point.

    ``variants``: (the key point with one of its examples, that example) for each
    example it gives ("such as A, B, or C", see ``example_variants``); any one of
    them covers it, if the answer names the example itself, not only the words
    around it. ``concept``: the head of its short name ("BFS" of "BFS with
    visited-on-enqueue", see ``concept_head``), which earns up to CONCEPT_SHARE of
    the point when the answer names it tersely.
    """
    credit, match, prose, window = _best_window(point, index, consistent=True)
    for variant, example in variants:
        found = _best_window(variant, index, consistent=True)
        if found[0] > credit or (found[0] == credit and found[1] > match):
            example_said = _best_window(
                example, index, consistent=True, alignment_weight=1.0, span=CONCEPT_SPAN
            )
            if example_said[0] > 0:
                credit, match, prose, window = found
    if concept is not None and credit < CONCEPT_SHARE:
        named, named_match, named_prose, named_window = _best_window(
            concept, index, consistent=True, alignment_weight=1.0, span=CONCEPT_SPAN
        )
        if CONCEPT_SHARE * named > credit:
            credit, prose, window = CONCEPT_SHARE * named, named_prose, named_window
            match = max(match, named_match)
    result = PointResult(
        key_point=point.text,
        dimension=dimension,
        coverage=match,
        prose=prose,
        credit=credit,
        evidence=_evidence(index, window, point) if window and credit > 0 else None,
        window=window if window and credit > 0 else (),
        missing=[],
    )
    opposite = _dismissal(point, index, window) if window and credit > 0 else None
    if opposite is None and credit < COVERED:
        said, said_match, _, said_window = _best_window(point, index, consistent=False)
        opposed = [i for i in said_window if _opposes(point, index.sentences[i])]
        if said >= COVERED and opposed and said_match > match + 0.05:
            opposite = index.sentences[opposed[0]].text
    if opposite is None and point.opposites and credit > 0 and _about(point, index, window):
        opposite = _reversed(point, index, window)
    if opposite is not None:
        result.contradiction = opposite
        result.evidence, result.window = None, ()
        result.credit = min(credit, CONTRADICTED)
    if point.classes and window:
        anywhere = {cls for said in index.claims for _, cls in said}
        # A sentence that compares approaches and states the key point's own complexity
        # ("O(n) time and O(n) space, versus the O(n^2) brute force"): its other claims
        # are about the other approach.
        about = [
            i
            for i in window
            if (
                _about(point, index, (i,))
                or (i > 0 and _bare(index, i) and _about(point, index, (i - 1,)))
            )
            and not (
                _COMPARES.search(index.sentences[i].text)
                and claims.agreeing(point.claims, index.claims[i])
            )
        ]
        conflict = claims.conflicting(
            point.claims, frozenset().union(*(index.claims[i] for i in about))
        )
        if conflict is not None and result.credit > 0:
            result.wrong_complexity, result.expected_complexity = conflict
            result.credit = min(result.credit, WRONG_COMPLEXITY)
        elif not anywhere & point.classes:
            result.unstated_complexity = ", ".join(
                claims.describe(c) for c in sorted(point.classes)
            )
            result.credit = min(result.credit, UNSTATED_COMPLEXITY)
    if point.bound and result.wrong_complexity is None and result.credit > 0:
        _misbound(point, index, result)
    if point.claims and result.wrong_complexity is None:
        _stated_complexity(point, index, result)
    if point.sequences:
        _order(point, index, result)
    result.missing = [
        point.terms.written[t]
        for t in sorted(point.order, key=lambda t: -point.terms.weights[t])
        if t not in index.said and not t.startswith(CONCEPT_MARK + "complexity")
    ][:3]
    return result


# What stating a key point's complexity earns when nothing else of it is said ("Both
# O(n)." for "every node is visited once, so both run in O(n) time"): the class is its
# claim, the reason the rest.
STATED_COMPLEXITY = 0.45
# How much a bare complexity claim reads as prose, however terse the answer around it.
BARE_PROSE = 0.8


def _stated_complexity(point: KeyPoint, index: AnswerIndex, result: PointResult) -> None:
    """Credit a key point's complexity stated on its own: a sentence about the key point's
    subject, or a bare claim ("Both O(n).", ``_bare``), that meets its classes and states
    none it rules out earns up to STATED_COMPLEXITY, as far as it reads as prose."""
    if result.contradicted or result.credit >= STATED_COMPLEXITY:
        return
    for i, said in enumerate(index.claims):
        if not said or not claims.agreeing(point.claims, said):
            continue
        if claims.conflicting(point.claims, said) is not None:
            continue
        if _bare(index, i) or _about(point, index, (i,)):
            # a bare claim ("O(N * L^2).") is a whole statement, not an item of a list
            prose = max(float(index.window_prose[i]), BARE_PROSE if _bare(index, i) else 0.0)
            credit = STATED_COMPLEXITY * prose
            if credit > result.credit:
                result.credit, result.window = credit, (i,)
                result.evidence = _quote(index.sentences[i], point)
            return


@lru_cache(maxsize=4096)
def bound_classes(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The complexity classes ``text`` states for each of its content terms (stems), as
    (term, classes) pairs in the order first bound: a time complexity is bound to the terms
    between it and the complexity or clause break before it ("Insertion is O(1) and finding
    the median is O(log n)": "insert" -> {"1"}, "median" -> {"log n"}). Space claims, the
    words that say what is measured ("time", "space") and the verbs that only link a
    subject to its cost (``[complexity] linking_words`` in grader.toml) bind nothing."""
    linking = _linking_words()
    found: dict[str, set[str]] = {}
    start = 0
    for claim in claims.complexities(text):
        before = text[start : claim.start]
        breaks = list(claims.clause_breaks(before))
        segment = before[breaks[-1].end() :] if breaks else before
        start = claim.end
        if claim.role == "space":
            continue
        for term, word in analyse_sentence(segment).pairs:
            if word.lower() not in claims.ROLE_WORDS and word.lower() not in linking:
                found.setdefault(term, set()).add(claim.cls)
    return tuple((term, frozenset(classes)) for term, classes in found.items())


@cache
def _linking_words() -> frozenset[str]:
    return frozenset(load_toml("grader.toml")["complexity"]["linking_words"])


def _misbound(point: KeyPoint, index: AnswerIndex, result: PointResult) -> None:
    """Name swapped costs: two of the key point's terms it binds to different classes
    ("Insertion costs O(log n) and reading the median costs O(1)"), each bound in one
    sentence of the answer to the other's class and never to its own ("Insertion is O(1)
    and finding the median is O(log n)"). One cost said differently is not enough: an
    answer may state the cost of another approach, a total, or the cost after its
    operation ("O(log n) insertion"), which binding by the words before a cost misreads."""
    key = [term for term in point.order if term in point.bound]
    said: dict[str, set[str]] = {}
    for sentence in index.sentences:
        if not sentence.code:
            for term, classes in bound_classes(sentence.text):
                if term in key:
                    said.setdefault(term, set()).update(classes)

    def only(term: str, cls: str) -> bool:
        have = said.get(term, set())
        return cls in have and point.bound[term] not in have

    for first in key:
        for second in key:
            one, other = point.bound[first], point.bound[second]
            if one != other and only(first, other) and only(second, one):
                word = point.terms.written[first]
                result.wrong_complexity = f"{claims.describe(other)} time for {word}"
                result.expected_complexity = f"{claims.describe(one)} time for {word}"
                result.credit = min(result.credit, WRONG_COMPLEXITY)
                result.evidence, result.window = None, ()
                return


SEQUENCE_CREDIT = 0.8


def _order(point: KeyPoint, index: AnswerIndex, result: PointResult) -> None:
    """Check the key point's sequences of numbers (an output order) against the answer's:
    a sentence that gives one in the same order covers at least SEQUENCE_CREDIT of the point
    (the order is the claim; the reason earns the rest); the same numbers in another order,
    and the right one nowhere, are named as the wrong order and earn at most
    WRONG_COMPLEXITY."""
    stated = [seq for found in index.sequences for seq in found]
    for expected in point.sequences:
        said = [i for i, found in enumerate(index.sequences) if expected in found]
        if said:
            if result.credit < SEQUENCE_CREDIT and not result.contradicted:
                result.credit = SEQUENCE_CREDIT
                result.evidence = _quote(index.sentences[said[0]], point)
                result.window = (said[0],)
            continue
        wrong = claims.wrong_sequence(expected, stated)
        if wrong is not None:
            result.wrong_order, result.expected_order = ", ".join(wrong), ", ".join(expected)
            result.credit = min(result.credit, WRONG_COMPLEXITY)
            result.evidence, result.window = None, ()
            return


_COMPARES = re.compile(
    r"\b(?:versus|vs\.?|compared (?:to|with)|than|whereas|unlike|against|instead of|"
    r"rather than|while the)\b",
    re.IGNORECASE,
)


def _about(point: KeyPoint, index: AnswerIndex, window: tuple[int, ...]) -> bool:
    """Whether ``window`` says one of the key point's key terms (weight at least KEY_TERM
    of the heaviest) other than what measures a complexity ("time", "space"): a
    complexity a sentence states is then a claim about what the key point is about, not
    about another approach."""
    if not point.order:
        return False
    top = float(point.weights.max())
    return any(
        weight >= KEY_TERM * top
        and point.terms.surface[term] not in claims.ROLE_WORDS
        and any(i in window for i in index.said.get(term, ()))
        for term, weight in zip(point.order, point.weights, strict=True)
    )


BARE_CLAIM = 4


def _bare(index: AnswerIndex, i: int) -> bool:
    """Whether sentence ``i`` states a complexity and says little else ("The whole thing
    is O(n^2), which is optimal."): at most BARE_CLAIM other content words. Such a
    sentence is about what the sentence before it describes."""
    other = {
        term
        for term, word in index.sentences[i].pairs
        if word.lower() not in claims.ROLE_WORDS
        and not term.startswith(CONCEPT_MARK + "complexity")
    }
    return bool(index.claims[i]) and len(other) <= BARE_CLAIM


def _reversed(point: KeyPoint, index: AnswerIndex, window: tuple[int, ...]) -> str | None:
    """The window's sentence that says the other side of a reversal pair the key point
    takes ("concurrently" where it says "serialises", "capturing" where it says "bubble"),
    when no sentence of the window affirms the key point's side; else None."""
    for mine, other in point.opposites:
        flipped = [i for i in window if index.affirmed_words(i) & other]
        if flipped and not any(index.affirmed_words(i) & mine for i in window):
            return index.sentences[flipped[0]].text
    return None


def _dismissal(point: KeyPoint, index: AnswerIndex, window: tuple[int, ...]) -> str | None:
    """The sentence that dismisses one of the key point's key terms as not useful
    ("clock skew doesn't matter", "a heap isn't needed", "chunking isn't worth it"): in
    the window when the window never affirms the term; anywhere in the answer when no
    sentence affirms it and it is a named concept ("doubly linked list") or the key
    point's heaviest term, or the dismissing sentence affirms none of the key point's
    other key terms (one that does may be saying what another approach does without:
    "a heap works on a stream, you don't need all the data in memory"); else None."""
    if not point.order:
        return None
    top = float(point.weights.max())
    key = {
        term: float(weight)
        for term, denied, weight in zip(point.order, point.denied, point.weights, strict=True)
        if not denied and weight >= KEY_TERM * top
    }
    for term, weight in key.items():
        affirmed = index.terms.get(term, ())
        if any(i in window for i in affirmed):
            continue
        central = term.startswith(CONCEPT_MARK) or weight >= top
        for i in window if affirmed else range(len(index.sentences)):
            sentence = index.sentences[i]
            if term in sentence.dismissed and (
                i in window
                or central
                or all(other in sentence.negated for other in key if other in sentence.content_set)
            ):
                return sentence.text
    return None


def _opposes(point: KeyPoint, sentence: Sentence) -> bool:
    """Whether ``sentence`` says the key point's terms mostly with the opposite polarity:
    the terms it says the other way outweigh those it says the same way, include a key
    term (weight at least KEY_TERM of the heaviest), and are two or more words the
    question does not use, unless the key point has at most three terms (one shared word
    said the other way is no claim, nor the question's topic: "an arrow function doesn't
    have its own this" against "bind cannot change the this of an arrow function").
    Only explicit negation counts: an alternative the sentence sets aside ("instead of
    adding listeners to every child") or a verb that denies its object ("avoid them for
    object methods") says what the answer does not do, not what is false."""
    if sentence.negated:
        sentence = _explicitly_negated(sentence.text)
    top = float(point.weights.max()) if len(point.weights) else 0.0
    same = opposite = 0.0
    key = False
    flipped = 0
    for j, (term, weight) in enumerate(zip(point.order, point.weights, strict=True)):
        if point.refuted[j] and term in sentence.negated:
            return False  # both deny it: "you can't change it with bind", "bind cannot change"
        if term not in sentence.content_set or point.denied[j] != point.refuted[j]:
            continue  # denied by a verb ("prevent stale responses"): says nothing either way
        if (term in sentence.negated) != bool(point.denied[j]):
            opposite += float(weight)
            flipped += not point.asked[j]
            key = key or weight >= KEY_TERM * top
        else:
            same += float(weight)
    return key and opposite > same and (flipped >= 2 or len(point.order) <= 3)


@lru_cache(maxsize=1024)
def _explicitly_negated(text: str) -> Sentence:
    return analyse_sentence(
        claims.without_described_negation(claims.without_verb_cues(claims.without_contrasts(text)))
    )


EVIDENCE_SENTENCES = 2


def _evidence(index: AnswerIndex, window: tuple[int, ...], point: KeyPoint) -> str | None:
    """What the report quotes for ``window``: of its sentences, those that say ``point``'s
    terms (at most EVIDENCE_SENTENCES, those that say most, in the answer's order; the
    first prose sentence when none does, and nothing when only code is left), and for a
    block of code the line of it that says most of the terms, not its identifiers; a
    sentence that states the point's complexity says more. Sentences apart in the answer,
    or read from code, are joined by " … "."""
    wanted = set(point.order)
    saying = {
        i: len(wanted & index.sentences[i].content_set)
        + 2 * bool(point.claims and claims.agreeing(point.claims, index.claims[i]))
        for i in window
    }
    chosen = (
        sorted(
            sorted((i for i in window if saying[i]), key=lambda i: -saying[i])[:EVIDENCE_SENTENCES]
        )
        or [i for i in window if not index.sentences[i].code][:1]
    )
    if not chosen:
        return None  # code that says none of the point's terms: no line of it is a quote
    quoted = ""
    for k, i in enumerate(chosen):
        if k:
            prose = not (index.sentences[i].code or index.sentences[chosen[k - 1]].code)
            quoted += " " if prose and i == chosen[k - 1] + 1 else " … "
        quoted += _quote(index.sentences[i], point)
    return quoted


def _quote(sentence: Sentence, point: KeyPoint) -> str:
    if not sentence.code or not sentence.lines:
        return sentence.text
    wanted = set(point.order)

    def said(line: str) -> int:
        terms = concept_tokens(words(canonicalise(" ".join(code_words(line)))))
        return len({term for term, _ in terms} & wanted)

    return max(sentence.lines, key=said)


def _communication(
    analysed: Analysed, relevant: list[bool], minutes: int, connectives: int
) -> float:
    sentences = analysed.sentences
    words = analysed.word_count
    if not sentences:
        return 0.0
    on_topic = sum(len(s.tokens) for s, kept in zip(sentences, relevant, strict=True) if kept)
    _, sequence = _connectives()
    structure = min(1.0, sum(relevant) / 3)
    reasoning = min(1.0, (connectives + min(1, _count_phrases(analysed.text, sequence))) / 3)
    prose = ramp(sum(s.function_ratio for s in sentences) / len(sentences), 0.12, 0.35)
    average = words / len(sentences)
    clarity = 1.0 if 6 <= average <= 35 else max(0.0, 1 - abs(average - 20) / 40)
    # Only words on topic count towards length, and focus is their share of the words.
    length = min(1.0, on_topic / max(40, minutes * 30))
    focus = ramp(on_topic / max(1, sum(len(s.tokens) for s in sentences)), 0.3, 0.8)
    return (structure + reasoning + prose + clarity + length + focus) / 6


def grade_answer(item: AnsweredQuestion) -> AnswerResult:
    """Grade one answer against its question's key points (offline, deterministic)."""
    question = item.question
    result = AnswerResult(question, item.answer, item.skipped, hints_used=item.hints_used)
    rubric = rubric_for(question.type)
    analysed = analyse(item.graded_text, _vocabulary(question))
    kept = []
    for sentence in analysed.sentences:
        if addressed_to_grader(sentence.text):
            result.injected.append(sentence.text)
        else:
            kept.append(sentence)
    analysed = Analysed(analysed.text, kept)
    index = AnswerIndex.of(kept, frozenset(terms_of(question.text).weights))
    prepared = [prepare_key_point(kp, question.text) for kp in question.key_points]
    variants = [
        tuple(
            (prepare_key_point(v, question.text), prepare_key_point(e, question.text))
            for v, e in _examples(kp)
        )
        for kp in question.key_points
    ]
    concepts = [_concept(c, question.text) for c in question.concepts] or [None for _ in prepared]
    result.points = [
        _point(point, _classify(question.type, point.text), index, concept, alternatives)
        for point, concept, alternatives in zip(prepared, concepts, variants, strict=True)
    ]
    if not kept:
        result.dimensions = {name: 0.0 for name in rubric.dimensions}
        return result
    if question.type == InterviewType.BEHAVIORAL:
        _practices_denied(result, prepared, kept)
    # Relevance: the share of the bank's questions that the answer is further from
    # than from this one (1.0: about nothing else as much as about this question).
    topic = _topic(question)
    closeness = index.sentence_vectors @ topic
    whole = unit_rows(index.sentence_vectors.sum(axis=0, keepdims=True))[0]
    result.relevance = float((_background()[1] @ whole < float(whole @ topic)).mean())
    ranks = (_background()[1] @ index.sentence_vectors.T < closeness[None, :]).mean(axis=0)
    relevant = [bool(rank >= SENTENCE_RELEVANT) for rank in ranks]
    # An answer far closer to another question than to this one answers that one.
    elsewhere = 1 - ramp(_closer_elsewhere(question, whole), ELSEWHERE, ELSEWHERE_FULL)
    if question.type == InterviewType.BEHAVIORAL:
        # Stories share their words; what they are about shows in the rarer ones.
        said = frozenset(t for s in kept for t in s.content)
        margin, nearest = _told_elsewhere(question, said)
        told_elsewhere = ramp(margin, *STORY_ELSEWHERE)
        elsewhere = min(elsewhere, 1 - told_elsewhere)
        covered = sum(p.covered for p in result.points)
        if (
            told_elsewhere >= (FITS_ANOTHER if not covered else FITS_ANOTHER_COVERED)
            and covered <= 2
        ):
            result.fits_another = nearest
    flagged: set[int] = set()
    if rubric.story_weight:
        result.story = story_quality(kept)
        flagged = {i for i, s in enumerate(kept) if s.text in result.story.red_flags}
        _flagged_is_no_evidence(result, flagged)
    asked = min(ramp(result.relevance, RELEVANT, RELEVANT_FULL), elsewhere)
    _credit_structure(result, kept, asked, skip=flagged)
    result.words = analysed.word_count
    reasoning, _ = _connectives()
    result.reasoning_connectives = _count_phrases(analysed.text, reasoning)
    coverage = raw = sum(p.credit for p in result.points) / len(result.points)
    # Neither length nor closeness to the bank's topics scales the content (a terse
    # correct answer is correct); only answering another question instead does.
    # An answer that covers this question's key points is about this question, however
    # close it also comes to another one.
    elsewhere = max(elsewhere, ramp(coverage, *ANSWERED))
    on_question = 0.3 + 0.7 * elsewhere
    if result.story is not None:
        # A story earns as far as it is about this question (some key point met).
        told = ramp(result.story.score, *STORY_SPAN) * ramp(coverage, *STORY_GATE)
        coverage = (1 - rubric.story_weight) * coverage + rubric.story_weight * told
        coverage *= 1 - RED_FLAG_PENALTY * min(2, len(result.story.red_flags))
    result.filler, discount = _filler(analysed.text, analysed.word_count)
    result.content = coverage * on_question * (1 - discount)
    result.communication = _communication(
        analysed, relevant, question.time_minutes, result.reasoning_connectives
    )
    # What of the key points' credit the answer keeps (on the question, as a story, net of
    # filler): a dimension keeps the same share, so that buzzwords that brush a key point
    # score low on its dimension as on the whole ("task 100" for "I leverage best
    # practices to prioritise" was the overall score's opposite).
    share = min(1.0, result.content / raw) if raw > 0 else on_question
    for name, dimension in rubric.dimensions.items():
        own = [p.credit for p in result.points if p.dimension.name == name]
        if own:
            result.dimensions[name] = sum(own) / len(own) * share
        else:
            cued = any(
                dimension.cued_by(s) and is_relevant
                for s, is_relevant in zip(kept, relevant, strict=True)
            )
            result.dimensions[name] = result.content * (1.0 if cued else 0.4)
    if result.story is not None:
        _story_dimensions(result, result.story, on_question)
    return result


# How close what a story says it did not do ("I didn't talk to support or product at all")
# must come to a key point (cosine of their embeddings, question words left out) for the
# point to count as said the other way. Measured on blind stories: at 0.5 no strong or
# medium story of 122 had a sentence that close; 8 of 58 bad-practice stories did.
DENIED_PRACTICE = 0.5
_FIRST_PERSON = re.compile(r"\b(?:i|we)\b", re.IGNORECASE)


def _practices_denied(
    result: AnswerResult, points: list[KeyPoint], sentences: list[Sentence]
) -> None:
    """A behavioural key point the story says, in the first person, it did not do ("we
    didn't write a postmortem", "I didn't page anyone else"), close enough to the point
    (DENIED_PRACTICE), is said the other way: the sentence is its contradiction and it
    earns at most CONTRADICTED. A point that itself says what not to do is left alone, and
    so is what the story dismisses as not needed (a dismissal is checked elsewhere)."""
    model = default_model()
    targets = unit_rows(np.stack([point.embedding for point in points]))
    for sentence in sentences:
        if not sentence.negated or not _FIRST_PERSON.search(sentence.text):
            continue
        denied = dict.fromkeys(
            _surface(word)
            for term, word in sentence.pairs
            if term in sentence.negated and term not in sentence.dismissed
        )
        if len(denied) < 2:
            continue
        closeness = targets @ unit_rows(model.embed(" ".join(denied))[None, :])[0]
        for point, graded, close in zip(points, result.points, closeness, strict=True):
            if not point.negated and not graded.contradicted and close >= DENIED_PRACTICE:
                graded.contradiction = sentence.text
                graded.evidence, graded.window = None, ()
                graded.credit = min(graded.credit, CONTRADICTED)


def _flagged_is_no_evidence(result: AnswerResult, flagged: set[int]) -> None:
    """A key point whose only evidence is red-flag sentences (``flagged``, their indices:
    blame, "nothing much for me to learn") earns nothing from them: saying there was no
    lesson does not reflect. Nor does such a sentence show a story's shape
    (``_credit_structure``)."""
    for point in result.points:
        if point.window and set(point.window) <= flagged and not point.contradicted:
            point.credit, point.evidence, point.window = 0.0, None, ()


def _story_dimensions(result: AnswerResult, story: StoryQuality, on_question: float) -> None:
    """Ownership, action and reflection as the story shows them: a story told in the first
    person owns its actions, and the things it tells the candidate did are its action; a
    red flag (blame, nothing learned) caps ownership and reflection."""
    if "ownership" in result.dimensions:
        shown = story.ownership * on_question
        result.dimensions["ownership"] = max(result.dimensions["ownership"], shown)
    if "action" in result.dimensions:
        # the things the candidate did, told as events ("I split her project into five
        # milestones"), whatever words the rubric's cues expect
        result.dimensions["action"] = max(result.dimensions["action"], story.actions * on_question)
    if story.red_flags:
        for name in ("ownership", "reflection"):
            if name in result.dimensions:
                result.dimensions[name] = min(result.dimensions[name], RED_FLAG_CAP)


def _credit_structure(
    result: AnswerResult, kept: list[Sentence], on_question: float, skip: set[int]
) -> None:
    """Credit key points that describe a story's shape (a result, a lesson) from structure.

    Only for dimensions with patterns (behavioural STAR parts), only from
    sentences that read as prose and are not in ``skip`` (indices of red flags), and only
    as far as the answer is about the question asked.
    """
    default = rubric_for(result.question.type).default
    if not any(p.credit >= 0.2 for p in result.points):
        return  # a story about something else has a shape too
    for point in result.points:
        dimension = point.dimension
        if not dimension.patterns or dimension.name == default:
            continue
        for i, sentence in enumerate(kept):
            if i in skip:
                continue
            if sentence.function_ratio >= PROSE_FLOOR * 2 and dimension.shown_in(sentence.text):
                structural = STRUCTURE_CREDIT * on_question
                if _MEASURED.search(point.key_point) and not is_specific(sentence.text):
                    # "a measurable result": "we built strong momentum" is a result's
                    # shape without the measure
                    structural *= UNMEASURED_SHARE
                if structural > point.credit:
                    point.credit = structural
                    point.evidence, point.window = sentence.text, (i,)
                    point.structural = True
                break
