"""``mockint report``: show or export a stored report."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mockint.cli import console, render
from mockint.cli.common import database
from mockint.errors import StorageError


class ReportFormat(StrEnum):
    RICH = "rich"
    MARKDOWN = "markdown"
    JSON = "json"


def report(
    session_id: Annotated[
        str, typer.Argument(help="Session id, a unique prefix of it, or `last`.")
    ],
    format: Annotated[
        ReportFormat, typer.Option("--format", "-F", help="Output format.")
    ] = ReportFormat.RICH,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Show the report of a finished interview, or export it.

    Example: `mockint report last --format markdown --output report.md`
    """
    from mockint.export import report_markdown
    from mockint.interview import load_report

    result = load_report(database(), session_id)
    if format == ReportFormat.RICH and output is None:
        console.out.print(render.report_view(result))
        return
    if format == ReportFormat.RICH:
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        Console(file=buffer, width=100, no_color=True, highlight=False).print(
            render.report_view(result)
        )
        text = buffer.getvalue()
    elif format == ReportFormat.JSON:
        import json

        text = json.dumps(result.dump(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = report_markdown(result)
    if output is None:
        console.print_text(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"Cannot write {output}: {exc.strerror}.") from None
    console.note(f"Wrote {output}")
