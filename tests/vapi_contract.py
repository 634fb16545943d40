"""Vapi's wire format as the official SDK types it (vapi-server-sdk 3).

The SDK's models accept fields they do not define (pydantic ``extra="allow"``, so that a
newer API does not break an older SDK). A contract test must refuse them instead:
:func:`unknown_fields` validates data with an SDK model and lists every field, at any
depth, that the model does not define. Requests mockint sends must have none (but the
documented fields in :data:`DOCUMENTED_NOT_IN_SDK`); replies the local server sends are
built through the SDK's response models the same way.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Collection
from functools import cache
from typing import Any

import pydantic
from pydantic import BaseModel

#: In Vapi's API reference but missing from the SDK's models: kept, and exempted by exact
#: path. The assistant's ``silenceTimeoutSeconds`` (documented, absent from
#: ``CreateAssistantDto``); a web call's ``webCallUrl`` (returned by ``POST /call/web``
#: and what @vapi-ai/web joins, absent from ``Call``); a WebSocket call's
#: ``transport.websocketCallUrl`` (in the sample reply of Vapi's WebSocket transport
#: docs, the address the client connects to; ``CallTransport`` has only ``provider``,
#: ``conversationType`` and ``audioFormat``).
DOCUMENTED_NOT_IN_SDK = {
    "assistant": {"silenceTimeoutSeconds"},
    "call": {"assistant.silenceTimeoutSeconds"},
    "call-object": {"webCallUrl", "transport.websocketCallUrl"},
}


def unknown_fields(value: Any, path: str = "") -> list[str]:
    """The paths (``assistant.model.foo``, ``messages[2].bar``) of fields in a validated
    SDK model that its classes do not define."""
    found: list[str] = []
    if isinstance(value, BaseModel):
        for key in value.model_extra or {}:
            found.append(f"{path}.{key}" if path else key)
        for name, info in type(value).model_fields.items():
            alias = info.alias or name
            found += unknown_fields(getattr(value, name), f"{path}.{alias}" if path else alias)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += unknown_fields(item, f"{path}[{index}]")
    return found


def checked(model: type[BaseModel], data: dict[str, Any], exempt: Collection[str] = ()) -> Any:
    """``data`` validated by the SDK's ``model``; AssertionError naming every field the
    SDK does not define (but ``exempt`` ones), pydantic's ValidationError for a field
    of the wrong type or value."""
    parsed = model.model_validate(data)
    unknown = [path for path in unknown_fields(parsed) if path not in exempt]
    assert not unknown, f"not in vapi-server-sdk's {model.__name__}: {', '.join(unknown)}"
    return parsed


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@cache
def create_call_dto() -> type[BaseModel]:
    """``POST /call``'s body as a model: the SDK has no class for it, only the
    parameters of ``calls.create`` (each sent under its camelCase name)."""
    from vapi.calls.raw_client import RawCallsClient

    hints = typing.get_type_hints(RawCallsClient.create)
    fields: dict[str, Any] = {
        name: (hints[name], pydantic.Field(default=None, alias=_camel(name)))
        for name in inspect.signature(RawCallsClient.create).parameters
        if name not in ("self", "request_options")
    }
    return pydantic.create_model(  # type: ignore[call-overload,no-any-return]
        "CreateCallDto", __config__=pydantic.ConfigDict(extra="allow"), **fields
    )


def check_assistant(body: dict[str, Any]) -> Any:
    from vapi.types import CreateAssistantDto

    return checked(CreateAssistantDto, body, DOCUMENTED_NOT_IN_SDK["assistant"])


def check_web_call(body: dict[str, Any]) -> Any:
    from vapi.types import CreateWebCallDto

    return checked(CreateWebCallDto, body, DOCUMENTED_NOT_IN_SDK["call"])


def check_phone_call(body: dict[str, Any]) -> Any:
    return checked(create_call_dto(), body, DOCUMENTED_NOT_IN_SDK["call"])


def sdk_dump(
    model: type[BaseModel], data: dict[str, Any], exempt: Collection[str] = ()
) -> dict[str, Any]:
    """``data`` as the SDK's ``model`` has it, as JSON (what Vapi would send)."""
    parsed = checked(model, data, exempt)
    return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)  # type: ignore[no-any-return]


def call_object(data: dict[str, Any]) -> dict[str, Any]:
    """A call object (``GET /call/{id}``, ``POST /call/web``) built through ``Call``."""
    from vapi.types import Call

    return sdk_dump(Call, data, DOCUMENTED_NOT_IN_SDK["call-object"])


def server_message(data: dict[str, Any]) -> dict[str, Any]:
    """A server message (``{"message": {...}}``) built through the SDK's model of its
    type: ``end-of-call-report`` or ``status-update``."""
    from vapi.types import ServerMessageEndOfCallReport, ServerMessageStatusUpdate

    model = {
        "end-of-call-report": ServerMessageEndOfCallReport,
        "status-update": ServerMessageStatusUpdate,
    }[data["type"]]
    return {"message": sdk_dump(model, data)}


def client_message(data: dict[str, Any]) -> dict[str, Any]:
    """A message Vapi sends the call's own client (a WebSocket transport's text frames),
    unwrapped (``{"type": "transcript", ...}``), built through the SDK's model of its type.

    The SDK has no client model for ``status-update`` although the assistant's
    ``clientMessages`` lists it: the server message's model (the same fields) stands in.
    """
    from vapi.types import (
        ClientMessageConversationUpdate,
        ClientMessageSpeechUpdate,
        ClientMessageTranscript,
        ServerMessageStatusUpdate,
    )

    models: dict[str, type[BaseModel]] = {
        "conversation-update": ClientMessageConversationUpdate,
        "speech-update": ClientMessageSpeechUpdate,
        "status-update": ServerMessageStatusUpdate,
        "transcript": ClientMessageTranscript,
    }
    return sdk_dump(models[data["type"]], data)
