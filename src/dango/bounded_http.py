"""One HTTP request whose whole answer is bounded in time and in size.

httpx's timeout bounds each network operation, not the request: a server that sends its
body a byte every few seconds holds a live check (or `dango auth`) for as long as it likes,
and one that sends gigabytes fills the memory. Here the body must arrive before one deadline
(`timeout` after the request starts; checked as each piece arrives, and no wait for a piece
is longer than `timeout`, so an answer takes at most about twice `timeout`), and at most
`limit` bytes of it are read: what an OAuth endpoint or a provider's error says fits in far
less.

httpx is imported when a request is made, never before (credential commands stay fast).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

BODY_LIMIT = 1 << 20  # bytes of a body read at most


class Overdue(Exception):
    """The answer did not arrive whole before the deadline (`status` is set when its status
    line and headers had arrived)."""

    def __init__(self, status: int | None = None):
        super().__init__("the answer did not arrive before the deadline")
        self.status = status


@dataclass
class Answer:
    status: int
    body: bytes  # at most `limit` bytes
    cut: bool  # True when the body was longer than `limit`
    location: str | None = None  # a redirect's target (never followed)

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not JSON (or was cut)."""
        import json

        if self.cut:
            raise ValueError("the body was longer than the limit")
        return json.loads(self.body.decode("utf-8"))


def fetch(method: str, url: str, *, timeout: float, limit: int = BODY_LIMIT, trust_env: bool = True,
          **kwargs) -> Answer:
    """`method url` (redirects not followed); the answer whole within `timeout` seconds.

    Raises httpx's own errors for a failed connection, Overdue when the deadline passes (with
    the status when that had arrived), and UnicodeEncodeError when a header value is not
    ASCII. `trust_env`: a proxy and CA bundle configured for this machine apply."""
    import httpx

    deadline = time.monotonic() + timeout
    status = None
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=trust_env) as client:
        try:
            with client.stream(method, url, **kwargs) as response:
                status, location = response.status_code, response.headers.get("location")
                body = bytearray()
                for chunk in response.iter_bytes():  # decoded (gzip...): the limit is on what is kept
                    if time.monotonic() > deadline:
                        raise Overdue(status)
                    body += chunk
                    if len(body) > limit:
                        return Answer(status, bytes(body[:limit]), True, location)
                return Answer(status, bytes(body), False, location)
        except httpx.TimeoutException:
            raise Overdue(status) from None


def failure_text(err: BaseException) -> str:
    """Why a request could not be made, in words: a TLS certificate that is not trusted (with
    the fix), another TLS failure, else the error's type. Never the error's own text, which
    can hold the request's address."""
    text = str(err)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        detail = text.partition("certificate verify failed:")[2].partition("(_ssl")[0].strip().rstrip(".")
        return ("its TLS certificate is not trusted" + (f": {detail[:80]}" if detail else "")
                + "; if a proxy or a private certificate authority signs it, point SSL_CERT_FILE at "
                  "that authority's certificate")
    if "[SSL" in text or "TLS" in text:
        return "the TLS handshake failed"
    return type(err).__name__
