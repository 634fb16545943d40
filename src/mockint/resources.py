"""The one reader of the package's data files (``mockint/data``: question bank, prices,
lexicons, prompts, templates, the embedding model)."""

from __future__ import annotations

import contextlib
import json
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse ``mockint/data/<name>`` once per process."""
    text = resources.files("mockint").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def load_text(name: str) -> str:
    """``mockint/data/<name>`` as text (a prompt, a template), read once per process."""
    return resources.files("mockint").joinpath("data", name).read_text(encoding="utf-8")


@contextlib.contextmanager
def data_directory(name: str) -> Iterator[Path]:
    """A path on disk to the folder ``mockint/data/<name>`` for the length of the block
    (for libraries that open files by name; an install from a zip is extracted for it)."""
    with resources.as_file(resources.files("mockint").joinpath("data", name)) as path:
        yield Path(path)


@cache
def load_json(name: str) -> Any:
    """Parse ``mockint/data/<name>`` (JSON) once per process."""
    text = resources.files("mockint").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def load_bytes(name: str) -> bytes:
    """The bytes of ``mockint/data/<name>`` (a binary file such as a NumPy archive)."""
    return resources.files("mockint").joinpath("data", name).read_bytes()


def data_names(folder: str) -> list[str]:
    root = resources.files("mockint").joinpath("data", folder)
    return sorted(entry.name for entry in root.iterdir() if entry.name.endswith(".toml"))
