"""`mockint --help` and offline commands must not import heavy or network libraries."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from mockint.cli.app import COMMANDS, load_command

NETWORK_AND_AUDIO = (
    "httpx",
    "httpx2",
    "google.genai",
    "openai",
    "sounddevice",
    "faster_whisper",
    "pocketsphinx",
    "pyttsx3",
)
HEAVY = (
    *NETWORK_AND_AUDIO,
    "tokenizers",
    "snowballstemmer",
    "sqlite_utils",
    "pydantic",
    "jinja2",
    "plotext",
)


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from mockint.cli.app import app; "
        "from typer.testing import CliRunner; CliRunner().invoke(app, ['--help']); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_price_and_history_do_not_import_graders_or_network(tmp_path):
    code = (
        "import sys; from mockint.cli.app import app; from typer.testing import CliRunner; "
        "r = CliRunner(); r.invoke(app, ['price']); r.invoke(app, ['history']); "
        f"print([m for m in {(*NETWORK_AND_AUDIO, 'tokenizers', 'jinja2', 'plotext')!r} "
        "if m in sys.modules])"
    )
    env = {"MOCKINT_HOME": str(tmp_path), "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"


def test_python_dash_m_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "mockint", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("mockint ")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_listed_summary_is_the_first_paragraph_of_the_commands_help(name):
    command = load_command(name)
    first = inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ").strip()
    assert COMMANDS[name][1] == first


def test_an_unknown_command_is_a_usage_error_naming_the_close_match(cli):
    result = cli("strat")
    assert result.exit_code == 2
    assert "strat" in result.stderr and "start" in result.stderr
