"""A report as one self-contained HTML file: inline CSS, an SVG chart, no network.

The template (``data/templates/report.html.j2``) is rendered with Jinja2's
autoescaping, so everything the user typed shows as text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockint.resources import load_text
from mockint.safetext import strip_controls

if TYPE_CHECKING:
    from mockint.models.reports import Report

BAR_HEIGHT = 22
LABEL_WIDTH = 170
BAR_WIDTH = 300


def breakdown_bars(report: Report) -> list[dict[str, Any]]:
    """The score breakdown as bars for the SVG chart (areas first, then rubric dimensions)."""
    b = report.score_breakdown
    rows = [
        ("Technical depth", b.technical_depth, True),
        ("Communication", b.communication, True),
        ("Problem solving", b.problem_solving, True),
        *((name.replace("-", " ").capitalize(), value, False) for name, value in b.rubric.items()),
    ]
    return [
        {
            "label": label,
            "score": score,
            "area": area,
            "y": i * (BAR_HEIGHT + 6),
            "width": round(BAR_WIDTH * score / 100, 1),
            "band": "good" if score >= 75 else "fair" if score >= 50 else "poor",
        }
        for i, (label, score, area) in enumerate(rows)
    ]


def _no_controls(value: object) -> object:
    """Control characters (terminal escapes) have no place in a document: drop them."""
    return strip_controls(value) if isinstance(value, str) else value


def report_html(report: Report) -> str:
    from jinja2 import Environment, StrictUndefined

    env = Environment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_no_controls,
    )
    source = load_text("templates/report.html.j2")
    bars = breakdown_bars(report)
    return env.from_string(source).render(
        report=report,
        bars=bars,
        chart={
            "label_width": LABEL_WIDTH,
            "bar_width": BAR_WIDTH,
            "bar_height": BAR_HEIGHT,
            "height": len(bars) * (BAR_HEIGHT + 6),
        },
        date=(report.date or report.generated_at).strftime("%Y-%m-%d %H:%M UTC"),
    )
