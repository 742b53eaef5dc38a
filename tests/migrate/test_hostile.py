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
