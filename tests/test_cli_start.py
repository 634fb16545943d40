from __future__ import annotations

import json
import re
import sqlite3

from conftest import write_json


def test_setup_json_has_the_spec_shape_and_no_key_points(cli):
    result = cli("setup", "--type", "dsa", "--difficulty", "hard", "--seed", "7", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"sessionId", "questions", "pricing", "estimatedDuration"}
    assert data["pricing"] == {"userPrice": 199, "costPrice": 60, "margin": 139, "currency": "INR"}
    assert data["estimatedDuration"] == 25
    assert 5 <= len(data["questions"]) <= 7
    for q in data["questions"]:
        assert set(q) >= {"id", "text", "difficulty", "timeAllocation"}
        assert "keyPoints" not in q and "key_points" not in q


def test_setup_table_shows_the_session_without_a_price(cli):
    result = cli("setup", "--type", "behavioral", "--difficulty", "expert")
    assert result.exit_code == 0
    assert "Behavioral · Expert" in result.stdout
    assert "₹" not in result.stdout  # a free local tool: prices are for `mockint price`


def test_scripted_run_with_a_list_prints_only_json(cli, tmp_path, pack_file):
    answers = write_json(
        tmp_path / "a.json",
        [
            "I would sort the intervals by start, then walk through them and extend the last "
            "merged interval whenever the next one overlaps it, because sorting puts overlapping "
            "intervals next to each other. Sorting costs O(n log n), which dominates the linear scan.",
        ],
    )
    result = cli("start", "--pack", str(pack_file), "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "COMPLETED"
    assert report["grader"] == "offline"
    assert [q["id"] for q in report["questions"]] == ["dsa-merge-intervals", "js-closures"]
    first, second = report["questions"]
    assert first["score"] > 30
    assert "Sort the intervals by their start point first." in first["coveredKeyPoints"]
    assert second["answer"] is None and second["score"] == 0
    assert set(report["scoreBreakdown"]) >= {"technicalDepth", "communication", "problemSolving"}
    for key in ("strengths", "weaknesses", "recommendations", "generatedAt", "overallScore"):
        assert key in report


def test_scripted_run_with_a_map(cli, tmp_path, pack_file):
    answers = write_json(tmp_path / "a.json", {"js-closures": "A closure keeps variables alive."})
    result = cli("start", "--pack", str(pack_file), "--answers", str(answers), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["questions"][0]["answer"] is None
    assert report["questions"][1]["answer"] == "A closure keeps variables alive."


def test_too_many_answers_is_a_usage_error_and_stores_nothing(cli, tmp_path, pack_file, home):
    answers = write_json(tmp_path / "a.json", ["a", "b", "c"])
    result = cli("start", "--pack", str(pack_file), "--answers", str(answers))
    assert result.exit_code == 2
    assert "has 3 answers but the session has only 2 questions" in result.stderr
    # one error line, the last (the pack's mixed types are noted before it)
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("Error:")] == lines[-1:]
    assert json.loads(cli("history", "--json").stdout)["total"] == 0


def test_unknown_question_id_in_answers_is_a_usage_error(cli, tmp_path, pack_file):
    answers = write_json(tmp_path / "a.json", {"nope": "x"})
    result = cli("start", "--pack", str(pack_file), "--answers", str(answers))
    assert result.exit_code == 2
    assert "'nope', which this session does not have" in result.stderr


def test_malformed_answers_file(cli, tmp_path, pack_file):
    bad = tmp_path / "a.json"
    bad.write_text("[1, 2", encoding="utf-8")
    result = cli("start", "--pack", str(pack_file), "--answers", str(bad))
    assert result.exit_code == 2
    assert "is not valid JSON" in result.stderr
    missing = cli("start", "--pack", str(pack_file), "--answers", str(tmp_path / "none.json"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
    # positions are counted from 1, and read as counts ("#2"), not as JSON indexes
    wrong = write_json(tmp_path / "wrong.json", ["A hash map.", 42])
    typed = cli("start", "--pack", str(pack_file), "--answers", str(wrong))
    assert typed.exit_code == 2
    assert "answers #2: must be text" in typed.stderr


def test_fail_under(cli, tmp_path, pack_file):
    answers = write_json(tmp_path / "a.json", ["no idea", "no idea"])
    result = cli(
        "start", "--pack", str(pack_file), "--answers", str(answers), "--json", "--fail-under", "50"
    )
    assert result.exit_code == 1
    assert "below --fail-under 50" in result.stderr
    assert json.loads(result.stdout)["overallScore"] < 50


def test_fail_under_takes_a_decimal_threshold(cli, tmp_path, pack_file):
    answers = write_json(tmp_path / "a.json", ["no idea", "no idea"])
    result = cli(
        "start", "--pack", str(pack_file), "--answers", str(answers), "--json",
        "--fail-under", "0.5",
    )  # fmt: skip
    score = json.loads(result.stdout)["overallScore"]
    assert result.exit_code == 0 or score < 0.5
    # half a point above the score: below it, whatever the score was
    again = cli(
        "start", "--pack", str(pack_file), "--answers", str(answers), "--json",
        "--fail-under", f"{score + 0.5}",
    )  # fmt: skip
    assert again.exit_code == 1
    assert f"below --fail-under {score + 0.5:g}." in again.stderr
    refused = cli("start", "--pack", str(pack_file), "--fail-under", "nan")
    assert refused.exit_code == 2
    assert "--fail-under must be a number from 0 to 100" in refused.stderr


def test_completed_session_cannot_be_started_again(cli, tmp_path, pack_file):
    answers = write_json(tmp_path / "a.json", ["x", "y"])
    result = cli("start", "--pack", str(pack_file), "--answers", str(answers), "--json")
    session = json.loads(result.stdout)["sessionId"]
    again = cli("start", session)
    assert again.exit_code == 2
    assert f"Session {session} is already completed" in again.stderr


def test_unknown_session_and_bad_options(cli):
    result = cli("start", "abcdef123456")
    assert result.exit_code == 2
    assert "No session 'abcdef123456'" in result.stderr
    short = cli("report", "abc")  # too short to be a prefix: says how long one must be
    assert short.exit_code == 2
    assert "No session 'abc': a session id or its first 4 characters or more." in short.stderr
    bad_type = cli("setup", "--type", "cooking", "--difficulty", "easy")
    assert bad_type.exit_code == 2
    assert (
        "--type must be one of javascript" in bad_type.stderr and "not 'cooking'" in bad_type.stderr
    )
    assert len(bad_type.stderr.strip().splitlines()) == 1
    missing = cli("setup")
    assert missing.exit_code == 2
    assert "--type and --difficulty" in missing.stderr


def test_selection_options_with_a_session_id_are_refused(cli):
    created = json.loads(cli("setup", "-t", "dsa", "-d", "easy", "--json").stdout)
    result = cli("start", created["sessionId"], "--type", "dsa")
    assert result.exit_code == 2
    assert "--type chooses questions for a new session" in result.stderr


def test_interactive_run_with_hint_skip_and_answers(cli, pack_file):
    typed = (
        "\n".join(
            [
                "/hint",
                "Sort by start time, then merge each interval into the previous one",
                "when they overlap, because sorted order puts overlaps side by side.",
                "",
                "/skip",
            ]
        )
        + "\n"
    )
    result = cli("start", "--pack", str(pack_file), input=typed)
    assert result.exit_code == 0, result.output
    assert "Question 1 of 2" in result.stderr
    assert "Think about" in result.stderr or "Consider" in result.stderr
    assert "Skipped." in result.stderr
    assert "/100" in result.stdout
    # the hint shows beside the question's score, in the terminal and in Markdown
    assert "1 hint used" in result.stdout
    markdown = cli("report", "last", "--format", "markdown").stdout
    assert re.search(r"\*\*Score:\*\* \d+/100 · 1 hint used", markdown)


def test_pause_then_resume_continues_at_the_first_unanswered_question(cli, pack_file, home):
    first = cli(
        "start", "--pack", str(pack_file), input="Sort them and merge overlaps.\n\n/pause\n"
    )
    assert first.exit_code == 0
    assert "Paused" in first.stderr
    session = first.stderr.split("mockint start ")[-1].split()[0]
    db = sqlite3.connect(home / "mockint.db")
    answers = db.execute(
        "SELECT text FROM turns WHERE kind = 'answer' AND session_id = ?", [session]
    ).fetchall()
    assert answers == [("Sort them and merge overlaps.",)]
    assert db.execute("SELECT status FROM sessions WHERE id = ?", [session]).fetchone() == (
        "IN_PROGRESS",
    )
    resumed = cli("start", session[:6], input="A function with its scope.\n\n")
    assert resumed.exit_code == 0, resumed.output
    assert "at question 2 of 2" in resumed.stderr
    assert "Question 2 of 2" in resumed.stderr
    assert "Question 1 of 2" not in resumed.stderr


def test_end_of_input_keeps_the_typed_answer(cli, pack_file, home):
    result = cli("start", "--pack", str(pack_file), input="half an answer")
    assert result.exit_code == 0
    db = sqlite3.connect(home / "mockint.db")
    assert db.execute("SELECT text FROM turns WHERE kind = 'answer'").fetchall() == [
        ("half an answer",)
    ]


def test_ctrl_c_exits_130_and_keeps_given_answers(cli, pack_file, home, monkeypatch):
    from mockint.cli.display import RichDisplay

    lines = iter(["first answer", ""])

    def read(self, prompt, timer=None):
        try:
            return next(lines)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(RichDisplay, "ask", read)  # the terminal: Ctrl-C at the third prompt
    result = cli("start", "--pack", str(pack_file))
    assert result.exit_code == 130
    assert (
        "Interrupted. Answers given so far are saved; resume with: mockint start" in result.stderr
    )
    db = sqlite3.connect(home / "mockint.db")
    assert db.execute("SELECT text FROM turns WHERE kind = 'answer'").fetchall() == [
        ("first answer",)
    ]


def test_a_session_named_by_its_id_is_named_from_question_1(cli):
    created = json.loads(cli("setup", "-t", "dsa", "-d", "easy", "-n", "2", "--json").stdout)
    session = created["sessionId"]
    first = cli("start", session, input="")  # input ends before any answer: paused
    assert first.exit_code == 0
    assert f"Starting session {session} at question 1 of 2." in first.stderr
    again = cli("start", session, input="")
    assert again.exit_code == 0
    assert f"Resuming session {session} at question 1 of 2." in again.stderr


def test_piped_answers_end_with_the_input_and_the_last_one_is_graded(cli, pack_file, home):
    # no blank line after the last answer: the end of the input submits it
    piped = "Sort by start, then merge overlapping neighbours.\n\nTwo pointers from both ends."
    result = cli("start", "--pack", str(pack_file), "--json", input=piped)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [
        "Sort by start, then merge overlapping neighbours.",
        "Two pointers from both ends.",
    ]
    assert "Paused" not in result.stderr
    # input that ends before the last question pauses there, the answers given kept
    early = cli("start", "--pack", str(pack_file), input="Only the first answer.")
    assert early.exit_code == 0
    assert "Paused. Your answers are saved; resume with: mockint start" in early.stderr
