"""``mockint next``: the interview to practise next, from what the history shows.

Each interview type gets a need: how far its recent scores are from full
marks, held back while a type practised well is still "fresh" (spaced
repetition: the better the last scores, the longer it waits). The neediest
type wins; its difficulty steps up after strong rounds and down after weak
ones; its focus areas are the bank topics most often missed recently that are
not resting after a good recent answer.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pydantic import Field
from sqlite_utils import Database

from mockint.enums import Difficulty, InterviewType
from mockint.history.stats import WEAK_SCORE, recent_results
from mockint.models.base import ApiModel
from mockint.models.history import HistoryFilter
from mockint.questions.bank import bank_cell
from mockint.questions.selection import matches_focus
from mockint.safetext import CONTROL
from mockint.storage import history as history_store
from mockint.timespec import days_ago

#: how many recent graded sessions the recommendation reads
WINDOW = 100
#: recent sessions per type that make its current level
RECENT_PER_TYPE = 3
#: a type never practised has this much need (less than a weak type, more than a strong one)
UNTRIED_NEED = 45.0
#: recent averages from here on count as "practised well": such a type rests a while
WELL_PRACTISED = 60
STEP_UP_AT = 80
STEP_DOWN_AT = 35
MAX_FOCUS = 3


class TypeNeed(ApiModel):
    type: InterviewType
    need: float
    recent_average: float | None
    sessions: int
    days_since: float | None
    resting: bool


class Recommendation(ApiModel):
    type: InterviewType
    difficulty: Difficulty
    focus: list[str] = Field(default_factory=list)
    reasons: list[str]
    command: str
    based_on_sessions: int
    needs: list[TypeNeed] = Field(default_factory=list)


def rest_days(score: float) -> float:
    """How long a result stays fresh: a day after a weak round, two weeks after a perfect one."""
    return 1 + 13 * max(0.0, min(score, 100.0)) / 100


def _type_needs(sessions: list[dict[str, Any]], now: datetime) -> list[TypeNeed]:
    needs = []
    for interview_type in InterviewType:
        own = [s for s in sessions if s["type"] == interview_type.value]
        if not own:
            needs.append(
                TypeNeed(
                    type=interview_type,
                    need=UNTRIED_NEED,
                    recent_average=None,
                    sessions=0,
                    days_since=None,
                    resting=False,
                )
            )
            continue
        recent = own[:RECENT_PER_TYPE]
        average = sum(s["score"] for s in recent) / len(recent)
        days = (now - own[0]["date"]).total_seconds() / 86400
        freshness = min(1.0, days / rest_days(average)) if average >= WELL_PRACTISED else 1.0
        needs.append(
            TypeNeed(
                type=interview_type,
                need=round((100 - average) * freshness, 1),
                recent_average=round(average, 1),
                sessions=len(own),
                days_since=round(days, 1),
                resting=freshness < 1,
            )
        )
    return sorted(needs, key=lambda n: (-n.need, n.type.value))


def _sessions(db: Database) -> list[dict[str, Any]]:
    """The latest graded sessions (newest first): type, date and overall score; one whose
    date is not ISO 8601 (another program wrote it) is left out."""
    sessions = []
    for s in history_store.latest_scores(db, WINDOW):
        try:
            date = datetime.fromisoformat(s.created_at)
        except (ValueError, TypeError):
            continue
        sessions.append({"type": s.type, "date": date, "score": s.score})
    return sessions


def _difficulty(db: Database, interview_type: InterviewType, reasons: list[str]) -> Difficulty:
    rows = history_store.latest_levels(db, interview_type, RECENT_PER_TYPE)
    if not rows:
        return Difficulty.MEDIUM
    current = Difficulty(rows[0][0])
    same = [score for level, score in rows if level == current.value]
    levels = list(Difficulty)
    index = levels.index(current)
    average = sum(same) / len(same)
    if len(same) >= 2 and average >= STEP_UP_AT and index + 1 < len(levels):
        reasons.append(
            f"You averaged {average:.0f} on your last {len(same)} {current.label} rounds: "
            f"time for {levels[index + 1].label}."
        )
        return levels[index + 1]
    if average <= STEP_DOWN_AT and index > 0:
        reasons.append(
            f"Recent {current.label} rounds averaged {average:.0f}: consolidate at "
            f"{levels[index - 1].label} first."
        )
        return levels[index - 1]
    return current


def _focus(
    results: list[dict[str, Any]],
    interview_type: InterviewType,
    difficulty: Difficulty,
    now: datetime,
) -> list[tuple[str, int, float]]:
    """Topics to focus on: (topic, times missed, average score), weakest first."""

    scores: defaultdict[str, list[int]] = defaultdict(list)
    latest: dict[str, tuple[datetime, int]] = {}
    for r in results:
        if r["type"] != interview_type.value:
            continue
        for topic in r["topics"]:
            scores[topic].append(r["score"])
            latest.setdefault(topic, (r["date"], r["score"]))
    cell = bank_cell(interview_type, difficulty)
    weak = []
    for topic, values in scores.items():
        if CONTROL.search(topic):
            continue  # a pack's topic no one could type as --focus, and unsafe to print
        missed = sum(v < WEAK_SCORE for v in values)
        when, last = latest[topic]
        resting = (now - when).total_seconds() / 86400 < rest_days(last) and last >= WELL_PRACTISED
        if missed and not resting and any(matches_focus(q, topic) for q in cell):
            weak.append((topic, missed, sum(values) / len(values)))
    weak.sort(key=lambda t: (-t[1], t[2], t[0]))
    return weak[:MAX_FOCUS]


def _weakest_dimension(
    db: Database, interview_type: InterviewType, window: int
) -> tuple[str, float] | None:
    found = history_store.weakest_rubric_dimension(db, interview_type, window)
    return (found[0].removeprefix("rubric:"), found[1]) if found else None


def recommend(db: Database, now: datetime | None = None) -> Recommendation:
    """The next interview to practise, with the reasons and the command that starts it."""
    now = now or datetime.now(UTC)
    where, params = history_store.where_clause(HistoryFilter(), graded_only=True)
    results = recent_results(db, where, params, WINDOW)
    sessions = _sessions(db)
    reasons: list[str] = []
    if not sessions:
        choice, difficulty, focus = InterviewType.DSA, Difficulty.MEDIUM, []
        needs: list[TypeNeed] = []
        reasons.append("No graded interviews yet: a medium DSA round gives you a baseline.")
    else:
        needs = _type_needs(sessions, now)
        top = needs[0]
        choice = top.type
        if top.recent_average is None:
            reasons.append(f"You have not practised {choice.label} yet.")
        else:
            reasons.append(
                f"{choice.label} is where you have most to gain: your last rounds averaged "
                f"{top.recent_average:.0f}, the latest {days_ago(top.days_since or 0.0)}."
            )
        rested = [n.type.label for n in needs if n.resting]
        if rested:
            reasons.append(f"Resting after good recent rounds: {', '.join(rested)}.")
        difficulty = _difficulty(db, choice, reasons)
        dimension = _weakest_dimension(db, choice, RECENT_PER_TYPE)
        if dimension is not None:
            reasons.append(
                f"Your weakest {choice.label} dimension lately is {dimension[0].replace('-', ' ')} "
                f"(average {dimension[1]:.0f})."
            )
        weak = _focus(results, choice, difficulty, now)
        focus = [topic for topic, _, _ in weak]
        if weak:
            reasons.append(
                "Focus on what you missed most: "
                + ", ".join(f"{t} ({n}x, average {avg:.0f})" for t, n, avg in weak)
                + "."
            )
    command = ["mockint", "start", "--type", choice.value, "--difficulty", difficulty.value]
    for topic in focus:
        command += ["--focus", topic]
    return Recommendation(
        type=choice,
        difficulty=difficulty,
        focus=focus,
        reasons=reasons,
        command=shlex.join(command),
        based_on_sessions=len(sessions),
        needs=needs,
    )
