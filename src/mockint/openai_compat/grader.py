"""A report written by the model at an OpenAI-compatible server: Gemini's prompt, schema,
mapping and offline cross-check (:class:`~mockint.gemini.grader.GeminiGrader`), through
:class:`OpenAIClient`, with a note on how its calls were priced."""

from __future__ import annotations

from mockint.gemini.grader import GeminiGrader
from mockint.models.reports import Report
from mockint.models.sessions import AnsweredQuestion, SessionRecord
from mockint.openai_compat.client import OpenAIClient, cost_note, default_model


class OpenAIGrader(GeminiGrader):
    name = "openai"

    def __init__(self, client: OpenAIClient, model: str | None = None) -> None:
        super().__init__(client, model)
        self.url = client.url
        self.model = default_model("report", model)

    @classmethod
    def configured(cls, model: str | None = None) -> OpenAIGrader:
        """One on the configured server and key (a key is optional)."""
        return cls(OpenAIClient.configured(), model)

    @property
    def scorer(self) -> str:
        return self.model

    def grade(self, session: SessionRecord, items: list[AnsweredQuestion]) -> Report:
        report = super().grade(session, items)
        report.notes.append(cost_note(self.model, self.url))
        return report
