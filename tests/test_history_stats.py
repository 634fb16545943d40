"""History filters, sorting, pages and statistics on a known data set (exact numbers)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from history_data import NOW, add_session, question
from mockint.clock import now
from mockint.enums import Difficulty, InterviewType, Status
from mockint.errors import UsageError
from mockint.history.stats import list_history, statistics, trend
from mockint.models.history import HistoryFilter
from mockint.storage.connection import open_db
from mockint.timespec import days_ago
from mockint.wording import counted

CACHE = question("sd-cache", InterviewType.SYSTEM_DESIGN, ["caching", "scalability"])
SHARD = question("sd-shard", InterviewType.SYSTEM_DESIGN, ["databases", "scalability"])
TWO_SUM = question("dsa-two-sum", InterviewType.DSA, ["hashing", "arrays"])


@pytest.fixture
def db(home):
    """Seven sessions over two months: five graded, one in progress, one just set up."""
    db = open_db()
    dsa, sd = InterviewType.DSA, InterviewType.SYSTEM_DESIGN
    add_session(
        db,
        "a00000000001",
        dsa,
        Difficulty.EASY,
        60,
        40,
        questions=[(TWO_SUM, 40, ["dsa-two-sum point two"])],
        rubric={"approach": 40},
    )
    add_session(
        db,
        "a00000000002",
        dsa,
        Difficulty.EASY,
        40,
        70,
        questions=[(TWO_SUM, 70, [])],
        rubric={"approach": 80},
    )
    add_session(
        db,
        "a00000000003",
        dsa,
        Difficulty.HARD,
        20,
        55,
        questions=[(TWO_SUM, 55, ["dsa-two-sum point two"])],
        rubric={"approach": 60},
    )
    add_session(
        db,
        "a00000000004",
        sd,
        Difficulty.MEDIUM,
        10,
        30,
        questions=[
            (CACHE, 20, ["sd-cache point one", "sd-cache point two"]),
            (SHARD, 40, ["sd-shard point one"]),
        ],
        rubric={"scaling": 30},
    )
    add_session(
        db,
        "a00000000005",
        sd,
        Difficulty.MEDIUM,
        2,
        50,
        questions=[(CACHE, 45, ["sd-cache point one"]), (SHARD, 55, [])],
        rubric={"scaling": 50},
    )
    add_session(db, "a00000000006", dsa, Difficulty.MEDIUM, 1, None)
    # set up half a day before the real now: one set up over a day ago is not listed
    add_session(db, "a00000000007", sd, Difficulty.EASY, 0.5, None, status=Status.SETUP, now=now())
    return db  # fmt: skip


def ids(page) -> list[str]:
    return [item.session_id for item in page.interviews]


def test_default_listing_is_newest_first_with_page_of_ten(db):
    page = list_history(db)
    assert ids(page) == [f"a0000000000{n}" for n in (7, 6, 5, 4, 3, 2, 1)]
    assert (page.total, page.page, page.total_pages, page.limit) == (7, 1, 1, 10)


def test_filters_by_type_difficulty_and_status(db):
    assert ids(list_history(db, HistoryFilter(type=InterviewType.DSA))) == [
        "a00000000006", "a00000000003", "a00000000002", "a00000000001"
    ]  # fmt: skip
    assert ids(list_history(db, HistoryFilter(difficulty=Difficulty.EASY))) == [
        "a00000000007", "a00000000002", "a00000000001"
    ]  # fmt: skip
    assert ids(list_history(db, HistoryFilter(status=Status.IN_PROGRESS))) == ["a00000000006"]
    assert ids(list_history(db, HistoryFilter(status=Status.SETUP))) == ["a00000000007"]


def test_date_range_bounds(db):
    since = HistoryFilter(since=NOW - timedelta(days=20))
    assert ids(list_history(db, since))[-1] == "a00000000003"  # exactly 20 days ago is included
    window = HistoryFilter(since=NOW - timedelta(days=45), until=NOW - timedelta(days=5))
    assert ids(list_history(db, window)) == ["a00000000004", "a00000000003", "a00000000002"]


def test_sort_by_score_puts_ungraded_last(db):
    assert ids(list_history(db, sort="score")) == [
        "a00000000002", "a00000000003", "a00000000005", "a00000000001", "a00000000004",
        "a00000000007", "a00000000006",
    ]  # fmt: skip


def test_page_boundaries(db):
    first, second, third = (list_history(db, page=n, limit=3) for n in (1, 2, 3))
    assert [len(p.interviews) for p in (first, second, third)] == [3, 3, 1]
    assert first.total_pages == 3
    assert set(ids(first)) | set(ids(second)) | set(ids(third)) == {
        f"a0000000000{n}" for n in range(1, 8)
    }
    with pytest.raises(
        UsageError, match=r"--page 4 is past the last page, 3: 7 sessions at 3 per page\."
    ):
        list_history(db, page=4, limit=3)


def test_statistics_exact(db):
    s = statistics(db)
    assert s.total_interviews == 5
    assert s.average_score == 49.0  # (40 + 70 + 55 + 30 + 50) / 5
    assert s.best_score_achieved == 70
    assert s.by_type["dsa"].count == 3
    assert s.by_type["dsa"].average_score == 55.0
    assert s.by_type["dsa"].best_score == 70
    assert s.by_type["dsa"].last_score == 55
    assert s.by_type["system-design"].average_score == 40.0
    assert s.by_type["system-design"].last_score == 50
    groups = {(g.type.value, g.difficulty.value): g for g in s.by_type_and_difficulty}
    assert groups[("dsa", "easy")].count == 2
    assert groups[("dsa", "easy")].average_score == 55.0
    assert groups[("dsa", "easy")].last_score == 70
    assert groups[("dsa", "hard")].best_score == 55
    assert s.dimensions == {"technical-depth": 49.0, "communication": 59.0, "problem-solving": 39.0}
    assert s.rubric == {"approach": 60.0, "scaling": 40.0}
    assert s.recent_sessions_considered == 5
    top = s.most_missed_key_points[0]
    assert (top.key_point, top.question_id, top.missed, top.asked) == (
        "sd-cache point one", "sd-cache", 2, 2
    )  # fmt: skip
    assert [(p.key_point, p.missed) for p in s.most_missed_key_points[1:3]] == [
        ("dsa-two-sum point two", 2),
        ("sd-cache point two", 1),
    ]
    topics = {t.topic: t for t in s.most_missed_topics}
    assert topics["caching"].missed == 2 and topics["caching"].average_score == 32.5
    assert topics["scalability"].missed == 3 and topics["scalability"].asked == 4
    assert s.most_missed_topics[0].topic == "scalability"


def test_statistics_follow_the_filters(db):
    s = statistics(db, HistoryFilter(type=InterviewType.SYSTEM_DESIGN))
    assert (s.total_interviews, s.average_score, s.best_score_achieved) == (2, 40.0, 50)
    assert s.rubric == {"scaling": 40.0}
    assert {t.topic for t in s.most_missed_topics} == {"caching", "scalability", "databases"}
    recent = statistics(db, HistoryFilter(since=NOW - timedelta(days=15)))
    assert recent.total_interviews == 2


def test_trend_is_oldest_first(db):
    points = trend(db, HistoryFilter(type=InterviewType.DSA))
    assert [p.score for p in points] == [40, 70, 55]


def test_empty_history(cli):
    result = cli("history")
    assert result.exit_code == 0
    assert "No interviews yet" in result.stderr
    data = json.loads(cli("history", "--json").stdout)
    assert data["total"] == 0 and data["interviews"] == []
    assert data["statistics"]["totalInterviews"] == 0
    assert data["statistics"]["mostMissedTopics"] == []
    chart = cli("history", "--chart")
    assert chart.exit_code == 0 and "No interviews yet" in chart.stderr and chart.stdout == ""


def test_cli_json_keeps_the_core_shape_and_adds_fields(cli, db):
    data = json.loads(cli("history", "--json", "--type", "dsa", "--limit", "2").stdout)
    assert list(data)[:5] == ["interviews", "total", "page", "totalPages", "statistics"]
    assert data["total"] == 4 and data["totalPages"] == 2
    item = data["interviews"][0]
    assert {"sessionId", "type", "difficulty", "status", "date", "duration", "score"} <= set(item)
    stats = data["statistics"]
    assert {"totalInterviews", "averageScore", "bestScoreAchieved", "byType"} <= set(stats)
    assert stats["byType"]["dsa"]["averageScore"] == 55.0


def test_cli_date_options(cli, db):
    data = json.loads(
        cli("history", "--json", "--since", "2026-10-20", "--until", "2026-11-01").stdout
    )
    assert [i["sessionId"] for i in data["interviews"]] == ["a00000000003"]
    for value in ("last tuesday", ""):  # an empty value is no date either, not "no filter"
        bad = cli("history", "--since", value)
        assert bad.exit_code == 2
        assert bad.stderr.count("\n") == 1 and "is not a date" in bad.stderr
    backwards = cli("history", "--since", "2026-11-10", "--until", "2026-11-01")
    assert backwards.exit_code == 2 and "--since must be earlier" in backwards.stderr


def test_cli_chart(cli, db):
    result = cli("history", "--chart", "--type", "system-design")
    assert result.exit_code == 0
    assert "Score over time · System Design" in result.stdout
    assert "System Design" in result.stdout
    assert "\x1b" not in result.stdout  # not a terminal: no colour codes
    data = json.loads(cli("history", "--chart", "--json").stdout)
    assert [p["score"] for p in data["trend"]] == [40, 70, 55, 30, 50]


def test_cli_table_shows_statistics(cli, db):
    result = cli("history", "--limit", "3")
    assert result.exit_code == 0
    assert "Page 1 of 3" in result.stdout
    assert "a00000000007" in result.stdout
    out = result.stdout
    assert "Statistics of 5 graded sessions: average 49.0" in out
    # a screen's worth: three weakest dimensions, the key points, not every topic
    (weakest,) = [line for line in out.splitlines() if line.startswith("Weakest dimensions: ")]
    assert weakest.count(",") == 2
    assert "Most missed key points (last 5 graded sessions):" in out
    assert "missed 2 of 2 times" in out
    assert "Weakest topics" not in out and "`" not in out
    assert "--stats full shows every figure" in out

    full = cli("history", "--limit", "3", "--stats", "full").stdout
    assert "Averages: " in full
    assert "Weakest topics (last 5 graded sessions; missed: scored below 50):" in full
    assert re.search(r"scalability\s+missed in \d+ of \d+ questions", full)


def test_every_figure_follows_the_filters_and_says_so(cli, db):
    dsa = cli("history", "--type", "dsa").stdout
    assert "Statistics of 3 graded sessions matching --type dsa: average" in dsa
    assert "system-design" not in dsa.split("Statistics of")[1]
    waiting = cli("history", "--status", "IN_PROGRESS").stdout
    assert "No graded sessions matching --status IN_PROGRESS yet: no statistics." in waiting
    stats = json.loads(cli("history", "--status", "IN_PROGRESS", "--json").stdout)["statistics"]
    assert stats["totalInterviews"] == 0 and stats["byType"] == {}


def test_a_page_past_the_end_is_a_usage_error(cli, db):
    result = cli("history", "--page", "99", "--limit", "3")
    assert result.exit_code == 2
    assert "--page 99 is past the last page, 3: 7 sessions at 3 per page." in result.stderr


@pytest.mark.parametrize(
    "args",
    [("history", "--since", "9999y"), ("history", "--since", "0001-01-01T00:00+05:00"),
     ("delete", "--older-than", "99999y", "--yes"), ("history", "--page", "99999999999999999999"),
     ("setup", "--seed", "99999999999999999999999")],
)  # fmt: skip
def test_out_of_range_values_are_one_line(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_running_dimension_totals_follow_every_write_and_delete(db):
    from mockint.storage.sessions import delete_sessions

    def averages_of_every_score() -> dict[str, float]:
        rows = db.execute(
            "SELECT dimension, AVG(score) FROM report_scores GROUP BY dimension"
        ).fetchall()
        return {name: round(average, 1) for name, average in rows}

    def shown() -> dict[str, float]:
        s = statistics(db)  # unfiltered: read from the totals the triggers keep
        return {**s.dimensions, **{f"rubric:{k}": v for k, v in s.rubric.items()}}

    assert shown() == averages_of_every_score()
    delete_sessions(db, ["a00000000002"])
    assert shown() == averages_of_every_score()
    assert shown()["rubric:approach"] == 50.0  # (40 + 60) / 2
    # a report saved again replaces its scores (delete then insert: both triggers)
    db.execute("UPDATE sessions SET status = 'IN_PROGRESS' WHERE id = 'a00000000006'")
    add_session(
        db, "a00000000008", InterviewType.DSA, Difficulty.EASY, 1, 90, rubric={"approach": 90}
    )
    assert shown() == averages_of_every_score()
    assert shown()["rubric:approach"] == 63.3  # (40 + 60 + 90) / 3
    # filtered statistics read the scores themselves and agree
    assert statistics(db, HistoryFilter(type=InterviewType.DSA)).rubric["approach"] == 63.3


@pytest.mark.parametrize(
    ("days", "said"), [(0.0, "today"), (0.9, "today"), (1.2, "yesterday"), (12.7, "12 days ago")]
)
def test_how_long_ago_reads_as_people_say_it(days: float, said: str) -> None:
    assert days_ago(days) == said


def test_one_session_is_not_plural() -> None:
    assert (counted(1, "session"), counted(0, "session"), counted(3, "session")) == (
        "1 session",
        "0 sessions",
        "3 sessions",
    )
