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
from .staging import start, write


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
    return [job.readable(p, "file_path") for p in found]


def table_name(job: Job) -> str:
    pattern = str(job.config.get("file_path") or "")
    if is_glob(pattern):
        return job.name
    stem = re.sub(r"[^0-9a-zA-Z_]+", "_", Path(pattern).stem).strip("_").lower()
    return stem or job.name


def plan(job: Job) -> list[str]:
    files(job)
    return [table_name(job)]


# A CSV whose line endings are mixed is read again from memory with them made uniform
# (DuckDB's dialect sniffer gives up on it), up to this size.
NORMALIZE_LIMIT = 256 * 1024 * 1024


def read_csv(con, paths: list[str], **options):
    """`paths` as one relation of DuckDB's CSV reader (`options`: its named parameters; the
    dialect is detected for whatever is not given). A single file that mixes line endings,
    which the sniffer gives up on, is read again from memory with them made uniform."""
    import duckdb

    named = "".join(f", {name} = ?" for name in options)  # names from code, values as parameters
    try:
        return con.sql(f"SELECT * FROM read_csv(?{named})", params=[paths, *options.values()])
    except duckdb.Error:
        data = uniform_line_endings(Path(paths[0])) if len(paths) == 1 else None
        if data is None:
            raise
        import io

        return con.read_csv(io.BytesIO(data), **options)


def uniform_line_endings(path: Path) -> bytes | None:
    """The file with every line ending made "\n", when it mixes "\r\n" and "\n"; else None."""
    if path.stat().st_size > NORMALIZE_LIMIT:
        return None
    data = path.read_bytes()
    crlf = data.count(b"\r\n")
    if not crlf or crlf == data.count(b"\n"):
        return None
    return data.replace(b"\r\n", b"\n")


def build(job: Job):
    paths = [str(p) for p in files(job)]
    options = {"header": bool(job.config.get("header", True))}
    if job.config.get("delimiter"):  # else detected, as for `;` in a European Excel export
        options["delimiter"] = str(job.config["delimiter"])
    if len(paths) > 1:
        options["union_by_name"] = True
    # DuckDB starts reading now, on its own threads, while dlt is imported
    staging = start(job, lambda con, folder: write(con, read_csv(con, paths, **options), folder))
    import dlt

    def rows():
        yield from staging.items()

    return dlt.resource(rows, name=table_name(job), write_disposition="replace")


def explain(job: Job, error: BaseException) -> str | None:
    """A file DuckDB's CSV reader refused, named with the problem and its fix (only for a
    failure while reading: the load into a DuckDB warehouse raises DuckDB's errors too)."""
    import duckdb

    cause = find(error, duckdb.Error)
    if cause is None or getattr(error, "step", "extract") != "extract":
        return None
    found = files(job)
    path = found[0] if len(found) == 1 else None
    return f"{job.config.get('file_path')} ({job.key('file_path')}) {unreadable_file(cause, path)}."
