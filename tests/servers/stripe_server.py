"""A local HTTP server implementing Stripe's list endpoints, for tests.

`GET /v1/<resource>` with `limit`, `starting_after` and `created[gte]`, newest first, as
Stripe answers: `{"object": "list", "data": [...], "has_more": bool, "url": ...}`.
`Authorization: Bearer <key>` must carry the server's key, else 401 (Stripe's error body).
`rate_limit_once` answers the next request with one 429 and `Retry-After`; a path in
`fail_paths` answers 500 every time. Every request is recorded in `requests`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASE_CREATED = 1_767_225_600  # 2026-01-01T00:00:00Z


def make_objects(resource: str, count: int, start: int = 0) -> list[dict]:
    kind = resource.rstrip("s")
    prefix = {"charges": "ch", "customers": "cus", "subscriptions": "sub", "invoices": "in",
              "products": "prod"}.get(resource, kind[:4])
    return [{"id": f"{prefix}_{i:06d}", "object": kind, "created": BASE_CREATED + i * 60,
             "livemode": False, "amount": 100 + i, "description": f"{kind} {i}"}
            for i in range(start, start + count)]


@dataclass
class Request:
    path: str
    params: dict[str, str]
    authorization: str | None


@dataclass
class StripeState:
    key: str
    objects: dict[str, list[dict]]
    rate_limit_once: bool = False
    retry_after: int = 1
    fail_paths: set[str] = field(default_factory=set)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, resource: str, count: int) -> None:
        with self.lock:
            existing = self.objects.setdefault(resource, [])
            existing.extend(make_objects(resource, count, len(existing)))


class Handler(BaseHTTPRequestHandler):
    state: StripeState  # set on the subclass made per server

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        state = self.state
        with state.lock:
            state.requests.append(Request(url.path, params, self.headers.get("Authorization")))
            limited = state.rate_limit_once
            state.rate_limit_once = False
        if self.headers.get("Authorization") != f"Bearer {state.key}":
            self._send(401, {"error": {"type": "invalid_request_error",
                                       "message": "Invalid API Key provided"}})
            return
        if limited:
            self._send(429, {"error": {"type": "rate_limit_error", "message": "Too many requests"}},
                       {"Retry-After": str(state.retry_after)})
            return
        if url.path in state.fail_paths:
            self._send(500, {"error": {"type": "api_error", "message": "Something went wrong"}})
            return
        resource = url.path.removeprefix("/v1/").strip("/")
        if not url.path.startswith("/v1/") or resource not in state.objects:
            self._send(404, {"error": {"type": "invalid_request_error",
                                       "message": f"Unrecognized request URL (GET: {url.path})"}})
            return
        self._send(200, self._page(resource, params))

    def _page(self, resource: str, params: dict[str, str]) -> dict:
        items = sorted(self.state.objects[resource], key=lambda o: (o["created"], o["id"]),
                       reverse=True)  # newest first, as Stripe lists
        if "created[gte]" in params:
            items = [o for o in items if o["created"] >= int(params["created[gte]"])]
        after = params.get("starting_after")
        if after:
            ids = [o["id"] for o in items]
            items = items[ids.index(after) + 1:] if after in ids else []
        limit = min(int(params.get("limit", 10)), 100)
        return {"object": "list", "url": f"/v1/{resource}", "data": items[:limit],
                "has_more": len(items) > limit}


class StripeServer:
    """`with StripeServer(key, {"customers": 250}) as server:` ... `server.url`."""

    def __init__(self, key: str, counts: dict[str, int]):
        self.state = StripeState(key, {})
        for resource, count in counts.items():
            self.state.add(resource, count)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "StripeServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
