"""``mockint report``: show or export a stored report."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mockint.cli import console, render
from mockint.cli.common import database, write_output
from mockint.cli.errors import command_app
from mockint.history.formats.document import DocumentFormat
from mockint.history.formats.document import render as render_document
from mockint.interview.session import load_report
from mockint.userfiles import STDOUT


class ReportFormat(StrEnum):
    RICH = "rich"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


def report(
    session_id: Annotated[
        str, typer.Argument(help="Session id, a unique prefix of it, or `last`.")
    ],
    format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-F",
            help="Output format (html is one self-contained file to keep). Default: from the "
            "--output file's extension (.md, .html, .json), else rich.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of stdout (-: stdout).",
            dir_okay=False,
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Print the report on a terminal without a pager."),
    ] = False,
) -> None:
    """Show the report of a finished interview, or export it.

    Examples:

    - `mockint report last`
    - `mockint report last --format html --output report.html`
    """

    if output == STDOUT:
        output = None
    said = format_for(output)
    if format is not None and output is not None and said not in (format, ReportFormat.RICH):
        console.warn(f"Writing {format.value} to {output}, whose extension says {said.value}.")
    format = format or said
    result = load_report(database(), session_id)
    if format == ReportFormat.RICH:
        if output is None:
            with console.paged(not no_pager):
                console.show(render.report_view(result))
            return
        text = console.plain(render.report_view(result))
    else:
        text = render_document(result, DocumentFormat(format.value))
    write_output(text, output)


def format_for(output: Path | None) -> ReportFormat:
    """The format an output file's extension asks for (``report.md``: Markdown); rich (as
    plain text in a file) for any other name and for stdout."""
    found = DocumentFormat.from_suffix(output.suffix) if output is not None else None
    return ReportFormat(found.value) if found is not None else ReportFormat.RICH


app = command_app("report", report)
