"""What the configured OpenAI-compatible server offers: ``mockint models``."""

from __future__ import annotations

from mockint.models.base import ApiModel
from mockint.openai_compat.client import OpenAIClient, default_model, shown_url


class OfferedModel(ApiModel):
    id: str
    #: the model mockint will use (``--model``, MOCKINT_OPENAI_MODEL, the config, the default)
    configured: bool


class ModelListing(ApiModel):
    base_url: str
    model: str
    models: list[OfferedModel]
    #: whether the configured model is among them
    configured_available: bool


def list_models(model: str | None = None, client: OpenAIClient | None = None) -> ModelListing:
    """The models the server offers (``GET /models``), the configured one marked. Raises
    :class:`~mockint.openai_compat.client.OpenAIRequestError` (one line) when it cannot."""
    client = client or OpenAIClient.configured()
    chosen = default_model("questions", model)
    ids = client.list_models()
    return ModelListing(
        base_url=shown_url(client.url),
        model=chosen,
        models=[OfferedModel(id=i, configured=i == chosen) for i in ids],
        configured_available=chosen in ids,
    )
