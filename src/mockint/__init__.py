"""mockint: practise technical interviews from your terminal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mockint")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
