"""Drafts and active time at the library level: the text runner with a recording display.

What the candidate typed but did not submit is kept as a draft when the interview is
interrupted or paused, offered again on resume with its clock going on from where it
stopped; a session's duration is the time spent answering, never the time paused.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

import test_runners as runner_tests
from displays import RecordingDisplay
from mockint.clock import now
from mockint.enums import Provider, Status
from mockint.history.stats import list_history
from mockint.interview.session import Interview, answered_questions
from mockint.models.sessions import TurnKind
from mockint.runners.base import AnswerRequest, Entry, EntryEnd, Interrupted, Outcome, Tone
from mockint.runners.text import TextRunner
from mockint.storage.connection import connect
from mockint.storage.sessions import set_status
from mockint.storage.turns import list_turns


@pytest.fixture
def db(home: Path) -> Iterator[Database]:
    with connect() as database:
        yield database


def new_interview(db: Database) -> Interview:
    return runner_tests.new_interview(db, count=2)


class Clock:
    """A monotonic clock the test moves: each answer the display takes lasts ``step`` s."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TimedDisplay(RecordingDisplay):
    """Types like RecordingDisplay, taking ``step`` seconds of ``clock`` per answer."""

    def __init__(self, typed: list[str | Entry], clock: Clock, step: float) -> None:
        super().__init__(typed=typed)
        self.clock, self.step = clock, step
        self.elapsed: list[float] = []  # each answer's clock when it was submitted

    def answer(self, request: AnswerRequest) -> Entry:
        self.clock.now += self.step
        self.elapsed.append(request.elapsed())
        return super().answer(request)


def draft_turns(db: Database, session_id: str) -> list[str]:
    return [t.text for t in list_turns(db, session_id) if t.kind == TurnKind.DRAFT]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGHUP, signal.SIGTERM])
def test_an_interrupted_answer_becomes_a_draft_offered_on_resume_with_its_time(
    db: Database, signum: int
) -> None:
    interview = new_interview(db)
    clock = Clock()
    typed: list[str | Entry] = [
        Entry("Binary search\nfor the left bound", EntryEnd.INTERRUPTED, signal=signum)
    ]
    runner = TextRunner(TimedDisplay(typed, clock, step=25), monotonic=clock)

    with pytest.raises(Interrupted) as stopped:
        runner.run(interview)
    assert stopped.value.signum == signum and stopped.value.draft_saved
    first = answered_questions(db, interview.session.id)[0]
    assert first.answer is None and not first.skipped
    assert first.draft == "Binary search\nfor the left bound"
    assert first.draft_seconds == 25

    resumed = Interview.open(db, interview.session.id)
    display = TimedDisplay(
        [Entry("Binary search\nfor the left bound, then check it."), "/skip"], clock, step=10
    )
    assert TextRunner(display, monotonic=clock).run(resumed) == Outcome.COMPLETED

    offered = display.requests[0]
    assert offered.draft == "Binary search\nfor the left bound"
    assert display.elapsed[0] == 25 + 10  # the clock goes on from the draft's time
    assert (
        Tone.NOTICE,
        "Your unsent draft (2 lines, 00:25 spent) is back where you left it: finish it and submit.",
    ) in display.said
    first = answered_questions(db, interview.session.id)[0]
    assert first.answer == "Binary search\nfor the left bound, then check it."
    assert first.seconds_taken == 35
    assert first.draft is None
    assert draft_turns(db, interview.session.id) == []  # answered: the draft has served


def test_lines_typed_then_interrupted_are_kept_as_a_draft(db: Database) -> None:
    interview = new_interview(db)
    display = RecordingDisplay(
        typed=["A hash map", "of complements", Entry("", EntryEnd.INTERRUPTED, signal=15)]
    )
    with pytest.raises(Interrupted) as stopped:
        TextRunner(display).run(interview)
    assert stopped.value.signum == signal.SIGTERM
    assert answered_questions(db, interview.session.id)[0].draft == "A hash map\nof complements"


def test_a_command_keeps_the_answer_typed_so_far_in_the_editor(db: Database) -> None:
    interview = new_interview(db)
    display = RecordingDisplay(
        typed=[
            Entry("/hint", draft="Scan once"),
            Entry("/help", draft="Scan once, keeping"),
            Entry("Scan once, keeping a set."),
            Entry("/skip"),
        ]
    )
    assert TextRunner(display).run(interview) == Outcome.COMPLETED
    assert [r.draft for r in display.requests] == ["", "Scan once", "Scan once, keeping", ""]
    first, second = answered_questions(db, interview.session.id)
    assert first.answer == "Scan once, keeping a set." and first.hints_used == 1
    assert second.skipped


@pytest.mark.parametrize("command", ["/pause", "/quit"])
def test_pausing_keeps_the_answer_typed_so_far_as_a_draft(db: Database, command: str) -> None:
    interview = new_interview(db)
    display = RecordingDisplay(typed=[Entry(command, draft="Half of an answer")])
    assert TextRunner(display).run(interview) == Outcome.PAUSED
    assert answered_questions(db, interview.session.id)[0].draft == "Half of an answer"
    assert get_status(db, interview) == Status.IN_PROGRESS


def get_status(db: Database, interview: Interview) -> Status:
    return Interview.open(db, interview.session.id).session.status


def test_saving_a_draft_again_replaces_it(db: Database) -> None:
    interview = new_interview(db)
    question = interview.questions[0]
    interview.ask(question)
    for text in ("one", "one two", "one two three"):
        interview.save_draft(question.id, text, seconds=3)
    assert draft_turns(db, interview.session.id) == ["one two three"]


def test_the_duration_is_the_time_spent_answering_not_the_time_paused(db: Database) -> None:
    interview = new_interview(db)
    clock = Clock()
    display = TimedDisplay(["A hash map of complements.", "", "/pause"], clock, step=20)
    assert TextRunner(display, monotonic=clock).run(interview) == Outcome.PAUSED
    # the session was started an hour ago and paused since
    set_status(db, interview.session.id, Status.IN_PROGRESS, started_at=now() - timedelta(hours=1))

    resumed = Interview.open(db, interview.session.id)
    display = TimedDisplay(["XOR all the values.", ""], clock, step=20)
    assert TextRunner(display, monotonic=clock).run(resumed) == Outcome.COMPLETED
    report = resumed.finish(Provider.OFFLINE)

    # first answer: 20 s; second: 20 s before /pause (kept with its draft), 20 s after
    assert report.duration_seconds == 20 + 20 + 20
    listed = list_history(db).interviews
    assert [(i.session_id, i.duration) for i in listed] == [(interview.session.id, 60)]


def test_without_a_terminal_a_draft_is_shown_and_typed_lines_follow_it(cli, home: Path) -> None:
    created = cli("setup", "-t", "dsa", "-d", "easy", "-n", "1", "--json")
    session_id = json.loads(created.stdout)["sessionId"]
    with connect() as db:
        interview = Interview.open(db, session_id)
        question = interview.questions[0]
        interview.ask(question)
        interview.save_draft(question.id, "Typed before the pause,", seconds=12)
    result = cli("start", session_id, "--json", input="and finished from a pipe.\n\n")
    assert result.exit_code == 0, result.output
    assert "Your unsent draft (1 line, 00:12 spent)" in result.stderr
    assert "Typed before the pause," in result.stderr
    report = json.loads(result.stdout)
    assert report["questions"][0]["answer"] == "Typed before the pause,\nand finished from a pipe."
