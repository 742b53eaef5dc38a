"""The OAuth loopback server answers only at its own address (DNS-rebinding defence).

A page of another site can point a name of its own at 127.0.0.1 and have the browser call
the loopback server; the browser then sends that name as the `Host`. Only
`127.0.0.1:<port>` and `localhost:<port>` (the server's own port) are accepted; any other
Host is refused with 400 before the path or the `state` is looked at, and the single
callback stays open for the real redirect.
"""

from __future__ import annotations

import socket
import threading
import tomllib
from urllib.parse import urlsplit

import httpx
import pytest

from dango.oauth.loopback import LoopbackServer
# The OAuth tests' fixtures: a live authorization server, `dango auth` in the background and
# a test browser that gives consent.
from tests.oauth.conftest import auth_env, browser, server, sheet, start  # noqa: F401

STATE = "state-4f1c9a7e2b"


class Waiting:
    """A LoopbackServer waiting for its callback in a thread (its socket listens already)."""

    def __init__(self, server: LoopbackServer):
        self.server = server
        self.result = None
        self.thread = threading.Thread(target=self._wait, daemon=True)
        self.thread.start()

    def _wait(self) -> None:
        self.result = self.server.wait(60)  # an upper bound only: the test ends it sooner

    def get(self, host: str | None = None, **params: str) -> httpx.Response:
        headers = {"Host": host} if host is not None else {}
        with httpx.Client(timeout=30, trust_env=False) as client:
            return client.get(self.server.redirect_uri, params=params, headers=headers)

    def done(self):
        self.thread.join(60)
        assert not self.thread.is_alive()
        return self.result


@pytest.fixture
def waiting():
    with LoopbackServer(STATE) as server:
        yield Waiting(server)


def other_hosts(port: int) -> list[str]:
    return [f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
            f"localhost:{port + 1}", f"127.0.0.1:{port + 1}", "127.0.0.1", "localhost",
            f"[::1]:{port}", f"localhost.:{port}", f"127.0.0.1:{port}@evil.example", ""]


def test_a_callback_with_a_foreign_host_is_refused_and_consumes_nothing(waiting):
    port = waiting.server.port
    for host in other_hosts(port):
        page = waiting.get(host, code="attacker-code", state=STATE)
        assert page.status_code == 400, host
        assert "Wrong address" in page.text and "Signed in" not in page.text
    page = waiting.get(code="the-real-code", state=STATE)  # Host: 127.0.0.1:<port>
    assert page.status_code == 200 and "Signed in" in page.text
    callback = waiting.done()
    assert callback is not None and callback.code == "the-real-code"


@pytest.mark.parametrize("name", ["localhost", "LocalHost", "127.0.0.1"])
def test_the_servers_own_names_on_its_port_are_accepted(waiting, name):
    page = waiting.get(f"{name}:{waiting.server.port}", code="the-real-code", state=STATE)
    assert page.status_code == 200 and "Signed in" in page.text
    assert waiting.done().code == "the-real-code"


def test_a_request_without_a_host_is_refused(waiting):
    path = urlsplit(waiting.server.redirect_uri).path
    with socket.create_connection(("127.0.0.1", waiting.server.port), timeout=30) as conn:
        conn.sendall(f"GET {path}?code=attacker-code&state={STATE} HTTP/1.0\r\n\r\n".encode())
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.0 400") and b"Wrong address" in reply
    assert waiting.get(code="the-real-code", state=STATE).status_code == 200
    assert waiting.done().code == "the-real-code"


def test_a_foreign_host_does_not_end_dango_auth(start, browser, sheet, project_dir):
    run = start("auth", "sheet", "--no-browser")
    redirect = browser.consent(run.url())
    assert redirect.status_code == 302, redirect.text
    location = redirect.headers["location"]
    port = urlsplit(location).port
    forged = browser.http.get(location, headers={"Host": f"evil.example:{port}"})
    assert forged.status_code == 400 and "Signed in" not in forged.text
    page = browser.http.get(location)
    assert page.status_code == 200 and "Signed in" in page.text
    result = run.finish()
    assert result.code == 0, result
    with (project_dir / ".dlt" / "secrets.toml").open("rb") as handle:
        stored = tomllib.load(handle)["sources"]["sheet"]["credentials"]
    assert stored["refresh_token"] and stored["client_id"]
