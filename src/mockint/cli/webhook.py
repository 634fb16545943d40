"""``mockint webhook serve``: receive Vapi's end-of-call reports (behind your own tunnel)."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import console, options
from mockint.cli.errors import Command, Group, handled
from mockint.enums import Provider
from mockint.errors import UsageError
from mockint.keys import get_key
from mockint.storage.connection import connect
from mockint.vapi.client import settings
from mockint.vapi.webhook import serve as run

app = typer.Typer(
    cls=Group,
    rich_markup_mode="markdown",
    add_completion=False,
    no_args_is_help=True,
    help="Receive Vapi server messages and grade calls as they end.",
)


@app.callback()
def webhook() -> None:
    # a callback keeps ``webhook`` a group, so ``serve`` stays a subcommand
    pass


def serve(
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on.")
    ] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    provider: options.ProviderOption = Provider.AUTO,
) -> None:
    """Serve the webhook until Ctrl-C. Requests must carry the secret set with
    `mockint keys set vapi-webhook` (X-Vapi-Secret header, or an HMAC signature when
    `webhook_auth = "hmac"` is configured under [vapi] in config.toml).

    Example:

    - `mockint webhook serve --port 8765`
    """

    secret = get_key("vapi-webhook")
    if secret is None:
        raise UsageError(
            "The webhook needs a shared secret: `mockint keys set vapi-webhook` or set "
            "VAPI_WEBHOOK_SECRET, and give the same secret to Vapi."
        )

    with connect() as db:
        run(
            db,
            host=host,
            port=port,
            secret=secret.value.get_secret_value(),
            mode=str(settings()["webhook_auth"]),
            max_age=float(settings()["webhook_max_age_seconds"]),
            provider=provider,
            log=console.note,
        )


app.command("serve", cls=Command)(handled(serve))
