from __future__ import annotations

import json
import os
import sqlite3

import pytest

from mockint.clock import now
from mockint.enums import Difficulty, InterviewType, Status
from mockint.models.sessions import SessionRecord
from mockint.pricing import pricing_for
from mockint.storage.connection import connect, transaction
from mockint.storage.sessions import create_session


def test_pack_with_no_filters_asks_every_question_in_file_order(cli, pack_file):
    data = json.loads(cli("setup", "--pack", str(pack_file), "--json").stdout)
    assert [q["id"] for q in data["questions"]] == ["dsa-merge-intervals", "js-closures"]


def test_a_pack_of_mixed_types_says_how_the_session_counts(cli, pack_file):
    result = cli("setup", "--pack", str(pack_file))
    assert result.exit_code == 0
    assert (
        "The questions mix interview types (1 dsa, 1 javascript): each is graded as its own "
        "type, and the session counts as dsa in history."
    ) in " ".join(result.stderr.split())
    alone = cli("setup", "--pack", str(pack_file), "--type", "dsa")
    assert "mix interview types" not in alone.stderr


def test_an_export_is_reused_as_a_pack(cli, pack_file, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(["Sort, then merge.", "A function and its scope."]))
    for _ in range(2):  # the same questions twice: each is asked once
        assert cli("start", "--pack", str(pack_file), "--answers", str(answers)).exit_code == 0
    export = tmp_path / "sessions.jsonl"
    assert cli("export", "--output", str(export)).exit_code == 0
    data = json.loads(cli("setup", "--pack", str(export), "--json").stdout)
    assert [q["id"] for q in data["questions"]] == ["dsa-merge-intervals", "js-closures"]
    assert data["source"] == "pack:sessions"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("line", "line 2: (file): invalid JSON"),  # a line that is not JSON
        ("session", "line 1: session: is missing"),  # not an exported session
        ("questions", "holds no valid question pack: questions: must not be empty."),
    ],
)
def test_a_broken_export_given_as_a_pack_names_the_line(cli, tmp_path, pack_file, damage, expected):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(["Sort, then merge."]))
    assert cli("start", "--pack", str(pack_file), "--answers", str(answers)).exit_code == 0
    path = tmp_path / "old.jsonl"
    assert cli("export", "--output", str(path)).exit_code == 0
    line = json.loads(path.read_text(encoding="utf-8"))
    extra = "not json\n" if damage == "line" else ""
    if damage == "session":
        del line["session"]
    elif damage == "questions":
        line["questions"] = []
    path.write_text(json.dumps(line) + "\n" + extra, encoding="utf-8")
    result = cli("setup", "--pack", str(path))
    assert result.exit_code == 2
    assert expected in " ".join(result.stderr.split())
    assert len(result.stderr.strip().splitlines()) == 1


def test_pack_filters(cli, pack_file):
    data = json.loads(
        cli("setup", "--pack", str(pack_file), "--type", "javascript", "--json").stdout
    )
    assert [q["id"] for q in data["questions"]] == ["js-closures"]
    assert data["pricing"]["userPrice"] == 99


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name = 'x'\n[[questions]\n", "is not valid TOML"),
        ("name = 'x'\nversion = 1\n", "questions: is missing"),
        (
            "name='x'\n[[questions]]\nid='a'\ntype='dsa'\ndifficulty='impossible'\ntext='t'\nkey_points=['k']\n",
            "questions #1.difficulty: must be one of 'easy', 'medium', 'hard' or 'expert'",
        ),
        (
            "name='x'\n[[questions]]\nid='a'\ntype='dsa'\ndifficulty='easy'\ntext='t'\n",
            "questions #1.key_points: is missing",
        ),
        (
            "name='x'\n"
            + "[[questions]]\nid='a'\ntype='dsa'\ndifficulty='easy'\ntext='t'\nkey_points=['k']\n"
            * 2,
            "question id 'a' appears more than once",
        ),
    ],
)
def test_malformed_pack_gives_one_line_naming_file_and_field(cli, tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    result = cli("setup", "--pack", str(path))
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_toml_error_names_the_line(cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = 'x'\nversion = = 1\n", encoding="utf-8")
    result = cli("setup", "--pack", str(path))
    assert "line 2" in result.stderr


def test_a_toml_error_at_the_end_points_to_what_is_unclosed(cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = [1, 2\n", encoding="utf-8")
    result = cli("setup", "--pack", str(path))
    assert result.exit_code == 2
    assert "Look for a bracket or quote that is never closed." in " ".join(result.stderr.split())


def test_missing_pack(cli, tmp_path):
    result = cli("start", "--pack", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(cli, home):
    home.mkdir(parents=True)
    target = home / "mockint.db"
    target.write_bytes(b"my precious notes")
    result = cli("history")
    assert result.exit_code == 1
    assert "is not a mockint database" in result.stderr
    assert target.read_bytes() == b"my precious notes"


def test_unwritable_data_directory(cli, home, monkeypatch):
    home.mkdir(parents=True)
    # Permission bits do not bind root (CI runs as root), so ask the OS check to say no.
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    result = cli("history")
    assert result.exit_code == 1
    assert "not writable" in result.stderr


def test_data_directory_that_is_a_file(cli, home):
    home.parent.mkdir(parents=True, exist_ok=True)
    home.write_text("not a directory")
    result = cli("history")
    assert result.exit_code == 1
    assert f"Cannot create the data directory {home}: {home} is a file, not a directory." in (
        " ".join(result.stderr.split())
    )
    assert "MOCKINT_HOME" in result.stderr


def test_every_answer_is_committed_when_given(cli, pack_file, home):
    cli("start", "--pack", str(pack_file), input="first answer\n\n/pause\n")
    # A second connection sees the answer: it was committed, not held in a transaction.
    rows = sqlite3.connect(home / "mockint.db").execute("SELECT kind, text FROM turns").fetchall()
    assert ("answer", "first answer") in rows


def test_debug_shows_traceback(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKINT_DEBUG", "1")
    result = cli("report", "zzzz")
    assert result.exit_code != 0
    assert result.exception is not None


def test_unreadable_user_files(cli, tmp_path):
    binary = tmp_path / "pack.toml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = cli("setup", "--pack", str(binary))
    assert result.exit_code == 2
    assert "is not UTF-8 text" in result.stderr
    folder = tmp_path / "answers"
    folder.mkdir()
    result = cli("start", "-t", "dsa", "-d", "easy", "--answers", str(folder))
    assert result.exit_code == 2


# ------------------------------------------------------------------ transactions


def _sessions_in(path) -> int:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as other:  # another connection sees only what is committed
        return int(other.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


def _add_session(db, session_id: str) -> None:  # type: ignore[no-untyped-def]
    create_session(
        db,
        SessionRecord(
            id=session_id,
            type=InterviewType.DSA,
            difficulty=Difficulty.EASY,
            status=Status.SETUP,
            estimated_minutes=30,
            pricing=pricing_for(Difficulty.EASY),
            created_at=now(),
        ),
        [],
    )


def test_transactions_nest_and_an_inner_failure_rolls_back_only_its_own_writes(home):
    path = home / "mockint.db"
    with connect(path) as db:
        with transaction(db):
            _add_session(db, "aaaaaaaaaaaa")  # its own transaction becomes a savepoint
            with pytest.raises(RuntimeError), transaction(db):
                _add_session(db, "bbbbbbbbbbbb")
                raise RuntimeError("inner step failed")
            assert _sessions_in(path) == 0  # nothing is committed before the outer one ends
        assert _sessions_in(path) == 1  # the outer write stayed, the failed inner one did not
        with pytest.raises(RuntimeError), transaction(db):
            _add_session(db, "cccccccccccc")
            raise RuntimeError("outer step failed")
        assert _sessions_in(path) == 1
        assert not db.conn.in_transaction


def test_connect_closes_the_connection(home):
    with connect(home / "mockint.db") as db:
        db.execute("SELECT 1")
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")
