"""A throwaway JSON API on the loopback for one test: subclass `JsonHandler`, then
`with serve(Handler) as url:` (or yield it from a fixture)."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers JSON and logs nothing."""

    def log_message(self, *args):
        pass

    def send_json(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1",
          wrap: Callable[[Any], Any] | None = None, scheme: str = "http") -> Iterator[str]:
    """`handler` served on `host` (a free port) while the block runs; yields the base URL.
    `wrap` replaces the listening socket (TLS: `context.wrap_socket`)."""
    server = ThreadingHTTPServer((host, 0), handler)
    if wrap is not None:
        server.socket = wrap(server.socket)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
