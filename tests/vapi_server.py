"""A local HTTP server on 127.0.0.1 that speaks Vapi's API shape.

``POST /call/web`` and ``POST /call`` create a call; ``GET /call/{id}`` walks through
the states the test queued (queued, in-progress, ended, then ended with an
artifact), repeating the last; ``POST /control/{id}`` with ``{"type": "end-call"}``
ends the call.
Every request is recorded with its headers and JSON body. Every call object it sends is
built through vapi-server-sdk's ``Call`` model (:mod:`vapi_contract`): a field the SDK
does not define fails the test that queued it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from local_server import JsonHandler, serve
from vapi_contract import call_object

CALL_ID = "3f1c9a52-call"
STAMP = "2026-12-01T03:00:00.000Z"


def call_state(status: str, **extra: Any) -> dict[str, Any]:
    """A web call object as Vapi sends it (checked against the SDK's ``Call``)."""
    return call_object({"id": CALL_ID, "orgId": "org-7", "createdAt": STAMP, "updatedAt": STAMP,
                        "type": "webCall", "status": status, **extra})  # fmt: skip


def ended(messages: list[dict[str, Any]] | None, reason: str = "assistant-said-end-call-phrase",
          cost: float = 0.1234) -> dict[str, Any]:  # fmt: skip
    artifact: dict[str, Any] = {
        "recordingUrl": "https://storage.example/old-rec.wav",  # deprecated
        "recording": {"mono": {"combinedUrl": "https://storage.example/rec.wav"}},
    }
    if messages is not None:
        artifact["messages"] = messages
    return call_state(
        "ended", endedReason=reason, cost=cost,
        costBreakdown={"stt": 0.01, "llm": 0.05, "tts": 0.03, "vapi": 0.0334, "total": cost},
        artifact=artifact,
    )  # fmt: skip


@dataclass
class FakeVapi:
    url: str = ""
    create: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    states: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: the transcript a call ended through its control URL has
    end_messages: list[dict[str, Any]] = field(default_factory=list)

    def created(self) -> dict[str, Any]:
        return call_state(
            "queued",
            webCallUrl="https://vapi.daily.co/room-1",
            monitor={"controlUrl": f"{self.url}/control/{CALL_ID}"},
        )


def start_vapi() -> tuple[FakeVapi, ThreadingHTTPServer]:
    state = FakeVapi()

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            self.record()
            if self.path.startswith("/control/"):
                # the control URL ends the call: from now on it has ended, with its transcript
                state.states = [(200, ended(state.end_messages, "manually-canceled"))]
                self.send_json(200, {})
            elif state.create:
                self.send_json(*state.create.pop(0))
            else:
                self.send_json(201, state.created())

        def do_GET(self) -> None:
            self.record()
            if not state.states:
                self.send_json(404, {"message": "Call not found", "statusCode": 404})
                return
            self.send_json(*(state.states.pop(0) if len(state.states) > 1 else state.states[0]))

    state.url, server = serve(Handler, state.requests)
    return state, server
