"""Calling any server that speaks OpenAI's chat-completions wire format, for structured JSON.

Ollama, LM Studio, llama.cpp's server, vLLM and routers such as OpenRouter all take
``POST {base_url}/chat/completions``; they differ in how much of ``response_format`` they
honour. So a structured call climbs down a ladder, and remembers (per base URL and model,
for the process) the rung that worked:

1. ``response_format`` ``json_schema`` with ``strict: true`` (the schema made strict:
   every property required, no others allowed);
2. when the server refuses that with a 400 naming the field, ``json_object`` with the
   schema in the prompt;
3. when it refuses that too, no ``response_format``: the schema in the prompt and the JSON
   taken out of whatever prose surrounds it.

Whatever the rung, a reply is parsed leniently (a JSON object, else the first one found in
the text) and validated with the caller's pydantic model; a malformed or unusable one is
asked for again, up to ``tries``. The official ``openai`` SDK is imported here, lazily, only
when a call is about to be made; its own retries are off, so that mockint applies its
per-call timeout, overall deadline and 429 ``retry-after`` rules itself (see
``data/openai.toml``).

Failures become :class:`OpenAIUnavailable` (a :class:`~mockint.errors.ProviderUnavailable`:
the caller falls back to the bank or the offline grader and says why). A refused key or an
unknown model is not asked again: the reason says how to fix it. Neither a key nor a URL's
credentials ever appear in a message.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr, ValidationError

from mockint import clock
from mockint.config import config_path, load_config, setting
from mockint.errors import InputFileError, MockintError, UsageError
from mockint.keys import get_key
from mockint.models.usage import ApiUsage
from mockint.resources import load_toml
from mockint.safetext import one_line, redact
from mockint.structured import (
    Limits,
    RequestFailed,
    Retry,
    ask_with_retries,
    try_again_at,
)
from mockint.validation import is_number, service_url

__all__ = [
    "BASE_URL_VARIABLE",
    "MODEL_VARIABLE",
    "Format",
    "OpenAIClient",
    "OpenAIRequestError",
    "OpenAIUnavailable",
    "base_url",
    "call_cost",
    "cost_note",
    "default_model",
    "extract_json",
    "is_local",
    "option",
    "settings",
    "strict_schema",
]

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
BASE_URL_VARIABLE = "MOCKINT_OPENAI_BASE_URL"
MODEL_VARIABLE = "MOCKINT_OPENAI_MODEL"
#: statuses worth asking again after a pause (429 waits its ``retry-after`` when it has one)
TRANSIENT_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
#: placeholder sent when no key is configured: the SDK requires one, local servers ignore it
NO_KEY = "no-key"


class Format(Enum):
    """How a structured reply is asked for: the ladder's rungs, in order."""

    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    TEXT = "text"


class OpenAIUnavailable(RequestFailed):
    """The server could not give a usable answer (see
    :class:`~mockint.structured.RequestFailed`; ``retry_after`` is its ``retry-after``)."""


class OpenAIRequestError(MockintError):
    """A request the server refused, for a command that has nothing to fall back to
    (``mockint models``)."""


# --- settings -------------------------------------------------------------------------------


def settings() -> dict[str, Any]:
    """``data/openai.toml``, parsed once per process."""
    return load_toml("openai.toml")


def _section() -> dict[str, Any]:
    values = load_config().get("openai", {})
    return values if isinstance(values, dict) else {}


#: settings that count something (a whole number) and the most each may be
COUNTS = {"attempts": 20, "max_output_tokens": 1_000_000, "max_output_tokens_after_cut": 1_000_000}
#: the most any number of seconds may be (a day)
MOST_SECONDS = 86_400


def option(name: str) -> float:
    """A number from ``[openai]`` in the config file, else from ``data/openai.toml``. Raises
    InputFileError (one line naming it) when the config gives one that is not a finite
    number above 0, a count (``COUNTS``) that is not a whole number up to its limit, or
    seconds over a day."""
    value = _section().get(name)
    if value is None:
        return float(settings()[name])
    most = COUNTS.get(name, MOST_SECONDS)
    if is_number(value) and 0 < value <= most and (name not in COUNTS or float(value).is_integer()):
        return float(value)
    kind = (
        f"a whole number from 1 to {most:,}"
        if name in COUNTS
        else f"a number of seconds above 0, at most {most:,}"
    )
    raise InputFileError(
        f"{name} under [openai] in {config_path()} must be {kind}, not {value!r}. "
        "Fix it, or remove it to use the default."
    )


def base_url() -> str:
    """The server's base URL: MOCKINT_OPENAI_BASE_URL, ``[openai] base_url``, else Ollama's."""
    from_env = os.environ.get(BASE_URL_VARIABLE, "").strip()
    if from_env:
        return service_url(from_env, BASE_URL_VARIABLE)
    configured = setting("openai", "base_url")
    if configured:
        return service_url(configured, "[openai] base_url in config.toml")
    return service_url(str(settings()["base_url"]), "base_url in data/openai.toml")


def shown_url(url: str) -> str:
    """``url`` without any user name or password in it, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def default_model(purpose: str, option: str | None = None) -> str:
    """The model for ``purpose`` ("questions" or "report"): the option, MOCKINT_OPENAI_MODEL,
    ``[openai]`` ``questions_model``/``report_model``/``model``, else ``data/openai.toml``'s."""
    return (
        (option or "").strip()
        or os.environ.get(MODEL_VARIABLE, "").strip()
        or setting("openai", f"{purpose}_model", "model")
        or str(settings()["model"])
    )


def configured_server() -> dict[str, str | None]:
    """The OpenAI-compatible server `--provider openai` talks to: ``baseUrl`` (without any
    password in it), ``questionsModel``, ``reportModel``, and ``error`` (None, or why the
    configured URL, or the config file, cannot be used: the command still shows everything
    else)."""
    server: dict[str, str | None] = {}
    error = None
    reads: tuple[tuple[str, Callable[[], str]], ...] = (
        ("baseUrl", lambda: shown_url(base_url())),
        ("questionsModel", lambda: default_model("questions")),
        ("reportModel", lambda: default_model("report")),
    )
    for name, read in reads:
        try:
            server[name] = read()
        except UsageError as exc:  # InputFileError too: a config file that cannot be read
            server[name], error = None, error or exc.message
    return {**server, "error": error}


def is_local(url: str) -> bool:
    """Whether ``url``'s host is this machine or the local network (nothing is billed)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".lan")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _price(model: str) -> tuple[float, float] | None:
    """(input, output) US dollars per million tokens of ``model``: ``[openai.prices]`` in
    the config, else ``data/openai.toml``'s, else None. Raises InputFileError naming the
    setting when the config's prices are not a table of tables of two numbers, each
    finite and at least 0 (a price never silently ignored)."""
    configured = _section().get("prices", {})
    where = f"[openai.prices] in {config_path()}"
    if not isinstance(configured, dict):
        raise InputFileError(f"{where} must be a table of models, not {configured!r}.")
    entry = configured.get(model)
    if entry is None:
        entry = settings().get("prices", {}).get(model)
        if entry is None:
            return None
    given = [entry.get(k) for k in PRICE_KEYS] if isinstance(entry, dict) else [None]
    prices = [float(p) for p in given if is_number(p) and math.isfinite(p) and p >= 0]
    if len(prices) != len(PRICE_KEYS):
        raise InputFileError(
            f'{where}: "{model}" must give input_per_million and output_per_million as numbers '
            "of US dollars, at least 0."
        )
    return prices[0], prices[1]


PRICE_KEYS = ("input_per_million", "output_per_million")


def check_prices() -> None:
    """InputFileError naming the model when a price in ``[openai.prices]`` cannot be used
    (see ``_price``): said before a call is made, not after one is paid for."""
    configured = _section().get("prices", {})
    # _price raises for a table of the wrong shape, or for the model's entry
    for model in configured if isinstance(configured, dict) else [""]:
        _price(str(model))


def call_cost(model: str, prompt_tokens: int, output_tokens: int) -> float:
    """US dollars for one call: the configured price of ``model``, else 0."""
    found = _price(model)
    if found is None:
        return 0.0
    return (prompt_tokens * found[0] + output_tokens * found[1]) / 1_000_000


def cost_note(model: str, url: str) -> str:
    """One line for a report's notes on how the calls to ``model`` were priced."""
    found = _price(model)
    if found is not None:
        return (
            f"API cost: {model} priced at ${found[0]:g} / ${found[1]:g} per million input / "
            "output tokens, as configured."
        )
    if is_local(url):
        return f"API cost: {model} runs on {urlsplit(url).hostname}, a local server: $0."
    return (
        f"API cost: no price is configured for {model} ([openai.prices] in config.toml), so "
        "its calls are recorded at $0."
    )


# --- replies ----------------------------------------------------------------------------------


def strict_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """``schema``'s JSON schema (camelCase aliases, as the prompt names fields) made strict
    as OpenAI's structured outputs require: every object lists all its properties as
    required and allows no others; defaults and titles are left out."""

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            fixed = {k: fix(v) for k, v in node.items() if k not in ("default", "title")}
            if isinstance(fixed.get("properties"), dict):
                fixed["required"] = list(fixed["properties"])
                fixed["additionalProperties"] = False
            return fixed
        if isinstance(node, list):
            return [fix(item) for item in node]
        return node

    return fix(schema.model_json_schema(by_alias=True))  # type: ignore[no-any-return]


def extract_json(text: str) -> str | None:
    """The JSON object in ``text``: all of it, a fenced ```json block, or the first
    ``{...}`` that parses; None when there is none."""
    stripped = text.strip()
    decoder = json.JSONDecoder()
    start = stripped.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(stripped, start)
        except json.JSONDecodeError:
            start = stripped.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return stripped[start:end]
        start = stripped.find("{", end)
    return None


def _schema_instructions(schema: type[BaseModel]) -> str:
    return (
        "\n\nReply with one JSON object, and nothing else, that follows this JSON schema "
        "(the property names exactly as written):\n"
        + json.dumps(strict_schema(schema), separators=(",", ":"))
    )


def _status_reason(status: int, message: str, model: str, keyed: bool) -> str:
    if status in (401, 403):
        if not keyed:
            return (
                f"the server needs an API key ({status}); store one with `mockint keys set "
                "openai` or set OPENAI_API_KEY"
            )
        return (
            f"the server refused the API key ({status}); check it with `mockint keys list` "
            "and store it again with `mockint keys set openai`"
        )
    if status == 404:
        return (
            f"no model {one_line(model)!r} at this server, or a wrong base URL (404); see "
            "`mockint models`"
        )
    detail = one_line(message)[:160]
    return f"request refused ({status}: {detail})" if detail else f"request refused ({status})"


def _message(exc: Any) -> str:
    """The ``error.message`` of an error body, else the SDK's message."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return str(getattr(exc, "message", "") or "")


def _refuses_format(message: str, current: Format) -> bool:
    """Whether a 400's text says the server does not take ``response_format`` as sent."""
    text = message.lower()
    return current is not Format.TEXT and any(
        word in text for word in ("response_format", "json_schema", "json_object", "format")
    )


def _retry_after(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds, or an HTTP date)."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        return max(0.0, (moment - clock.now()).total_seconds())
    return None


def _gave_up(exc: RequestFailed) -> str:
    """The reason given after the last try; for 429, when to try again."""
    return (
        try_again_at("rate limited", exc.retry_after)
        if exc.reason == "rate limited"
        else exc.reason
    )


#: the rung that worked, per (base URL, model), for the rest of the process
_formats: dict[tuple[str, str], Format] = {}


class OpenAIClient:
    """The one client of an OpenAI-compatible server: the format ladder, retries, timeouts,
    cost and errors, for structured calls."""

    def __init__(self, key: SecretStr | None = None, url: str | None = None) -> None:
        self._key = key
        self.url = url or base_url()
        self._client: Any = None
        #: seconds the last successful request took (for follow-ups: is the model slow?)
        self.last_seconds: float | None = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIClient({shown_url(self.url)!r})"

    @classmethod
    def configured(cls) -> OpenAIClient:
        """A client for the configured base URL, with the stored or environment key if any.
        Raises InputFileError for configured prices of the wrong shape (before any call)."""
        check_prices()
        found = get_key("openai")
        return cls(found.value if found else None)

    def _sdk(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                api_key=self._key.get_secret_value() if self._key else NO_KEY,
                base_url=self.url,
                max_retries=0,  # mockint's own rules: deadline, retry-after
                timeout=option("timeout_seconds"),
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
        timeout: float | None = None,
        attempts: int | None = None,
    ) -> R:
        """A structured call whose reply ``use`` turns into a result.

        The format ladder is climbed down as the server refuses rungs; a malformed or empty
        reply, or one ``use`` refuses with :class:`Unusable`, is asked for again up to
        ``tries`` times; a cut-off one once more with a larger limit; a transient failure
        after a pause, up to ``attempts`` requests. Each request may take ``timeout`` seconds
        (default ``timeout_seconds``), all of it ``deadline_seconds``; ``attempts`` (default
        from the settings) bounds the requests a transient failure may take. Every paid call is
        appended to ``usage``; giving up raises :class:`ProviderUnavailable` with the reason.
        """
        per_call = timeout or option("timeout_seconds")
        key = (self.url, model)

        def request(limit: int, remaining: float) -> tuple[T, ApiUsage]:
            return self.complete(
                model=model,
                system=system,
                prompt=prompt,
                schema=schema,
                purpose=purpose,
                form=_formats.get(key, Format.JSON_SCHEMA),
                max_tokens=limit,
                timeout=min(per_call, remaining),
            )

        def simpler() -> None:
            form = _formats.get(key, Format.JSON_SCHEMA)
            _formats[key] = Format.JSON_OBJECT if form is Format.JSON_SCHEMA else Format.TEXT

        return ask_with_retries(
            request,
            use,
            usage,
            tries=tries,
            limits=Limits(
                deadline_seconds=option("deadline_seconds"),
                max_output_tokens=int(option("max_output_tokens")),
                max_output_tokens_after_cut=int(option("max_output_tokens_after_cut")),
                initial_delay_seconds=option("initial_delay_seconds"),
                max_delay_seconds=option("max_delay_seconds"),
                wait_max_seconds=option("quota_wait_max_seconds"),
                attempts=attempts or int(option("attempts")),
            ),
            gave_up=_gave_up,
            simpler=simpler,
        )

    def complete(
        self,
        *,
        model: str,
        system: str,
        prompt: str,
        schema: type[T],
        purpose: str,
        form: Format,
        max_tokens: int,
        timeout: float,
    ) -> tuple[T, ApiUsage]:
        """One request in ``form``: the reply validated as ``schema``, and the call's usage.
        Raises :class:`OpenAIUnavailable`, whose ``retry`` says what may help."""
        import openai

        request: dict[str, Any] = {}
        content = prompt
        if form is Format.JSON_SCHEMA:
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": schema.__name__,
                    "schema": strict_schema(schema),
                    "strict": True,
                },
            }
        else:
            content += _schema_instructions(schema)
            if form is Format.JSON_OBJECT:
                request["response_format"] = {"type": "json_object"}
        started = time.monotonic()
        try:
            response = self._sdk().chat.completions.create(
                model=model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": content},
                ],
                max_tokens=max_tokens,
                timeout=timeout,
                **request,
            )
        except openai.APITimeoutError:
            raise OpenAIUnavailable(
                f"no answer within {round(timeout, 1):g} s", retry=Retry.LATER
            ) from None
        except openai.APIConnectionError:
            raise OpenAIUnavailable(
                f"cannot connect to {shown_url(self.url)}; is the server running?",
                retry=Retry.LATER,
            ) from None
        except openai.APIStatusError as exc:
            raise self._status_error(exc, model, form) from None
        except openai.OpenAIError as exc:  # a reply the SDK could not read
            raise OpenAIUnavailable(
                f"unreadable reply ({type(exc).__name__})", retry=Retry.ASK_AGAIN
            ) from None
        self.last_seconds = time.monotonic() - started
        call = usage_of(response, model, purpose)
        choices = getattr(response, "choices", None) or []
        if not choices:
            raise OpenAIUnavailable("empty reply", call, retry=Retry.ASK_AGAIN)
        finish = str(choices[0].finish_reason or "")
        text = (choices[0].message.content if choices[0].message else None) or ""
        if finish == "content_filter":
            raise OpenAIUnavailable("reply withheld by the server's content filter", call)
        if finish == "length":
            raise OpenAIUnavailable(
                f"cut off at the output limit ({max_tokens} tokens)",
                call,
                retry=Retry.LARGER_LIMIT,
            )
        found = extract_json(text)
        if not found:
            problem = "malformed reply" if text.strip() else "empty reply"
            raise OpenAIUnavailable(problem, call, retry=Retry.ASK_AGAIN)
        try:
            return schema.model_validate_json(found), call
        except ValidationError:
            raise OpenAIUnavailable("malformed reply", call, retry=Retry.ASK_AGAIN) from None

    def _status_error(self, exc: Any, model: str, form: Format) -> OpenAIUnavailable:
        status = int(getattr(exc, "status_code", 0) or 0)
        message = redact(_message(exc))
        if status in (400, 422) and _refuses_format(message, form):
            return OpenAIUnavailable(
                f"response_format refused ({status})", retry=Retry.SIMPLER_FORMAT
            )
        if status == 429:
            headers = getattr(getattr(exc, "response", None), "headers", None)
            return OpenAIUnavailable(
                "rate limited", retry=Retry.LATER, retry_after=_retry_after(headers)
            )
        if status in TRANSIENT_STATUSES or status >= 500:
            return OpenAIUnavailable(str(status), retry=Retry.LATER)
        return OpenAIUnavailable(_status_reason(status, message, model, self._key is not None))

    def list_models(self) -> list[str]:
        """The ids of the models the server offers (``GET /models``), sorted.

        Raises :class:`OpenAIRequestError`, one line saying what is wrong and how to fix it.
        """
        import openai

        where = shown_url(self.url)
        try:
            page = self._sdk().models.list(timeout=min(30.0, option("timeout_seconds")))
            ids = [str(item.id) for item in page]
        except openai.APITimeoutError:
            raise OpenAIRequestError(f"The server at {where} did not answer in time.") from None
        except openai.APIConnectionError:
            raise OpenAIRequestError(
                f"Cannot connect to {where}: start the server, or point mockint at it with "
                f"{BASE_URL_VARIABLE} or [openai] base_url in config.toml."
            ) from None
        except openai.APIStatusError as exc:
            status = int(getattr(exc, "status_code", 0) or 0)
            reason = _status_reason(status, redact(_message(exc)), "", self._key is not None)
            if status == 404:
                reason = (
                    f"{where} has no /models (404); is the base URL right (often it ends in /v1)?"
                )
            raise OpenAIRequestError(f"Could not list the models at {where}: {reason}.") from None
        except openai.OpenAIError as exc:
            raise OpenAIRequestError(
                f"The server at {where} sent a reply that is not a model list "
                f"({type(exc).__name__})."
            ) from None
        return sorted(set(ids))


def usage_of(response: Any, model: str, purpose: str) -> ApiUsage:
    """The tokens and price of one chat completion, from its ``usage`` (``prompt_tokens``,
    ``completion_tokens``; 0 when the server sends none)."""
    found = getattr(response, "usage", None)
    prompt_tokens = int(getattr(found, "prompt_tokens", 0) or 0)
    output_tokens = int(getattr(found, "completion_tokens", 0) or 0)
    return ApiUsage(
        provider="openai",
        model=model,
        purpose=purpose,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        cost_usd=call_cost(model, prompt_tokens, output_tokens),
    )
