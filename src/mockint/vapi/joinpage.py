"""A minimal page on 127.0.0.1 that joins a Vapi web call from the browser.

Vapi's web call is a Daily room; its own web client (@vapi-ai/web 2.7.1) joins it with
an audio-only call object of @daily-co/daily-js (the version it depends on: ^0.87, pinned
here as ``DAILY_JS_VERSION``) and tells Vapi when the interviewer's audio is playing. This
page does the same for a call the CLI created, and is served only while the CLI watches
the call. It joins on a click (browsers refuse audio that starts without one), and when
the browser still refuses to play, offers a button that plays and then tells Vapi.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mockint.resources import load_text

#: the @daily-co/daily-js that @vapi-ai/web 2.7.1 depends on (``^0.87.0``; 0.87.0 is its only 0.87)
DAILY_JS_VERSION = "0.87.0"


def join_page(web_call_url: str, title: str, token: str | None = None) -> str:
    """The HTML page that joins the Daily room at ``web_call_url`` (with the meeting
    ``token`` Vapi gave, ``transport.callToken``, when there is one)."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    source = load_text("templates/join.html.j2")
    return env.from_string(source).render(
        web_call_url=web_call_url, title=title, token=token, daily_js_version=DAILY_JS_VERSION
    )


class JoinServer:
    """Serves the join page at ``url`` (``http://127.0.0.1:PORT/``, a free port unless
    ``port`` is given) until :meth:`close`; raises OSError when it cannot listen."""

    def __init__(
        self, web_call_url: str, title: str, port: int = 0, *, token: str | None = None
    ) -> None:
        page = join_page(web_call_url, title, token).encode("utf-8")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                # only this machine's own address: a rebinding web page cannot read the room
                if self.headers.get("Host") != host:
                    self.send_error(403)
                    return
                if self.path not in ("/", "/index.html"):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        host = ""  # set once the port is known; read by the handler per request
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        host = f"127.0.0.1:{self._server.server_address[1]}"
        self.url = f"http://{host}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
