"""Output never fails on encoding: every command on a terminal that cannot show every
character (cp1252, as on many Windows consoles, and ASCII), and UTF-8 into pipes.

The terminal decodes what the program writes strictly in its own encoding, so a single
character it cannot show fails the test, as does a traceback or an unexpected exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_json
from terminal import PROMPT, SUBMIT, new_session, spawn

ENCODINGS = ["cp1252", "ascii"]
ANSWER = "Binary search — O(log n) · keeps the invariant ✓ “lo ≤ hi” …"
#: the answer as each terminal shows it: what it can, and stand-ins for the rest
SHOWN = {
    "cp1252": "Binary search — O(log n) · keeps the invariant [v] “lo <= hi” …",
    "ascii": 'Binary search -- O(log n) - keeps the invariant [v] "lo <= hi" ...',
}


@pytest.fixture
def graded(cli, home: Path, tmp_path: Path) -> dict[str, str]:
    """A graded session whose answer holds characters cp1252 and ASCII cannot all show,
    and paths the commands need."""
    answers = write_json(tmp_path / "answers.json", [ANSWER])
    result = cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers), "--json")
    assert result.exit_code == 0, result.output
    return {
        "id": json.loads(result.stdout)["sessionId"],
        "answers": str(answers),
        "out": str(tmp_path / "exported"),
    }


COMMANDS = {
    "help": (["--help"], 0),
    "version": (["--version"], 0),
    "price": (["price"], 0),
    "price-session": (["price", "--session", "{id}"], 0),
    "setup": (["setup", "-t", "dsa", "-d", "easy"], 0),
    "start-scripted": (
        ["start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", "{answers}"],
        0,
    ),
    "report": (["report", "last"], 0),
    "report-markdown": (["report", "last", "--format", "markdown"], 0),
    "report-json": (["report", "last", "--format", "json"], 0),
    "history": (["history"], 0),
    "history-chart": (["history", "--chart"], 0),
    "next": (["next"], 0),
    "retry": (["retry", "{id}", "--answers", "{answers}"], 0),
    "export": (["export"], 0),
    "export-markdown": (["export", "--format", "markdown", "--output", "{out}"], 0),
    "keys": (["keys", "list"], 0),
    "paths": (["paths"], 0),
    "complete": (["complete", "{id}"], 2),  # not a Vapi session: a usage error, in words
    "webhook": (["webhook", "--help"], 0),
    "delete": (["delete", "{id}", "--yes"], 0),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_writes_only_what_the_terminal_can_show(
    graded: dict[str, str], encoding: str, command: str
):
    args, code = COMMANDS[command]
    child = spawn(
        *(a.format(**graded) for a in args),
        env={"PYTHONIOENCODING": encoding},
        encoding=encoding,
        columns=100,
    )
    child.wait_until_gone()
    assert "Traceback" not in child.transcript()
    assert child.exitstatus == code, child.transcript()
    if command == "price":
        assert "INR " in child.transcript()
    if command == "report":
        assert "[v]" in child.transcript() or "[x]" in child.transcript()
        assert SHOWN[encoding] in child.transcript()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_interactive_interview_on_such_a_terminal_is_saved_and_graded(home: Path, encoding: str):
    child = spawn(
        "start", "-t", "dsa", "-d", "easy", "-n", "1", "--seed", "1",
        env={"PYTHONIOENCODING": encoding},
        encoding=encoding,
    )  # fmt: skip
    new_session(child)
    child.expect_exact(">" if encoding == "ascii" else PROMPT)
    child.send("Binary search for the left bound, O(log n).")
    child.send(SUBMIT)
    child.expect_exact("Saved after")
    child.expect("Overall|Score")
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    assert "Traceback" not in child.transcript()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_pipes_and_files_get_utf8_whatever_the_encoding_says(
    graded: dict[str, str], home: Path, encoding: str
):
    env = {**os.environ, "PYTHONIOENCODING": encoding}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mockint", *args], capture_output=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return done.stdout.decode("utf-8")  # strictly

    assert "₹99" in run("price")
    markdown = run("report", graded["id"], "--format", "markdown")
    assert "keeps the invariant ✓ “lo ≤ hi” …" in markdown  # (Markdown escapes the rest)
    assert "✅" in markdown or "❌" in markdown
    assert ANSWER in run("report", graded["id"])


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_answers_piped_in_are_read_as_utf8_whatever_the_encoding_says(home: Path, encoding: str):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    answer = "Use a hash map → O(n) ✓ “lo ≤ hi”"
    done = subprocess.run(
        [sys.executable, "-m", "mockint", "start", "-t", "dsa", "-d", "easy", "-n", "1"],
        input=(answer + "\n\n").encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "mockint", "report", "last", "--format", "json"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert json.loads(shown.stdout.decode("utf-8"))["questions"][0]["answer"] == answer
    # bytes that are not UTF-8 are kept as U+FFFD, and the interview still ends well
    done = subprocess.run(
        [sys.executable, "-m", "mockint", "start", "-t", "dsa", "-d", "easy", "-n", "1"],
        input=b"caf\xe9 and a hash map\n\n",
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
