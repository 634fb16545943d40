from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mockint.cli.app import app

CALIBRATION = Path(__file__).parent / "calibration"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty MOCKINT_HOME."""
    path = tmp_path / "home"
    monkeypatch.setenv("MOCKINT_HOME", str(path))
    monkeypatch.delenv("MOCKINT_DEBUG", raising=False)
    # a developer's own keys never reach a test (and no test calls the real API)
    for variable in (
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "MOCKINT_GEMINI_BASE_URL",
        "MOCKINT_GEMINI_MODEL",
        "VAPI_PUBLIC_KEY",
        "VAPI_PRIVATE_KEY",
        "VAPI_WEBHOOK_SECRET",
        "VAPI_PHONE_NUMBER_ID",
        "MOCKINT_VAPI_BASE_URL",
        "OPENAI_API_KEY",
        "MOCKINT_OPENAI_BASE_URL",
        "MOCKINT_OPENAI_MODEL",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    return path


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture
def pack_file(tmp_path: Path) -> Path:
    path = tmp_path / "pack.toml"
    path.write_text(
        """
name = "mine"
version = 1

[[questions]]
id = "dsa-merge-intervals"
type = "dsa"
difficulty = "medium"
text = "Given a list of intervals, merge all the overlapping ones."
key_points = [
  "Sort the intervals by their start point first.",
  "Walk through the sorted list and extend the last merged interval when the next one overlaps.",
  "Sorting dominates, so the whole algorithm runs in O(n log n) time.",
  "Handle touching intervals and an empty list as edge cases.",
]
follow_ups = ["What if the intervals arrive as a stream?"]
time_minutes = 5

[[questions]]
id = "js-closures"
type = "javascript"
difficulty = "easy"
text = "What is a closure?"
key_points = [
  "A closure is a function together with the variables of the scope where it was defined.",
  "The inner function keeps access to those variables after the outer function returns.",
  "Closures are used for private state, such as a counter that cannot be changed from outside.",
  "A loop with var shares one binding across callbacks, while let creates one per iteration.",
]
""",
        encoding="utf-8",
    )
    return path


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


GEMINI_KEY = "AIzaSyD-fake-gemini-key-0123456789"


@pytest.fixture
def gemini(monkeypatch):
    """A local server speaking Gemini's wire format, with mockint pointed at it and a key set."""
    from gemini_server import start_server
    from mockint.gemini import catalog
    from mockint.gemini import client as provider

    state, server = start_server()
    monkeypatch.setenv("MOCKINT_GEMINI_BASE_URL", state.url)
    monkeypatch.setenv("GEMINI_API_KEY", GEMINI_KEY)
    # keep the SDK's backoff short so retries do not slow the suite
    monkeypatch.setitem(provider.settings(), "initial_delay_seconds", 0.05)
    monkeypatch.setitem(provider.settings(), "max_delay_seconds", 0.1)
    # prices and shutdown warnings follow mockint.clock: pin it (a test may move it), and
    # let every test see its own first warning
    monkeypatch.setattr("mockint.clock.now", lambda: datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(catalog, "_warned", set())
    yield state
    server.shutdown()


@pytest.fixture
def openai_server(monkeypatch):
    """A local server speaking OpenAI's chat-completions wire format, with mockint pointed at
    it (no key set: local servers need none)."""
    from mockint.openai_compat import client as provider
    from openai_server import start_server

    state, server = start_server()
    monkeypatch.setenv("MOCKINT_OPENAI_BASE_URL", f"{state.url}/v1")
    # short pauses between tries, so retries do not slow the suite
    monkeypatch.setitem(provider.settings(), "initial_delay_seconds", 0.05)
    monkeypatch.setitem(provider.settings(), "max_delay_seconds", 0.1)
    # each test starts at the top of the structured-output ladder
    monkeypatch.setattr(provider, "_formats", {})
    monkeypatch.setattr("mockint.clock.now", lambda: datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    yield state
    server.shutdown()


@pytest.fixture(scope="session")
def llama_cpp(tmp_path_factory: pytest.TempPathFactory):
    """llama.cpp's own server on 127.0.0.1 with a tiny model (tests/llama_server.py), started
    once for the session."""
    from llama_server import start

    server = start(tmp_path_factory.mktemp("llama"))
    yield server
    server.stop()


@pytest.fixture
def llama_server(llama_cpp, monkeypatch):
    """mockint pointed at llama.cpp's server (``llama_cpp``), with its model configured and
    no key, at the top of the structured-output ladder."""
    from mockint.openai_compat import client as provider

    monkeypatch.setenv("MOCKINT_OPENAI_BASE_URL", f"{llama_cpp.url}/v1")
    monkeypatch.setenv("MOCKINT_OPENAI_MODEL", llama_cpp.model)
    monkeypatch.setattr(provider, "_formats", {})
    return llama_cpp


VAPI_PUBLIC = "pub-4f6a-test-public-key"
VAPI_PRIVATE = "priv-9b2c-test-private-key"


def point_at_vapi(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """mockint talks to the local Vapi at ``url``, with keys set and short waits."""
    from mockint.vapi import client as provider

    monkeypatch.setenv("MOCKINT_VAPI_BASE_URL", url)
    monkeypatch.setenv("VAPI_PUBLIC_KEY", VAPI_PUBLIC)
    monkeypatch.setenv("VAPI_PRIVATE_KEY", VAPI_PRIVATE)
    for name, value in (
        ("poll_seconds", 0.02),
        ("artifact_wait_seconds", 1.0),
        ("retry_wait_seconds", 0.01),
    ):
        monkeypatch.setitem(provider.settings(), name, value)


@pytest.fixture
def vapi(monkeypatch):
    """A local server speaking Vapi's API shape, with mockint pointed at it and keys set."""
    from vapi_server import start_vapi

    state, server = start_vapi()
    point_at_vapi(monkeypatch, state.url)
    yield state
    server.shutdown()


#: a stand-in for sounddevice with a laptop's devices (tests/fake_sounddevice/sounddevice.py)
FAKE_SOUNDDEVICE = Path(__file__).parent / "fake_sounddevice"


@pytest.fixture
def fake_sounddevice(monkeypatch):
    """The fake sounddevice in place of the real one for this test: a laptop's devices,
    with raw streams that record a tone and play in real time."""
    spec = importlib.util.spec_from_file_location(
        "sounddevice", FAKE_SOUNDDEVICE / "sounddevice.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "sounddevice", module)
    return module


@pytest.fixture
def vapi_live(monkeypatch):
    """``start(script)``: a local Vapi that runs one call over its WebSocket transport as
    ``script`` says (:mod:`vapi_socket_server`), with mockint pointed at it and keys set;
    the call (a ``LiveVapi``). Its servers stop when the test ends."""
    from vapi_socket_server import LiveVapi, Script, start_live_vapi

    stops = []

    def start(script: Script) -> LiveVapi:
        live, stop = start_live_vapi(script, private_key=VAPI_PRIVATE)
        stops.append(stop)
        point_at_vapi(monkeypatch, live.url)
        return live

    yield start
    for stop in reversed(stops):
        stop()
