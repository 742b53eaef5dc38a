"""Rows DuckDB reads, handed to dlt as a Parquet file that it imports as is (`csv`, `local_files`).

Turning a million rows into Arrow batches in Python and having dlt write them out again is
most of a file load's time. Instead DuckDB writes the relation straight to a Parquet file,
on its own threads with the GIL released, in a private folder of the pipelines directory
(`Job.scratch_dir`), and the resource yields `dlt.mark.with_file_import` for it: dlt links
the file into its load package, takes the columns from the file's schema, and the DuckDB
loader inserts it with `read_parquet`. `start` runs that work in a thread, so it overlaps
the import of dlt.

dlt keeps an imported file unchanged when nothing in it needs normalizing, so the file is
written the way dlt writes Arrow data itself (`AS_DLT_WRITES`: a naive timestamp labelled
UTC, a UUID as text). Whatever else dlt must change (a column name it normalizes), its
normalize step rewrites: slower, never different.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .job import Job

# DuckDB type -> the type to write instead, so that the Parquet file holds what Arrow data
# from DuckDB holds once dlt has taken it (dlt labels naive timestamps UTC; Parquet would
# keep a HUGEINT as a DOUBLE and a UUID or JSON value as its own logical type)
AS_DLT_WRITES = {
    "TIMESTAMP": "TIMESTAMPTZ",
    "HUGEINT": "DECIMAL(38,0)",
    "UHUGEINT": "DECIMAL(38,0)",
    "UUID": "VARCHAR",
    "JSON": "VARCHAR",
}


@dataclass
class StagedFile:
    path: Path
    rows: int
    schema: Any  # pyarrow.Schema of the file, every column nullable (as Arrow from DuckDB)

    def item(self):
        """What a dlt resource yields to have the file imported into its table."""
        import dlt

        return dlt.mark.with_file_import(str(self.path), "parquet", self.rows,
                                         hints=self.schema.empty_table())


def write(con, relation, folder: Path, name: str = "rows") -> StagedFile:
    """Write `relation` (of connection `con`) to `folder/name.parquet`, as dlt would."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / f"{name}.parquet"
    columns = []
    for column, kind in zip(relation.columns, relation.types):
        quoted = '"' + column.replace('"', '""') + '"'
        target = AS_DLT_WRITES.get(str(kind))
        columns.append(f"CAST({quoted} AS {target}) AS {quoted}" if target else quoted)
    con.execute("SET TimeZone = 'UTC'")  # a naive timestamp is taken as UTC, as dlt takes it
    relation.project(", ".join(columns)).write_parquet(str(path), compression="uncompressed")
    metadata = pq.read_metadata(path)
    schema = metadata.schema.to_arrow_schema()
    schema = pa.schema([field.with_nullable(True) for field in schema])
    return StagedFile(path, metadata.num_rows, schema)


class Staging:
    """`work(con, folder)` -> the StagedFile written (or None), run in a thread at once."""

    def __init__(self, job: Job, work: Callable[[Any, Path], StagedFile | None]):
        # imported here, not in the thread, so that two threads never import at once
        import duckdb
        import pyarrow.parquet  # noqa: F401  (used by `write`)

        folder = job.scratch_dir()
        pool = ThreadPoolExecutor(max_workers=1)
        self._future: Future = pool.submit(self._run, duckdb, work, folder)
        pool.shutdown(wait=False)
        # blocks until the work ends, raising nothing: the folder is not removed under DuckDB
        job.waits.append(self._future.exception)

    @staticmethod
    def _run(duckdb, work, folder: Path) -> StagedFile | None:
        with duckdb.connect() as con:
            return work(con, folder)

    def items(self, check: Callable[[StagedFile], None] | None = None) -> Iterator:
        """The resource's data: the file to import (nothing when it has no rows), once
        `check(staged)` has raised nothing (`fit`); an error of the work is raised here,
        inside the extract step, like any other source's."""
        staged = self._future.result()
        if staged is not None and staged.rows:
            if check is not None:
                check(staged)
            yield staged.item()
            staged.path.unlink(missing_ok=True)  # dlt has linked it into its package by now


def start(job: Job, work: Callable[[Any, Path], StagedFile | None]) -> Staging:
    """Run `work(con, folder)` in a thread now: DuckDB (`con`, in memory) writes the rows
    to a Parquet file in `folder`, a scratch folder of the job, while the caller goes on."""
    return Staging(job, work)
