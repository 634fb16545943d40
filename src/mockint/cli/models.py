"""``mockint models``: the models the configured OpenAI-compatible server offers."""

from __future__ import annotations

from mockint.cli import console, options
from mockint.cli.errors import command_app
from mockint.openai_compat.catalog import list_models


def models(model: options.ModelOption = None, json: options.JsonOption = False) -> None:
    """List the models the configured OpenAI-compatible server offers, marking the configured one.

    The server is MOCKINT_OPENAI_BASE_URL, else `[openai] base_url` in config.toml, else
    Ollama's `http://localhost:11434/v1`.

    Examples:

    - `mockint models`
    - `MOCKINT_OPENAI_BASE_URL=http://localhost:1234/v1 mockint models --json`
    """
    with console.waiting("Asking the server for its models…"):
        listing = list_models(model)
    if json:
        console.print_json(listing.dump())
        return
    for offered in listing.models:
        console.print_text(f"{offered.id}  (configured)" if offered.configured else offered.id)
    if not listing.models:
        console.note(f"{listing.base_url} offers no models.")
    if not listing.configured_available:
        console.warn(
            f"{listing.model} is not among these models: choose one with --model, "
            "MOCKINT_OPENAI_MODEL or [openai] model in config.toml (for Ollama, `ollama pull "
            f"{listing.model}` fetches it)."
        )
    else:
        console.note(f"Server: {listing.base_url}")


app = command_app("models", models)
