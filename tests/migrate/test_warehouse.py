"""After `dango migrate`, `dango sync` loads into the tables upstream made, reads only what
changed, and leaves the warehouse file in the storage format upstream's DuckDB wrote."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dango import migrate
from dango.project import load_project
from dango.sync.runner import run_sync
from tests.migrate.helpers import upstream_project

UPSTREAM_MTIME = 1762162200  # 2025-11-03 09:30 UTC, the files' time when upstream loaded them
HEADER = 4096  # DuckDB's main header: magic, storage version, the version that created the file


def _rows(root: Path, sql: str) -> list:
    import duckdb

    with duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _headers(path: Path) -> tuple[bytes, list[int]]:
    """The main header, and the serialization compatibility each database header declares."""
    data = path.read_bytes()[: 3 * HEADER]
    compat = [int.from_bytes(data[start + 56: start + 64], "little") for start in (HEADER, 2 * HEADER)]
    return data[:HEADER], compat


def test_sync_after_migrate_keeps_upstream_tables_and_storage_format(tmp_path):
    root = upstream_project(tmp_path, "warehouse")
    orders = root / "data" / "uploads" / "orders"
    for path in orders.iterdir():
        os.utime(path, (UPSTREAM_MTIME, UPSTREAM_MTIME))
    warehouse = root / "data" / "warehouse.duckdb"
    main_before, compat_before = _headers(warehouse)
    assert main_before[8:12] == b"DUCK" and b"v1.5" in main_before  # written by upstream's DuckDB 1.5
    assert _rows(root, "select count(*) from raw_orders.orders") == [(3,)]

    migrate.apply(root)
    project = load_project(root)
    unchanged = run_sync(project, ["orders"]).results[0]
    assert unchanged.status == "ok" and unchanged.rows == 0, unchanged.error  # upstream's rows count as loaded

    (orders / "b.csv").write_text("order_id,amount\n3,5.5\n4,7.0\n")
    changed = run_sync(project, ["orders"]).results[0]
    assert changed.status == "ok" and changed.rows == 2, changed.error
    assert _rows(root, "select order_id, amount, _dango_filename from raw_orders.orders "
                       "where not _dango_deleted order by 1") == [
        (1, 10.5, "a.csv"), (2, 20.0, "a.csv"), (3, 5.5, "b.csv"), (4, 7.0, "b.csv")]

    main_after, compat_after = _headers(warehouse)
    assert main_after == main_before  # same storage version, same creating version
    assert max(compat_after) <= max(compat_before) or max(compat_before) == 0

    # Optional, for whoever has upstream installed (tools/make_upstream_fixtures.py says how):
    # the same check with upstream's own DuckDB. The header comparison above is what CI runs.
    upstream_python = os.environ.get("DANGO_UPSTREAM_PYTHON")
    if upstream_python:
        proc = subprocess.run([upstream_python, "-c", (
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
            "print(con.execute('select count(*) from raw_orders.orders').fetchone()[0])"),
            str(warehouse)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and proc.stdout.strip() == "4", proc.stderr


def test_upstream_mtimes_in_local_time_count_as_loaded(tmp_path, monkeypatch):
    """Upstream stored each file's time in the machine's local zone: on a machine east of
    UTC, an unchanged file must still count as loaded (not be read a second time)."""
    import time

    root = upstream_project(tmp_path, "warehouse")
    monkeypatch.setenv("TZ", "Europe/Berlin")  # UTC+1 in November
    time.tzset()
    try:
        for path in (root / "data" / "uploads" / "orders").iterdir():
            # the stored 09:30 was the local time of a file written at 08:30 UTC
            os.utime(path, (UPSTREAM_MTIME - 3600, UPSTREAM_MTIME - 3600))
        migrate.apply(root)
        unchanged = run_sync(load_project(root), ["orders"]).results[0]
    finally:
        monkeypatch.undo()
        time.tzset()
    assert unchanged.status == "ok" and unchanged.rows == 0, unchanged

