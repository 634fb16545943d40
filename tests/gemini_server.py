"""A local HTTP server on 127.0.0.1 that speaks Gemini's REST wire format.

``POST /{version}/models/{model}:generateContent`` with the key in the
``x-goog-api-key`` header; replies are queued by the test (status and JSON
body), and every request is recorded (path, headers, parsed body, and ``at``: its
``time.monotonic()``).

Successful replies are built from google-genai's own types
(``GenerateContentResponse``, ``Candidate``, ``GenerateContentResponseUsageMetadata``,
``FinishReason``, ``BlockedReason``) and serialised as the REST API sends them: camelCase
JSON without nulls. Error bodies follow Google's ``google.rpc.Status`` JSON (the SDK has
no type for them): ``{"error": {"code", "message", "status", "details"}}``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from google.genai import types

from local_server import JsonHandler, serve


def wire(response: types.GenerateContentResponse) -> dict[str, Any]:
    """An SDK response as the REST API sends it."""
    return response.model_dump(mode="json", by_alias=True, exclude_none=True)


def usage(
    prompt_tokens: int, output_tokens: int, thinking_tokens: int = 0, tool_prompt_tokens: int = 0
) -> types.GenerateContentResponseUsageMetadata:
    return types.GenerateContentResponseUsageMetadata(
        prompt_token_count=prompt_tokens,
        candidates_token_count=output_tokens,
        thoughts_token_count=thinking_tokens or None,
        tool_use_prompt_token_count=tool_prompt_tokens or None,
        total_token_count=prompt_tokens + output_tokens + thinking_tokens + tool_prompt_tokens,
    )


def content_reply(
    text: str | None,
    prompt_tokens: int = 120,
    output_tokens: int = 480,
    *,
    thinking_tokens: int = 0,
    tool_prompt_tokens: int = 0,
    finish: types.FinishReason = types.FinishReason.STOP,
) -> dict[str, Any]:
    """A reply with one candidate (its text, if any) that stopped for ``finish``."""
    content = types.Content(role="model", parts=[types.Part(text=text)] if text else None)
    return wire(
        types.GenerateContentResponse(
            candidates=[types.Candidate(content=content, finish_reason=finish, index=0)],
            usage_metadata=usage(prompt_tokens, output_tokens, thinking_tokens, tool_prompt_tokens),
            model_version="gemini-test",
        )
    )


def blocked_reply(
    reason: types.BlockedReason = types.BlockedReason.SAFETY, prompt_tokens: int = 120
) -> dict[str, Any]:
    """A blocked prompt: no candidates, ``promptFeedback.blockReason`` set."""
    return wire(
        types.GenerateContentResponse(
            prompt_feedback=types.GenerateContentResponsePromptFeedback(block_reason=reason),
            usage_metadata=types.GenerateContentResponseUsageMetadata(
                prompt_token_count=prompt_tokens, total_token_count=prompt_tokens
            ),
        )
    )


def error_reply(
    code: int, status: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    return {"error": error}


def quota_reply(retry_delay: str | None) -> dict[str, Any]:
    """A 429 body as the Gemini API sends one: QuotaFailure, Help and (when ``retry_delay``
    is given, a protobuf Duration such as ``"37s"``) RetryInfo details."""
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                    "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                    "quotaDimensions": {"location": "global", "model": "gemini-3.1-flash-lite"},
                    "quotaValue": "10",
                }
            ],
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Learn more about Gemini API quotas",
                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                }
            ],
        },
    ]
    if retry_delay is not None:
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        )
    return error_reply(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        details,
    )


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
            self.requests[-1]["at"] = time.monotonic()
            self.send_json(*(state.replies.pop(0) if state.replies else state.default))

    state.url, server = serve(Handler, state.requests)
    return state, server
