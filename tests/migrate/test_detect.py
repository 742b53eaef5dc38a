"""In an upstream 1.0 project every command but `dango migrate` stops, in one sentence, and
writes nothing."""

from __future__ import annotations

import pytest

from tests.conftest import changes_between, run_dango, tree_state
from tests.migrate.helpers import upstream_project

SENTENCE = "is a Dango 1.0 project (made by getdango); run `dango migrate --dry-run`"


@pytest.mark.parametrize("args", [
    ("source", "list"), ("validate",), ("config", "show"), ("sync",), ("init", "."),
    ("secrets", "set", "orders.directory"), ("secrets", "scan"),
])
def test_every_command_stops_with_the_migrate_sentence(tmp_path, env, args):
    root = upstream_project(tmp_path)
    before = tree_state(root)
    result = run_dango(*args, cwd=root, env=env, input="x\n")
    assert result.code == 2, result
    assert SENTENCE in result.err and result.err.count("\n") == 1, result
    assert changes_between(before, tree_state(root)) == []


def test_help_version_and_the_dry_run_still_work(tmp_path, env):
    root = upstream_project(tmp_path)
    before = tree_state(root)
    for args in (("--help",), ("--version",), ("help", "migrate"), ("source", "list", "--help")):
        result = run_dango(*args, cwd=root, env=env)
        assert result.code == 0, result
    dry = run_dango("migrate", "--dry-run", cwd=root, env=env)
    assert dry.code == 0, dry
    assert "Dry run: nothing was written" in dry.out
    assert changes_between(before, tree_state(root)) == []
