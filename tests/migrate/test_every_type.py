"""After `dango migrate`, every command loads the project, whatever upstream type its
sources have: each type upstream 1.0.13 knows, one source each."""

from __future__ import annotations

import tomllib

from dango import migrate
from dango.migrate.convert import UPSTREAM_TYPES
from dango.project import load_project
from dango.sources import load_sources
from dango.validate import validate
from tests.conftest import run_dango
from tests.migrate.helpers import upstream_project

GADS_TOKENS = """
[sources.google_ads.credentials]
client_id = "1234567890-ads.apps.googleusercontent.com"
client_secret = "GOCSPX-UPSTREAMcanaryAdsSecret01"  # dango:allow
refresh_token = "1//UPSTREAMcanaryAdsRefresh000001"  # dango:allow
dev_token = "UPSTREAMcanaryDevToken0000001"  # dango:allow
customer_id = "1234567890"
"""


def _every_type(root) -> None:
    lines = ["version: '1.0'", "sources:"]
    for kind in UPSTREAM_TYPES:
        lines += [f"- name: src_{kind}", f"  type: {kind}", "  enabled: true", "  generic_config:",
                  "    start_date: '2024-01-01'"]
    (root / ".dango/sources.yml").write_text("\n".join(lines) + "\n")
    with open(root / ".dlt/secrets.toml", "a") as handle:
        handle.write(GADS_TOKENS)


def test_every_upstream_type_loads_after_migrate(tmp_path, env):
    root = upstream_project(tmp_path)
    _every_type(root)
    plan = "\n".join(line for _, line in migrate.pending(root).lines)
    assert "cannot load google_ads" not in plan
    migrate.apply(root)
    project = load_project(root)
    sources = {s.name: s for s in load_sources(project)}
    assert set(sources) == {f"src_{kind}" for kind in UPSTREAM_TYPES}
    gads = sources["src_google_ads"]
    assert gads.enabled and gads.kept is None and gads.options["customer_id"] == "1234567890"
    section = tomllib.loads((root / ".dlt/secrets.toml").read_text())["sources"]["src_google_ads"]
    assert section["dev_token"] == "UPSTREAMcanaryDevToken0000001"  # dango:allow
    assert section["credentials"]["refresh_token"] == "1//UPSTREAMcanaryAdsRefresh000001"  # dango:allow
    report = validate(project)
    assert not [p for p in report.problems if "has no field" in p.message or "matches no source" in p.message]
    for command in (("validate",), ("source", "list")):
        result = run_dango(*command, cwd=root, env=env)
        assert "has no field" not in result.err and "Traceback" not in result.err, result
        assert result.code in (0, 1), result
