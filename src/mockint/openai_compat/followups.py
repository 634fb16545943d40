"""Follow-up questions from the model at an OpenAI-compatible server, for a waiting candidate.

Gemini's prompt and schema, one try, each bounded by ``follow_up_timeout_seconds``. Local
models can be slow: once one follow-up has taken longer than ``follow_up_slow_seconds`` (or
timed out), no more are asked in this interview, and that is said once.
"""

from __future__ import annotations

from mockint.errors import ProviderSkipped, ProviderUnavailable
from mockint.gemini.followups import SYSTEM, FollowUp, follow_up_prompt, question_of
from mockint.models.questions import Question
from mockint.models.usage import ApiUsage
from mockint.openai_compat.client import OpenAIClient, default_model, option


class OpenAIFollowUps:
    name = "openai"

    def __init__(self, client: OpenAIClient, model: str | None = None) -> None:
        self.client = client
        self.model = default_model("questions", model)
        self.usage: list[ApiUsage] = []
        #: why follow-ups stopped, once they have; and whether that was said
        self.stopped: str | None = None
        self.said = False

    @classmethod
    def configured(cls, model: str | None = None) -> OpenAIFollowUps:
        return cls(OpenAIClient.configured(), model)

    def write(self, question: Question, answer: str, missed: list[str]) -> str:
        if self.stopped is not None:
            said, self.said = self.said, True
            raise ProviderSkipped(self.stopped, said=said)
        limit = option("follow_up_timeout_seconds")
        try:
            text = self.client.ask(
                model=self.model,
                system=SYSTEM,
                prompt=follow_up_prompt(question, answer, missed),
                schema=FollowUp,
                purpose="follow-up",
                use=question_of,
                usage=self.usage,
                tries=1,  # the candidate is waiting: one try, then carry on without
                timeout=limit,
                attempts=1,
            )
        except ProviderUnavailable as exc:
            if exc.reason.startswith("no answer within"):
                self._stop(f"{self.model} gave no follow-up within {limit:.0f} s")
            raise
        took = self.client.last_seconds or 0.0
        slow = option("follow_up_slow_seconds")
        if took > slow:
            self._stop(f"{self.model} took {took:.0f} s to write one (more than {slow:.0f} s)")
        return text

    def _stop(self, why: str) -> None:
        self.stopped = (
            f"No more follow-ups in this interview: {why}. Set follow_up_slow_seconds under "
            "[openai] in config.toml to change the limit."
        )
