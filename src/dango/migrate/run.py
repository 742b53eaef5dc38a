"""Previewing, applying and undoing a migration.

`pending` reads and plans, writing nothing (`dango migrate --dry-run`). `apply` holds the
project lock and, inside one rollback, copies every file it will change to
`.dango/backup/<timestamp>/` (backup.py), then writes the plan through one atomic batch;
with --move-secrets, `.env` loses the moved variables only after `.dlt/secrets.toml` has
been written and read back. Any failure puts back every file it changed and removes the
backup (and the lock file when migrate created it): the project is left as it was. `undo`
restores the newest backup once it is checked to be migrate's own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import DangoError, FileProblem, os_problem
from ..project import Project, is_old_format
from ..store.atomic import atomic_write, commit_pending, write_target
from .backup import (BACKUP_DIR, FILES, FOLDERS, STAMP, Snapshot, changed_since, check,
                     from_manifest, restore, write_files, write_manifest)
from .errors import (ChangedSinceMigration, MigrationFailed, NoBackup, NotUpstream,
                     RollbackIncomplete, UndoIncomplete, UnsafeTarget)
from .steps import Plan, build
from .upstream import read


@dataclass
class Applied:
    plan: Plan
    backup: str  # relative to the project


def pending(root: Path, *, move_secrets: bool = False) -> Plan:
    """The migration of the upstream project in `root`, planned in memory; nothing written."""
    check_targets(root)
    up = read(root)
    if not is_old_format(up.settings):
        raise NotUpstream(str(root))
    return build(up, move_secrets=move_secrets)


def check_targets(root: Path) -> None:
    """Refuse, before reading or writing anything, a file or folder migrate may change or
    write into that is a symlink (migrate never follows one: a cloned `.dango/backup` link
    would receive the plaintext copies), a file that is not a regular file, or a folder that
    is not a folder."""
    for rel in (*FOLDERS, ".dango", BACKUP_DIR, *FILES):
        path = root / rel
        if os.path.islink(path):
            raise UnsafeTarget(rel, "a symlink")
        if not os.path.lexists(path):
            continue
        if rel in FILES and not stat.S_ISREG(os.lstat(path).st_mode):
            raise UnsafeTarget(rel, "not a regular file")
        if rel not in FILES and not stat.S_ISDIR(os.lstat(path).st_mode):
            raise UnsafeTarget(rel, "not a folder")


def apply(root: Path, *, move_secrets: bool = False) -> Applied:
    project = Project(root=root)
    lock_existed = os.path.lexists(project.lock_path)
    base = root / BACKUP_DIR
    base_existed = os.path.lexists(base)
    with project.lock():
        snap: Snapshot | None = None
        folder: Path | None = None
        try:
            plan = pending(root, move_secrets=move_secrets)
            snap = Snapshot.take(root, sorted({*plan.writes, *plan.later}), sorted(plan.chmods))
            snap.lock_created = not lock_existed
            folder = _new_backup(root)
            write_files(folder, snap)
            _make_folders(root, plan, snap)
            for rel, (data, mode) in plan.writes.items():
                atomic_write(root / rel, data, root=root, mode=mode)
            commit_pending()
            for rel, mode in sorted(plan.chmods.items()):
                write_target(root / rel, root)
                os.chmod(root / rel, mode)
            if plan.later:
                _read_back(root, plan)
                for rel, (data, mode) in plan.later.items():
                    atomic_write(root / rel, data, root=root, mode=mode)
                commit_pending()
            snap.record_after(root)
            write_manifest(folder, snap)
        except BaseException as err:
            failed = restore(root, snap) if snap is not None else []
            problem = _describe(err, root)
            if failed and folder is not None:
                raise RollbackIncomplete(problem, failed, str(folder.relative_to(root))) from None
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            if not base_existed:
                shutil.rmtree(base, ignore_errors=True)
            if not lock_existed:
                _remove_lock(project)
            if isinstance(err, (NotUpstream, UnsafeTarget)) or not isinstance(err, (OSError, DangoError)):
                raise
            if isinstance(err, DangoError) and snap is None:
                raise  # planning refused: already one sentence, nothing was written
            raise MigrationFailed("apply", problem) from None
    return Applied(plan, str(folder.relative_to(root)))


def _describe(err: BaseException, root: Path) -> str:
    """What failed, in words: the file and the operating system's reason, never raw text."""
    def shown(path) -> str:
        with contextlib.suppress(ValueError, TypeError):
            return str(Path(path).absolute().relative_to(root.absolute()))
        return str(path)

    if isinstance(err, FileProblem):
        return f"could not write {shown(err.path)}: {os_problem(err.code)[0]}"
    if isinstance(err, OSError):
        where = f" {shown(err.filename)}" if err.filename else " a project file"
        return f"could not write{where}: {os_problem(err.errno)[0]}"
    if isinstance(err, DangoError):
        return str(err).split("; ")[0].split(". ")[0].rstrip(".")
    return "it was interrupted"


def _new_backup(root: Path) -> Path:
    base = root / BACKUP_DIR
    if not os.path.lexists(base):
        base.mkdir(mode=0o700)
    if os.path.islink(base) or not base.is_dir():  # checked up front, never followed
        raise UnsafeTarget(BACKUP_DIR, "not a folder")
    os.chmod(base, 0o700)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return base / stamp


def _make_folders(root: Path, plan: Plan, snap: Snapshot) -> None:
    """Folders the plan writes into that upstream never made (.dlt/), recorded for undo."""
    for rel in sorted({*plan.writes, *plan.later}):
        parent = (root / rel).parent
        if not parent.is_dir():
            write_target(parent, root)
            parent.mkdir(mode=0o700)
            snap.folders.append(str(parent.relative_to(root)))


def _read_back(root: Path, plan: Plan) -> None:
    """Every moved value, read back from .dlt/secrets.toml as it is now on disk."""
    import tomllib

    data = tomllib.loads((root / ".dlt" / "secrets.toml").read_text(encoding="utf-8"))
    for (source, field_name), variable in plan.moved.items():
        stored = ((data.get("sources") or {}).get(source) or {}).get(field_name)
        wanted = plan.secrets_out.get(source, {}).get(field_name)
        if stored is None or stored != wanted:
            raise DangoError(f"[sources.{source}] {field_name} did not read back from "
                             ".dlt/secrets.toml as written, so .env was left holding it")


def latest_backup(root: Path) -> Path | None:
    base = root / BACKUP_DIR
    if not os.path.lexists(base):
        return None
    if os.path.islink(base) or not base.is_dir():
        return base  # check() refuses it by name
    found = sorted(p for p in base.iterdir() if STAMP.fullmatch(p.name))
    return found[-1] if found else None


def undo_plan(root: Path) -> tuple[str, list[str], list[str]]:
    """What `undo` would restore: the newest backup's name, its files and those changed
    since the migration (work undo would discard); nothing written."""
    folder = latest_backup(root)
    if folder is None:
        raise NoBackup(str(root))
    manifest = check(root, folder)
    files = sorted({*manifest["files"], *(m for m in manifest.get("modes", {}) if m not in FOLDERS)})
    return folder.name, files, changed_since(root, folder, manifest)


def undo(root: Path, *, discard_changes: bool = False) -> tuple[str, list[str]]:
    """Restore the newest backup (then remove it): (its name, files restored). A backup
    that is not migrate's own is refused whole; files changed since the migration need
    `discard_changes`; a file that cannot be put back is named and the backup kept."""
    project = Project(root=root)
    if latest_backup(root) is None:
        raise NoBackup(str(root))  # before the lock file is made: a refusal writes nothing
    lock_existed = os.path.lexists(project.lock_path)
    with project.lock():
        try:
            folder = latest_backup(root)
            if folder is None:
                raise NoBackup(str(root))
            manifest = check(root, folder)
            changed = changed_since(root, folder, manifest)
            if (changed or manifest.get("after") is None) and not discard_changes:
                raise ChangedSinceMigration(folder.name, changed)
            failed = restore(root, from_manifest(folder, manifest))
            if failed:
                raise UndoIncomplete(folder.name, failed)
            shutil.rmtree(folder)
            with contextlib.suppress(OSError):  # .dango/backup/ itself, once empty
                folder.parent.rmdir()
        except BaseException:
            if not lock_existed:
                _remove_lock(project)
            raise
        if not lock_existed or manifest.get("lock_created"):
            _remove_lock(project)  # the project as it was: without the lock file migrate made
    return folder.name, sorted(manifest["files"])


def _remove_lock(project: Project) -> None:
    with contextlib.suppress(OSError):
        project.lock_path.unlink()
