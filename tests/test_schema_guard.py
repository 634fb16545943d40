"""A database from another version, a damaged row, a lock file someone else left: one line,
the right exit code, nothing changed, and history still lists what it can read."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import write_json


def digest(path: Path) -> str:
    """The database's content (a checkpoint may rewrite the file's bytes, not its rows)."""
    with sqlite3.connect(path) as conn:
        dump = "\n".join(conn.iterdump())
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def finished(cli, home: Path, tmp_path: Path) -> str:
    answers = write_json(tmp_path / "a.json", ["A hash map from value to index."])
    result = cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["sessionId"]


def sql(home: Path, statement: str, *params: object) -> None:
    with sqlite3.connect(home / "mockint.db") as conn:
        conn.execute(statement, params)


def test_a_database_upgraded_by_a_newer_mockint_is_refused_and_never_written(
    cli, home: Path, finished: str
) -> None:
    sql(
        home,
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        "mockint",
        "m099_from_the_future",
        "2027-01-01T00:00:00",
    )
    before = digest(home / "mockint.db")
    for args in (("history",), ("report", finished), ("start", "-t", "dsa", "-d", "easy")):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "upgraded by a newer mockint (schema m099_from_the_future)" in result.stderr
        assert "Traceback" not in result.output
    assert digest(home / "mockint.db") == before
    assert not list(home.glob("*.backup.db"))


def test_a_row_of_an_unknown_interview_type_is_left_out_of_history_with_a_warning(
    cli, home: Path, finished: str, tmp_path: Path
) -> None:
    answers = write_json(tmp_path / "b.json", ["A queue and a visited set."])
    other = cli("start", "-t", "dsa", "-d", "hard", "-n", "1", "--answers", str(answers), "--json")
    kept = json.loads(other.stdout)["sessionId"]
    sql(home, "UPDATE sessions SET type = 'quantum-computing' WHERE id = ?", finished)

    listing = cli("history", "--json")
    assert listing.exit_code == 0, listing.output
    data = json.loads(listing.stdout)
    assert [i["sessionId"] for i in data["interviews"]] == [kept]
    assert data["skipped"] == [finished]
    assert f"cannot read (written by a newer one?): {finished}" in listing.stderr
    assert cli("history").exit_code == 0

    shown = cli("report", finished)
    assert shown.exit_code == 1
    assert f"Session {finished} cannot be read by this version of mockint" in shown.stderr
    assert "Traceback" not in shown.output


def test_a_report_that_is_not_json_is_one_line(cli, home: Path, finished: str) -> None:
    sql(home, "UPDATE reports SET report_json = 'not json {' WHERE session_id = ?", finished)
    result = cli("report", finished)
    assert result.exit_code == 1
    assert f"The report of session {finished} cannot be read" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_lock_file_that_is_a_directory_is_one_line(cli, home: Path, finished: str) -> None:
    lock = home / "mockint.db.lock"
    lock.unlink()
    lock.mkdir()
    result = cli("history")
    assert result.exit_code == 1
    assert "is a directory; remove it" in result.stderr


def test_a_lock_file_owned_by_someone_else_is_one_line(
    cli, home: Path, finished: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = home / "mockint.db.lock"
    real_open = os.open

    def refused(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == lock:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    # tests run as root, where chmod cannot refuse: refuse the open the way the OS would
    monkeypatch.setattr(os, "open", refused)
    result = cli("history")
    assert result.exit_code == 1
    assert "belongs to another user" in result.stderr and "chown" in result.stderr


def test_export_leaves_out_an_unreadable_session_with_a_warning(
    cli, home: Path, finished: str, tmp_path: Path
) -> None:
    answers = write_json(tmp_path / "b.json", ["A queue and a visited set."])
    other = cli("start", "-t", "dsa", "-d", "hard", "-n", "1", "--answers", str(answers), "--json")
    kept = json.loads(other.stdout)["sessionId"]
    sql(home, "UPDATE sessions SET pricing_json = 'not json' WHERE id = ?", finished)
    result = cli("export")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["session"]["id"] for line in result.stdout.splitlines()] == [kept]
    assert f"cannot read (written by a newer one?): {finished}" in result.stderr


DAMAGED = {
    "a date that is not ISO 8601": "UPDATE sessions SET created_at = 'yesterday' WHERE id = ?",
    "an ISO-shaped date that is no date": (
        "UPDATE sessions SET created_at = '2026-12-99T99:00:00+00:00' WHERE id = ?"
    ),
    "a score that is text": "UPDATE sessions SET score = 'high' WHERE id = ?",
    "a question that is not JSON": (
        "UPDATE session_questions SET question_json = 'not json' WHERE session_id = ?"
    ),
    "a report that is not JSON": (
        "UPDATE reports SET report_json = 'not json' WHERE session_id = ?"
    ),
    "a report of another shape": (
        """UPDATE reports SET report_json = '{"questions": [5, {"id": 3}]}' WHERE session_id = ?"""
    ),
    "a turn of an unknown kind": "UPDATE turns SET kind = 'gesture' WHERE session_id = ?",
    "a turn whose details are not JSON": "UPDATE turns SET meta_json = '{' WHERE session_id = ?",
    "a turn whose date is not a date": "UPDATE turns SET created_at = 'x' WHERE session_id = ?",
}
READERS = [
    ("history",),
    ("history", "--json"),
    ("history", "--since", "30d", "--stats", "full"),
    ("history", "--chart"),
    ("next",),
    ("export",),
    ("report", "last"),
    ("price", "--session", "last"),
]


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_row_never_crashes_a_read_and_the_rest_is_still_shown(
    cli, home: Path, finished: str, tmp_path: Path, damage: str
) -> None:
    answers = write_json(tmp_path / "b.json", ["Closures keep their scope."])
    other = cli("start", "-t", "javascript", "-d", "easy", "-n", "1", "--answers", str(answers),
                "--json")  # fmt: skip
    kept = json.loads(other.stdout)["sessionId"]
    sql(home, DAMAGED[damage], finished)
    before = digest(home / "mockint.db")
    for args in READERS:
        result = cli(*args)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        if result.exit_code != 0:  # the damaged session itself: one line naming it
            assert result.exit_code == 1, (args, result.output)
            assert [line for line in result.stderr.splitlines() if line] == [
                line for line in result.stderr.splitlines() if line.startswith("Error: ")
            ]
            assert finished in result.stderr
        elif args[0] in ("history", "export") and "--chart" not in args:
            assert kept in result.stdout  # the readable session is still there
    assert digest(home / "mockint.db") == before


def test_tables_another_program_changed_are_said_as_such_not_try_again(
    cli, home: Path, finished: str
) -> None:
    sql(home, "ALTER TABLE reports RENAME COLUMN grader TO grader_name")
    result = cli("history")
    assert result.exit_code == 1
    assert (
        "tables are not the ones this version of mockint expects (no such column" in result.stderr
    )
    assert "Try again" not in result.stderr


def test_a_database_a_newer_mockint_marked_with_a_higher_version_is_never_written(
    cli, home: Path, finished: str
) -> None:
    with sqlite3.connect(home / "mockint.db") as conn:
        known = conn.execute("PRAGMA user_version").fetchone()[0]
        assert known > 0  # this version marks the file with the migrations it knows
        conn.execute(f"PRAGMA user_version = {known + 1}")
    before = digest(home / "mockint.db")
    for args in (("history",), ("setup", "-t", "dsa", "-d", "easy"), ("delete", finished, "--yes")):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert f"upgraded by a newer mockint (schema version {known + 1}" in result.stderr
    assert digest(home / "mockint.db") == before
    with sqlite3.connect(home / "mockint.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == known + 1


def test_a_write_into_changed_tables_is_said_as_such(
    cli, home: Path, finished: str, tmp_path: Path
):
    sql(home, "ALTER TABLE reports RENAME COLUMN grader TO grader_name")
    answers = write_json(tmp_path / "b.json", ["Closures keep their scope."])
    result = cli("start", "-t", "javascript", "-d", "easy", "-n", "1", "--answers", str(answers))
    assert result.exit_code == 1
    assert "tables are not the ones this version of mockint expects" in result.stderr
    assert "Try again" not in result.stderr and "Traceback" not in result.output
