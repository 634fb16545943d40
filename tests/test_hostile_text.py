"""Hostile user text is stored exactly and displayed inert.

Answers may hold terminal escape sequences, Rich markup, HTML and Markdown: the
database keeps them byte for byte, the terminal report shows them as visible
text (never interpreted), and the Markdown export puts them in code blocks they
cannot close.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_json
from markdown_text import render, split_fences
from mockint.interview.session import answered_questions
from mockint.safetext import strip_controls
from mockint.storage.connection import open_db

HOSTILE = {
    "ansi": "Red \x1b[31mALERT\x1b[0m, then clear the screen \x1b[2J\x1b[H and go on.",
    "osc8": "Click \x1b]8;;http://evil.example/\x1b\\here\x1b]8;;\x1b\\ and the title \x1b]0;pwned\x07.",
    "bel-backspace": "Ring\x07 the bell, then erase\x08\x08\x08 it.",
    "markup": "Use [bold red]x[/] and [link=http://evil.example]y[/link] for it.",
    "html": "<script>alert(1)</script> <img src=x onerror=alert(2)>",
    "markdown": "# heading\n[link](http://x)\n![img](http://x/i.png)\n| a | b |",
}
SGR = re.compile(r"\x1b\[[0-9;]*m")


def hostile_pack(tmp_path: Path) -> Path:
    questions = "".join(
        f"""
[[questions]]
id = "q-{name}"
type = "dsa"
difficulty = "easy"
text = "Explain how you would find duplicates in an array ({name})."
key_points = ["Use a hash set to remember the values already seen."]
"""
        for name in HOSTILE
    )
    path = tmp_path / "hostile.toml"
    path.write_text(f'name = "hostile"\n{questions}', encoding="utf-8")
    return path


def stored_answers(home: Path, session_id: str) -> dict[str, str | None]:
    db = open_db(home / "mockint.db")
    try:
        return {item.question.id: item.answer for item in answered_questions(db, session_id)}
    finally:
        db.conn.close()


@pytest.fixture
def hostile_session(cli, tmp_path) -> str:
    answers = write_json(tmp_path / "hostile.json", {f"q-{k}": v for k, v in HOSTILE.items()})
    result = cli(
        "start", "--pack", str(hostile_pack(tmp_path)), "--answers", str(answers), "--json"
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["sessionId"]


def test_hostile_answers_are_stored_exactly(cli, home, hostile_session):
    assert stored_answers(home, hostile_session) == {f"q-{k}": v for k, v in HOSTILE.items()}
    report = json.loads(cli("report", hostile_session, "--format", "json").stdout)
    assert [q["answer"] for q in report["questions"]] == list(HOSTILE.values())


def test_hostile_answers_typed_at_the_prompt_are_stored_exactly(cli, home, tmp_path):
    lines = [HOSTILE["ansi"], HOSTILE["osc8"], HOSTILE["bel-backspace"], HOSTILE["markup"]]
    typed = "".join(f"{line}\n\n" for line in lines) + "/pause\n"
    result = cli("start", "--pack", str(hostile_pack(tmp_path)), input=typed)
    assert result.exit_code == 0, result.output
    session_id = result.stderr.split("mockint start ")[-1].split()[0]
    stored = stored_answers(home, session_id)
    assert [stored[f"q-{k}"] for k in ("ansi", "osc8", "bel-backspace", "markup")] == lines


def test_the_terminal_report_shows_hostile_answers_inert(cli, hostile_session):
    result = cli("report", hostile_session)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for control in ("\x1b", "\x07", "\x08", "\x9b"):
        assert control not in out
    assert "Red \\x1b[31mALERT\\x1b[0m" in out
    assert "Click \\x1b]8;;http://evil.example/\\x1b\\here" in out
    assert "Ring\\x07 the bell, then erase\\x08\\x08\\x08 it." in out
    assert "Use [bold red]x[/] and [link=http://evil.example]y[/link] for it." in out
    assert "<script>alert(1)</script>" in out


def test_the_terminal_report_in_colour_keeps_only_its_own_styling(home, hostile_session):
    # In a colour terminal the report has its own escape codes (SGR colours); once those are
    # removed, nothing of the answers' control sequences may remain.
    env = dict(os.environ, FORCE_COLOR="1", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mockint", "report", hostile_session],
        capture_output=True,
        env=env,
        timeout=60,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    assert SGR.search(proc.stdout), "expected a coloured report"
    assert "\x1b[31mALERT" not in proc.stdout
    plain = SGR.sub("", proc.stdout)
    assert "\x1b" not in plain and "\x07" not in plain and "\x08" not in plain
    assert "Red \\x1b[31mALERT\\x1b[0m" in plain
    assert "[bold red]x[/]" in plain


def test_the_markdown_export_fences_hostile_answers_and_keeps_them_inert(cli, hostile_session):
    result = cli("report", hostile_session, "--format", "markdown")
    assert result.exit_code == 0, result.output
    md = result.stdout
    for control in ("\x1b", "\x07", "\x08"):
        assert control not in md
    blocks, prose = split_fences(md)
    # each answer is a code block of its own, exactly as typed (less control characters)
    for answer in HOSTILE.values():
        assert strip_controls(answer) in blocks
    # and nothing of them acts outside it
    assert "<script" not in render(md) and "<img" not in render(md)
    assert not any(line.lstrip("> ").startswith("# heading") for line in prose.splitlines())
    assert "[link](http://x)" not in prose and "![img]" not in prose
    assert "[bold red]x[/]" not in prose


def test_a_one_megabyte_answer_is_stored_exactly_and_displayed_inert(cli, home, tmp_path):
    chunk = "Keep a hash set of seen values; \x1b[31mred\x1b[0m <b>bold</b> [bold]m[/] #h\x07\n"
    answer = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    answers = write_json(tmp_path / "big.json", {"q-ansi": answer})
    result = cli(
        "start", "--pack", str(hostile_pack(tmp_path)), "--answers", str(answers), "--json"
    )
    assert result.exit_code == 0, result.output
    session_id = json.loads(result.stdout)["sessionId"]
    stored = stored_answers(home, session_id)["q-ansi"]
    assert stored is not None and len(stored) == 1_000_000
    assert stored == answer

    markdown = cli("report", session_id, "--format", "markdown")
    assert markdown.exit_code == 0
    assert "\x1b" not in markdown.stdout and "\x07" not in markdown.stdout
    blocks, prose = split_fences(markdown.stdout)
    assert strip_controls(answer).rstrip("\n") in blocks
    assert "<b>" not in prose

    rich = cli("report", session_id)
    assert rich.exit_code == 0
    assert "\x1b" not in rich.stdout and "\x07" not in rich.stdout
    assert rich.stdout.count("[bold]m[/]") >= answer.count("[bold]m[/]")


@pytest.mark.parametrize(
    "topic", ["[/x]", "[bold red]boom[/]"], ids=["unbalanced-markup", "style-markup"]
)
def test_pack_topics_are_shown_inert_in_the_question_panel(cli, tmp_path, topic):
    pack = tmp_path / "topics.toml"
    pack.write_text(
        f"""name = "topics"
[[questions]]
id = "q1"
type = "dsa"
difficulty = "easy"
text = "Find duplicates in an array."
key_points = ["Use a hash set to remember the values already seen."]
topics = [{json.dumps(topic)}]
""",
        encoding="utf-8",
    )
    result = cli("start", "--pack", str(pack), input="/pause\n")
    assert result.exit_code == 0, repr(result.exception)
    assert "Question 1 of 1" in result.stderr
    assert topic in result.stderr


def test_hostile_question_text_from_a_pack_is_shown_inert(cli, tmp_path):
    pack = tmp_path / "question.toml"
    pack.write_text(
        """name = "question"
[[questions]]
id = "q1"
type = "dsa"
difficulty = "easy"
text = "Find \\u001b[31mduplicates\\u001b[0m in [bold]an array[/bold] <i>fast</i>."
key_points = ["Use a hash set to remember the values already seen."]
""",
        encoding="utf-8",
    )
    shown = "Find \\x1b[31mduplicates\\x1b[0m in [bold]an array[/bold] <i>fast</i>."
    setup = cli("setup", "--pack", str(pack))
    assert setup.exit_code == 0, setup.output
    assert "\x1b" not in setup.stdout and shown in setup.stdout
    run = cli("start", "--pack", str(pack), input="/pause\n")
    assert run.exit_code == 0, run.output
    assert "\x1b" not in run.stderr and shown in run.stderr


OSC_TOPIC = "arrays\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]0;owned\x07\x9b31m"


def test_a_topic_that_would_drive_the_terminal_is_inert_in_hints_and_next(cli, tmp_path):
    # OSC 52 sets the clipboard and OSC 0 the window title; 0x9b is a one-byte CSI
    pack = tmp_path / "osc.toml"
    pack.write_text(
        f"""name = "osc"
[[questions]]
id = "q1"
type = "dsa"
difficulty = "easy"
text = "Find duplicates in an array."
key_points = ["Use a hash set to remember the values already seen."]
topics = [{json.dumps(OSC_TOPIC)}]
""",
        encoding="utf-8",
    )
    run = cli("start", "--pack", str(pack), input="/hint\nNo idea.\n\n")
    assert run.exit_code == 0, run.output
    assert "Think about: arrays\\x1b]52;c;zwnobybwd25lza==\\x07" in run.stderr  # escaped
    nxt = cli("next")
    assert nxt.exit_code == 0, nxt.output
    for shown in (run.stdout, run.stderr, nxt.stdout, nxt.stderr):
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown


def test_a_setext_underline_in_an_answer_is_not_a_heading_in_markdown() -> None:
    from mockint.history.formats.markdown import _block, md_escape

    # an underline that starts a line is escaped there; "==" inside prose changes nothing
    quoted = _block("My answer\n===\nmore\n---")
    assert "\n> \\===\n" in quoted and quoted.endswith("\n> \\---")
    assert md_escape("a == b") == "a == b"


@pytest.mark.parametrize(
    "text",
    [
        "setTimeout(() => console.log(2))",  # read as written, no "=&gt;"
        "<script>alert(1)</script>",
        "<https://evil.example>",  # no autolink
        "a &amp; b and &#39;",  # no character reference
        "x < y && y > z",
        "> not a quote",
        "# not a heading",
        "O(N * L^2) and snake_case",
    ],
)
def test_prose_in_markdown_renders_exactly_as_written(text: str) -> None:
    from markdown_it import MarkdownIt

    from mockint.history.formats.markdown import md_escape

    assert MarkdownIt("commonmark").render(md_escape(text)) == f"<p>{html.escape(text)}</p>\n"


PAYLOAD = "x\x1b[31mred\x1b[0m\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://evil\x07link\x9b2J[bold red]m[/]"
RAW = ("\x1b", "\x07", "\x9b")
BIDI = ("\u202e", "\u2066", "\u200f")


def test_bidirectional_controls_never_reach_a_terminal_or_a_document(cli, tmp_path):
    """U+202E and its kin reorder what is shown ("Trojan Source"): shown as escapes in the
    terminal, escaped in JSON, dropped from documents."""
    answer = "A hash set of seen values \u202edeifirev\u2066 isolated\u200f done."
    answers = write_json(tmp_path / "a.json", [answer])
    run = cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers), "--json")
    assert run.exit_code == 0, run.output
    sid = json.loads(run.stdout)["sessionId"]
    assert json.loads(run.stdout)["questions"][0]["answer"] == answer  # the data is kept
    shown = [run.stdout, run.stderr]
    for args in ((), ("-F", "markdown"), ("-F", "html")):
        result = cli("report", sid, *args)
        assert result.exit_code == 0, result.output
        shown += [result.stdout, result.stderr]
    shown += [cli("export").stdout, cli("history").stdout]
    for text in shown:
        for char in BIDI:
            assert char not in text
    assert "\\u202e" in cli("report", sid).stdout  # an escape the reader can see


def test_every_output_path_shows_hostile_pack_and_answer_text_inert(cli, tmp_path):
    """ESC, OSC 52 and OSC 8, a C1 CSI and Rich markup, in every field a pack or an answer
    fills, through every command that shows them: nothing reaches the terminal raw."""
    pack = tmp_path / "hostile-everywhere.toml"
    pack.write_text(
        f"""name = {json.dumps("pack " + PAYLOAD)}
[[questions]]
id = "q1"
type = "dsa"
difficulty = "easy"
text = {json.dumps("Find duplicates " + PAYLOAD)}
key_points = [{json.dumps("Use a hash set " + PAYLOAD)}]
topics = [{json.dumps("arrays " + PAYLOAD)}]
""",
        encoding="utf-8",
    )
    answers = write_json(tmp_path / "a.json", ["A hash set of seen values. " + PAYLOAD])
    runs = {
        "setup": cli("setup", "--pack", str(pack)),
        "start": cli("start", "--pack", str(pack), "--answers", str(answers)),
    }
    sid = json.loads(cli("history", "--json").stdout)["interviews"][0]["sessionId"]
    out = tmp_path / "export"
    runs |= {
        "start-typed": cli("start", "--pack", str(pack), input="/hint\n" + PAYLOAD + "\n\n"),
        "report": cli("report", sid),
        "report-md": cli("report", sid, "--format", "markdown"),
        "report-html": cli("report", sid, "--format", "html"),
        "history": cli("history"),
        "next": cli("next"),
        "export": cli("export"),
        "export-md": cli("export", "--format", "markdown", "--output", str(out)),
        "retry": cli("retry", sid, "--answers", str(answers)),
    }
    for name, result in runs.items():
        assert result.exit_code == 0, (name, result.output)
        for shown in (result.stdout, result.stderr):
            for raw in RAW:
                assert raw not in shown, (name, raw, shown[:400])
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not any(raw in text for raw in RAW), path
    # Rich markup is shown as written, never interpreted
    assert "[bold red]m[/]" in runs["report"].stdout
