"""``mockint keys``: store, list and remove API keys (never shown, never logged)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mockint import keys as key_store
from mockint.cli import console, options
from mockint.cli.errors import Command, Group, handled
from mockint.errors import UsageError
from mockint.openai_compat.client import configured_server

app = typer.Typer(
    cls=Group,
    rich_markup_mode="markdown",
    add_completion=False,
    no_args_is_help=True,
    help="Store API keys in a file only you can read (mode 0600), list or remove them.",
)

NameArgument = Annotated[
    str,
    typer.Argument(
        help="gemini, openai, vapi-public, vapi-private or vapi-webhook (the secret Vapi sends "
        "to mockint webhook serve)."
    ),
]


def set_key(name: NameArgument) -> None:
    """Store a key: typed at a hidden prompt, or read from stdin when piped.

    Examples:

    - `mockint keys set gemini`
    - `pass show gemini | mockint keys set gemini`
    """
    key_store.check_name(name)
    if sys.stdin.isatty():
        try:
            value = console.err.input(f"Paste your {name} key (hidden): ", password=True)
        except EOFError:
            raise UsageError("No key given; nothing was stored.") from None
    else:
        value = sys.stdin.readline()
        if not value.strip():
            raise UsageError("No key on stdin. Pipe it in, or run this in a terminal to be asked.")
    key_store.set_key(name, value)
    console.note(f"Stored the {name} key in {key_store.key_file()} (readable only by you).")


def list_keys(json: options.JsonOption = False) -> None:
    """Show which keys are set and where each comes from (the keys themselves are never shown).

    Example:

    - `mockint keys list`
    """

    sources = key_store.key_sources()
    if json:
        console.print_json(
            {name: {"set": bool(src), "source": src} for name, src in sources.items()}
        )
        return
    for name, source in sources.items():
        state = f"set ({source})" if source else "not set"
        if name == "openai":
            if not source:
                state += " (optional: local servers need none)"
            server = configured_server()
            state += f"; server {server['baseUrl'] or server['error']}"
        console.print_text(f"{name:13s} {state}")


def remove_key(name: NameArgument) -> None:
    """Remove a stored key (environment variables are left alone).

    Example:

    - `mockint keys remove gemini`
    """
    if key_store.remove_key(name):
        console.note(f"Removed the stored {name} key.")
    else:
        console.note(f"No stored {name} key.")


for command_name, func in (("set", set_key), ("list", list_keys), ("remove", remove_key)):
    app.command(command_name, cls=Command)(handled(func))
