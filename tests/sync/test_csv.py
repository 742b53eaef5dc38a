"""CSV sources: the fast path into DuckDB, globs, dry runs, and a missing file."""

from __future__ import annotations

import shutil

from tests.conftest import snapshot
from tests.sync.helpers import ORDERS, add, count, tables


def test_csv_loads_into_its_schema_and_resync_replaces(dango, project_dir, home):
    shutil.copy(ORDERS, project_dir / "data" / "orders.csv")
    add(dango, "csv", "shop", "file_path=data/orders.csv")

    first = dango("sync")
    assert first.code == 0, first
    assert count(project_dir, "raw_shop.orders") == 500
    summary = first.out.splitlines()
    assert any(line.split()[:3] == ["shop", "orders", "500"] and line.endswith("ok") for line in summary), first
    assert "SOURCE" in first.out and "SECONDS" in first.out and "STATUS" in first.out

    again = dango("sync")
    assert again.code == 0, again
    assert count(project_dir, "raw_shop.orders") == 500  # replaced, not appended

    # dlt's state stays inside the project, ignored by git; nothing in the home folder
    pipelines = project_dir / ".dango" / "pipelines"
    assert (pipelines / "dango_shop").is_dir()
    assert (pipelines / ".gitignore").read_text().strip().endswith("*")
    assert not (home / ".dlt").exists()
    assert not any(home.rglob("*dango_shop*"))


def test_glob_loads_every_file_into_one_table_named_after_the_source(dango, project_dir):
    folder = project_dir / "exports"
    folder.mkdir()
    (folder / "jan.csv").write_text("id;amount\n1;10\n2;20\n")
    (folder / "feb.csv").write_text("id;amount\n3;30\n")
    add(dango, "csv", "monthly", "file_path=exports/*.csv", "delimiter=;")
    result = dango("sync")
    assert result.code == 0, result
    assert count(project_dir, "raw_monthly.monthly") == 3
    assert tables(project_dir, "raw_monthly") == {"monthly"}


def test_dry_run_shows_the_plan_and_writes_nothing(dango, project_dir):
    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    before = snapshot(project_dir)
    result = dango("sync", "--dry-run")
    assert result.code == 0, result
    assert "would load" in result.out and "orders" in result.out
    assert "Dry run" in result.out
    assert snapshot(project_dir) == before
    assert not (project_dir / "data" / "warehouse.duckdb").exists()
    assert not (project_dir / ".dango" / "pipelines").exists()


def test_missing_file_fails_that_source_only(dango, project_dir):
    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "gone", "file_path=exports/nothing.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    add(dango, "google_analytics", "ga", "property_id=123456")
    add(dango, "csv", "typo", "file_path=ordres.csv")
    result = dango("sync")
    assert result.code == 1, result
    assert "error: ga: dango cannot load google_analytics sources yet" in result.err
    assert "error: gone: there is no file exports/nothing.csv (file_path of source 'gone'" in result.err
    assert ("error: typo: there is no file ordres.csv (file_path of source 'typo' in .dango/sources.yml); "
            "check the path, relative to the project folder. Did you mean 'orders.csv'?") in result.err
    assert "Traceback" not in result.output
    assert count(project_dir, "raw_shop.orders") == 500
    status = {line.split()[0]: line.split()[-1] for line in result.out.splitlines()
              if line.startswith(("gone ", "shop ", "ga ", "typo ")) and "starting" not in line}
    assert status == {"gone": "failed", "shop": "ok", "ga": "failed", "typo": "failed"}


def test_select_one_source_and_unknown_names(dango, project_dir):
    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    add(dango, "csv", "other", "file_path=orders.csv")
    result = dango("sync", "--source", "other", "--json")
    assert result.code == 0, result
    import json

    data = json.loads(result.out)
    assert [s["source"] for s in data["sources"]] == ["other"]
    assert data["sources"][0]["rows"] == 500 and data["sources"][0]["tables"] == {"orders": 500}
    unknown = dango("sync", "--source", "nope")
    assert unknown.code == 2 and "No source named 'nope'" in unknown.err


def test_no_sources_is_not_an_error(dango):
    result = dango("sync")
    assert result.code == 0, result
    assert "No enabled sources" in result.out


def test_progress_and_summary_on_a_terminal(project_dir, env):
    import os
    import pty
    import subprocess
    import sys

    shutil.copy(ORDERS, project_dir / "orders.csv")
    from tests.conftest import run_dango

    assert run_dango("source", "add", "csv", "--name", "shop", "--no-input", "--set",
                     "file_path=orders.csv", cwd=project_dir, env=env).code == 0
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dango", "sync"], cwd=project_dir, env=env,
                            stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=60)
    os.close(leader)
    screen = b"".join(chunks).decode(errors="replace")
    assert code == 0, screen
    assert "shop" in screen and "500" in screen and "┃" in screen  # rich's table


def _columns(project_dir, table: str) -> dict[str, str]:
    import duckdb

    schema, name = table.split(".")
    with duckdb.connect(str(project_dir / "data" / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select column_name, data_type from information_schema.columns "
                           "where table_schema = ? and table_name = ?", [schema, name]).fetchall()
    return dict(rows)


def _scratch(project_dir) -> list[str]:
    """What the staging of rows for dlt left in the pipelines folder (its own folders start
    with a dot and the source name)."""
    pipelines = project_dir / ".dango" / "pipelines"
    return sorted(p.name for p in pipelines.iterdir() if p.name.startswith(".") and p.is_dir())


def test_rows_load_with_the_names_and_types_dlt_gives_and_leave_no_staged_file(dango, project_dir):
    """DuckDB writes the rows as Parquet for dlt to import: column names are still normalized
    by dlt, a naive timestamp still lands as UTC, and the staged file is gone afterwards."""
    (project_dir / "export.csv").write_text(
        "Order ID,Placed At,Amount (EUR),Paid\n"
        "1,2026-01-02 03:04:05,1.50,true\n"
        "2,2026-02-03 04:05:06,,false\n", encoding="utf-8")
    add(dango, "csv", "shop", "file_path=export.csv")
    result = dango("sync")
    assert result.code == 0, result
    assert _columns(project_dir, "raw_shop.export") == {
        "order_id": "BIGINT", "placed_at": "TIMESTAMP WITH TIME ZONE",
        "amount_eurx": "DOUBLE",  # dlt's snake_case: a trailing ")" becomes "x"
        "paid": "BOOLEAN"}
    import duckdb

    with duckdb.connect(str(project_dir / "data" / "warehouse.duckdb"), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute("select order_id, strftime(placed_at, '%Y-%m-%d %H:%M:%S %z'), amount_eurx "
                           "from raw_shop.export order by 1").fetchall()
    assert rows == [(1, "2026-01-02 03:04:05 +00", 1.5), (2, "2026-02-03 04:05:06 +00", None)]
    assert _scratch(project_dir) == []


def test_a_file_duckdb_cannot_read_fails_its_source_and_leaves_no_staged_file(dango, project_dir):
    (project_dir / "bad.csv").write_bytes(b"id,name\n1,caf\xe9\n2,b\n")  # latin-1, not UTF-8
    add(dango, "csv", "bad", "file_path=bad.csv")
    result = dango("sync")
    assert result.code == 1, result
    assert "error: bad: bad.csv (file_path of source 'bad') is not UTF-8 text; save it as UTF-8" \
        in result.err, result
    assert "Traceback" not in result.output and "Original Line" not in result.output
    assert _scratch(project_dir) == []
    assert not (project_dir / "data" / "warehouse.duckdb").exists() or not tables(project_dir, "raw_bad")


def test_the_dialect_is_detected_unless_set_and_mixed_line_endings_load(dango, project_dir):
    """A European Excel export (`;`, CRLF, decimal commas) loads without a delimiter setting;
    so does a file that mixes CRLF and LF lines, which DuckDB's sniffer alone gives up on."""
    (project_dir / "excel.csv").write_bytes(b"id;name;price\r\n1;caf\xc3\xa9;1,50\r\n2;tea;2,00\r\n")
    (project_dir / "mixed.csv").write_bytes(b"id,name\r\n1,a\n2,b\r\n3,c\n")
    add(dango, "csv", "excel", "file_path=excel.csv")
    add(dango, "csv", "mixed", "file_path=mixed.csv")
    result = dango("sync")
    assert result.code == 0, result
    assert _columns(project_dir, "raw_excel.excel") == {"id": "BIGINT", "name": "VARCHAR", "price": "VARCHAR"}
    assert count(project_dir, "raw_excel.excel") == 2
    assert count(project_dir, "raw_mixed.mixed") == 3


def test_a_layout_duckdb_cannot_work_out_is_one_sentence(dango, project_dir):
    folder = project_dir / "exports"
    folder.mkdir()
    for name in ("a.csv", "b.csv"):  # a glob reads the files together: no second try per file
        (folder / name).write_bytes(b"id,name\r\n1,a\n2,b\r\n3,c\n")
    add(dango, "csv", "both", "file_path=exports/*.csv")
    result = dango("sync")
    assert result.code == 1, result
    assert ("error: both: exports/*.csv (file_path of source 'both') has no delimiter, quoting and "
            "line endings that hold for every line; make them consistent and sync again.") in result.err
    assert "Possible fixes" not in result.output and "Traceback" not in result.output


def test_a_warehouse_error_is_not_blamed_on_the_file(dango, project_dir, env):
    """DuckDB's errors while loading into the warehouse (here: another process holds it) are
    reported as they are, never as a problem of the CSV file."""
    import subprocess
    import sys

    shutil.copy(ORDERS, project_dir / "orders.csv")
    add(dango, "csv", "shop", "file_path=orders.csv")
    (project_dir / "data").mkdir(exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ready', "
         "flush=True); sys.stdin.read()", str(project_dir / "data" / "warehouse.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = dango("sync")
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert result.code == 1, result
    assert "error: shop: the warehouse warehouse.duckdb is open in another program (PID " in result.err, result
    assert "orders.csv (" not in result.err and "could not be read" not in result.err


def test_a_data_file_that_links_out_of_the_project_is_not_read(dango, project_dir, tmp_path):
    """A cloned repository can ship `data/orders.csv` as a link to the user's keys: a path
    that names a place in the project is read only if it really is there; the project's own
    secrets are never data. A path written outside the project is the user's choice."""
    from tests.conftest import snapshot

    outside = tmp_path / "outside"
    outside.mkdir()
    keys = outside / "credentials.csv"
    keys.write_text("aws_access_key_id,aws_secret_access_key\nAKIAEXAMPLE,verysecret\n")  # dango:allow
    (project_dir / "data").mkdir(exist_ok=True)
    (project_dir / "data" / "orders.csv").symlink_to(keys)
    (project_dir / "data" / "env.csv").symlink_to(project_dir / ".env")
    (project_dir / ".env").write_text("TOKEN=abc\n")
    add(dango, "csv", "shop", "file_path=data/orders.csv")
    add(dango, "csv", "env", "file_path=data/env.csv")
    add(dango, "csv", "glob", "file_path=data/*.csv")
    add(dango, "csv", "direct", f"file_path={keys}")
    before = snapshot(project_dir)
    result = dango("sync", "--source", "shop", "--source", "env", "--source", "glob")
    assert result.code == 1, result
    assert ("error: shop: data/orders.csv (file_path of source 'shop') is a link to a file outside "
            "the project, which dango does not read through") in result.err
    assert ("error: env: data/env.csv (file_path of source 'env') is one of the project's own files "
            "(secrets, settings or state), not data; dango does not load it.") in result.err
    assert "error: glob: data/env.csv (file_path of source 'glob') is one of the project's own" in result.err
    assert not (project_dir / "data" / "warehouse.duckdb").exists() or not any(
        tables(project_dir, schema) for schema in ("raw_shop", "raw_env", "raw_glob"))
    assert "verysecret" not in result.output
    after = {k: v for k, v in snapshot(project_dir).items() if not k.startswith(".dango/pipelines/")}
    assert after == before
    dry = dango("sync", "--dry-run", "--source", "shop")
    assert dry.code == 1 and "is a link to a file outside the project" in dry.err
    # the same file, named where it lies: loaded
    direct = dango("sync", "--source", "direct")
    assert direct.code == 0, direct
    assert count(project_dir, "raw_direct.credentials") == 1


def test_columns_that_become_one_in_the_warehouse_are_named_with_their_file(dango, project_dir):
    (project_dir / "data").mkdir(exist_ok=True)
    (project_dir / "data" / "wide.csv").write_text("id,a b,a_b\n1,2,3\n")
    (project_dir / "data" / "left.csv").write_text("id,orderId\n1,2\n")
    (project_dir / "data" / "right.csv").write_text("id,order_id\n1,2\n")
    assert dango("source", "add", "csv", "--name", "wide", "--set", "file_path=data/wide.csv",
                 "--no-input").code == 0
    assert dango("source", "add", "csv", "--name", "pair", "--set", "file_path=data/[lr]*.csv",
                 "--no-input").code == 0
    before = snapshot(project_dir)
    result = dango("sync", "--source", "wide")
    assert result.code == 1, result
    assert result.err.strip().splitlines()[-1] == (
        "error: wide: data/wide.csv (file_path of source 'wide') has columns a b and a_b, which "
        "become one column a_b in the warehouse (names are compared in lower case, with _ for "
        "spaces and other signs); rename one of them in the file and sync again.")
    result = dango("sync", "--source", "pair")
    assert result.code == 1, result
    assert result.err.strip().splitlines()[-1] == (
        "error: pair: the columns orderId of data/left.csv (file_path of source 'pair') and "
        "order_id of data/right.csv (file_path of source 'pair') become one column order_id in "
        "the warehouse (names are compared in lower case, with _ for spaces and other signs); "
        "give them one name in every file and sync again.")
    after = snapshot(project_dir)
    assert {k for k in after if not k.startswith(".dango/pipelines/")} == \
        {k for k in before if not k.startswith(".dango/pipelines/")}
    assert not (project_dir / "data" / "warehouse.duckdb").exists()


