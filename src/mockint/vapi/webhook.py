"""Receiving Vapi's server messages: ``end-of-call-report`` and ``status-update``.

Every request is authenticated first (a shared secret header, or an HMAC
signature over the timestamp and body), with constant-time comparison; a
request that fails gets 401 and changes nothing. Reports are idempotent per
call id: a repeated delivery is acknowledged and ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from mockint.enums import Provider
from mockint.errors import MockintError, UsageError
from mockint.interview.session import Interview
from mockint.storage.calls import session_of_call, set_call_status
from mockint.storage.reports import get_report
from mockint.vapi.calls import collect_into

MAX_BODY = 5 * 2**20
AUTH_MODES = ("secret", "hmac")


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


def authentic(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    mode: str,
    *,
    max_age: float = 300,
    now: Callable[[], float] = time.time,
) -> bool:
    """Whether a request carries the shared secret (or a valid, fresh HMAC signature)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if mode == "secret":
        given = lower.get("x-vapi-secret", "")
        return hmac.compare_digest(given.encode(), secret.encode())
    if mode == "hmac":
        stamp, signature = lower.get("x-timestamp", ""), lower.get("x-signature", "")
        try:
            age = abs(now() - float(stamp) / 1000)
        except ValueError:
            return False
        if age > max_age:
            return False
        expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest(signature.lower().encode(), expected.hexdigest().encode())
    raise UsageError(f"Unknown webhook_auth {mode!r}; use one of: {', '.join(AUTH_MODES)}.")


def handle(db: Database, payload: Any, provider: Provider = Provider.AUTO) -> Reply:
    """Apply one server message; an end-of-call report is collected and graded (``provider``)."""

    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("call"), dict):
        return Reply(400, {"error": "expected {message: {type, call}}"})
    kind, call = message.get("type"), message["call"]
    session_id = session_of_call(db, str(call.get("id")))
    if session_id is None:
        return Reply(404, {"error": "no session has this call"})
    if kind == "status-update":
        set_call_status(db, str(call["id"]), message.get("status"))
        return Reply(200, {"ok": True})
    if kind != "end-of-call-report":
        return Reply(200, {"ok": True, "ignored": kind})
    if get_report(db, session_id) is not None:
        return Reply(200, {"ok": True, "duplicate": True})
    artifact = message.get("artifact") or call.get("artifact") or {}
    if not (isinstance(artifact, dict) and artifact.get("messages")):
        # like the CLI watcher, never grade a call before its transcript is there
        return Reply(
            202, {"ok": True, "waiting": "no transcript yet; fetch it with mockint complete"}
        )
    ended = {
        **call,
        "status": "ended",
        "endedReason": message.get("endedReason", call.get("endedReason")),
        "artifact": artifact,
        "cost": message.get("cost", call.get("cost")),
        "costBreakdown": message.get("costBreakdown", call.get("costBreakdown")),
    }
    try:
        interview = Interview.open(db, session_id)
        collect_into(interview, ended)
        report = interview.finish(provider)
    except MockintError as exc:
        return Reply(500, {"error": exc.message})
    return Reply(
        200,
        {
            "ok": True,
            "sessionId": session_id,
            "score": report.overall_score,
            "grader": report.grader,
        },
    )


def serve(
    db: Database,
    *,
    host: str,
    port: int,
    secret: str,
    mode: str,
    max_age: float,
    provider: Provider = Provider.AUTO,
    log: Callable[[str], None],
) -> None:
    """Serve until interrupted, on one database connection (the caller's, which it
    closes): requests are handled one at a time, in order (SQLite writes)."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    authentic({}, b"", secret, mode)  # an unknown mode fails now, not per request

    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a client that stalls is dropped, not waited for

        def _reply(self, reply: Reply) -> None:
            data = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            try:
                self._reply(self._handle())
            except Exception as exc:  # never a traceback, never a dropped reply
                log(f"error handling a request: {type(exc).__name__}")
                self._reply(Reply(500, {"error": "internal error"}))

        def _handle(self) -> Reply:
            raw = self.headers.get("Content-Length") or "0"
            if not raw.isdigit() or int(raw) > MAX_BODY:
                return Reply(413 if raw.isdigit() else 400, {"error": "bad Content-Length"})
            body = self.rfile.read(int(raw))
            if not authentic(dict(self.headers), body, secret, mode, max_age=max_age):
                log(f"refused an unauthenticated request from {self.client_address[0]}")
                return Reply(401, {"error": "unauthenticated"})
            try:
                payload = json.loads(body)
            except ValueError:
                return Reply(400, {"error": "not JSON"})
            reply = handle(db, payload, provider)
            message = payload.get("message") if isinstance(payload, dict) else None
            kind = message.get("type") if isinstance(message, dict) else None
            graded = (
                f": session {reply.body['sessionId']} scored {reply.body['score']}"
                if "score" in reply.body
                else ""
            )
            log(f"{reply.status} {kind if isinstance(kind, str) else '?'}{graded}")
            return reply

        def log_message(self, *args: object) -> None:
            pass

    try:
        server = HTTPServer((host, port), Handler)
    except OSError as exc:
        raise MockintError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Choose another --port or --host."
        ) from None
    log(f"listening on http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    finally:
        server.server_close()
