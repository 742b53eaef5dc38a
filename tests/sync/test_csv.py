"""CSV sources: the fast path into DuckDB, globs, dry runs, and a missing file."""

from __future__ import annotations

import shutil

from tests.conftest import snapshot
from tests.sync.helpers import ORDERS, add, count, tables


def test_csv_loads_into_its_schema_and_resync_replaces(dango, project_dir, home):
    shutil.copy(ORDERS, project_dir / "data" / "orders.csv")
    add(dango, "csv", "shop", "file_path=data/orders.csv")

    first = dango("sync")
    assert first.code == 0, first
    assert count(project_dir, "raw_shop.orders") == 500
    summary = first.out.splitlines()
    assert any(line.split()[:3] == ["shop", "orders", "500"] and line.endswith("ok") for line in summary), first
    assert "SOURCE" in first.out and "SECONDS" in first.out and "STATUS" in first.out

    again = dango("sync")
    assert again.code == 0, again
    assert count(project_dir, "raw_shop.orders") == 500  # replaced, not appended

    # dlt's state stays inside the project, ignored by git; nothing in the home folder
    pipelines = project_dir / ".dango" / "pipelines"
    assert (pipelines / "dango_shop").is_dir()
    assert (pipelines / ".gitignore").read_text().strip().endswith("*")
    assert not (home / ".dlt").exists()
    assert not any(home.rglob("*dango_shop*"))


def test_glob_loads_every_file_into_one_table_named_after_the_source(dango, project_dir):
    folder = project_dir / "exports"
    folder.mkdir()
    (folder / "jan.csv").write_text("id;amount\n1;10\n2;20\n")
    (folder / "feb.csv").write_text("id;amount\n3;30\n")
    add(dango, "csv", "monthly", "file_path=exports/*.csv", "delimiter=;")
    result = dango("sync")
    assert result.code == 0, result
    assert count(project_dir, "raw_monthly.monthly") == 3
    assert tables(project_dir, "raw_monthly") == {"monthly"}


def test_dry_run_shows_the_plan_and_writes_nothing(dango, project_dir):
    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    before = snapshot(project_dir)
    result = dango("sync", "--dry-run")
    assert result.code == 0, result
    assert "would load" in result.out and "orders" in result.out
    assert "Dry run" in result.out
    assert snapshot(project_dir) == before
    assert not (project_dir / "data" / "warehouse.duckdb").exists()
    assert not (project_dir / ".dango" / "pipelines").exists()


def test_missing_file_fails_that_source_only(dango, project_dir):
    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "gone", "file_path=exports/nothing.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    add(dango, "google_analytics", "ga", "property_id=123456")
    result = dango("sync")
    assert result.code == 1, result
    assert "error: ga: dango cannot load google_analytics sources yet" in result.err
    assert "error: gone: there is no file exports/nothing.csv ([sources.gone] file_path" in result.err
    assert "Traceback" not in result.output
    assert count(project_dir, "raw_shop.orders") == 500
    status = {line.split()[0]: line.split()[-1] for line in result.out.splitlines()
              if line.startswith(("gone ", "shop ", "ga ")) and "starting" not in line}
    assert status == {"gone": "failed", "shop": "ok", "ga": "failed"}


def test_select_one_source_and_unknown_names(dango, project_dir):
    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    add(dango, "csv", "other", "file_path=orders.csv")
    result = dango("sync", "--source", "other", "--json")
    assert result.code == 0, result
    import json

    data = json.loads(result.out)
    assert [s["source"] for s in data["sources"]] == ["other"]
    assert data["sources"][0]["rows"] == 500 and data["sources"][0]["tables"] == {"orders": 500}
    unknown = dango("sync", "--source", "nope")
    assert unknown.code == 2 and "No source named 'nope'" in unknown.err


def test_no_sources_is_not_an_error(dango):
    result = dango("sync")
    assert result.code == 0, result
    assert "No enabled sources" in result.out


def test_progress_and_summary_on_a_terminal(project_dir, env):
    import os
    import pty
    import subprocess
    import sys

    shutil.copy(ORDERS, project_dir / "orders.csv")
    from tests.conftest import run_dango

    assert run_dango("source", "add", "csv", "--name", "shop", "--no-input", "--set",
                     "file_path=orders.csv", cwd=project_dir, env=env).code == 0
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dango", "sync"], cwd=project_dir, env=env,
                            stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=60)
    os.close(leader)
    screen = b"".join(chunks).decode(errors="replace")
    assert code == 0, screen
    assert "shop" in screen and "500" in screen and "┃" in screen  # rich's table
