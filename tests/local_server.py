"""The base of the local HTTP servers the provider tests talk to (on 127.0.0.1)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    """Records each request (method, path, headers, JSON body; ``received_at`` and
    ``replied_at``: time.monotonic() when it was read and when its reply was written) and
    replies with JSON."""

    requests: list[dict[str, Any]]  # set by :func:`serve`

    def record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self._recorded: dict[str, Any] = {
            "method": self.command, "path": self.path, "headers": dict(self.headers),
            "body": json.loads(raw) if raw else None, "received_at": time.monotonic(),
        }  # fmt: skip
        self.requests.append(self._recorded)

    def send_json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        recorded = getattr(self, "_recorded", None)
        if recorded is not None:
            recorded["replied_at"] = time.monotonic()

    def log_message(self, *args: object) -> None:
        pass


def serve(
    handler: type[JsonHandler], requests: list[dict[str, Any]]
) -> tuple[str, ThreadingHTTPServer]:
    """Start ``handler`` on a free port in a daemon thread; its URL and the server."""
    handler.requests = requests
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server
