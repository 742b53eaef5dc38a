"""`csv` sources: DuckDB's CSV reader writes the rows for dlt to import (`staging`, the fast path).

A single file loads into a table named after the file (`orders.csv` -> `orders`); a glob
loads every matching file into one table named after the source (columns matched by
name). Each sync replaces the table: the files are the whole truth.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

from ..errors import SyncProblem
from .explain import find, unreadable_file
from .job import Job
from .staging import start


def is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def files(job: Job) -> list[Path]:
    pattern = str(job.config.get("file_path") or "")
    if not pattern:
        raise SyncProblem(f"{job.key('file_path')} is not set; add it in .dango/sources.yml.")
    path = Path(pattern).expanduser()
    if not path.is_absolute():
        path = job.project.root / path
    if is_glob(pattern):
        found = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
    else:
        found = [path] if path.is_file() else []
    if not found:
        what = "no file matches" if is_glob(pattern) else "there is no file"
        raise SyncProblem(f"{what} {pattern} ({job.key('file_path')} in .dango/sources.yml); "
                          "check the path, relative to the project folder.")
    return found


def table_name(job: Job) -> str:
    pattern = str(job.config.get("file_path") or "")
    if is_glob(pattern):
        return job.name
    stem = re.sub(r"[^0-9a-zA-Z_]+", "_", Path(pattern).stem).strip("_").lower()
    return stem or job.name


def plan(job: Job) -> list[str]:
    files(job)
    return [table_name(job)]


def build(job: Job):
    paths = [str(p) for p in files(job)]
    delimiter = str(job.config.get("delimiter") or ",")
    header = bool(job.config.get("header", True))
    # DuckDB starts reading now, on its own threads, while dlt is imported
    query = "SELECT * FROM read_csv(?, delimiter = ?, header = ?, union_by_name = ?)"
    staging = start(job, lambda con: con.sql(query, params=[paths, delimiter, header, len(paths) > 1]))
    import dlt

    def rows():
        yield from staging.items()

    return dlt.resource(rows, name=table_name(job), write_disposition="replace")


def explain(job: Job, error: BaseException) -> str | None:
    """A file DuckDB's CSV reader refused, named with the problem and its fix."""
    import duckdb

    cause = find(error, duckdb.Error)
    if cause is None:
        return None
    return f"{job.config.get('file_path')} ({job.key('file_path')}) {unreadable_file(cause)}."
