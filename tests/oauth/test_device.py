"""`dango auth NAME --device`: the device authorization grant (RFC 8628)."""

from __future__ import annotations

import re
import time
import tomllib

from tests.conftest import snapshot


def user_code(running) -> str:
    line = running.wait_for(lambda text: "enter the code:" in text)
    return re.search(r"enter the code: (\S+)", line).group(1)


def test_device_grant(start, server, project_dir, sheet):
    running = start("auth", "sheet", "--device")
    line = running.wait_for(lambda text: "enter the code:" in text)
    assert server.url + "/device/verify" in line
    server.set_device(user_code(running), "authorized")
    result = running.finish()
    assert result.code == 0, result
    creds = tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]["sheet"]["credentials"]
    assert creds["refresh_token"].startswith("1//")
    assert creds["refresh_token"] not in result.output
    polls = [form for _, path, form in server.requests if path == "/token"]
    assert polls and all(form["grant_type"].endswith("device_code") for form in polls)


def test_slow_down_adds_five_seconds_to_the_interval(start, server, sheet):
    server.device_slow_down = True
    running = start("auth", "sheet", "--device")
    server.set_device(user_code(running), "authorized")
    started = time.monotonic()
    result = running.finish()
    assert result.code == 0, result
    assert time.monotonic() - started >= 4.5  # interval 0 + 5 after slow_down


def test_denied_and_expired(start, server, project_dir, sheet):
    before = snapshot(project_dir)
    for status, words in (("denied", "denied"), ("expired", "expired")):
        running = start("auth", "sheet", "--device")
        server.set_device(user_code(running), status)
        result = running.finish()
        assert result.code == 1, result
        assert words in result.err and "nothing was changed" in result.err
    assert snapshot(project_dir) == before
