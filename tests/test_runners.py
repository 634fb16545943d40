"""Runners tested at the library level: a recording display instead of a terminal, and a
fake runner registered for a mode, with no CLI involved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import write_json
from displays import RecordingDisplay
from mockint.enums import Difficulty, InterviewType, Mode, Provider, Status
from mockint.errors import GradingError, ProviderUnavailable, UsageError
from mockint.interview.session import Interview, answered_questions, hints_for, setup_interview
from mockint.questions.bank import bank_questions
from mockint.questions.source import SelectionRequest
from mockint.runners.base import Display, Entry, Outcome, Runner, RunnerSettings, Tone
from mockint.runners.factory import get_runner, register_runner, run_interview
from mockint.storage.connection import connect
from mockint.storage.sessions import get_session
from mockint.voice import VoiceError


@pytest.fixture
def db(home: Path) -> Iterator[Database]:
    with connect() as database:
        yield database


def new_interview(db: Database, count: int = 3) -> Interview:
    request = SelectionRequest(
        type=InterviewType.DSA,
        difficulty=Difficulty.EASY,
        count=count,
        seed=11,
        provider=Provider.OFFLINE,
    )
    return Interview.open(db, setup_interview(db, request).session_id)


def test_the_text_runner_asks_each_question_and_stores_each_answer(db: Database) -> None:
    interview = new_interview(db)
    typed = [
        "/hint",
        "A hash map from value to index;",
        "look up the complement first.",
        "",
        "/skip",
        "A queue for BFS.",
        "",
    ]
    display = RecordingDisplay(typed=typed)
    runner = get_runner(RunnerSettings(provider=Provider.OFFLINE), display)
    assert runner.name == "text"

    assert run_interview(interview, runner) == Outcome.COMPLETED

    ids = [q.id for q in interview.questions]
    assert display.shown == [(ids[0], 1, 3), (ids[1], 2, 3), (ids[2], 3, 3)]
    assert [tone for tone, _ in display.said].count(Tone.HINT) == 1
    assert (Tone.NOTICE, "Skipped.") in display.said
    assert all(t.allowed and t.allowed > 0 for t in display.timers)
    stored = {item.question.id: item for item in answered_questions(db, interview.session.id)}
    assert stored[ids[0]].answer == (
        "A hash map from value to index;\nlook up the complement first."
    )
    assert stored[ids[0]].hints_used == 1
    assert stored[ids[1]].skipped
    assert stored[ids[2]].answer == "A queue for BFS."


def test_the_text_runner_keeps_a_half_typed_answer_when_input_ends(db: Database) -> None:
    interview = new_interview(db)
    display = RecordingDisplay(typed=["First line of an answer", "second line"])
    runner = get_runner(RunnerSettings(provider=Provider.OFFLINE), display)

    assert run_interview(interview, runner) == Outcome.PAUSED

    first = answered_questions(db, interview.session.id)[0]
    assert first.answer == "First line of an answer\nsecond line"
    assert get_session(db, interview.session.id).status == Status.IN_PROGRESS
    resumed = Interview.open(db, interview.session.id)
    assert len(resumed.pending()) == 2


class AnswersEverything:
    """A runner for a new transport, as a test would write one: answers every question."""

    name = "fake"

    def __init__(self, display: Display) -> None:
        self.display = display

    def run(self, interview: Interview) -> Outcome:
        for item in interview.pending():
            interview.ask(item.question)
            self.display.question(
                item.question, interview.position(item.question.id), len(interview.items)
            )
            interview.answer(item.question.id, f"My answer to {item.question.id}.", seconds=5)
        return Outcome.COMPLETED


def test_a_runner_registered_for_a_mode_runs_and_is_graded_without_the_cli(
    db: Database,
) -> None:
    def factory(settings: RunnerSettings, display: Display) -> Runner:
        return AnswersEverything(display)

    previous = register_runner(Mode.VOICE, factory)
    try:
        display = RecordingDisplay(typed=[])
        runner = get_runner(RunnerSettings(mode=Mode.VOICE), display)
        interview = new_interview(db, count=2)
        assert run_interview(interview, runner) == Outcome.COMPLETED
    finally:
        assert register_runner(Mode.VOICE, previous) is factory

    report = interview.finish(Provider.OFFLINE)
    assert [q.answer for q in report.questions] == [
        f"My answer to {q.id}." for q in interview.questions
    ]
    assert get_session(db, interview.session.id).status == Status.COMPLETED
    assert len(display.shown) == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (RunnerSettings(mode=Mode.TEXT, answers_audio=Path("a")), "--answers-audio needs"),
        (RunnerSettings(mode=Mode.TEXT, phone="+15555550100"), "--phone needs --mode vapi"),
        (RunnerSettings(mode=Mode.VOICE, answers=Path("a.json")), "--answers is for text"),
    ],
)
def test_options_that_do_not_fit_the_mode_are_refused_before_any_session(
    db: Database, settings: RunnerSettings, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        get_runner(settings, RecordingDisplay(typed=[]))
    assert not list(db["sessions"].rows)


def test_a_runner_refusing_its_input_leaves_no_new_session(db: Database) -> None:
    class Refuses:
        name = "refuses"

        def run(self, interview: Interview) -> Outcome:
            raise UsageError("these answers do not fit")

    interview = new_interview(db, count=1)
    with pytest.raises(UsageError):
        run_interview(interview, Refuses(), discard_if_refused=True)
    assert not list(db["sessions"].rows)


class UnavailableGrader:
    """A grader whose service is down, as a test injects one: no monkeypatching."""

    name = "gemini"

    def __init__(self) -> None:
        self.usage: list = []

    def grade(self, session, items):
        raise ProviderUnavailable("HTTP 503 from the service")


def test_an_injected_grader_that_is_unavailable_falls_back_offline_and_says_so(
    db: Database,
) -> None:
    interview = new_interview(db, count=2)
    display = RecordingDisplay(typed=["A hash map of complements.", "", "/skip"])
    run_interview(interview, get_runner(RunnerSettings(provider=Provider.OFFLINE), display))

    report = interview.finish(grader=UnavailableGrader())

    assert report.grader == "offline (Gemini unavailable: HTTP 503 from the service)"
    assert "Graded offline: Gemini was unavailable (HTTP 503 from the service)." in report.notes
    assert report.questions[0].answer == "A hash map of complements."


class RejectedKeyGrader:
    name = "gemini"

    def __init__(self) -> None:
        self.usage: list = []

    def grade(self, session, items):
        raise UsageError("Gemini rejected the API key (HTTP 401).")


def test_a_failed_grading_says_the_answers_are_saved_and_how_to_grade_them(
    db: Database, cli
) -> None:
    interview = new_interview(db, count=2)
    display = RecordingDisplay(typed=["A hash map of complements.", "", "/skip"])
    run_interview(interview, get_runner(RunnerSettings(provider=Provider.OFFLINE), display))
    sid = interview.session.id

    with pytest.raises(GradingError) as failed:
        interview.finish(grader=RejectedKeyGrader())
    assert failed.value.exit_code == 2
    assert failed.value.message == (
        "Gemini rejected the API key (HTTP 401). Your answers are saved: grade them offline "
        f"with `mockint start {sid} --provider offline`, or fix this and run `mockint start {sid}`."
    )
    assert get_session(db, sid).status == Status.IN_PROGRESS

    # the command it names grades the saved answers, saying so instead of asking anything
    result = cli("start", sid, "--provider", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    assert f"All 2 questions of session {sid} are answered; grading." in result.stderr
    assert "question 3 of 2" not in result.stderr
    report = json.loads(result.stdout)
    assert report["questions"][0]["answer"] == "A hash map of complements."
    assert report["questions"][1]["skipped"] is True
    assert "was not used" not in result.stderr


def test_an_answers_file_for_an_answered_session_is_said_to_be_unused(
    db: Database, cli, tmp_path
) -> None:
    interview = new_interview(db, count=1)
    display = RecordingDisplay(typed=["A hash map of complements.", ""])
    run_interview(interview, get_runner(RunnerSettings(provider=Provider.OFFLINE), display))
    other = write_json(tmp_path / "other.json", ["Something else entirely."])
    result = cli("start", interview.session.id, "--answers", str(other), "--json")
    assert result.exit_code == 0, result.stderr
    assert "--answers was not used: every question already has a stored answer." in result.stderr
    assert json.loads(result.stdout)["questions"][0]["answer"] == "A hash map of complements."


@pytest.mark.parametrize("content", ["[]", "{}", "[null, null]", '["  ", null]'])
def test_an_answers_file_that_answers_nothing_is_refused_before_any_session(
    cli, tmp_path, content
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(content, encoding="utf-8")
    result = cli("start", "-t", "dsa", "-d", "easy", "--answers", str(empty), "--json")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Answers file {empty} holds no answers, so there is nothing to grade. Give at "
        "least one answer (null skips a question), or leave out --answers to answer in the "
        "terminal.\n"
    )
    assert json.loads(cli("history", "--json").stdout)["total"] == 0


def test_hints_name_each_key_points_concept_in_order() -> None:
    two_sum = next(q for q in bank_questions() if q.id == "dsa-easy-two-sum")
    hints = hints_for(two_sum)
    assert hints[0] == "Think about: arrays, hash map."
    assert hints[2] == "Consider: complement lookup in a hash map."
    assert len(hints) == 1 + len(two_sum.key_points)


def test_text_typed_above_skip_is_kept_with_the_skip_and_not_graded(db: Database, cli) -> None:
    interview = new_interview(db, count=1)
    # as the editor hands it over: the command, and what was typed above it
    display = RecordingDisplay(typed=[Entry("/skip", draft="A half-formed idea about hashing")])
    run_interview(interview, get_runner(RunnerSettings(provider=Provider.OFFLINE), display))
    assert (Tone.NOTICE, "Skipped. What you typed is kept in the transcript.") in display.said
    [item] = answered_questions(db, interview.session.id)
    assert item.skipped and item.answer is None  # no answer: nothing of it is graded
    exported = cli("export").stdout
    assert "A half-formed idea about hashing" in exported
    markdown = cli("export", "-F", "markdown", "-o", "-").stdout
    assert "*(skipped)*" in markdown and "A half-formed idea about hashing" in markdown


def test_a_session_with_only_its_first_question_asked_is_discarded_when_refused(
    db: Database,
) -> None:
    # a voice run asks question 1, then finds its recording unusable: nothing of the
    # candidate's is stored, so no empty session is left behind
    class AsksThenRefuses:
        name = "voice"

        def run(self, interview: Interview) -> Outcome:
            interview.ask(interview.items[0].question)
            raise VoiceError("01.wav is 50 ms long: too short to hold an answer")

    interview = new_interview(db, count=2)
    with pytest.raises(VoiceError):
        run_interview(interview, AsksThenRefuses(), discard_if_refused=True)
    assert not list(db["sessions"].rows) and not list(db["turns"].rows)
    # one with an answer stored stays, to resume
    kept = new_interview(db, count=2)

    class AnswersThenRefuses:
        name = "voice"

        def run(self, interview: Interview) -> Outcome:
            first = interview.items[0].question
            interview.ask(first)
            interview.answer(first.id, "A hash map from value to index.")
            raise VoiceError("02.wav is silent")

    with pytest.raises(VoiceError):
        run_interview(kept, AnswersThenRefuses(), discard_if_refused=True)
    assert [r["id"] for r in db["sessions"].rows] == [kept.session.id]


def test_a_question_source_and_a_grader_are_registered_fakes_not_monkeypatches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mockint.grading.factory import register_grader
    from mockint.models.questions import Question
    from mockint.questions.factory import register_source
    from mockint.questions.source import Selection

    written = Question(
        id="fake-1",
        type=InterviewType.DSA,
        difficulty=Difficulty.EASY,
        text="Reverse a linked list.",
        key_points=["Walk the list once, pointing each node back at the previous one."],
    )

    class FakeSource:
        name = "fake"

        def select(self, request: SelectionRequest) -> Selection:
            return Selection(questions=[written], type=InterviewType.DSA,
                             difficulty=Difficulty.EASY, source=self.name, estimated_minutes=5)  # fmt: skip

    monkeypatch.setenv("GEMINI_API_KEY", "AIzaSyA-a-key-no-request-is-ever-made-with")
    previous_source = register_source(Provider.GEMINI, lambda model: FakeSource())
    previous_grader = register_grader("gemini", lambda model: UnavailableGrader())
    try:
        request = SelectionRequest(
            type=InterviewType.DSA, difficulty=Difficulty.EASY, provider=Provider.GEMINI
        )
        interview = Interview.open(db, setup_interview(db, request).session_id)
        assert [item.question.id for item in interview.items] == ["fake-1"]
        display = RecordingDisplay(typed=["Three pointers: prev, current, next.", ""])
        run_interview(interview, get_runner(RunnerSettings(provider=Provider.OFFLINE), display))
        report = interview.finish(Provider.GEMINI)
    finally:
        register_source(Provider.GEMINI, previous_source)
        register_grader("gemini", previous_grader)
    assert report.grader == "offline (Gemini unavailable: HTTP 503 from the service)"
    assert report.questions[0].answer == "Three pointers: prev, current, next."
