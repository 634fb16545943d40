"""Conventions of a polished CLI: where files live, shell completion, a pager."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import write_json
from terminal import spawn


def test_paths_names_every_place_mockint_keeps_a_file(cli, home: Path):
    result = cli("paths", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "dataDir": str(home),
        "database": str(home / "mockint.db"),
        "configFile": str(home / "config.toml"),
        "keyFile": str(home / "keys.json"),
        "audioDir": str(home / "audio"),
        "mockintHome": str(home),
        "openai": {
            "baseUrl": "http://localhost:11434/v1",
            "questionsModel": "llama3.1",
            "reportModel": "llama3.1",
            "error": None,
        },
    }
    table = cli("paths")
    assert table.exit_code == 0
    for label in ("Data directory", "Database", "Config file", "Key file", "Recordings"):
        assert label in table.stdout
    assert str(home / "keys.json") in table.stdout
    assert "http://localhost:11434/v1" in table.stdout


def test_paths_and_keys_name_the_openai_server_without_its_password(cli, home: Path):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[openai]\nbase_url = "http://me:hunter22@10.0.0.5:8080/v1"\n'
        'model = "qwen2.5:7b"\nreport_model = "qwen2.5:14b"\n',
        encoding="utf-8",
    )
    server = json.loads(cli("paths", "--json").stdout)["openai"]
    assert server == {
        "baseUrl": "http://10.0.0.5:8080/v1",
        "questionsModel": "qwen2.5:7b",
        "reportModel": "qwen2.5:14b",
        "error": None,
    }
    table = cli("paths").stdout
    assert "qwen2.5:7b (questions), qwen2.5:14b (report)" in table
    keys = cli("keys", "list")
    assert keys.exit_code == 0
    assert "server http://10.0.0.5:8080/v1" in keys.stdout
    assert "hunter22" not in table + keys.stdout
    # a URL that cannot be used is said, and the rest is still shown
    (home / "config.toml").write_text('[openai]\nbase_url = "ftp://x"\n', encoding="utf-8")
    shown = cli("paths", "--json")
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert data["openai"]["baseUrl"] is None and "ftp://x" in data["openai"]["error"]
    assert data["keyFile"] == str(home / "keys.json")


def complete(words: str, index: int) -> list[str]:
    env = {
        **os.environ,
        "_MOCKINT_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(index),
    }
    code = "from mockint.cli.app import app; app(prog_name='mockint')"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    return done.stdout.split()


def test_shell_completion_offers_commands_options_and_choices(cli):
    assert "--install-completion" in cli("--help").stdout
    assert complete("mockint st", 1) == ["start"]
    assert complete("mockint start --diff", 2) == ["--difficulty"]
    assert complete("mockint start --difficulty ", 3) == ["easy", "medium", "hard", "expert"]


def graded(cli, tmp_path: Path) -> None:
    answers = write_json(tmp_path / "a.json", ["A hash map from value to index, one pass."])
    assert (
        cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers)).exit_code == 0
    )


def test_the_report_goes_through_the_pager_on_a_terminal(cli, home: Path, tmp_path: Path):
    graded(cli, tmp_path)
    paged = tmp_path / "paged.txt"
    pager = tmp_path / "pager.py"
    pager.write_text(f"import sys\nopen({str(paged)!r}, 'w').write(sys.stdin.read())\n")
    child = spawn("report", "last", env={"PAGER": f"{sys.executable} {pager}"})
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    assert "A hash map from value to index, one pass." in paged.read_text()
    assert "A hash map from value to index" not in child.transcript()

    paged.unlink()
    child = spawn("report", "last", "--no-pager", env={"PAGER": f"{sys.executable} {pager}"})
    child.wait_until_gone()
    assert child.exitstatus == 0
    assert not paged.exists()
    assert "A hash map from value to index, one pass." in child.transcript()


def test_a_pager_that_is_not_installed_is_named_and_the_report_printed(
    cli, home: Path, tmp_path: Path
):
    graded(cli, tmp_path)
    child = spawn("report", "last", env={"PAGER": "nonexistent-pager --quiet"})
    child.wait_until_gone()
    assert child.exitstatus == 0, child.transcript()
    shown = child.transcript()
    assert "$PAGER (nonexistent-pager --quiet) is not installed; printing instead." in shown
    assert "A hash map from value to index, one pass." in shown
    assert "not found" not in shown  # no shell's own complaint
