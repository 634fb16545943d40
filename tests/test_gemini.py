"""Gemini questions against a local server speaking the real wire format, through the real SDK."""

from __future__ import annotations

import json

from conftest import GEMINI_KEY as KEY
from gemini_server import content_reply, error_reply
from mockint.storage.connection import open_db


def question_set(count: int, prefix: str = "q") -> str:
    return json.dumps(
        {
            "questions": [
                {
                    "id": f"{prefix}-{n}",
                    "text": f"Server question {n}: design a rate limiter for tenant {n}.",
                    "keyPoints": ["Use a token bucket per tenant.", "Store counters in Redis."],
                    "followUps": ["How would you handle bursts?"],
                    "topics": ["rate-limiting"],
                    "level": 6,
                    "timeMinutes": 5,
                }
                for n in range(1, count + 1)
            ]
        }
    )


def setup_json(cli, *extra: str):
    return cli("setup", "-t", "system-design", "-d", "hard", "-n", "3", "--json", *extra)


def test_questions_come_from_the_server_with_structured_output(cli, gemini):
    gemini.reply(200, content_reply(question_set(3)))
    result = setup_json(cli, "--focus", "rate limiting", "--notes", "I keep forgetting Redis")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"].startswith("gemini (")
    assert [q["text"][:17] for q in data["questions"]] == ["Server question 1"] * 1 + [
        "Server question 2", "Server question 3"
    ]  # fmt: skip
    [request] = gemini.requests
    assert request["path"].startswith("/v1beta/models/") and request["path"].endswith(
        ":generateContent"
    )
    assert "gemini-2.5-flash:" not in request["path"]
    assert request["headers"]["x-goog-api-key"] == KEY
    config = request["body"]["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseSchema"]["type"] == "OBJECT"
    assert "questions" in config["responseSchema"]["properties"]
    assert "systemInstruction" in request["body"]
    prompt = request["body"]["contents"][0]["parts"][0]["text"]
    assert "System Design" in prompt and "rate limiting" in prompt
    assert "<notes>\nI keep forgetting Redis\n</notes>" in prompt


def test_429_then_success_is_retried(cli, gemini):
    gemini.reply(429, error_reply(429, "RESOURCE_EXHAUSTED", "slow down"))
    gemini.reply(200, content_reply(question_set(3)))
    result = setup_json(cli)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"].startswith("gemini (")
    assert len(gemini.requests) == 2


def test_persistent_503_falls_back_to_the_bank_and_says_so(cli, gemini):
    result = setup_json(cli)  # the server answers 503 to everything
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == "bank (Gemini unavailable: 503)"
    assert all(q["id"].startswith("system-design-hard-") for q in data["questions"])
    assert "Gemini could not write the questions (503)" in result.stderr
    assert len(gemini.requests) == 3  # attempts from data/gemini.toml


def test_malformed_output_is_asked_again_then_falls_back(cli, gemini):
    gemini.reply(200, content_reply('{"questions": [{"id": "x"'))  # cut off
    gemini.reply(200, content_reply(question_set(2)))  # wrong count
    result = setup_json(cli)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"].startswith("bank (Gemini unavailable: ")
    assert not any(q["text"].startswith("Server question") for q in data["questions"])


def test_invalid_then_valid_set_is_used(cli, gemini):
    gemini.reply(200, content_reply(question_set(2)))
    gemini.reply(200, content_reply(question_set(3, prefix="second")))
    data = json.loads(setup_json(cli).stdout)
    assert data["source"].startswith("gemini (")
    assert data["questions"][0]["id"] == "gemini-system-design-second-1"


def test_bad_key_is_one_clear_line_without_the_key(cli, gemini):
    gemini.reply(403, error_reply(403, "PERMISSION_DENIED", "API key not valid."))
    result = setup_json(cli)
    assert result.exit_code == 1
    assert "Gemini refused the API key (403)" in result.stderr
    assert "mockint keys set gemini" in result.stderr
    assert KEY not in result.stderr and result.stderr.count("\n") == 1
    assert len(gemini.requests) == 1  # not retried
    assert json.loads(cli("history", "--json").stdout)["total"] == 0


def test_provider_gemini_without_a_key_is_a_usage_error(cli, monkeypatch):
    result = cli("setup", "--provider", "gemini")
    assert result.exit_code == 2
    assert "needs a Gemini API key" in result.stderr


def test_provider_offline_never_calls_gemini(cli, gemini):
    data = json.loads(setup_json(cli, "--provider", "offline").stdout)
    assert data["source"] == "bank"
    assert gemini.requests == []


def test_the_key_never_reaches_the_database(cli, gemini, home):
    gemini.reply(200, content_reply(question_set(3)))
    answers = [None, "A token bucket per tenant, counters in Redis.", None]
    path = home.parent / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = cli(
        "start", "-t", "system-design", "-d", "hard", "-n", "3", "--answers", str(path), "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    open_db().conn.execute("PRAGMA wal_checkpoint(FULL)")
    for db_file in home.glob("mockint.db*"):
        assert KEY.encode() not in db_file.read_bytes()


def test_importing_the_cli_does_not_import_the_sdk():
    import subprocess
    import sys

    code = "import sys, mockint.cli.app; print('google.genai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
