"""The base of models that leave the library as JSON (camelCase keys, the product spec's
shapes); ``dump()`` gives that JSON-ready dict."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """A model whose JSON form uses camelCase keys."""

    # built on first use, not at import: a command pays only for the models it uses
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
