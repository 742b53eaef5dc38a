"""Fixtures for the OAuth tests: a live authorization server, `dango auth` running in the
background, and a test "browser" that follows the authorization URL and gives consent."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import Result
from tests.servers.oauth_server import OAuthServer, consent_id


@pytest.fixture
def server():
    with OAuthServer() as live:
        yield live


@pytest.fixture
def auth_env(env, server) -> dict[str, str]:
    # the loopback never goes through a proxy configured on the machine running the tests
    return dict(env, **server.env(), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")


@pytest.fixture
def sheet(dango, auth_env):
    """A google_sheets source named `sheet`."""
    result = dango("source", "add", "google_sheets", "--name", "sheet", "--no-input",
                   "--set", "spreadsheet_url_or_id=book1")
    assert result.code == 0, result
    return "sheet"


@dataclass
class Running:
    """`dango auth ...` started in the background; its stdout read as it comes."""

    proc: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def wait_for(self, predicate, timeout: float = 20) -> str:
        import time

        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for line in self.lines[seen:]:
                if predicate(line):
                    return line
            seen = len(self.lines)
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        err = self.proc.stderr.read() if self.proc.poll() is not None else "(still running)"
        raise AssertionError(f"never printed the expected line; stdout: {self.lines}; stderr: {err}")

    def url(self) -> str:
        return self.wait_for(lambda line: line.startswith("http")).strip()

    def finish(self, timeout: float = 30) -> Result:
        err = self.proc.stderr.read() if self.proc.stderr else ""
        self.proc.wait(timeout)
        self._reader.join(timeout)
        return Result(list(self.proc.args[3:]), self.proc.returncode, "".join(self.lines), err)


@pytest.fixture
def start(project_dir: Path, auth_env):
    """`start("auth", "sheet", "--no-browser", env_extra=...)` -> Running."""
    started: list[Running] = []

    def run(*args: str, env_extra: dict[str, str] | None = None) -> Running:
        proc = subprocess.Popen([sys.executable, "-m", "dango", *args], cwd=project_dir,
                                env=dict(auth_env, **(env_extra or {})), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        running = Running(proc)

        def read() -> None:
            for line in proc.stdout:
                running.lines.append(line)

        running._reader = threading.Thread(target=read, daemon=True)
        running._reader.start()
        started.append(running)
        return running

    yield run
    for running in started:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait()


class Browser:
    """Follows an authorization URL, posts consent, follows the redirect to the loopback."""

    def __init__(self, server: OAuthServer):
        self.server = server
        self.http = httpx.Client(timeout=10, trust_env=False)

    def consent(self, url: str, decision: str = "allow") -> httpx.Response:
        """The provider's redirect (302) after consent, not yet followed."""
        page = self.http.get(url)
        assert page.status_code == 200, page.text
        action = "/fb/consent" if "/fb/" in url else "/authorize/consent"
        return self.http.post(self.server.url + action,
                              data={"consent_id": consent_id(page.text), "decision": decision})

    def approve(self, url: str, decision: str = "allow") -> httpx.Response:
        """Consent and deliver the redirect to Dango's loopback server."""
        redirect = self.consent(url, decision)
        assert redirect.status_code == 302, redirect.text
        return self.http.get(redirect.headers["location"])


@pytest.fixture
def browser(server):
    return Browser(server)


@pytest.fixture
def connect(start, browser):
    """`connect("sheet")`: run `dango auth sheet --no-browser` and approve it."""

    def run(target: str = "sheet", *extra: str) -> Result:
        running = start("auth", target, "--no-browser", *extra)
        page = browser.approve(running.url())
        assert page.status_code == 200, page.text
        result = running.finish()
        assert result.code == 0, result
        return result

    return run
