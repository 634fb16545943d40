"""A local HTTP server on 127.0.0.1 that speaks Gemini's REST wire format.

``POST /{version}/models/{model}:generateContent`` with the key in the
``x-goog-api-key`` header; replies are queued by the test (status and JSON
body), and every request is recorded (path, headers, parsed body).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from local_server import JsonHandler, serve


def content_reply(text: str, prompt_tokens: int = 120, output_tokens: int = 480) -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": "STOP"}
        ],
        "usageMetadata": {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": prompt_tokens + output_tokens,
        },
    }


def error_reply(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


@dataclass
class FakeGemini:
    url: str = ""
    replies: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: the reply given once the queue is empty
    default: tuple[int, dict[str, Any]] = (503, error_reply(503, "UNAVAILABLE", "overloaded"))

    def reply(self, status: int, body: dict[str, Any], times: int = 1) -> None:
        self.replies.extend([(status, body)] * times)


def start_server() -> tuple[FakeGemini, ThreadingHTTPServer]:
    state = FakeGemini()

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            self.record()
            self.send_json(*(state.replies.pop(0) if state.replies else state.default))

    state.url, server = serve(Handler, state.requests)
    return state, server
