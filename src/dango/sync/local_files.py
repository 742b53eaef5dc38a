"""`local_files` sources: every CSV, JSON, JSONL/NDJSON or Parquet file of a folder, loaded
as upstream Dango 1.0 loaded them, so its dbt models keep working after `dango migrate`.

All files go into one table `raw_<source>.<source>`, each row with four extra columns:
`_dango_filename` (the file's name), `_dango_file_mtime`, `_dango_loaded_at` and
`_dango_deleted`. Only new or changed files are read again: what is loaded is read back
from that table itself (the newest `_dango_file_mtime` of each file's live rows), so a table
that upstream filled is picked up as it is. After the load, the older rows of a changed file
are deleted and the rows of a file that is gone are marked `_dango_deleted = true`.

Which files: `folder_listing`. Files are read by DuckDB's readers, written by DuckDB for dlt
to import (`staging`, as `csv` does). A file DuckDB cannot read fails the source with one
sentence naming it; nothing of that sync is loaded. So does a file with a column of one of the four names (once
normalized, as `_Dango_Deleted`): those columns always say where a row came from and when, so
a file cannot set them; rename the file's column.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SyncProblem
from .csv_files import EVERY_ROW, PADDED, read_csv
from .explain import generic, name_collision, refused, unreadable_file
from .folder_listing import FileInfo, files, reader_of, where
from .job import Job
from . import fit, sniff
from .literal import exact, exact_all
from .ragged import garbled, maybe_ragged
from .staging import StagedFile, start, write

COLUMNS = ("_dango_filename", "_dango_file_mtime", "_dango_loaded_at", "_dango_deleted")
# dlt's naming keeps a name's ASCII letters and digits (changing case, separators, and
# splitting camelCase): a column whose letters and digits spell one of the four may become it
# (`_dangoDeleted`, `_Dango-Deleted`), so it is refused: a few more than dlt would merge
SPELLED = {column.replace("_", "") for column in COLUMNS}


def plan(job: Job) -> list[str]:
    files(job)
    return [job.name]


def _loaded(job: Job) -> tuple[dict[str, datetime | None], set[str], dict[str, dict]]:
    """File name -> newest mtime of its live rows (None when all its rows are marked deleted:
    a file that was gone), read from the destination's table; the files whose rows come from
    more than one load (a sync stopped before it removed a changed file's older rows: read
    again); and that table's columns (`fit`). All empty when the table does not exist yet or
    is loaded anew."""
    if job.full_refresh:
        return {}, set(), {}
    import dlt

    pipeline = dlt.current.pipeline()
    # any failure (a warehouse another process holds) stops this source: taking it for
    # "nothing loaded" would read every file again and load its rows a second time
    with pipeline.destination_client() as client:
        columns = fit.warehouse_columns(client, job.name)
        if not columns:  # no dataset or table yet: everything is new
            return {}, set(), {}
        table = client.sql_client.make_qualified_table_name(job.name)
        rows = client.sql_client.execute_sql(
            "SELECT _dango_filename, max(_dango_file_mtime) FILTER (WHERE _dango_deleted IS NOT "
            f"TRUE), count(DISTINCT _dango_loaded_at) > 1 FROM {table} GROUP BY 1")
    rows = rows or []
    return ({str(name): mtime for name, mtime, _ in rows},
            {str(name) for name, _, mixed in rows if mixed}, columns)


def _same(stored, mtime: datetime) -> bool:
    """Whether a stored `_dango_file_mtime` is the file's `mtime` (UTC, naive): as dango
    stores it (UTC, to the microsecond), or as upstream did (the machine's local time, whole
    seconds, in a TIMESTAMP without zone)."""
    if stored is None:
        return False
    if isinstance(stored, str):
        stored = datetime.fromisoformat(stored)
    if stored.tzinfo is not None:  # a TIMESTAMPTZ comes back in the local zone
        return stored.astimezone(timezone.utc).replace(tzinfo=None) == mtime
    local = mtime.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)
    return stored in (mtime, mtime.replace(microsecond=0), local.replace(microsecond=0))


def _read(job: Job, con, info: FileInfo, **options):
    reader = reader_of(info.path)
    path = exact(con, info.path, where(job)(info.path))
    if reader == "parquet":
        return con.sql("SELECT * FROM read_parquet(?)", params=[path])
    if reader == "json":
        array = sniff.json_array_after_bom(info.path)  # else read as one value, `json`
        return con.sql("SELECT * FROM read_json(?" + (", format = 'array')" if array else ")"),
                       params=[path])
    return read_csv(con, [info.path], where(job), **options)


def _problem(job: Job, info: FileInfo, error: Exception) -> SyncProblem:
    return SyncProblem(f"{info.name} in {job.config.get('directory')} ({job.setting('directory')}) "
                       f"{unreadable_file(error, info.path)}.")


def build(job: Job):
    import dlt

    found = files(job)
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)

    def rows():
        loaded, mixed, columns = _loaded(job)
        fresh = [f for f in found if f.name in mixed or not _same(loaded.get(f.name), f.mtime)]
        # a file with rows already (a restored file's are all deleted) has them replaced
        changed = [f.name for f in fresh if f.name in loaded]
        gone = sorted({name for name, mtime in loaded.items() if mtime is not None}
                      - {f.name for f in found})
        counts: dict[str, int] = {}  # file name -> rows written
        job.extra["after_load"] = lambda pipeline: _finish(job, pipeline, loaded_at, changed, gone,
                                                           counts)
        job.extra["read"] = [info.name for info in fresh]  # named by `explain` if the load fails
        staging = start(job, lambda con, folder: _stage(job, con, fresh, loaded_at, folder, counts))
        yield from staging.items(lambda staged: _fits(job, staged, columns))

    return dlt.resource(rows, name=job.name, write_disposition="append")


def _fits(job: Job, staged: StagedFile, columns: dict[str, dict]) -> None:
    """SyncProblem naming the first file with values its table's columns would change."""
    import duckdb

    with duckdb.connect() as con:
        found = fit.misfit(con, staged.path, columns)
        if found is None:
            return
        name = con.execute(f"SELECT min(_dango_filename) FROM read_parquet(?) WHERE {found.rows}",
                           [exact(con, staged.path, staged.path.name)]).fetchone()[0]
    raise SyncProblem(fit.sentence(where(job)(Path(name)), found, job))


PATH_COLUMN = "_dango_source_path"


def _groups(fresh: list[FileInfo]) -> list[list[FileInfo]]:
    by_reader: dict[str, list[FileInfo]] = {}
    for info in fresh:
        by_reader.setdefault(reader_of(info.path), []).append(info)
    return list(by_reader.values())


def _read_many(job: Job, con, group: list[FileInfo], loaded_at: datetime):
    """Every file of `group` (one format) in one relation, with the four `_dango_*` columns
    computed by DuckDB (a CASE on the path: as fast as the bare read, unlike a join)."""
    reader = reader_of(group[0].path)
    paths = exact_all(con, [info.path for info in group], where(job))
    # SQL rather than con.read_csv(...): the same reader, bound in a third of the time
    if reader == "parquet":
        query = f"SELECT * FROM read_parquet(?, filename = '{PATH_COLUMN}', union_by_name = true)"
    elif reader == "json":
        query = f"SELECT * FROM read_json(?, filename = '{PATH_COLUMN}')"
    else:
        query = f"SELECT * FROM read_csv(?, filename = '{PATH_COLUMN}', union_by_name = true)"
    relation = con.sql(query, params=[paths])
    columns = [column for column in relation.columns if column != PATH_COLUMN]
    if _reserved(columns) or reader == "csv" and (garbled(columns) or maybe_ragged(columns)) or \
            any(_alone(reader, info.path) for info in group):
        raise OneByOne  # which file has that column; short or long rows; a first line of its own

    mtimes = " ".join(f"WHEN {_text(str(info.path))} THEN TIMESTAMP {_text(info.mtime.isoformat(sep=' '))}"
                      for info in group)
    names = " ".join(f"WHEN {_text(str(info.path))} THEN {_text(info.name)}" for info in group)
    stamp = _text(loaded_at.isoformat(sep=" "))
    # every column a CASE on the path: DuckDB would mark a plain constant NOT NULL in the
    # Parquet file, where dlt expects what Arrow gives (nullable) and would rewrite the file
    known = f"CASE WHEN {PATH_COLUMN} IS NOT NULL THEN"
    return relation.project(
        f"* EXCLUDE ({PATH_COLUMN}), CASE {PATH_COLUMN} {names} END AS _dango_filename, "
        f"CASE {PATH_COLUMN} {mtimes} END AS _dango_file_mtime, "
        f"{known} TIMESTAMP {stamp} END AS _dango_loaded_at, {known} false END AS _dango_deleted")


def _text(value: str) -> str:
    """`value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _alone(reader: str, path: Path) -> bool:
    """Whether a file must be read with options of its own (`sniff`)."""
    if reader == "csv":
        return sniff.excel_separator(path) is not None
    return reader == "json" and sniff.json_array_after_bom(path)


class OneByOne(Exception):
    """A file of a group must be read alone: a column named like one of dango's own, or one
    DuckDB named itself (maybe a row with too many fields)."""


def _reserved(columns: list[str]) -> list[str]:
    """The columns that could take the name of one of dango's four once normalized."""
    return [c for c in columns if re.sub(r"[^0-9A-Za-z]+", "", c).lower() in SPELLED]


def _with_columns(job: Job, relation, info: FileInfo, loaded_at: datetime):
    """One file's relation with the four `_dango_*` columns (the one-by-one path); a file
    with a column of that name is refused: those four always say where a row came from."""
    reserved = _reserved(relation.columns)
    if reserved:
        raise SyncProblem(f"{info.name} in {job.config.get('directory')} ({job.setting('directory')}) "
                          f"has a column {reserved[0]}, a name dango keeps for its own columns of "
                          "every row; rename that column in the file and sync again.")
    return relation.project(
        f"*, {_text(info.name)} AS _dango_filename, "
        f"TIMESTAMP {_text(info.mtime.isoformat(sep=' '))} AS _dango_file_mtime, "
        f"TIMESTAMP {_text(loaded_at.isoformat(sep=' '))} AS _dango_loaded_at, "
        "false AS _dango_deleted")


def _stage(job: Job, con, selected: list[FileInfo], loaded_at: datetime, folder: Path,
           counts: dict[str, int]) -> StagedFile | None:
    """One Parquet file of every row of `selected`, or None when they hold no rows (one
    file per table: dlt would have to join files of differing columns itself, and cannot
    when it must rewrite them); `counts` gets each file's rows."""
    for info in selected:
        if reader_of(info.path) == "json" and sniff.json_array_cut(info.path):
            raise SyncProblem(f"{where(job)(info.path)} ends inside its JSON array (there is no "
                              "closing ]); if it is still being written, sync again once it is "
                              "complete, else fix the file.")
    parts = [part for part in _parts(job, con, selected, loaded_at, folder) if part.rows]
    if not parts:
        return None
    staged = parts[0] if len(parts) == 1 else write(con, con.sql(
        "SELECT * FROM read_parquet(?, union_by_name = true)",  # columns matched by name
        params=[[exact(con, part.path, part.path.name) for part in parts]]), folder, "all")
    counts.update(con.execute("SELECT _dango_filename, count(*) FROM read_parquet(?) GROUP BY 1",
                              [exact(con, staged.path, staged.path.name)]).fetchall())
    return staged


def _parts(job: Job, con, fresh: list[FileInfo], loaded_at: datetime, folder: Path):
    """The fresh files written to Parquet: one file per format when they read together (the
    fast path, in parallel), else one per file, which also names the file that fails."""
    import duckdb

    for n, group in enumerate(_groups(fresh)):
        try:
            yield write(con, _read_many(job, con, group, loaded_at), folder, f"{n}")
            continue
        except (duckdb.Error, OneByOne):
            pass  # mixed line endings, a file that cannot be read, a reserved name: one by one
        for i, info in enumerate(group):
            staged = _one(job, con, info, loaded_at, folder, f"{n}-{i}")
            if staged is not None:
                yield staged


def _one(job: Job, con, info: FileInfo, loaded_at: datetime, folder: Path, name: str):
    """One file written to Parquet (a CSV read again `PADDED`, then `EVERY_ROW`, if it fails
    under way), None when it is empty or a header alone; a file that cannot be read fails in
    one sentence."""
    import duckdb

    csv = reader_of(info.path) == "csv"
    first = None
    for options in ({}, PADDED, EVERY_ROW) if csv else ({},):
        try:
            return write(con, _with_columns(job, _read(job, con, info, **options), info, loaded_at),
                         folder, name)
        except duckdb.Error as error:
            first = first or error
    if _empty(info):
        return None  # nothing to load
    raise _problem(job, info, first)


def _empty(info: FileInfo) -> bool:
    """Whether the file has nothing to load: blank, or a CSV header alone."""
    return sniff.lines_at_most(info.path, 1 if reader_of(info.path) == "csv" else 0)


def _finish(job: Job, pipeline, loaded_at: datetime, changed: list[str], gone: list[str],
            counts: dict[str, int]) -> None:
    """After the load: drop every row of a changed or restored file but those this sync
    loaded (`loaded_at`: by value, not by which is newer, which another machine's clock
    could turn round), deleted ones included, all of them when it now has none; mark a gone
    file's rows deleted."""
    if not changed and not gone:
        return
    stamp = loaded_at.replace(tzinfo=timezone.utc)
    with pipeline.sql_client() as client:
        table = client.make_qualified_table_name(job.name)
        for name in changed:
            if counts.get(name):
                client.execute_sql(f"DELETE FROM {table} WHERE _dango_filename = %s AND "
                                   "_dango_loaded_at IS DISTINCT FROM %s", name, stamp)
            else:
                client.execute_sql(f"DELETE FROM {table} WHERE _dango_filename = %s", name)
        for name in gone:
            client.execute_sql(f"UPDATE {table} SET _dango_deleted = TRUE WHERE _dango_filename = %s",
                               name)


def explain(job: Job, error: BaseException) -> str | None:
    """Columns of a file that become one in the warehouse, naming the file; the warehouse
    refusing rows of this sync (a value that no longer fits its column): which files they
    came from, and the two ways out."""
    read = job.extra.get("read")
    collided = name_collision(error, lambda: _columns(job, read or []))
    if collided is not None:
        return collided
    if not read or not refused(error):
        return None
    names = ", ".join(read[:3]) + (f" and {len(read) - 3} more" if len(read) > 3 else "")
    return (f"the warehouse refused the rows of {names} in {job.config.get('directory')} "
            f"({generic(error).rstrip('.')}); fix the file, or load every file into a new "
            f"table with `dango sync --source {job.name} --full-refresh`.")


def _columns(job: Job, names: list[str]) -> list[tuple[str, list[str]]]:
    """Each file of `names`, as a message names it, with the columns it has."""
    import duckdb

    found = []
    with duckdb.connect() as con:
        for info in files(job):
            if info.name in names:
                try:
                    found.append((where(job)(info.path), _read(job, con, info).columns))
                except (duckdb.Error, SyncProblem):
                    continue
    return found
