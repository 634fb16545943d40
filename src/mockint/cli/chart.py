"""The score trend drawn in the terminal with plotext (imported only for ``--chart``)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.text import Text

from mockint.timespec import local

if TYPE_CHECKING:
    from mockint.models.history import TrendPoint

#: more points than this per line are averaged per day, then per ISO week
MAX_POINTS = 60


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


def trend_chart(points: list[TrendPoint], *, width: int, title: str) -> Text:
    import plotext as plt

    plt.clear_figure()
    plt.date_form("Y-m-d")
    plt.theme("clear")
    by_type: defaultdict[str, list[TrendPoint]] = defaultdict(list)
    for point in points:
        by_type[point.type.label].append(point)
    for label, series in by_type.items():
        dates, scores = _series(series)
        if len(dates) == 1:
            plt.scatter(dates, scores, label=label, marker="dot")
        else:
            plt.plot(dates, scores, label=label, marker="braille")
    plt.ylim(0, 100)
    plt.plotsize(max(40, min(width, 120)), 20)
    plt.title(title)
    return Text.from_ansi(plt.build())
