"""Command-line interface: parses options, calls the library, renders results.

The application and its entry point are in :mod:`mockint.cli.app`.
"""
