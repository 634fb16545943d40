"""Calling Gemini through Google's ``google-genai`` SDK, for structured JSON.

The SDK is imported here, lazily, only when a Gemini call is about to be
made (it takes about 0.3 s to import). The API version is pinned and the base
URL can be overridden (``MOCKINT_GEMINI_BASE_URL``) for proxies and tests.

Errors become one of two kinds: :class:`GeminiUnavailable` (retries spent on
429/5xx/timeouts, or output that is not what was asked for), after which the
caller falls back to the offline path and says why; and
:class:`GeminiRequestError` (a bad key or model name), which is not retried
and is reported with its fix. Neither message ever contains the key.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, SecretStr, ValidationError

from mockint.config import setting
from mockint.errors import MockintError, ProviderUnavailable, UsageError
from mockint.gemini import catalog
from mockint.gemini.catalog import call_cost, settings
from mockint.keys import get_key
from mockint.models.usage import ApiUsage

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
#: reasons for which asking again may help (the SDK retries only transport failures)
UNUSABLE_REPLY = frozenset({"malformed reply", "empty reply"})
BASE_URL_VARIABLE = "MOCKINT_GEMINI_BASE_URL"
MODEL_VARIABLE = "MOCKINT_GEMINI_MODEL"


class GeminiUnavailable(ProviderUnavailable):
    """Gemini could not give a usable answer; ``reason`` is short and safe to show.

    ``usage`` is a call that was paid for anyway (a reply that could not be used).
    """

    def __init__(self, reason: str, usage: ApiUsage | None = None) -> None:
        super().__init__(reason, [usage] if usage else [])


class Unusable(Exception):
    """A reply that parsed but cannot be used (ids that do not match...)."""


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


def exactly(item: type[BaseModel], count: int) -> Any:
    """A list type of exactly ``count`` ``item``s for a structured-output schema: its JSON
    schema (what the SDK sends as ``responseSchema``) has ``minItems`` = ``maxItems`` =
    ``count``; a longer list in a reply is accepted by keeping its first ``count`` items,
    a shorter one is refused."""

    def first(value: Any) -> Any:
        return value[:count] if isinstance(value, list) else value

    return Annotated[list[item], Field(min_length=count, max_length=count), BeforeValidator(first)]  # type: ignore[valid-type]


def _reason(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return str(code)
    name = type(exc).__name__
    return "timed out" if "Timeout" in name else "connection failed" if "Connect" in name else name


class GeminiClient:
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
                    http_status_codes=[408, 429, 500, 502, 503, 504],
                ),
            )
            base_url = os.environ.get(BASE_URL_VARIABLE, "").strip()
            if base_url:
                options.base_url = base_url
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

        A malformed reply, or one ``use`` refuses with :class:`Unusable`, is asked for
        again, up to ``tries`` times (transport failures were already retried by the
        SDK). Every paid call is appended to ``usage``; giving up raises
        :class:`ProviderUnavailable` with the reason and that usage.
        """
        problem = ""
        for _attempt in range(tries):
            try:
                reply, call = self.generate(
                    model=model, system=system, prompt=prompt, schema=schema, purpose=purpose
                )
            except GeminiUnavailable as exc:
                usage += exc.usage
                if exc.reason not in UNUSABLE_REPLY:
                    raise ProviderUnavailable(exc.reason, usage) from None
                problem = exc.reason
                continue
            usage.append(call)
            try:
                return use(reply)
            except Unusable as exc:
                problem = str(exc)
        raise ProviderUnavailable(problem, usage)

    def generate(
        self, *, model: str, system: str, prompt: str, schema: type[T], purpose: str
    ) -> tuple[T, ApiUsage]:
        """One structured call: the reply parsed as ``schema``, and the call's usage.

        Retries happen inside the SDK; the whole call, retries included, is bounded
        by ``deadline_seconds``.
        """
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = self._generate(model, system, prompt, schema, purpose)
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="gemini-call", daemon=True)
        worker.start()
        deadline = float(settings()["deadline_seconds"])
        worker.join(deadline)
        if worker.is_alive():
            raise GeminiUnavailable(f"no answer within {deadline:.0f} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]  # type: ignore[no-any-return]

    def _generate(
        self, model: str, system: str, prompt: str, schema: type[T], purpose: str
    ) -> tuple[T, ApiUsage]:
        from google.genai import errors, types

        config = types.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            response_schema=schema,
            temperature=catalog.temperature(model),
        )
        try:
            response = self._sdk().models.generate_content(
                model=model, contents=prompt, config=config
            )
        except errors.ClientError as exc:
            if exc.code in (408, 429):
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
        text = response.text
        if not text:
            raise GeminiUnavailable("empty reply", usage)
        try:
            return schema.model_validate_json(text), usage
        except ValidationError:
            raise GeminiUnavailable("malformed reply", usage) from None


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
        raise UsageError(
            "--provider gemini needs a Gemini API key: store one with `mockint keys set gemini` "
            "or set GEMINI_API_KEY (or use --provider offline)."
        )
    return found.value
