"""Reports and sessions as Markdown documents.

What the candidate typed goes in fenced code blocks, exactly as typed (line breaks,
indentation, code), with a fence longer than any run of backticks in it so that it
cannot close the block; renderers show a code block's content as text, HTML and all.
Other text that came from users or models (questions, key points, feedback) is prose:
only what would change its structure is escaped (emphasis, code, links, HTML, a
heading or list at the start of a line), so ``Breadth-first`` and ``O(N * L^2)`` read
as written.
"""

from __future__ import annotations

import re

from mockint.models.history import SessionExport
from mockint.models.reports import Report
from mockint.models.sessions import TurnKind, TurnRole
from mockint.safetext import strip_controls
from mockint.wording import counted

#: always escaped: backslash, code, links and images, strikethrough, HTML tags and
#: autolinks (``<``)
_ALWAYS = re.compile(r"([\\`\[\]<])|(~~)")
#: ``&`` that would start a character reference ("&amp;", "&#39;")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
#: `*` that could open or close emphasis (not with spaces on both sides)
_STAR = re.compile(r"(?<!\s)\*|\*(?!\s)")
#: `_` that could open or close emphasis (not inside a word, as in snake_case)
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
#: what makes a line a heading, quote, list item or rule
_LINE_START = re.compile(r"^(\s{0,3})([#+=>-]|\d+(?=[.)]))")


def md_escape(text: str | None) -> str:
    """User or model prose made inert in Markdown, escaping only what must be, with
    backslashes (CommonMark): "() => x" and "a > b" read as written."""
    if not text:
        return ""
    escaped = _ALWAYS.sub(lambda m: "".join(f"\\{c}" for c in m.group(0)), strip_controls(text))
    escaped = _ENTITY.sub(r"\\&", escaped)
    escaped = _STAR.sub(r"\*", escaped)
    escaped = _UNDERSCORE.sub(r"\_", escaped)
    return "\n".join(_LINE_START.sub(_escape_line_start, line) for line in escaped.split("\n"))


def _escape_line_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark.isdigit():
        return f"{lead}{mark}\\"  # "1." starts a list: "1\."
    return f"{lead}\\{mark}"


def fenced(text: str | None) -> str:
    """What the candidate typed, exactly, as a fenced code block that it cannot close."""
    if not text or not text.strip():
        return "*(skipped)*"
    body = strip_controls(text).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def _block(text: str | None) -> str:
    """Prose on several lines (a question asked, a hint) as a Markdown block quote."""
    if not text or not text.strip():
        return "> *(skipped)*"
    return "\n".join(f"> {md_escape(line)}" if line.strip() else ">" for line in text.splitlines())


def report_markdown(report: Report) -> str:
    b = report.score_breakdown
    date = (report.date or report.generated_at).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Mock interview report: {report.type.label} ({report.difficulty.label})",
        "",
        f"- **Session:** `{report.session_id}`",
        f"- **Date:** {date}",
        f"- **Overall score:** {report.overall_score}/100",
        f"- **Graded by:** {report.grader}",
    ]
    if report.api_cost is not None:
        c = report.api_cost
        lines.append(
            f"- **API cost:** ${c.total:.4f} {c.currency} ({c.requests} calls, "
            f"{c.prompt_tokens} prompt + {c.output_tokens} output tokens)"
        )
    if report.duration_seconds is not None:
        lines.append(
            f"- **Time taken:** {report.duration_seconds // 60} min {report.duration_seconds % 60} s"
        )
    lines += [
        "",
        "## Score breakdown",
        "",
        "| Area | Score |",
        "| --- | ---: |",
        f"| Technical depth | {b.technical_depth} |",
        f"| Communication | {b.communication} |",
        f"| Problem solving | {b.problem_solving} |",
    ]
    lines += [
        f"| {name.replace('-', ' ').capitalize()} | {value} |" for name, value in b.rubric.items()
    ]
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- {md_escape(note)}" for note in report.notes]
    lines += ["", "## Questions", ""]
    for i, q in enumerate(report.questions, 1):
        lines += [
            f"### {i}. {md_escape(q.text)}",
            "",
            f"**Score:** {q.score}/100"
            + (f" · {counted(q.hints_used, 'hint')} used" if q.hints_used else ""),
            "",
            "**Your answer:**",
            "",
            f"*(skipped: {md_escape(q.skip_reason)})*" if q.skip_reason else fenced(q.answer),
            "",
        ]
        if q.follow_up:
            lines += [
                f"**Follow-up:** {md_escape(q.follow_up)}",
                "",
                fenced(q.follow_up_answer) if q.follow_up_answer else "*(not answered)*",
                "",
            ]
        if q.key_point_evidence:
            lines += ["**Key points:**", ""]
            for item in q.key_point_evidence:
                mark = "✅" if item.covered else "❌"
                lines.append(f"- {mark} {md_escape(item.key_point)}  \n  *{md_escape(item.note)}*")
            lines.append("")
        else:
            lines += [
                "**Covered:** " + ("; ".join(map(md_escape, q.covered_key_points)) or "none"),
                "",
            ]
            lines += [
                "**Missed:** " + ("; ".join(map(md_escape, q.missed_key_points)) or "none"),
                "",
            ]
        lines += [f"**Feedback:** {md_escape(q.feedback)}", ""]
    for title, items in (
        ("Strengths", report.strengths),
        ("Weaknesses", report.weaknesses),
        ("Recommendations", report.recommendations),
    ):
        lines += [f"## {title}", ""]
        lines += [f"- {md_escape(item)}" for item in items] or ["- *(none found in these answers)*"]
        lines.append("")
    lines.append(f"*Generated by mockint on {report.generated_at.strftime('%Y-%m-%d %H:%M UTC')}.*")
    return "\n".join(lines) + "\n"


_SPEAKER = {
    TurnKind.QUESTION: "Interviewer",
    TurnKind.FOLLOW_UP: "Interviewer (follow-up)",
    TurnKind.HINT: "Hint",
    TurnKind.ANSWER: "You",
    TurnKind.SKIP: "You",
    TurnKind.DRAFT: "You (draft, not submitted)",
}


def transcript_markdown(item: SessionExport) -> list[str]:
    positions = {q.id: i for i, q in enumerate(item.questions, 1)}
    lines = ["## Transcript", ""]
    if not item.turns:
        return [*lines, "*(no questions asked yet)*", ""]
    for turn in item.turns:
        when = turn.created_at.strftime("%H:%M:%S")
        head = f"**{_SPEAKER[turn.kind]}** · Q{positions.get(turn.question_id, '?')} · {when}"
        reason = turn.meta.get("reason") if turn.kind == TurnKind.SKIP else None
        if turn.kind == TurnKind.SKIP:
            body = f"*(skipped: {md_escape(reason)})*" if reason else "*(skipped)*"
            if turn.text.strip():  # what was typed, then set aside by skipping
                body += "\n\n" + fenced(turn.text)
        elif turn.role == TurnRole.CANDIDATE:
            body = fenced(turn.text)
        else:
            body = _block(turn.text)
        lines += [head, "", body, ""]
    return lines


def session_markdown(item: SessionExport) -> str:
    """A whole session: its report when graded, and always its transcript."""
    s = item.session
    if item.report is not None:
        head = report_markdown(item.report).rstrip("\n").split("\n")
    else:
        head = [
            f"# Mock interview: {s.type.label} ({s.difficulty.label})",
            "",
            f"- **Session:** `{s.id}`",
            f"- **Date:** {s.created_at.strftime('%Y-%m-%d %H:%M UTC')}",
            f"- **Status:** {s.status.value} (not graded yet; finish it with `mockint start {s.id}`)",
        ]
    return "\n".join([*head, "", *transcript_markdown(item)]) + "\n"
