"""Two runs of one session, and the cost of a long session: each question is answered once,
and a session's work is linear in its turns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import write_json
from mockint.enums import Difficulty, InterviewType, Provider
from mockint.errors import AnswerConflict, CompletedMeanwhile, ExitCode, SessionDeleted
from mockint.interview import session as session_module
from mockint.interview.session import Interview, setup_interview
from mockint.models.sessions import TurnKind
from mockint.questions.source import SelectionRequest
from mockint.storage.connection import connect, open_db
from mockint.storage.sessions import delete_sessions
from mockint.storage.turns import list_turns
from test_crash_safety import BARRIER_START


@pytest.fixture
def db(home: Path) -> Iterator[Database]:
    with connect() as database:
        yield database


def new_session(db: Database, count: int) -> str:
    request = SelectionRequest(
        type=InterviewType.DSA,
        difficulty=Difficulty.EASY,
        count=count,
        seed=5,
        provider=Provider.OFFLINE,
    )
    return setup_interview(db, request).session_id


def answer_turns(db: Database, session_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for turn in list_turns(db, session_id):
        if turn.kind in (TurnKind.ANSWER, TurnKind.SKIP):
            counts[turn.question_id] = counts.get(turn.question_id, 0) + 1
    return counts


def test_a_second_run_cannot_answer_a_question_the_first_one_answered(db: Database) -> None:
    sid = new_session(db, 3)
    first, second = Interview.open(db, sid), Interview.open(db, sid)  # both see it unanswered
    qid = first.items[0].question.id
    first.answer(qid, "A hash map from value to index.")
    with pytest.raises(AnswerConflict, match="answered meanwhile"):
        second.answer(qid, "Two nested loops.")
    with pytest.raises(AnswerConflict):
        second.skip(qid)
    assert answer_turns(db, sid) == {qid: 1}
    assert Interview.open(db, sid).items[0].answer == "A hash map from value to index."


def test_a_follow_up_answer_is_stored_once_too(db: Database) -> None:
    sid = new_session(db, 1)
    interview = Interview.open(db, sid)
    qid = interview.items[0].question.id
    interview.answer(qid, "A hash map.")
    interview.answer_follow_up(qid, "Linear time.")
    with pytest.raises(AnswerConflict):
        Interview.open(db, sid).answer_follow_up(qid, "Again.")
    assert Interview.open(db, sid).items[0].follow_up_answer == "Linear time."


def test_an_answer_after_a_skip_is_another_runs_and_refused(db: Database) -> None:
    # one run skipped the question while another answered it: one of the two is kept
    sid = new_session(db, 1)
    interview = Interview.open(db, sid)
    qid = interview.items[0].question.id
    interview.skip(qid)
    with pytest.raises(AnswerConflict):
        Interview.open(db, sid).answer(qid, "Another run's answer: a hash map.")
    with pytest.raises(AnswerConflict):
        Interview.open(db, sid).skip(qid)
    reopened = Interview.open(db, sid)
    assert reopened.items[0].skipped and reopened.items[0].answer is None
    kinds = [r["kind"] for r in db["turns"].rows_where("kind in ('answer', 'skip')")]
    assert kinds == ["skip"]


@pytest.mark.parametrize("second", ["answers", "skips"])
def test_two_processes_resuming_one_session_store_one_answer_per_question(
    db: Database, home: Path, tmp_path: Path, second: str
) -> None:
    sid = new_session(db, 4)
    go = tmp_path / "go"
    files = [
        write_json(tmp_path / "first.json", [f"first answer {i}: a hash map." for i in range(4)]),
        write_json(
            tmp_path / "second.json",
            [f"second answer {i}: a hash map." for i in range(4)]
            if second == "answers"
            else [None] * 4,  # one run skips every question while the other answers them
        ),
    ]
    procs = [
        subprocess.Popen(
            [
                *(sys.executable, "-c", BARRIER_START, str(tmp_path / f"ready-{i}"), str(go)),
                *("start", sid, "--provider", "offline", "--json", "--answers", str(path)),
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
        while not all((tmp_path / f"ready-{i}").exists() for i in range(2)):
            assert time.monotonic() < deadline, "the runs did not start"
            time.sleep(0.01)
    finally:
        go.touch()
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in procs]

    codes = sorted(code for code, _, _ in outcomes)
    assert codes[0] == 0 and codes[1] in (1, 2), outcomes
    winner = next(out for code, out, _ in outcomes if code == 0)
    loser_err = next(err for code, _, err in outcomes if code != 0)
    assert "Traceback" not in loser_err
    assert len([line for line in loser_err.splitlines() if line.startswith("Error:")]) == 1
    report = json.loads(winner)
    names = {(q["answer"] or "skipped").split()[0] for q in report["questions"]}
    assert len(names) == 1  # every graded answer (or skip) comes from one run's file
    check = open_db(home / "mockint.db")
    try:
        assert set(answer_turns(check, sid).values()) == {1}  # one answer or skip each
        assert len(answer_turns(check, sid)) == 4
    finally:
        check.conn.close()


def test_answering_a_long_session_never_re_reads_its_turns(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = new_session(db, 7)
    interview = Interview.open(db, sid)
    reads: list[str] = []
    original = session_module.list_turns

    def counting(database: Database, session_id: str):  # type: ignore[no-untyped-def]
        reads.append(session_id)
        return original(database, session_id)

    monkeypatch.setattr(session_module, "list_turns", counting)
    for item in interview.pending():
        interview.ask(item.question)
        interview.hint(item.question)
        interview.answer(item.question.id, "A hash map.")
    assert reads == []
    assert not interview.pending()
    assert all(item.hints_used == 1 for item in interview.items)


def test_a_session_deleted_between_answers_stops_the_run_in_one_line(db: Database) -> None:
    sid = new_session(db, 2)
    interview = Interview.open(db, sid)
    first = interview.items[0].question.id
    interview.answer(first, "A hash map.")
    delete_sessions(db, [sid])  # another mockint ran `mockint delete`
    with pytest.raises(SessionDeleted, match=f"Session {sid} was deleted .* while it was running"):
        interview.answer(interview.items[1].question.id, "Two pointers.")
    assert not list(db["turns"].rows)


def test_a_session_deleted_while_it_is_graded_saves_nothing(db: Database) -> None:
    sid = new_session(db, 1)
    interview = Interview.open(db, sid)
    interview.answer(interview.items[0].question.id, "A hash map.")

    class DeletesWhileGrading:
        name = "offline"

        def __init__(self) -> None:
            self.usage: list = []

        def grade(self, session, items):  # type: ignore[no-untyped-def]
            from mockint.grading.factory import get_grader

            report = get_grader("offline").grade(session, items)
            delete_sessions(db, [sid])
            return report

    with pytest.raises(SessionDeleted, match="while it was being graded"):
        interview.finish(grader=DeletesWhileGrading())
    assert not list(db["reports"].rows) and not list(db["sessions"].rows)


def test_a_session_another_run_graded_meanwhile_is_a_runtime_error_not_a_usage_one(
    db: Database,
) -> None:
    sid = new_session(db, 1)
    first = Interview.open(db, sid)
    first.answer(first.items[0].question.id, "A hash map.")
    second = Interview.open(db, sid)  # another run holds the answered session too
    first.finish(Provider.OFFLINE)
    with pytest.raises(CompletedMeanwhile, match=f"Session {sid} is already completed") as raised:
        second.finish(Provider.OFFLINE)
    assert raised.value.exit_code == ExitCode.FAILURE  # 1: nothing the user asked was wrong
