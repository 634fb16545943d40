"""Reports as HTML and Markdown, the full export, and deleting sessions."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import write_json
from history_data import add_session
from markdown_text import render, split_fences
from mockint.enums import Difficulty, InterviewType
from mockint.history.export import read_sessions
from mockint.safetext import strip_controls
from mockint.storage.connection import open_db
from mockint.storage.reports import get_report
from mockint.storage.sessions import get_session, session_questions
from mockint.storage.turns import list_turns

HOSTILE = (
    "<script>alert('x')</script>\n# Not a heading\n[click me](http://evil.example/)\n"
    "![img](http://evil.example/a.png) **bold** | pipe | \x1b[31mred\x1b[0m"
)


@pytest.fixture
def hostile_session(cli, tmp_path):
    """A graded session whose first answer is hostile text."""
    answers = write_json(tmp_path / "a.json", [HOSTILE, "I would use a hash map, linear time."])
    result = cli("start", "-t", "dsa", "-d", "easy", "-n", "2", "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["sessionId"]


def test_html_report_is_self_contained_and_escapes_user_text(cli, hostile_session, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", hostile_session, "--format", "html", "--output", str(out))
    assert result.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert '<a href="http://evil.example/' not in html and "<img" not in html
    assert "\x1b" not in html
    # self-contained: inline CSS, no external resources of any kind
    assert "<style>" in html
    assert not re.search(r"<link|src=|@import|url\(", html)
    # the breakdown chart: one bar per score, widths in proportion to the scores
    bars = re.findall(r'<rect class="bar (?:good|fair|poor)"[^>]*width="([\d.]+)"', html)
    report = json.loads(cli("report", hostile_session, "--format", "json").stdout)
    b = report["scoreBreakdown"]
    expected = [b["technicalDepth"], b["communication"], b["problemSolving"], *b["rubric"].values()]
    assert [float(w) for w in bars] == [round(300 * s / 100, 1) for s in expected]
    assert "@media print" in html


def test_markdown_report_keeps_an_answer_whole_in_a_code_block(cli, hostile_session):
    md = cli("report", hostile_session, "--format", "markdown").stdout
    blocks, prose = split_fences(md)
    assert strip_controls(HOSTILE) in blocks  # line breaks kept, nothing escaped
    assert "<script" not in render(md) and "<a href" not in render(md)
    assert not any(line.lstrip("> ").startswith("# Not") for line in prose.splitlines())
    assert "[click me](http://evil.example/)" not in prose
    assert "\x1b" not in md


def second_session(cli, tmp_path) -> None:
    """A graded JavaScript session beside the hostile one."""
    answers = write_json(tmp_path / "b.json", ["Closures keep their scope."])
    result = cli("start", "-t", "javascript", "-d", "easy", "-n", "1", "--answers", str(answers))
    assert result.exit_code == 0, result.output


def test_export_jsonl_round_trip_matches_the_database(cli, hostile_session, tmp_path, home):
    second_session(cli, tmp_path)
    out_dir = tmp_path / "out"
    result = cli("export", "--output", str(out_dir))
    assert result.exit_code == 0
    [path] = out_dir.glob("mockint-export-*.jsonl")
    exported = read_sessions(path)
    db = open_db()
    assert len(exported) == 2
    for item in exported:
        sid = item.session.id
        assert item.session == get_session(db, sid)
        assert item.questions == session_questions(db, sid)
        assert item.turns == list_turns(db, sid)
        assert item.report == get_report(db, sid)
    hostile = next(i for i in exported if i.session.id == hostile_session)
    assert any(t.text == HOSTILE for t in hostile.turns)  # stored and exported exactly as given
    # stdout form is the same data, and filters apply
    lines = cli("export", "--type", "javascript").stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["session"]["type"] == "javascript"


def test_export_markdown_writes_one_file_per_session_with_transcript(
    cli, hostile_session, tmp_path
):
    result = cli("export", "--format", "markdown", "--output", str(tmp_path / "md"))
    assert result.exit_code == 0
    [path] = (tmp_path / "md").glob("*.md")
    assert hostile_session in path.name
    text = path.read_text(encoding="utf-8")
    assert "## Transcript" in text and "**Interviewer** · Q1" in text
    blocks, _ = split_fences(text)
    assert "<script" not in render(text)
    assert blocks.count(strip_controls(HOSTILE)) == 2  # in the report and the transcript


def test_export_of_an_empty_history(cli):
    result = cli("export")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Exported 0 sessions" in result.stderr
    assert "No session matched, so the export is empty." in result.stderr


def test_export_format_follows_the_file_name_and_dash_is_stdout(
    cli, hostile_session, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    markdown = cli("export", "--output", str(tmp_path / "all.md"))
    assert markdown.exit_code == 0
    assert (tmp_path / "all.md").read_text(encoding="utf-8").startswith("# Mock interview")
    assert f"Exported 1 session to {tmp_path / 'all.md'}." in markdown.stderr
    # an explicit --format wins, with a warning that the name says otherwise
    forced = cli("export", "-F", "jsonl", "--output", str(tmp_path / "x.md"))
    assert forced.exit_code == 0
    assert "Writing jsonl to" in forced.stderr and "whose extension says markdown" in forced.stderr
    json.loads((tmp_path / "x.md").read_text(encoding="utf-8").splitlines()[0])
    # "-" is standard output, in either format; no file or directory named "-"
    for args in (("-o", "-"), ("-F", "markdown", "-o", "-")):
        streamed = cli("export", *args)
        assert streamed.exit_code == 0 and hostile_session in streamed.stdout
    assert not Path("-").exists()
    # a JSONL export into a directory creates it
    folder = cli("export", "--output", str(tmp_path / "new" / "dir"))
    assert folder.exit_code == 0
    assert len(list((tmp_path / "new" / "dir").glob("mockint-export-*.jsonl"))) == 1


def test_read_sessions_rejects_a_damaged_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"session": 3}\n', encoding="utf-8")
    with pytest.raises(Exception, match="line 1"):
        read_sessions(path)


@pytest.fixture
def aged(home):
    db = open_db()
    now = datetime.now(UTC)
    for sid, days in (("b00000000001", 200), ("b00000000002", 95), ("b00000000003", 10)):
        add_session(db, sid, InterviewType.DSA, Difficulty.EASY, days, 60, now=now)
    return db


def _ids(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM sessions ORDER BY id").fetchall()]


def test_delete_with_yes_removes_everything_of_the_session(cli, aged):
    result = cli("delete", "b00000000001", "--yes")
    assert result.exit_code == 0 and "Deleted 1 session." in result.stderr
    assert _ids(aged) == ["b00000000002", "b00000000003"]
    for table in ("session_questions", "turns", "reports", "report_scores"):
        found = aged.execute(f"SELECT COUNT(*) FROM {table} WHERE session_id = 'b00000000001'")
        assert found.fetchone()[0] == 0, table


def test_delete_asks_first(cli, aged):
    declined = cli("delete", "b00000000001", input="n\n")
    assert declined.exit_code == 0 and "Nothing deleted." in declined.stderr
    assert len(_ids(aged)) == 3
    closed = cli("delete", "b00000000001")  # no input at all
    assert closed.exit_code == 2 and "Add --yes" in closed.stderr
    assert len(_ids(aged)) == 3
    confirmed = cli("delete", "b00000000001", input="y\n")
    assert confirmed.exit_code == 0 and "This deletes 1 session" in confirmed.stderr
    assert _ids(aged) == ["b00000000002", "b00000000003"]


def test_delete_older_than(cli, aged):
    result = cli("delete", "--older-than", "90d", "--yes")
    assert result.exit_code == 0 and "Deleted 2 sessions." in result.stderr
    assert _ids(aged) == ["b00000000003"]
    nothing = cli("delete", "--older-than", "1y", "--yes")
    assert nothing.exit_code == 0 and "nothing deleted" in nothing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Say what to delete"),
        (("--older-than", "ninety days"), "is not an age"),
        (("--older-than", "0d"), "is an age of zero; give at least 1h"),  # not "everything"
        (("nosuchsession",), "No session 'nosuchsession'"),
    ],
)
def test_delete_bad_input_changes_nothing(cli, aged, args, message):
    result = cli("delete", *args, "--yes")
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert len(_ids(aged)) == 3


def test_report_output_to_a_missing_directory(cli, hostile_session, tmp_path):
    result = cli("report", hostile_session, "-F", "html", "-o", str(tmp_path / "no" / "r.html"))
    assert result.exit_code == 2 and "does not exist" in result.stderr  # the name is wrong


def test_stdout_export_is_streamed(cli, hostile_session):
    # jsonl to stdout is valid line by line
    buffer = io.StringIO(cli("export").stdout)
    assert [json.loads(line)["formatVersion"] for line in buffer] == [1]


def test_deleting_a_parent_keeps_its_retry(cli, hostile_session, tmp_path):
    answers = write_json(tmp_path / "r.json", ["again", "again"])
    retried = cli("retry", hostile_session, "--answers", str(answers), "--json")
    assert retried.exit_code == 0, retried.stderr
    child = json.loads(retried.stdout)["sessionId"]
    assert cli("delete", hostile_session, "--yes").exit_code == 0
    db = open_db()
    assert get_session(db, child).parent_id is None


def test_export_to_a_jsonl_file_name(cli, hostile_session, tmp_path):
    target = tmp_path / "mine.jsonl"
    assert cli("export", "--output", str(target)).exit_code == 0
    assert target.is_file() and len(read_sessions(target)) == 1


@pytest.mark.parametrize("name", ["sessions.jsonl", "backup.txt"])
def test_export_output_with_an_extension_is_a_file(cli, hostile_session, tmp_path, name):
    target = tmp_path / name
    result = cli("export", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.is_file()
    [line] = target.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["session"]["id"] == hostile_session


def test_a_json_file_gets_one_json_array_that_reads_back_and_is_a_pack(
    cli, hostile_session, tmp_path
):
    second_session(cli, tmp_path)
    target = tmp_path / "all.json"
    result = cli("export", "--output", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))  # one JSON document
    assert [item["formatVersion"] for item in data] == [1, 1]
    assert data[0]["session"]["id"] == hostile_session
    assert [s.session.id for s in read_sessions(target)] == [e["session"]["id"] for e in data]
    # the same array on stdout with --format json, and an empty one when nothing matches
    shown = cli("export", "--format", "json", "--type", "behavioral")
    assert json.loads(shown.stdout) == []
    # --pack reads it as it reads JSONL
    pack = cli("setup", "--pack", str(target), "--json")
    assert pack.exit_code == 0, pack.stderr
    assert len(json.loads(pack.stdout)["questions"]) >= 2


def test_markdown_export_to_a_file_name_writes_every_session_in_it(cli, hostile_session, tmp_path):
    answers = write_json(tmp_path / "b.json", ["def f():\n    return 1\n\nthen call it."])
    assert (
        cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers)).exit_code == 0
    )
    target = tmp_path / "all.md"
    result = cli("export", "--format", "markdown", "--output", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.count("# Mock interview report") == 2
    blocks, _ = split_fences(text)
    assert "def f():\n    return 1\n\nthen call it." in blocks  # line breaks and indents kept


def test_a_toml_pack_that_starts_with_a_table_is_read_as_toml(cli, tmp_path):
    pack = tmp_path / "p.toml"
    pack.write_text(
        '[[questions]]\nid = "q1"\ntype = "dsa"\ndifficulty = "easy"\n'
        'text = "Reverse a list."\nkey_points = ["Swap from both ends."]\n',
        encoding="utf-8",
    )
    result = cli("setup", "--pack", str(pack), "--json")
    assert result.exit_code == 2
    assert "is not a valid question pack: name: is missing" in result.stderr  # read as TOML
