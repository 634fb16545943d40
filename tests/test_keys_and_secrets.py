"""API keys: stored owner-only, looked up file-then-environment, and never leaked."""

from __future__ import annotations

import json
import stat

import pytest

from conftest import write_json
from gemini_server import content_reply, start_server
from mockint.keys import get_key, key_file
from test_gemini import question_set

KEY = "AIzaSyD-test-SECRET-9f8e7d6c5b4a"


def test_keys_set_stores_the_key_owner_only(cli, home):
    result = cli("keys", "set", "gemini", input=KEY + "\n")
    assert result.exit_code == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    path = key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["gemini"] == KEY
    listed = cli("keys", "list")
    assert "gemini        set (key file)" in listed.stdout
    assert KEY not in listed.stdout


def test_file_comes_before_environment(cli, monkeypatch):
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google-env")
    assert get_key("gemini").source == "GOOGLE_API_KEY"
    monkeypatch.setenv("GEMINI_API_KEY", "from-gemini-env")
    assert get_key("gemini").value.get_secret_value() == "from-gemini-env"
    cli("keys", "set", "gemini", input=KEY + "\n")
    found = get_key("gemini")
    assert (found.source, found.value.get_secret_value()) == ("key file", KEY)
    assert KEY not in repr(found)
    assert cli("keys", "remove", "gemini").exit_code == 0
    assert get_key("gemini").source == "GEMINI_API_KEY"


def test_a_key_file_others_can_read_is_refused(cli, home):
    cli("keys", "set", "gemini", input=KEY + "\n")
    key_file().chmod(0o644)
    result = cli("keys", "list")
    assert result.exit_code == 1
    assert "chmod 600" in result.stderr and KEY not in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("keys", "set", "anthropic"), KEY, "Unknown key 'anthropic'"),
        (("keys", "set", "gemini"), "", "No key on stdin"),
        (("keys", "set", "gemini"), "two words\n", "contains spaces"),
    ],
)
def test_bad_key_input(cli, args, stdin, message):
    result = cli(*args, input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_no_key_reaches_the_database_exports_or_output(cli, home, tmp_path, monkeypatch):
    """A full session with keys set everywhere, then every byte mockint wrote is searched."""
    env_key = "AIzaSyD-env-SECRET-0a1b2c3d4e5f"
    server_state, server = start_server()  # questions come from a local Gemini stand-in
    server_state.reply(200, content_reply(question_set(2)))
    monkeypatch.setenv("MOCKINT_GEMINI_BASE_URL", server_state.url)
    monkeypatch.setenv("GEMINI_API_KEY", env_key)
    monkeypatch.setenv("VAPI_PRIVATE_KEY", env_key + "-vapi")
    cli("keys", "set", "gemini", input=KEY + "\n")
    answers = write_json(tmp_path / "a.json", ["A hash map gives linear time.", None])
    outputs = [
        cli("start", "-t", "dsa", "-d", "easy", "-n", "2", "--answers", str(answers), "--json"),
        cli("report", "last"),
        cli("report", "last", "-F", "markdown", "-o", str(tmp_path / "r.md")),
        cli("report", "last", "-F", "html", "-o", str(tmp_path / "r.html")),
        cli("history", "--json", "--chart"),
        cli("export", "--output", str(tmp_path / "export")),
        cli("export", "-F", "markdown", "--output", str(tmp_path / "md")),
        cli("keys", "list", "--json"),
        cli("next"),
    ]
    server.shutdown()
    assert all(o.exit_code == 0 for o in outputs), [o.stderr for o in outputs]
    # the key file's key (it wins over the environment) went to Gemini, and nowhere else
    assert server_state.requests[0]["headers"]["x-goog-api-key"] == KEY
    assert json.loads(outputs[0].stdout)["questions"][0]["text"].startswith("Server question")
    written = [p for p in [*home.rglob("*"), *tmp_path.rglob("*")] if p.is_file()]
    assert any(p.name == "mockint.db" for p in written)
    for secret in (KEY, env_key):
        needle = secret.encode()
        for path in written:
            if path == key_file():
                continue
            assert needle not in path.read_bytes(), f"key found in {path}"
        for output in outputs:
            assert secret not in output.stdout + output.stderr


def test_vapi_keys_never_reach_the_database_or_output(cli, home, tmp_path, vapi):
    from conftest import VAPI_PRIVATE, VAPI_PUBLIC
    from test_vapi import PACK, messages
    from vapi_server import ended

    pack = tmp_path / "voice.toml"
    pack.write_text(PACK, encoding="utf-8")
    vapi.states = [(200, ended(messages(3)))]
    outputs = [
        cli("start", "--pack", str(pack), "--mode", "vapi", "--no-browser", "--json"),
        cli("report", "last", "-F", "html", "-o", str(tmp_path / "r.html")),
        cli("export", "--output", str(tmp_path / "export")),
        cli("price", "--session", "last", "--json"),
    ]
    assert all(o.exit_code == 0 for o in outputs), [o.stderr for o in outputs]
    open_db_files = [p for p in [*home.rglob("*"), *tmp_path.rglob("*")] if p.is_file()]
    for secret in (VAPI_PUBLIC, VAPI_PRIVATE):
        for path in open_db_files:
            assert secret.encode() not in path.read_bytes(), f"key found in {path}"
        for output in outputs:
            assert secret not in output.stdout + output.stderr


@pytest.mark.parametrize(
    "echoed",
    [
        "400 Bad Request: header Authorization: Bearer sk-live-0123456789abcdef was malformed",
        'invalid request {"x-goog-api-key": "AIzaSyA0123456789abcdefghijklmnopqrstuv"}',
        "GET https://example.test/v1/models?key=AIzaSyA0123456789abcdefghijklmnopqrstuv failed",
        "X-Vapi-Secret: hunter2-hunter2 rejected",
    ],
)
def test_a_credential_echoed_by_a_service_never_reaches_an_error_or_storage(echoed: str) -> None:
    from mockint.errors import MockintError, ProviderUnavailable

    for text in (MockintError(echoed).message, ProviderUnavailable(echoed).reason):
        assert "[redacted]" in text
        for secret in ("sk-live-0123456789abcdef", "AIzaSyA0123456789", "hunter2"):
            assert secret not in text


def test_a_configured_key_is_redacted_from_what_is_shown_even_unlabelled(monkeypatch) -> None:
    # a Vapi key is a UUID: no pattern tells it from an id, so its configured value is removed
    key = "0f3b7c2e-1111-4a2b-9c3d-abcdefabcdef"
    monkeypatch.setenv("VAPI_PRIVATE_KEY", key)
    from mockint.cli import console

    assert console._redacted(f"Vapi said: key {key} is not allowed") == (
        "Vapi said: key [redacted] is not allowed"
    )
    # ids that are not keys are left alone
    assert console._redacted("call 3f1c9a52-aaaa-4bbb-8ccc-123456789abc ended") == (
        "call 3f1c9a52-aaaa-4bbb-8ccc-123456789abc ended"
    )


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('sends no X-Vapi-Secret: set webhook_auth = "bearer"', True),
        ("the id of a bearer credential made in Vapi's dashboard", True),
        ("Authorization: Bearer sk-live-4f9a8b7c6d5e", False),
        ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz", False),
        ("X-Vapi-Secret: 9f1c2a3b-1111-2222-3333-444455556666", False),
        ('{"api_key": "hunter2"}', False),
        ("bad credentials ghp_abcdefghijklmnopqrstuvwxyz0123456789", False),
    ],
)
def test_redaction_takes_credentials_and_leaves_prose(text, kept) -> None:
    from mockint.safetext import REDACTED, redact

    assert (redact(text) == text) is kept
    if not kept:
        assert REDACTED in redact(text)
