"""Files as other programs write them, for both file source types: short and long rows,
Excel's `sep=` line, a JSON file with a byte order mark, a very wide header."""

from __future__ import annotations

from pathlib import Path

from dango.project import init_project
from dango.sync.runner import run_sync


def _project(tmp_path: Path, name: str):
    """A project with `lf` (local_files, folder in/) and `c` (csv, in/NAME)."""
    project = init_project(tmp_path / "proj").project
    project.sources_path.write_text(
        "sources:\n  - name: lf\n    type: local_files\n    directory: in\n"
        f"  - name: c\n    type: csv\n    file_path: in/{name}\n")
    (project.root / "in").mkdir()
    return project


def _sync(project, name: str):
    return run_sync(project, [name]).results[0]


def _rows(project, sql: str) -> list:
    import duckdb

    with duckdb.connect(str(project.root / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _tables(project) -> list:
    path = project.root / "data" / "warehouse.duckdb"
    if not path.exists():
        return []
    return _rows(project, "select table_schema, table_name from information_schema.tables "
                          "where table_name not like '\\_dlt%' ESCAPE '\\'")


def test_short_rows_get_null_in_the_fields_they_lack(tmp_path):
    project = _project(tmp_path, "short.csv")
    lines = ["id,name,x"] + [f"{i},n{i},{i}" for i in range(40)] + ["40,n40", "41", "42,n42,42,"]
    (project.root / "in" / "short.csv").write_text("\n".join(lines) + "\n")
    for name, table in (("lf", "raw_lf.lf"), ("c", "raw_c.short")):
        result = _sync(project, name)
        assert result.status == "ok" and result.rows == 43, result.error
        assert _rows(project, f"select id, name, x from {table} where id >= 39 order by id") == [
            (39, "n39", 39), (40, "n40", None), (41, None, None), (42, "n42", 42)]
    # a line break in quotes and a short row: DuckDB's parallel reader cannot pad those
    (project.root / "in" / "short.csv").unlink()
    (project.root / "in" / "quoted.csv").write_text('id,name,x\n1,"a\nb",1\n2,c\n')
    result = _sync(project, "lf")
    assert result.status == "ok", result.error
    assert _rows(project, "select id, name, x, _dango_deleted from raw_lf.lf where "
                          "_dango_filename = 'quoted.csv' order by id") == [
        (1, "a\nb", 1, False), (2, "c", None, False)]


def test_a_row_with_too_many_fields_fails_naming_the_file_and_line(tmp_path):
    project = _project(tmp_path, "long.csv")
    inbox = project.root / "in"
    (inbox / "ok.csv").write_text("id,name,x\n1,a,1\n")
    assert _sync(project, "lf").status == "ok"
    before = _rows(project, "select * from raw_lf.lf")
    lines = ["id,name,x"] + [f"{i},n{i},{i}" for i in range(50)]
    lines[20] = "19,n19,19,oops"
    (inbox / "long.csv").write_text("\n".join(lines) + "\n")
    lf = _sync(project, "lf")
    assert lf.status == "failed"
    assert lf.error == ("long.csv in in (directory of source 'lf') has 4 fields on line 21 where its "
                        "header has 3; fix that line (a stray delimiter, or a value with one that "
                        "needs quotes) and sync again.")
    assert _rows(project, "select * from raw_lf.lf") == before
    c = _sync(project, "c")
    assert c.status == "failed"
    assert c.error.startswith("in/long.csv (file_path of source 'c') has 4 fields on line 21 where")
    assert ("raw_c", "long") not in _tables(project)


def test_a_header_longer_than_any_buffer_is_not_taken_for_an_empty_file(tmp_path):
    """A Latin-1 file with a 75 KB header fails as a narrow one does, and its rows of
    the sync before stay as they were (never skipped as a header alone, and marked gone)."""
    project = _project(tmp_path, "wide.csv")
    wide = project.root / "in" / "wide.csv"
    header = ",".join(f"a_rather_long_column_name_{i:04}" for i in range(2500))
    assert len(header) > 65536
    wide.write_text(header + "\n" + ",".join(["cafe"] + [str(i) for i in range(1, 2500)]) + "\n")
    assert _sync(project, "lf").status == "ok"
    before = _rows(project, "select a_rather_long_column_name_0000, a_rather_long_column_name_2499, "
                              "_dango_deleted from raw_lf.lf")
    assert before == [("cafe", 2499, False)]
    wide.write_bytes((header + "\n" + ",".join(["caf\xe9"] + [str(i) for i in range(1, 2500)])
                      + "\n").encode("latin-1"))
    result = _sync(project, "lf")
    assert result.status == "failed"
    assert result.error.startswith("wide.csv in in (directory of source 'lf') is not UTF-8 text; "
                                   "save it as UTF-8"), result.error
    assert _rows(project, "select a_rather_long_column_name_0000, a_rather_long_column_name_2499, "
                              "_dango_deleted from raw_lf.lf") == before


def test_excels_sep_line_and_a_json_array_after_a_byte_order_mark_load(tmp_path):
    project = _project(tmp_path, "excel.csv")
    inbox = project.root / "in"
    (inbox / "excel.csv").write_bytes(b"\xef\xbb\xbfsep=;\r\nid;name\r\n1;a\r\n2;b\r\n")
    (inbox / "plain.csv").write_text("id,name\n3,c\n")
    (inbox / "bom.json").write_bytes(b'\xef\xbb\xbf[{"id": 4, "name": "d"}]')
    (inbox / "lines.json").write_text('{"id": 5, "name": "e"}\n')
    lf = _sync(project, "lf")
    assert lf.status == "ok", lf.error
    assert _rows(project, "select id, name, _dango_filename from raw_lf.lf order by id") == [
        (1, "a", "excel.csv"), (2, "b", "excel.csv"), (3, "c", "plain.csv"), (4, "d", "bom.json"),
        (5, "e", "lines.json")]
    c = _sync(project, "c")
    assert c.status == "ok", c.error
    assert _rows(project, "select id, name from raw_c.excel order by id") == [(1, "a"), (2, "b")]


def test_a_text_far_into_a_column_of_numbers_loads_as_text(tmp_path):
    """DuckDB guesses a column's type from the first 20,480 rows: one text after those failed
    the whole file ("Conversion Error: CSV Error on Line: 21002; fix the file") though
    nothing in it is wrong. It is read again with every row counted, the column as text."""
    project = _project(tmp_path, "late.csv")
    lines = ["id,code"] + [f"{i},{i}" for i in range(21000)] + ["21000,N/A", "21001,7"]
    (project.root / "in" / "late.csv").write_text("\n".join(lines) + "\n")
    for name, table in (("lf", "raw_lf.lf"), ("c", "raw_c.late")):
        result = _sync(project, name)
        assert result.status == "ok" and result.rows == 21002, result.error
        assert _rows(project, f"select code from {table} where id in (0, 21000, 21001) order by id") == [
            ("0",), ("N/A",), ("7",)]


def test_gzip_compressed_csv_and_json_files_load(tmp_path):
    """DuckDB reads `orders.csv.gz` as it is; the folder's listing skipped it without a word."""
    import gzip

    from dango.sync import sniff

    project = _project(tmp_path, "excel.csv.gz")
    inbox = project.root / "in"
    (inbox / "excel.csv.gz").write_bytes(gzip.compress(b"\xef\xbb\xbfsep=;\r\nid;name\r\n1;a\r\n2;b\r\n"))
    (inbox / "lines.ndjson.gz").write_bytes(gzip.compress(b'{"id": 3, "name": "c"}\n\n'))
    (inbox / "array.JSON.GZ").write_bytes(gzip.compress(b'\xef\xbb\xbf[{"id": 4, "name": "d"}]'))
    (inbox / "table.parquet.gz").write_bytes(gzip.compress(b"PAR1"))  # no reader: skipped
    cut = tmp_path / "cut.json.gz"  # its first and last bytes are read decompressed too
    cut.write_bytes(gzip.compress(b'[{"id": 5, "name": "e"},\n'))
    assert sniff.json_array_cut(cut) and not sniff.json_array_cut(inbox / "array.JSON.GZ")
    lf = _sync(project, "lf")
    assert lf.status == "ok", lf.error
    assert _rows(project, "select id, name, _dango_filename from raw_lf.lf order by id") == [
        (1, "a", "excel.csv.gz"), (2, "b", "excel.csv.gz"), (3, "c", "lines.ndjson.gz"),
        (4, "d", "array.JSON.GZ")]
    c = _sync(project, "c")
    assert c.status == "ok" and c.tables == {"excel": 2}, c.error
