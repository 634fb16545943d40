"""mockint: practise technical interviews from your terminal."""

__version__ = "0.1.0"

__all__ = ["__version__"]
