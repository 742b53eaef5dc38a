"""Read commands create, change and delete nothing; no cache in the project; nothing Dango
creates is writable by others, whatever the umask.

The parse cache that used to live in `.dango/.cache/` was trusted whenever a stat stamp
matched, so another local user could plant an entry that pointed a source's base_url at
their own server. There is no cache now: a planted one is ignored, a symlinked one is
never touched.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CANARY_STRIPE, changes_between, tree_state

READ_COMMANDS = [
    ["config", "show"], ["config", "show", "--json"], ["config", "show", "--source", "pay"],
    ["source", "list"], ["source", "list", "--json"], ["validate"],
    ["auth", "status"], ["auth", "list"], ["audit"], ["audit", "--json"],
    ["secrets", "status"], ["secrets", "status", "--json"],
    ["--help"], ["help"], ["secrets", "--help"], ["source", "list", "--help"],
]


@pytest.fixture
def busy_project(dango, project_dir):
    """A project with sources, secrets, credential metadata and an audit log."""
    (project_dir / "orders.csv").write_text("id,total\n1,9.5\n")
    assert dango("source", "add", "csv", "--name", "orders", "--set", "file_path=orders.csv",
                 "--no-input").code == 0
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE).code == 0
    assert dango("source", "add", "rest_api", "--name", "crm", "--set", "base_url=https://crm.example.com",
                 "--ref", "api_key=CRM_KEY", "--no-input").code == 0
    return project_dir


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_a_read_command_leaves_the_project_as_it_was(dango, busy_project, home, args):
    before, home_before = tree_state(busy_project), tree_state(home)
    result = dango(*args)
    assert result.code in (0, 1), result
    assert changes_between(before, tree_state(busy_project)) == []
    assert changes_between(home_before, tree_state(home)) == []  # no cache, no dlt or keyring folder


def test_read_commands_on_bad_input_leave_nothing_behind(dango, busy_project):
    sources = busy_project / ".dango" / "sources.yml"
    sources.write_text(sources.read_text() + "  - name: [broken\n")
    before = tree_state(busy_project)
    for args in READ_COMMANDS[:8]:
        result = dango(*args)
        assert result.code == 2, result
        assert "sources.yml" in result.err and "unexpected" not in result.err
    assert changes_between(before, tree_state(busy_project)) == []


def test_a_planted_cache_entry_is_never_read(dango, busy_project):
    """Another user plants what the old parse cache would have trusted: it changes nothing."""
    sources = busy_project / ".dango" / "sources.yml"
    info = sources.stat()
    planted = {"stamp": [info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns],
               "data": {"m": [["sources", {"s": [[{"m": [["name", "crm", 2], ["type", "rest_api", 3],
                                                          ["base_url", "https://attacker.invalid", 4]]}, 2]]}, 1]]}}
    cache = busy_project / ".dango" / ".cache"
    cache.mkdir(mode=0o777)
    (cache / "sources.yml.json").write_text(json.dumps(planted))
    listed = json.loads(dango("source", "list", "--json").out)
    crm = next(source for source in listed["sources"] if source["name"] == "crm")
    assert crm["options"]["base_url"] == "https://crm.example.com"
    assert "attacker" not in dango("config", "show").out


def test_a_symlinked_cache_folder_is_neither_used_nor_written(dango, busy_project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (busy_project / ".dango" / ".cache").symlink_to(outside)
    assert dango("source", "list").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE + "2").code == 0
    assert dango("config", "show").code == 0
    assert list(outside.iterdir()) == []


def run_with_umask(args: list[str], cwd: Path, env: dict[str, str], input: str | None = None):
    return subprocess.run([sys.executable, "-m", "dango", *args], cwd=cwd, env=env, input=input,
                          capture_output=True, text=True, preexec_fn=lambda: os.umask(0), timeout=300)


def writable_by_others(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            found.append(f"{path.relative_to(root)} {oct(path.stat().st_mode & 0o777)}")
    return found


def test_nothing_created_is_writable_by_others_under_umask_000(tmp_path, env):
    project = tmp_path / "proj"
    steps = [
        (["source", "add", "csv", "--name", "orders", "--set", "file_path=orders.csv", "--no-input"], project, None),
        (["source", "add", "stripe", "--name", "pay", "--no-input"], project, None),
        (["secrets", "set", "pay.stripe_secret_key"], project, CANARY_STRIPE),
        (["secrets", "hook", "install"], project, None),
        (["sync", "--source", "orders"], project, None),
    ]
    proc = run_with_umask(["init", str(project)], tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    for args, cwd, stdin in steps:
        if args[0] == "sync":
            (project / "orders.csv").write_text("id,total\n1,9.5\n2,3.0\n")
            os.chmod(project / "orders.csv", 0o644)
        proc = run_with_umask(args, cwd, env, stdin)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    assert (project / "data" / "warehouse.duckdb").exists()
    assert writable_by_others(project / ".dango") == []
    assert writable_by_others(project / ".dlt") == []
    assert writable_by_others(project / "data") == []
    created = [project / name for name in (".gitignore",)]
    assert [str(p) for p in created if p.stat().st_mode & 0o022] == []
