"""Property-based tests: parsers and the CLI never fail with anything but a one-line error.

The pack and answers parsers take arbitrary text and structured data and either
return a result or raise a ``MockintError``; the CLI, given any text in its
options and arguments, exits 0, 1 or 2 and reports a failure as one line.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockint.errors import MockintError
from mockint.interview.answers import load_answers, parse_answers
from mockint.questions.packs import Pack, load_pack, parse_pack

FAST = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# -- pack parser ------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    escaped = []
    for ch in value:
        if ch in '"\\':
            escaped.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            escaped.append(f"\\u{ord(ch):04x}")
        else:
            escaped.append(ch)
    return '"' + "".join(escaped) + '"'


def toml_value(value: object) -> str:
    """``value`` as TOML (no TOML writer is installed; this one covers what the tests make)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


def toml_document(top: dict[str, object], questions: list[dict[str, object]]) -> str:
    lines = [f"{toml_string(k)} = {toml_value(v)}" for k, v in top.items()]
    for question in questions:
        lines += ["", "[[questions]]"]
        lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in question.items()]
    return "\n".join(lines) + "\n"


toml_scalars = (
    st.text(max_size=30)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.datetimes()
    | st.sampled_from(["dsa", "easy", "javascript", "expert", "", " ", "a" * 5000])
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
QUESTION_KEYS = [
    "id",
    "type",
    "difficulty",
    "text",
    "key_points",
    "follow_ups",
    "time_minutes",
    "topics",
    "level",
    "extra",
]
question_like = st.dictionaries(
    st.sampled_from(QUESTION_KEYS) | st.text(max_size=8), toml_values, max_size=10
)
top_like = st.dictionaries(
    st.sampled_from(["name", "version", "description", "questions"]) | st.text(max_size=8),
    toml_values,
    max_size=4,
)

TOML_FRAGMENTS = [
    "name = 'p'\n",
    'name = "p"\n',
    "version = 1\n",
    "[[questions]]\n",
    "[questions]\n",
    "id = 'q-1'\n",
    "id = 'q 1'\n",
    "type = 'dsa'\n",
    "difficulty = 'easy'\n",
    "text = 'Why?'\n",
    "text = '''\nmulti\nline'''\n",
    "key_points = ['Sort first.']\n",
    "key_points = []\n",
    "key_points = ['']\n",
    "topics = ['a', 'b']\n",
    "time_minutes = 0\n",
    "time_minutes = 99999999999999999999\n",
    "level = 11\n",
    "= 1\n",
    "a.b.c = 1\n",
    "x = {y = [1, 'a']}\n",
    "[",
    "]",
    "'",
    '"',
    "\\",
    "#",
    "\n",
]
toml_ish_text = st.lists(st.sampled_from(TOML_FRAGMENTS) | st.text(max_size=20), max_size=30).map(
    "".join
)


def parse_or_error(text: str) -> Pack | None:
    try:
        return parse_pack(text, origin="Pack file p.toml")
    except MockintError as exc:
        assert exc.message.startswith("Pack file p.toml ")
        return None


@FAST
@given(st.text() | toml_ish_text)
def test_pack_parser_takes_any_text(text):
    pack = parse_or_error(text)
    assert pack is None or isinstance(pack, Pack)


@FAST
@given(top_like, st.lists(question_like, max_size=3))
def test_pack_parser_takes_any_structured_document(top, questions):
    pack = parse_or_error(toml_document(top, questions))
    assert pack is None or "questions" in top or len(pack.questions) == len(questions)


question_ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z")
# Padding that both Python and pydantic strip, around text with no whitespace or control
# characters at its ends (the two disagree about some control characters such as \x1f).
sentences = st.builds(
    lambda pad, core, end: pad + core + end,
    st.sampled_from(["", " ", "\t"]),
    st.text(st.characters(exclude_categories=["Cc", "Cs", "Z"]), min_size=1, max_size=80),
    st.sampled_from(["", " ", "\n"]),
)
valid_question = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["javascript", "machine-coding", "dsa", "system-design"]),
        "difficulty": st.sampled_from(["easy", "medium", "hard", "expert"]),
        "text": sentences,
        "key_points": st.lists(sentences, min_size=1, max_size=5),
    },
    optional={
        "follow_ups": st.lists(sentences, max_size=3),
        "time_minutes": st.integers(1, 120),
        "topics": st.lists(st.text(max_size=15), max_size=4),
        "level": st.integers(1, 10),
    },
)


@FAST
@given(
    st.text(min_size=1, max_size=50).filter(lambda s: s.strip()),
    st.lists(
        st.tuples(question_ids, valid_question), min_size=1, max_size=4, unique_by=lambda t: t[0]
    ),
)
def test_a_valid_pack_loads_with_its_questions_in_order(name, questions):
    docs = [{"id": qid, **fields} for qid, fields in questions]
    pack = parse_pack(toml_document({"name": name}, docs))
    assert [q.id for q in pack.questions] == [d["id"] for d in docs]
    assert [q.text for q in pack.questions] == [d["text"].strip() for d in docs]
    assert [q.key_points for q in pack.questions] == [
        [k.strip() for k in d["key_points"]] for d in docs
    ]


@FAST
@given(st.binary(max_size=300))
def test_a_pack_file_of_any_bytes_loads_or_is_refused(tmp_path, data):
    path = tmp_path / "pack.toml"
    path.write_bytes(data)
    try:
        load_pack(path)
    except MockintError as exc:
        assert str(path) in exc.message


@pytest.mark.parametrize(
    "text",
    [
        "name = " + "[" * 10_000,
        "name = " + "{a = " * 10_000,
    ],
    ids=["deep-array", "deep-inline-table"],
)
def test_a_deeply_nested_pack_is_refused_not_crashed(text):
    with pytest.raises(MockintError):
        parse_pack(text)


# -- answers parser ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=15,
)


def is_answer(value: object) -> bool:
    return value is None or isinstance(value, str)


@FAST
@given(json_values | st.lists(st.none() | st.text()) | st.dictionaries(st.text(), st.text()))
def test_answers_parser_accepts_exactly_lists_and_maps_of_strings(value):
    text = json.dumps(value)
    accepted = (isinstance(value, list) and all(map(is_answer, value))) or (
        isinstance(value, dict) and all(map(is_answer, value.values()))
    )
    if accepted:
        assert parse_answers(text) == value
    else:
        with pytest.raises(MockintError):
            parse_answers(text)


@FAST
@given(st.text() | st.lists(st.sampled_from([*'[]{}",:\\nul0.e-', "\\u"])).map("".join))
def test_answers_parser_takes_any_text(text):
    try:
        parsed = parse_answers(text)
    except MockintError:
        return
    assert isinstance(parsed, list | dict)


@FAST
@given(st.binary(max_size=300))
def test_an_answers_file_of_any_bytes_loads_or_is_refused(tmp_path, data):
    path = tmp_path / "answers.json"
    path.write_bytes(data)
    try:
        load_answers(path)
    except MockintError as exc:
        assert str(path) in exc.message


@pytest.mark.parametrize("text", ["[" * 10_000, '{"a": ' * 10_000], ids=["array", "object"])
def test_deeply_nested_answers_are_refused_not_crashed(text):
    with pytest.raises(MockintError):
        parse_answers(text)


def is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@FAST
@given(st.lists(st.text(st.characters(categories=["Cs", "Ll"]), max_size=5), max_size=3))
@example(["\ud800"])
def test_accepted_answers_are_storable_text(value):
    # JSON can spell lone surrogates ("\ud800"): they are not text, and SQLite cannot store them.
    try:
        parsed = parse_answers(json.dumps(value))
    except MockintError:
        return
    assert all(answer is None or is_text(answer) for answer in parsed), parsed


# -- the CLI ----------------------------------------------------------------------------------

# Real argv cannot hold NUL; newlines in paths are covered by their own test below.
arg_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
one_line_arg = arg_text.filter(lambda s: "\n" not in s)


def assert_clean_exit(result, codes=(0, 1, 2)):
    """Exit 0, 1 or 2; no traceback; a failure is one line and prints no data."""
    assert result.exit_code in codes, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.stdout == ""
        assert len(result.stderr.strip().split("\n")) == 1, result.stderr


def test_an_answers_file_with_a_lone_surrogate_is_refused_in_one_line(cli, tmp_path, pack_file):
    answers = tmp_path / "a.json"
    answers.write_text('["\\ud800 is half a character"]', encoding="utf-8")
    result = cli("start", "--pack", str(pack_file), "--answers", str(answers), "--json")
    assert_clean_exit(result, codes=(2,))


@FAST
@given(arg_text)
def test_notes_take_any_text_and_are_stored_as_given(cli, home, notes):
    result = cli("setup", "-t", "dsa", "-d", "easy", "--notes", notes, "--json")
    assert_clean_exit(result, codes=(0,))
    session_id = json.loads(result.stdout)["sessionId"]
    with sqlite3.connect(home / "mockint.db") as db:
        stored = db.execute("SELECT notes FROM sessions WHERE id = ?", [session_id]).fetchone()
    assert stored == (notes,)


@FAST
@given(st.lists(arg_text, min_size=1, max_size=3))
def test_focus_takes_any_text(cli, focus):
    args = [a for f in focus for a in ("--focus", f)]
    result = cli("setup", "-t", "system-design", "-d", "medium", *args, "--json")
    assert_clean_exit(result, codes=(0,))
    assert len(json.loads(result.stdout)["questions"]) >= 1


@FAST
@given(st.sampled_from(["setup", "start"]), one_line_arg)
def test_pack_takes_any_path(cli, tmp_path, monkeypatch, command, path):
    monkeypatch.chdir(tmp_path)
    result = cli(command, "--pack", path, input="")
    assert_clean_exit(result)
    assert result.exit_code == 2  # there is no pack there


@FAST
@given(one_line_arg)
def test_answers_takes_any_path(cli, tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    result = cli("start", "-t", "dsa", "-d", "easy", "--answers", path, input="")
    assert_clean_exit(result)
    assert result.exit_code == 2


@FAST
@given(st.sampled_from(["report", "start"]), arg_text)
def test_session_ids_take_any_text(cli, command, ref):
    result = cli(command, ref, input="")
    assert_clean_exit(result)


@FAST
@given(
    st.sampled_from(
        [
            ("history", "--status"),
            ("history", "--type"),
            ("history", "--difficulty"),
            ("history", "--sort"),
            ("history", "--page"),
            ("history", "--limit"),
            ("report", "--format"),
            ("price", "--type"),
            ("price", "--difficulty"),
            ("setup", "--count"),
            ("setup", "--seed"),
            ("start", "--fail-under"),
        ]
    ),
    arg_text,
)
def test_choice_and_number_options_take_any_text(cli, command_option, value):
    command, option = command_option
    args = [command, option, value]
    if command == "report":
        args.insert(1, "last")
    if command in ("setup", "start") and option != "--fail-under":
        args += ["-t", "dsa", "-d", "easy"]
    result = cli(*args, input="")
    assert_clean_exit(result)


OPTION_TOKENS = [
    "--type",
    "--difficulty",
    "--focus",
    "--notes",
    "--count",
    "--pack",
    "--seed",
    "--answers",
    "--json",
    "--fail-under",
    "--status",
    "--sort",
    "--page",
    "--limit",
    "--format",
    "-t",
    "-d",
    "dsa",
    "easy",
    "last",
    "-",
    "--",
]


@FAST
@given(
    st.sampled_from(["setup", "start", "report", "history", "price"]),
    st.lists(st.sampled_from(OPTION_TOKENS) | one_line_arg, max_size=6),
)
def test_any_command_line_exits_cleanly(cli, tmp_path, monkeypatch, command, args):
    monkeypatch.chdir(tmp_path)
    result = cli(command, *args, input="")
    assert_clean_exit(result)


@pytest.mark.parametrize("case", ["pack-path", "answers-path", "pack-key"], ids=lambda case: case)
def test_an_error_quoting_user_text_with_a_newline_is_one_line(cli, tmp_path, pack_file, case):
    if case == "pack-path":
        result = cli("setup", "--pack", str(tmp_path / "my\npack.toml"))
    elif case == "answers-path":
        result = cli("start", "--pack", str(pack_file), "--answers", str(tmp_path / "a\nb.json"))
    else:
        pack = tmp_path / "keys.toml"
        pack.write_text(pack_file.read_text(encoding="utf-8") + '"x\\ny" = 1\n', encoding="utf-8")
        result = cli("setup", "--pack", str(pack))
    assert result.exit_code == 2
    assert len(result.stderr.strip().split("\n")) == 1, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        [b"report", b"\xff\xfe"],
        [b"start", b"\xffabc"],
        [b"setup", b"-t", b"dsa", b"-d", b"easy", b"--notes", b"caf\xe9"],
        [b"start", b"--pack", b"/nonexistent/\xff.toml"],
        [b"history", b"--status", b"\xff"],
    ],
    ids=["report-id", "start-id", "notes", "pack-path", "status"],
)
def test_arguments_that_are_not_utf8_exit_cleanly(args):
    # On POSIX, argv is bytes: Python hands undecodable bytes to the program as surrogates.
    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"mockint", *args],
        capture_output=True,
        env=dict(os.environ),
        timeout=60,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 2), stderr
    assert b"Traceback" not in proc.stderr
    if proc.returncode:
        assert len(stderr.strip().split("\n")) == 1, stderr


# -- key file, config file, dates ------------------------------------------------------------


@FAST
@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_a_key_file_of_any_bytes_is_read_or_refused_in_one_line(cli, home, data):
    from mockint.keys import key_file

    home.mkdir(parents=True, exist_ok=True)
    key_file().write_bytes(data)
    key_file().chmod(0o600)
    result = cli("keys", "list")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code:
        assert len(result.stderr.strip().splitlines()) == 1


vapi_values = (
    st.none().map(lambda _: '""')
    | st.integers(-(10**12), 10**12).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: "nan" if math.isnan(f) else ("inf" if math.isinf(f) else repr(f))
    )
    | st.text(max_size=20).map(json.dumps)
    | st.lists(st.integers(), max_size=3).map(json.dumps)
    | st.just("{ a = 1 }")
)


@FAST
@given(
    st.sampled_from(
        [
            "attempts",
            "poll_seconds",
            "base_url",
            "assistant",
            "webhook_max_age_seconds",
            "server_messages",
            "request_timeout_seconds",
        ]
    ),
    vapi_values,
)
def test_any_vapi_setting_is_taken_or_refused_naming_it(home, name, value):
    from mockint.config import config_path
    from mockint.vapi import client as vapi_client

    home.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f"[vapi]\n{name} = {value}\n", encoding="utf-8")
    vapi_client.settings.cache_clear()
    try:
        vapi_client.settings()
    except MockintError as exc:
        assert name in exc.message or "not valid TOML" in exc.message
    finally:
        vapi_client.settings.cache_clear()


@FAST
@given(st.text(max_size=40), st.booleans())
@example("0001-01-01", False)
@example("9999-12-31", True)
@example("99999y", False)
def test_any_date_text_is_a_moment_or_a_usage_error(text, end):
    from mockint.errors import UsageError
    from mockint.timespec import parse_moment

    try:
        moment = parse_moment(text, "--since", end=end)
    except UsageError as exc:
        assert "--since" in exc.message
    else:
        assert moment.tzinfo is not None
