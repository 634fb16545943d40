"""Vapi voice interviews against a local server speaking Vapi's API shape."""

from __future__ import annotations

import json
import urllib.request

import pytest

from conftest import VAPI_PRIVATE, VAPI_PUBLIC
from displays import RecordingDisplay
from mockint.storage.connection import open_db
from mockint.vapi.calls import map_messages
from mockint.vapi.joinpage import JoinServer
from vapi_server import CALL_ID, call_state, ended

PACK = """
name = "voice"
version = 1

[[questions]]
id = "sd-rate-limiter"
type = "system-design"
difficulty = "medium"
text = "Design a rate limiter for a public API with many tenants."
key_points = ["Use a token bucket per tenant.", "Keep the counters in Redis so every server shares them."]

[[questions]]
id = "sd-url-shortener"
type = "system-design"
difficulty = "medium"
text = "Design a URL shortener that handles a billion redirects a day."
key_points = ["Generate short codes with base62 encoding of a unique id.", "Cache hot redirects in memory."]

[[questions]]
id = "sd-chat"
type = "system-design"
difficulty = "medium"
text = "Design the backend of a group chat application."
key_points = ["Keep a websocket connection per client.", "Store messages partitioned by conversation."]
"""

ANSWER_1 = (
    "I'd use a token bucket per tenant and keep the counters in Redis so all servers share them."
)
ANSWER_2 = "Base62 encode an auto-increment id, and cache the hot redirects in memory."


def messages(last: int = 3) -> list[dict]:
    script = [
        ("bot", "Hi, thanks for joining. Ready for the first one?"),
        ("user", "Yes, ready."),
        ("bot", "Great. Design a rate limiter for a public API with many tenants."),
        ("user", ANSWER_1),
        (
            "bot",
            "Thanks. Next question: design a URL shortener that handles a billion redirects a day.",
        ),
        ("user", ANSWER_2),
        ("bot", "Last one: design the backend of a group chat application."),
        ("user", "A websocket per client, messages stored partitioned by conversation."),
        (
            "bot",
            "That was the last question. Thank you, your report will be ready in a moment. Goodbye!",
        ),
    ]
    cut = {1: 4, 2: 6, 3: 9}[last]
    return [
        {"role": role, "message": text, "time": 1_700_000_000_000 + n * 10_000,
         "endTime": 1_700_000_000_000 + n * 10_000 + 6_000, "secondsFromStart": n * 10.0}
        for n, (role, text) in enumerate(script[:cut])
    ]  # fmt: skip


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "voice.toml"
    path.write_text(PACK, encoding="utf-8")
    return str(path)


def start_call(cli, pack, *extra):
    return cli("start", "--pack", pack, "--mode", "vapi", "--no-browser", "--provider", "offline",
               "--json", *extra)  # fmt: skip


def test_a_full_web_call_is_graded_from_what_the_user_said(cli, vapi, pack):
    vapi.states = [(200, call_state("queued")), (200, call_state("in-progress")),
                   (200, ended(messages(3)))]  # fmt: skip
    result = start_call(cli, pack)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    create = vapi.requests[0]
    assert (create["method"], create["path"]) == ("POST", "/call/web")
    assert create["headers"]["Authorization"] == f"Bearer {VAPI_PUBLIC}"
    assistant = create["body"]["assistant"]
    system = assistant["model"]["messages"][0]["content"]
    for text in (
        "Design a rate limiter for a public API with many tenants.",
        "Design a URL shortener",
        "Design the backend of a group chat application.",
    ):
        assert text in system  # fmt: skip
    assert "Never give away an answer" in system
    assert "token bucket" not in system.lower()  # the key points are not given away
    assert assistant["endCallPhrases"] and assistant["firstMessage"]
    assert assistant["maxDurationSeconds"] == (3 * 5 + 3) * 60
    assert create["body"]["roomDeleteOnUserLeaveEnabled"] is False
    polls = [r for r in vapi.requests if r["method"] == "GET"]
    assert len(polls) >= 3 and polls[0]["path"] == f"/call/{CALL_ID}"
    assert polls[0]["headers"]["Authorization"] == f"Bearer {VAPI_PRIVATE}"
    assert "Call 3f1c9a52-call: in-progress" in result.stderr
    answers = [q["answer"] for q in report["questions"]]
    assert answers == [
        ANSWER_1,
        ANSWER_2,
        "A websocket per client, messages stored partitioned by conversation.",
    ]
    assert report["questions"][0]["coveredKeyPoints"]  # graded on what the candidate said
    assert report["apiCost"]["byPurpose"] == {"call": 0.1234}
    assert any("Voice interview over Vapi" in n for n in report["notes"])
    db = open_db()
    row = db.execute(
        "SELECT ended_reason, recording_url, cost_usd, collected FROM calls"
    ).fetchone()
    assert row == ("assistant-said-end-call-phrase", "https://storage.example/rec.wav", 0.1234, 1)


def test_an_early_end_is_graded_on_what_was_answered(cli, vapi, pack):
    vapi.states = [(200, ended(messages(1), reason="silence-timed-out"))]
    report = json.loads(start_call(cli, pack).stdout)
    assert report["questions"][0]["answer"] == ANSWER_1
    assert [q["answer"] for q in report["questions"][1:]] == [None, None]
    assert any(
        "ended early (silence-timed-out) after 1 of 3 questions" in n for n in report["notes"]
    )


def test_an_artifact_that_arrives_late_is_waited_for(cli, vapi, pack):
    vapi.states = [(200, ended(None)), (200, ended(None)), (200, ended(messages(2)))]
    report = json.loads(start_call(cli, pack).stdout)
    assert [q["answer"] for q in report["questions"]][:2] == [ANSWER_1, ANSWER_2]


def test_400_with_a_message_array_is_one_line_and_the_session_stays_in_setup(cli, vapi, pack):
    vapi.create = [(400, {"message": ["assistant.voice.voiceId must be a string",
                                      "assistant.model.model is required"],
                          "error": "Bad Request", "statusCode": 400})]  # fmt: skip
    result = start_call(cli, pack, "--transport", "web")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Vapi answered 400: assistant.voice.voiceId must be a string; "
        "assistant.model.model is required."
    )
    history = json.loads(cli("history", "--json").stdout)["interviews"]
    assert [h["status"] for h in history] == ["SETUP"]


def test_401_names_the_key(cli, vapi, pack):
    vapi.create = [(401, {"message": "Invalid Key.", "error": "Unauthorized", "statusCode": 401})]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert "Vapi refused the vapi-public key (401)" in result.stderr
    assert VAPI_PUBLIC not in result.stderr


def test_503_then_success(cli, vapi, pack):
    vapi.create = [(503, {"message": "busy", "statusCode": 503})]
    vapi.states = [(200, ended(messages(3)))]
    result = start_call(cli, pack)
    assert result.exit_code == 0, result.stderr
    assert [r["path"] for r in vapi.requests[:2]] == ["/call/web", "/call/web"]


def test_persistent_503_gives_up_after_bounded_tries(cli, vapi, pack):
    vapi.create = [(503, {"message": "busy"})] * 5
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert f"Vapi is unavailable (503, after 3 tries) at {vapi.url}." in result.stderr
    assert len(vapi.requests) == 3


def test_complete_after_an_interrupted_watch(cli, vapi, pack):
    vapi.states = [(200, call_state("in-progress"))]
    watched = start_call(cli, pack, "--timeout", "1")
    assert watched.exit_code == 1
    assert "still in-progress" in watched.stderr and "mockint complete" in watched.stderr
    session = json.loads(cli("history", "--json").stdout)["interviews"][0]
    assert session["status"] == "IN_PROGRESS"
    vapi.states = [(200, ended(messages(3)))]
    result = cli("complete", session["sessionId"], "--provider", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"][1]["answer"] == ANSWER_2
    again = cli("complete", session["sessionId"])
    assert again.exit_code == 2 and "already completed" in again.stderr


def test_ctrl_c_during_the_call_asks_and_ends_it(home, vapi):
    from pydantic import SecretStr

    from mockint.vapi.client import VapiClient
    from mockint.vapi.runner import watch

    vapi.states = [(200, call_state("in-progress"))]
    vapi.end_messages = messages(1)
    client = VapiClient({"vapi-private": SecretStr(VAPI_PRIVATE)})
    interrupted = []

    def sleep(seconds):
        if not interrupted:
            interrupted.append(seconds)
            raise KeyboardInterrupt

    display = RecordingDisplay(typed=["y"])
    call = watch(client, vapi.created(), "s1", display, sleep=sleep)
    assert display.typed == []  # asked, and answered yes
    statuses = [progress.status for progress in display.timers]
    assert statuses[0] == "queued" and statuses[-1] == "ended"
    control = [r for r in vapi.requests if r["path"].startswith("/control/")]
    assert [r["body"] for r in control] == [{"type": "end-call"}]
    assert call["endedReason"] == "manually-canceled"
    # declining to end it lets the interrupt through (the CLI exits 130 and says `complete`)
    vapi.states = [(200, call_state("in-progress"))]
    interrupted.clear()
    with pytest.raises(KeyboardInterrupt):
        watch(client, vapi.created(), "s1", RecordingDisplay(typed=["n"]), sleep=sleep)


def test_phone_call(cli, vapi, pack, monkeypatch):
    monkeypatch.setenv("VAPI_PHONE_NUMBER_ID", "pn-123")
    vapi.states = [(200, ended(messages(3)))]
    result = start_call(cli, pack, "--phone", "+14155550123")
    assert result.exit_code == 0, result.stderr
    create = vapi.requests[0]
    assert create["path"] == "/call"
    assert create["body"]["phoneNumberId"] == "pn-123"
    assert create["body"]["customer"] == {"number": "+14155550123"}
    assert create["headers"]["Authorization"] == f"Bearer {VAPI_PRIVATE}"
    bad = start_call(cli, pack, "--phone", "0415 555")
    assert bad.exit_code == 2 and "E.164" in bad.stderr


def test_missing_keys_are_a_usage_error(cli, pack, monkeypatch):
    result = start_call(cli, pack)
    assert result.exit_code == 2
    assert "mockint keys set vapi-public" in result.stderr


def test_mapping_tolerates_small_talk_and_skipped_questions(tmp_path):
    from mockint.questions.packs import parse_pack

    questions = parse_pack(PACK).questions
    script = messages(3)
    del script[4:6]  # the interviewer skipped question 2 and the candidate never answered it
    mapped = map_messages(script, questions)
    assert [m.asked is not None for m in mapped] == [True, False, True]
    assert mapped[0].answer == [ANSWER_1]  # "Yes, ready." came before the first question
    assert mapped[0].answer_end - mapped[0].answer_start == pytest.approx(6.0)


def test_join_page_joins_the_room():
    server = JoinServer("https://vapi.daily.co/room-1?x=<b>", "Your mock interview")
    try:
        page = urllib.request.urlopen(server.url, timeout=5).read().decode()
    finally:
        server.close()
    assert '"https://vapi.daily.co/room-1?x=\\u003cb\\u003e"' in page
    assert "createCallObject" in page and 'sendAppMessage("playable")' in page


# --- the webhook receiver ---------------------------------------------------------------


@pytest.fixture
def pending_call(cli, vapi, pack):
    """A session whose call is still running when the CLI stops watching."""
    vapi.states = [(200, call_state("in-progress"))]
    assert start_call(cli, pack, "--timeout", "1").exit_code == 1
    return json.loads(cli("history", "--json").stdout)["interviews"][0]["sessionId"]


def test_resuming_a_session_with_an_uncollected_call_points_to_complete(cli, pending_call, vapi):
    created = len([r for r in vapi.requests if r["method"] == "POST"])
    result = cli("start", pending_call)  # the stored mode (vapi) is used
    assert result.exit_code == 2
    assert f"mockint complete {pending_call}" in result.stderr
    assert len([r for r in vapi.requests if r["method"] == "POST"]) == created  # no new paid call


def test_the_webhook_secret_travels_to_vapi_as_a_header(cli, vapi, pack, monkeypatch):
    from mockint.vapi import client as provider

    monkeypatch.setitem(provider.settings(), "server_url", "https://tunnel.example/hook")
    monkeypatch.setenv("VAPI_WEBHOOK_SECRET", "s3cret-webhook")
    vapi.states = [(200, ended(messages(3)))]
    assert start_call(cli, pack).exit_code == 0
    assistant = vapi.requests[0]["body"]["assistant"]
    assert assistant["server"] == {
        "url": "https://tunnel.example/hook",
        "timeoutSeconds": 20,
        "headers": {"X-Vapi-Secret": "s3cret-webhook"},
    }
    assert assistant["serverMessages"] == ["end-of-call-report", "status-update"]
    assert assistant["monitorPlan"] == {"controlEnabled": True}


def test_a_status_with_markup_is_shown_as_text():
    from mockint.cli.display import RichDisplay
    from mockint.runners.base import Progress

    display = RichDisplay(open_browser=False)
    try:
        display.progress(Progress(1.0, status="in-[/bold]progress", call_id="c1"))  # no MarkupError
        assert display.call_status == "in-[/bold]progress"
        assert display.status is not None
    finally:
        display.idle()
    assert display.status is None


def test_join_page_refuses_other_hosts():
    server = JoinServer("https://vapi.daily.co/room-1", "x")
    try:
        request = urllib.request.Request(server.url, headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403
    finally:
        server.close()


def test_a_webhook_the_server_would_refuse_is_said_before_any_call(cli, vapi, pack, monkeypatch):
    from mockint.vapi import client as provider

    monkeypatch.setitem(provider.settings(), "server_url", "https://tunnel.example/hook")
    monkeypatch.setitem(provider.settings(), "webhook_auth", "hmac")
    result = start_call(cli, pack)
    assert result.exit_code == 2
    assert 'webhook_auth = "hmac" needs server_credential_id under [vapi]' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not [r for r in vapi.requests if r["method"] == "POST"]  # no paid call made
