"""Showing text that came from a user (answers, packs, model output) without letting it act.

Control characters would drive the terminal (escape sequences move the
cursor, retitle the window, make links); in documents they are noise.
"""

from __future__ import annotations

import re

#: C0 controls except tab and newline, DEL, the C1 controls (0x9b is a one-byte CSI), and
#: the bidirectional formatting characters (Unicode's Bidi_Control: U+061C, U+200E-U+200F,
#: U+202A-U+202E, U+2066-U+2069), which reorder what a terminal or a page shows ("Trojan
#: Source", CVE-2021-42574)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str | None) -> str:
    """``text`` with control characters shown as visible escapes (``\\x1b``, ``\\u202e``)."""
    if not text:
        return ""
    return CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` made inert and kept on one line (for error messages that quote it)."""
    return inert(text).replace("\n", "\\n").replace("\t", " ")


def strip_controls(text: str) -> str:
    """``text`` without control characters (for documents)."""
    return CONTROL.sub("", text)


REDACTED = "[redacted]"

# Credentials as services echo them back in error text: a header with its value, a bearer
# token, a key in a query string, a Google API key (``AIza`` and 35 more characters).
# A credential-like value: with a digit (keys, UUIDs, JWTs) or long; an English word after
# a header name ("X-Vapi-Secret: set", "a bearer credential") is prose, not a secret.
_VALUE = r"[^\s\"',;&}]"
_TOKEN = r"[A-Za-z0-9._~+/=-]"
_SECRET_PATTERNS = (
    re.compile(
        r"(?i)\b(authorization|proxy-authorization|x-goog-api-key|x-vapi-secret|x-api-key|"
        r"api[-_]?key|client[-_]?secret|access[-_]?token)(\"?\s*[:=]\s*\"?)"
        rf"(?:bearer\s+|basic\s+)?(?:(?={_VALUE}*\d){_VALUE}+|{_VALUE}{{20,}})"
    ),
    re.compile(rf"(?i)\b(bearer|basic)(\s+)(?:(?={_TOKEN}*\d){_TOKEN}{{8,}}|{_TOKEN}{{20,}})"),
    re.compile(r"(?i)([?&](?:key|api_key|apikey|token|access_token)=)()[^&#\s\"']+"),
    re.compile(r"()()AIza[0-9A-Za-z_-]{30,}"),
    re.compile(r"()()(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{40,})"),  # GitHub tokens
)


#: key values this process has read (``remember_secret``): removed by every ``redact``
_REMEMBERED: set[str] = set()


def remember_secret(value: str) -> None:
    """Remember a key value in use, so that every later ``redact`` removes it wherever it
    appears: an error a service echoes it in is stored (a session's source, a report's
    grader and notes) as well as shown. Values under 8 characters are not keys."""
    if len(value) >= 8:
        _REMEMBERED.add(value)


def redact(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """``text`` with anything that looks like a credential replaced by ``[redacted]``.

    ``secrets`` are known values (the configured keys), removed wherever they appear, as are
    the values ``remember_secret`` was given; patterns catch what a service echoes back:
    ``Authorization: Bearer ...``, ``x-goog-api-key: ...``, ``X-Vapi-Secret: ...``,
    ``?key=...`` and Google API keys.
    """
    for secret in sorted({*secrets, *_REMEMBERED}, key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return text


_JSON_CONTROLS = re.compile(r"[\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_inert(encoded: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL, the C1 controls,
    the line separators and the bidirectional formatting characters escaped as
    ``\\uXXXX``, which JSON leaves raw: the same data,
    but nothing in it drives a terminal (0x9b is a one-byte CSI). JSON's own syntax is ASCII,
    so these characters only ever occur inside strings."""
    return _JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encoded)
