"""Contract tests: every request body mockint sends to Vapi, and the messages Vapi sends
back, checked against the official SDK's types (vapi-server-sdk 3) with unknown fields
refused. The live service is never reached from the tests."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from test_vapi import PACK, messages, start_call
from vapi_contract import (
    DOCUMENTED_NOT_IN_SDK,
    check_assistant,
    check_phone_call,
    check_web_call,
    create_call_dto,
    server_message,
    unknown_fields,
)
from vapi_server import CALL_ID, call_state, ended


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "voice.toml"
    path.write_text(PACK, encoding="utf-8")
    return str(path)


@pytest.fixture
def webhook_configured(monkeypatch):
    from mockint.vapi import client as provider

    monkeypatch.setitem(provider.settings(), "server_url", "https://tunnel.example/hook")
    monkeypatch.setenv("VAPI_WEBHOOK_SECRET", "s3cret-webhook")


def sent(vapi, path: str) -> dict:
    [request] = [r for r in vapi.requests if r["method"] == "POST" and r["path"] == path]
    return request["body"]


def test_the_web_call_body_matches_the_sdk(cli, vapi, pack, webhook_configured):
    vapi.states = [(200, ended(messages(3)))]
    assert start_call(cli, pack).exit_code == 0
    body = sent(vapi, "/call/web")
    parsed = check_web_call(body)
    # exactly the documented field the SDK lacks is exempted, and it is really sent
    from vapi.types import CreateWebCallDto

    assert unknown_fields(CreateWebCallDto.model_validate(body)) == [
        "assistant.silenceTimeoutSeconds"
    ]
    assert parsed.room_delete_on_user_leave_enabled is False
    assistant = parsed.assistant
    assert assistant.monitor_plan.control_enabled is True
    assert assistant.server.timeout_seconds == 20
    assert assistant.server_messages == ["end-of-call-report", "status-update"]
    assert assistant.model.provider == "openai"


def test_the_phone_call_body_matches_the_sdk(cli, vapi, pack, monkeypatch):
    monkeypatch.setenv("VAPI_PHONE_NUMBER_ID", "pn-123")
    vapi.states = [(200, ended(messages(3)))]
    assert start_call(cli, pack, "--phone", "+14155550123").exit_code == 0
    parsed = check_phone_call(sent(vapi, "/call"))
    assert parsed.phone_number_id == "pn-123"
    assert parsed.customer.number == "+14155550123"
    assert parsed.assistant.monitor_plan.control_enabled is True
    assert parsed.assistant.server is None  # no server URL configured: no server messages


def test_the_assistant_with_an_hmac_credential_matches_the_sdk(cli, pack):
    from mockint.storage.connection import open_db
    from mockint.storage.sessions import get_session, session_questions
    from mockint.vapi.calls import build_assistant
    from mockint.vapi.client import settings

    sid = json.loads(cli("setup", "--pack", pack, "--json").stdout)["sessionId"]
    db = open_db()
    config = {**settings(), "server_url": "https://tunnel.example/hook",
              "server_credential_id": "cred-1"}  # fmt: skip
    body = build_assistant(get_session(db, sid), session_questions(db, sid), config)
    parsed = check_assistant(body)
    assert parsed.server.credential_id == "cred-1" and parsed.server.headers is None
    assert unknown_fields(parsed) == ["silenceTimeoutSeconds"]  # documented, not in the SDK
    assert DOCUMENTED_NOT_IN_SDK["assistant"] == {"silenceTimeoutSeconds"}


def test_the_contract_check_refuses_what_the_sdk_does_not_define():
    body = {"assistant": {"model": {"provider": "openai", "model": "gpt-4o-mini",
                                    "temprature": 0.4}},
            "phoneNumberId": "pn-1", "customer": {"number": "+14155550123"},
            "roomDeleteOnUserLeave": False}  # fmt: skip
    with pytest.raises(AssertionError) as refused:
        check_phone_call(body)
    assert str(refused.value) == (
        "not in vapi-server-sdk's CreateCallDto: roomDeleteOnUserLeave, assistant.model.temprature"
    )
    with pytest.raises(ValidationError):  # a wrong type, too
        check_phone_call({"phoneNumberId": "pn-1", "assistant": {"maxDurationSeconds": "long"}})
    assert "phoneNumberId" in {f.alias for f in create_call_dto().model_fields.values()}


def test_call_objects_of_the_local_server_are_the_sdks():
    from vapi.types import Call

    with pytest.raises(ValidationError):  # the SDK requires orgId, createdAt, updatedAt
        Call.model_validate({"id": CALL_ID, "status": "ended"})
    with pytest.raises(AssertionError, match="not in vapi-server-sdk's Call: bogus"):
        call_state("ended", bogus=1)
    call = Call.model_validate(ended(messages(1)))
    assert unknown_fields(call) == []
    assert call.artifact.recording.mono.combined_url == "https://storage.example/rec.wav"
    assert [m.role for m in call.artifact.messages] == ["bot", "user", "bot", "user"]


def end_of_call_report(msgs: list[dict]) -> bytes:
    call = call_state("ended", endedReason="customer-ended-call")
    message = server_message({"type": "end-of-call-report", "endedReason": "customer-ended-call",
                              "cost": 0.2, "call": call, "analysis": {},
                              "artifact": {"messages": msgs}})  # fmt: skip
    return json.dumps(message).encode()


def test_server_messages_built_by_the_sdk_are_understood(cli, vapi, pack):
    """An end-of-call report and a status update as the SDK types them reach mockint's
    webhook handler and are understood (the transcript collected, the status stored)."""
    from mockint.storage.connection import open_db
    from mockint.storage.turns import list_turns
    from mockint.storage.webhook_jobs import next_pending_job
    from mockint.vapi.webhook import grade_job, handle

    vapi.states = [(200, call_state("in-progress"))]
    assert start_call(cli, pack, "--timeout", "1").exit_code == 1
    sid = json.loads(cli("history", "--json").stdout)["interviews"][0]["sessionId"]
    db = open_db()
    update = server_message({"type": "status-update", "status": "ended",
                             "call": call_state("ended")})  # fmt: skip
    assert handle(db, update).status == 200
    assert db.execute("SELECT status FROM calls").fetchone() == ("ended",)
    report = json.loads(end_of_call_report(messages(3)))
    assert handle(db, report).status == 200  # acknowledged, queued
    job = next_pending_job(db)
    assert job is not None and job.session_id == sid
    grade_job(db, job, provider="offline")
    answers = [t.text for t in list_turns(db, sid) if t.kind.value == "answer"]
    assert len(answers) == 3
