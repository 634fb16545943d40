"""``mockint export``: every session (or the filtered ones) with transcripts and reports."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mockint.cli import console, options
from mockint.cli.common import database, history_filter
from mockint.cli.errors import command_app
from mockint.errors import UsageError
from mockint.history.export import (
    is_file_name,
    iter_exports,
    write_jsonl,
    write_jsonl_file,
    write_markdown,
    write_markdown_file,
)
from mockint.wording import counted


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    MARKDOWN = "markdown"


def export(
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-F", help="jsonl: one JSON object per session; markdown: one file each."
        ),
    ] = ExportFormat.JSONL,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="A file (a name with an extension: sessions.jsonl, all.md) or a directory to "
            "write into (default: stdout for jsonl, ./mockint-export-DATE/ for markdown).",
            show_default=False,
        ),
    ] = None,
    type: options.TypeOption = None,
    difficulty: options.DifficultyOption = None,
    status: options.StatusOption = None,
    since: options.SinceOption = None,
    until: options.UntilOption = None,
) -> None:
    """Export your sessions with their transcripts and reports: your data is yours.

    Examples:

    - `mockint export > sessions.jsonl`
    - `mockint export --format markdown --output interviews/ --since 30d`
    """

    db = database()
    skipped: list[str] = []
    exports = iter_exports(db, history_filter(type, difficulty, status, since, until), skipped)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if format == ExportFormat.MARKDOWN:
        if output is not None and is_file_name(output):
            count = write_markdown_file(exports, output)
            console.note(f"Exported {counted(count, 'session')} to {output}")
            return
        directory = output or Path(f"mockint-export-{stamp}")
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"--output {directory} is a file; markdown export needs a directory.")
        count = write_markdown(exports, directory)
        console.note(f"Exported {counted(count, 'session')} to {directory}/")
    elif output is None:
        count = write_jsonl(exports, sys.stdout)
        console.note(f"Exported {counted(count, 'session')}.")
    else:
        target = output if is_file_name(output) else output / f"mockint-export-{stamp}.jsonl"
        path = write_jsonl_file(exports, target)
        console.note(f"Exported to {path}")
    if skipped:
        console.warn(
            f"Left out {len(skipped)} session(s) this version of mockint cannot read "
            f"(written by a newer one?): {', '.join(skipped)}."
        )


app = command_app("export", export)
