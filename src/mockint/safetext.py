"""Showing text that came from a user (answers, packs, model output) without letting it act.

Control characters would drive the terminal (escape sequences move the
cursor, retitle the window, make links); in documents they are noise.
"""

from __future__ import annotations

import re

#: C0 controls except tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str | None) -> str:
    """``text`` with control characters shown as visible escapes (``\\x1b``)."""
    if not text:
        return ""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def one_line(text: str) -> str:
    """``text`` made inert and kept on one line (for error messages that quote it)."""
    return inert(text).replace("\n", "\\n").replace("\t", " ")


def strip_controls(text: str) -> str:
    """``text`` without control characters (for documents)."""
    return CONTROL.sub("", text)
