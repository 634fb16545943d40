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
from gemini_server import blocked_reply, content_reply, quota_reply
from mockint.gemini import catalog
from mockint.gemini.client import GeminiClient, retry_delay_seconds
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


# 2. replies that cannot succeed


@pytest.mark.parametrize(
    "finish",
    [
        FinishReason.SAFETY,
        FinishReason.RECITATION,
        FinishReason.PROHIBITED_CONTENT,
        FinishReason.BLOCKLIST,
        FinishReason.SPII,
    ],
)
def test_a_policy_stop_falls_back_at_once_naming_the_reason(cli, gemini, finish):
    gemini.reply(200, content_reply(None, 300, 0, finish=finish))
    result = setup_json(cli)
    assert result.exit_code == 0, result.stderr
    reason = f"reply withheld by Gemini ({finish.value})"
    assert json.loads(result.stdout)["source"] == f"bank (Gemini unavailable: {reason})"
    assert f"Gemini could not write the questions ({reason})" in result.stderr
    assert len(gemini.requests) == 1  # not asked again
    assert [row["prompt"] for row in usage_rows()] == [300]  # what Google reported is recorded


def test_a_blocked_prompt_falls_back_at_once(cli, gemini):
    gemini.reply(200, blocked_reply(types.BlockedReason.PROHIBITED_CONTENT))
    result = setup_json(cli)
    source = json.loads(result.stdout)["source"]
    assert source == "bank (Gemini unavailable: prompt blocked by Gemini (PROHIBITED_CONTENT))"
    assert len(gemini.requests) == 1


def test_a_safety_stop_on_the_report_grades_offline_at_once(cli, gemini, tmp_path):
    gemini.reply(200, content_reply(question_set(2)))
    gemini.reply(200, content_reply(None, finish=FinishReason.SAFETY))
    report = json.loads(run_scripted(cli, tmp_path).stdout)
    assert report["grader"] == "offline (Gemini unavailable: reply withheld by Gemini (SAFETY))"
    assert len(gemini.requests) == 2


def test_max_tokens_is_asked_again_once_with_a_larger_limit(cli, gemini):
    gemini.reply(
        200, content_reply('{"questions": [{"id": "q-1", "te', finish=FinishReason.MAX_TOKENS)
    )
    gemini.reply(200, content_reply(question_set(3)))
    result = setup_json(cli)
    assert json.loads(result.stdout)["source"].startswith("gemini (")
    first, second = (r["body"]["generationConfig"] for r in gemini.requests)
    assert first["maxOutputTokens"] == 16384
    assert second["maxOutputTokens"] == 65536
    assert {k: v for k, v in first.items() if k != "maxOutputTokens"} == {
        k: v for k, v in second.items() if k != "maxOutputTokens"
    }  # only the limit changed
    assert len(usage_rows()) == 2  # the cut-off reply was paid for


def test_max_tokens_twice_falls_back_labelled_cut_off(cli, gemini):
    gemini.reply(200, content_reply('{"questions": [', finish=FinishReason.MAX_TOKENS), times=2)
    gemini.reply(200, content_reply(question_set(3)))  # never asked for
    result = setup_json(cli)
    assert json.loads(result.stdout)["source"] == (
        "bank (Gemini unavailable: cut off at the output limit (65536 tokens))"
    )
    assert len(gemini.requests) == 2


# 3. 429 RESOURCE_EXHAUSTED


def test_retry_delay_from_retry_info_is_parsed():
    assert retry_delay_seconds(quota_reply("37s")) == 37.0
    assert retry_delay_seconds(quota_reply("0.25s")) == 0.25
    assert retry_delay_seconds(quota_reply(None)) is None
    assert retry_delay_seconds({"error": {"details": "not a list"}}) is None


def test_a_short_retry_delay_is_waited_then_the_call_succeeds(cli, gemini):
    gemini.reply(429, quota_reply("0.4s"))
    gemini.reply(200, content_reply(question_set(3)))
    result = setup_json(cli)
    assert json.loads(result.stdout)["source"].startswith("gemini (")
    first, second = gemini.requests
    assert second["at"] - first["at"] >= 0.4


def test_a_long_retry_delay_falls_back_at_once_saying_when(cli, gemini, monkeypatch):
    move_clock(monkeypatch, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    gemini.reply(429, quota_reply("3600s"))
    gemini.reply(200, content_reply(question_set(3)))  # never asked for
    result = setup_json(cli)
    reason = "quota exhausted; try again after 11:00 UTC (in about 60 min)"
    assert json.loads(result.stdout)["source"] == f"bank (Gemini unavailable: {reason})"
    assert f"Gemini could not write the questions ({reason})" in result.stderr
    assert "429" not in result.stderr
    assert len(gemini.requests) == 1


def test_a_retry_delay_beyond_the_deadline_is_not_waited(cli, gemini, monkeypatch):
    from mockint.gemini.client import settings

    monkeypatch.setitem(settings(), "deadline_seconds", 2)
    gemini.reply(429, quota_reply("5s"))  # short, but longer than the call may take
    result = setup_json(cli)
    assert "quota exhausted; try again after " in json.loads(result.stdout)["source"]
    assert len(gemini.requests) == 1


def test_quota_without_retry_info_backs_off_then_says_quota(cli, gemini):
    gemini.reply(429, quota_reply(None), times=3)
    result = setup_json(cli)
    assert json.loads(result.stdout)["source"] == (
        "bank (Gemini unavailable: quota exhausted; try again later)"
    )
    assert len(gemini.requests) == 3  # attempts from data/gemini.toml


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


def test_a_model_shutting_down_within_30_days_is_warned_about_once(
    cli, gemini, monkeypatch, tmp_path
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


def test_a_model_past_its_shutdown_is_warned_about(cli, gemini, monkeypatch):
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


def test_no_warning_more_than_30_days_before(cli, gemini, monkeypatch):
    move_clock(monkeypatch, datetime(2027, 4, 6, 12, 0, tzinfo=UTC))  # 31 days before
    gemini.reply(200, content_reply(question_set(3)))
    result = setup_json(cli)
    assert result.exit_code == 0 and "Warning:" not in result.stderr
    assert catalog.shutdown_notice("gemini-3.1-flash-lite", date(2027, 4, 7)) is not None
    assert catalog.shutdown_notice("gemini-3.5-flash", date(2040, 1, 1)) is None  # no date
