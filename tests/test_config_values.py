"""Config values of the wrong type, nesting bombs and odd URLs: one line naming the setting,
exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockint.config import config_path
from mockint.errors import InputFileError, UsageError
from mockint.validation import service_url
from mockint.vapi import client as vapi_client


@pytest.fixture(autouse=True)
def fresh_settings():
    vapi_client.settings.cache_clear()
    yield
    vapi_client.settings.cache_clear()


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ('[vapi]\nattempts = "many"\n', "attempts"),
        ('[vapi]\nwebhook_max_age_seconds = "abc"\n', "webhook_max_age_seconds"),
        ('[vapi]\nassistant = "x"\n', "assistant"),
        ("[vapi]\npoll_seconds = -1\n", "poll_seconds"),
        ('[vapi]\nbase_url = "http://[::1"\n', "base_url"),
        ('vapi = "not a table"\n', "[vapi]"),
        ("[vapi]\nassistant = {model = 5}\n", "assistant.model"),
        ('[vapi]\nassistant = {model = {temperature = "hot"}}\n', "assistant.model.temperature"),
        ("[vapi]\nattempts = true\n", "attempts"),
        ('[vapi]\nserver_messages = "end-of-call-report"\n', "server_messages"),
        ('[vapi]\nassistant = {first_message = "Hi {name}"}\n', "{name}"),
        ('[vapi]\nassistant = {end_call_message = "Bye {"}\n', "end_call_message"),
    ],
)
def test_a_vapi_setting_of_the_wrong_shape_is_one_line_naming_it(
    cli, home: Path, monkeypatch, config: str, named: str
) -> None:
    write_config(home, config)
    with pytest.raises((InputFileError, UsageError), match=named.replace("[", r"\[")):
        vapi_client.settings()
    monkeypatch.setenv("VAPI_PUBLIC_KEY", "0f3b7c2e-1111-4a2b-9c3d-abcdefabcdef")
    monkeypatch.setenv("VAPI_PRIVATE_KEY", "1f3b7c2e-1111-4a2b-9c3d-abcdefabcdef")
    result = cli("start", "-t", "dsa", "-d", "easy", "--mode", "vapi")
    assert result.exit_code == 2, result.output
    assert named in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert '"sessionId"' not in cli("history", "--json").stdout  # no session left behind


def test_a_config_file_nested_thousands_deep_is_one_line(cli, home: Path, monkeypatch) -> None:
    write_config(home, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    monkeypatch.setenv("VAPI_PUBLIC_KEY", "0f3b7c2e-1111-4a2b-9c3d-abcdefabcdef")
    monkeypatch.setenv("VAPI_PRIVATE_KEY", "1f3b7c2e-1111-4a2b-9c3d-abcdefabcdef")
    result = cli("start", "-t", "dsa", "-d", "easy", "--mode", "vapi")
    assert result.exit_code == 2
    assert "nests arrays or tables too deeply" in result.stderr


@pytest.mark.parametrize(
    "url", ["http://[::1", "ftp://example.test", "not a url", "http://", "http://host:port/"]
)
def test_a_base_url_that_is_not_an_http_url_is_refused(url: str) -> None:
    with pytest.raises(UsageError, match="MOCKINT_VAPI_BASE_URL"):
        service_url(url, "MOCKINT_VAPI_BASE_URL")


def test_a_good_base_url_loses_its_trailing_slash() -> None:
    assert service_url("http://127.0.0.1:8080/", "x") == "http://127.0.0.1:8080"


def test_the_vapi_base_url_variable_is_checked_when_the_client_is_made(monkeypatch) -> None:
    from pydantic import SecretStr

    monkeypatch.setenv("MOCKINT_VAPI_BASE_URL", "http://[::1")
    with pytest.raises(UsageError, match="MOCKINT_VAPI_BASE_URL is not a valid URL"):
        vapi_client.VapiClient({"vapi-private": SecretStr("k" * 36)})


@pytest.mark.parametrize("tz", ["UTC", "UTC-5"])
@pytest.mark.parametrize("since", ["0001-01-01", "0001-01-01T00:00"])
def test_a_date_at_the_edge_of_the_calendar_is_never_a_traceback(
    home: Path, since: str, tz: str
) -> None:
    import os
    import subprocess
    import sys

    # east of UTC, local midnight of 1 January of year 1 is in year 0 once in UTC
    result = subprocess.run(
        [sys.executable, "-m", "mockint", "history", "--since", since],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": tz},
    )
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 2:
        assert "too far away; give a date between the years 1 and 9999" in result.stderr


@pytest.mark.parametrize("tz", ["UTC+99", "UTC-99"])
def test_a_time_zone_python_cannot_represent_falls_back_to_utc(home: Path, tz: str) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TZ": tz}
    for args in (["setup", "-t", "dsa", "-d", "easy"], ["history", "--since", "today"]):
        result = subprocess.run(
            [sys.executable, "-m", "mockint", *args], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("config", "args", "named"),
    [
        ('[openai]\ntimeout_seconds = "abc"\n', ("--provider", "openai"), "timeout_seconds"),
        ("[openai]\nattempts = 0\n", ("--provider", "openai"), "attempts"),
        ("[openai]\nbase_url = 5\n", ("--provider", "openai"), "base_url"),
        ("[openai]\nmodel = 7\n", ("--provider", "openai"), "model under [openai]"),
        ("[gemini]\nmodel = 7\n", ("--provider", "gemini"), "model under [gemini]"),
    ],
)
def test_a_provider_setting_of_the_wrong_type_is_named_never_ignored(
    cli, home: Path, monkeypatch, tmp_path: Path, config: str, args: tuple[str, ...], named: str
) -> None:
    from conftest import write_json

    write_config(home, config)
    monkeypatch.setenv("GEMINI_API_KEY", "AIzaSyA-not-a-real-key-000000000000000")
    answers = write_json(tmp_path / "a.json", ["A hash map."])
    result = cli("start", "-t", "dsa", "-d", "easy", "-n", "1", "--answers", str(answers), *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and "Fix it, or remove it" in result.stderr
    assert "Traceback" not in result.output


def test_any_text_setting_of_another_type_is_named(home: Path) -> None:
    from mockint.config import setting

    write_config(home, "[voice]\nstt_model = 3\n")
    with pytest.raises(InputFileError, match=r"stt_model under \[voice\] in .* not 3"):
        setting("voice", "stt_model")


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ("[openai]\nmax_output_tokens = inf\n", "max_output_tokens"),
        ("[openai]\nattempts = 2.5\n", "a whole number from 1 to 20"),
        ("[openai]\nattempts = 1e300\n", "a whole number from 1 to 20"),
        ("[openai]\ntimeout_seconds = 1e9\n", "at most 86,400"),
        ("[openai]\nprices = 5\n", "must be a table of models"),
        ('[openai.prices."llama3.1"]\ninput_per_million = "x"\noutput_per_million = 1\n',
         '"llama3.1" must give input_per_million'),
        ('[vapi]\nretry_wait_seconds = "abc"\n', "retry_wait_seconds"),
        ('[vapi]\nassistant = {first_message = "Hi {count:>999999999}"}\n', "a format or a conversion"),
        ('[vapi]\nassistant = {first_message = "Hi {count!r}"}\n', "a format or a conversion"),
    ],
)  # fmt: skip
def test_numbers_prices_and_templates_that_cannot_be_used_are_named_before_any_call(
    cli, home: Path, monkeypatch, tmp_path: Path, config: str, named: str
) -> None:
    from conftest import write_json

    write_config(home, config)
    monkeypatch.setenv("VAPI_PUBLIC_KEY", "0f3b7c2e-1111-4a2b-9c3d-abcdefabcdef")
    monkeypatch.setenv("VAPI_PRIVATE_KEY", "1f3b7c2e-1111-4a2b-9c3d-abcdefabcdef")
    if config.startswith("[vapi]"):
        args: tuple[str, ...] = ("--mode", "vapi", "--transport", "web", "--no-browser")
    else:
        answers = write_json(tmp_path / "a.json", ["A hash map."])
        args = ("-n", "1", "--provider", "openai", "--answers", str(answers))
    result = cli("start", "-t", "dsa", "-d", "easy", *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
