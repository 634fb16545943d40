"""What ``last`` means per command, ``setup --dry-run``, and old set-ups out of history."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_json
from history_data import add_session
from mockint.clock import now
from mockint.enums import Difficulty, InterviewType, Status
from mockint.storage.connection import connect


def graded(cli, tmp_path: Path) -> str:
    answers = write_json(tmp_path / "a.json", ["A hash map from value to index."])
    result = cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["sessionId"]


def set_up(cli) -> str:
    result = cli("setup", "-t", "behavioral", "-d", "medium", "-n", "2", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["sessionId"]


def test_report_and_retry_last_mean_the_last_graded_session(cli, home, tmp_path):
    done = graded(cli, tmp_path)
    set_up(cli)  # newer, but not graded

    report = cli("report", "last", "--format", "json")
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["sessionId"] == done

    answers = write_json(tmp_path / "again.json", ["A hash map, one pass."])
    retry = cli("retry", "last", "--answers", str(answers), "--json")
    assert retry.exit_code == 0, retry.output
    assert json.loads(retry.stdout)["comparison"]["previousSessionId"] == done


def test_start_last_resumes_the_last_unfinished_session(cli, home, tmp_path):
    waiting = set_up(cli)
    graded(cli, tmp_path)  # newer, but finished

    answers = write_json(tmp_path / "b.json", ["I would use the STAR shape."] * 2)
    result = cli("start", "last", "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sessionId"] == waiting


def test_last_with_nothing_of_its_kind_says_so(cli, home):
    set_up(cli)
    result = cli("report", "last")
    assert result.exit_code == 2
    assert "There is no graded session yet. List your sessions with: mockint history" in (
        result.stderr
    )


def test_setup_dry_run_shows_the_questions_and_stores_nothing(cli, home):
    result = cli("setup", "-t", "dsa", "-d", "hard", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    preview = json.loads(result.stdout)
    assert preview["sessionId"] is None
    assert preview["type"] == "dsa" and len(preview["questions"]) >= 5
    table = cli("setup", "-t", "dsa", "-d", "hard", "--dry-run")
    assert table.exit_code == 0, table.output
    assert "Preview (not stored)" in table.stdout
    assert "Nothing was stored (--dry-run)." in table.stderr
    with connect() as db:
        assert db["sessions"].count == 0


def test_sessions_set_up_over_a_day_ago_and_never_started_are_not_listed(cli, home):
    with connect() as db:
        add_session(
            db, "0a0a0a0a0a0a", InterviewType.DSA, Difficulty.EASY, 2, None,
            status=Status.SETUP, now=now(),
        )  # fmt: skip
        add_session(
            db, "1b1b1b1b1b1b", InterviewType.DSA, Difficulty.EASY, 0.5, None,
            status=Status.SETUP, now=now(),
        )  # fmt: skip
    listed = json.loads(cli("history", "--json").stdout)
    assert [i["sessionId"] for i in listed["interviews"]] == ["1b1b1b1b1b1b"]
    setups = json.loads(cli("history", "--status", "SETUP", "--json").stdout)
    assert {i["sessionId"] for i in setups["interviews"]} == {"0a0a0a0a0a0a", "1b1b1b1b1b1b"}
