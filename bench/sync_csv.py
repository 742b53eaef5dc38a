"""How fast does `dango sync` load a large CSV? Three ways, one generated file.

1. `dango sync` (a subprocess, as a user runs it: DuckDB's CSV reader writes Parquet that
   dlt imports as is);
2. a plain default dlt pipeline: rows from `csv.DictReader` into dlt's duckdb destination;
3. a bare process running DuckDB's own `CREATE TABLE ... AS SELECT * FROM read_csv(...)` (the limit).

Also `dango sync` of a one-row CSV: what a sync costs before any data (Python, dlt's
imports, its configuration, state and load package), the floor under the first figure.
Prints median wall times (plain dlt: one run) and the ratios.
Usage: python bench/sync_csv.py [--rows N] [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, rows: int, first: int = 0) -> None:
    """A CSV of order rows `first` to `first + rows` (also the files of bench/local_files.py)."""
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"""
            COPY (
              SELECT i AS order_id,
                     TIMESTAMP '2026-01-01' + i * INTERVAL 1 SECOND AS ordered_at,
                     'customer ' || (i % 5000) AS customer,
                     round((i % 100000) / 100.0, 2) AS amount_eur,
                     CASE i % 3 WHEN 0 THEN 'paid' WHEN 1 THEN 'pending' ELSE 'refunded' END AS status
              FROM range({first}, {first + rows}) t(i)
            ) TO '{path}' (HEADER, DELIMITER ',')""")


def timed(label: str, func, runs: int = 1, before=None) -> float:
    """Median wall time of `runs` calls of `func` (`before` runs untimed ahead of each)."""
    print(f"{label} ...", flush=True)
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    print(f"  {seconds:.2f}s" + (f" (median of {runs})" if runs > 1 else ""), flush=True)
    return seconds


def count(db: Path, table: str) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def new_project(project: Path, env: dict[str, str], *source: str) -> None:
    """`dango init project`, then `dango source add *source --no-input` in it."""
    dango = [sys.executable, "-m", "dango"]
    subprocess.run([*dango, "init", str(project)], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([*dango, "source", "add", *source, "--no-input"], check=True, cwd=project,
                   env=env, stdout=subprocess.DEVNULL)


def timed_syncs(project: Path, env: dict[str, str], runs: int, label: str, before=None) -> float:
    """Median time of `dango sync` in `project`, run as a user runs it (a subprocess)."""
    return timed(label, lambda: subprocess.run([sys.executable, "-m", "dango", "sync"], check=True,
                                               cwd=project, env=env, stdout=subprocess.DEVNULL),
                 runs, before)


def run_dango(project: Path, data: Path, env: dict[str, str], runs: int, label: str) -> float:
    """`dango sync` of a csv source reading `data` (each run replaces the table)."""
    new_project(project, env, "csv", "--name", "bench", "--set", f"file_path={data}")
    return timed_syncs(project, env, runs, label)


def run_plain_dlt(work: Path, data: Path) -> Path:
    import dlt

    db = work / "plain_dlt.duckdb"

    def rows():
        with open(data, newline="") as f:
            yield from csv.DictReader(f)

    pipeline = dlt.pipeline("bench_plain", pipelines_dir=str(work / "pipelines"),
                            destination=dlt.destinations.duckdb(str(db)), dataset_name="raw")
    pipeline.run(dlt.resource(rows, name="orders"))
    return db


def run_duckdb(work: Path, data: Path) -> Path:
    """A bare process that runs DuckDB's read_csv into a table: the limit, start-up included."""
    db = work / "duckdb_only.duckdb"
    db.unlink(missing_ok=True)
    code = ("import duckdb, sys\n"
            "with duckdb.connect(sys.argv[1]) as con:\n"
            "    con.execute('CREATE TABLE orders AS SELECT * FROM read_csv(?)', [sys.argv[2]])\n")
    subprocess.run([sys.executable, "-c", code, str(db), str(data)], check=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dango-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, HOME=str(work), RUNTIME__DLTHUB_TELEMETRY="false")
        os.environ.update(RUNTIME__DLTHUB_TELEMETRY="false", DLT_DATA_DIR=str(work / "dlt"))
        data = work / "orders.csv"
        start = time.perf_counter()
        generate(data, args.rows)
        print(f"generated {args.rows:,} rows ({data.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - start:.1f}s", flush=True)

        project = work / "project"
        dango_s = run_dango(project, data, env, args.runs, "dango sync")
        one_row = work / "one_row.csv"
        one_row.write_text(data.open().readline() + "1,2026-01-01 00:00:01,customer 1,0.01,paid\n")
        fixed_s = run_dango(work / "one_row", one_row, env, args.runs, "dango sync of a one-row CSV")
        plain_db = work / "plain_dlt.duckdb"
        plain_s = timed("plain default dlt pipeline (csv.DictReader rows)", lambda: run_plain_dlt(work, data))
        duck_s = timed("a bare DuckDB process: read_csv into a table", lambda: run_duckdb(work, data),
                       args.runs)

        loaded = {"dango sync": count(project / "data" / "warehouse.duckdb", "raw_bench.orders"),
                  "plain dlt": count(plain_db, "raw.orders"),
                  "duckdb": count(work / "duckdb_only.duckdb", "orders")}
        assert all(n == args.rows for n in loaded.values()), loaded
        print()
        print(f"{'method':<44}{'seconds':>9}{'vs duckdb':>11}")
        for label, seconds in (("dango sync (DuckDB -> Parquet -> dlt)", dango_s),
                               ("  of which a sync's own cost (one-row CSV)", fixed_s),
                               ("plain default dlt pipeline", plain_s),
                               ("bare DuckDB process (the limit)", duck_s)):
            print(f"{label:<44}{seconds:>9.2f}{seconds / duck_s:>10.1f}x")
        print(f"\ndango sync is {plain_s / dango_s:.1f}x faster than the plain dlt pipeline, "
              f"and {dango_s / duck_s:.1f}x the time of a bare DuckDB process (both include process "
              f"start). Target: at most 2x. A sync of one row already takes {fixed_s:.2f}s "
              f"({fixed_s / duck_s:.1f}x): importing dlt and running its three steps; the "
              f"{args.rows:,} rows add {dango_s - fixed_s:.2f}s to it.")


if __name__ == "__main__":
    main()
