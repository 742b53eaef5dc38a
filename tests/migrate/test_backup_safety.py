"""The backup and its undo: only migrate's own backup, made on this machine, is trusted;
a failure part-way leaves nothing behind; a file that cannot be put back is named."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from dango import migrate
from dango.migrate import backup as backup_module
from dango.migrate.errors import (ChangedSinceMigration, MigrationFailed, RollbackIncomplete,
                                  UndoIncomplete, UnsafeTarget, UntrustedBackup)
from tests.conftest import changes_between, run_dango, tree_state
from tests.migrate.helpers import SECRETS, upstream_project


def _plant(root, manifest: dict, sign: bool) -> None:
    folder = root / ".dango/backup/20250101T000000000000Z"
    (folder / "files/.git/hooks").mkdir(parents=True)
    (folder / "files/.git/hooks/pre-commit").write_text("#!/bin/sh\necho owned\n")
    for path in (root / ".dango/backup", folder, *folder.rglob("*")):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    if sign:
        manifest["signature"] = backup_module._sign(manifest, backup_module._key(create=True))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    os.chmod(folder / "manifest.json", 0o600)


PLANTED = {"version": 1, "after": {},
           "files": {".git/hooks/pre-commit": {"existed": True, "mode": 0o755, "sha256": None},
                     "dbt/models/keep.sql": {"existed": False, "mode": None, "sha256": None},
                     ".dlt/secrets.toml": {"existed": True, "mode": 0o666, "sha256": None}},
           "modes": {}, "folders": []}


@pytest.mark.parametrize("sign, reason", [
    (False, "it was not made by `dango migrate` on this machine"),
    (True, "it lists .git/hooks/pre-commit, which dango migrate never changes")])
def test_undo_refuses_a_planted_backup_and_writes_nothing(tmp_path, env, sign, reason):
    root = upstream_project(tmp_path)
    migrate.apply(root)
    shutil.rmtree(root / ".dango/backup")
    (root / "dbt/models").mkdir(parents=True)
    (root / "dbt/models/keep.sql").write_text("select 1\n")
    _plant(root, json.loads(json.dumps(PLANTED)), sign)
    before = tree_state(root)
    result = run_dango("migrate", "--undo", "--yes", cwd=root, env=env)
    assert result.code == 2, result
    assert result.err.startswith("error: dango migrate --undo will not use .dango/backup/"), result
    assert result.err.strip().endswith(f": {reason}; nothing was written."), result
    assert [c for c in changes_between(before, tree_state(root)) if ".dango/.lock" not in c] == []
    assert not (root / ".git").exists()


@pytest.mark.parametrize("spoil, reason", [
    ("symlink", "backup is a symlink"), ("mode", "open to other users (mode 755, not 700)"),
    ("copy", "its copy of .dango/sources.yml was changed after it was made"),
    ("target", ".dlt in the project is a symlink")])
def test_undo_refuses_a_backup_it_cannot_trust(tmp_path, spoil, reason):
    root = upstream_project(tmp_path)
    done = migrate.apply(root)
    folder = root / done.backup
    if spoil == "symlink":
        os.rename(root / ".dango/backup", tmp_path / "elsewhere")
        os.symlink(tmp_path / "elsewhere", root / ".dango/backup")
    elif spoil == "mode":
        os.chmod(folder, 0o755)
    elif spoil == "copy":
        (folder / "files/.dango/sources.yml").write_text("sources: []\n")
    else:
        os.rename(root / ".dlt", tmp_path / "dlt")
        os.symlink(tmp_path / "dlt", root / ".dlt")
    before = tree_state(root)
    with pytest.raises(UntrustedBackup, match=reason.replace("(", r"\(").replace(")", r"\)")):
        migrate.undo(root, discard_changes=True)
    assert [c for c in changes_between(before, tree_state(root)) if ".dango/.lock" not in c] == []


def test_a_folder_where_a_file_belongs_is_refused_with_nothing_left_behind(tmp_path, env):
    root = upstream_project(tmp_path)
    (root / ".dlt/secrets.toml.example").mkdir()
    before = tree_state(root)
    result = run_dango("migrate", "--yes", cwd=root, env=env)
    assert result.code == 2 and result.err.count(". ") == 0, result
    assert ".dlt/secrets.toml.example is not a regular file" in result.err
    assert "Error" not in result.err and "Traceback" not in result.err
    assert changes_between(before, tree_state(root)) == []  # no backup, no lock file


def test_a_failing_write_removes_the_backup_and_the_lock_it_made(tmp_path, monkeypatch):
    root = upstream_project(tmp_path)
    before = tree_state(root)
    real = os.chmod

    def failing(path, mode, *args, **kwargs):
        if str(path).endswith(".env"):
            raise PermissionError(1, "Operation not permitted", str(path))
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", failing)
    root_env = root / ".env"
    real(root_env, 0o644)
    before = tree_state(root)
    with pytest.raises(MigrationFailed) as raised:
        migrate.apply(root, move_secrets=True)
    assert "could not write .env: the operation is not permitted" in str(raised.value)
    assert [c for c in changes_between(before, tree_state(root)) if "(mtime)" not in c] == []


def test_env_linked_out_of_the_project_is_refused_before_any_write(tmp_path):
    root = upstream_project(tmp_path)
    outside = tmp_path / "outside.env"
    os.rename(root / ".env", outside)
    os.symlink(outside, root / ".env")
    before = tree_state(root)
    with pytest.raises(UnsafeTarget, match=r"^\.env is a symlink, and dango migrate never writes"):
        migrate.apply(root, move_secrets=True)
    assert changes_between(before, tree_state(root)) == []


def test_rollback_goes_on_past_a_file_it_cannot_restore_and_names_it(tmp_path, monkeypatch):
    from dango.store import atomic

    root = upstream_project(tmp_path)
    real_chmod, real_write = os.chmod, atomic.Batch.commit
    state = {"failing": False}

    def chmod(path, mode, *args, **kwargs):
        if str(path).endswith(".env"):
            state["failing"] = True  # from now on, writing sources.yml back fails too
            raise PermissionError(1, "Operation not permitted", str(path))
        return real_chmod(path, mode, *args, **kwargs)

    def commit(self):
        if state["failing"] and any(str(t).endswith("sources.yml") for t in self._writes):
            self._writes = {}
            raise PermissionError(1, "Operation not permitted")
        return real_write(self)

    real_chmod(root / ".env", 0o644)
    with monkeypatch.context() as patch, pytest.raises(RollbackIncomplete) as raised:
        patch.setattr(os, "chmod", chmod)
        patch.setattr(atomic.Batch, "commit", commit)
        migrate.apply(root)
    message = str(raised.value)
    assert "could not put back .dango/sources.yml;" in message and ".dango/backup/" in message
    assert b"format_version" not in (root / ".dango/project.yml").read_bytes()  # restored
    kept = list((root / ".dango/backup").glob("*/files/.dango/sources.yml"))
    assert len(kept) == 1 and (root / ".dango/sources.yml").read_bytes() != kept[0].read_bytes()


def test_undo_names_a_file_it_cannot_put_back_and_keeps_the_backup(tmp_path, monkeypatch):
    root = upstream_project(tmp_path)
    migrate.apply(root)
    real = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path).endswith("secrets.toml.example"):
            raise PermissionError(1, "Operation not permitted", str(path))
        return real(path, *args, **kwargs)

    with monkeypatch.context() as patch, \
            pytest.raises(UndoIncomplete, match=r"could not put back \.dlt/secrets\.toml\.example from"):
        patch.setattr(os, "unlink", unlink)
        migrate.undo(root)
    assert b"format_version" not in (root / ".dango/project.yml").read_bytes()
    assert migrate.undo(root)[1]  # the second run finishes it
    assert not (root / ".dlt/secrets.toml.example").exists()


def test_undo_names_work_done_after_the_migration_and_needs_yes(tmp_path, env):
    root = upstream_project(tmp_path)
    migrate.apply(root)
    with open(root / ".dango/sources.yml", "a") as handle:
        handle.write("- name: later\n  type: local_files\n  directory: data/later\n")
    preview = run_dango("migrate", "--undo", "--dry-run", cwd=root, env=env)
    assert "Changed since the migration (undo discards that work; it needs --yes): .dango/sources.yml." in preview.out
    before = tree_state(root)
    refused = run_dango("migrate", "--undo", cwd=root, env=env)
    assert refused.code == 2 and "would discard work: .dango/sources.yml changed after the migration" in refused.err
    assert [c for c in changes_between(before, tree_state(root)) if ".dango/.lock" not in c] == []
    with pytest.raises(ChangedSinceMigration):
        migrate.undo(root)
    done = run_dango("migrate", "--undo", "--yes", cwd=root, env=env)
    assert done.code == 0, done
    assert not any(secret in done.output for secret in SECRETS)
