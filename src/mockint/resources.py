"""Loading of the package's data files (question bank, prices, lexicons)."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse ``mockint/data/<name>`` once per process."""
    text = resources.files("mockint").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


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
