"""A local HTTP server on 127.0.0.1 that speaks Vapi's API shape.

``POST /call/web`` and ``POST /call`` create a call; ``GET /call/{id}`` walks through
the states the test queued (queued, in-progress, ended, then ended with an
artifact), repeating the last; ``POST /control/{id}`` with ``{"type": "end-call"}``
ends the call.
Every request is recorded with its headers and JSON body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from local_server import JsonHandler, serve

CALL_ID = "3f1c9a52-call"


def call_state(status: str, **extra: Any) -> dict[str, Any]:
    return {"id": CALL_ID, "type": "webCall", "status": status, **extra}


def ended(messages: list[dict[str, Any]] | None, reason: str = "assistant-said-end-call-phrase",
          cost: float = 0.1234) -> dict[str, Any]:  # fmt: skip
    artifact: dict[str, Any] = {"recordingUrl": "https://storage.example/rec.wav"}
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
