"""A provider whose answer never ends (a body trickled a byte at a time) or never stops
(gigabytes): a live check gives its verdict within its timeout, reading a bounded body.
One whose TLS certificate is not trusted, or that redirects, is named as such, with the fix."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest

from dango.bounded_http import Overdue, fetch

from tests.servers.local_http import serve

KEY = "sk_test_TRICKLEk3yF0rH3althCh3ck5xyz"  # dango:allow


class Trickle(BaseHTTPRequestHandler):
    """401 at once, then a body promised as 10 000 bytes and sent one byte every 0.2 s
    (each byte well within any read timeout); stops when the client hangs up."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        try:
            for _ in range(10000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


class Endless(BaseHTTPRequestHandler):
    """500 with a JSON body that never ends (chunks of 64 KiB until the client hangs up)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(b'{"message": "')
            while True:
                self.wfile.write(b"x" * 65536)
        except OSError:
            pass


def add_stripe(dango, url: str) -> None:
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input", "--set", f"base_url={url}").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=KEY).code == 0


def test_a_trickled_answer_is_judged_by_its_status_within_the_timeout(dango):
    with serve(Trickle) as url:
        add_stripe(dango, url)
        # Without a deadline on the whole answer this took 10 000 * 0.2 s; the subprocess
        # timeout is far above the 1 s asked for.
        result = dango("source", "test", "pay", "--timeout", "1", timeout=60)
    assert result.code == 1, result
    assert result.out == "pay: invalid (Stripe refused the credential (HTTP 401))\n"


def test_an_endless_body_is_read_up_to_a_limit():
    with serve(Endless) as url:
        answer = fetch("GET", url, timeout=30, limit=100_000)
    assert answer.status == 500 and answer.cut and len(answer.body) == 100_000
    with pytest.raises(ValueError):
        answer.json()


def test_a_trickled_answer_is_overdue_with_its_status():
    with serve(Trickle) as url:
        with pytest.raises(Overdue) as late:
            fetch("GET", url, timeout=1)
    assert late.value.status == 401


def test_an_untrusted_tls_certificate_is_named_with_the_fix(dango):
    from tests.servers.tls_server import untrusted_https

    with untrusted_https() as url:
        add_stripe(dango, url)
        result = dango("source", "test", "pay")
    assert result.code == 1, result
    assert result.out == ("pay: unknown (could not reach Stripe (its TLS certificate is not trusted: "
                          "self-signed certificate; if a proxy or a private certificate authority signs "
                          "it, point SSL_CERT_FILE at that authority's certificate))\n")


class Redirect(BaseHTTPRequestHandler):
    """A redirect to another host that carries the key it was sent in its query."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self.send_response(302)
        self.send_header("Location", f"https://login.example.net/next?key={key}")
        self.end_headers()


def test_a_redirect_is_named_by_its_host_and_not_followed(dango):
    with serve(Redirect) as url:
        add_stripe(dango, url)
        result = dango("source", "test", "pay")
    assert result.code == 1, result
    assert result.out == ("pay: unknown (Stripe answered HTTP 302, a redirect to https://login.example.net "
                          "that is not followed (the credential is not sent there); if that is its address, "
                          "set base_url to it)\n")
    assert KEY not in result.output
