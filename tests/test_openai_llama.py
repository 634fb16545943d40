"""`--provider openai` end to end against llama.cpp's own server (``llama-server``, built from
source by a registry package) on 127.0.0.1 with a tiny model (tests/llama_server.py): the
real server's model list, its ``json_schema`` response format decoded under a grammar, its
``usage``, and the schema's bounds and counts as the real server applies them. The model
writes nonsense, so these tests check the contract, never the prose."""

from __future__ import annotations

import json

from conftest import write_json
from mockint.openai_compat import client as provider
from mockint.openai_compat.client import Format
from mockint.storage.connection import open_db

ANSWERS = [
    "I would use a hash map from each value to its index, looking up the complement as I go.",
    "Recursion with a base case for the empty tree, then one plus the deeper subtree.",
    None,
]


def test_models_lists_what_the_server_serves(cli, llama_server):
    result = cli("models", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["models"] == [{"id": llama_server.model, "configured": True}]
    assert data["configuredAvailable"] is True


def test_questions_come_back_under_the_schema_with_its_count_and_bounds(cli, llama_server):
    result = cli("setup", "-t", "dsa", "-d", "medium", "-n", "3", "--json", "--provider", "openai")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    # no fallback: the first rung (json_schema, strict) was accepted and its reply validated
    assert data["source"] == f"openai ({llama_server.model})"
    assert "warnings" not in data or not data["warnings"]
    assert provider._formats == {}  # never climbed down the ladder
    assert len(data["questions"]) == 3
    assert all(q["id"].startswith("openai-dsa-") for q in data["questions"])
    assert all(1 <= q["timeAllocation"] <= 120 for q in data["questions"])


def test_a_whole_interview_graded_by_the_server_costs_nothing_and_records_its_tokens(
    cli, llama_server, tmp_path
):
    answers = write_json(tmp_path / "answers.json", ANSWERS)
    result = cli(
        "start", "-t", "dsa", "-d", "easy", "-n", "3", "--answers", str(answers), "--json",
        "--provider", "openai",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["grader"] == f"openai ({llama_server.model})"
    assert len(report["questions"]) == 3
    assert all(0 <= q["score"] <= 100 for q in report["questions"])
    assert report["questions"][2]["score"] == 0  # skipped, whatever the model said
    assert 0 <= report["overallScore"] <= 100
    assert report["apiCost"]["total"] == 0 and report["apiCost"]["calls"] == 2
    rows = (
        open_db()
        .execute("SELECT purpose, model, prompt_tokens, output_tokens, cost_usd FROM api_usage")
        .fetchall()
    )
    assert [(purpose, model, cost) for purpose, model, _, _, cost in rows] == [
        ("questions", llama_server.model, 0.0),
        ("report", llama_server.model, 0.0),
    ]
    # the server's own token counts: a byte-level vocabulary spends a token per byte
    assert all(prompt > 500 and output > 50 for _, _, prompt, output, _ in rows)


def test_a_reply_cut_off_by_the_servers_limit_falls_back_labelled(cli, llama_server, monkeypatch):
    # a limit too small for any question set: the server stops with finish_reason "length"
    monkeypatch.setitem(provider.settings(), "max_output_tokens", 16)
    monkeypatch.setitem(provider.settings(), "max_output_tokens_after_cut", 32)
    result = cli("setup", "-t", "dsa", "-d", "easy", "-n", "2", "--json", "--provider", "openai")
    assert result.exit_code == 0, result.stderr
    source = json.loads(result.stdout)["source"]
    assert source.startswith("bank (OpenAI-compatible server unavailable: ")
    assert "cut off" in source
    assert provider._formats.get((f"{llama_server.url}/v1", llama_server.model)) in (
        None,
        Format.JSON_SCHEMA,
    )
