from __future__ import annotations

import json

import pytest

from conftest import write_json
from markdown_text import render, split_fences

STRONG = (
    "I would sort the intervals by their start, because then any overlapping intervals sit next "
    "to each other. Then I walk through the sorted list and extend the last merged interval when "
    "the next one starts before it ends, otherwise I append it. Sorting dominates, so it runs in "
    "O(n log n) time. Edge cases: an empty list returns empty, and touching intervals are merged."
)


def finished_session(cli, tmp_path, pack_file, answers=None) -> dict:
    path = write_json(tmp_path / "answers.json", answers if answers is not None else [STRONG, ""])
    result = cli("start", "--pack", str(pack_file), "--answers", str(path), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_formats_and_last(cli, tmp_path, pack_file):
    report = finished_session(cli, tmp_path, pack_file)
    as_json = cli("report", "last", "--format", "json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["overallScore"] == report["overallScore"]
    markdown = cli("report", report["sessionId"], "--format", "markdown")
    assert markdown.exit_code == 0
    text = markdown.stdout
    assert text.startswith("# Mock interview report: DSA (Medium)")
    for heading in (
        "## Score breakdown",
        "## Questions",
        "## Strengths",
        "## Weaknesses",
        "## Recommendations",
    ):
        assert heading in text
    assert f"**Overall score:** {report['overallScore']}/100" in text
    rich = cli("report", report["sessionId"][:5])
    assert rich.exit_code == 0
    assert f"{report['overallScore']}/100" in rich.stdout


def test_report_to_file(cli, tmp_path, pack_file):
    report = finished_session(cli, tmp_path, pack_file)
    out = tmp_path / "r.md"
    result = cli("report", report["sessionId"], "--format", "markdown", "--output", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Mock interview report")
    assert "whose extension says" not in result.stderr
    # a format the file's extension contradicts is written as asked, and said
    html = tmp_path / "r.html"
    forced = cli("report", report["sessionId"], "--format", "markdown", "--output", str(html))
    assert forced.exit_code == 0
    assert f"Writing markdown to {html}, whose extension says html." in forced.stderr
    assert html.read_text(encoding="utf-8").startswith("# Mock interview report")


def test_user_text_is_fenced_in_markdown_and_inert_in_the_terminal(cli, tmp_path, pack_file):
    hostile = "<script>alert(1)</script> [bold]big[/bold] # heading \x1b[31mred"
    report = finished_session(cli, tmp_path, pack_file, [hostile, ""])
    markdown = cli("report", report["sessionId"], "--format", "markdown").stdout
    blocks, _ = split_fences(markdown)
    assert "<script>alert(1)</script> [bold]big[/bold] # heading [31mred" in blocks
    assert "<script" not in render(markdown)
    assert "\x1b" not in markdown
    rich = cli("report", report["sessionId"]).stdout
    assert "[bold]big[/bold]" in rich
    assert "\x1b[31m" not in rich and "\\x1b[31mred" in rich
    stored = cli("report", report["sessionId"], "--format", "json").stdout
    assert json.loads(stored)["questions"][0]["answer"] == hostile


def test_report_errors(cli, tmp_path, pack_file):
    assert cli("report", "last").exit_code == 2
    created = json.loads(cli("setup", "-t", "dsa", "-d", "easy", "--json").stdout)
    pending = cli("report", created["sessionId"])
    assert pending.exit_code == 2
    assert "has no report yet (status SETUP)" in pending.stderr


def test_history_json_shape_filters_and_pages(cli, tmp_path, pack_file):
    scores = [finished_session(cli, tmp_path, pack_file)["overallScore"] for _ in range(3)]
    cli("setup", "-t", "behavioral", "-d", "easy")
    result = cli("history", "--json", "--limit", "2")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"interviews", "total", "page", "totalPages", "statistics"}
    assert data["total"] == 4 and data["totalPages"] == 2 and len(data["interviews"]) == 2
    item = data["interviews"][0]
    assert set(item) >= {"sessionId", "type", "difficulty", "status", "date", "duration", "score"}
    assert item["status"] == "SETUP" and item["score"] is None
    stats = data["statistics"]
    assert stats["totalInterviews"] == 3
    assert stats["bestScoreAchieved"] == max(scores)
    assert stats["averageScore"] == round(sum(scores) / 3, 1)
    assert stats["byType"]["dsa"]["count"] == 3
    completed = json.loads(cli("history", "--json", "--status", "COMPLETED").stdout)
    assert completed["total"] == 3
    behavioral = json.loads(cli("history", "--json", "--type", "behavioral").stdout)
    assert behavioral["total"] == 1
    by_score = json.loads(cli("history", "--json", "--sort", "score").stdout)
    assert by_score["interviews"][0]["score"] == max(scores)


def test_history_table_and_empty(cli, tmp_path, pack_file):
    empty = cli("history")
    assert empty.exit_code == 0
    assert "No interviews yet" in empty.stderr
    finished_session(cli, tmp_path, pack_file)
    table = cli("history")
    assert "COMPLETED" in table.stdout


def test_price_table_and_json(cli):
    result = cli("price", "--json")
    data = json.loads(result.stdout)
    assert data["currency"] == "INR" and len(data["prices"]) == 20
    one = json.loads(cli("price", "--type", "dsa", "--difficulty", "hard", "--json").stdout)[
        "prices"
    ]
    assert one == [
        {
            "type": "dsa",
            "difficulty": "hard",
            "durationMinutes": 25,
            "userPrice": 199,
            "costPrice": 60,
            "margin": 139,
            "currency": "INR",
        }
    ]
    expert = json.loads(cli("price", "--difficulty", "expert", "--json").stdout)["prices"]
    assert {r["userPrice"] for r in expert} == {299} and {r["margin"] for r in expert} == {224}
    durations = {r["type"]: r["durationMinutes"] for r in expert}
    assert durations == {
        "javascript": 12,
        "machine-coding": 20,
        "dsa": 25,
        "system-design": 20,
        "behavioral": 30,
    }
    table = cli("price")
    assert "₹99" in table.stdout and "Machine Coding" in table.stdout


def test_rich_report_to_a_file_is_plain_text(cli, tmp_path, pack_file):
    report = finished_session(cli, tmp_path, pack_file)
    out = tmp_path / "r.txt"
    assert cli("report", report["sessionId"], "--output", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert f"{report['overallScore']}/100" in text and "\x1b[" not in text


def test_an_output_path_that_cannot_be_a_file_is_a_usage_error(cli, tmp_path, pack_file):
    report = finished_session(cli, tmp_path, pack_file)
    missing = cli("report", report["sessionId"], "--output", str(tmp_path / "no" / "r.md"))
    assert missing.exit_code == 2
    assert f"the directory {tmp_path / 'no'} does not exist. Create it" in missing.stderr
    folder = cli("report", report["sessionId"], "--output", str(tmp_path))
    assert folder.exit_code == 2
    assert "is a directory" in folder.stderr
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("name", "starts"),
    [("r.md", "# Mock interview report"), ("r.HTML", "<!DOCTYPE html>"), ("r.json", "{")],
)
def test_the_output_file_extension_chooses_the_format(cli, tmp_path, pack_file, name, starts):
    report = finished_session(cli, tmp_path, pack_file)
    out = tmp_path / name
    assert cli("report", report["sessionId"], "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith(starts)
    # an explicit --format wins over the name
    other = tmp_path / ("r.md" if name == "r.json" else name)
    assert cli("report", "last", "-F", "json", "--output", str(other)).exit_code == 0
    assert other.read_text(encoding="utf-8").startswith("{")


def test_price_of_a_session_leads_with_its_api_cost(cli, tmp_path, pack_file):
    report = finished_session(cli, tmp_path, pack_file)
    result = cli("price", "--session", report["sessionId"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Session {report['sessionId']}")
    assert lines[1] == "API cost: none (offline: no paid API calls)."
    assert lines[2].startswith("List price of this interview type and difficulty: ₹")
    assert "margin" not in result.stdout.lower()
