"""The offline grader: key-point coverage that tracks what was said, and how.

For each answer and each key point it finds the window (one sentence, two
adjacent ones, or a short answer whole) that best covers the key point, by two
measures combined:

- soft word alignment: each informative word of the key point is matched to
  the closest word of the window, exactly (same stem or concept) or by cosine
  similarity of static word embeddings, weighted by informativeness, with words
  the question itself uses counting for less ("question demoting", Mohler,
  Bunescu and Mihalcea, ACL 2011);
- sentence similarity: cosine of the key point's and the window's embeddings
  (``embeddings``).

What the window denies does not count ("I wouldn't use a heap"): the key point
is then reported as contradicted. A key point that states a complexity is
covered only by the same class (``claims``), and a different class is named as
wrong. A window that reads as a bare list of terms is discounted (anti-stuffing);
code is read for its identifiers and comments. Text addressed to the grader is
removed before grading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from mockint.grading import claims
from mockint.grading.embeddings import default_model
from mockint.grading.rubric import AREAS, Dimension, rubric_for
from mockint.grading.text import (
    CONCEPT_MARK,
    Analysed,
    Sentence,
    Terms,
    analyse,
    terms_of,
)
from mockint.models import (
    AnsweredQuestion,
    ApiCall,
    InterviewType,
    Question,
    QuestionReport,
    Report,
    ScoreBreakdown,
    SessionRecord,
)
from mockint.resources import load_toml

# Weight of word alignment against sentence similarity in a window's match.
ALIGNMENT_WEIGHT = 0.5
# Match (0..1) that starts to earn credit, and that earns full credit.
MATCH_FLOOR = 0.45
MATCH_FULL = 0.8
PARTIAL_FLOOR = 0.38
PARTIAL_SHARE = 0.3
# Weight of a key-point word that the question already uses.
QUESTION_WORD_WEIGHT = 0.3
# Share of function words below which a sentence reads as a list of terms.
PROSE_FLOOR = 0.08
PROSE_FULL = 0.28
COVERED = 0.5
# Most a key point can earn when its complexity is not stated, or stated wrong.
UNSTATED_COMPLEXITY = 0.45
WRONG_COMPLEXITY = 0.15
# Most a key point can earn from the answer's structure alone (see _credit_structure).
STRUCTURE_CREDIT = 0.75
# Exponent that maps mean key-point credit to the 0-100 score: below 1, an answer
# that covers most points well scores near the top rather than in the middle.
SCORE_CURVE = 0.7
# Answers of at most this many sentences are also matched whole.
SHORT_ANSWER = 4


def ramp(value: float, low: float, high: float) -> float:
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return (value - low) / (high - low)


@cache
def _injection_patterns() -> tuple[re.Pattern[str], ...]:
    patterns = load_toml("grader.toml")["injection_patterns"]
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def addressed_to_grader(sentence: str) -> bool:
    return any(p.search(sentence) for p in _injection_patterns())


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


def _surface(token: str) -> str:
    return token[1:].replace("-", " ") if token.startswith(CONCEPT_MARK) else token


@dataclass(frozen=True)
class KeyPoint:
    """A key point prepared for matching: weighted terms, their vectors, its claims."""

    text: str
    terms: Terms
    order: tuple[str, ...]  # term keys, the row order of ``vectors`` and ``weights``
    weights: npt.NDArray[np.float32]
    vectors: npt.NDArray[np.float32]  # (terms, dims) unit rows
    embedding: npt.NDArray[np.float32]  # (dims,)
    classes: frozenset[str]


@lru_cache(maxsize=4096)
def prepare_key_point(text: str, question: str) -> KeyPoint:
    """Prepare ``text`` (a key point of ``question``) once; cached per process."""
    model = default_model()
    negated = claims.has_negation(text)
    # What the key point asserts is what an answer must affirm ("... so the same
    # index is never used twice" asserts the check, not the reuse).
    asserted = claims.affirmed_text(text) if negated else text
    terms = terms_of(asserted) if terms_of(asserted).weights else terms_of(text)
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
        embedding=model.embed(claims.replace_complexities(asserted)),
        classes=frozenset(claims.classes(text)),
    )


@dataclass
class AnswerIndex:
    """An answer's sentences and candidate windows, with their vectors, built once.

    A window is one sentence, two adjacent ones, or (for answers of at most
    ``SHORT_ANSWER`` sentences) the whole answer.
    """

    sentences: list[Sentence]
    windows: list[tuple[int, ...]]
    words: npt.NDArray[np.float32]  # (words, dims) content-word vectors, all sentences
    owner: npt.NDArray[np.intp]  # sentence index of each row of ``words``
    negated_rows: npt.NDArray[np.bool_]  # rows inside negated spans
    window_vectors: npt.NDArray[np.float32]  # (windows, dims) unit rows
    window_affirmed: npt.NDArray[np.float32]  # (windows, dims), negated spans left out
    window_prose: npt.NDArray[np.float32]  # (windows,)
    window_span: npt.NDArray[np.float32]  # (windows,) 1.0 for one sentence, 0.97 for more
    terms: dict[str, list[int]]  # term -> sentences that affirm it
    said: dict[str, list[int]]  # term -> sentences that say it, affirmed or not
    classes: list[frozenset[str]]

    @classmethod
    def of(cls, sentences: list[Sentence]) -> AnswerIndex:
        model = default_model()
        rows: list[str] = []
        owner: list[int] = []
        negated: list[bool] = []
        terms: dict[str, list[int]] = {}
        said: dict[str, list[int]] = {}
        for i, s in enumerate(sentences):
            for term, token in s.pairs:
                rows.append(_surface(token))
                owner.append(i)
                negated.append(term in s.negated)
            for term in set(s.content):
                said.setdefault(term, []).append(i)
                if term not in s.negated:
                    terms.setdefault(term, []).append(i)
        embeddings = model.embed_many([s.words for s in sentences])
        affirmed = embeddings.copy()
        for i, s in enumerate(sentences):
            if s.negated:
                affirmed[i] = model.embed(s.affirmed)
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
            owner=np.array(owner, dtype=np.intp),
            negated_rows=np.array(negated, dtype=bool),
            window_vectors=_unit_rows(membership @ embeddings),
            window_affirmed=_unit_rows(membership @ affirmed),
            window_prose=np.array([max(prose[i] for i in w) for w in windows], dtype=np.float32),
            window_span=np.array([1.0 if len(w) == 1 else 0.97 for w in windows], np.float32),
            terms=terms,
            said=said,
            classes=[frozenset(claims.classes(s.text)) for s in sentences],
        )


def _unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = np.divide(
        matrix, norms, out=np.zeros_like(matrix), where=norms > 0
    )
    return out


def _prose(sentence: Sentence, terse_ok: bool) -> float:
    """How much a sentence reads as an explanation (1.0) rather than a list of terms.

    ``terse_ok``: the answer is not mostly verbless fragments, so a short sentence
    counts as terse rather than as an item of a list.
    """
    if sentence.code:
        return 1.0
    prose = max(0.1, ramp(sentence.function_ratio, PROSE_FLOOR, PROSE_FULL))
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
    #: the answer's sentence that says the opposite of the key point, if any
    contradiction: str | None = None
    #: a complexity class the answer claims where the key point states another
    wrong_complexity: str | None = None
    #: the key point's complexity classes, when the answer states none
    unstated_complexity: str | None = None

    @property
    def covered(self) -> bool:
        return self.credit >= COVERED

    @property
    def contradicted(self) -> bool:
        return not self.covered and (
            self.contradiction is not None or self.wrong_complexity is not None
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

    @property
    def score(self) -> int:
        value = 100 * float(self.content) ** SCORE_CURVE * (0.85 + 0.15 * self.communication)
        return round(float(value))

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
# Cosine similarity from which a sentence counts as on topic (communication focus).
SENTENCE_RELEVANT = 0.3


def _topic_text(question: Question) -> str:
    return question.text + " " + " ".join(question.key_points)


@lru_cache(maxsize=1024)
def _topic_vector(text: str) -> npt.NDArray[np.float32]:
    return default_model().embed(claims.replace_complexities(text))


def _topic(question: Question) -> npt.NDArray[np.float32]:
    return _topic_vector(_topic_text(question))


@cache
def _background() -> npt.NDArray[np.float32]:
    """(bank questions, dims): what answers to other questions are about."""
    from mockint.sources.bank import bank_questions

    return default_model().embed_many(
        [claims.replace_complexities(_topic_text(q)) for q in bank_questions()]
    )


@lru_cache(maxsize=4096)
def _classify(kind: InterviewType, key_point: str) -> Dimension:
    return rubric_for(kind).classify(key_point)


@lru_cache(maxsize=64)
def _windows(n: int) -> list[tuple[int, ...]]:
    singles = [(i,) for i in range(n)]
    pairs = [(i, i + 1) for i in range(n - 1)]
    whole = [tuple(range(n))] if 2 < n <= SHORT_ANSWER else []
    return singles + pairs + whole


def _matches(point: KeyPoint, index: AnswerIndex, affirmed_only: bool) -> npt.NDArray[np.float32]:
    """(terms, sentences): how well each key-point term is matched in each sentence (0..1)."""
    n = len(index.sentences)
    out = np.zeros((len(point.order), n), dtype=np.float32)
    if not point.order or not n:
        return out
    if len(index.words):
        similarity = point.vectors @ index.words.T
        if affirmed_only and index.negated_rows.any():
            similarity[:, index.negated_rows] = 0.0
        np.maximum.at(out.T, index.owner, similarity.T)
    found = index.terms if affirmed_only else index.said
    for j, term in enumerate(point.order):
        for i in found.get(term, ()):
            out[j, i] = 1.0
    return out


def _credit(match: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Credit (0..1) for a match: a ramp from MATCH_FLOOR to MATCH_FULL, with a share
    (PARTIAL_SHARE) earned earlier, from PARTIAL_FLOOR, so partial answers still rank."""
    strict = np.clip((match - MATCH_FLOOR) / (MATCH_FULL - MATCH_FLOOR), 0.0, 1.0)
    early = np.clip((match - PARTIAL_FLOOR) / (MATCH_FULL - PARTIAL_FLOOR), 0.0, 1.0)
    credit: npt.NDArray[np.float32] = (1 - PARTIAL_SHARE) * strict + PARTIAL_SHARE * early
    return credit


def _best_window(
    point: KeyPoint, index: AnswerIndex, affirmed_only: bool
) -> tuple[float, float, float, tuple[int, ...]]:
    """(credit, match, prose, window) of the window that covers ``point`` best."""
    if not index.windows:
        return 0.0, 0.0, 0.0, ()
    matches = _matches(point, index, affirmed_only)
    n = matches.shape[1]
    per_window = [matches]
    if n > 1:
        per_window.append(np.maximum(matches[:, :-1], matches[:, 1:]))
    if len(index.windows) > 2 * n - 1:
        per_window.append(matches.max(axis=1, keepdims=True))
    total = float(point.weights.sum()) or 1.0
    alignment = point.weights @ np.concatenate(per_window, axis=1) / total
    vectors = index.window_affirmed if affirmed_only else index.window_vectors
    similarity = np.clip(vectors @ point.embedding, 0.0, 1.0)
    match = (ALIGNMENT_WEIGHT * alignment + (1 - ALIGNMENT_WEIGHT) * similarity) * (
        index.window_span
    )
    credit = _credit(match) * index.window_prose
    best = int(np.argmax(credit + 1e-6 * match))
    return (
        float(credit[best]),
        float(match[best]),
        float(index.window_prose[best]),
        index.windows[best],
    )


def _point(point: KeyPoint, dimension: Dimension, index: AnswerIndex) -> PointResult:
    credit, match, prose, window = _best_window(point, index, affirmed_only=True)
    result = PointResult(
        key_point=point.text,
        dimension=dimension,
        coverage=match,
        prose=prose,
        credit=credit,
        evidence=_evidence(index, window) if window and credit > 0 else None,
        missing=[],
    )
    if credit < COVERED:
        said, said_match, _, said_window = _best_window(point, index, affirmed_only=False)
        negating = [i for i in said_window if index.sentences[i].negated]
        if said >= COVERED and negating and said_match > match + 0.05:
            result.contradiction = index.sentences[negating[0]].text
            result.evidence = None
            result.credit = min(credit, 0.1)
    if point.classes and window:
        stated = frozenset().union(*(index.classes[i] for i in window))
        anywhere = frozenset().union(*index.classes)
        if not stated & point.classes:
            if stated - point.classes and result.credit > 0:
                result.wrong_complexity = ", ".join(
                    claims.describe(c) for c in sorted(stated - point.classes)
                )
                result.credit = min(result.credit, WRONG_COMPLEXITY)
            elif not anywhere & point.classes:
                result.unstated_complexity = ", ".join(
                    claims.describe(c) for c in sorted(point.classes)
                )
                result.credit = min(result.credit, UNSTATED_COMPLEXITY)
    result.missing = [
        point.terms.surface[t]
        for t in sorted(point.order, key=lambda t: -point.terms.weights[t])
        if t not in index.said and not t.startswith(CONCEPT_MARK + "complexity")
    ][:3]
    return result


def _evidence(index: AnswerIndex, window: tuple[int, ...]) -> str:
    return " ".join(index.sentences[i].text for i in window)


def _communication(
    analysed: Analysed, relevant: list[bool], minutes: int, connectives: int
) -> float:
    sentences = analysed.sentences
    words = analysed.word_count
    if not sentences:
        return 0.0
    _, sequence = _connectives()
    structure = min(1.0, len(sentences) / 3)
    reasoning = min(1.0, (connectives + min(1, _count_phrases(analysed.text, sequence))) / 3)
    prose = ramp(sum(s.function_ratio for s in sentences) / len(sentences), 0.12, 0.35)
    average = words / len(sentences)
    clarity = 1.0 if 6 <= average <= 35 else max(0.0, 1 - abs(average - 20) / 40)
    length = min(1.0, words / max(40, minutes * 30))
    focus = ramp(sum(relevant) / len(relevant), 0.3, 0.8)
    return (structure + reasoning + prose + clarity + length + focus) / 6


def grade_answer(item: AnsweredQuestion) -> AnswerResult:
    """Grade one answer against its question's key points (offline, deterministic)."""
    question = item.question
    result = AnswerResult(question, item.answer, item.skipped, hints_used=item.hints_used)
    rubric = rubric_for(question.type)
    analysed = analyse(item.graded_text)
    kept = []
    for sentence in analysed.sentences:
        if addressed_to_grader(sentence.text):
            result.injected.append(sentence.text)
        else:
            kept.append(sentence)
    analysed = Analysed(analysed.text, kept)
    index = AnswerIndex.of(kept)
    prepared = [prepare_key_point(kp, question.text) for kp in question.key_points]
    result.points = [
        _point(point, _classify(question.type, point.text), index) for point in prepared
    ]
    if not kept:
        result.dimensions = {name: 0.0 for name in rubric.dimensions}
        return result
    # Relevance: the share of the bank's questions that the answer is further from
    # than from this one (1.0: about nothing else as much as about this question).
    topic = _topic(question)
    closeness = index.window_vectors[: len(kept)] @ topic
    whole = _unit_rows(index.window_vectors[: len(kept)].sum(axis=0, keepdims=True))[0]
    result.relevance = float((_background() @ whole < float(whole @ topic)).mean())
    relevant = [bool(c >= SENTENCE_RELEVANT) for c in closeness]
    asked = ramp(result.relevance, RELEVANT, RELEVANT_FULL)
    _credit_structure(result, kept, asked)
    result.words = analysed.word_count
    reasoning, _ = _connectives()
    result.reasoning_connectives = _count_phrases(analysed.text, reasoning)
    coverage = sum(p.credit for p in result.points) / len(result.points)
    length = (0.7 + 0.3 * ramp(result.words, 3, 20)) * (0.3 + 0.7 * asked)
    result.content = coverage * length
    result.communication = _communication(
        analysed, relevant, question.time_minutes, result.reasoning_connectives
    )
    for name, dimension in rubric.dimensions.items():
        own = [p.credit for p in result.points if p.dimension.name == name]
        if own:
            result.dimensions[name] = sum(own) / len(own) * length
        else:
            cued = any(
                dimension.cued_by(s) and is_relevant
                for s, is_relevant in zip(kept, relevant, strict=True)
            )
            result.dimensions[name] = result.content * (1.0 if cued else 0.4)
    return result


def _credit_structure(result: AnswerResult, kept: list[Sentence], on_question: float) -> None:
    """Credit key points that describe a story's shape (a result, a lesson) from structure.

    Only for dimensions with patterns (behavioural STAR parts), only from
    sentences that read as prose, and only as far as the answer is about
    the question asked.
    """
    default = rubric_for(result.question.type).default
    if not any(p.credit >= 0.2 for p in result.points):
        return  # a story about something else has a shape too
    for point in result.points:
        dimension = point.dimension
        if not dimension.patterns or dimension.name == default:
            continue
        for sentence in kept:
            if sentence.function_ratio >= PROSE_FLOOR * 2 and dimension.shown_in(sentence.text):
                structural = STRUCTURE_CREDIT * on_question
                if structural > point.credit:
                    point.credit = structural
                    point.evidence = sentence.text
                    point.structural = True
                break


def area_scores(result: AnswerResult) -> dict[str, float]:
    """This answer's contribution to technicalDepth, communication, problemSolving."""
    rubric = rubric_for(result.question.type)
    gate = 0.4 + 0.6 * ramp(result.content, 0.0, 0.5)
    scores: dict[str, list[float]] = {area: [] for area in AREAS}
    scores["communication"].append(result.communication * gate)
    for name, value in result.dimensions.items():
        scores[rubric.dimensions[name].area].append(value)
    return {
        area: (sum(values) / len(values) if values else result.content)
        for area, values in scores.items()
    }


class OfflineGrader:
    """Grades on this machine, with no network and no key."""

    name = "offline"

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report:
        from mockint.grading import feedback
        from mockint.store import now

        results = [grade_answer(item) for item in items]
        areas = [area_scores(r) for r in results]
        n = len(results) or 1
        breakdown = {area: round(100 * sum(a[area] for a in areas) / n) for area in AREAS}
        rubric_totals: dict[str, list[float]] = {}
        for result in results:
            for name, value in result.dimensions.items():
                rubric_totals.setdefault(name, []).append(value)
        questions = [
            QuestionReport(
                id=r.question.id,
                text=r.question.text,
                answer=r.answer,
                score=r.score,
                covered_key_points=[p.key_point for p in r.points if p.covered],
                missed_key_points=[p.key_point for p in r.points if not p.covered],
                feedback=feedback.question_feedback(r),
                key_point_evidence=feedback.evidence(r),
                dimensions={k: round(100 * v) for k, v in r.dimensions.items()},
                skipped=r.skipped or not (r.answer or "").strip(),
                hints_used=r.hints_used,
                follow_up=item.follow_up,
                follow_up_answer=item.follow_up_answer,
            )
            for r, item in zip(results, items, strict=True)
        ]
        return Report(
            session_id=session.id,
            type=session.type,
            difficulty=session.difficulty,
            status=session.status,
            overall_score=round(sum(r.score for r in results) / n),
            score_breakdown=ScoreBreakdown(
                technical_depth=breakdown["technicalDepth"],
                communication=breakdown["communication"],
                problem_solving=breakdown["problemSolving"],
                rubric={k: round(100 * sum(v) / len(v)) for k, v in rubric_totals.items()},
            ),
            questions=questions,
            strengths=feedback.strengths(results),
            weaknesses=feedback.weaknesses(results),
            recommendations=feedback.recommendations(results),
            grader=self.name,
            generated_at=now(),
        )
