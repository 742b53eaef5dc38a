"""Previewing, applying and undoing a migration.

`pending` reads and plans, writing nothing (`dango migrate --dry-run`). `apply` holds the
project lock, copies every file it will change to `.dango/backup/<timestamp>/` (folder
0700, files 0600) with a manifest, then writes the plan through one atomic batch; with
--move-secrets, `.env` loses the moved variables only after `.dlt/secrets.toml` has been
written and read back. Any failure after the backup restores it, so the project is left
exactly as it was. `undo` restores the newest backup byte for byte.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import DangoError
from ..project import Project, is_old_format
from ..store.atomic import SECRET_MODE, atomic_write, commit_pending, write_target
from .errors import MigrationFailed, NoBackup, NotUpstream
from .steps import BACKUP_DIR, Plan, build
from .upstream import mode_of, read, read_bytes

MANIFEST = "manifest.json"


@dataclass
class Applied:
    plan: Plan
    backup: str  # relative to the project


def pending(root: Path, *, move_secrets: bool = False) -> Plan:
    """The migration of the upstream project in `root`, planned in memory; nothing written."""
    up = read(root)
    if not is_old_format(up.settings):
        raise NotUpstream(str(root))
    return build(up, move_secrets=move_secrets)


def apply(root: Path, *, move_secrets: bool = False) -> Applied:
    project = Project(root=root)
    with project.lock():
        plan = pending(root, move_secrets=move_secrets)
        backup = _backup(root, plan)
        try:
            _make_folders(root, plan, backup)
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
        except BaseException as err:
            _restore(root, backup)
            shutil.rmtree(backup, ignore_errors=True)
            with contextlib.suppress(OSError):  # the folder too, when this backup was its first
                backup.parent.rmdir()
            if isinstance(err, DangoError):
                raise MigrationFailed("apply", str(err).rstrip(".")) from None
            raise
    return Applied(plan, str(backup.relative_to(root)))


def _make_folders(root: Path, plan: Plan, backup: Path) -> None:
    """Folders the plan writes into that upstream never made (.dlt/), recorded for undo."""
    manifest = json.loads((backup / MANIFEST).read_text())
    for rel in sorted({*plan.writes, *plan.later}):
        parent = (root / rel).parent
        if not parent.is_dir():
            write_target(parent, root)
            parent.mkdir(mode=0o700)
            manifest.setdefault("folders", []).append(str(parent.relative_to(root)))
            (backup / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))


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


def _backup(root: Path, plan: Plan) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    base = write_target(root / BACKUP_DIR, root)
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    folder = base / stamp
    folder.mkdir(mode=0o700)
    manifest: dict[str, dict] = {"files": {}, "modes": {}}
    for rel in sorted({*plan.writes, *plan.later}):
        data = read_bytes(root, rel)
        manifest["files"][rel] = {"existed": data is not None, "mode": mode_of(root / rel)}
        if data is not None:
            target = folder / "files" / rel
            for parent in reversed(target.relative_to(folder).parents):
                (folder / parent).mkdir(mode=0o700, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    for rel in plan.chmods:
        manifest["modes"][rel] = mode_of(root / rel)
    fd = os.open(folder / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_MODE)
    with os.fdopen(fd, "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
    return folder


def _restore(root: Path, folder: Path) -> list[str]:
    manifest = json.loads((folder / MANIFEST).read_text())
    restored = []
    for rel, info in manifest["files"].items():
        path = write_target(root / rel, root)
        if info["existed"]:
            data = (folder / "files" / rel).read_bytes()
            atomic_write(path, data, root=root, mode=info["mode"])
            commit_pending()
            os.chmod(path, info["mode"])
        elif path.exists():
            path.unlink()
        restored.append(rel)
    for rel in reversed(manifest.get("folders", [])):
        with contextlib.suppress(OSError):
            (root / rel).rmdir()
    for rel, mode in manifest["modes"].items():
        if mode is not None and (root / rel).exists():
            os.chmod(write_target(root / rel, root), mode)
    return restored


def latest_backup(root: Path) -> Path | None:
    base = root / BACKUP_DIR
    found = sorted(p for p in base.iterdir() if (p / MANIFEST).is_file()) if base.is_dir() else []
    return found[-1] if found else None


def undo_plan(root: Path) -> tuple[str, list[str]]:
    """What `undo` would restore (the newest backup's name and files); nothing written."""
    folder = latest_backup(root)
    if folder is None:
        raise NoBackup(str(root))
    return folder.name, sorted(json.loads((folder / MANIFEST).read_text())["files"])


def undo(root: Path) -> tuple[str, list[str]]:
    """Restore the newest backup byte for byte (then remove it): (its name, files restored)."""
    project = Project(root=root)
    with project.lock():
        folder = latest_backup(root)
        if folder is None:
            raise NoBackup(str(root))
        restored = _restore(root, folder)
        shutil.rmtree(folder)
        with contextlib.suppress(OSError):  # .dango/backup/ itself, once empty
            folder.parent.rmdir()
    return folder.name, restored
