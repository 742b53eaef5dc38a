"""Hostile clones and messy upstream projects: migrate refuses up front, naming the file,
and writes nothing anywhere (inside the project or outside it)."""

from __future__ import annotations

import os

import pytest

from dango import migrate
from dango.migrate.errors import UnsafeTarget
from tests.conftest import changes_between, tree_state
from tests.migrate.helpers import upstream_project


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_backup_folder_that_is_a_link_or_a_file_is_refused_and_nothing_written(tmp_path, kind):
    root = upstream_project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    os.chmod(outside, 0o755)
    if kind == "symlink":
        os.symlink(outside, root / ".dango/backup")
    else:
        (root / ".dango/backup").write_text("not a folder\n")
    before, before_outside = tree_state(root), tree_state(outside)
    what = "a symlink" if kind == "symlink" else "not a folder"
    with pytest.raises(UnsafeTarget, match=rf"^\.dango/backup is {what}, .* replace it with a folder"):
        migrate.apply(root)
    with pytest.raises(UnsafeTarget):
        migrate.pending(root)
    assert changes_between(before, tree_state(root)) == []
    assert tree_state(outside) == before_outside == {}
    assert oct(os.stat(outside).st_mode & 0o777) == "0o755"  # never chmodded through the link


def test_a_secret_moved_out_of_sources_yml_is_left_in_no_committed_file(tmp_path):
    """A literal secret upstream kept in sources.yml (a rest_api header, a google_ads
    dev_token) goes to .dlt/secrets.toml, and the copy of upstream's settings kept in
    .dango/project.yml says where it went instead of holding it."""
    from tools.make_upstream_fixtures import REST_STATIC_HEADER

    dev_token = "UPSTREAMcanaryDevToken000000001"  # dango:allow
    root = upstream_project(tmp_path, "rest")
    with open(root / ".dango/sources.yml", "a", encoding="utf-8") as handle:
        handle.write(f"- name: gads\n  type: google_ads\n  generic_config:\n"
                     f"    customer_id: '1234567890'\n    dev_token: {dev_token}\n")
    plan = "\n".join(text for _, text in migrate.pending(root).lines)
    assert dev_token not in plan and REST_STATIC_HEADER not in plan
    migrate.apply(root)
    secrets = (root / ".dlt/secrets.toml").read_text()
    assert REST_STATIC_HEADER in secrets and f'dev_token = "{dev_token}"' in secrets
    for rel in (".dango/project.yml", ".dango/sources.yml", ".dlt/secrets.toml.example"):
        text = (root / rel).read_text()
        assert REST_STATIC_HEADER not in text and dev_token not in text, rel
    kept = (root / ".dango/project.yml").read_text()
    assert "X-Static: (moved to .dlt/secrets.toml by dango migrate)" in kept


def test_a_refused_undo_leaves_no_lock_file_behind(tmp_path):
    """In an upstream project (never migrated, or undone) a refused `--undo` wrote
    .dango/.lock, which upstream's .gitignore does not ignore."""
    from dango.migrate.errors import ChangedSinceMigration, NoBackup

    root = upstream_project(tmp_path)
    before = tree_state(root)
    with pytest.raises(NoBackup):
        migrate.undo(root)
    assert changes_between(before, tree_state(root)) == []
    migrate.apply(root)
    migrate.undo(root)
    assert not (root / ".dango/.lock").exists()  # migrate made it, undo took it away
    migrate.apply(root)
    (root / ".dango/sources.yml").write_text("sources: []\n")
    os.unlink(root / ".dango/.lock")
    before = tree_state(root)
    with pytest.raises(ChangedSinceMigration):
        migrate.undo(root)
    assert changes_between(before, tree_state(root)) == []


def test_a_yaml_alias_bomb_in_a_cloned_sources_yml_is_refused_at_once(tmp_path):
    """Nine aliases of nine aliases of ... : 43 million values, read in a blink, and every
    walk over them (converting, copying) hung `dango migrate --dry-run`."""
    from dango.errors import MalformedFile

    root = upstream_project(tmp_path)
    bomb, previous = "a: &a [x, x, x, x, x, x, x, x, x]\n", "a"
    for name in "bcdefgh":
        bomb += f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
        previous = name
    path = root / ".dango/sources.yml"
    path.write_text(bomb + path.read_text().replace("    file_pattern: '*.csv'\n",
                                                    "    file_pattern: '*.csv'\n    extra: *h\n", 1))
    before = tree_state(root)
    with pytest.raises(MalformedFile, match=r"sources\.yml: its aliases \(\*name\) repeat an anchored "
                                            r"value so often that it holds over 200,000 values"):
        migrate.pending(root)
    assert changes_between(before, tree_state(root)) == []


def test_the_plan_never_prints_an_endpoints_query_parameter_value(tmp_path):
    """A key passed as a query parameter (`params: {api_key: ...}`) stays where upstream had
    it, but the plan names the parameter only: a dry run is often pasted into a ticket."""
    secret = "UPSTREAMcanaryQueryKey00000001"  # dango:allow
    root = upstream_project(tmp_path, "rest")
    path = root / ".dango/sources.yml"
    path.write_text(path.read_text().replace(
        "data_selector: data", f"data_selector: data\n      params: {{api_key: {secret}, limit: 50}}", 1))
    plan = "\n".join(text for _, text in migrate.pending(root).lines)
    assert "params: api_key, limit" in plan and secret not in plan
