"""The score trend drawn in the terminal with plotext (imported only for ``--chart``).

Each interview type has its own colour and marker, named in the legend; the x axis
holds the days with sessions only, labelled with their dates, so one day of sessions
is one column, not a century. Fewer than three scores are a short table instead.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mockint.enums import InterviewType
from mockint.timespec import local

if TYPE_CHECKING:
    from mockint.models.history import TrendPoint

#: more points than this per line are averaged per day, then per ISO week
MAX_POINTS = 60
#: fewer points to draw than this (scores averaged per day and type) are listed instead
MIN_POINTS = 3
#: more scores than this are listed as each day's average per type
TABLE_ROWS = 20
#: each type's colour and marker, the same in every chart (ASCII markers: any terminal)
STYLES: dict[InterviewType, tuple[str, str]] = {
    InterviewType.DSA: ("blue", "o"),
    InterviewType.SYSTEM_DESIGN: ("red", "x"),
    InterviewType.JAVASCRIPT: ("green", "+"),
    InterviewType.MACHINE_CODING: ("orange", "*"),
    InterviewType.BEHAVIORAL: ("magenta", "#"),
}
#: columns per date label on the x axis
LABEL_WIDTH = 14


def _averaged(points: list[TrendPoint], key: str) -> tuple[list[str], list[float]]:
    """Scores averaged per ``key`` bucket (a strftime format), each dated by its first day."""
    buckets: defaultdict[str, list[int]] = defaultdict(list)
    first_day: dict[str, str] = {}
    for p in points:
        local_date = local(p.date)
        buckets[local_date.strftime(key)].append(p.score)
        first_day.setdefault(local_date.strftime(key), local_date.strftime("%Y-%m-%d"))
    return [first_day[b] for b in buckets], [round(sum(v) / len(v), 1) for v in buckets.values()]


def _series(points: list[TrendPoint]) -> tuple[list[str], list[float]]:
    """Daily averages, or weekly ones when there are too many days to draw."""
    dates, scores = _averaged(points, "%Y-%m-%d")
    return (dates, scores) if len(dates) <= MAX_POINTS else _averaged(points, "%G-W%V")


def trend_table(points: list[TrendPoint], title: str) -> Table:
    """A few points as a table: a chart of one or two points says nothing. Up to
    ``TABLE_ROWS`` scores are listed one by one, more as each day's average per type."""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title=f"{title} (too few points to draw)",
        title_justify="left",
    )
    if len(points) <= TABLE_ROWS:
        for column in ("Date", "Type", "Difficulty", "Score"):
            table.add_column(column, justify="right" if column == "Score" else "left", no_wrap=True)
        for p in points:
            table.add_row(
                local(p.date).strftime("%Y-%m-%d %H:%M"),
                p.type.label,
                p.difficulty.label,
                str(p.score),
            )
        return table
    for column in ("Date", "Type", "Sessions", "Average"):
        table.add_column(column, justify="left" if column in ("Date", "Type") else "right")
    days: defaultdict[tuple[str, InterviewType], list[int]] = defaultdict(list)
    for p in points:
        days[(local(p.date).strftime("%Y-%m-%d"), p.type)].append(p.score)
    for (day, kind), scores in sorted(days.items()):
        table.add_row(day, kind.label, str(len(scores)), f"{sum(scores) / len(scores):.0f}")
    return table


def trend_chart(points: list[TrendPoint], *, width: int, title: str) -> RenderableType:
    """The score over time, one line per type (each day's average); a table when that
    leaves fewer than ``MIN_POINTS`` points to draw (all sessions on one or two days)."""
    by_type: defaultdict[InterviewType, list[TrendPoint]] = defaultdict(list)
    for point in points:
        by_type[point.type].append(point)
    series = {kind: _series(items) for kind, items in by_type.items()}
    if sum(len(dates) for dates, _ in series.values()) < MIN_POINTS:
        return trend_table(points, title)
    import plotext as plt

    days = sorted({day for dates, _ in series.values() for day in dates})
    column = {day: i for i, day in enumerate(days)}

    plt.clear_figure()
    plt.theme("clear")
    for kind, (dates, scores) in series.items():
        colour, marker = STYLES[kind]
        xs = [column[d] for d in dates]
        draw = plt.scatter if len(xs) == 1 else plt.plot
        draw(xs, scores, label=kind.label, marker=marker, color=colour)
    size = max(40, min(width, 120))
    every = max(1, -(-len(days) * LABEL_WIDTH // size))  # ceiling: labels that fit
    ticks = list(range(0, len(days), every))
    plt.xticks(ticks, [days[i] for i in ticks])
    plt.xlim(-0.5, max(len(days) - 0.5, 0.5))
    plt.ylim(0, 100)
    plt.plotsize(size, 20)
    plt.title(title)
    return Text.from_ansi(plt.build())
