"""Vapi calls as the service ends them: calls that never really happened, final statuses,
join addresses and the join page (against the local server speaking Vapi's wire format)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from displays import RecordingDisplay
from mockint.runners.base import Tone
from mockint.storage.connection import open_db
from mockint.storage.turns import list_turns
from test_vapi import ANSWER_1, ANSWER_2, PACK, messages, start_call
from vapi_server import CALL_ID, call_state, ended

NEVER_CONNECTED = "call.in-progress.error-vapifault-transport-never-connected"


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "voice.toml"
    path.write_text(PACK, encoding="utf-8")
    return str(path)


def greeting_only() -> list[dict]:
    return messages(1)[:1]


def the_session(cli) -> dict:
    return json.loads(cli("history", "--json").stdout)["interviews"][0]


def stored_call() -> tuple:
    return open_db().execute("SELECT status, ended_reason, collected FROM calls").fetchone()


def error_line(result) -> str:
    """The one error line on stderr (progress lines come before it)."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip().endswith(errors[0])
    return errors[0]


def retry_line(sid: str) -> str:
    return (
        f"so nothing was graded. Session {sid} is kept: try again with "
        f"mockint start {sid} --mode vapi or --mode text."
    )


# --- point 7: a call that never really happened is not graded ------------------------


def test_a_call_that_never_connected_is_not_graded_and_the_session_stays_resumable(
    cli, vapi, pack, tmp_path
):
    vapi.states = [(200, ended(greeting_only(), reason=NEVER_CONNECTED, cost=0.02))]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert result.stdout == ""  # no report
    session = the_session(cli)
    sid = session["sessionId"]
    assert error_line(result) == (
        f"Error: The Vapi call ended ({NEVER_CONNECTED}) before the first question was asked, "
        + retry_line(sid)
    )
    assert session["status"] == "IN_PROGRESS"
    assert stored_call() == ("failed", NEVER_CONNECTED, 0)
    db = open_db()
    assert db.execute("SELECT COUNT(*) FROM reports").fetchone() == (0,)
    assert list_turns(db, sid) == []
    assert db.execute("SELECT SUM(cost_usd) FROM api_usage").fetchone()[0] == pytest.approx(0.02)
    # the suggested commands work: another call is placed (not refused as uncollected) ...
    vapi.states = [(200, ended(messages(3)))]
    again = cli("start", sid, "--mode", "vapi", "--no-browser", "--provider", "offline", "--json")
    assert again.exit_code == 0, again.stderr
    assert [q["answer"] for q in json.loads(again.stdout)["questions"]][:2] == [ANSWER_1, ANSWER_2]
    assert len([r for r in vapi.requests if r["path"] == "/call/web"]) == 2


def test_a_late_status_update_does_not_revive_a_failed_call(cli, vapi, pack):
    from mockint.storage.calls import set_call_status, uncollected_call

    vapi.states = [(200, ended(greeting_only(), reason=NEVER_CONNECTED))]
    assert start_call(cli, pack).exit_code == 1
    db = open_db()
    set_call_status(db, CALL_ID, "ended")
    assert stored_call() == ("failed", NEVER_CONNECTED, 0)
    assert uncollected_call(db, the_session(cli)["sessionId"]) is None


def test_after_a_failed_call_the_interview_can_be_typed_instead(cli, vapi, pack, tmp_path):
    vapi.states = [(200, ended(greeting_only(), reason=NEVER_CONNECTED))]
    assert start_call(cli, pack).exit_code == 1
    sid = the_session(cli)["sessionId"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([ANSWER_1, ANSWER_2, None]), encoding="utf-8")
    typed = cli("start", sid, "--mode", "text", "--answers", str(answers), "--provider",
                "offline", "--json")  # fmt: skip
    assert typed.exit_code == 0, typed.stderr
    assert [q["answer"] for q in json.loads(typed.stdout)["questions"]] == [
        ANSWER_1,
        ANSWER_2,
        None,
    ]


def test_a_call_in_which_no_question_was_asked_is_not_graded(cli, vapi, pack):
    leaving = {"role": "user", "message": "Sorry, I have to go.", "time": 1.0, "endTime": 2.0,
               "secondsFromStart": 10.0}  # fmt: skip
    chat = [*greeting_only(), leaving]
    vapi.states = [(200, ended(chat, reason="customer-ended-call"))]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert "ended (customer-ended-call) before the first question was asked" in result.stderr
    assert error_line(result).startswith("Error: The Vapi call ended (customer-ended-call)")
    assert the_session(cli)["status"] == "IN_PROGRESS"
    assert stored_call() == ("failed", "customer-ended-call", 0)


def test_an_error_before_the_first_answer_is_not_graded(cli, vapi, pack):
    asked = messages(1)[:3]  # greeting, "ready", the first question: then the model failed
    vapi.states = [(200, ended(asked, reason="pipeline-error-openai-llm-failed"))]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    sid = the_session(cli)["sessionId"]
    assert error_line(result) == (
        "Error: The Vapi call failed (pipeline-error-openai-llm-failed) before your first answer, "
        + retry_line(sid)
    )
    assert list_turns(open_db(), sid) == []  # not even a skip of the question asked


def test_an_error_after_some_answers_keeps_them_and_says_so(cli, vapi, pack):
    cut = messages(3)[:7]  # two questions answered, the third asked, then the call failed
    vapi.states = [
        (200, ended(cut, reason="call.in-progress.error-providerfault-openai-llm-failed"))
    ]
    result = start_call(cli, pack)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [q["answer"] for q in report["questions"]] == [ANSWER_1, ANSWER_2, None]
    note = (
        "The call failed (call.in-progress.error-providerfault-openai-llm-failed) after 2 of 3 "
        "questions were answered; those answers are kept and graded, the rest were not asked."
    )
    assert note in report["notes"]
    assert "those answers are kept and graded" in result.stderr
    kinds = [(t.question_id, t.kind.value) for t in list_turns(open_db(), report["sessionId"])]
    assert ("sd-chat", "skip") not in kinds  # the interrupted question is not counted skipped


def test_complete_does_not_grade_a_call_that_never_happened(cli, vapi, pack):
    vapi.states = [(200, call_state("in-progress"))]
    assert start_call(cli, pack, "--timeout", "1").exit_code == 1
    sid = the_session(cli)["sessionId"]
    vapi.states = [(200, ended(greeting_only(), reason=NEVER_CONNECTED, cost=0.05))]
    for _ in range(2):  # asking again says the same, and counts the call's cost once
        result = cli("complete", sid, "--provider", "offline", "--json")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert error_line(result) == (
            f"Error: The Vapi call ended ({NEVER_CONNECTED}) before the first question was "
            "asked, " + retry_line(sid)
        )
    assert the_session(cli)["status"] == "IN_PROGRESS"
    cost = open_db().execute("SELECT SUM(cost_usd) FROM api_usage").fetchone()[0]
    assert cost == pytest.approx(0.05)


def test_complete_collects_a_failed_call_whose_transcript_arrived_later(
    cli, vapi, pack, monkeypatch
):
    from mockint.vapi import client as provider

    monkeypatch.setitem(provider.settings(), "artifact_wait_seconds", 0.05)
    vapi.states = [(200, ended(None, reason="customer-ended-call"))]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert "ended (customer-ended-call) with no transcript, so nothing was graded" in result.stderr
    sid = the_session(cli)["sessionId"]
    vapi.states = [(200, ended(messages(3), reason="customer-ended-call"))]
    late = cli("complete", sid, "--provider", "offline", "--json")
    assert late.exit_code == 0, late.stderr
    assert json.loads(late.stdout)["questions"][0]["answer"] == ANSWER_1
    assert stored_call() == ("ended", "customer-ended-call", 1)
    cost = open_db().execute("SELECT SUM(cost_usd) FROM api_usage").fetchone()[0]
    assert cost == pytest.approx(0.1234)  # once, though the call was looked at twice


# --- point 10: reading calls -----------------------------------------------------------


@pytest.mark.parametrize("status", ["not-found", "deletion-failed"])
def test_final_statuses_end_the_watch_without_a_timeout(home, vapi, status):
    from pydantic import SecretStr

    from conftest import VAPI_PRIVATE
    from mockint.vapi.client import VapiClient
    from mockint.vapi.runner import watch

    vapi.states = [(200, call_state("in-progress")), (200, call_state(status))]
    client = VapiClient({"vapi-private": SecretStr(VAPI_PRIVATE)})
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        assert len(sleeps) < 20, "watch() kept polling a call whose status is final"

    call = watch(client, call_state("queued"), "s1", RecordingDisplay(typed=[]), sleep=sleep)
    assert call["status"] == status
    assert len(sleeps) == 2


def test_a_call_vapi_no_longer_has_fails_in_one_line(cli, vapi, pack):
    vapi.states = [(200, call_state("not-found"))]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert (
        "The Vapi call ended (not-found) with no transcript, so nothing was graded" in result.stderr
    )
    assert stored_call() == ("failed", None, 0)  # Vapi gave no endedReason


def test_an_error_ended_call_without_a_transcript_is_not_waited_for(cli, vapi, pack, monkeypatch):
    from mockint.vapi import client as provider

    monkeypatch.setitem(provider.settings(), "artifact_wait_seconds", 600)
    vapi.states = [(200, ended(None, reason=NEVER_CONNECTED))]
    result = start_call(cli, pack)  # would hang for 600 s if it waited for a transcript
    assert result.exit_code == 1
    assert f"ended ({NEVER_CONNECTED}) with no transcript" in result.stderr
    assert len([r for r in vapi.requests if r["method"] == "GET"]) == 1


def test_the_deprecated_recording_url_is_read_when_there_is_no_mono_recording(cli, vapi, pack):
    call = ended(messages(3))
    call["artifact"].pop("recording")
    vapi.states = [(200, call)]
    assert start_call(cli, pack).exit_code == 0
    row = open_db().execute("SELECT recording_url FROM calls").fetchone()
    assert row == ("https://storage.example/old-rec.wav",)


class PageReadingDisplay(RecordingDisplay):
    """Reads the join page while the runner serves it (instead of opening a browser)."""

    pages: list[str]

    def open_link(self, url: str) -> None:
        super().open_link(url)
        self.pages.append(urllib.request.urlopen(url, timeout=5).read().decode())


def run_vapi(cli, pack, display):
    from mockint.interview.session import Interview
    from mockint.vapi.runner import VapiRunner, client_with

    sid = json.loads(cli("setup", "--pack", pack, "--json").stdout)["sessionId"]
    interview = Interview.open(open_db(), sid)
    runner = VapiRunner(client_with("vapi-public", "vapi-private"), display, sleep=lambda s: None)
    return sid, runner.run(interview)


def test_a_web_call_without_webcallurl_is_joined_at_its_transport_callurl(cli, vapi, pack):
    transport = {"provider": "daily", "callUrl": "https://vapi.daily.co/room-9",
                 "callToken": "tok-<9>"}  # fmt: skip
    vapi.create = [(201, call_state("queued", transport=transport))]
    vapi.states = [(200, ended(messages(3)))]
    display = PageReadingDisplay(typed=[])
    display.pages = []
    _, outcome = run_vapi(cli, pack, display)
    assert outcome == "completed"
    [page] = display.pages
    assert 'const roomUrl = "https://vapi.daily.co/room-9";' in page
    assert 'const roomToken = "tok-\\u003c9\\u003e";' in page
    row = open_db().execute("SELECT web_call_url FROM calls").fetchone()
    assert row == ("https://vapi.daily.co/room-9",)


def test_a_web_call_without_any_join_address_fails_and_leaves_nothing_behind(cli, vapi, pack):
    created = call_state("queued", monitor={"controlUrl": f"{vapi.url}/control/{CALL_ID}"})
    vapi.create = [(201, created)]
    result = start_call(cli, pack)
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: Vapi created web call {CALL_ID} without an address to join it (no webCallUrl or "
        "transport.callUrl); it was ended and nothing was stored. Try again later, or use "
        "--phone or --mode text."
    )
    assert the_session(cli)["status"] == "SETUP"
    assert open_db().execute("SELECT COUNT(*) FROM calls").fetchone() == (0,)
    control = [r for r in vapi.requests if r["path"].startswith("/control/")]
    assert [r["body"] for r in control] == [{"type": "end-call"}]


# --- point 11: the join page ---------------------------------------------------------------


def test_the_join_page_joins_on_a_click_and_offers_to_retry_playing():
    from mockint.vapi.joinpage import DAILY_JS_VERSION, join_page

    page = join_page("https://vapi.daily.co/room-1", "Your mock interview", token="tok-1")
    # the daily-js @vapi-ai/web 2.7.1 depends on (^0.87.0), pinned
    assert DAILY_JS_VERSION == "0.87.0"
    assert 'from "https://esm.sh/@daily-co/daily-js@0.87.0";' in page
    # joining starts from the button, never on load
    assert '<button id="join">Join the interview</button>' in page
    assert page.count("call.join(") == 1
    handler = page.index("buttons.join.onclick = async () => {")
    assert handler < page.index("await call.join(options);")
    assert "if (roomToken) { options.token = roomToken; }" in page
    assert 'const roomToken = "tok-1";' in page
    # a refused play() is caught; the play button retries, and only a played track is "playable"
    assert '<button id="play" hidden>' in page
    play = page[page.index("function play()") : page.index("call.on(")]
    assert ".catch(() => {" in play and "buttons.play.hidden = false;" in play
    assert play.index("interviewer.play().then(") < play.index('call.sendAppMessage("playable")')
    assert play.index('call.sendAppMessage("playable")') < play.index(".catch(")
    assert "buttons.play.onclick = () => { if (interviewer) play(); };" in page


def test_the_join_page_without_a_token_joins_without_one():
    from mockint.vapi.joinpage import join_page

    page = join_page("https://vapi.daily.co/room-1", "x")
    assert "const roomToken = null;" in page


def test_the_warning_reaches_the_display(cli, vapi, pack):
    cut = messages(1)  # one answer, then the transport failed
    vapi.states = [(200, ended(cut, reason=NEVER_CONNECTED))]
    display = PageReadingDisplay(typed=[])
    display.pages = []
    _, outcome = run_vapi(cli, pack, display)
    assert outcome == "completed"
    warnings = [text for tone, text in display.said if tone == Tone.WARNING]
    assert warnings == [
        f"The call failed ({NEVER_CONNECTED}) after 1 of 3 questions were answered; those "
        "answers are kept and graded, the rest were not asked."
    ]
