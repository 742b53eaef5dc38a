"""The run around the sources: one sync at a time, Ctrl-C stops the run, dlt's own log
lines stay out of the output, and no copy of loaded data is left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import snapshot
from tests.servers.local_http import JsonHandler, serve
from tests.sync.helpers import ORDERS, add, count, tables


def test_a_second_sync_while_one_runs_stops_at_once_and_changes_nothing(dango, project_dir):
    from filelock import FileLock

    add(dango, "csv", "shop", f"file_path={ORDERS}")
    assert dango("sync").code == 0
    before = snapshot(project_dir)
    with FileLock(str(project_dir / ".dango" / "pipelines" / ".sync.lock")):  # a sync that is loading
        result = dango("sync")
    assert result.code == 1, result
    assert result.err.strip() == ("error: another `dango sync` of this project is running (it holds "
                                  ".dango/pipelines/.sync.lock); wait for it to finish and run the "
                                  "command again."), result.err
    assert snapshot(project_dir) == before
    assert dango("sync", "--dry-run").code == 0  # a dry run loads nothing: it needs no lock


def test_a_refused_load_is_one_sentence_without_dlts_log_lines(dango, project_dir):
    inbox = project_dir / "data" / "in"
    inbox.mkdir(parents=True)
    (inbox / "a.csv").write_text("id,amount\n1,10\n")
    add(dango, "local_files", "lf", "directory=data/in")
    assert dango("sync").code == 0
    import duckdb

    # a column narrower than dlt makes it: only the warehouse finds the value too big
    with duckdb.connect(str(project_dir / "data" / "warehouse.duckdb")) as con:
        con.execute("ALTER TABLE raw_lf.lf ALTER amount TYPE INTEGER")
    (inbox / "a.csv").write_text("id,amount\n1,3000000000\n")
    result = dango("sync")
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: lf: the warehouse refused the rows of a.csv"), \
        lines[:5]
    debug = dango("sync", "--debug")  # --debug still shows dlt's own lines, then the sentence
    assert debug.code == 1 and "[ERROR]" in debug.err and "unexpected" not in debug.err, debug.err[-2000:]
    assert "error: lf: the warehouse refused the rows of a.csv" in debug.err


def test_loaded_data_leaves_no_copy_in_dlts_folders(dango, project_dir):
    add(dango, "csv", "shop", f"file_path={ORDERS}")
    for _ in range(2):
        assert dango("sync").code == 0
    left = [p.relative_to(project_dir).as_posix() for p in (project_dir / ".dango" / "pipelines").rglob("*")
            if p.is_file() and "_jobs" in p.parent.name]
    assert left == []
    assert count(project_dir, "raw_shop.orders") == 500


class Interrupting(JsonHandler):
    """Sends Ctrl-C (SIGINT) to the process that asked, while it waits for the answer: the
    user pressed it while the sync was reading. The answer comes only if the sync is still
    waiting half a minute later (a Ctrl-C it lost): a sync that stops closes the connection
    first, however busy the machine, so the test never races the signal."""

    target_pid = 0

    def do_GET(self):  # noqa: N802
        # Known: on a loaded machine the first Ctrl-C is sometimes lost while the sync waits
        # for an answer; a user presses it again, and so does this server (every 5 s, 6 times)
        for _ in range(6):
            os.kill(type(self).target_pid, signal.SIGINT)
            self.connection.settimeout(5)
            try:
                if self.rfile.read(1) == b"":  # the sync closed the connection: it stopped
                    return
            except OSError:  # still waiting
                continue
        self.send_json([{"id": 1}])  # never stopped: the test fails on what the sync did


@pytest.fixture
def interrupting_api():
    with serve(Interrupting) as url:
        yield url


def test_ctrl_c_stops_the_whole_run_and_the_next_sync_works(dango, project_dir, env, interrupting_api):
    add(dango, "rest_api", "api", f"base_url={interrupting_api}", "resources=items", "auth_type=none")
    add(dango, "csv", "shop", f"file_path={ORDERS}")
    proc = subprocess.Popen([sys.executable, "-m", "dango", "sync"], cwd=project_dir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    Interrupting.target_pid = proc.pid
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert err.strip().splitlines()[-1] == "Interrupted.", err
    assert "KeyboardInterrupt" not in err and "error: api" not in err
    warehouse = project_dir / "data" / "warehouse.duckdb"
    assert not warehouse.exists() or tables(project_dir, "raw_shop") == set()  # the run stopped
    assert dango("sync", "--source", "shop").code == 0
    assert count(project_dir, "raw_shop.orders") == 500


def test_a_folder_where_nothing_matches_says_so(dango, project_dir):
    inbox = project_dir / "data" / "in"
    inbox.mkdir(parents=True)
    (inbox / "a.csv").write_text("id\n1\n")
    add(dango, "local_files", "lf", "directory=data/in", "file_pattern=*.xlsx")
    result = dango("sync")
    assert result.code == 0, result
    assert ("note: lf: no CSV, JSON, JSONL/NDJSON or Parquet file in data/in matches *.xlsx; check "
            "file_pattern of source 'lf' (the rows of files that are gone are marked deleted)") in result.err
    as_json = json.loads(dango("sync", "--json").out)
    assert as_json["sources"][0]["note"].startswith("no CSV, JSON")


def test_a_fresh_clone_without_its_ignored_data_folder_syncs(dango, project_dir):
    """data/ is in .gitignore: a teammate who clones the project has none."""
    import shutil

    add(dango, "csv", "shop", f"file_path={ORDERS}")
    shutil.rmtree(project_dir / "data", ignore_errors=True)
    result = dango("sync")
    assert result.code == 0, result
    assert count(project_dir, "raw_shop.orders") == 500


def test_a_sync_in_a_program_leaves_its_environment_as_it_was(dango, project_dir, monkeypatch):
    """dlt reads its folders from the environment: a program that syncs one project must not
    start its next program (or sync its next project) with this project's folders."""
    from dango.project import find_project
    from dango.sync.runner import run_sync

    add(dango, "csv", "shop", f"file_path={ORDERS}")
    monkeypatch.delenv("DLT_PROJECT_DIR", raising=False)
    monkeypatch.setenv("DLT_DATA_DIR", "/elsewhere")
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "INFO")
    before = dict(os.environ)
    run = run_sync(find_project(project_dir))
    assert [r.status for r in run.results] == ["ok"]
    assert dict(os.environ) == before
