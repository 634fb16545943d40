"""Vapi's REST API: create a web or phone call, watch it, end it.

Requests go through httpx (imported here, lazily) with bounded retries of 5xx
answers and timeouts (tenacity). Vapi's error bodies
(``{"message": [...] | "...", "error": "...", "statusCode": N}``) become one
line; a 401 names the key to check. No message ever contains a key.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from mockint.config import config_path, load_config
from mockint.enums import WebhookAuth
from mockint.errors import InputFileError, MockintError, UsageError
from mockint.keys import get_key
from mockint.resources import load_toml
from mockint.validation import describe, service_url

BASE_URL_VARIABLE = "MOCKINT_VAPI_BASE_URL"
RETRIED = frozenset({500, 502, 503, 504})
#: Vapi's WebSocket transport as a call is created with it: raw 16-bit little-endian PCM,
#: mono, 16 kHz, both ways (https://docs.vapi.ai/calls/websocket-transport)
SOCKET_TRANSPORT: dict[str, Any] = {
    "provider": "vapi.websocket",
    "audioFormat": {"format": "pcm_s16le", "container": "raw", "sampleRate": 16_000},
}
KEY_VARIABLE = {"vapi-public": "VAPI_PUBLIC_KEY", "vapi-private": "VAPI_PRIVATE_KEY"}


class VapiError(MockintError):
    """Vapi refused a request or could not be reached; the message is one line for the user."""


class VapiSettings(BaseModel):
    """``data/vapi.toml`` with the config file's ``[vapi]`` over it, checked by type; see that
    file for what each setting means. Seconds are seconds; other keys pass through."""

    model_config = ConfigDict(extra="allow", strict=False)

    base_url: str
    poll_seconds: float = Field(gt=0, le=600)
    artifact_wait_seconds: float = Field(ge=0, le=86_400)
    attempts: int = Field(ge=1, le=20)
    request_timeout_seconds: float = Field(gt=0, le=3600)
    extra_minutes: int = Field(ge=0, le=600)
    socket_connect_seconds: float = Field(gt=0, le=300)
    first_audio_seconds: float = Field(gt=0, le=600)
    socket_end_wait_seconds: float = Field(gt=0, le=300)
    webhook_auth: str
    server_url: str
    server_credential_id: str
    server_timeout_seconds: float = Field(gt=0, le=300)
    server_messages: list[str]
    webhook_max_age_seconds: float = Field(gt=0, le=86_400)
    retry_wait_seconds: float = Field(default=1.0, gt=0, le=600)
    failed_ended_reasons: list[str]
    assistant: dict[str, Any]


@cache
def settings() -> dict[str, Any]:
    """The Vapi settings (see :class:`VapiSettings`). Raises
    :class:`~mockint.errors.InputFileError` naming the setting when the config file gives
    one of the wrong type or out of range."""
    data = dict(load_toml("vapi.toml"))
    overrides = load_config().get("vapi", {})
    if not isinstance(overrides, dict):
        raise InputFileError(f"[vapi] in {config_path()} must be a table of settings.")
    for name, value in overrides.items():
        _same_kind(data.get(name), value, name)
        if isinstance(value, dict) and isinstance(data.get(name), dict):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    for name in ("first_message", "end_call_message"):
        _template_fields(str(data["assistant"][name]), f"assistant.{name}")
    try:
        checked = VapiSettings.model_validate(data)
    except ValidationError as exc:
        raise InputFileError(
            f"[vapi] in {config_path()}: {describe(exc)}. Fix it, or remove it to use the default."
        ) from None
    service_url(checked.base_url, "base_url under [vapi]")
    return checked.model_dump()


#: what the assistant's messages may name in braces ({type_label}), see vapi/calls.py
TEMPLATE_FIELDS = frozenset({"type_label", "difficulty_label", "count", "minutes", "questions"})


def _same_kind(default: Any, value: Any, where: str) -> None:
    """InputFileError naming ``where`` when a ``[vapi]`` override is not of its default's
    kind (a table for a table, text for text, a number for a number, a list for a list);
    tables are checked a level down, as they are merged. A setting with no default passes."""
    if default is None:
        return
    kinds = (
        (dict, "a table"),
        (str, "text in quotes"),
        (list, "a list"),
        (bool, "true or false"),
        (int | float, "a number"),
    )
    for kind, said in kinds:
        if isinstance(default, kind):
            wrong = not isinstance(value, kind) or (
                kind is not bool and isinstance(value, bool)  # true is not a number
            )
            if wrong:
                raise InputFileError(
                    f"{where} under [vapi] in {config_path()} must be {said}, not {value!r}. "
                    "Fix it, or remove it to use the default."
                )
            break
    if isinstance(default, dict):
        for name, inner in value.items():
            _same_kind(default.get(name), inner, f"{where}.{name}")


def _template_fields(template: str, where: str) -> None:
    """InputFileError when ``template`` names a field mockint does not fill, gives a field a
    format (``{count:>9999999}`` would build a string of any size) or a conversion, or its
    braces do not pair (``{{`` and ``}}`` write a brace)."""
    try:
        parsed = [
            (field, spec, conversion)
            for _, field, spec, conversion in string.Formatter().parse(template)
            if field is not None
        ]
    except ValueError as exc:
        raise InputFileError(
            f"{where} under [vapi] in {config_path()}: {exc} (write a brace as {{{{ or }}}})."
        ) from None
    if any(spec or conversion for _, spec, conversion in parsed):
        raise InputFileError(
            f"{where} under [vapi] in {config_path()} gives a field a format or a conversion; "
            "write each field bare, as {count}."
        )
    named = {field for field, _, _ in parsed}
    unknown = sorted(named - TEMPLATE_FIELDS)
    if unknown:
        raise InputFileError(
            f"{where} under [vapi] in {config_path()} names {{{unknown[0]}}}, which mockint does "
            f"not fill; it fills {', '.join('{' + f + '}' for f in sorted(TEMPLATE_FIELDS))}."
        )


def require_key(name: str) -> SecretStr:

    found = get_key(name)
    if found is None:
        raise UsageError(
            f"--mode vapi needs the {name} key: store it with `mockint keys set {name}` or set "
            f"{KEY_VARIABLE[name]} (or use --mode text)."
        )
    return found.value


def error_line(status: int, body: Any, key_name: str) -> str:
    """Vapi's error body as one line of text for the user."""
    if status == 401:
        return (
            f"Vapi refused the {key_name} key (401). Check it with `mockint keys list`, store it "
            f"again with `mockint keys set {key_name}` or set {KEY_VARIABLE[key_name]}."
        )
    detail = ""
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, list):
            detail = "; ".join(str(m) for m in message)
        elif message:
            detail = str(message)
        elif body.get("error"):
            detail = str(body["error"])
    detail = " ".join(detail.split())[:400]
    return f"Vapi answered {status}" + (f": {detail}" if detail else "") + "."


class VapiClient:
    def __init__(self, keys: dict[str, SecretStr]) -> None:
        self._keys = keys
        s = settings()
        override = os.environ.get(BASE_URL_VARIABLE, "").strip()
        self.base_url = service_url(
            override or s["base_url"], BASE_URL_VARIABLE if override else "base_url"
        )
        self.attempts = int(s["attempts"])
        self.timeout = float(s["request_timeout_seconds"])
        self.retry_wait = float(s.get("retry_wait_seconds", 1.0))

    def key(self, name: str) -> SecretStr:
        """The key ``name`` this client holds (UsageError when it holds none)."""
        key = self._keys.get(name)
        if key is None:
            raise UsageError(f"The {name} key is needed for this Vapi request.")
        return key

    def __repr__(self) -> str:  # never show a key
        return f"VapiClient({self.base_url!r})"

    def request(
        self, method: str, path: str, key_name: str, body: dict[str, Any] | None = None
    ) -> Any:
        """One API request with bounded retries; the decoded JSON reply."""
        import httpx
        from tenacity import (
            retry,
            retry_if_exception,
            stop_after_attempt,
            wait_exponential,
        )

        class Retryable(Exception):
            def __init__(self, status: int | None, reason: str) -> None:
                super().__init__(reason)
                self.status, self.reason = status, reason

        key = self.key(key_name)

        @retry(
            retry=retry_if_exception(lambda e: isinstance(e, Retryable)),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.retry_wait, max=8 * self.retry_wait),
            reraise=True,
        )
        def once() -> Any:
            try:
                with httpx.Client(timeout=self.timeout) as client:
                    response = client.request(
                        method,
                        self.base_url + path,
                        json=body,
                        headers={"Authorization": f"Bearer {key.get_secret_value()}"},
                    )
            except httpx.TimeoutException:
                raise Retryable(None, "timed out") from None
            except httpx.TransportError as exc:
                raise Retryable(None, f"cannot connect ({type(exc).__name__})") from None
            if response.status_code in RETRIED:
                raise Retryable(response.status_code, f"{response.status_code}")
            try:
                data = response.json() if response.content else None
            except ValueError:
                data = None
            if response.status_code >= 400:
                raise VapiError(error_line(response.status_code, data, key_name))
            return data

        try:
            return once()
        except Retryable as exc:
            raise VapiError(
                f"Vapi is unavailable ({exc.reason}, after {self.attempts} tries) at "
                f"{self.base_url}. Try again "
                "later, or practise with --mode text."
            ) from None

    def _call(
        self, method: str, path: str, key_name: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        reply = self.request(method, path, key_name, body)
        if not isinstance(reply, dict) or not reply.get("id"):
            raise VapiError(f"Vapi's answer to {method} {path} is not a call. Try again later.")
        return reply

    def create_web_call(self, assistant: dict[str, Any]) -> dict[str, Any]:
        # the room stays open if the browser tab reloads, so the user can join again
        body = {"assistant": assistant, "roomDeleteOnUserLeaveEnabled": False}
        return self._call("POST", "/call/web", "vapi-public", body)

    def create_socket_call(self, assistant: dict[str, Any]) -> dict[str, Any]:
        """A call whose audio mockint streams itself over Vapi's WebSocket transport
        (``POST /call`` with the private key; raw 16-bit PCM, 16 kHz, both ways). The
        reply's ``transport.websocketCallUrl`` is where to connect."""
        body = {"assistant": assistant, "transport": SOCKET_TRANSPORT}
        return self._call("POST", "/call", "vapi-private", body)

    def create_phone_call(
        self, assistant: dict[str, Any], phone_number_id: str, number: str
    ) -> dict[str, Any]:
        body = {
            "assistant": assistant,
            "phoneNumberId": phone_number_id,
            "customer": {"number": number},
        }
        return self._call("POST", "/call", "vapi-private", body)

    def get_call(self, call_id: str) -> dict[str, Any]:
        return self._call("GET", f"/call/{call_id}", "vapi-private")

    def end_call(self, call: dict[str, Any]) -> bool:
        """Ask Vapi to end a live call through its control URL; False when it has none."""
        import httpx

        control = (call.get("monitor") or {}).get("controlUrl")
        if not control:
            return False
        try:
            with httpx.Client(timeout=self.timeout) as client:
                response = client.post(str(control), json={"type": "end-call"})
        except httpx.HTTPError:
            return False
        return response.status_code < 400


def check_auth(settings: Mapping[str, Any]) -> WebhookAuth:
    """``webhook_auth`` from the ``[vapi]`` settings, checked against what Vapi will send.

    Vapi sends ``X-Vapi-Secret`` when the assistant's server names no credential, and
    authenticates with the credential (bearer or HMAC) when ``server_credential_id`` names
    one. Raises UsageError (one line, how to fix it) for an unknown mode, ``bearer`` or
    ``hmac`` without a credential, and ``secret`` with one: each would refuse every request.
    """
    raw = str(settings.get("webhook_auth") or "secret").strip().lower()
    where = f"under [vapi] in {config_path()}"
    try:
        mode = WebhookAuth(raw)
    except ValueError:
        raise UsageError(
            f'webhook_auth = "{raw}" {where} is not one of: '
            f"{', '.join(m.value for m in WebhookAuth)}."
        ) from None
    credential = str(settings.get("server_credential_id") or "").strip()
    if mode is WebhookAuth.SECRET and credential:
        raise UsageError(
            f"server_credential_id is set {where}, so Vapi authenticates with that credential "
            'and sends no X-Vapi-Secret: set webhook_auth = "bearer" or "hmac" (the '
            "credential's type), or remove server_credential_id."
        )
    if mode is not WebhookAuth.SECRET and not credential:
        kind = "bearer" if mode is WebhookAuth.BEARER else "HMAC (sha256, hex)"
        raise UsageError(
            f'webhook_auth = "{mode}" needs server_credential_id {where}: the id of a {kind} '
            "credential made in Vapi's dashboard with the secret from `mockint keys set "
            'vapi-webhook` (without one Vapi sends X-Vapi-Secret); or set webhook_auth = "secret".'
        )
    return mode
