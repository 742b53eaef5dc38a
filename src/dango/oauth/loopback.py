"""The redirect target of the authorization code flow (RFC 8252, section 7.3).

A server bound to 127.0.0.1 only, on a port the OS picks, that accepts exactly one valid
callback: `GET /callback` whose `state` matches. A request to another path, or one with a
missing or wrong `state`, is answered with an error page and does not consume the
callback (so a stray or forged request cannot end the flow). Everything echoed into a page
is HTML-escaped. After the valid callback the server closes; later requests are refused.

The `Host` header must name this server: `127.0.0.1:<port>` or `localhost:<port>` (its own
port; `localhost` in any letter case). A page of another site that points a name of its own
at 127.0.0.1 (DNS rebinding) sends its own name as the Host: it is refused with 400 before
anything else is looked at, and the callback stays open.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .pkce import same

CALLBACK_PATH = "/callback"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>{title}</h1><p>{body}</p></body></html>
"""


@dataclass
class Callback:
    code: str | None = None
    error: str | None = None
    error_description: str | None = None


class _Server(ThreadingHTTPServer):
    # One thread per connection: a browser's idle pre-connection cannot delay the callback.
    allow_reuse_address = False
    daemon_threads = True

    def __init__(self, state: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.expected_state = state
        self.result: Callback | None = None
        self.lock = threading.Lock()
        self.done = threading.Event()

    def is_own_host(self, host: str | None) -> bool:
        """Whether a Host header names this server: 127.0.0.1 or localhost, on its port."""
        port = self.server_address[1]
        return host is not None and host.strip().lower() in (f"127.0.0.1:{port}", f"localhost:{port}")

    def take(self, result: Callback) -> bool:
        """Record the one valid callback; False when one was already taken."""
        with self.lock:
            if self.result is not None:
                return False
            self.result = result
            return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a client that connects and sends nothing cannot hold the flow

    def log_message(self, format, *args) -> None:  # the URL holds the code: never log it
        pass

    def do_GET(self) -> None:
        if not self.server.is_own_host(self.headers.get("Host")):
            self._page(400, "Wrong address", "This server only answers at the address Dango opened "
                                             "for the sign-in (127.0.0.1 or localhost, on its port).")
            return
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._page(404, "Not found", "This address only receives the sign-in callback of Dango.")
            return
        if self.server.result is not None:
            self._page(409, "Already used", "This sign-in was already completed; close this window.")
            return
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if not same(query.get("state"), self.server.expected_state):
            self._page(400, "Sign-in not accepted",
                       "This response does not belong to the sign-in Dango started (wrong state). "
                       "Return to the terminal and run the command again if needed.")
            return
        if "error" in query:
            error = query["error"]
            description = query.get("error_description", "")
            if not self.server.take(Callback(error=error, error_description=description)):
                self._page(409, "Already used", "This sign-in was already completed; close this window.")
                return
            self._page(200, "Sign-in cancelled",
                       f"The provider answered: {html.escape(error)}"
                       + (f" ({html.escape(description)})" if description else "")
                       + ". You can close this window and return to the terminal.")
            self.server.done.set()
            return
        code = query.get("code")
        if not code:
            self._page(400, "Sign-in not accepted", "The response carries no authorization code.")
            return
        if not self.server.take(Callback(code=code)):
            self._page(409, "Already used", "This sign-in was already completed; close this window.")
            return
        self._page(200, "Signed in", "Dango received the authorization. You can close this window "
                                     "and return to the terminal.")
        self.server.done.set()

    def _page(self, status: int, title: str, body: str) -> None:
        data = PAGE.format(title=html.escape(title), body=body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)


class LoopbackServer:
    """`with LoopbackServer(state) as server:` then `server.redirect_uri`, `server.wait(timeout)`."""

    def __init__(self, state: str):
        self._server = _Server(state)
        self.port = self._server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    def wait(self, timeout: float) -> Callback | None:
        """The valid callback, or None when `timeout` seconds pass without one."""
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                  daemon=True)
        thread.start()
        try:
            self._server.done.wait(timeout)
        finally:
            self._server.shutdown()
            thread.join()
        return self._server.result

    def close(self) -> None:
        self._server.server_close()

    def __enter__(self) -> "LoopbackServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

