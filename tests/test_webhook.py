"""`mockint webhook serve`: authentication as configured, an acknowledgement within Vapi's
timeout, grading in the background from a stored job, and a server that stays up.

The server runs as `mockint webhook serve --port 0` in its own process (as a user runs it),
or in a thread where a test needs a fake grader; clients are real sockets on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mockint.enums import JobState, Mode, Provider, WebhookAuth
from mockint.errors import UsageError
from mockint.grading.report import OfflineGrader
from mockint.interview.session import setup_interview
from mockint.questions.source import SelectionRequest
from mockint.storage.calls import record_call
from mockint.storage.connection import connect, connect_again
from mockint.storage.reports import get_report
from mockint.storage.sessions import delete_sessions
from mockint.storage.turns import list_turns
from mockint.storage.webhook_jobs import job_of_call, next_pending_job, queue_report
from mockint.vapi.calls import refuse_a_second_call
from mockint.vapi.client import check_auth
from mockint.vapi.webhook import (
    MAX_ATTEMPTS,
    WebhookConfig,
    WebhookServer,
    authentic,
    grade_job,
    handle,
    hmac_timestamp,
)
from terminal import default_signals

SECRET = "s3cret-webhook"
CALL_ID = "3f1c9a52-call"
NOW = 1_764_000_000.0  # seconds since the epoch (late 2025)

PACK = """
name = "voice"
version = 1

[[questions]]
id = "sd-rate-limiter"
type = "system-design"
difficulty = "medium"
text = "Design a rate limiter for a public API with many tenants."
key_points = ["Use a token bucket per tenant.", "Keep the counters in Redis so every server shares them."]

[[questions]]
id = "sd-url-shortener"
type = "system-design"
difficulty = "medium"
text = "Design a URL shortener that handles a billion redirects a day."
key_points = ["Generate short codes with base62 encoding of a unique id.", "Cache hot redirects in memory."]
"""

SCRIPT = [
    ("bot", "Hi, thanks for joining. Ready for the first one?"),
    ("user", "Yes, ready."),
    ("bot", "Great. Design a rate limiter for a public API with many tenants."),
    ("user", "A token bucket per tenant, with the counters in Redis so all servers share them."),
    ("bot", "Next: design a URL shortener that handles a billion redirects a day."),
    ("user", "Base62 encode an auto-increment id, and cache the hot redirects in memory."),
    ("bot", "That was the last question. Your report will be ready in a moment. Goodbye!"),
]


def transcript() -> list[dict[str, Any]]:
    return [
        {"role": role, "message": text, "time": 1_700_000_000_000 + n * 10_000,
         "endTime": 1_700_000_000_000 + n * 10_000 + 6_000, "secondsFromStart": n * 10.0}
        for n, (role, text) in enumerate(SCRIPT)
    ]  # fmt: skip


def report_message(messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "end-of-call-report", "call": {"id": CALL_ID},
            "endedReason": "customer-ended-call", "cost": 0.2,
            "artifact": {"messages": transcript() if messages is None else messages}}  # fmt: skip


def report_body() -> bytes:
    return json.dumps({"message": report_message()}).encode()


def status_body(status: str) -> bytes:
    return json.dumps(
        {"message": {"type": "status-update", "status": status, "call": {"id": CALL_ID}}}
    ).encode()


def signed(body: bytes, stamp: str, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"x-timestamp": stamp, "x-signature": digest}


@pytest.fixture
def call_session(home: Path, tmp_path: Path) -> str:
    """A session whose Vapi call is running (stored as `start --mode vapi` stores it)."""
    pack = tmp_path / "voice.toml"
    pack.write_text(PACK, encoding="utf-8")
    with connect() as db:
        setup = setup_interview(
            db, SelectionRequest(pack=pack, provider=Provider.OFFLINE), Mode.VAPI
        )
        record_call(db, setup.session_id, {"id": CALL_ID, "status": "in-progress"}, "webCall")
    return setup.session_id


@contextlib.contextmanager
def read_db(home: Path) -> Iterator[Any]:
    """A connection for a test's checks that never opens the file with a plain handle (a
    server may run in this process: see storage.connection.connect_again)."""
    db = connect_again(home / "mockint.db")
    try:
        yield db
    finally:
        db.close()


def wait_for(check: Any, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds} s: {check}")


def post(port: int, body: bytes, headers: dict[str, str], timeout: float = 10) -> tuple[int, Any]:
    """POST over a plain socket; (status, JSON body)."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{head}\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.split(b"\r\n\r\n", 1)[1] or b"null")


@dataclass
class Served:
    """`mockint webhook serve` running in its own process."""

    process: subprocess.Popen[bytes]
    log: Path
    port: int = 0

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> str:
        """Ctrl-C, as a person stops it; its whole stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise AssertionError(f"still running 15 s after Ctrl-C: {self.stderr()}") from None
        return self.stderr()


def run_server(home: Path, *args: str, config: str = "", secret: str = SECRET) -> Served:
    """Start `mockint webhook serve --port 0 ...`; returns once it listens (or has exited)."""
    home.mkdir(parents=True, exist_ok=True)
    if config:
        (home / "config.toml").write_text(config, encoding="utf-8")
    env = {**os.environ, "MOCKINT_HOME": str(home), "VAPI_WEBHOOK_SECRET": secret}
    log = home / f"server-{time.monotonic_ns()}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockint", "webhook", "serve", "--port", "0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sink, env=env,
            preexec_fn=default_signals,
        )  # fmt: skip
    served = Served(process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", served.stderr())
        if found:
            served.port = int(found.group(1))
            return served
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        raise AssertionError(f"the server did not start: {served.stderr()}")
    process.wait()
    return served


@pytest.fixture
def server(home: Path) -> Iterator[Any]:
    """Start servers with `server(*args, config=...)`; each is stopped after the test."""
    started: list[Served] = []

    def start(*args: str, config: str = "") -> Served:
        served = run_server(home, *args, config=config)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait()


# --- 8: authentication matches what is configured ----------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            '[vapi]\nwebhook_auth = "hmac"\n',
            'webhook_auth = "hmac" needs server_credential_id under [vapi] in',
        ),
        (
            '[vapi]\nwebhook_auth = "bearer"\n',
            'webhook_auth = "bearer" needs server_credential_id under [vapi] in',
        ),
        (
            '[vapi]\nwebhook_auth = "secret"\nserver_credential_id = "cred-123"\n',
            "server_credential_id is set under [vapi] in",
        ),
        ('[vapi]\nwebhook_auth = "basic"\n', 'webhook_auth = "basic" under [vapi] in'),
    ],
)
def test_inconsistent_auth_settings_are_refused_at_start_up(home, config, expected):
    served = run_server(home, config=config)
    assert served.process.returncode == 2
    lines = served.stderr().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ")
    assert expected in lines[0]
    assert str(home / "config.toml") in lines[0]
    assert SECRET not in served.stderr()
    # the advice is prose: no word of it is taken for a credential
    assert "[redacted]" not in lines[0]


def test_consistent_auth_settings_are_accepted():
    assert check_auth({}) is WebhookAuth.SECRET
    assert check_auth({"webhook_auth": "secret", "server_credential_id": ""}) is WebhookAuth.SECRET
    assert (
        check_auth({"webhook_auth": "bearer", "server_credential_id": "cred-1"})
        is WebhookAuth.BEARER
    )
    assert (
        check_auth({"webhook_auth": "HMAC", "server_credential_id": "cred-1"}) is WebhookAuth.HMAC
    )
    with pytest.raises(UsageError, match='set webhook_auth = "secret"'):
        check_auth({"webhook_auth": "hmac", "server_credential_id": "  "})


def test_limits_must_be_positive_numbers():
    settings = {"webhook_auth": "secret", "webhook_max_age_seconds": float("nan")}
    with pytest.raises(UsageError, match=r"webhook_max_age_seconds under .* positive number"):
        WebhookConfig.from_settings(settings, SECRET)
    with pytest.raises(UsageError, match="webhook_request_seconds"):
        WebhookConfig.from_settings({"webhook_request_seconds": 0}, SECRET)
    with pytest.raises(UsageError, match="needs a shared secret"):
        WebhookConfig.from_settings({}, "")
    config = WebhookConfig.from_settings({"webhook_max_connections": 4}, SECRET)
    assert (config.max_connections, config.request_seconds, config.max_age_seconds) == (4, 10, 300)
    assert SECRET not in repr(config)


def test_bearer_is_accepted_and_anything_else_refused(call_session, home, server):
    served = server(config='[vapi]\nwebhook_auth = "bearer"\nserver_credential_id = "cred-1"\n')
    for headers in (
        {},
        {"Authorization": "Bearer wrong-secret"},
        {"Authorization": f"Basic {SECRET}"},
        {"Authorization": SECRET},
        {"X-Vapi-Secret": SECRET},  # the secret mode's header is not a bearer credential
    ):
        assert post(served.port, status_body("ringing"), headers) == (
            401,
            {"error": "unauthenticated"},
        ), headers
    with read_db(home) as db:
        assert db.execute("SELECT status FROM calls").fetchone() == ("in-progress",)  # unchanged
    assert post(served.port, status_body("ringing"), {"Authorization": f"Bearer {SECRET}"}) == (
        200,
        {"ok": True},
    )
    assert (
        post(served.port, status_body("ended"), {"authorization": f"bearer  {SECRET} "})[0] == 200
    )
    with read_db(home) as db:
        assert db.execute("SELECT status FROM calls").fetchone() == ("ended",)
    log = served.stop()
    assert log.count("refused (not authenticated)") == 5
    assert SECRET not in log


def test_hmac_timestamps_in_seconds_or_milliseconds():
    body = report_body()
    now = lambda: NOW  # noqa: E731

    def check(headers: dict[str, str], max_age: float = 300) -> bool:
        return authentic(headers, body, SECRET, "hmac", max_age=max_age, now=now)

    assert check(signed(body, str(int(NOW))))  # seconds
    assert check(signed(body, str(int(NOW * 1000))))  # milliseconds
    assert check(signed(body, f"{NOW - 299:.3f}"))  # seconds with a fraction, 299 s old
    assert check(signed(body, str(int((NOW + 120) * 1000))))  # a clock 2 min ahead
    assert not check(signed(body, str(int((NOW - 301) * 1000))))  # stale, in ms
    assert not check(signed(body, str(int(NOW - 3600))))  # stale, in seconds
    for stamp in ("nan", "NaN", "inf", "-inf", "infinity", "1e12", "-1764000000", "", "1_764"):
        assert not check(signed(body, stamp)), stamp
    assert not check(signed(body, str(int(NOW)), secret="another"))
    good = signed(body, str(int(NOW)))
    assert not authentic(good, body + b" ", SECRET, "hmac", now=now)  # the body changed
    assert not check({**good, "x-signature": "0" * 64})
    assert authentic(
        {"X-Timestamp": good["x-timestamp"], "X-Signature": good["x-signature"].upper()},
        body,
        SECRET,
        "hmac",
        now=now,
    )


def test_hmac_timestamp_values():
    assert hmac_timestamp("1764000000") == 1_764_000_000
    assert hmac_timestamp("1764000000123") == pytest.approx(1_764_000_000.123)
    assert hmac_timestamp(" 1764000000.5 ") == 1_764_000_000.5
    for value in ("nan", "inf", "Infinity", "1e9", "0x10", "-5", "", "١٧٦٤"):
        assert hmac_timestamp(value) is None, value


def test_hmac_over_http_with_a_millisecond_stamp_and_nan_refused(call_session, home, server):
    served = server(config='[vapi]\nwebhook_auth = "hmac"\nserver_credential_id = "cred-1"\n')
    body = status_body("ringing")
    assert post(served.port, body, signed(body, "nan"))[0] == 401
    assert post(served.port, body, signed(body, str(int((time.time() - 600) * 1000))))[0] == 401
    assert post(served.port, body, signed(body, str(int(time.time() * 1000)))) == (
        200,
        {"ok": True},
    )
    assert post(served.port, body, signed(body, str(int(time.time()))))[0] == 200
    assert served.stop().count("refused (not authenticated)") == 2


def test_the_shared_secret_mode(call_session, home):
    body = status_body("ringing")
    assert authentic({"x-vapi-secret": SECRET}, body, SECRET, "secret")
    assert not authentic({"X-Vapi-Secret": "wrong"}, body, SECRET, "secret")
    assert not authentic({"Authorization": f"Bearer {SECRET}"}, body, SECRET, "secret")
    assert not authentic({"X-Vapi-Secret": ""}, body, "", "secret")  # no secret, no entry
    with pytest.raises(UsageError, match="Unknown webhook_auth 'basic'"):
        authentic({}, body, SECRET, "basic")


# --- 9: acknowledged at once, graded in the background from a stored job ------------------------


class SlowGrader(OfflineGrader):
    """The offline grader, taking as long as a slow Gemini report."""

    def grade(self, session: Any, items: Any) -> Any:
        time.sleep(3)
        return super().grade(session, items)


def test_a_report_is_acknowledged_at_once_then_graded_in_the_background(call_session, home):
    logs: list[str] = []
    config = WebhookConfig(mode=WebhookAuth.SECRET, secret=SECRET)
    app = WebhookServer(config, log=logs.append, grader=SlowGrader())
    thread = threading.Thread(target=app.serve_forever, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        status, body = post(app.port, report_body(), {"X-Vapi-Secret": SECRET})
        assert time.monotonic() - started < 2
        assert (status, body) == (200, {"ok": True, "job": 1, "sessionId": call_session})
        with read_db(home) as db:
            job = job_of_call(db, CALL_ID)
            assert job is not None and job.state is JobState.PENDING
            assert job.message == report_message()  # stored whole before the 200
            assert get_report(db, call_session) is None  # not graded yet
        again = post(app.port, report_body(), {"X-Vapi-Secret": SECRET})
        assert again == (200, {"ok": True, "duplicate": True, "job": 1})

        def done() -> Any:
            with read_db(home) as db:
                found = job_of_call(db, CALL_ID)
                return found if found and found.state is not JobState.PENDING else None

        job = wait_for(done)
        assert (job.state, job.attempts, job.error) == (JobState.DONE, 1, None)
        with read_db(home) as db:
            report = get_report(db, call_session)
            assert report is not None and report.grader == "offline"
            answers = [t for t in list_turns(db, call_session) if t.kind.value == "answer"]
            assert len(answers) == 2
            cost = db.execute("SELECT SUM(cost_usd) FROM api_usage WHERE purpose = 'call'")
            assert cost.fetchone()[0] == pytest.approx(0.2)
        assert post(app.port, report_body(), {"X-Vapi-Secret": SECRET}) == (
            200,
            {"ok": True, "duplicate": True},
        )
    finally:
        app.shutdown()
        thread.join(5)
        app.close()
    assert f"200 end-of-call-report: session {call_session} queued for grading (job 1)" in logs
    assert f"graded session {call_session}: {report.overall_score}/100 by offline" in logs


def test_bad_messages_and_a_report_without_its_transcript(call_session, home):
    with read_db(home) as db:
        for payload in ([], {"message": "x"}, {"message": {"type": "status-update"}}):
            assert handle(db, payload).status == 400
        unknown = {"message": {"type": "status-update", "call": {"id": "another-call"}}}
        assert handle(db, unknown).body == {"error": "no session has this call"}
        empty = {"message": {**report_message(), "artifact": {}}}
        assert handle(db, empty).status == 202  # left for `mockint complete`
        assert job_of_call(db, CALL_ID) is None
        other = {"message": {"type": "transcript", "call": {"id": CALL_ID}}}
        assert handle(db, other).body == {"ok": True, "ignored": "transcript"}


def test_a_pending_job_is_graded_when_the_server_starts(call_session, home, server):
    with connect() as db:
        job, new = queue_report(db, CALL_ID, call_session, report_message())
    assert new and job.state is JobState.PENDING
    served = server("--provider", "offline")

    def done() -> Any:
        with read_db(home) as db:
            found = job_of_call(db, CALL_ID)
            return found if found and found.state is not JobState.PENDING else None

    assert wait_for(done).state is JobState.DONE
    with read_db(home) as db:
        report = get_report(db, call_session)
    assert report is not None and report.grader == "offline"
    log = served.stop()
    assert "grading 1 report(s) received before the server last stopped" in log
    assert f"graded session {call_session}: {report.overall_score}/100 by offline" in log


def test_a_grading_failure_is_recorded_on_the_job_and_logged_in_one_line(
    call_session, home, server
):
    served = server("--provider", "gemini")  # no Gemini key here
    assert post(served.port, report_body(), {"X-Vapi-Secret": SECRET})[0] == 200

    def failed() -> Any:
        with read_db(home) as db:
            found = job_of_call(db, CALL_ID)
            return found if found and found.state is JobState.FAILED else None

    job = wait_for(failed)
    assert job.error is not None and "key" in job.error.lower()
    with read_db(home) as db:
        assert get_report(db, call_session) is None
    log = served.stop()
    line = (
        f"could not grade session {call_session} (job 1): {job.error} "
        f"(finish it with: mockint complete {call_session})"
    )
    assert line in log.splitlines()
    assert "Traceback" not in log


# --- 9: the server stays up ---------------------------------------------------------------------


def test_still_answering_after_other_processes_opened_and_closed_the_database(
    call_session, home, server
):
    served = server("--provider", "offline")
    headers = {"X-Vapi-Secret": SECRET}
    assert post(served.port, status_body("ringing"), headers) == (200, {"ok": True})
    env = {**os.environ, "MOCKINT_HOME": str(home)}
    for _ in range(3):
        history = subprocess.run(
            [sys.executable, "-m", "mockint", "history", "--json"],
            env=env, capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        assert history.returncode == 0, history.stderr
        assert post(served.port, status_body("in-progress"), headers) == (200, {"ok": True})
    assert post(served.port, report_body(), headers) == (
        200,
        {"ok": True, "job": 1, "sessionId": call_session},
    )

    def graded() -> Any:
        with read_db(home) as db:
            return get_report(db, call_session)

    assert wait_for(graded).grader == "offline"
    log = served.stop()
    assert "disk I/O error" not in log and "500" not in log


def test_a_valid_request_is_answered_while_slow_clients_trickle_headers(call_session, home, server):
    served = server(config="[vapi]\nwebhook_request_seconds = 2\n")
    slow = [socket.create_connection(("127.0.0.1", served.port), timeout=10) for _ in range(3)]
    dropped_after: dict[int, float] = {}
    started = time.monotonic()

    def trickle(index: int, conn: socket.socket) -> None:
        try:
            conn.sendall(b"POST / HTTP/1.1\r\n")
            for n in range(40):  # a header line every 0.5 s, for up to 20 s
                conn.sendall(f"X-Slow-{n}: {'a' * 10}\r\n".encode())
                time.sleep(0.5)
        except OSError:
            pass
        dropped_after[index] = time.monotonic() - started

    def watch(index: int, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.recv(1)  # b"" once the server drops the connection
        dropped_after.setdefault(index, time.monotonic() - started)

    threads = [threading.Thread(target=f, args=(i, c), daemon=True)
               for i, c in enumerate(slow) for f in (trickle, watch)]  # fmt: skip
    for thread in threads:
        thread.start()
    time.sleep(0.6)  # the slow clients are connected and sending
    began = time.monotonic()
    reply = post(served.port, status_body("ringing"), {"X-Vapi-Secret": SECRET}, timeout=5)
    assert time.monotonic() - began < 2
    assert reply == (200, {"ok": True})
    wait_for(lambda: len(dropped_after) == 3, seconds=10)
    # each slow client is cut at the whole-request deadline (2 s here), not when it stops
    assert all(1.5 < seconds < 5 for seconds in dropped_after.values()), dropped_after
    for conn in slow:
        conn.close()
    log = served.stop()
    assert "Traceback" not in log
    assert log.count("Request timed out") == 3


def test_a_bad_content_length_is_refused(call_session, home, server):
    served = server()
    for length, status in (("abc", b"400"), ("-1", b"400"), (str(6 * 2**20), b"413")):
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as conn:
            conn.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode())
            assert conn.recv(100).startswith(b"HTTP/1.0 " + status), length
    assert "Traceback" not in served.stop()


def test_a_client_disconnecting_early_leaves_no_traceback(call_session, home, server):
    served = server("--provider", "offline")
    # gone in the middle of its body
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as conn:
        conn.sendall(b'POST / HTTP/1.1\r\nContent-Length: 500\r\nX-Vapi-Secret: x\r\n\r\n{"mess')
    # gone before the reply: sends a whole request, then resets the connection
    body = status_body("ringing")
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sendall(
            b"POST / HTTP/1.1\r\nContent-Length: "
            + str(len(body)).encode()
            + f"\r\nX-Vapi-Secret: {SECRET}\r\n\r\n".encode()
            + body
        )
    # gone after the request line
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\n")
    time.sleep(0.5)
    assert post(served.port, status_body("in-progress"), {"X-Vapi-Secret": SECRET})[0] == 200
    log = served.stop()
    assert "Traceback" not in log
    assert "127.0.0.1: went away before sending its whole request" in log
    assert all(len(line) < 200 for line in log.splitlines())


def test_deleting_a_session_deletes_its_webhook_job(call_session, home):
    with connect() as db:
        queue_report(db, CALL_ID, call_session, report_message())
        assert delete_sessions(db, [call_session]) == 1
        assert job_of_call(db, CALL_ID) is None


def test_a_job_tried_too_often_is_given_up(call_session):
    with connect() as db:
        queue_report(db, CALL_ID, call_session, report_message())
        for _ in range(MAX_ATTEMPTS):  # the server stopped while grading it, each time
            next_pending_job(db)
        job = next_pending_job(db)
        assert job is not None and job.attempts == MAX_ATTEMPTS + 1
        line = grade_job(db, job, Provider.OFFLINE)
        assert line == (
            f"could not grade session {call_session} (job 1): gave up after 3 attempts "
            f"(finish it with: mockint complete {call_session})"
        )
        failed = job_of_call(db, CALL_ID)
        assert failed is not None
        assert (failed.state, failed.error) == (JobState.FAILED, "gave up after 3 attempts")
        assert next_pending_job(db) is None
        assert get_report(db, call_session) is None


def test_a_call_that_never_happened_is_not_sent_to_mockint_complete(call_session):
    # only the greeting was spoken: the call failed, and completing it would fail the same way
    greeting = [{"role": "bot", "message": "Hi, I'm your interviewer. Can you hear me?"}]
    with connect() as db:
        queue_report(db, CALL_ID, call_session, report_message(greeting))
        job = next_pending_job(db)
        assert job is not None
        line = grade_job(db, job, Provider.OFFLINE)
        assert line.startswith(f"did not grade session {call_session} (job 1): The Vapi call ")
        assert f"`mockint start {call_session} --mode vapi`" in line
        assert "mockint complete" not in line
        failed = job_of_call(db, CALL_ID)
        assert failed is not None and failed.state == JobState.FAILED
        assert get_report(db, call_session) is None
        refuse_a_second_call(db, call_session)  # the failed call does not block a new one
