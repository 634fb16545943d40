"""A local HTTP server on 127.0.0.1 that speaks OpenAI's chat-completions wire format.

``POST /v1/chat/completions`` and ``GET /v1/models``, as Ollama, LM Studio, llama.cpp's
server and vLLM serve them. Replies are built from the ``openai`` SDK's own types
(``ChatCompletion``, ``Choice``, ``ChatCompletionMessage``, ``CompletionUsage``, ``Model``) and
serialised as the API sends them; error bodies are the API's
``{"error": {"message", "type", "param", "code"}}``. Every request is recorded (path,
headers, parsed body, and ``at``: its ``time.monotonic()``).

Three flavours of server, as found in the wild:

- ``schema``: honours ``response_format`` ``json_schema`` (and ``json_object``);
- ``object``: refuses ``json_schema`` with a 400 naming ``response_format``, accepts
  ``json_object``;
- ``prose``: refuses any ``response_format`` with a 400, and wraps the JSON in prose and a
  fenced block.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from openai.types import CompletionUsage, Model
from openai.types.chat import ChatCompletion, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice

from local_server import JsonHandler, serve


def completion(
    text: str | None, model: str, prompt_tokens: int = 120, output_tokens: int = 480,
    finish: str = "stop",
) -> dict[str, Any]:  # fmt: skip
    """A chat completion with one choice, as the API sends it."""
    return ChatCompletion(
        id="chatcmpl-test",
        object="chat.completion",
        created=1764590400,
        model=model,
        choices=[
            Choice(
                index=0,
                finish_reason=finish,  # type: ignore[arg-type]
                message=ChatCompletionMessage(role="assistant", content=text),
            )
        ],
        usage=CompletionUsage(
            prompt_tokens=prompt_tokens,
            completion_tokens=output_tokens,
            total_tokens=prompt_tokens + output_tokens,
        ),
    ).model_dump(mode="json", exclude_none=True)


def error_body(message: str, kind: str = "invalid_request_error", param: str | None = None):
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


PROSE = "Sure! Here is the JSON you asked for:\n\n```json\n{}\n```\n\nGood luck with the interview."


@dataclass
class FakeOpenAI:
    url: str = ""
    flavour: str = "schema"
    #: in order, one per completion request: what the model writes (JSON text), or an error
    #: to answer with (status, body, headers)
    queue: list[str | tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    models: list[str] = field(default_factory=lambda: ["llama3.1", "qwen2.5:0.5b"])
    #: the key the server requires (Authorization: Bearer ...), if any
    key: str | None = None
    #: seconds to wait before each reply
    delay: float = 0.0
    usage: tuple[int, int] = (120, 480)
    finish: str = "stop"

    def write(self, *contents: str) -> None:
        self.queue.extend(contents)

    def fail(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
             times: int = 1) -> None:  # fmt: skip
        self.queue.extend([(status, body, headers or {})] * times)

    def completions(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]


def start_server() -> tuple[FakeOpenAI, ThreadingHTTPServer]:
    state = FakeOpenAI()

    class Handler(JsonHandler):
        def reply(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def authorised(self) -> bool:
            if state.key is None:
                return True
            if self.headers.get("Authorization") == f"Bearer {state.key}":
                return True
            self.reply(401, error_body("Incorrect API key provided.", "invalid_api_key"), {})
            return False

        def do_GET(self) -> None:
            self.record()
            if not self.path.endswith("/v1/models"):
                self.reply(404, error_body("not found"), {})
                return
            if self.authorised():
                page = [
                    Model(id=m, created=1764590400, object="model", owned_by="library")
                    for m in state.models
                ]
                self.send_json(200, {"object": "list", "data": [m.model_dump() for m in page]})

        def do_POST(self) -> None:
            # the client may give up waiting (a timeout test)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.complete()

        def complete(self) -> None:
            self.record()
            self.requests[-1]["at"] = time.monotonic()
            if state.delay:
                time.sleep(state.delay)
            if not self.path.endswith("/v1/chat/completions"):
                self.reply(404, error_body("not found"), {})
                return
            if not self.authorised():
                return
            if state.queue and isinstance(state.queue[0], tuple):
                self.reply(*state.queue.pop(0))
                return
            body = self.requests[-1]["body"]
            model = body.get("model")
            if model not in state.models:
                self.reply(404, error_body(f"model '{model}' not found", "not_found_error"), {})
                return
            kind = (body.get("response_format") or {}).get("type")
            refused = {"object": {"json_schema"}, "prose": {"json_schema", "json_object"}}
            if kind in refused.get(state.flavour, set()):
                message = f"response_format type {kind!r} is not supported by this server"
                self.reply(400, error_body(message, param="response_format"), {})
                return
            if not state.queue:
                self.reply(503, error_body("no reply queued", "server_error"), {})
                return
            text = state.queue.pop(0)
            assert isinstance(text, str)
            if state.flavour == "prose":
                text = PROSE.format(text)
            self.send_json(200, completion(text, model, *state.usage, finish=state.finish))

    state.url, server = serve(Handler, state.requests)
    return state, server
