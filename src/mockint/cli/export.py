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
    make_directory,
    write_markdown,
    write_markdown_file,
    write_sessions,
    write_sessions_file,
)
from mockint.userfiles import STDOUT
from mockint.wording import counted


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    JSON = "json"
    MARKDOWN = "markdown"

    @classmethod
    def of_name(cls, path: Path) -> ExportFormat | None:
        """The format a file name's extension says (``.md``, ``.jsonl``, ``.json``), if any."""
        suffix = path.suffix.lower()
        if suffix in (".md", ".markdown"):
            return cls.MARKDOWN
        if suffix in (".jsonl", ".ndjson"):
            return cls.JSONL
        if suffix == ".json":
            return cls.JSON
        return None


def export(
    format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-F",
            help="jsonl: one JSON object per session, a line each; json: the same objects as "
            "one JSON array; markdown: one file each. "
            "Default: what --output's extension says, else jsonl.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="A file (a name with an extension: sessions.jsonl, all.json, all.md), a "
            "directory to write into, or - for stdout (default: stdout for jsonl and json, "
            "./mockint-export-DATE/ for markdown).",
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
    - `mockint export --output all.md` (markdown, from the extension)
    - `mockint export --output all.json` (one JSON array, from the extension)
    - `mockint export --format markdown --output interviews/ --since 30d`
    """

    named = output is not None and output != STDOUT and is_file_name(output)
    said = ExportFormat.of_name(output) if named and output is not None else None
    if format is None:
        format = said or ExportFormat.JSONL
    elif said is not None and said != format:
        console.warn(f"Writing {format.value} to {output}, whose extension says {said.value}.")
    db = database()
    skipped: list[str] = []
    exports = iter_exports(db, history_filter(type, difficulty, status, since, until), skipped)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    array = format == ExportFormat.JSON
    if output == STDOUT:
        if format == ExportFormat.MARKDOWN:
            count = write_markdown_file(exports, STDOUT)
        else:
            count = write_sessions(exports, sys.stdout, array=array)
        where = ""
    elif format == ExportFormat.MARKDOWN:
        if output is not None and named:
            count = write_markdown_file(exports, output)
            where = f" to {output}"
        else:
            directory = output or Path(f"mockint-export-{stamp}")
            if directory.exists() and not directory.is_dir():
                raise UsageError(
                    f"--output {directory} is a file; markdown export needs a directory."
                )
            count = write_markdown(exports, directory)
            where = f" to {directory}/"
    elif output is None:
        count = write_sessions(exports, sys.stdout, array=array)
        where = ""
    else:
        if not named:
            make_directory(output)
        target = output if named else output / f"mockint-export-{stamp}.{format.value}"
        count = write_sessions_file(exports, target, array=array)
        where = f" to {target}"
    end = "" if where.endswith("/") else "."  # a directory is named with its slash
    console.note(f"Exported {counted(count, 'session')}{where}{end}")
    if not count:
        console.warn("No session matched, so the export is empty.")
    if skipped:
        console.warn(
            f"Left out {len(skipped)} session(s) this version of mockint cannot read "
            f"(written by a newer one?): {', '.join(skipped)}."
        )


app = command_app("export", export)
