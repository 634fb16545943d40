"""Gemini as the service behaves (issue 14): thinking tokens in the cost, refusals and cut-off
replies, quota errors, pinned array sizes, temperature, promotions and shutdown dates.

Replies are google-genai's own types on the wire (``gemini_server``), sent through the real
SDK to a local server; requests are checked as the server received them.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from google.genai import types

from gemini_server import content_reply
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
