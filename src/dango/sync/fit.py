"""Whether rows on their way into dlt fit the columns their table already has (`csv`, `local_files`).

A column keeps the type of its first load. dlt hands a later file's values to the warehouse,
whose cast changes them without a word: 10.7 in a BIGINT column becomes 11, a timestamp in a
DATE column loses its time, 7 in a BOOLEAN column becomes true, an object in a text column
becomes DuckDB's own notation. So before the staged file is handed to dlt, each of its columns
whose type differs from the warehouse's is checked value by value in DuckDB: cast to the
warehouse's type and back, every value must come out as it went in. A value that would change
(or not load at all) stops the source with one sentence naming the file and the column, never
the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# dlt's data types (as dlt reads the warehouse's columns) -> the DuckDB type a value takes there
AS_DUCKDB = {"bigint": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN", "text": "VARCHAR",
             "date": "DATE", "time": "TIME", "binary": "BLOB", "json": "JSON",
             "timestamp": "TIMESTAMPTZ"}
NESTED = ("STRUCT", "MAP", "UNION")  # and any list type, `INTEGER[]`


@dataclass
class Misfit:
    column: str  # as the data names it
    warehouse_column: str
    warehouse_type: str  # the DuckDB type it stands for
    rows: str  # SQL condition on the staged rows: those whose value would change


def warehouse_columns(client, table: str) -> dict[str, dict]:
    """The columns `table` has in the warehouse (dlt's column schemas by name; {} when the
    table does not exist), read through dlt's job `client` (open)."""
    return dict(client.get_storage_table(table)[1])


def misfit(con, path: Path, columns: dict[str, dict]) -> Misfit | None:
    """The first column of the Parquet file `path` with values that the warehouse's `columns`
    would not hold unchanged, read with DuckDB connection `con`; None when all fit."""
    if not columns:
        return None
    from .explain import column_name
    from .literal import exact

    source = exact(con, path, path.name)
    staged = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [source]).fetchall()
    for name, kind, *_ in staged:
        stored = columns.get(column_name(name))
        target = _duckdb_type(stored) if stored else None
        rows = _changed(_quoted(name), str(kind), target) if target else None
        if rows and con.execute(f"SELECT count(*) FROM read_parquet(?) WHERE {rows}",
                                [source]).fetchone()[0]:
            return Misfit(name, column_name(name), target, rows)
    return None


def sentence(where: str, found: Misfit, job) -> str:
    """`where` (a file as a message names it) has values that `found` says would change."""
    same = found.column == found.warehouse_column
    column = found.column if same else f"{found.column} (column {found.warehouse_column})"
    return (f"{where} has values in column {column} that the warehouse's column, of type "
            f"{found.warehouse_type}, cannot hold as they are (they would change or fail to "
            "load); fix them in the file, or load every file again into a new table with "
            f"`dango sync --source {job.name} --full-refresh`.")


def _duckdb_type(column: dict) -> str | None:
    kind = column.get("data_type")
    if kind in ("decimal", "wei"):
        precision, scale = column.get("precision"), column.get("scale")
        if precision is None or not 0 < precision <= 38:
            return None
        return f"DECIMAL({precision},{scale or 0})"
    return AS_DUCKDB.get(kind)


def _changed(column: str, staged: str, target: str) -> str | None:
    """The SQL condition on a staged value of type `staged` that the warehouse's cast to
    `target` would change; None when every value of that type fits."""
    if staged == target or staged.startswith("TIMESTAMP") and target.startswith("TIMESTAMP"):
        return None  # the same, or a time zone dlt itself settles
    if staged.startswith(NESTED) or staged.endswith("]"):
        return None if target == "JSON" else f"{column} IS NOT NULL"  # dlt writes JSON itself
    cast = f"TRY_CAST({column} AS {target})"
    return f"{column} IS NOT NULL AND ({cast} IS NULL OR TRY_CAST({cast} AS {staged}) IS DISTINCT FROM {column})"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
