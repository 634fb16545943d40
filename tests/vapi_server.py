"""A local HTTP server on 127.0.0.1 that speaks Vapi's API shape.

``POST /call/web`` and ``POST /call`` create a call; ``GET /call/{id}`` walks through
the states the test queued (queued, in-progress, ended, then ended with an
artifact), repeating the last; ``POST /control/{id}`` with ``{"type": "end-call"}``
ends the call. A ``POST /call`` whose transport is ``vapi.websocket`` is handed to the
:class:`SocketCall` the test attached (:mod:`vapi_socket_server`), which then answers
``GET /call/{id}`` and the control URL from the call it runs (unless states are queued).
Every request is recorded with its headers and JSON body. Every call object it sends is
built through vapi-server-sdk's ``Call`` model (:mod:`vapi_contract`): a field the SDK
does not define fails the test that queued it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Protocol

from local_server import JsonHandler, serve
from vapi_contract import call_object

CALL_ID = "3f1c9a52-call"
STAMP = "2026-12-01T03:00:00.000Z"


def call_state(status: str, **extra: Any) -> dict[str, Any]:
    """A web call object as Vapi sends it (checked against the SDK's ``Call``)."""
    return call_object({"id": CALL_ID, "orgId": "org-7", "createdAt": STAMP, "updatedAt": STAMP,
                        "type": "webCall", "status": status, **extra})  # fmt: skip


def ended(messages: list[dict[str, Any]] | None, reason: str = "assistant-said-end-call-phrase",
          cost: float = 0.1234, **extra: Any) -> dict[str, Any]:  # fmt: skip
    artifact: dict[str, Any] = {
        "recordingUrl": "https://storage.example/old-rec.wav",  # deprecated
        "recording": {"mono": {"combinedUrl": "https://storage.example/rec.wav"}},
    }
    if messages is not None:
        artifact["messages"] = messages
    return call_state(
        "ended", endedReason=reason, cost=cost,
        costBreakdown={"stt": 0.01, "llm": 0.05, "tts": 0.03, "vapi": 0.0334, "total": cost},
        artifact=artifact, **extra,
    )  # fmt: skip


class SocketCall(Protocol):
    """A call over Vapi's WebSocket transport, run by a local WebSocket server."""

    def created(
        self, body: dict[str, Any], authorization: str | None
    ) -> tuple[int, dict[str, Any]]:
        """The reply to ``POST /call`` with this body and ``Authorization`` header."""
        ...

    def call_state(self) -> tuple[int, dict[str, Any]]:
        """The reply to ``GET /call/{id}``."""
        ...

    def end_by_control(self) -> None:
        """``{"type": "end-call"}`` arrived at the control URL."""
        ...


def bad_request(*problems: str) -> dict[str, Any]:
    """Vapi's reply to a request body it refuses (HTTP 400)."""
    return {"message": list(problems), "error": "Bad Request", "statusCode": 400}


@dataclass
class FakeVapi:
    url: str = ""
    create: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    states: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: the transcript a call ended through its control URL has
    end_messages: list[dict[str, Any]] = field(default_factory=list)
    #: runs the calls created with the ``vapi.websocket`` transport
    socket_call: SocketCall | None = None
    #: a ``vapi.websocket`` call was created: GET and the control URL are the socket call's
    socket_created: bool = False

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
            body = state.requests[-1]["body"] or {}
            if self.path.startswith("/control/") and state.socket_created and state.socket_call:
                state.socket_call.end_by_control()
                self.send_json(200, {})
            elif self.path.startswith("/control/"):
                # the control URL ends the call: from now on it has ended, with its transcript
                state.states = [(200, ended(state.end_messages, "manually-canceled"))]
                self.send_json(200, {})
            elif state.create:
                self.send_json(*state.create.pop(0))
            elif (body.get("transport") or {}).get("provider") == "vapi.websocket":
                if state.socket_call is None:
                    self.send_json(400, bad_request("this local server runs no WebSocket calls"))
                    return
                status, reply = state.socket_call.created(body, self.headers.get("Authorization"))
                state.socket_created = state.socket_created or status == 201
                self.send_json(status, reply)
            else:
                self.send_json(201, state.created())

        def do_GET(self) -> None:
            self.record()
            if not state.states and state.socket_created and state.socket_call:
                self.send_json(*state.socket_call.call_state())
                return
            if not state.states:
                self.send_json(404, {"message": "Call not found", "statusCode": 404})
                return
            self.send_json(*(state.states.pop(0) if len(state.states) > 1 else state.states[0]))

    state.url, server = serve(Handler, state.requests)
    return state, server
