"""`google_sheets` loads for real: a refreshed token, the values API of the test server,
one table per sheet in DuckDB."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("dango.sync.runner")

SCRIPT = """
import json, sys
from pathlib import Path
from dango.project import load_project
from dango.sync import BUILDERS
BUILDERS.setdefault("google_sheets", "dango.sync.google_sheets")
from dango.sync.runner import run_sync
run = run_sync(load_project(Path(".")), ["sheet"])
out = {"results": [r.to_json() for r in run.results]}
if not run.failed:
    import duckdb
    con = duckdb.connect("data/warehouse.duckdb", read_only=True)
    out["orders"] = con.execute("select id, amount, note from raw_sheet.orders order by id").fetchall()
    out["team"] = con.execute("select name from raw_sheet.team_members").fetchall()
print(json.dumps(out, default=str))
"""


def sync(project_dir, env) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1]), proc


def expire_soon(project_dir) -> None:
    path = project_dir / ".dlt/secrets.toml"
    soon = (datetime.now(timezone.utc) + timedelta(minutes=2)).replace(microsecond=0)
    path.write_text(re.sub(r"expires_at = .*", f"expires_at = {soon.isoformat()}", path.read_text()))


def creds(project_dir) -> dict:
    return tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]["sheet"]["credentials"]


def test_sheets_load_after_the_token_is_refreshed(connect, server, project_dir, auth_env, sheet):
    server.sheets["book1"] = {
        "Orders": [["id", "amount", "note"], ["1", "9.50", "first"], ["2", "3"], []],
        "Team members": [["name"], ["Ada"], ["Grace"]],
    }
    connect("sheet")
    expire_soon(project_dir)
    before = creds(project_dir)
    out, proc = sync(project_dir, auth_env)
    assert out["results"][0]["status"] == "ok", out
    assert out["orders"] == [["1", "9.50", "first"], ["2", "3", None]]
    assert out["team"] == [["Ada"], ["Grace"]]
    after = creds(project_dir)
    assert after["access_token"] != before["access_token"]
    assert after["expires_at"] > before["expires_at"]
    assert after["access_token"] not in proc.stdout + proc.stderr
    refreshes = [f for _, p, f in server.requests if p == "/token" and f.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1


def test_a_revoked_grant_fails_that_source_with_the_fix(connect, server, project_dir, auth_env, sheet):
    server.sheets["book1"] = {"Orders": [["id"], ["1"]]}
    connect("sheet")
    expire_soon(project_dir)
    server.revoke_all()
    out, proc = sync(project_dir, auth_env)
    result = out["results"][0]
    assert result["status"] == "failed"
    assert "`dango auth sheet`" in result["error"]
    assert creds(project_dir)["revoked"] is True
