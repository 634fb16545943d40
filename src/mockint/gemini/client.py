"""Calling Gemini through Google's ``google-genai`` SDK, for structured JSON.

The SDK is imported here, lazily, only when a Gemini call is about to be
made (it takes about 0.3 s to import). The API version is pinned and the base
URL can be overridden (``MOCKINT_GEMINI_BASE_URL``) for proxies and tests.

A reply is read in the order Google documents it (``GenerateContentResponse``): the
prompt's ``promptFeedback.blockReason``, then the candidate's ``finishReason``, then the
text. What cannot succeed is never sent again unchanged:

- a blocked prompt, or a reply stopped for SAFETY, RECITATION, PROHIBITED_CONTENT and the
  other policy reasons in :data:`BLOCKING_FINISH`: fall back at once, naming the reason;
- MAX_TOKENS: asked once more with the larger ``max_output_tokens_after_cut``, then
  "cut off";
- 429 RESOURCE_EXHAUSTED: wait the ``retryDelay`` of its ``google.rpc.RetryInfo`` detail
  when it is short and fits in the call's deadline, else fall back at once saying when
  to try again ("quota", never a bare 429);
- a malformed or empty reply, or one the caller refuses: asked again up to ``tries``.

Errors become one of two kinds: :class:`~mockint.errors.ProviderUnavailable` (after which
the caller falls back to the offline path and says why) and :class:`GeminiRequestError`
(a bad key or model name), which is not retried and is reported with its fix. Neither
message ever contains the key.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, SecretStr, ValidationError

from mockint.config import setting
from mockint.errors import MockintError, UsageError
from mockint.gemini import catalog
from mockint.gemini.catalog import call_cost, settings
from mockint.keys import get_key
from mockint.models.usage import ApiUsage
from mockint.providers import GEMINI_KEY_NEEDED
from mockint.structured import (
    Limits,
    RequestFailed,
    Retry,
    ask_with_retries,
    try_again_at,
)
from mockint.validation import is_number, service_url

__all__ = [
    "BLOCKING_FINISH",
    "GeminiClient",
    "GeminiRequestError",
    "GeminiUnavailable",
    "StructuredClient",
    "call_cost",
    "default_model",
    "exactly",
    "model_prices",
    "require_key",
    "retry_delay_seconds",
    "settings",
]

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
BASE_URL_VARIABLE = "MOCKINT_GEMINI_BASE_URL"
MODEL_VARIABLE = "MOCKINT_GEMINI_MODEL"
#: ``FinishReason`` values (google.genai.types) after which asking again cannot help: policy
#: and safety stops. The names are matched as strings, so a value an older SDK lacks is fine.
BLOCKING_FINISH = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "LANGUAGE",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "PUP_LIMITED_DISABLED",
        "MODEL_ARMOR",
        "ESCALATION",
    }
)
#: the SDK retries these itself; 429 is mockint's, to honour Google's retryDelay
SDK_RETRIED_STATUSES = (408, 500, 502, 503, 504)
_RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


class GeminiUnavailable(RequestFailed):
    """Gemini could not give a usable answer (see :class:`~mockint.structured.RequestFailed`;
    ``retry_after`` is Google's retryDelay, when it sent one)."""


class StructuredClient(Protocol):
    """A client that asks a model for JSON bound to a schema: :class:`GeminiClient`, or
    :class:`mockint.openai_compat.client.OpenAIClient`. The question source, grader and
    follow-ups are written against this, so every provider uses the same prompts, schemas
    and validation."""

    def ask(
        self,
        *,
        model: str,
        system: str,
        prompt: str,
        schema: type[T],
        purpose: str,
        use: Callable[[T], R],
        usage: list[ApiUsage],
        tries: int = 2,
    ) -> R: ...


class GeminiRequestError(MockintError):
    """A request Gemini refuses whatever the retries: bad key, model or request."""


def model_prices() -> dict[str, dict[str, float]]:
    """Each priced model's normal price (US dollars per million tokens)."""
    return {
        name: {"input_per_million": e.input_per_million, "output_per_million": e.output_per_million}
        for name, e in catalog.catalog().items()
    }


def default_model(purpose: str, option: str | None = None) -> str:
    """The model for ``purpose`` ("questions" or "report"): the option, the environment,
    the config file, else the defaults in ``data/gemini.toml``."""

    return (
        (option or "").strip()
        or os.environ.get(MODEL_VARIABLE, "").strip()
        or setting("gemini", f"{purpose}_model", "model")
        or str(settings()["defaults"][purpose])
    )


def retry_delay_seconds(details: Any) -> float | None:
    """The ``retryDelay`` of a Google API error body's ``google.rpc.RetryInfo`` detail, in
    seconds (the JSON form of a protobuf Duration, such as ``"37s"`` or ``"1.5s"``); None
    when there is none. ``details`` is ``google.genai.errors.APIError.details``: the parsed
    body, ``{"error": {"code", "message", "status", "details": [...]}}``."""
    error = details.get("error", details) if isinstance(details, dict) else None
    items = error.get("details") if isinstance(error, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("@type") == _RETRY_INFO:
            found = _DURATION.match(str(item.get("retryDelay", "")))
            if found:
                return float(found.group(1))
    return None


def exactly(item: type[BaseModel], count: int) -> Any:
    """A list type of exactly ``count`` ``item``s for a structured-output schema: its JSON
    schema (what the SDK sends as ``responseSchema``) has ``minItems`` = ``maxItems`` =
    ``count``; a longer list in a reply is accepted by keeping its first ``count`` items,
    a shorter one is refused."""

    return Annotated[list[item], Field(min_length=count, max_length=count), first(count)]  # type: ignore[valid-type]


def first(count: int) -> BeforeValidator:
    """A validator that keeps a reply's first ``count`` list items: with ``maxItems`` in a
    structured-output schema, a longer list is cut, not refused."""
    return BeforeValidator(lambda value: value[:count] if isinstance(value, list) else value)


def clamped(low: int, high: int) -> BeforeValidator:
    """A validator that brings a reply's number into ``low``..``high``: with ``minimum`` and
    ``maximum`` in a structured-output schema (which a server decoding under the schema
    keeps to), a number outside is clamped, not refused."""
    return BeforeValidator(lambda value: max(low, min(high, value)) if is_number(value) else value)


def _reason(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return str(code)
    name = type(exc).__name__
    return "timed out" if "Timeout" in name else "connection failed" if "Connect" in name else name


class GeminiClient:
    """The one client of the Gemini API: retries, cost and errors, for structured calls."""

    def __init__(self, key: SecretStr, *, timeout_seconds: float | None = None) -> None:
        self._key = key
        self._timeout = timeout_seconds or float(settings()["timeout_seconds"])
        self._client: Any = None

    def __repr__(self) -> str:  # never show the key
        return "GeminiClient()"

    def _sdk(self) -> Any:
        if self._client is None:
            from google import genai
            from google.genai import types

            s = settings()
            options = types.HttpOptions(
                api_version=s["api_version"],
                timeout=int(self._timeout * 1000),
                retry_options=types.HttpRetryOptions(
                    attempts=int(s["attempts"]),
                    initial_delay=float(s["initial_delay_seconds"]),
                    max_delay=float(s["max_delay_seconds"]),
                    http_status_codes=list(SDK_RETRIED_STATUSES),
                ),
            )
            base_url = os.environ.get(BASE_URL_VARIABLE, "").strip()
            if base_url:
                options.base_url = service_url(base_url, BASE_URL_VARIABLE)
            self._client = genai.Client(
                api_key=self._key.get_secret_value(), vertexai=False, http_options=options
            )
        return self._client

    def ask(
        self,
        *,
        model: str,
        system: str,
        prompt: str,
        schema: type[T],
        purpose: str,
        use: Callable[[T], R],
        usage: list[ApiUsage],
        tries: int = 2,
    ) -> R:
        """A structured call whose reply ``use`` turns into a result.

        A malformed or empty reply, or one ``use`` refuses with :class:`Unusable`, is asked
        for again, up to ``tries`` times; a reply cut off at the output limit once more with
        a larger limit; a 429 after its short retryDelay (see the module's docstring). All
        of it within ``deadline_seconds`` of ``data/gemini.toml``. Every paid call is
        appended to ``usage``; giving up raises :class:`ProviderUnavailable` with the reason
        and that usage.
        """
        s = settings()

        def request(limit: int, remaining: float) -> tuple[T, ApiUsage]:
            return self.generate(
                model=model,
                system=system,
                prompt=prompt,
                schema=schema,
                purpose=purpose,
                max_output_tokens=limit,
                timeout=remaining,
            )

        return ask_with_retries(
            request,
            use,
            usage,
            tries=tries,
            limits=Limits(
                deadline_seconds=float(s["deadline_seconds"]),
                max_output_tokens=int(s["max_output_tokens"]),
                max_output_tokens_after_cut=int(s["max_output_tokens_after_cut"]),
                initial_delay_seconds=float(s["initial_delay_seconds"]),
                max_delay_seconds=float(s["max_delay_seconds"]),
                wait_max_seconds=float(s["quota_wait_max_seconds"]),
                attempts=int(s["attempts"]),
            ),
            gave_up=lambda exc: try_again_at("quota exhausted", exc.retry_after),
        )

    def generate(
        self,
        *,
        model: str,
        system: str,
        prompt: str,
        schema: type[T],
        purpose: str,
        max_output_tokens: int | None = None,
        timeout: float | None = None,
    ) -> tuple[T, ApiUsage]:
        """One structured call: the reply parsed as ``schema``, and the call's usage.

        Transport retries happen inside the SDK; the whole call, its retries included, is
        bounded by ``timeout`` seconds (default ``deadline_seconds``). Raises
        :class:`GeminiUnavailable` (its ``retry`` says what may help) or
        :class:`GeminiRequestError`.
        """
        outcome: dict[str, Any] = {}
        limit = max_output_tokens or int(settings()["max_output_tokens"])

        def run() -> None:
            try:
                outcome["value"] = self._generate(model, system, prompt, schema, purpose, limit)
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="gemini-call", daemon=True)
        worker.start()
        deadline = timeout if timeout is not None else float(settings()["deadline_seconds"])
        worker.join(deadline)
        if worker.is_alive():
            raise GeminiUnavailable(f"no answer within {deadline:.0f} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]  # type: ignore[no-any-return]

    def _generate(
        self, model: str, system: str, prompt: str, schema: type[T], purpose: str, limit: int
    ) -> tuple[T, ApiUsage]:
        from google.genai import errors, types

        config = types.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            response_schema=schema,
            max_output_tokens=limit,
            temperature=catalog.temperature(model),
        )
        try:
            response = self._sdk().models.generate_content(
                model=model, contents=prompt, config=config
            )
        except errors.ClientError as exc:
            if exc.code == 429:
                raise GeminiUnavailable(
                    "quota exhausted",
                    retry=Retry.LATER,
                    retry_after=retry_delay_seconds(exc.details),
                ) from None
            if exc.code == 408:
                raise GeminiUnavailable(str(exc.code)) from None
            raise _request_error(exc.code, model) from None
        except errors.APIError as exc:
            raise GeminiUnavailable(_reason(exc)) from None
        except ValueError as exc:  # a reply that is not JSON at all
            raise GeminiUnavailable(f"unreadable reply ({type(exc).__name__})") from None
        except Exception as exc:  # transport errors of the SDK's HTTP client
            if type(exc).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "anyio"):
                raise GeminiUnavailable(_reason(exc)) from None
            raise
        usage = usage_of(response, model, purpose)
        blocked = _name(getattr(response.prompt_feedback, "block_reason", None))
        if blocked:
            raise GeminiUnavailable(f"prompt blocked by Gemini ({blocked})", usage)
        candidates = response.candidates or []
        finish = _name(candidates[0].finish_reason) if candidates else ""
        if finish in BLOCKING_FINISH:
            raise GeminiUnavailable(f"reply withheld by Gemini ({finish})", usage)
        if finish == "MAX_TOKENS":
            raise GeminiUnavailable(
                f"cut off at the output limit ({limit} tokens)", usage, retry=Retry.LARGER_LIMIT
            )
        text = response.text
        if not text:
            stopped = f" (stopped: {finish})" if finish and finish != "STOP" else ""
            raise GeminiUnavailable(f"empty reply{stopped}", usage, retry=Retry.ASK_AGAIN)
        try:
            return schema.model_validate_json(text), usage
        except ValidationError:
            raise GeminiUnavailable("malformed reply", usage, retry=Retry.ASK_AGAIN) from None


def _name(value: Any) -> str:
    """An SDK enum (``FinishReason``, ``BlockedReason``) or raw string as its wire name."""
    if value is None:
        return ""
    name = str(getattr(value, "value", value))
    return "" if name.endswith("_UNSPECIFIED") else name


def usage_of(response: Any, model: str, purpose: str) -> ApiUsage:
    """The tokens and price of one ``GenerateContentResponse``, from its ``usage_metadata``
    (``GenerateContentResponseUsageMetadata``): input is ``prompt_token_count`` +
    ``tool_use_prompt_token_count``, output ``candidates_token_count`` +
    ``thoughts_token_count`` (Google bills thinking as output); priced by
    :func:`~mockint.gemini.catalog.call_cost` for today."""
    meta = response.usage_metadata
    if meta is None:
        prompt_tokens = output_tokens = 0
    else:
        prompt_tokens = (meta.prompt_token_count or 0) + (meta.tool_use_prompt_token_count or 0)
        output_tokens = (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0)
    return ApiUsage(
        provider="gemini",
        model=model,
        purpose=purpose,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        cost_usd=call_cost(model, prompt_tokens, output_tokens),
    )


def _request_error(code: int, model: str) -> GeminiRequestError:
    if code in (401, 403):
        return GeminiRequestError(
            f"Gemini refused the API key ({code}). Check it, then store it again with "
            "`mockint keys set gemini` or set GEMINI_API_KEY; or use --provider offline."
        )
    if code == 404:
        shutdown = catalog.shutdown_day(model)
        gone = (
            f" (Google announced its shutdown for {catalog.day_text(shutdown)})" if shutdown else ""
        )
        return GeminiRequestError(
            f"Gemini has no model {model!r} (404){gone}. Choose another with --model or "
            f"{MODEL_VARIABLE}; the models mockint knows are: {', '.join(model_prices())}."
        )
    return GeminiRequestError(
        f"Gemini rejected the request ({code}): often a bad key or model name. Check "
        f"`mockint keys list` and --model, or use --provider offline."
    )


def require_key() -> SecretStr:

    found = get_key("gemini")
    if found is None:
        raise UsageError(GEMINI_KEY_NEEDED)
    return found.value
