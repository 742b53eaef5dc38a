"""`local_files` sources: every CSV, JSON, JSONL/NDJSON or Parquet file of a folder, loaded
as upstream Dango 1.0 loaded them, so its dbt models keep working after `dango migrate`.

All files go into one table `raw_<source>.<source>`, each row with four extra columns:
`_dango_filename` (the file's name), `_dango_file_mtime`, `_dango_loaded_at` and
`_dango_deleted`. Only new or changed files are read again: what is loaded is read back
from that table itself (the newest `_dango_file_mtime` of each file's live rows), so a table
that upstream filled is picked up as it is. After the load, the older rows of a changed file
are deleted and the rows of a file that is gone are marked `_dango_deleted = true`.

Files are read by DuckDB's readers and streamed into dlt as Arrow batches (as `csv` is).
A file DuckDB cannot read fails the source with one sentence naming it; nothing of that
sync is loaded.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SyncProblem
from ..registry import LOCAL_FILE_READERS
from .job import Job

BATCH_ROWS = 250_000
READERS = LOCAL_FILE_READERS
COLUMNS = ("_dango_filename", "_dango_file_mtime", "_dango_loaded_at", "_dango_deleted")


@dataclass
class FileInfo:
    path: Path
    mtime: datetime  # UTC, naive (as DuckDB's TIMESTAMP holds it)

    @property
    def name(self) -> str:
        return self.path.name


def folder(job: Job) -> Path:
    directory = str(job.config.get("directory") or "")
    if not directory:
        raise SyncProblem(f"{job.key('directory')} is not set; add it in .dango/sources.yml.")
    path = Path(directory).expanduser()
    return path if path.is_absolute() else job.project.root / path


def files(job: Job) -> list[FileInfo]:
    """The files the pattern matches that a reader exists for, sorted by name."""
    base = folder(job)
    if not base.is_dir():
        raise SyncProblem(f"the folder {job.config.get('directory')} ({job.key('directory')} in "
                          ".dango/sources.yml) does not exist; create it or fix the path.")
    pattern = str(job.config.get("file_pattern") or "*")
    found: dict[str, FileInfo] = {}
    for name in sorted(glob.glob(str(base / pattern), recursive=True)):
        path = Path(name)
        if not path.is_file() or path.suffix.lower() not in READERS:
            continue
        if path.name in found:
            raise SyncProblem(f"two files named {path.name} match {pattern} in {base.name}/; rows "
                              "are tracked by file name, so rename one of them.")
        stat = path.stat()
        mtime = datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None)
        found[path.name] = FileInfo(path, mtime)
    return list(found.values())


def plan(job: Job) -> list[str]:
    files(job)
    return [job.name]


def _loaded(job: Job) -> dict[str, datetime]:
    """File name -> newest mtime of its live rows, read from the destination's table."""
    if job.full_refresh:
        return {}
    import dlt

    pipeline = dlt.current.pipeline()
    try:
        with pipeline.sql_client() as client:
            table = client.make_qualified_table_name(job.name)
            rows = client.execute_sql(
                f"SELECT _dango_filename, max(_dango_file_mtime) FROM {table} "
                "WHERE _dango_deleted IS NOT TRUE GROUP BY 1")
    except Exception:  # no dataset or table yet: everything is new
        return {}
    return {str(name): mtime for name, mtime in rows or []}


def _same(stored, mtime: datetime) -> bool:
    if stored is None:
        return False
    if isinstance(stored, str):
        stored = datetime.fromisoformat(stored)
    if stored.tzinfo is not None:  # a TIMESTAMPTZ comes back in the local zone
        stored = stored.astimezone(timezone.utc)
    stored = stored.replace(tzinfo=None)
    # upstream kept whole seconds
    return stored == mtime or stored == mtime.replace(microsecond=0)


# A CSV whose line endings are mixed is read again from memory with them made uniform
# (DuckDB's dialect sniffer gives up on it), up to this size.
NORMALIZE_LIMIT = 256 * 1024 * 1024


def _read(con, info: FileInfo):
    reader = READERS[info.path.suffix.lower()]
    path = str(info.path)
    if reader == "parquet":
        return con.read_parquet(path)
    if reader == "json":
        return con.read_json(path)
    import duckdb

    try:
        return con.read_csv(path)
    except duckdb.Error:
        data = _uniform_line_endings(info.path)
        if data is None:
            raise
        import io

        return con.read_csv(io.BytesIO(data))


def _uniform_line_endings(path: Path) -> bytes | None:
    """The file with every line ending made "\n", when it mixes "\r\n" and "\n"; else None."""
    if path.stat().st_size > NORMALIZE_LIMIT:
        return None
    data = path.read_bytes()
    crlf = data.count(b"\r\n")
    if not crlf or crlf == data.count(b"\n"):
        return None
    return data.replace(b"\r\n", b"\n")


def _problem(job: Job, info: FileInfo, error: Exception) -> SyncProblem:
    text = str(error)
    if "unicode" in text.lower() or "utf-8" in text.lower() or "utf8" in text.lower():
        what = "is not UTF-8 text; save it as UTF-8 (in Excel: CSV UTF-8) and sync again"
    elif "column" in text.lower() and "inconsistent" in text.lower():
        what = "has rows with differing numbers of columns; fix those rows and sync again"
    else:
        first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
        what = f"could not be read ({first[:160].rstrip('.')}); fix the file and sync again"
    return SyncProblem(f"{info.name} in {job.config.get('directory')} ({job.key('directory')}) {what}.")


def build(job: Job):
    import dlt

    found = files(job)
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)

    def rows():
        loaded = _loaded(job)
        fresh = [f for f in found if not _same(loaded.get(f.name), f.mtime)]
        changed = [f.name for f in fresh if f.name in loaded]
        gone = sorted(set(loaded) - {f.name for f in found})
        counts: dict[str, int] = {}
        job.extra["after_load"] = lambda pipeline: _finish(job, pipeline, changed, gone, counts)
        yield from _items(job, fresh, loaded_at, counts)

    return dlt.resource(rows, name=job.name, write_disposition="append")


PATH_COLUMN = "_dango_source_path"


def _groups(fresh: list[FileInfo]) -> list[list[FileInfo]]:
    by_reader: dict[str, list[FileInfo]] = {}
    for info in fresh:
        by_reader.setdefault(READERS[info.path.suffix.lower()], []).append(info)
    return list(by_reader.values())


def _read_many(con, group: list[FileInfo], loaded_at: datetime):
    """Every file of `group` (one format) in one relation, with the four `_dango_*` columns
    computed by DuckDB (a CASE on the path: as fast as the bare read, unlike a join)."""
    reader = READERS[group[0].path.suffix.lower()]
    paths = [str(info.path) for info in group]
    if reader == "parquet":
        relation = con.read_parquet(paths, filename=PATH_COLUMN, union_by_name=True)
    elif reader == "json":
        relation = con.read_json(paths, filename=PATH_COLUMN)
    else:
        relation = con.read_csv(paths, union_by_name=True, filename=PATH_COLUMN)

    def text(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    mtimes = " ".join(f"WHEN {text(str(info.path))} THEN TIMESTAMP {text(info.mtime.isoformat(sep=' '))}"
                      for info in group)
    names = " ".join(f"WHEN {text(str(info.path))} THEN {text(info.name)}" for info in group)
    stamp = text(loaded_at.isoformat(sep=" "))
    return relation.project(
        f"* EXCLUDE ({PATH_COLUMN}), CASE {PATH_COLUMN} {names} END AS _dango_filename, "
        f"CASE {PATH_COLUMN} {mtimes} END AS _dango_file_mtime, "
        f"TIMESTAMP {stamp} AS _dango_loaded_at, false AS _dango_deleted")


def _with_columns(table, info: FileInfo, loaded_at: datetime):
    import pyarrow as pa

    n = table.num_rows
    table = table.append_column("_dango_filename", pa.array([info.name] * n, pa.string()))
    table = table.append_column("_dango_file_mtime", pa.array([info.mtime] * n, pa.timestamp("us")))
    table = table.append_column("_dango_loaded_at", pa.array([loaded_at] * n, pa.timestamp("us")))
    return table.append_column("_dango_deleted", pa.array([False] * n, pa.bool_()))


def _items(job: Job, fresh: list[FileInfo], loaded_at: datetime, counts: dict[str, int]):
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    with duckdb.connect() as con:
        for group in _groups(fresh):
            passed = False
            try:  # the fast path: every file of a format in one query, read in parallel
                reader = _read_many(con, group, loaded_at).to_arrow_reader(BATCH_ROWS)
                for batch in reader:
                    if batch.num_rows:
                        names = batch.column(batch.schema.get_field_index("_dango_filename"))
                        for item in pc.value_counts(names).to_pylist():
                            counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]
                        passed = True
                        yield pa.Table.from_batches([batch])
                continue
            except duckdb.Error:
                pass
            # one by one: to load what the joint read could not (mixed line endings), or, when
            # rows were already passed on, only to name the file that fails
            for info in group:
                try:
                    for batch in _read(con, info).to_arrow_reader(BATCH_ROWS):
                        if batch.num_rows and not passed:
                            counts[info.name] = counts.get(info.name, 0) + batch.num_rows
                            yield _with_columns(pa.Table.from_batches([batch]), info, loaded_at)
                except duckdb.Error as error:
                    if _empty(info):
                        continue  # an empty file or a header alone: nothing to load
                    raise _problem(job, info, error) from None
            if passed:
                raise SyncProblem(f"the files of {job.config.get('directory')} could not be read "
                                  "together although each reads alone; nothing was loaded. Sync "
                                  "them again, or move the newest file out and back in.")


def _empty(info: FileInfo) -> bool:
    try:
        text = info.path.read_bytes()[:65536]
    except OSError:
        return False
    return len([line for line in text.splitlines() if line.strip()]) <= 1 and \
        info.path.suffix.lower() == ".csv" or not text.strip()


def _finish(job: Job, pipeline, changed: list[str], gone: list[str], counts: dict[str, int]) -> None:
    """After the load: drop a changed file's older rows (all of them when it now has none),
    mark a gone file's rows deleted."""
    if not changed and not gone:
        return
    with pipeline.sql_client() as client:
        table = client.make_qualified_table_name(job.name)
        for name in changed:
            if counts.get(name):
                client.execute_sql(
                    f"DELETE FROM {table} WHERE _dango_filename = %s AND _dango_loaded_at < "
                    f"(SELECT max(_dango_loaded_at) FROM {table} WHERE _dango_filename = %s)",
                    name, name)
            else:
                client.execute_sql(f"DELETE FROM {table} WHERE _dango_filename = %s", name)
        for name in gone:
            client.execute_sql(f"UPDATE {table} SET _dango_deleted = TRUE WHERE _dango_filename = %s",
                               name)
