"""Taking your data away: every session with its transcript and report.

``jsonl`` writes one self-describing JSON object per session, ``json`` the same objects
as one array (read back with :func:`read_sessions`); ``markdown`` writes one readable file
per session.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError
from sqlite_utils import Database

from mockint.errors import InputFileError, StorageError
from mockint.history.formats.markdown import session_markdown
from mockint.history.stats import matching_ids
from mockint.models.history import HistoryFilter, SessionExport
from mockint.safetext import json_inert
from mockint.storage.reports import get_report
from mockint.storage.sessions import get_session, session_questions
from mockint.storage.turns import list_turns
from mockint.userfiles import (
    STDOUT,
    read_user_text,
    refuse_planted,
    write_user_text,
    writing_user_file,
)
from mockint.validation import describe


def session_export(db: Database, session_id: str) -> SessionExport:
    return SessionExport(
        session=get_session(db, session_id),
        questions=session_questions(db, session_id),
        turns=list_turns(db, session_id),
        report=get_report(db, session_id),
    )


def iter_exports(
    db: Database, filters: HistoryFilter, skipped: list[str] | None = None
) -> Iterator[SessionExport]:
    """The matching sessions, oldest first, one at a time (memory stays flat).

    A session this version cannot read (written by a newer mockint) is left out and its id
    appended to ``skipped`` when given; without it, its StorageError propagates.
    """
    for session_id in matching_ids(db, filters):
        try:
            yield session_export(db, session_id)
        except StorageError:
            if skipped is None:
                raise
            skipped.append(session_id)


def write_sessions(exports: Iterable[SessionExport], stream: TextIO, *, array: bool = False) -> int:
    """Write each session as one JSON object on a line of its own (JSONL); with
    ``array``, the same lines as one JSON array (``[``, the objects separated by commas,
    ``]``), the shape a ``.json`` file promises. Streams (memory stays flat); returns how
    many sessions."""
    count = 0
    for item in exports:
        line = json_inert(json.dumps(item.dump(), ensure_ascii=False))
        if array:
            stream.write(("[\n" if count == 0 else ",\n") + line)
        else:
            stream.write(line + "\n")
        count += 1
    if array:
        stream.write("\n]\n" if count else "[]\n")
    return count


def write_sessions_file(
    exports: Iterable[SessionExport], path: Path, *, array: bool = False
) -> int:
    """``write_sessions`` into ``path`` (``userfiles.writing_user_file``: a regular file
    whole, a link's target, a device or pipe as a stream); returns how many sessions."""

    with writing_user_file(path) as stream:
        return write_sessions(exports, stream, array=array)


def read_sessions(path: Path) -> list[SessionExport]:
    """Sessions from a ``mockint export`` file (JSONL or JSON), validated (see
    ``parse_sessions``)."""
    return parse_sessions(read_user_text(path, "Export file"), origin=f"Export file {path}")


def parse_sessions(text: str, origin: str) -> list[SessionExport]:
    """Sessions from the text of a ``mockint export`` file: JSONL (one per non-blank line)
    or a JSON array of them (``--format json``). Raises InputFileError naming ``origin``
    and the line (or the array's item) when one is not an exported session."""
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InputFileError(f"{origin} is not valid JSON: {exc}.") from None
        items = []
        for number, entry in enumerate(data, 1):
            try:
                items.append(SessionExport.model_validate(entry))
            except ValidationError as exc:
                raise InputFileError(f"{origin}, session {number}: {describe(exc)}") from None
        return items
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(SessionExport.model_validate_json(line))
        except ValidationError as exc:
            raise InputFileError(f"{origin}, line {number}: {describe(exc)}") from None
    return items


def markdown_name(item: SessionExport) -> str:
    s = item.session
    return f"{s.created_at:%Y-%m-%d}-{s.type.value}-{s.difficulty.value}-{s.id}.md"


def is_file_name(path: Path) -> bool:
    """Whether ``--output PATH`` names a file: it ends in an extension (``x.json``,
    ``all.md``) and is not an existing directory. Anything else is a directory."""
    return bool(path.suffix) and not path.is_dir()


def write_markdown_file(exports: Iterable[SessionExport], path: Path) -> int:
    """Every session in one Markdown file, separated by rules (written as
    ``userfiles.writing_user_file`` writes; ``-``: standard output); returns how many."""
    if path == STDOUT:
        return _markdown_document(exports, sys.stdout)
    with writing_user_file(path) as stream:
        return _markdown_document(exports, stream)


def _markdown_document(exports: Iterable[SessionExport], stream: TextIO) -> int:
    count = 0
    for item in exports:
        if count:
            stream.write("\n---\n\n")
        stream.write(session_markdown(item))
        count += 1
    return count


def make_directory(directory: Path) -> None:
    """Create ``directory`` (and its parents) for an export; StorageError if it cannot be,
    UsageError if it goes through a link another user planted (``refuse_planted``)."""
    refuse_planted(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Cannot create {directory}: {exc.strerror}.") from None


def write_markdown(exports: Iterable[SessionExport], directory: Path) -> int:
    """One Markdown file per session in ``directory`` (created if needed)."""
    make_directory(directory)
    count = 0
    for item in exports:
        write_user_text(directory / markdown_name(item), session_markdown(item))
        count += 1
    return count
