"""The score chart can be read: a colour and marker per type named in the legend, dates
around the data only, and a table when there are too few points to draw."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.table import Table

from mockint.cli.chart import trend_chart
from mockint.enums import Difficulty, InterviewType
from mockint.models.history import TrendPoint

DAY = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def point(n: int, kind: InterviewType, score: int, day: datetime = DAY) -> TrendPoint:
    return TrendPoint(
        session_id=f"{n:012x}", date=day, type=kind, difficulty=Difficulty.MEDIUM, score=score
    )


def drawn(points: list[TrendPoint]) -> str:
    console = Console(width=100, record=True, color_system="256", file=io.StringIO())
    console.print(trend_chart(points, width=100, title="Score over time"))
    return console.export_text()


def test_the_legend_names_each_type_once_with_its_own_marker():
    kinds = [InterviewType.DSA, InterviewType.SYSTEM_DESIGN, InterviewType.BEHAVIORAL]
    points = [
        point(i * 10 + j, kind, 30 + 10 * i + j * 5, DAY + timedelta(days=j))
        for i, kind in enumerate(kinds)
        for j in range(3)
    ]
    text = drawn(points)
    markers = {}
    for kind in kinds:
        found = re.findall(rf"(\S)\1 {kind.label}\b", text)
        assert len(found) == 1, f"{kind.label} is in the legend {len(found)} times:\n{text}"
        markers[kind] = found[0]
    assert len(set(markers.values())) == len(kinds)  # one marker each
    assert text.count("2026-11-10") == 1 and "2026-11-12" in text


def test_the_chart_has_colour_per_type():
    points = [point(i, InterviewType.DSA, 40 + i, DAY + timedelta(days=i)) for i in range(3)]
    points += [
        point(10 + i, InterviewType.SYSTEM_DESIGN, 60 + i, DAY + timedelta(days=i))
        for i in range(3)
    ]
    chart = trend_chart(points, width=100, title="t")
    colours = {str(span.style) for span in chart.spans}  # type: ignore[union-attr]
    assert len([c for c in colours if "color" in c]) >= 2


def test_sessions_on_one_day_keep_the_axis_on_that_day():
    points = [point(i, InterviewType.DSA, 40 + 10 * i, DAY + timedelta(hours=i)) for i in range(4)]
    text = drawn(points)
    years = set(re.findall(r"\b(19\d\d|20\d\d)-\d\d-\d\d\b", text))
    assert years == {"2026"}
    assert "2026-11-10" in text


def test_fewer_than_three_scores_are_a_table():
    points = [point(1, InterviewType.DSA, 55), point(2, InterviewType.JAVASCRIPT, 70)]
    assert isinstance(trend_chart(points, width=100, title="t"), Table)
    text = drawn(points)
    assert "Score over time (too few points to draw)" in text
    assert "DSA" in text and "70" in text


def test_many_scores_on_one_day_are_listed_not_drawn_as_one_dot():
    points = [point(i, InterviewType.DSA, 40 + 10 * i, DAY + timedelta(hours=i)) for i in range(6)]
    assert isinstance(trend_chart(points, width=100, title="t"), Table)
    assert all(str(40 + 10 * i) in drawn(points) for i in range(6))  # each score, one by one
    # many: each day's average per type
    many = [point(i, InterviewType.DSA, 50 + i % 2, DAY + timedelta(minutes=i)) for i in range(30)]
    many += [point(99, InterviewType.BEHAVIORAL, 80, DAY + timedelta(days=1))]
    text = drawn(many)
    assert re.search(r"2026-11-10\s+DSA\s+30\s+50\b", text), text  # 50.5 shown as 50
    assert re.search(r"2026-11-11\s+Behavioral\s+1\s+80\b", text), text
    # three days of one type are enough to draw
    spread = [point(i, InterviewType.DSA, 50, DAY + timedelta(days=i)) for i in range(3)]
    assert not isinstance(trend_chart(spread, width=100, title="t"), Table)
