"""The answer editor, used as a person uses it: the real program in a pseudo-terminal.

Pasting (bracketed paste), editing with the arrow keys, the submit keys, commands, the
toolbar's clock, ``/edit``, and drafts that survive Ctrl-C, SIGHUP, SIGTERM and a closed
terminal and come back on resume. The database is checked through the library afterwards.
"""

from __future__ import annotations

import re
import signal
import sys
import time
from pathlib import Path

import pytest

from mockint.cli.editor import editor_problem
from mockint.interview.session import answered_questions
from mockint.models.sessions import AnsweredQuestion
from mockint.storage.connection import open_db
from terminal import LEFT, PROMPT, SUBMIT, TIMEOUT, Terminal, new_session, paste, spawn

START = ("start", "--type", "dsa", "--difficulty", "easy", "--seed", "1", "--count", "2")


def stored(home: Path, session_id: str) -> list[AnsweredQuestion]:
    db = open_db(home / "mockint.db")
    try:
        return answered_questions(db, session_id)
    finally:
        db.conn.close()


def started() -> tuple[Terminal, str]:
    child = spawn(*START)
    session_id, total = new_session(child)
    assert total == 2
    child.expect_exact(PROMPT)
    return child, session_id


PASTED = """Keep the lowest price seen so far and the best profit.

```python
def max_profit(prices):
    low, best = float("inf"), 0
    for p in prices:

        low = min(low, p)
        best = max(best, p - low)
    return best
```
/skip

/pause
O(n) time, O(1) space."""


def test_a_pasted_answer_with_blank_lines_and_code_is_stored_whole_as_one_answer(home: Path):
    child, session_id = started()
    child.send(paste(PASTED))
    child.wait_for_screen(r"O\(n\) time, O\(1\) space\.")
    assert "Saved after" not in child.transcript()  # a paste never submits
    child.send(SUBMIT)
    child.expect_exact("Saved after")
    child.expect_exact("Question 2 of 2")
    child.expect_exact(PROMPT)
    child.send("/pause\r")
    child.expect_exact(f"resume with: mockint start {session_id}")
    child.wait_until_gone()
    assert child.exitstatus == 0

    first, second = stored(home, session_id)
    assert first.answer == PASTED
    assert not first.skipped
    assert second.answer is None and not second.skipped


def test_arrow_keys_move_through_the_answer_to_fix_a_typo(home: Path):
    child, session_id = started()
    child.send("Use a hash mp to find pairs\rin one pass.")
    child.wait_for_screen("in one pass")
    child.send("\x1b[A")  # Up: to the first line
    child.send("\x1b[F")  # End
    child.send(LEFT * len("p to find pairs") + "a")
    child.wait_for_screen("Use a hash map to find pairs")
    child.send(SUBMIT)
    child.expect_exact("Saved after")
    child.expect_exact(PROMPT)
    child.send("\x03")
    child.wait_until_gone()

    assert "^[[D" not in child.transcript()
    assert stored(home, session_id)[0].answer == "Use a hash map to find pairs\nin one pass."


def test_enter_on_an_empty_last_line_submits_and_a_command_keeps_the_answer_so_far(home: Path):
    child, session_id = started()
    child.send("Binary search for the first index\r/hint\r")
    child.expect(r"Think about: |Consider: ")
    child.wait_for_screen("Binary search for the first index")  # still in the editor
    child.send("/hint\r")  # a second command right away is a command, not the answer's end
    child.expect(r"Think about: |Consider: ")
    child.wait_for_screen("Binary search for the first index")
    child.send("whose value is at least the target.\r\r")  # on a line of its own
    child.expect_exact("Saved after")
    child.expect_exact("Question 2 of 2")
    child.expect_exact(PROMPT)
    child.send("/quit\r")  # the same as /pause
    child.expect_exact(f"Paused. Your answers are saved; resume with: mockint start {session_id}")
    child.wait_until_gone()
    assert child.exitstatus == 0

    first = stored(home, session_id)[0]
    assert first.answer == "Binary search for the first index\nwhose value is at least the target."
    assert first.hints_used == 2


@pytest.mark.parametrize(
    ("stop", "code"),
    [("ctrl-c", 130), (signal.SIGHUP, 129), (signal.SIGTERM, 143)],
    ids=["ctrl-c", "sighup", "sigterm"],
)
def test_an_interrupted_answer_is_kept_as_a_draft_and_offered_on_resume(
    home: Path, stop: str | signal.Signals, code: int
):
    child, session_id = started()
    child.send("Two pointers would not work here;\rbinary search on the left bound")
    child.wait_for_screen("binary search on the left bound")
    if stop == "ctrl-c":
        child.send("\x03")
    else:
        assert isinstance(stop, signal.Signals)
        child.kill(stop)
    child.expect_exact("your unsent answer is kept as a draft; resume with: ")
    child.wait_until_gone()
    assert child.exitstatus == code
    assert "Traceback" not in child.transcript()

    first = stored(home, session_id)[0]
    assert first.answer is None and not first.skipped
    assert first.draft == "Two pointers would not work here;\nbinary search on the left bound"

    resumed = spawn("start", session_id)
    resumed.expect_exact("Question 1 of 2")
    resumed.expect_exact("Your unsent draft (2 lines")
    resumed.wait_for_screen(
        r"(?s)Two pointers would not work here;.*binary search on the left bound"
    )
    resumed.send("keeping the invariant.")  # the cursor waits on a new line
    resumed.send(SUBMIT)
    resumed.expect_exact("Saved after")
    resumed.expect_exact(PROMPT)
    resumed.send("/pause\r")
    resumed.wait_until_gone()

    first = stored(home, session_id)[0]
    assert first.answer == (
        "Two pointers would not work here;\nbinary search on the left bound\nkeeping the invariant."
    )
    assert first.draft is None


def test_closing_the_terminal_keeps_the_draft(home: Path):
    child, session_id = started()
    child.send("Typed, then the window closed")
    child.wait_for_screen("then the window closed")
    child.ptyproc.fileobj.close()  # the terminal goes away: the kernel sends SIGHUP
    deadline = time.monotonic() + TIMEOUT
    while child.ptyproc.isalive():
        assert time.monotonic() < deadline, "mockint did not exit when its terminal closed"
        time.sleep(0.1)
    assert stored(home, session_id)[0].draft == "Typed, then the window closed"


def test_the_toolbar_shows_the_clock_ticking_against_the_question_time_and_the_keys(
    home: Path,
):
    child, _ = started()
    first = child.wait_for_screen(r"(\d\d):(\d\d) / 04:00")
    seconds = int(first.group(1)) * 60 + int(first.group(2))
    later = seconds + 2
    child.wait_for_screen(rf"{later // 60:02d}:{later % 60:02d} / 04:00")
    bottom = child.shown().splitlines()[-1]
    assert "04:00" in bottom  # a bottom toolbar: the screen's last line
    assert "Alt+Enter or Esc Enter" in bottom
    child.send("\x03")
    child.wait_until_gone()


def test_edit_opens_the_editor_on_the_answer_and_keeps_what_it_wrote(home: Path, tmp_path: Path):
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path).read()\n"
        "open(path, 'w').write(text + '\\n\\n    code(line)\\n\\nthe end\\n')\n"
    )
    child = spawn(*START, env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    session_id, _ = new_session(child)
    child.expect_exact(PROMPT)
    child.send("Start of the answer\r/edit\r")
    child.wait_for_screen("the end")
    assert "Saved after" not in child.transcript()  # back in the editor, to check and submit
    child.send(SUBMIT)
    child.expect_exact("Saved after")
    child.expect_exact(PROMPT)
    child.send("/pause\r")
    child.wait_until_gone()

    # the file the editor got ends with a newline, as a text file does: what it appended
    # starts on a line of its own
    answer = stored(home, session_id)[0].answer
    assert answer == "Start of the answer\n\n\n    code(line)\n\nthe end"


def test_up_on_an_empty_answer_brings_back_the_previous_one_to_edit(home: Path):
    child, session_id = started()
    child.send("Binary search on the left bound.")
    child.send(SUBMIT)
    child.expect_exact("Question 2 of 2")
    child.expect_exact(PROMPT)
    child.send("\x1b[A")  # Up: the answer given before, back in the editor
    child.wait_for_screen(r"(?s)left bound\..*left bound\.")
    child.send(" Then XOR them all.")
    child.send(SUBMIT)
    child.expect_exact("Saved after")
    child.wait_until_gone()
    assert (
        stored(home, session_id)[1].answer == "Binary search on the left bound. Then XOR them all."
    )


@pytest.mark.parametrize("keys", ["/edit\r", "\x18\x05"], ids=["/edit", "ctrl-x-ctrl-e"])
def test_back_from_the_editor_a_command_is_on_its_own_line(home: Path, tmp_path: Path, keys):
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\npath = sys.argv[1]\nopen(path, 'w').write('Written in the editor\\n')\n"
    )
    child = spawn(*START, env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    session_id, _ = new_session(child)
    child.expect_exact(PROMPT)
    child.send(keys)
    child.wait_for_screen("Written in the editor")
    child.send("/pause\r")  # not "Written in the editor/pause"
    child.wait_until_gone()
    assert stored(home, session_id)[0].draft == "Written in the editor"


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"EDITOR": "/nonexistent/editor"},
         "/edit: /nonexistent/editor ($EDITOR) is not installed"),
        ({"VISUAL": "nosuch-editor --wait", "EDITOR": "other-nosuch"},
         "/edit: nosuch-editor ($VISUAL) is not installed"),
        # prompt_toolkit goes on to $EDITOR when $VISUAL is not installed
        ({"VISUAL": "nosuch-editor", "EDITOR": sys.executable}, None),
        ({"EDITOR": "'unclosed"}, "/edit: $EDITOR cannot be read as a command"),
        ({"EDITOR": sys.executable}, None),
        ({}, None),  # prompt_toolkit's own fallbacks
    ],
)  # fmt: skip
def test_an_editor_that_is_not_installed_is_named(environ, problem):
    assert editor_problem(environ) == problem


def test_after_an_edit_with_no_editor_a_command_is_on_its_own_line(home: Path):
    child = spawn(*START, env={"EDITOR": "nosuch-editor", "VISUAL": ""})
    session_id, _ = new_session(child)
    child.expect_exact(PROMPT)
    child.send("Use a hash map\r/edit\r")
    child.wait_for_screen(re.escape("nosuch-editor ($EDITOR) is not installed"))
    child.send("/pause\r")  # not "Use a hash map/pause"
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    assert stored(home, session_id)[0].draft == "Use a hash map"


def test_enter_on_a_line_holding_only_copied_indentation_does_not_submit(home: Path):
    child, session_id = started()
    # typed, not pasted: each Enter copies the line's indentation onto the next one
    child.send("def f(xs):\r    for x in xs:\r")
    child.send("\r")  # Enter on the copied indentation clears it: no submit
    child.wait_for_screen("for x in xs:")
    child.send("    return x\r")
    child.wait_for_screen("return x")
    child.send("\r")  # clears the copied indentation
    child.send("\r")  # Enter on the empty last line submits
    child.expect_exact("Saved after")
    child.send("/pause\r")
    child.wait_until_gone()
    answer = stored(home, session_id)[0].answer
    assert answer == "def f(xs):\n    for x in xs:\n    return x"


def test_a_paste_the_terminal_did_not_bracket_keeps_its_own_indentation(home: Path):
    child, session_id = started()
    code = "def f(xs):\r    for x in xs:\r        print(x)\r    return None"
    child.send(code)  # one write, as a terminal without bracketed paste sends a paste
    child.wait_for_screen("return None")
    child.send(SUBMIT)
    child.expect_exact("Saved after")
    child.send("/pause\r")
    child.wait_until_gone()
    assert stored(home, session_id)[0].answer == (
        "def f(xs):\n    for x in xs:\n        print(x)\n    return None"
    )
