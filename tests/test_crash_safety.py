"""Answers survive a killed process, Ctrl-C and concurrent runs.

These tests run the real ``mockint`` program in a child process (in a
pseudo-terminal for the interactive ones) and check the database through the
library afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect

from conftest import write_json
from mockint.enums import Status
from mockint.interview.session import answered_questions
from mockint.storage.connection import open_db
from mockint.storage.sessions import get_session
from mockint.storage.turns import list_turns
from terminal import PROMPT, TIMEOUT, new_session, spawn, type_answer

MOCKINT = [sys.executable, "-m", "mockint"]


def stored_draft(home: Path, session_id: str, position: int) -> str | None:
    db = open_db(home / "mockint.db")
    try:
        return answered_questions(db, session_id)[position - 1].draft
    finally:
        db.conn.close()


def test_a_killed_interview_keeps_its_answers_and_resumes_at_the_next_question(home: Path):
    first = [
        "I would scan the prices once, keeping the lowest price so far,",
        "and the best profit.",
    ]
    second = "Walk the list with prev, curr and next pointers, reversing each link in place."
    child = spawn("start", "--type", "dsa", "--difficulty", "easy", "--seed", "1")
    session_id, total = new_session(child)
    assert total >= 3
    type_answer(child, *first)
    child.expect_exact(f"Question 2 of {total}")
    type_answer(child, second)
    child.expect_exact(f"Question 3 of {total}")
    child.expect_exact(PROMPT)
    child.send("a third answer, typed but never submitted")
    child.wait_for_screen("never submitted")
    # the editor saves a changing draft every few seconds: even SIGKILL leaves it
    deadline = time.monotonic() + TIMEOUT
    while stored_draft(home, session_id, 3) is None:
        assert time.monotonic() < deadline, "the draft was never saved"
        time.sleep(0.5)
    child.kill(signal.SIGKILL)
    child.wait()
    assert child.signalstatus == signal.SIGKILL

    db = open_db(home / "mockint.db")
    try:
        assert get_session(db, session_id).status == Status.IN_PROGRESS
        items = answered_questions(db, session_id)
        assert [item.answer for item in items[:3]] == ["\n".join(first), second, None]
        assert not any(item.skipped for item in items)
        answers = [t.text for t in list_turns(db, session_id) if t.kind.value == "answer"]
        assert answers == ["\n".join(first), second]
    finally:
        db.conn.close()

    resumed = spawn("start", session_id[:6])
    resumed.expect_exact(f"Resuming session {session_id} at question 3 of {total}.")
    resumed.expect_exact(f"Question 3 of {total}")
    assert "Question 1 of" not in resumed.transcript()
    assert "Question 2 of" not in resumed.transcript()
    resumed.expect_exact("Your unsent draft (1 line")
    resumed.wait_for_screen("a third answer, typed but never submitted")
    type_answer(  # the cursor waits on a new line under the draft
        resumed,
        "- no: use a hash map from value to index while scanning once.",
        prompt_shown=True,
    )
    resumed.expect_exact(f"Question 4 of {total}")
    resumed.expect_exact(PROMPT)
    resumed.send("/pause\r")
    resumed.expect_exact(f"resume with: mockint start {session_id}")
    resumed.expect(pexpect.EOF)
    resumed.close()
    assert resumed.exitstatus == 0

    db = open_db(home / "mockint.db")
    try:
        items = answered_questions(db, session_id)
        assert [item.answer for item in items[:4]] == [
            "\n".join(first),
            second,
            "a third answer, typed but never submitted\n- no: use a hash map from value to "
            "index while scanning once.",
            None,
        ]
    finally:
        db.conn.close()


def test_ctrl_c_at_the_prompt_exits_130_keeps_the_answer_and_says_how_to_resume(home: Path):
    child = spawn("start", "--type", "dsa", "--difficulty", "easy", "--seed", "2")
    session_id, total = new_session(child)
    type_answer(child, "Sort first, then use two pointers from both ends.")
    child.expect_exact(f"Question 2 of {total}")
    child.expect_exact(PROMPT)
    child.send("\x03")
    child.expect_exact("Interrupted. Answers given so far are saved; resume with: ")
    child.expect_exact(f"mockint start {session_id}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.transcript()

    db = open_db(home / "mockint.db")
    try:
        items = answered_questions(db, session_id)
        assert items[0].answer == "Sort first, then use two pointers from both ends."
        assert items[1].answer is None and not items[1].skipped
        assert get_session(db, session_id).status == Status.IN_PROGRESS
    finally:
        db.conn.close()


# Runs ``mockint ARGS`` like the console script does, but only once every run has started and
# imported its modules, so that all of them reach the new database at the same moment.
BARRIER_START = """
import sys, time
from pathlib import Path

import mockint.cli.app, mockint.storage.connection, mockint.interview.session, mockint.runners

ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.002)
sys.argv = ["mockint", *sys.argv[3:]]
from mockint.cli.app import main

main()
"""


def test_eight_scripted_runs_at_once_on_a_new_database_all_complete(cli, home: Path, tmp_path):
    assert not home.exists()  # no database yet: the runs also race to create and migrate it
    go = tmp_path / "go"
    files = [
        write_json(
            tmp_path / f"answers-{i}.json",
            [f"Run {i}: I would keep a hash map from each value to its index, scanning once."],
        )
        for i in range(8)
    ]
    start = ["start", "-t", "dsa", "-d", "easy", "--json", "--answers"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                BARRIER_START,
                str(tmp_path / f"ready-{i}"),
                str(go),
                *start,
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(os.environ),
            text=True,
            encoding="utf-8",
        )
        for i, path in enumerate(files)
    ]
    deadline = time.monotonic() + 60
    try:
        while not all((tmp_path / f"ready-{i}").exists() for i in range(8)):
            assert time.monotonic() < deadline, "the runs did not start"
            assert all(p.poll() is None for p in procs), "a run ended before the start signal"
            time.sleep(0.01)
    finally:
        go.touch()  # never leave a run waiting
    reports = []
    for i, proc in enumerate(procs):
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"run {i} failed: {stderr}"
        report = json.loads(stdout)
        assert report["status"] == "COMPLETED"
        assert report["questions"][0]["answer"] == (
            f"Run {i}: I would keep a hash map from each value to its index, scanning once."
        )
        reports.append(report)
    session_ids = {r["sessionId"] for r in reports}
    assert len(session_ids) == 8

    result = cli("history", "--json", "--limit", "100")
    assert result.exit_code == 0, result.output
    history = json.loads(result.stdout)
    assert history["total"] == 8
    assert {item["sessionId"] for item in history["interviews"]} == session_ids
    assert {item["status"] for item in history["interviews"]} == {"COMPLETED"}
    assert history["statistics"]["totalInterviews"] == 8


def test_ctrl_c_at_a_confirmation_or_key_prompt_exits_130_and_changes_nothing(cli, home, tmp_path):
    answers = write_json(tmp_path / "a.json", ["A hash map."])
    assert (
        cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers)).exit_code == 0
    )
    child = spawn("delete", "last")
    child.expect_exact("Delete it?")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.transcript()
    assert open_db()["sessions"].count == 1
    child = spawn("keys", "set", "gemini")
    child.expect_exact("(hidden)")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.transcript()
    assert "Traceback" not in child.transcript()
    assert not (home / "keys.json").exists()
