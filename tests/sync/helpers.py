"""Helpers for the sync tests: adding sources, reading the warehouse."""

from __future__ import annotations

from pathlib import Path

ORDERS = Path(__file__).resolve().parents[2] / "examples" / "data" / "orders.csv"


def add(dango, type_name: str, name: str, *sets: str, secrets: dict[str, str] | None = None,
        refs: dict[str, str] | None = None):
    args = ["source", "add", type_name, "--name", name, "--no-input"]
    for item in sets:
        args += ["--set", item]
    for field, variable in (refs or {}).items():
        args += ["--ref", f"{field}={variable}"]
    result = dango(*args)
    assert result.code == 0, result
    for field, value in (secrets or {}).items():
        stored = dango("secrets", "set", f"{name}.{field}", input=value)
        assert stored.code == 0, stored
    return result


def count(project_dir: Path, table: str) -> int:
    import duckdb

    with duckdb.connect(str(project_dir / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def tables(project_dir: Path, schema: str) -> set[str]:
    import duckdb

    with duckdb.connect(str(project_dir / "data" / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select table_name from information_schema.tables where table_schema = ?",
                           [schema]).fetchall()
    return {r[0] for r in rows if not r[0].startswith("_dlt")}
