"""The offline grader: key-point coverage that survives paraphrase and resists gaming.

For each answer and each key point it finds the sentence (or pair of adjacent
sentences) that best covers the key point's informative terms after concept
normalisation and stemming, then discounts that coverage when the sentence
does not read as an explanation (a bare list of terms has almost no function
words). Answers are also checked for relevance to the question, for length,
and for text addressed to the grader, which is removed before grading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from mockint.grading.rubric import AREAS, Dimension, rubric_for
from mockint.grading.text import Analysed, Sentence, Terms, analyse, terms_of
from mockint.models import (
    AnsweredQuestion,
    ApiCall,
    Question,
    QuestionReport,
    Report,
    ScoreBreakdown,
    SessionRecord,
)
from mockint.resources import load_toml

# Coverage of a key point's weighted terms that starts to earn credit, and
# that earns full credit.
COVERAGE_FLOOR = 0.15
COVERAGE_FULL = 0.45
# Share of function words below which a sentence reads as a list of terms.
PROSE_FLOOR = 0.08
PROSE_FULL = 0.28
COVERED = 0.5
# Most a key point can earn from the answer's structure alone (see _credit_structure).
STRUCTURE_CREDIT = 0.75


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


def _count_phrases(text: str, phrases: tuple[str, ...]) -> int:
    lowered = f" {text.lower()} "
    return sum(1 for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", lowered))


@dataclass
class Window:
    """One sentence or two adjacent ones: where a key point may be covered."""

    text: str
    content: set[str]
    pairs: set[tuple[str, str]]
    prose: float  # 0..1, how much it reads as an explanation
    span: int

    @classmethod
    def of(cls, sentences: list[Sentence]) -> Window:
        tokens = sum(len(s.tokens) for s in sentences)
        fw = sum(s.function_ratio * len(s.tokens) for s in sentences) / tokens if tokens else 0.0
        pairs: set[tuple[str, str]] = set()
        for s in sentences:
            for i, a in enumerate(s.content):
                for b in s.content[i + 1 : i + 4]:
                    if a != b:
                        pairs.add((a, b) if a < b else (b, a))
        prose = max(0.1, ramp(fw, PROSE_FLOOR, PROSE_FULL))
        # A one-sentence dump of many terms is a list even with a few "and"s.
        if len(sentences) == 1 and len(sentences[0].tokens) > 45 and fw < 0.2:
            prose = min(prose, 0.3)
        return cls(
            text=" ".join(s.text for s in sentences),
            content={t for s in sentences for t in s.content},
            pairs=pairs,
            prose=prose,
            span=len(sentences),
        )


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

    @property
    def covered(self) -> bool:
        return self.credit >= COVERED

    @property
    def named_not_explained(self) -> bool:
        return not self.covered and self.coverage >= COVERAGE_FULL * 0.8 and self.prose < 0.5


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
        return round(100 * self.content * (0.85 + 0.15 * self.communication))


def _point(
    terms: Terms,
    key_point: str,
    dimension: Dimension,
    windows: list[Window],
    answer_content: set[str],
    full: float = COVERAGE_FULL,
) -> PointResult:
    total = terms.total or 1.0
    best: tuple[float, float, float, Window | None] = (0.0, 0.0, 0.0, None)
    for window in windows:
        matched = sum(w for t, w in terms.weights.items() if t in window.content)
        coverage = matched / total
        if terms.bigrams:
            phrase = len(terms.bigrams & window.pairs) / len(terms.bigrams)
            coverage = min(1.0, 0.85 * coverage + 0.15 * phrase + 0.1 * phrase * coverage)
        if window.span > 1:
            coverage *= 0.95
        credit = ramp(coverage, COVERAGE_FLOOR, full) * window.prose
        if (credit, coverage) > best[:2]:
            best = (credit, coverage, window.prose, window)
    credit, coverage, prose, best_window = best
    missing = sorted(
        (t for t in terms.weights if t not in answer_content),
        key=lambda t: -terms.weights[t],
    )
    return PointResult(
        key_point=key_point,
        dimension=dimension,
        coverage=coverage,
        prose=prose,
        credit=credit,
        evidence=best_window.text if best_window and coverage >= COVERAGE_FLOOR else None,
        missing=[terms.surface[t] for t in missing[:3]],
    )


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
    answer_content = analysed.content_set
    windows = [Window.of([s]) for s in kept] + [Window.of([a, b]) for a, b in pairwise(kept)]
    result.points = [
        _point(
            terms_of(kp),
            kp,
            rubric.classify(kp),
            windows,
            answer_content,
            rubric.coverage_full or COVERAGE_FULL,
        )
        for kp in question.key_points
    ]
    if not kept:
        result.dimensions = {name: 0.0 for name in rubric.dimensions}
        return result
    # Relevance: how much of what the question and its key points are about
    # the answer talks about, and how many of its sentences are on topic.
    topic_terms: dict[str, float] = dict(terms_of(question.text).weights)
    for kp in question.key_points:
        topic_terms.update(terms_of(kp).weights)
    topic_total = sum(topic_terms.values()) or 1.0
    result.relevance = sum(w for t, w in topic_terms.items() if t in answer_content) / topic_total
    relevant = [len(s.content_set & topic_terms.keys()) >= 2 for s in kept]
    question_terms = terms_of(question.text)
    asked = sum(w for t, w in question_terms.weights.items() if t in answer_content)
    _credit_structure(result, kept, ramp(asked / (question_terms.total or 1.0), 0.05, 0.2))
    result.words = analysed.word_count
    reasoning, _ = _connectives()
    result.reasoning_connectives = _count_phrases(analysed.text, reasoning)
    coverage = sum(p.credit for p in result.points) / len(result.points)
    length = 0.2 + 0.8 * ramp(result.words, 6, 35)
    on_topic = 0.3 + 0.7 * ramp(result.relevance, 0.08, 0.3)
    result.content = coverage * length * on_topic
    result.communication = _communication(
        analysed, relevant, question.time_minutes, result.reasoning_connectives
    )
    for name, dimension in rubric.dimensions.items():
        own = [p.credit for p in result.points if p.dimension.name == name]
        if own:
            result.dimensions[name] = sum(own) / len(own) * length * on_topic
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
