"""Gemini as the service behaves (issue 14): thinking tokens in the cost, refusals and cut-off
replies, quota errors, pinned array sizes, temperature, promotions and shutdown dates.

Replies are google-genai's own types on the wire (``gemini_server``), sent through the real
SDK to a local server; requests are checked as the server received them.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from google.genai import types
from pydantic import SecretStr

from conftest import GEMINI_KEY
from gemini_server import content_reply
from mockint.gemini import catalog
from mockint.gemini.client import GeminiClient
from mockint.gemini.followups import FollowUp
from mockint.storage.connection import open_db
from test_gemini import question_set, setup_json
from test_gemini_report import IDS, graded, run_scripted

FinishReason = types.FinishReason


def move_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr("mockint.clock.now", lambda: moment)


def usage_rows() -> list[dict[str, object]]:
    db = open_db()
    rows = db.execute(
        "SELECT purpose, model, prompt_tokens, output_tokens, cost_usd FROM api_usage ORDER BY rowid"
    ).fetchall()
    return [
        dict(zip(("purpose", "model", "prompt", "output", "cost"), r, strict=True)) for r in rows
    ]


# 1. cost counts thinking tokens


def test_report_cost_counts_thinking_tokens_as_output(cli, gemini, tmp_path):
    gemini.reply(200, content_reply(question_set(2), 1000, 2000))
    gemini.reply(
        200, content_reply(graded(IDS, [72, 90]), 100, 50, thinking_tokens=400)
    )  # the report, on gemini-3.5-flash: $1.50 / $9.00 per million tokens in / out
    report = json.loads(run_scripted(cli, tmp_path).stdout)
    # 100 * 1.50 / 1e6 + (50 + 400) * 9.00 / 1e6 = 0.00015 + 0.00405
    assert report["apiCost"]["byPurpose"]["report"] == 0.0042
    assert report["apiCost"]["outputTokens"] == 2000 + 450
    assert usage_rows()[1] == {
        "purpose": "report", "model": "gemini-3.5-flash", "prompt": 100, "output": 450,
        "cost": 0.0042,
    }  # fmt: skip


def test_tool_use_prompt_tokens_count_as_input(gemini):
    gemini.reply(
        200,
        content_reply(
            json.dumps({"question": "Why?"}), 100, 50, thinking_tokens=400, tool_prompt_tokens=900
        ),
    )
    usage: list = []
    answer = GeminiClient(SecretStr(GEMINI_KEY)).ask(
        model="gemini-3.5-flash", system="s", prompt="p", schema=FollowUp, purpose="follow-up",
        use=lambda reply: reply.question, usage=usage,
    )  # fmt: skip
    assert answer == "Why?"
    [call] = usage
    assert (call.prompt_tokens, call.output_tokens) == (1000, 450)
    assert call.cost_usd == (1000 * 1.50 + 450 * 9.00) / 1_000_000


# 4. array sizes pinned


def test_the_questions_array_is_pinned_and_a_longer_one_is_cut(cli, gemini):
    gemini.reply(200, content_reply(question_set(5)))  # asked for 3
    data = json.loads(setup_json(cli).stdout)
    assert [q["id"] for q in data["questions"]] == [
        f"gemini-system-design-q-{n}" for n in (1, 2, 3)
    ]
    assert len(gemini.requests) == 1  # not refused and asked again
    schema = gemini.requests[0]["body"]["generationConfig"]["responseSchema"]
    # the SDK sends Schema's proto field names, which protobuf JSON accepts
    questions = schema["properties"]["questions"]
    assert (questions["min_items"], questions["max_items"]) == (3, 3)


def test_the_report_grades_are_pinned_and_a_longer_list_is_cut(cli, gemini, tmp_path):
    gemini.reply(200, content_reply(question_set(2)))
    gemini.reply(200, content_reply(graded([*IDS, "extra"], [72, 90, 10])))
    report = json.loads(run_scripted(cli, tmp_path).stdout)
    assert report["grader"] == "gemini (gemini-3.5-flash)"
    assert [q["score"] for q in report["questions"]] == [72, 0]
    grades = gemini.requests[1]["body"]["generationConfig"]["responseSchema"]["properties"]
    assert (grades["questions"]["min_items"], grades["questions"]["max_items"]) == (2, 2)


def test_a_shorter_list_is_still_refused(cli, gemini):
    gemini.reply(200, content_reply(question_set(2)), times=2)  # asked for 3
    result = setup_json(cli)
    assert json.loads(result.stdout)["source"] == "bank (Gemini unavailable: malformed reply)"
    assert len(gemini.requests) == 2


# 5. temperature


def test_no_temperature_is_sent_to_gemini_3_models(cli, gemini):
    gemini.reply(200, content_reply(question_set(3)))
    setup_json(cli)
    assert "gemini-3.1-flash-lite:" in gemini.requests[0]["path"]
    assert "temperature" not in gemini.requests[0]["body"]["generationConfig"]


def test_a_temperature_set_in_the_table_is_sent(cli, gemini):
    gemini.reply(200, content_reply(question_set(3)))
    setup_json(cli, "--model", "gemini-2.5-flash-lite")
    assert gemini.requests[0]["body"]["generationConfig"]["temperature"] == 0.7


# 6. prices and model lifetimes


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 31), (1000 * 0.75 + 1000 * 3.75) / 1e6),  # the promotion's last day
        (date(2027, 1, 1), (1000 * 1.50 + 1000 * 7.50) / 1e6),  # the normal price again
    ],
)
def test_a_promotional_price_applies_until_its_end_date(cli, gemini, monkeypatch, day, expected):
    move_clock(monkeypatch, datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC))
    gemini.reply(200, content_reply(question_set(3), 1000, 1000))
    setup_json(cli, "--model", "gemini-3.8-flash")
    [row] = usage_rows()
    assert row["model"] == "gemini-3.8-flash" and row["cost"] == expected


@pytest.fixture
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(catalog, "_warned", set())


def test_a_model_shutting_down_within_30_days_is_warned_about_once(
    cli, gemini, monkeypatch, fresh_warnings, tmp_path
):
    move_clock(monkeypatch, datetime(2027, 4, 10, 12, 0, tzinfo=UTC))  # 27 days before
    monkeypatch.setenv("MOCKINT_GEMINI_MODEL", "gemini-3.1-flash-lite")  # questions and report
    gemini.reply(200, content_reply(question_set(2)))
    gemini.reply(200, content_reply(graded(IDS, [72, 90])))
    result = run_scripted(cli, tmp_path)
    assert result.exit_code == 0, result.stderr
    warning = (
        "Warning: Gemini model gemini-3.1-flash-lite shuts down on 7 May 2027 (27 days from "
        "now); choose another with --model, MOCKINT_GEMINI_MODEL or the config file.\n"
    )
    assert result.stderr.count(warning) == 1
    assert result.stderr.count("Warning:") == 1
    # once per process
    gemini.reply(200, content_reply(question_set(3)))
    assert "Warning:" not in setup_json(cli).stderr


def test_a_model_past_its_shutdown_is_warned_about(cli, gemini, monkeypatch, fresh_warnings):
    move_clock(monkeypatch, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    gemini.reply(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
    result = setup_json(cli, "--model", "gemini-2.5-flash")
    assert (
        "Warning: Gemini model gemini-2.5-flash was shut down by Google on 1 December 2026"
        in result.stderr
    )
    assert "Gemini has no model 'gemini-2.5-flash' (404) (Google announced its shutdown for " \
        "1 December 2026)" in result.stderr  # fmt: skip
    assert result.exit_code == 1


def test_no_warning_more_than_30_days_before(cli, gemini, monkeypatch, fresh_warnings):
    move_clock(monkeypatch, datetime(2027, 4, 6, 12, 0, tzinfo=UTC))  # 31 days before
    gemini.reply(200, content_reply(question_set(3)))
    result = setup_json(cli)
    assert result.exit_code == 0 and "Warning:" not in result.stderr
    assert catalog.shutdown_notice("gemini-3.1-flash-lite", date(2027, 4, 7)) is not None
    assert catalog.shutdown_notice("gemini-3.5-flash", date(2040, 1, 1)) is None  # no date
