"""The schema: built by migrations on an empty database, upgraded in place with a backup."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from conftest import write_json
from mockint.history.stats import statistics
from mockint.storage.connection import migrations, open_db


def test_migrations_build_the_schema(tmp_path):
    db = open_db(tmp_path / "m.db")
    assert {
        "sessions",
        "session_questions",
        "turns",
        "reports",
        "report_scores",
        "api_usage",
    } <= set(db.table_names())
    assert [m.name for m in migrations.applied(db)] == [
        "m001_initial",
        "m002_scores",
        "m003_api_usage",
        "m004_calls",
        "m005_webhook_jobs",
        "m006_session_grader",
        "m007_dimension_totals",
    ]
    assert set(db["api_usage"].columns_dict) >= {"session_id", "model", "purpose", "cost_usd"}
    assert set(db["sessions"].columns_dict) >= {"id", "type", "status", "created_at", "score"}
    indexed = {tuple(i.columns) for i in db["sessions"].indexes}
    assert ("created_at",) in indexed
    assert ("type", "difficulty", "created_at", "score") in indexed
    assert ("score", "created_at") in indexed
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not migrations.pending(open_db(tmp_path / "m.db"))
    assert not list(tmp_path.glob("*.backup.db")), "a new database needs no backup"


def _old_database(path):
    """A database at schema m001, as the first release left it."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m002_scores")
    conn.close()


def test_an_older_database_is_backed_up_then_upgraded_with_its_data(cli, home, tmp_path):
    # A graded session made with the current code, then its database taken back to m001's shape.
    answers = write_json(tmp_path / "a.json", ["I would use a hash map for linear time."] * 2)
    assert (
        cli(
            "start", "-t", "dsa", "-d", "easy", "-n", "2", "--answers", str(answers), "--json"
        ).exit_code
        == 0
    )
    current = home / "mockint.db"
    rows = {
        table: list(Database(current)[table].rows)
        for table in ("sessions", "session_questions", "turns", "reports")
    }
    current.unlink()
    _old_database(current)
    old = Database(current)
    for table, items in rows.items():
        for item in items:
            if table == "sessions":
                item.pop("score")
                item.pop("grader")
            old[table].insert(item)
    old.conn.close()
    before = current.read_bytes()

    db = open_db(current)

    backups = list(home.glob("mockint.m001_initial.*.backup.db"))
    assert len(backups) == 1
    copy = Database(backups[0])
    assert [m.name for m in migrations.applied(copy)] == ["m001_initial"]
    assert copy["sessions"].count == 1 and "score" not in copy["sessions"].columns_dict
    assert len(before) > 0
    # upgraded in place: scores filled in from the stored report
    score = rows["reports"][0]["overall_score"]
    assert db.execute("SELECT score FROM sessions").fetchone()[0] == score
    assert db.execute("SELECT grader FROM sessions").fetchone()[0] == "offline"
    assert db["report_scores"].count >= 3
    assert statistics(db).best_score_achieved == score
    assert statistics(db).dimensions.keys() == {
        "technical-depth",
        "communication",
        "problem-solving",
    }
    # and opening it again changes nothing more
    open_db(current)
    assert len(list(home.glob("*.backup.db"))) == 1


def test_a_damaged_database_is_reported_and_left_alone(cli, home):
    home.mkdir(parents=True)
    target = home / "mockint.db"
    target.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)
    result = cli("history")
    assert result.exit_code == 1
    assert "Cannot use the database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == b"SQLite format 3\x00" + b"\xff" * 2000


def test_m005_adds_webhook_jobs_to_a_database_with_calls(home, tmp_path):
    """A database at m004 with a session and its call gains an empty job table; its rows stay."""
    path = tmp_path / "m4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = Database(conn)
    migrations.apply(old, stop_before="m005_webhook_jobs")
    old["sessions"].insert({"id": "s1", "type": "dsa", "difficulty": "easy", "status": "IN_PROGRESS",
                            "created_at": "2026-11-30T10:00:00.000000+00:00"})  # fmt: skip
    old["calls"].insert({"call_id": "c1", "session_id": "s1", "provider": "vapi", "kind": "webCall",
                         "created_at": "2026-11-30T10:00:00.000000+00:00"})  # fmt: skip
    conn.close()

    db = open_db(path)

    assert "m005_webhook_jobs" in [m.name for m in migrations.applied(db)]
    assert len(list(tmp_path.glob("m4.m004_calls.*.backup.db"))) == 1
    columns = db["webhook_jobs"].columns_dict
    assert set(columns) == {"id", "call_id", "session_id", "message_json", "state", "attempts",
                            "error", "received_at", "updated_at"}  # fmt: skip
    assert db["webhook_jobs"].count == 0
    assert db.execute("SELECT call_id, session_id FROM calls").fetchall() == [("c1", "s1")]
    unique = [i.columns for i in db["webhook_jobs"].indexes if i.unique]
    assert ["call_id"] in unique
    assert ["state", "id"] in [i.columns for i in db["webhook_jobs"].indexes]


def test_m006_keeps_each_graded_sessions_grader_on_the_session(home, tmp_path):
    path = tmp_path / "m5.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = Database(conn)
    migrations.apply(old, stop_before="m006_session_grader")
    for sid, label in (
        ("s1", "offline"),
        ("s2", "gemini (gemini-3.5-flash)"),
        ("s3", "offline (Gemini unavailable: 503)"),
        ("s4", None),
    ):
        old["sessions"].insert({"id": sid, "type": "dsa", "difficulty": "easy",
                                "status": "COMPLETED" if label else "SETUP",
                                "created_at": "2026-11-30T10:00:00.000000+00:00"})  # fmt: skip
        if label:
            old["reports"].insert({"session_id": sid, "overall_score": 50, "grader": label,
                                   "generated_at": "2026-11-30T10:00:00.000000+00:00",
                                   "report_json": "{}"})  # fmt: skip
    conn.close()

    db = open_db(path)

    graders = dict(db.execute("SELECT id, grader FROM sessions ORDER BY id").fetchall())
    assert graders == {"s1": "offline", "s2": "gemini", "s3": "offline", "s4": None}
