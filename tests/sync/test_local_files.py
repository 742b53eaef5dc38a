"""`local_files` sources: upstream's table and columns, incremental by file, real-world files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dango.project import init_project
from dango.sync.runner import run_sync

WAREHOUSE = ("data", "warehouse.duckdb")


def _project(tmp_path: Path, pattern: str = "*") -> tuple:
    project = init_project(tmp_path / "proj").project
    folder = project.root / "inbox"
    folder.mkdir()
    project.sources_path.write_text(
        "sources:\n  - name: files\n    type: local_files\n    directory: inbox\n"
        f"    file_pattern: '{pattern}'\n    description: dropped files\n    tags: [ops]\n")
    return project, folder


def _rows(project, sql: str) -> list:
    import duckdb

    with duckdb.connect(str(project.root.joinpath(*WAREHOUSE)), read_only=True) as con:
        return con.execute(sql).fetchall()


def _sync(project):
    run = run_sync(project, ["files"])
    return run.results[0]


def _staged_left(project) -> list[str]:
    """Folders the staging of rows for dlt left in the pipelines folder (`.files-…`)."""
    return sorted(p.name for p in (project.dango_dir / "pipelines").glob(".files-*"))


def _touch(path: Path, seconds: int) -> None:
    os.utime(path, (seconds, seconds))


def test_new_changed_and_deleted_files_load_once_each(tmp_path):
    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id,amount\n1,10\n2,20\n")
    (inbox / "b.jsonl").write_text('{"id": 3, "amount": 30}\n')
    (inbox / "c.json").write_text('[{"id": 4, "amount": 40}]')
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": [5], "amount": [50]}), inbox / "d.parquet")
    (inbox / "notes.txt").write_text("not data")
    for index, path in enumerate(sorted(inbox.iterdir())):
        _touch(path, 1_700_000_000 + index)

    first = _sync(project)
    assert first.status == "ok", first.error
    rows = _rows(project, "select id, _dango_filename, _dango_deleted from raw_files.files order by id")
    assert rows == [(1, "a.csv", False), (2, "a.csv", False), (3, "b.jsonl", False),
                    (4, "c.json", False), (5, "d.parquet", False)]
    assert _rows(project, "select count(distinct _dango_loaded_at), min(_dango_file_mtime) "
                          "from raw_files.files")[0][0] == 1
    # the four columns as dlt makes them from Arrow data: nullable, timestamps in UTC
    assert _rows(project, "select column_name, data_type, is_nullable from information_schema.columns "
                          "where table_schema = 'raw_files' and column_name like '\\_dango%' ESCAPE '\\' "
                          "order by ordinal_position") == [
        ("_dango_filename", "VARCHAR", "YES"), ("_dango_file_mtime", "TIMESTAMP WITH TIME ZONE", "YES"),
        ("_dango_loaded_at", "TIMESTAMP WITH TIME ZONE", "YES"), ("_dango_deleted", "BOOLEAN", "YES")]
    assert _staged_left(project) == []

    # nothing changed: nothing read again
    again = _sync(project)
    assert again.status == "ok" and again.rows == 0, again

    # a.csv changes, b.jsonl is deleted, e.csv is new
    (inbox / "a.csv").write_text("id,amount\n1,11\n")
    _touch(inbox / "a.csv", 1_700_000_100)
    (inbox / "b.jsonl").unlink()
    (inbox / "e.csv").write_text("id,amount\n6,60\n")
    third = _sync(project)
    assert third.status == "ok", third.error
    assert third.rows == 2  # a.csv (1 row) and e.csv (1 row)
    rows = _rows(project, "select id, amount, _dango_filename, _dango_deleted from raw_files.files order by id")
    assert rows == [(1, 11, "a.csv", False), (3, 30, "b.jsonl", True), (4, 40, "c.json", False),
                    (5, 50, "d.parquet", False), (6, 60, "e.csv", False)]


REAL_WORLD = {
    "mixed_endings.csv": (b"id,name\r\n1,a\n2,b\r\n", [(1, "a"), (2, "b")]),
    "bom.csv": (b"\xef\xbb\xbfid,name\n3,c\n", [(3, "c")]),
    "semicolon.csv": (b"id;name\n4;d\n5;e\n", [(4, "d"), (5, "e")]),
    "quoted_newline.csv": (b'id,name\n6,"line one\nline two"\n', [(6, "line one\nline two")]),
    "header_only.csv": (b"id,name\n", []),
    "empty.csv": (b"", []),
}


def test_real_world_files_load(tmp_path):
    project, inbox = _project(tmp_path, "*.csv")
    for name, (data, _) in REAL_WORLD.items():
        (inbox / name).write_bytes(data)
    result = _sync(project)
    assert result.status == "ok", result.error
    for name, (_, expected) in REAL_WORLD.items():
        got = _rows(project, f"select id, name from raw_files.files where _dango_filename = '{name}' "
                             "order by id")
        assert got == expected, name
    columns = [r[0] for r in _rows(project, "select column_name from information_schema.columns "
                                            "where table_schema = 'raw_files' and table_name = 'files'")]
    assert {"id", "name", "_dango_filename", "_dango_file_mtime", "_dango_loaded_at",
            "_dango_deleted"} <= set(columns)


@pytest.mark.parametrize("name, data, problem", [
    ("latin1.csv", b"id,name\n7,caf\xe9\n", "is not UTF-8 text; save it as UTF-8"),
    ("cut.parquet", b"PAR1\x15\x04\x15\xa0\x01\x00", "is not a Parquet file DuckDB can read ("),
    ("cut.ndjson", b'{"id": 3}\n{"id": 4, "v":', "could not be read (Invalid Input Error: Malformed JSON, "
                                               "at byte 15 in line 3: unexpected end of data)"),
    ("cut.json", b'[{"id": 1},\n{"id": 2},\n', "ends inside its JSON array (there is no closing ]); "
                                              "if it is still being written, sync again once it is "
                                              "complete, else fix the file."),
])
def test_a_file_that_cannot_load_is_named_in_one_sentence(tmp_path, name, data, problem):
    project, inbox = _project(tmp_path)
    (inbox / name).write_bytes(data)
    result = _sync(project)
    assert result.status == "failed"
    assert result.error.startswith(f"{name} in inbox (directory of source 'files') {problem}"), result.error
    assert "\n" not in result.error and "Sniff" not in result.error and "Possible Solution" not in result.error
    assert str(tmp_path) not in result.error  # the file is named once, as the folder has it
    assert _staged_left(project) == []


def test_a_missing_folder_is_one_sentence(tmp_path):
    project, inbox = _project(tmp_path)
    inbox.rmdir()
    result = _sync(project)
    assert result.status == "failed"
    assert "the folder inbox (directory of source 'files' in .dango/sources.yml) does not exist" in result.error


def test_live_check_of_a_folder_and_of_a_kept_type(tmp_path):
    from dango.health import UNKNOWN, VALID, INVALID, CheckContext, checker
    from dango.sources import load_sources

    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n")
    (inbox / "notes.txt").write_text("skipped")
    source = load_sources(project)[0]
    assert source.description == "dropped files" and source.tags == ["ops"]
    config = {"directory": "inbox", "file_pattern": "*"}
    health = checker("local_files")(CheckContext(project, source, config, 5.0))
    assert (health.status, health.reason) == (VALID, "1 file(s)")
    missing = checker("local_files")(CheckContext(project, source, {"directory": "nope"}, 5.0))
    assert missing.status == INVALID and missing.reason.startswith(
        "the folder nope (directory of source 'files' in .dango/sources.yml) does not exist"), missing.reason
    # the same listing as sync: a folder whose name holds brackets is that folder, no pattern
    (project.root / "in [2024]").mkdir()
    (project.root / "in [2024]" / "b.csv").write_text("id\n2\n")
    bracketed = checker("local_files")(CheckContext(project, source, {"directory": "in [2024]"}, 5.0))
    assert (bracketed.status, bracketed.reason) == (VALID, "1 file(s)")
    kept = checker("hubspot")(CheckContext(project, source, {}, 5.0))
    assert (kept.status, kept.reason) == (UNKNOWN, "dango cannot check hubspot sources yet")


def test_files_of_other_formats_and_columns_load_into_one_table(tmp_path):
    """A CSV, a JSON Lines file with nested values and a Parquet file with columns of its own
    (nanosecond timestamps, decimals, a name dlt must normalize) share one table: each
    column once, NULL where a file has none."""
    import datetime
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id,Amount (EUR)\n1,10.5\n")
    (inbox / "b.jsonl").write_text('{"id": 2, "meta": {"k": "v"}, "tags": ["x", "y"]}\n')
    pq.write_table(pa.table({
        "id": [3], "Shipped At": pa.array([datetime.datetime(2026, 1, 1, 1, 2, 3)], pa.timestamp("ns")),
        "price": pa.array([decimal.Decimal("1.25")], pa.decimal128(10, 2))}), inbox / "c.parquet")
    result = _sync(project)
    assert result.status == "ok", result.error
    assert result.tables == {"files": 3}
    columns = dict(_rows(project, "select column_name, data_type from information_schema.columns "
                                  "where table_schema = 'raw_files' and table_name = 'files'"))
    assert {name: columns.get(name) for name in ("id", "amount_eurx", "meta", "tags", "shipped_at", "price")} == {
        "id": "BIGINT", "amount_eurx": "DOUBLE", "meta": "JSON", "tags": "JSON",
        "shipped_at": "TIMESTAMP WITH TIME ZONE", "price": "DECIMAL(10,2)"}
    rows = _rows(project, "select id, amount_eurx, meta::VARCHAR, tags::VARCHAR, "
                          "strftime(shipped_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S'), price::VARCHAR, "
                          "_dango_filename from raw_files.files order by id")
    assert rows == [(1, 10.5, None, None, None, None, "a.csv"),
                    (2, None, '{"k":"v"}', '["x","y"]', None, None, "b.jsonl"),
                    (3, None, None, None, "2026-01-01 01:02:03", "1.25", "c.parquet")]
    assert _staged_left(project) == []


def _bad_then_fixed(project, inbox):
    (inbox / "a.csv").write_text("id,amount\n1,10\n")
    assert _sync(project).status == "ok"
    # a column narrower than dlt makes it (a table another tool made): dango's own check
    # (`fit`) takes it for a BIGINT, so only the warehouse finds that the value is too big
    import duckdb

    with duckdb.connect(str(project.root.joinpath(*WAREHOUSE))) as con:
        con.execute("ALTER TABLE raw_files.files ALTER id TYPE INTEGER")
    (inbox / "b.csv").write_text("id,amount\n3000000000,20\n")
    failed = _sync(project)
    assert failed.status == "failed"
    assert _rows(project, "select id, _dango_filename from raw_files.files") == [(1, "a.csv")]
    (inbox / "b.csv").write_text("id,amount\n2,20\n")
    return failed


def test_rows_the_warehouse_refuses_name_their_file_and_never_block_later_syncs(tmp_path):
    """dlt keeps a refused load queued for a retry that fails the same way every time: the
    package is aborted instead, so once the file is fixed the next sync loads it."""
    project, inbox = _project(tmp_path)
    failed = _bad_then_fixed(project, inbox)
    assert failed.error.startswith(
        "the warehouse refused the rows of b.csv in inbox (ConversionException: Conversion Error: "
        "Type INT64 with value 3000000000 can't be cast"), failed.error
    assert failed.error.endswith(
        "; fix the file, or load every file into a new table with `dango sync --source files "
        "--full-refresh`."), failed.error
    fixed = _sync(project)
    assert fixed.status == "ok" and fixed.rows == 1, fixed.error
    assert _rows(project, "select id, amount, _dango_filename from raw_files.files order by id") == [
        (1, 10, "a.csv"), (2, 20, "b.csv")]


def test_a_refused_load_an_earlier_version_left_pending_is_dropped(tmp_path, monkeypatch):
    """A project whose pipeline still holds such a package (left by a version that retried
    it forever) recovers on the first sync after the fix."""
    from dango.sync import runner

    project, inbox = _project(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(runner, "refused", lambda error: False)  # as before: the package stays
        _bad_then_fixed(project, inbox)
    fixed = _sync(project)
    assert fixed.status == "ok", fixed.error
    assert _rows(project, "select id, _dango_filename from raw_files.files order by id") == [
        (1, "a.csv"), (2, "b.csv")]


def test_files_that_link_out_of_the_project_or_to_its_secrets_are_not_read(tmp_path):
    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n")
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("id\n2\n")
    (inbox / "b.csv").symlink_to(outside)
    result = _sync(project)
    assert result.status == "failed"
    assert result.error == ("inbox/b.csv (directory of source 'files') is a link to a file outside the "
                            "project, which dango does not read through (a cloned repository could "
                            "point one at your keys); set directory to the real path if that file is meant.")
    (inbox / "b.csv").unlink()
    (inbox / "c.json").symlink_to(project.root / ".dango" / "project.yml")  # any file of .dango/
    result = _sync(project)
    assert result.status == "failed" and "is one of the project's own files" in result.error
    assert not (project.root / "data" / "warehouse.duckdb").exists()


def test_a_file_with_a_column_named_like_dangos_own_is_refused(tmp_path):
    """The four `_dango_*` columns always say where a row came from: a file cannot set them
    (it would be read again on every sync, its rows multiplying)."""
    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n")
    assert _sync(project).status == "ok"
    before = _rows(project, "select * from raw_files.files")
    (inbox / "e.csv").write_text("id,_dango_filename,_Dango_Deleted\n2,evil.csv,true\n")
    for _ in range(2):
        result = _sync(project)
        assert result.status == "failed"
        assert result.error == (
            "e.csv in inbox (directory of source 'files') has a column _dango_filename, a name dango "
            "keeps for its own columns of every row; rename that column in the file and sync again.")
        assert _rows(project, "select * from raw_files.files") == before
    (inbox / "e.csv").write_text("id,origin_file\n2,evil.csv\n")
    assert _sync(project).status == "ok"
    assert _rows(project, "select id, _dango_filename, _dango_deleted from raw_files.files "
                          "order by id") == [(1, "a.csv", False), (2, "e.csv", False)]
    assert _staged_left(project) == []


@pytest.mark.parametrize("file, data, column", [
    ("camel.csv", "id,_dangoDeleted\n2,true\n", "_dangoDeleted"),
    ("upper.json", '[{"id": 2, "_DangoFileMtime": "2020-01-01"}]', "_DangoFileMtime"),
    ("dotted.csv", "id,\u0130_dango_loaded_at\n2,x\n", "\u0130_dango_loaded_at"),
])
def test_a_column_that_dlt_names_like_dangos_own_is_refused(tmp_path, file, data, column):
    """Not only the exact names: whatever dlt's naming turns into one of the four."""
    from dlt.common.normalizers.naming.snake_case import NamingConvention

    assert NamingConvention().normalize_path(column).startswith("_dango_")  # the case is real
    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n")
    assert _sync(project).status == "ok"
    before = _rows(project, "select * from raw_files.files")
    (inbox / file).write_text(data, encoding="utf-8")
    result = _sync(project)
    assert result.status == "failed"
    assert result.error.startswith(f"{file} in inbox (directory of source 'files') has a column {column}, ")
    assert _rows(project, "select * from raw_files.files") == before


def test_columns_that_become_one_in_the_warehouse_name_their_file(tmp_path):
    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n")
    assert _sync(project).status == "ok"
    before = _rows(project, "select * from raw_files.files")
    (inbox / "b.csv").write_text("id,Total Amount,total_amount\n2,3,4\n")
    result = _sync(project)
    assert result.status == "failed"
    assert result.error == (
        "b.csv in inbox (directory of source 'files') has columns Total Amount and total_amount, "
        "which become one column total_amount in the warehouse (names are compared in lower case, "
        "with _ for spaces and other signs); rename one of them in the file and sync again.")
    assert _rows(project, "select * from raw_files.files") == before


def test_a_file_deleted_and_restored_replaces_all_its_earlier_rows(tmp_path):
    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n2\n")
    (inbox / "b.csv").write_text("id\n3\n")
    assert _sync(project).status == "ok"
    kept = tmp_path / "a.csv"
    for _ in range(2):
        (inbox / "a.csv").rename(kept)
        gone = _sync(project)
        assert gone.status == "ok" and gone.rows == 0, gone.error
        assert _rows(project, "select id, _dango_deleted from raw_files.files where "
                              "_dango_filename = 'a.csv' order by id") == [(1, True), (2, True)]
        kept.rename(inbox / "a.csv")
        back = _sync(project)
        assert back.status == "ok" and back.rows == 2, back.error
        assert _rows(project, "select id, _dango_filename, _dango_deleted from raw_files.files "
                              "order by id") == [(1, "a.csv", False), (2, "a.csv", False),
                                                 (3, "b.csv", False)]
    assert _sync(project).rows == 0  # nothing changed: nothing read again


def test_a_warehouse_another_process_holds_stops_the_source_without_loading_twice(tmp_path):
    """Which files are loaded is read from the warehouse: when it cannot be read (another
    process holds it), the source fails; before, every file was read again as new and the
    next sync loaded its rows a second time."""
    import subprocess
    import sys

    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id,v\n1,a\n2,b\n")
    (inbox / "b.csv").write_text("id,v\n3,c\n")
    assert _sync(project).status == "ok"
    (inbox / "a.csv").write_text("id,v\n1,a\n2,b\n4,d\n")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.read()"),
        str(project.root.joinpath(*WAREHOUSE))], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        busy = _sync(project)
    finally:
        holder.communicate("", timeout=60)
    assert busy.status == "failed" and busy.rows == 0
    assert busy.error.startswith("the warehouse warehouse.duckdb is open in another program (PID "), busy.error
    assert _sync(project).status == "ok"
    assert _rows(project, "select _dango_filename, count(*) from raw_files.files where not _dango_deleted "
                          "group by 1 order by 1") == [("a.csv", 3), ("b.csv", 1)]


def test_rows_a_stopped_sync_or_another_clock_left_are_replaced_by_the_files_own(tmp_path):
    """A sync stopped between its load and the removal of a changed file's older rows left
    both versions live, and every later sync took the file for loaded: its rows stayed twice.
    Rows loaded on a machine whose clock ran ahead looked newer than this sync's, so the new
    rows were the ones removed. Either way the table ends with the file's current rows."""
    import duckdb

    project, inbox = _project(tmp_path)
    (inbox / "a.csv").write_text("id\n1\n")
    (inbox / "b.csv").write_text("id\n2\n")
    for path in (inbox / "a.csv", inbox / "b.csv"):
        _touch(path, 1_700_000_000)
    assert _sync(project).status == "ok"
    (inbox / "a.csv").write_text("id\n3\n")
    _touch(inbox / "a.csv", 1_700_000_100)
    (inbox / "b.csv").write_text("id\n4\n")
    _touch(inbox / "b.csv", 1_700_000_100)
    with duckdb.connect(str(project.root.joinpath(*WAREHOUSE))) as con:
        # a.csv: the new version loaded, the stop came before its old row was removed
        con.execute("INSERT INTO raw_files.files SELECT 3, 'a.csv', to_timestamp(1700000100), "
                    "now(), false")
        # b.csv: loaded by a clock a day ahead
        con.execute("UPDATE raw_files.files SET _dango_loaded_at = now() + INTERVAL 1 DAY "
                    "WHERE _dango_filename = 'b.csv'")
    result = _sync(project)
    assert result.status == "ok", result.error
    assert _rows(project, "select _dango_filename, id, _dango_deleted from raw_files.files "
                          "order by id") == [("a.csv", 3, False), ("b.csv", 4, False)]


def _as_a_user_without_access(args: list[str], cwd: Path):
    """`dango ARGS` in `cwd` as a user that file permissions hold back: root keeps its uid but
    loses the capabilities that let it read any file (setpriv)."""
    import shutil
    import subprocess
    import sys

    from tests.conftest import Result, clean_env

    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv: file permissions cannot hold it back")
        drop = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}"]
    proc = subprocess.run([*prefix, sys.executable, "-m", "dango", *args], cwd=cwd, text=True,
                          capture_output=True, env=clean_env(cwd), timeout=120)
    return Result(args, proc.returncode, proc.stdout, proc.stderr)


def test_a_folder_or_file_that_cannot_be_read_fails_and_marks_nothing_deleted(tmp_path):
    """An unreadable folder listed as empty: every row was marked deleted, exit 0 with a note.
    An unreadable file failed with DuckDB's words and its full path (csv: "is not UTF-8")."""
    project, inbox = _project(tmp_path, "**/*.csv")
    with project.sources_path.open("a") as sources:
        sources.write("  - name: c\n    type: csv\n    file_path: inbox/a.csv\n")
    (inbox / "sub").mkdir()
    (inbox / "a.csv").write_text("id\n1\n")
    (inbox / "sub" / "b.csv").write_text("id\n2\n")
    assert _sync(project).status == "ok"
    before = _rows(project, "select * from raw_files.files order by id")
    (inbox / "sub").chmod(0)
    try:
        folder = _as_a_user_without_access(["sync", "--source", "files"], project.root)
    finally:
        (inbox / "sub").chmod(0o755)
    assert folder.code == 1, folder
    assert folder.err.strip() == (
        "error: files: the folder inbox/sub (directory of source 'files') cannot be read "
        "(permission denied); let your user read it and sync again (the rows of its files "
        "stay as they are)."), folder.err
    (inbox / "a.csv").chmod(0)
    try:
        file = _as_a_user_without_access(["sync"], project.root)
    finally:
        (inbox / "a.csv").chmod(0o644)
    assert file.code == 1, file
    assert file.err.strip().splitlines() == [
        "error: files: inbox/a.csv (directory of source 'files') cannot be opened (permission "
        "denied); let your user read it and sync again.",
        "error: c: inbox/a.csv (file_path of source 'c') cannot be opened (permission denied); let "
        "your user read it and sync again."], file.err
    assert _rows(project, "select * from raw_files.files order by id") == before


def test_a_link_in_a_folder_outside_the_project_is_not_followed_out_of_it(tmp_path):
    """A folder outside the project (a shared drop folder) may be writable by others: a link
    `steal.csv` there to the user's keys loaded them into the warehouse."""
    project, _ = _project(tmp_path)
    shared, keys = tmp_path / "shared", tmp_path / "keys"
    shared.mkdir()
    keys.write_text("id,k\n2,AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")  # dango:allow
    (shared / "a.csv").write_text("id,k\n1,a\n")
    (shared / "steal.csv").symlink_to(keys)
    (shared / "same.csv").symlink_to(shared / "a.csv")  # a link within the folder is fine
    project.sources_path.write_text(
        f"sources:\n  - name: files\n    type: local_files\n    directory: '{shared}'\n"
        f"  - name: c\n    type: csv\n    file_path: '{shared}/*.csv'\n")
    result, csv = run_sync(project, ["files", "c"]).results
    assert csv.status == "failed"
    assert csv.error == (
        f"{shared}/steal.csv (file_path of source 'c') is a link to a file outside {shared}, which "
        "dango does not follow (whoever can write to that folder could point one at your keys); "
        "set file_path to that file if it is meant.")
    assert result.status == "failed"
    assert result.error == (
        f"steal.csv in {shared} (directory of source 'files') is a link to a file outside that "
        "folder, which dango does not follow (whoever can write to the folder could point one at "
        "your keys); put the file itself in the folder.")
    assert not project.root.joinpath(*WAREHOUSE).exists()


def test_a_hidden_folder_outside_the_project_is_not_read(tmp_path):
    """A cloned repository's sources.yml names the folder: `directory: ~/.docker` loaded the
    registry tokens of config.json into the warehouse (a team's shared one, maybe)."""
    project, _ = _project(tmp_path)
    docker = tmp_path / ".docker"
    docker.mkdir()
    (docker / "config.json").write_text('{"auths": {"ghcr.io": {"auth": "dXNlcjpnaHBfc2VjcmV0"}}}')  # dango:allow
    project.sources_path.write_text(
        f"sources:\n  - name: files\n    type: local_files\n    directory: '{docker}'\n"
        f"  - name: c\n    type: csv\n    file_path: '{docker}/config.json'\n")
    files, csv = run_sync(project, ["files", "c"]).results
    assert files.error == (
        f"{docker}/config.json (directory of source 'files') is in a hidden folder outside the "
        "project, where programs keep their keys (~/.docker, ~/.config); dango does not load from "
        "there (a cloned repository could name one), so copy the file into the project.")
    assert csv.error.startswith(f"{docker}/config.json (file_path of source 'c') is in a hidden folder")
    assert not project.root.joinpath(*WAREHOUSE).exists()
