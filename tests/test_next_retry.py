"""`mockint next` on crafted histories, and `mockint retry` with its comparison."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from conftest import write_json
from history_data import add_session, question
from mockint.enums import Difficulty, InterviewType
from mockint.history.recommend import recommend
from mockint.storage.connection import open_db

DSA, SD, BEH = InterviewType.DSA, InterviewType.SYSTEM_DESIGN, InterviewType.BEHAVIORAL
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_empty_history_recommends_a_baseline(cli):
    result = cli("next")
    assert result.exit_code == 0
    assert result.stdout.strip() == "mockint start --type dsa --difficulty medium"
    assert "baseline" in result.stderr


def test_weak_type_with_missed_topics_wins_and_steps_down(home):
    db = open_db()
    cache = question("sd-cache", SD, ["caching", "scalability"])
    lb = question("sd-lb", SD, ["load-balancing"])
    # DSA strong and recent: it rests.  System design weak: it needs work.
    for n, days in enumerate((3, 2)):
        add_session(
            db,
            f"c0000000000{n}",
            DSA,
            Difficulty.MEDIUM,
            days,
            90,
            now=NOW,
            questions=[(question(f"d{n}", DSA, ["arrays"]), 90, [])],
        )
    add_session(
        db,
        "c00000000010",
        SD,
        Difficulty.MEDIUM,
        6,
        30,
        now=NOW,
        rubric={"scaling": 20, "trade-offs": 45},
        questions=[(cache, 20, ["sd-cache point one"]), (lb, 40, ["sd-lb point one"])],
    )
    add_session(db, "c00000000011", SD, Difficulty.MEDIUM, 5, 34, now=NOW, rubric={"scaling": 25, "trade-offs": 40},
                questions=[(cache, 30, ["sd-cache point two"])])  # fmt: skip
    # every other type practised decently a while ago, so it is not "untried"
    for n, kind in enumerate((BEH, InterviewType.JAVASCRIPT, InterviewType.MACHINE_CODING)):
        add_session(db, f"c0000000002{n}", kind, Difficulty.MEDIUM, 30, 70, now=NOW)
    rec = recommend(db, now=NOW)
    assert rec.type == SD
    assert rec.difficulty == Difficulty.EASY  # averaged 32 at medium: consolidate first
    assert rec.focus[:2] == ["caching", "scalability"]  # missed twice, then once
    assert "load-balancing" in rec.focus
    assert rec.command == (
        "mockint start --type system-design --difficulty easy "
        "--focus caching --focus scalability --focus load-balancing"
    )
    assert any("scaling" in r for r in rec.reasons)  # the weakest rubric dimension
    assert any("Resting" in r and "DSA" in r for r in rec.reasons)
    needs = {n.type: n for n in rec.needs}
    assert needs[DSA].resting and needs[DSA].need < needs[SD].need


def test_a_strong_type_comes_back_when_its_rest_is_over(home):
    db = open_db()
    add_session(db, "d00000000001", DSA, Difficulty.HARD, 30, 85, now=NOW)
    add_session(db, "d00000000002", DSA, Difficulty.HARD, 20, 85, now=NOW)
    for n, kind in enumerate((SD, BEH, InterviewType.JAVASCRIPT, InterviewType.MACHINE_CODING)):
        add_session(db, f"d0000000001{n}", kind, Difficulty.MEDIUM, 1, 92, now=NOW)
    rec = recommend(db, now=NOW)
    # everything else was done yesterday and done well; DSA's 85s are 20 days old
    assert rec.type == DSA
    assert rec.difficulty == Difficulty.EXPERT  # two hard rounds averaging 85: step up


def test_next_json_and_start(cli, tmp_path):
    data = json.loads(cli("next", "--json").stdout)
    assert data["command"] == "mockint start --type dsa --difficulty medium"
    assert data["basedOnSessions"] == 0
    # --start runs the recommended interview (here paused at once from the terminal)
    result = cli("next", "--start", input="/pause\n")
    assert result.exit_code == 0
    assert "Paused" in result.stderr
    assert "DSA" in result.stderr


@pytest.fixture
def first(cli, tmp_path):
    answers = write_json(tmp_path / "a.json", ["I'm not sure.", "No idea."])
    result = cli(
        "start",
        "-t",
        "dsa",
        "-d",
        "easy",
        "-n",
        "2",
        "--seed",
        "3",
        "--answers",
        str(answers),
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def strong_answers(report: dict) -> list[str]:
    """Answers that state every key point of each question: a retry should score higher."""
    from mockint.storage.sessions import session_questions

    questions = session_questions(open_db(), report["sessionId"])
    return [" ".join(q.key_points) for q in questions]


def test_retry_compares_each_question(cli, first, tmp_path):
    answers = write_json(tmp_path / "b.json", strong_answers(first))
    result = cli("retry", first["sessionId"], "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    comparison = data["comparison"]
    assert comparison["previousSessionId"] == first["sessionId"]
    assert [q["id"] for q in comparison["questions"]] == [q["id"] for q in first["questions"]]
    for change, before, now in zip(
        comparison["questions"], first["questions"], data["questions"], strict=True
    ):
        assert change["previousScore"] == before["score"]
        assert change["score"] == now["score"]
        assert change["change"] == now["score"] - before["score"]
    assert comparison["change"] > 0
    history = json.loads(cli("history", "--json").stdout)["interviews"]
    assert history[0]["parentId"] == first["sessionId"]


def test_retry_one_question_and_the_table(cli, first, tmp_path):
    qid = first["questions"][1]["id"]
    answers = write_json(tmp_path / "c.json", {qid: strong_answers(first)[1]})
    result = cli("retry", "last", "--question", qid, "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    assert f"Compared with session {first['sessionId']}" in result.stdout
    report = json.loads(cli("report", "last", "--format", "json").stdout)
    assert [q["id"] for q in report["questions"]] == [qid]


def test_history_marks_a_retry_and_pipes_without_padding(cli, first, tmp_path, monkeypatch):
    answers = write_json(tmp_path / "b.json", strong_answers(first))
    retried = json.loads(cli("retry", "last", "--answers", str(answers), "--json").stdout)
    for columns in ("120", "80", "60"):
        monkeypatch.setenv("COLUMNS", columns)
        table = cli("history").stdout  # stdout is not a terminal here: plain text
        lines = table.splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith(retried["sessionId"]))
        other = next(i for i, line in enumerate(lines) if line.startswith(first["sessionId"]))
        assert row < other  # newest first
        assert "retry" in " ".join(lines[row:other]), (columns, table)  # wrapped or not
        assert "retry" not in " ".join(lines[other : other + 2])
        assert all(line == line.rstrip() for line in lines)


def test_retry_bad_input(cli, first, tmp_path):
    unknown = cli("retry", first["sessionId"], "--question", "nope")
    assert unknown.exit_code == 2 and "has no question 'nope'" in unknown.stderr
    assert cli("retry", "ffffffffffff").exit_code == 2
    # a session without a report has nothing to compare with
    paused = cli("start", "-t", "dsa", "-d", "easy", input="/pause\n")
    assert paused.exit_code == 0
    paused_id = json.loads(cli("history", "--json").stdout)["interviews"][0]["sessionId"]
    no_report = cli("retry", paused_id)
    assert no_report.exit_code == 2 and "has no report yet" in no_report.stderr
    # nothing was added by the failed attempts
    assert json.loads(cli("history", "--json").stdout)["total"] == 2
