"""Writing the report's words from the grader's measurements.

Every sentence here is derived from what the answers contained: the key
points they covered (quoted), missed (named), the rubric dimensions that were
weak, and problems such as term lists or text addressed to the grader.
"""

from __future__ import annotations

from collections import defaultdict

from mockint.grading.claims import classes, describe
from mockint.grading.offline import AnswerResult, PointResult
from mockint.grading.rubric import rubric_for
from mockint.grading.text import key_terms
from mockint.models.questions import derive_concept
from mockint.models.reports import KeyPointEvidence

EXCERPT = 160


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def label(index: int, result: AnswerResult) -> str:
    topic = (
        result.question.topics[0].replace("-", " ")
        if result.question.topics
        else result.question.id
    )
    return f"Q{index} ({topic})"


def point_note(point: PointResult) -> str:
    if point.wrong_complexity and not point.covered:
        return (
            f"Wrong complexity: you said {point.wrong_complexity}, but this point needs "
            f"{point.expected_complexity or _classes_of(point)}."
        )
    if point.wrong_order and not point.covered:
        return f"Wrong order: you said {point.wrong_order}, but this point needs {point.expected_order}."
    if point.contradiction and not point.covered:
        return f"You said the opposite: “{excerpt(point.contradiction, 120)}”"
    if point.covered:
        return f"Covered: “{excerpt(point.evidence or '', 120)}”"
    if point.named_not_explained:
        return "Named but not explained: the terms appear without a sentence saying how or why."
    if point.evidence and point.credit > 0:
        if point.unstated_complexity:
            return (
                f"Partly covered: “{excerpt(point.evidence, 100)}”, but it does not state the "
                f"complexity ({point.unstated_complexity})."
            )
        missing = ", ".join(point.missing) if point.missing else "the specifics"
        return (
            f"Partly covered: “{excerpt(point.evidence, 100)}”, but it does not mention {missing}."
        )
    if point.missing:
        return "Missing: no mention of " + ", ".join(point.missing) + "."
    return "Missing."


def _classes_of(point: PointResult) -> str:

    found = sorted(classes(point.key_point))
    return ", ".join(describe(c) for c in found) or "another class"


def evidence(result: AnswerResult) -> list[KeyPointEvidence]:
    return [
        KeyPointEvidence(
            key_point=p.key_point,
            covered=p.covered,
            evidence=p.evidence if p.covered else None,
            note=point_note(p),
            concept=_concept(result, p),
            contradicted=p.contradicted,
        )
        for p in result.points
    ]


def question_feedback(result: AnswerResult) -> str:
    if result.skipped or not (result.answer or "").strip():
        return "Skipped: there is no answer to grade. Study the key points listed as missed."
    covered = sum(p.covered for p in result.points)
    parts = [f"Covered {covered} of {len(result.points)} key points."]
    if result.injected:
        parts.append(
            "Text addressed to the grader was ignored and earned nothing: "
            f"“{excerpt(result.injected[0], 80)}”."
        )
    opposite = [p for p in result.points if p.contradicted]
    if opposite:
        parts.append(
            f"{len(opposite)} key point{'s were' if len(opposite) > 1 else ' was'} "
            "stated wrongly or the other way round: see each key point's note."
        )
    named = [p for p in result.points if p.named_not_explained]
    if named:
        parts.append(
            f"{len(named)} key point{'s were' if len(named) > 1 else ' was'} only named, "
            "not explained: say how it works and why it fits."
        )
    if result.off_topic:
        parts.append("Most of the answer is not about the question that was asked.")
    elif result.fits_another:
        parts.append(
            f"This story answers another question better (“{excerpt(result.fits_another, 80)}”): "
            "tell one about what was asked."
        )
    if result.filler:
        parts.append(
            f"{_filler_note(result)}, and counts for less: say what you did and how it works."
        )
    if result.story and result.story.red_flags:
        parts.append(
            f"Reads as a red flag: “{excerpt(result.story.red_flags[0], 90)}”. Own your part "
            "and say what you would do differently."
        )
    elif result.story and result.story.specifics < 0.3 and result.content < 0.6:
        parts.append(
            "Make the story concrete: a date, a number, a name, and what you yourself did."
        )
    if result.words < 15 and result.content < 0.5:
        parts.append(
            f"Very short answer ({result.words} words): explain your reasoning in full sentences."
        )
    elif result.reasoning_connectives == 0 and not named:
        parts.append("Give reasons, not just steps: say why (“because…”, “so that…”).")
    missed = [p for p in result.points if not p.covered and not p.named_not_explained]
    if missed:
        parts.append("Missed: " + "; ".join(excerpt(p.key_point, 90) for p in missed[:3]) + ".")
    return " ".join(parts)


def _filler_note(result: AnswerResult, lead: bool = True) -> str:
    quoted = ", ".join(f"“{phrase}”" for phrase in result.filler[:3])
    text = "much of the answer is general phrasing that would fit any question"
    return f"{text[0].upper() + text[1:] if lead else text} ({quoted})"


def _dimension_rollup(
    results: list[AnswerResult],
) -> dict[tuple[str, str], list[tuple[int, float]]]:
    rollup: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for index, result in enumerate(results, 1):
        for name, value in result.dimensions.items():
            rollup[(result.question.type.value, name)].append((index, value))
    return rollup


def strengths(results: list[AnswerResult]) -> list[str]:
    found: list[str] = []
    best = sorted(
        ((p.credit, i, r, p) for i, r in enumerate(results, 1) for p in r.points if p.covered),
        key=lambda item: -item[0],
    )
    seen_questions: set[int] = set()
    for _, index, result, point in best:
        if index in seen_questions:
            continue
        seen_questions.add(index)
        found.append(
            f"{label(index, result)}: covered “{excerpt(point.key_point, 90)}” — "
            f"you said “{excerpt(point.evidence or '', 110)}”"
        )
        if len(found) == 3:
            break
    for (type_name, name), values in _dimension_rollup(results).items():
        answered = [(i, v) for i, v in values if results[i - 1].words]
        if len(answered) >= 2 and min(v for _, v in answered) >= 0.65:
            dimension = rubric_for(results[answered[0][0] - 1].question.type).dimensions[name]
            found.append(
                f"{dimension.label}: solid in all {len(answered)} answered {type_name} questions."
            )
    reasoned = [
        i for i, r in enumerate(results, 1) if r.reasoning_connectives >= 2 and r.content >= 0.4
    ]
    if len(reasoned) >= 2:
        found.append(
            "Explained reasons, not just steps (“because”, “so that”), in "
            + ", ".join(f"Q{i}" for i in reasoned)
            + "."
        )
    return found


def weaknesses(results: list[AnswerResult]) -> list[str]:
    found: list[str] = []
    skipped = [
        f"Q{i}" for i, r in enumerate(results, 1) if r.skipped or not (r.answer or "").strip()
    ]
    if skipped:
        found.append(
            f"Skipped {len(skipped)} question{'s' if len(skipped) > 1 else ''}: {', '.join(skipped)}."
        )
    for index, result in enumerate(results, 1):
        if result.injected:
            found.append(
                f"{label(index, result)}: contained instructions addressed to the grader; they were ignored and earned nothing."
            )
        if result.off_topic:
            found.append(f"{label(index, result)}: the answer did not address the question asked.")
        elif result.fits_another:
            found.append(
                f"{label(index, result)}: the story answers another question better "
                f"(“{excerpt(result.fits_another, 80)}”)."
            )
        if result.filler:
            found.append(f"{label(index, result)}: {_filler_note(result, lead=False)}.")
        if result.story and result.story.red_flags:
            found.append(
                f"{label(index, result)}: blame or deflection in the story: "
                f"“{excerpt(result.story.red_flags[0], 90)}”."
            )
        for point in result.points:
            if point.contradicted:
                found.append(
                    f"{label(index, result)}: {_concept(result, point)}: {point_note(point)}"
                )
        named = [p for p in result.points if p.named_not_explained]
        if named:
            terms = sorted({m for p in named for m in _named_terms(p)})
            found.append(
                f"{label(index, result)}: listed terms ({', '.join(terms[:5])}) without explaining them."
            )
        elif result.words and result.words < 15 and result.content < 0.5:
            found.append(f"{label(index, result)}: a one-line answer ({result.words} words).")
    for (type_name, name), values in _dimension_rollup(results).items():
        weak = [i for i, v in values if v < 0.35 and results[i - 1].words]
        if weak and len(weak) * 2 >= len(values):
            dimension = rubric_for(results[weak[0] - 1].question.type).dimensions[name]
            found.append(
                f"{dimension.label}: weak or missing in {len(weak)} of {len(values)} "
                f"{type_name} answers ({', '.join(f'Q{i}' for i in weak)})."
            )
    return found


def _concept(result: AnswerResult, point: PointResult) -> str:
    """The key point's concept: the question's own, or derived from the key point's words."""
    question = result.question
    try:
        return question.concept(question.key_points.index(point.key_point))
    except ValueError:
        return derive_concept(point.key_point)


def _named_terms(point: PointResult) -> list[str]:
    return key_terms(point.key_point, limit=2)


def recommendations(results: list[AnswerResult], limit: int = 6) -> list[str]:
    found: list[str] = []
    missed = sorted(
        ((p.credit, i, r, p) for i, r in enumerate(results, 1) for p in r.points if not p.covered),
        key=lambda item: item[0],
    )
    seen: set[int] = set()
    for _, index, result, point in missed:
        if index in seen:
            continue
        seen.add(index)
        found.append(f"Study {_concept(result, point)} ({label(index, result)}): {point.key_point}")
        if len(found) >= limit - 2:
            break
    advice: list[str] = []
    for (_, name), values in _dimension_rollup(results).items():
        weak = [v for _, v in values if v < 0.35]
        if weak and len(weak) * 2 >= len(values):
            type_of = next(
                r.question.type for r in results if name in rubric_for(r.question.type).dimensions
            )
            text = rubric_for(type_of).dimensions[name].advice
            if text not in advice:
                advice.append(text)
    return found + advice[: max(0, limit - len(found))]
