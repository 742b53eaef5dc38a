"""File names DuckDB would read as patterns (`*.csv`, `report[1].csv`, a folder `in [2024]`):
each file loads once, as itself, and never lets DuckDB reach a file dango did not check."""

from __future__ import annotations

from pathlib import Path

from dango.project import init_project
from dango.sync.runner import run_sync
from tests.conftest import files_containing, snapshot

SECRET = "sk_live_51HnotArealKeyButLongEnough0"  # dango:allow


def _project(tmp_path: Path, *sources: str):
    project = init_project(tmp_path / "proj").project
    project.sources_path.write_text("sources:\n" + "".join(sources))
    (project.root / ".env").write_text(f"STRIPE_KEY,{SECRET}\n")  # dango:allow
    return project


def _local(name: str, directory: str, pattern: str = "*") -> str:
    return (f"  - name: {name}\n    type: local_files\n    directory: '{directory}'\n"
            f"    file_pattern: '{pattern}'\n")


def _csv(name: str, path: str) -> str:
    return f"  - name: {name}\n    type: csv\n    file_path: '{path}'\n"


def _sync(project, name: str):
    return run_sync(project, [name]).results[0]


def _rows(project, sql: str) -> list:
    import duckdb

    with duckdb.connect(str(project.root / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_file_named_like_a_pattern_never_makes_duckdb_read_a_hidden_link_to_the_secrets(tmp_path):
    """A cloned repository ships `in/*.csv` (a plain file) and a hidden `in/.x.csv` linked to
    `.env`: the listing skips hidden files, and DuckDB must not expand `*.csv` itself."""
    project = _project(tmp_path, _local("lf", "in"), _csv("c", "in/*.csv"))
    folder = project.root / "in"
    folder.mkdir()
    (folder / "*.csv").write_text("k,v\nhello,world\n")
    (folder / "a.csv").write_text("k,v\nx,y\n")
    (folder / ".x.csv").symlink_to("../.env")

    lf = _sync(project, "lf")
    assert lf.status == "ok", lf.error
    assert _rows(project, "select k, v, _dango_filename from raw_lf.lf order by k") == [
        ("hello", "world", "*.csv"), ("x", "y", "a.csv")]
    c = _sync(project, "c")
    assert c.status == "ok", c.error
    assert _rows(project, "select k, v from raw_c.c order by k") == [("hello", "world"), ("x", "y")]
    assert files_containing(project.root / "data", SECRET) == []


def test_brackets_in_file_and_folder_names_load_each_file_once(tmp_path):
    project = _project(tmp_path, _local("lf", "in [2024]"), _csv("one", "in [2024]/br[1].csv"))
    folder = project.root / "in [2024]"
    folder.mkdir()
    (folder / "br[1].csv").write_text("id\n6\n")
    (folder / "br1.csv").write_text("id\n7\n")
    (folder / "q?{a,b}.csv").write_text("id\n8\n")
    for _ in range(3):  # nothing more on a sync with nothing changed
        result = _sync(project, "lf")
        assert result.status == "ok", result.error
    assert _rows(project, "select _dango_filename, list(id order by id) from raw_lf.lf group by 1 "
                          "order by 1") == [("br1.csv", [7]), ("br[1].csv", [6]), ("q?{a,b}.csv", [8])]
    # a csv path that is the exact name of a file is that file, named after it
    one = _sync(project, "one")
    assert one.status == "ok", one.error
    assert _rows(project, "select id from raw_one.br_1") == [(6,)]


def test_a_pattern_that_leaves_the_folder_is_refused(tmp_path):
    project = _project(tmp_path, _local("up", "in", "../.env"), _local("abs", "in", "/etc/*"))
    (project.root / "in").mkdir()
    before = snapshot(project.root)
    up = _sync(project, "up")
    assert up.status == "failed"
    assert up.error == ("file_pattern of source 'up' ../.env reaches outside the folder in; a pattern "
                        "names files inside it, so remove the .. or the leading /.")
    absolute = _sync(project, "abs")
    assert absolute.status == "failed" and "/etc/* reaches outside the folder in" in absolute.error
    assert not (project.root / "data" / "warehouse.duckdb").exists()
    after = {k: v for k, v in snapshot(project.root).items() if not k.startswith(".dango/pipelines/")}
    assert after == before


def test_a_pattern_with_braces_matches_each_of_its_choices(tmp_path):
    """`*.{csv,json}` (as a shell, DuckDB and dbt read it) matched nothing: the sync ended
    with a note, and had marked the rows of every file loaded before as deleted."""
    project = _project(tmp_path, _local("lf", "in", "{*.{csv,json},sub/*.csv}"),
                       _local("out", "in", "{x,../.env}"))
    folder = project.root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("id\n1\n")
    (folder / "b.json").write_text('{"id": 2}\n')
    (folder / "c.jsonl").write_text('{"id": 3}\n')
    (folder / "sub" / "d.csv").write_text("id\n4\n")
    lf = _sync(project, "lf")
    assert lf.status == "ok" and lf.note is None, (lf.error, lf.note)
    assert _rows(project, "select _dango_filename, id from raw_lf.lf order by id") == [
        ("a.csv", 1), ("b.json", 2), ("d.csv", 4)]
    out = _sync(project, "out")
    assert out.status == "failed"
    assert out.error == ("file_pattern of source 'out' {x,../.env} reaches outside the folder in; a "
                         "pattern names files inside it, so remove the .. or the leading /.")


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_output(tmp_path):
    from tests.conftest import clean_env, run_dango

    project = _project(tmp_path, _local("lf", "in", "**/*.csv"))
    name = "a\nerror: nothing is wrong.csv"
    for folder in ("x", "y"):
        (project.root / "in" / folder).mkdir(parents=True)
        (project.root / "in" / folder / name).write_text("id\n1\n")
    result = run_dango("sync", "--dry-run", cwd=project.root, env=clean_env(tmp_path))
    assert result.code == 1, result
    assert result.err.splitlines() == [
        "error: lf: two files named a\\nerror: nothing is wrong.csv match **/*.csv in in/; rows are "
        "tracked by file name, so rename one of them."], result.err
