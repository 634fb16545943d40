"""Help that says what each option takes, and errors in the tool's own words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_json
from mockint.cli.app import COMMANDS
from terminal import spawn

PYTHON_WORDS = ("<bool>", "<str>", "<int", "<float", "list[str]", "9223372036854775807")


def command_help(cli, *args: str) -> str:
    result = cli(*args, "--help")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "keys"] + ["keys set"])
def test_help_shows_real_metavars_and_one_example_per_line(cli, name: str):
    shown = command_help(cli, *name.split())
    for word in PYTHON_WORDS:
        assert word not in shown, f"{name} --help shows {word}"
    assert "`" not in shown
    examples = [line.strip() for line in shown.splitlines() if line.strip().startswith("• mockint")]
    if name != "webhook":  # a group: its example is on `webhook serve`
        assert examples, f"{name} --help has no example on a line of its own"
    assert all(line.count("mockint ") == 1 for line in examples)


def test_option_texts_fit_each_command(cli):
    start = command_help(cli, "start")
    assert "DIR/QUESTION_ID.wav" in start
    assert "Who writes the questions, follow-ups and report" in " ".join(start.split())
    setup = " ".join(command_help(cli, "setup").split())
    assert "Who writes the questions: gemini" in setup
    complete = " ".join(command_help(cli, "complete").split())
    assert "--mode vapi" not in complete
    assert "Who grades the answers" in complete
    assert "vapi-webhook" in command_help(cli, "keys", "set")


@pytest.mark.parametrize(
    ("args", "kind", "level"),
    [
        (["-t", "DSA", "-d", "EASY"], "dsa", "easy"),
        (["-t", "System-Design", "-d", "Medium"], "system-design", "medium"),
        (["--type", "dsa", "--difficulty", "hard"], "dsa", "hard"),
    ],
)
def test_choices_are_case_insensitive(cli, home, args, kind, level):
    result = cli("setup", *args, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    preview = json.loads(result.stdout)
    assert (preview["type"], preview["difficulty"]) == (kind, level)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-d", "hardd"],
            "Error: --difficulty must be one of easy, medium, hard, expert, not 'hardd'.",
        ),
        (
            ["-t", "java"],
            "Error: --type must be one of javascript, machine-coding, dsa, system-design, "
            "behavioral, not 'java'.",
        ),
        (["-n", "0"], "Error: --count must be a number from 1 to 50."),
        (["--seed", "-3"], "Error: --seed must be a number of at least 0."),
    ],
)
def test_usage_errors_name_the_option_and_what_it_takes(cli, home, args, message):
    result = cli("setup", *args)
    assert result.exit_code == 2
    line = " ".join(result.stderr.split())
    assert line.startswith(message), line
    assert line.endswith("setup --help)")
    for words in ("Value error", "Input should", "`"):
        assert words not in result.stderr


def test_a_case_insensitive_choice_is_named_as_help_shows_it(cli, home):
    result = cli("history", "--status", "done")
    assert result.exit_code == 2
    assert "--status must be one of setup, in_progress, completed, failed, not 'done'." in (
        result.stderr
    )
    assert "setup|in_progress|completed" in " ".join(cli("history", "--help").stdout.split())


def test_errors_carry_no_markdown_backticks(cli, home, tmp_path):
    answers = write_json(tmp_path / "a.json", ["A hash map."])
    assert (
        cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers)).exit_code == 0
    )
    done = cli("start", "last")  # nothing unfinished
    assert done.exit_code == 2
    assert "There is no unfinished session yet" in done.stderr
    result = cli("retry", "ffff0000")
    assert result.exit_code == 2 and "`" not in result.stderr


def test_the_delete_prompt_shows_its_choices(cli, home, tmp_path):
    answers = write_json(tmp_path / "a.json", ["A hash map."])
    assert (
        cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers)).exit_code == 0
    )
    child = spawn("delete", "last")
    child.expect_exact("Delete it? This cannot be undone [y/N]: ")
    child.send("n\r")
    child.expect_exact("Nothing deleted.")
    child.wait_until_gone()
    assert child.exitstatus == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report"], "Error: Missing argument SESSION_ID. (see: mockint report --help)"),
        (["keys", "set"], "Error: Missing argument NAME. (see: mockint keys set --help)"),
        # an option without its value names the command it belongs to, not the root
        (["history", "--page"],
         "Error: Option '--page' requires an argument. (see: mockint history --help)"),
    ],
)  # fmt: skip
def test_a_missing_argument_or_value_is_named(cli, home, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == message


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("args", [["price"], ["--help"], ["history", "--json"]])
def test_output_that_cannot_be_written_is_one_line_and_exit_1(home, args):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "mockint", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MOCKINT_HOME": str(home)},
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: Cannot write the output: No space left on device. Check the disk or where it "
        "is sent."
    )
