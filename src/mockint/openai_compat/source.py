"""Questions written by the model at an OpenAI-compatible server: Gemini's prompt, schema
and checks (:class:`~mockint.gemini.source.GeminiSource`), through :class:`OpenAIClient`."""

from __future__ import annotations

from mockint.gemini.source import GeminiSource
from mockint.openai_compat.client import OpenAIClient, default_model


class OpenAISource(GeminiSource):
    name = "openai"

    def __init__(self, client: OpenAIClient, model: str | None = None) -> None:
        super().__init__(client, model)
        self.model = default_model("questions", model)

    @classmethod
    def configured(cls, model: str | None = None) -> OpenAISource:
        """One on the configured server and key (a key is optional)."""
        return cls(OpenAIClient.configured(), model)
