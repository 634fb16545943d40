"""Command-line interface: parses options, calls the library, renders results."""

from __future__ import annotations


def main() -> None:
    from mockint.cli.app import app

    app()
