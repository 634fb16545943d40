"""``mockint webhook serve``: receive Vapi's end-of-call reports (behind your own tunnel)."""

from __future__ import annotations

from typing import Annotated

import typer

from mockint.cli import console, options
from mockint.cli.errors import Command, Group, handled
from mockint.enums import Provider
from mockint.keys import get_key
from mockint.vapi.client import settings
from mockint.vapi.webhook import WebhookConfig
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
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on (0: any).")
    ] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    provider: options.ProviderOption = Provider.AUTO,
) -> None:
    """Serve the webhook until Ctrl-C. Requests must carry the secret set with
    `mockint keys set vapi-webhook` as `webhook_auth` under [vapi] in config.toml says:
    `secret` (X-Vapi-Secret header), `bearer` (Authorization: Bearer) or `hmac` (a
    signature); the last two need `server_credential_id`. Reports are acknowledged at
    once and graded in the background.

    Example:

    - `mockint webhook serve --port 8765`
    """

    secret = get_key("vapi-webhook")
    config = WebhookConfig.from_settings(
        settings(), secret.value.get_secret_value() if secret else ""
    )
    run(config, host=host, port=port, provider=provider, log=console.log_line)


app.command("serve", cls=Command)(handled(serve))
