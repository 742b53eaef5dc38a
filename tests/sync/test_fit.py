"""A column keeps the type of its first load: a later file's values that the warehouse would
change on the way in (10.7 into a BIGINT column became 11, without a word) stop the source
with one sentence, and nothing is loaded; values that fit load as they are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dango.project import init_project
from dango.sync.runner import run_sync
from tests.conftest import snapshot


def _project(tmp_path: Path):
    project = init_project(tmp_path / "proj").project
    project.sources_path.write_text(
        "sources:\n  - name: lf\n    type: local_files\n    directory: in\n"
        "  - name: c\n    type: csv\n    file_path: in/a.csv\n")
    (project.root / "in").mkdir()
    return project


def _sync(project, name: str, **options):
    return run_sync(project, [name], **options).results[0]


def _rows(project, sql: str) -> list:
    import duckdb

    with duckdb.connect(str(project.root / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _write(path: Path, text: str, seconds: int) -> None:
    path.write_text(text)
    os.utime(path, (seconds, seconds))


def test_values_a_column_would_change_are_refused_and_nothing_loads(tmp_path):
    project = _project(tmp_path)
    inbox = project.root / "in"
    _write(inbox / "a.csv", "id,amount,day\n1,10,2024-01-01\n", 1_700_000_000)
    for name in ("lf", "c"):
        assert _sync(project, name).status == "ok"
    before = _rows(project, "select * from raw_lf.lf"), _rows(project, "select * from raw_c.a")

    # a new file with decimals in the whole-number column, an edited file likewise
    _write(inbox / "b.csv", "id,amount,day\n2,10.7,2024-01-02\n", 1_700_000_100)
    _write(inbox / "a.csv", "id,amount,day\n1,10.7,2024-01-01\n", 1_700_000_200)
    files = snapshot(project.root / "in")
    lf, c = _sync(project, "lf"), _sync(project, "c")
    assert (lf.status, c.status) == ("failed", "failed")
    assert lf.error == (
        "a.csv in in (directory of source 'lf') has values in column amount that the warehouse's "
        "column, of type BIGINT, cannot hold as they are (they would change or fail to load); fix "
        "them in the file, or load every file again into a new table with `dango sync --source lf "
        "--full-refresh`.")
    assert c.error.startswith("in/a.csv (file_path of source 'c') has values in column amount that "
                              "the warehouse's column, of type BIGINT, cannot hold as they are"), c.error
    assert (_rows(project, "select * from raw_lf.lf"), _rows(project, "select * from raw_c.a")) == before
    assert snapshot(project.root / "in") == files

    # the way out the sentence names: the table made anew from every file
    _write(inbox / "b.csv", "id,amount,day\n2,10.7,2024-01-02 13:45:00\n", 1_700_000_400)
    refreshed = _sync(project, "lf", full_refresh=True)
    assert refreshed.status == "ok", refreshed.error
    assert _rows(project, "select id, amount, strftime(day AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') "
                          "from raw_lf.lf order by id") == [
        (1, 10.7, "2024-01-01 00:00"), (2, 10.7, "2024-01-02 13:45")]


@pytest.mark.parametrize("value, staged, warehouse, changes", [
    ("10.7::DOUBLE", "DOUBLE", {"data_type": "bigint"}, True),
    ("10.0::DOUBLE", "DOUBLE", {"data_type": "bigint"}, False),
    ("TIMESTAMP '2024-01-01 13:45'", "TIMESTAMP", {"data_type": "date"}, True),
    ("7", "BIGINT", {"data_type": "bool"}, True),
    ("1", "BIGINT", {"data_type": "bool"}, False),
    ("'007'", "VARCHAR", {"data_type": "bigint"}, True),
    ("'abc'", "VARCHAR", {"data_type": "json"}, True),
    ("1.255::DOUBLE", "DOUBLE", {"data_type": "decimal", "precision": 10, "scale": 2}, True),
    ("1.25::DOUBLE", "DOUBLE", {"data_type": "decimal", "precision": 10, "scale": 2}, False),
    ("{'k': 1}", "STRUCT", {"data_type": "text"}, True),
    ("{'k': 1}", "STRUCT", {"data_type": "json"}, False),
    ("[1, 2]", "LIST", {"data_type": "text"}, True),
    ("12345678901234567", "BIGINT", {"data_type": "double"}, True),
    ("0.1::DOUBLE", "DOUBLE", {"data_type": "text"}, False),
    ("NULL::DOUBLE", "DOUBLE", {"data_type": "bigint"}, False),
])
def test_which_values_a_warehouse_column_would_change(tmp_path, value, staged, warehouse, changes):
    import duckdb

    from dango.sync.fit import misfit

    path = tmp_path / "rows.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT {value} AS \"Some Value\") TO '{path}' (FORMAT parquet)")
        found = misfit(con, path, {"some_value": {"name": "some_value", **warehouse}})
    assert (found is not None) == changes, found
    if found:
        assert (found.column, found.warehouse_column) == ("Some Value", "some_value")
