"""A local HTTP server on 127.0.0.1 that speaks Gemini's REST wire format.

``POST /{version}/models/{model}:generateContent`` with the key in the
``x-goog-api-key`` header; replies are queued by the test (status and JSON
body), and every request is recorded (path, headers, parsed body).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": json.loads(raw or b"{}")}
            )
            status, body = state.replies.pop(0) if state.replies else state.default
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
