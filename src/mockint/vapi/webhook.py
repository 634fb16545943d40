"""Receiving Vapi's server messages: ``end-of-call-report`` and ``status-update``.

Every request is authenticated first, the way ``webhook_auth`` says Vapi sends it (the
shared secret in ``X-Vapi-Secret``, ``Authorization: Bearer <secret>``, or an HMAC
signature over the timestamp and body), with constant-time comparison; a request that
fails gets 401 and changes nothing.

Vapi waits 20 s for an answer by default and does not retry, and grading can take
longer, so an end-of-call report is stored as a pending job (``storage.webhook_jobs``)
and acknowledged with 200 at once; one background thread then collects the call's
transcript and grades it. Pending jobs survive a stopped server and are graded when it
starts again. Reports are idempotent per call id: a repeated delivery is acknowledged
and ignored.

Threads and connections: requests are served on their own threads (at most
``max_connections`` open at a time, each whole request within ``request_seconds``), and
share one SQLite connection opened with ``check_same_thread=False`` and used under a lock,
for the few milliseconds each request needs it. The grading thread has its own
connection, opened in that thread (``connect_again``: never a plain handle on the file,
which would drop the process's SQLite locks), so a slow grading never holds a request.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import re
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from mockint.config import config_path
from mockint.enums import JobState, Provider, WebhookAuth
from mockint.errors import MockintError, UsageError
from mockint.grading.base import Grader
from mockint.interview.session import Interview
from mockint.models.webhook import WebhookJob
from mockint.paths import database_path
from mockint.storage.calls import session_of_call, set_call_status
from mockint.storage.connection import connect_again, open_db
from mockint.storage.reports import get_report
from mockint.storage.webhook_jobs import (
    finish_job,
    next_pending_job,
    pending_count,
    queue_report,
)
from mockint.vapi.calls import CallFailed, collect_into
from mockint.vapi.client import check_auth

MAX_BODY = 5 * 2**20
#: a job tried this many times (the server stopped or broke while grading it) is given up
MAX_ATTEMPTS = 3
#: seconds the server waits for the grading thread to finish its job when it stops
STOP_WAIT_SECONDS = 3.0
#: seconds allowed to write a reply
WRITE_SECONDS = 10.0
# a decimal number of seconds or milliseconds since the epoch, ASCII digits only
_TIMESTAMP = re.compile(r"[0-9]{1,17}(?:\.[0-9]{1,9})?")
# 10**11 seconds is in the year 5138 and 10**11 milliseconds in 1973: the larger is ms
_MILLISECONDS_FROM = 1e11

Log = Callable[[str], None]


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class WebhookConfig:
    """How ``mockint webhook serve`` authenticates and bounds requests.

    ``mode`` and ``secret``: what each request must carry (see ``authentic``);
    ``max_age_seconds``: how old an HMAC timestamp may be, either way; ``max_connections``:
    connections served at once (more get 503 at once); ``request_seconds``: time allowed to
    send a whole request (request line, headers and body) before the connection is dropped.
    """

    mode: WebhookAuth
    secret: str = field(repr=False)
    max_age_seconds: float = 300.0
    max_connections: int = 16
    request_seconds: float = 10.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], secret: str) -> WebhookConfig:
        """The configuration from the ``[vapi]`` settings (``vapi.client.settings()``).

        Raises UsageError, one line saying how to fix it, when ``webhook_auth`` does not
        match what Vapi will send (see ``check_auth``) or a limit is not a positive number.
        """
        mode = check_auth(settings)
        if not secret:
            raise UsageError(
                "The webhook needs a shared secret: `mockint keys set vapi-webhook` or set "
                "VAPI_WEBHOOK_SECRET, and give the same secret to Vapi."
            )
        return cls(
            mode=mode,
            secret=secret,
            max_age_seconds=_positive(settings, "webhook_max_age_seconds", 300.0),
            max_connections=int(_positive(settings, "webhook_max_connections", 16)),
            request_seconds=_positive(settings, "webhook_request_seconds", 10.0),
        )


def _positive(settings: Mapping[str, Any], name: str, default: float) -> float:
    value = settings.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise UsageError(
            f"{name} under [vapi] in {config_path()} must be a positive number of "
            f"{'connections' if 'connections' in name else 'seconds'} (the default is "
            f"{default:g})."
        )
    return float(value)


def hmac_timestamp(value: str) -> float | None:
    """The moment an ``x-timestamp`` header names, in seconds since the epoch.

    The header may give seconds or milliseconds (a value of 10**11 or more is
    milliseconds), with an optional decimal fraction. None when it is anything else:
    blank, negative, an exponent, ``nan``, ``inf``.
    """
    text = value.strip()
    if not _TIMESTAMP.fullmatch(text):
        return None
    number = float(text)
    if not math.isfinite(number):
        return None
    return number / 1000 if number >= _MILLISECONDS_FROM else number


def authentic(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    mode: WebhookAuth | str,
    *,
    max_age: float = 300,
    now: Callable[[], float] = time.time,
) -> bool:
    """Whether a request carries ``secret`` the way ``mode`` says (header names in any case).

    ``secret``: ``X-Vapi-Secret: <secret>``. ``bearer``: ``Authorization: Bearer <secret>``.
    ``hmac`` (Vapi's default HMAC settings only): ``x-signature`` is the hex HMAC-SHA256,
    keyed with the secret, of ``{timestamp}.{body}``, where ``{timestamp}`` is the
    ``x-timestamp`` header as sent; that timestamp (seconds or milliseconds since the
    epoch, see ``hmac_timestamp``) must be within ``max_age`` seconds of ``now()``
    (seconds). Comparisons take constant time. Raises UsageError for an unknown mode.
    """
    try:
        mode = WebhookAuth(mode)
    except ValueError:
        raise UsageError(
            f"Unknown webhook_auth {mode!r}; use one of: {', '.join(m.value for m in WebhookAuth)}."
        ) from None
    if not secret:
        return False
    lower = {k.lower(): v for k, v in headers.items()}
    if mode is WebhookAuth.SECRET:
        return _same(lower.get("x-vapi-secret", ""), secret)
    if mode is WebhookAuth.BEARER:
        scheme, _, token = lower.get("authorization", "").strip().partition(" ")
        return _same(token.strip(), secret) and scheme.lower() == "bearer"
    stamp, signature = lower.get("x-timestamp", ""), lower.get("x-signature", "")
    sent = hmac_timestamp(stamp)
    if sent is None or not abs(now() - sent) <= max_age:
        return False
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return _same(signature.strip().lower(), expected.hexdigest())


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def handle(db: Database, payload: Any) -> Reply:
    """Apply one authenticated server message (``{"message": {"type", "call": {"id"}, ...}}``).

    A ``status-update`` is stored at once. An ``end-of-call-report`` with its transcript
    (``artifact.messages``) is stored as a pending job and acknowledged (200 with ``job``
    and ``sessionId``); it is graded later by ``grade_job``. A report without a transcript
    gets 202 and is left for ``mockint complete``; a repeated report, 200 with
    ``duplicate``. 400 for another shape, 404 for a call no session has.
    """

    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("call"), dict):
        return Reply(400, {"error": "expected {message: {type, call}}"})
    kind, call = message.get("type"), message["call"]
    call_id = str(call.get("id"))
    session_id = session_of_call(db, call_id)
    if session_id is None:
        return Reply(404, {"error": "no session has this call"})
    if kind == "status-update":
        set_call_status(db, call_id, message.get("status"))
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
    job, new = queue_report(db, call_id, session_id, message)
    if not new:
        return Reply(200, {"ok": True, "duplicate": True, "job": job.id})
    return Reply(200, {"ok": True, "job": job.id, "sessionId": session_id})


def grade_job(
    db: Database, job: WebhookJob, provider: Provider = Provider.AUTO, grader: Grader | None = None
) -> str:
    """Collect a job's call into its session and grade it (``grader`` when given, else the
    one ``provider`` names, as ``Interview.finish``); record the outcome
    on the job (``done``, or ``failed`` with the reason) and return it as one log line.

    Never raises for a grading failure: that is recorded. Raises sqlite3.Error when the
    database fails (the job stays pending, to be tried again). A job already tried
    ``MAX_ATTEMPTS`` times is given up (failed) without another try.
    """
    session_id = job.session_id
    if get_report(db, session_id) is not None:
        finish_job(db, job.id, JobState.DONE)
        return f"session {session_id} was already graded (job {job.id})"
    if job.attempts > MAX_ATTEMPTS:
        reason = f"gave up after {MAX_ATTEMPTS} attempts"
    else:
        try:
            interview = Interview.open(db, session_id)
            collect_into(interview, _ended_call(job.message))
            report = interview.finish(provider, grader=grader)
        except CallFailed as exc:
            # the interview never happened: its message says how to hold it again, and
            # `mockint complete` would only fail the same way
            finish_job(db, job.id, JobState.FAILED, exc.message)
            return f"did not grade session {session_id} (job {job.id}): {exc.message}"
        except MockintError as exc:
            reason = exc.message
        except sqlite3.Error:
            raise  # the database, not the report: the job stays pending and is tried again
        except Exception as exc:  # a defect must not stop the queue; its text may hold anything
            reason = f"unexpected {type(exc).__name__}"
        else:
            finish_job(db, job.id, JobState.DONE)
            return f"graded session {session_id}: {report.overall_score}/100 by {report.grader}"
    finish_job(db, job.id, JobState.FAILED, reason)
    return (
        f"could not grade session {session_id} (job {job.id}): {reason} "
        f"(finish it with: mockint complete {session_id})"
    )


def _ended_call(message: dict[str, Any]) -> dict[str, Any]:
    """The call object an end-of-call report describes, as ``GET /call/{id}`` shows it."""
    call = message["call"]
    return {
        **call,
        "status": "ended",
        "endedReason": message.get("endedReason", call.get("endedReason")),
        "artifact": message.get("artifact") or call.get("artifact") or {},
        "cost": message.get("cost", call.get("cost")),
        "costBreakdown": message.get("costBreakdown", call.get("costBreakdown")),
    }


class JobWorker:
    """The grading thread: takes pending jobs oldest first, on its own connection."""

    def __init__(
        self, path: Path, provider: Provider, log: Log, grader: Grader | None = None
    ) -> None:
        self._path, self._provider, self._log, self._grader = path, provider, log, grader
        self._wake, self._stopping = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="mockint-webhook-jobs", daemon=True)
        self.current: WebhookJob | None = None

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A job was queued: look for it now."""
        self._wake.set()

    def stop(self, wait: float = STOP_WAIT_SECONDS) -> WebhookJob | None:
        """Stop after the current job, waiting at most ``wait`` seconds; the job still
        being graded then (it stays pending), if any."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(wait)
        return self.current if self._thread.is_alive() else None

    def _run(self) -> None:
        try:
            db = connect_again(self._path)
        except MockintError as exc:
            self._log(f"cannot grade reports: {exc.message}")
            return
        try:
            while not self._stopping.is_set():
                try:
                    job = next_pending_job(db)
                    if job is None:
                        self._wake.wait()
                        self._wake.clear()
                        continue
                    self.current = job
                    self._log(grade_job(db, job, self._provider, self._grader))
                except Exception as exc:  # the job stays pending: try again shortly
                    what = (
                        f"database error: {exc}"
                        if isinstance(exc, sqlite3.Error)
                        else type(exc).__name__
                    )
                    self._log(f"cannot grade reports now ({what}); trying again in 5 s")
                    self._wake.wait(5)
                    self._wake.clear()
                finally:
                    self.current = None
        finally:
            db.close()


class _DeadlineReader:
    """A request's input, read straight from the socket under one deadline for the whole
    request: each receive may wait only for the time left, so a client that trickles
    bytes cannot hold its connection longer than the deadline. Raises TimeoutError."""

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self._sock, self._deadline = sock, time.monotonic() + seconds
        self._buffer = bytearray()

    def _fill(self) -> bool:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not complete in time")
        self._sock.settimeout(left)
        chunk = self._sock.recv(65536)
        self._buffer += chunk
        return bool(chunk)

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def readline(self, limit: int = -1) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0 and (limit < 0 or end < limit):
                return self._take(end + 1)
            if 0 <= limit <= len(self._buffer):
                return self._take(limit)
            if not self._fill():
                return self._take(len(self._buffer))

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) < size) and self._fill():
            pass
        return self._take(len(self._buffer) if size < 0 else size)

    def close(self) -> None:
        self._buffer.clear()


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # read through the deadline instead
        self.rfile = _DeadlineReader(self.connection, self.server.app.config.request_seconds)  # type: ignore[assignment]

    def do_POST(self) -> None:
        raw = self.headers.get("Content-Length") or "0"
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_BODY:
            reply = Reply(413 if raw.isdigit() else 400, {"error": "bad Content-Length"})
        else:
            body = self.rfile.read(int(raw))
            if len(body) < int(raw):
                self.close_connection = True
                self.server.app.log(f"{self._client}: went away before sending its whole request")
                return
            reply = self.server.app.respond(dict(self.headers), body, self._client)
        self._reply(reply)

    @property
    def _client(self) -> str:
        return str(self.client_address[0])

    def _reply(self, reply: Reply) -> None:
        data = json.dumps(reply.body).encode()
        try:
            self.connection.settimeout(WRITE_SECONDS)
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            self.server.app.log(f"{self._client}: went away before the reply ({reply.status})")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # each request is logged once, by the server, with what it did

    def log_message(self, format: str, *args: Any) -> None:
        self.server.app.log(f"{self._client}: {' '.join((format % args).split())}")


_BUSY = json.dumps({"error": "too many connections; try again"}).encode()
_BUSY_REPLY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
    + str(len(_BUSY)).encode()
    + b"\r\n\r\n"
    + _BUSY
)


class _HTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` at once; one-line logs only."""

    daemon_threads = True
    block_on_close = False  # stopping never waits for a slow client
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], app: WebhookServer) -> None:
        self.app = app
        self._slots = threading.BoundedSemaphore(app.config.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1)
                request.sendall(_BUSY_REPLY)
            except OSError:
                pass
            self.shutdown_request(request)
            self.app.log(f"{client_address[0]}: refused, {self.app.config.max_connections} "
                         "connections already open")  # fmt: skip
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        except Exception:  # only when even the one-line log failed
            # (a daemon thread still answering while the process exits): stay quiet
            pass
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        what = "went away" if isinstance(exc, ConnectionError) else type(exc).__name__
        self.app.log(f"{client_address[0]}: dropped ({what})")


class WebhookServer:
    """``mockint webhook serve``: listening once created (``port`` is the bound port, useful
    with port 0), serving with ``serve_forever()`` until ``shutdown()``; ``close()`` then
    stops the grading thread and closes the database.

    ``grader`` grades every report instead of the one ``provider`` names (another grader,
    a test's fake). Raises MockintError when the address cannot be bound, StorageError when
    the database cannot be opened.
    """

    def __init__(
        self,
        config: WebhookConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        provider: Provider = Provider.AUTO,
        log: Log,
        path: Path | None = None,
        grader: Grader | None = None,
    ) -> None:
        self.config, self.log = config, log
        self._path = path or database_path()
        # shared by the request threads, one at a time (the lock): see the module docstring
        self.db = open_db(self._path, any_thread=True)
        self._lock = threading.Lock()
        try:
            self._http = _HTTPServer((host, port), self)
        except OSError as exc:
            self.db.close()
            raise MockintError(
                f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                "Choose another --port or --host."
            ) from None
        self.host = host
        self.port = int(self._http.server_address[1])
        self.worker = JobWorker(self._path, provider, log, grader)

    def thread_failed(self, args: threading.ExceptHookArgs) -> None:
        """A ``threading.excepthook``: an exception escaping one of the server's threads (a
        request thread still answering while the process exits on Ctrl-C) is one log line."""
        name = args.thread.name if args.thread is not None else "a thread"
        with contextlib.suppress(Exception):  # the log itself is gone: the process is exiting
            self.log(f"{name} stopped ({args.exc_type.__name__})")

    def respond(self, headers: Mapping[str, str], body: bytes, client: str) -> Reply:
        """Authenticate, parse and apply one request's body; never raises."""
        config = self.config
        try:
            if not authentic(
                dict(headers), body, config.secret, config.mode, max_age=config.max_age_seconds
            ):
                self.log(f"{client}: refused (not authenticated)")
                return Reply(401, {"error": "unauthenticated"})
            try:
                payload = json.loads(body)
            except ValueError:
                self.log(f"{client}: 400 (not JSON)")
                return Reply(400, {"error": "not JSON"})
            with self._lock:
                reply = handle(self.db, payload)
        except sqlite3.Error as exc:
            self.log(f"{client}: 500 (database error: {exc})")
            return Reply(500, {"error": "database error"})
        except Exception as exc:  # never a traceback, never a dropped reply
            self.log(f"{client}: 500 ({type(exc).__name__})")
            return Reply(500, {"error": "internal error"})
        if "job" in reply.body and not reply.body.get("duplicate"):
            self.worker.wake()
        message = payload.get("message") if isinstance(payload, dict) else None
        kind = message.get("type") if isinstance(message, dict) else None
        queued = (
            f": session {reply.body['sessionId']} queued for grading (job {reply.body['job']})"
            if "sessionId" in reply.body
            else ""
        )
        self.log(f"{reply.status} {kind if isinstance(kind, str) else '?'}{queued}")
        return reply

    def serve_forever(self) -> None:
        """Start the grading thread (pending jobs first) and serve until ``shutdown()``."""
        with self._lock:
            waiting = pending_count(self.db)
        self.log(f"listening on http://{self.host}:{self.port}/")
        if waiting:
            self.log(f"grading {waiting} report(s) received before the server last stopped")
        self.worker.start()
        self._http.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Stop ``serve_forever()`` (from another thread)."""
        self._http.shutdown()

    def close(self) -> None:
        self._http.server_close()
        unfinished = self.worker.stop()
        if unfinished is not None:
            self.log(
                f"stopped while grading session {unfinished.session_id}: its report stays "
                "pending and is graded when the server starts again"
            )
        with self._lock:
            self.db.close()


def serve(
    config: WebhookConfig,
    *,
    host: str,
    port: int,
    provider: Provider = Provider.AUTO,
    log: Log,
) -> None:
    """Serve until interrupted (KeyboardInterrupt propagates, after a clean stop)."""
    server = WebhookServer(config, host=host, port=port, provider=provider, log=log)
    # this process serves until it exits: its threads' failures are log lines
    threading.excepthook = server.thread_failed
    try:
        server.serve_forever()
    finally:
        server.close()
