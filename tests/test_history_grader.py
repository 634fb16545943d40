"""Which grader graded each session is visible in history, and history filters by it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlite_utils import Database

from displays import RecordingDisplay
from mockint.enums import Difficulty, GraderKind, InterviewType, Provider
from mockint.errors import ProviderUnavailable
from mockint.grading.factory import get_grader
from mockint.history.stats import list_history
from mockint.interview.session import Interview, setup_interview
from mockint.models.history import HistoryFilter
from mockint.models.reports import grader_of
from mockint.questions.source import SelectionRequest
from mockint.runners.base import RunnerSettings
from mockint.runners.factory import get_runner, run_interview
from mockint.storage.connection import connect


class FakeGemini:
    """Grades as the offline grader does, labelled as Gemini would label its report."""

    name = "gemini"

    def __init__(self) -> None:
        self.usage: list = []

    def grade(self, session, items):
        report = get_grader("offline").grade(session, items)
        report.grader = "gemini (gemini-3.8-flash)"
        return report


class DownGemini:
    name = "gemini"

    def __init__(self) -> None:
        self.usage: list = []

    def grade(self, session, items):
        raise ProviderUnavailable("HTTP 503")


@pytest.fixture
def db(home) -> Iterator[Database]:
    with connect() as database:
        yield database


def graded(db: Database, grader, kind: InterviewType) -> str:
    request = SelectionRequest(
        type=kind, difficulty=Difficulty.EASY, count=1, seed=3, provider=Provider.OFFLINE
    )
    interview = Interview.open(db, setup_interview(db, request).session_id)
    display = RecordingDisplay(typed=["A hash map of what I have seen, so lookups are O(1).", ""])
    run_interview(interview, get_runner(RunnerSettings(provider=Provider.OFFLINE), display))
    interview.finish(grader=grader)
    return interview.session.id


@pytest.fixture
def three(db: Database) -> dict[str, str]:
    return {
        "gemini": graded(db, FakeGemini(), InterviewType.DSA),
        "fallback": graded(db, DownGemini(), InterviewType.DSA),
        "offline": graded(db, get_grader("offline"), InterviewType.JAVASCRIPT),
    }


def test_grader_labels_are_read_by_kind_and_fallback() -> None:
    assert grader_of("offline") == (GraderKind.OFFLINE, False)
    assert grader_of("gemini (gemini-3.8-flash)") == (GraderKind.GEMINI, False)
    assert grader_of("offline (Gemini unavailable: HTTP 503)") == (GraderKind.OFFLINE, True)
    assert grader_of("someone else") == (None, False)


def test_history_lists_each_sessions_grader_marking_fallbacks(db, three) -> None:
    items = {i.session_id: i for i in list_history(db, HistoryFilter()).interviews}
    assert (items[three["gemini"]].grader, items[three["gemini"]].grader_fallback) == (
        GraderKind.GEMINI,
        False,
    )
    assert (items[three["fallback"]].grader, items[three["fallback"]].grader_fallback) == (
        GraderKind.OFFLINE,
        True,
    )
    assert (items[three["offline"]].grader, items[three["offline"]].grader_fallback) == (
        GraderKind.OFFLINE,
        False,
    )


def test_history_filters_by_grader_in_the_list_and_the_statistics(db, three) -> None:
    gemini = list_history(db, HistoryFilter(grader=GraderKind.GEMINI))
    assert [i.session_id for i in gemini.interviews] == [three["gemini"]]
    assert gemini.statistics.total_interviews == 1
    assert list(gemini.statistics.by_type) == ["dsa"]
    offline = list_history(db, HistoryFilter(grader=GraderKind.OFFLINE))
    assert {i.session_id for i in offline.interviews} == {three["fallback"], three["offline"]}
    assert offline.statistics.total_interviews == 2


def test_the_cli_shows_and_filters_the_grader(cli, three) -> None:
    table = cli("history")
    assert table.exit_code == 0, table.stderr
    assert "Grader" in table.stdout
    assert "offline*" in table.stdout and "* graded offline: Gemini was unavailable" in table.stdout
    data = json.loads(cli("history", "--grader", "gemini", "--json").stdout)
    assert [(i["sessionId"], i["grader"], i["graderFallback"]) for i in data["interviews"]] == [
        (three["gemini"], "gemini", False)
    ]
    bad = cli("history", "--grader", "gpt")
    assert bad.exit_code == 2 and "--grader" in bad.stderr
