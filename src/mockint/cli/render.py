"""Rich rendering of library results for the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mockint.cli.console import glyph, user_text
from mockint.models.sessions import SetupPreview, SetupResult
from mockint.timespec import local
from mockint.wording import counted

if TYPE_CHECKING:
    from mockint.history.recommend import Recommendation
    from mockint.interview.retry import Comparison
    from mockint.models.history import HistoryItem, HistoryPage, Statistics
    from mockint.models.reports import Report
    from mockint.models.usage import ApiCost, PriceRow, SessionCost


def score_style(score: int | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 75 else "yellow" if score >= 50 else "red"


def money(amount: int, currency: str) -> str:
    return f"{glyph('₹')}{amount}" if currency == "INR" else f"{amount} {currency}"


def setup_header(result: SetupPreview) -> Text:
    """The session (or ``Preview`` when nothing is stored), its type, size and duration."""
    dot = f" {glyph('·')} "
    if isinstance(result, SetupResult):
        head = Text.assemble(("Session ", "bold"), (result.session_id, "bold cyan"))
    else:
        head = Text("Preview (not stored)", style="bold")
    return head + Text(
        f"  {result.type.label}{dot}{result.difficulty.label}{dot}"
        f"{counted(len(result.questions), 'question')}{dot}about {result.estimated_duration} min"
    )


def setup_table(result: SetupPreview) -> Group:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Question", overflow="fold")
    table.add_column("Level", justify="right", no_wrap=True, min_width=5)
    table.add_column("Minutes", justify="right", no_wrap=True, min_width=7)
    for i, q in enumerate(result.questions, 1):
        table.add_row(str(i), user_text(q.text), f"{q.difficulty}/10", str(q.time_allocation))
    return Group(setup_header(result), table)


def report_view(report: Report) -> Group:
    b = report.score_breakdown
    head = Table.grid(padding=(0, 2))
    head.add_row(
        Text(f"{report.overall_score}/100", style=f"bold {score_style(report.overall_score)}"),
        Text(
            f"{report.type.label} · {report.difficulty.label} · session {report.session_id} · "
            f"graded by {report.grader}"
        ),
    )
    scores = Table(box=box.SIMPLE_HEAD, show_edge=False)
    scores.add_column("Area", overflow="fold")
    scores.add_column("Score", justify="right", no_wrap=True, min_width=5)
    for label, value in (
        ("Technical depth", b.technical_depth),
        ("Communication", b.communication),
        ("Problem solving", b.problem_solving),
    ):
        scores.add_row(label, Text(str(value), style=score_style(value)))
    for name, value in b.rubric.items():
        scores.add_row(
            Text("  " + name.replace("-", " "), style="dim"),
            Text(str(value), style=score_style(value)),
        )
    parts: list[object] = [head, scores]
    if report.notes or report.api_cost:
        about = Text(style="dim")
        for line in report.notes:
            about.append_text(user_text(line, style="dim"))
            about.append("\n")
        if report.api_cost:
            about.append(api_cost_line(report.api_cost) + "\n")
        parts.append(about)
    for i, q in enumerate(report.questions, 1):
        body = Text()
        body.append("Q: ", style="bold")
        body.append_text(user_text(q.text))
        body.append("\nA: ", style="bold")
        skipped = f"(skipped: {q.skip_reason})" if q.skip_reason else "(skipped)"
        body.append_text(user_text(q.answer) if q.answer else Text(skipped, style="dim"))
        for point in q.key_point_evidence:
            mark, style = (glyph("✓"), "green") if point.covered else (glyph("✗"), "red")
            body.append(f"\n{mark} ", style=style)
            body.append_text(user_text(point.key_point))
            body.append("\n    ")
            body.append_text(user_text(point.note, style="dim"))
        if q.follow_up:
            body.append("\nFollow-up: ", style="bold magenta")
            body.append_text(user_text(q.follow_up))
            body.append("\nA: ", style="bold")
            body.append_text(
                user_text(q.follow_up_answer)
                if q.follow_up_answer
                else Text("(not answered)", style="dim")
            )
        body.append("\n")
        body.append_text(user_text(q.feedback, style="italic"))
        parts.append(
            Panel(
                body,
                title=f"Question {i} · {q.score}/100"
                + (f" · {counted(q.hints_used, 'hint')} used" if q.hints_used else ""),
                title_align="left",
                border_style=score_style(q.score),
            )
        )
    for title, items, style in (
        ("Strengths", report.strengths, "green"),
        ("Weaknesses", report.weaknesses, "red"),
        ("Recommendations", report.recommendations, "cyan"),
    ):
        parts.append(Text(title, style=f"bold {style}"))
        if not items:
            parts.append(Text("  (none found in these answers)", style="dim"))
        else:
            parts.append(bullets(user_text(item) for item in items))
        parts.append(Text(""))
    return Group(*parts)  # type: ignore[arg-type]


def bullets(items: Iterable[Text]) -> Table:
    """``items`` as a bulleted list whose wrapped lines align under the text, not the
    bullet (a hanging indent)."""
    table = Table.grid(padding=0)
    table.add_column(width=4, no_wrap=True)
    table.add_column()
    for item in items:
        table.add_row(f"  {glyph('•')} ", item)
    return table


def api_cost_line(cost: ApiCost) -> str:
    return (
        f"API cost: ${cost.total:.4f} {cost.currency} ({counted(cost.requests, 'call')}, "
        f"{cost.prompt_tokens:,} prompt + {cost.output_tokens:,} output tokens)"
    )


def history_table(
    page: HistoryPage, width: int = 80, *, full: bool = False, scope: str = ""
) -> Group:
    """A history page for a terminal ``width`` columns wide: a table whose ids, dates and
    numbers are never cut (only the interview's words wrap), or, where that table does not
    fit (:func:`_column_widths`), one session per block; then the statistics (``full``: all
    of them), of the sessions ``scope`` describes (" matching --type dsa")."""
    rows = _row_cells(page)
    widths = _column_widths(rows)
    fits = width >= sum(widths) + INTERVIEW_MIN + 2 * (len(_HEADERS) - 1)
    sessions = _history_rows(page, rows, widths) if fits else _history_blocks(page)
    return _with_statistics(page, sessions, narrow=not fits, full=full, scope=scope)


def _minutes(item: HistoryItem) -> str:
    """Whole minutes of active time; "<1" for a session shorter than a minute, not 0."""
    if item.duration is None:
        return "-"
    return "<1" if 0 < item.duration < 60 else f"{item.duration // 60}"


def _grader(item: HistoryItem) -> str:
    return f"{item.grader}*" if item.grader_fallback else (item.grader or "-")


def _retry(item: HistoryItem) -> str:
    """A mark for a retry (``mockint retry``; which session it retries is its ``parentId``
    in ``--json``): one short word, which a narrow Interview column wraps whole."""
    return f" {glyph('·')} retry" if item.parent_id else ""


_HEADERS = ("Session", "Date", "Interview", "Status", "Min", "Score", "Grader")
#: the narrowest the Interview column may get ("DSA · Easy"); the others never wrap
INTERVIEW_MIN = 10


def _row_cells(page: HistoryPage) -> list[tuple[str, ...]]:
    return [
        (
            item.session_id,
            local(item.date).strftime("%Y-%m-%d %H:%M"),
            f"{item.type.label} {glyph('·')} {item.difficulty.label}{_retry(item)}",
            item.status.value,
            _minutes(item),
            str(item.score) if item.score is not None else "-",
            _grader(item),
        )
        for item in page.interviews
    ]


def _column_widths(rows: list[tuple[str, ...]]) -> list[int]:
    """Each column's widest cell or header; 0 for Interview, the one column that wraps
    (at least INTERVIEW_MIN wide). The table fits where these, INTERVIEW_MIN and two
    spaces between columns do."""
    return [
        0 if column == "Interview" else max([len(column), *(len(row[i]) for row in rows)])
        for i, column in enumerate(_HEADERS)
    ]


def _history_rows(page: HistoryPage, rows: list[tuple[str, ...]], widths: list[int]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for column, longest in zip(_HEADERS, widths, strict=True):
        wraps = column == "Interview"
        table.add_column(
            column,
            justify="right" if column in ("Min", "Score") else "left",
            no_wrap=not wraps,
            min_width=None if wraps else longest,
            overflow="fold",
        )
    for row, item in zip(rows, page.interviews, strict=True):
        table.add_row(*row[:5], Text(row[5], style=score_style(item.score)), row[6])
    return table


def _history_blocks(page: HistoryPage) -> Group:
    """One session per block, for narrow terminals: the id and date, then the rest."""
    dot = f" {glyph('·')} "
    blocks: list[Text] = []
    for item in page.interviews:
        block = Text()
        block.append(item.session_id, style="bold")
        block.append(f"  {local(item.date).strftime('%Y-%m-%d %H:%M')}\n")
        block.append(
            f"  {item.type.label}{dot}{item.difficulty.label}{_retry(item)}{dot}"
            f"{item.status.value}\n"
        )
        block.append(f"  {_minutes(item)} min{dot}score ")
        block.append(
            str(item.score) if item.score is not None else "-", style=score_style(item.score)
        )
        block.append(f"{dot}{_grader(item)}\n")
        blocks.append(block)
    return Group(*blocks)


def _number(value: float | None) -> str:
    return str(value) if value is not None else "-"


def _by_type_table(s: Statistics) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="By type", title_justify="left")
    table.add_column("Type", no_wrap=True)
    for column in ("Completed", "Average", "Best", "Last"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    for name, t in s.by_type.items():
        table.add_row(
            name,
            str(t.count),
            _number(t.average_score),
            _number(t.best_score),
            _number(t.last_score),
        )
    return table


def _by_type_lines(s: Statistics) -> Text:
    """The per-type figures as lines, for narrow terminals."""
    text = Text("By type", style="bold")
    for name, t in s.by_type.items():
        text.append(
            f"\n  {name}: {t.count} completed, average {_number(t.average_score)}, "
            f"best {_number(t.best_score)}, last {_number(t.last_score)}"
        )
    return text


def _with_statistics(
    page: HistoryPage, sessions: Table | Group, *, narrow: bool, full: bool, scope: str
) -> Group:
    """The page, then statistics that fit a screen: per type, the three weakest
    dimensions, the five most-missed key points (``full``: every average and the weakest
    topics too), each saying which sessions it counts."""
    s = page.statistics
    dot = f" {glyph('·')} "
    parts: list[object] = [sessions]
    if any(item.grader_fallback for item in page.interviews):
        parts.append(Text("* graded offline: Gemini was unavailable", style="dim"))
    parts.append(
        Text(
            f"Page {page.page} of {page.total_pages}{dot}{counted(page.total, 'session')}",
            style="dim",
        )
    )
    if not s.total_interviews:
        parts.append(Text(f"No graded sessions{scope} yet: no statistics.", style="dim"))
        return Group(*parts)  # type: ignore[arg-type]
    graded = counted(s.total_interviews, "graded session")
    parts.append(
        Text.assemble(
            (f"Statistics of {graded}{scope}: ", "bold"),
            f"average {_number(s.average_score)}{dot}best {_number(s.best_score_achieved)}",
        )
    )
    parts.append(_by_type_lines(s) if narrow else _by_type_table(s))
    averages = {**s.dimensions, **s.rubric}
    if averages:
        shown = averages if full else dict(sorted(averages.items(), key=lambda kv: kv[1])[:3])
        text = Text("Averages: " if full else "Weakest dimensions: ", style="bold")
        for i, (name, value) in enumerate(shown.items()):
            text.append(", " if i else "")
            text.append(f"{name.replace('-', ' ')} ")
            text.append(f"{value:g}", style=score_style(round(value)))
        parts.append(text)
    recent = f"last {s.recent_sessions_considered} graded sessions"
    if full and s.most_missed_topics:
        weak = Text(f"Weakest topics ({recent}; missed: scored below 50):", style="bold")
        for t in s.most_missed_topics:
            weak.append("\n  ")
            weak.append_text(user_text(t.topic))
            weak.append(f"  missed in {t.missed} of {counted(t.asked, 'question')}", style="dim")
        parts.append(weak)
    if s.most_missed_key_points:
        parts.append(Text(f"Most missed key points ({recent}):", style="bold"))
        parts.append(
            bullets(
                user_text(point.key_point).append(
                    f"  missed {point.missed} of {point.asked} times", style="dim"
                )
                for point in s.most_missed_key_points
            )
        )
    more = "" if full else "; --stats full shows every figure"
    parts.append(Text(f"Next: mockint next suggests what to practise{more}.", style="dim"))
    return Group(*parts)  # type: ignore[arg-type]


def price_table(rows: list[PriceRow]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    figures = [
        (
            f"{r.duration_minutes} min",
            *(money(m, r.currency) for m in (r.user_price, r.cost_price, r.margin)),
        )
        for r in rows
    ]
    table.add_column("Type", overflow="fold")
    table.add_column("Difficulty", overflow="fold")
    for i, column in enumerate(("Duration", "Price", "Cost", "Margin")):
        # figures are never cut or wrapped; only the words beside them wrap
        longest = max([len(column), *(len(f[i]) for f in figures)])
        table.add_column(column, justify="right", no_wrap=True, min_width=longest)
    for r, row in zip(rows, figures, strict=True):
        table.add_row(r.type.label, r.difficulty.label, *row)
    return table


def _change(value: float) -> Text:
    if value > 0:
        return Text(f"+{value:g}", style="green")
    return Text(f"{value:g}", style="red" if value < 0 else "dim")


def comparison_table(comparison: Comparison) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title=f"Compared with session {comparison.previous_session_id}",
        title_justify="left",
    )
    table.add_column("Question", overflow="fold")
    for column in ("Before", "Now", "Change"):
        # scores are never cut: only the question's words wrap
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    for q in comparison.questions:
        table.add_row(user_text(q.text), str(q.previous_score), str(q.score), _change(q.change))
    table.add_row(
        Text("Average", style="bold"),
        f"{comparison.previous_average:g}",
        f"{comparison.average:g}",
        _change(comparison.change),
    )
    return table


def recommendation(result: Recommendation) -> Group:
    head = Text.assemble(
        ("Next: ", "bold"),
        (f"{result.type.label} · {result.difficulty.label}", "bold cyan"),
        (f"  (from {counted(result.based_on_sessions, 'recent graded session')})", "dim"),
    )
    return Group(head, bullets(user_text(reason) for reason in result.reasons), Text(""))


def session_cost(cost: SessionCost) -> Text:
    """What a session actually cost in API calls first; its list price after, as a note."""
    dot = f" {glyph('·')} "
    text = Text.assemble(
        ("Session ", "bold"),
        (cost.session_id, "bold cyan"),
        f"  {cost.type.label}{dot}{cost.difficulty.label}\n",
    )
    if cost.api_cost is None:
        text.append("API cost: none (offline: no paid API calls).")
    else:
        text.append(api_cost_line(cost.api_cost), style="bold")
        for purpose, amount in cost.api_cost.by_purpose.items():
            text.append(f"\n  {purpose}: ${amount:.4f}", style="dim")
    p = cost.pricing
    text.append(
        f"\nList price of this interview type and difficulty: {money(p.user_price, p.currency)} "
        "(see mockint price).",
        style="dim",
    )
    return text
