"""The backup `dango migrate` makes before it writes, and putting a project back from it.

A backup holds only the files migrate itself changes (`FILES`) and the one folder it may
create or tighten (`FOLDERS`), with a manifest: each file's bytes hash and mode before the
migration and its hash after it. The manifest is signed with a key kept outside the project
(`~/.config/dango/migrate.key`, 0600), so `dango migrate --undo` only trusts a backup that
migrate made on this machine for this user; a backup shipped in a cloned repository, a
folder that is a symlink, owned by someone else or open to others, a file outside `FILES`
or a mode looser than migrate sets is refused as a whole before anything is written.

Restoring skips every file that already is as wanted, goes on past a file it cannot
write, and returns the files it could not restore: the caller names them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DangoError
from ..store.atomic import (SECRET_MODE, atomic_write, commit_pending, create_exclusive,
                            remove_stale_temporaries)
from .errors import UntrustedBackup

BACKUP_DIR = ".dango/backup"
MANIFEST = "manifest.json"
SECRET_FILES = (".dlt/secrets.toml", ".env", ".env.env.backup", ".env.backup")
FILES = (".dango/project.yml", ".dango/sources.yml", ".dlt/secrets.toml.example", ".gitignore",
         *SECRET_FILES)
FOLDERS = (".dlt",)
FOLDER_MODE = 0o700
STAMP = re.compile(r"\d{8}T\d{12}Z")


def safe_mode(rel: str, mode: int) -> int:
    """The mode undo gives `rel`: never looser than migrate sets (secrets 0600, folders 0700),
    never executable nor writable by others; always readable and writable by the owner."""
    if rel in FOLDERS:
        return FOLDER_MODE
    if rel in SECRET_FILES:
        return SECRET_MODE
    return (mode & 0o644) | 0o600


def secret_copies(root: Path) -> list[str]:
    """The files holding credentials (`SECRET_FILES`) that the backups under `.dango/backup/`
    keep, relative to `root`: what `--undo` restores, so copies that `dango secrets encrypt`
    leaves as they were (in plaintext)."""
    base = root / BACKUP_DIR
    if not base.is_dir() or base.is_symlink():
        return []
    return [f"{BACKUP_DIR}/{folder.name}/files/{rel}" for folder in sorted(base.iterdir())
            for rel in SECRET_FILES if (folder / "files" / rel).is_file()]


def digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_plain(path: Path) -> bytes | None:
    """The bytes of the regular file `path`, never through a symlink (None when absent)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise IsADirectoryError(path)
        return handle.read()


def lmode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


@dataclass
class Snapshot:
    """The files and modes migrate is about to change, as they are now (held in memory)."""

    files: dict[str, tuple[bytes | None, int | None]] = field(default_factory=dict)
    modes: dict[str, int | None] = field(default_factory=dict)  # chmod targets -> mode before
    folders: list[str] = field(default_factory=list)  # folders migrate created
    after: dict[str, str | None] | None = None  # rel -> hash once migrate finished
    lock_created: bool = False  # .dango/.lock was made by migrate: undo removes it too

    @classmethod
    def take(cls, root: Path, files: list[str], chmods: list[str]) -> Snapshot:
        snap = cls()
        for rel in files:
            snap.files[rel] = (read_plain(root / rel), lmode(root / rel))
        for rel in chmods:
            snap.modes[rel] = lmode(root / rel)
        return snap

    def record_after(self, root: Path) -> None:
        self.after = {rel: digest(read_plain(root / rel)) for rel in sorted({*self.files, *self.modes})
                      if rel not in FOLDERS}

    def manifest(self) -> dict[str, Any]:
        return {"version": 1,
                "files": {rel: {"existed": data is not None, "sha256": digest(data),
                                "mode": None if mode is None else safe_mode(rel, mode)}
                          for rel, (data, mode) in sorted(self.files.items())},
                "modes": {rel: None if mode is None else safe_mode(rel, mode)
                          for rel, mode in sorted(self.modes.items())},
                "folders": list(self.folders), "after": self.after,
                "lock_created": self.lock_created}


# --- writing a backup ---------------------------------------------------------------------

def _key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "dango" / "migrate.key"


def _key(create: bool) -> bytes | None:
    path = _key_path()
    data = read_plain(path)
    if data is None and create:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_exclusive(path, secrets.token_hex(32).encode(), SECRET_MODE)  # another one may win
        data = read_plain(path)
    return data.strip() if data else None


def _sign(manifest: dict[str, Any], key: bytes) -> str:
    body = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def _create(path: Path, data: bytes) -> None:
    """A new 0600 file of the backup (fsynced); one already there is an error, never reused."""
    if not create_exclusive(path, data, SECRET_MODE):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))


def write_files(folder: Path, snap: Snapshot) -> None:
    """Copy the snapshot's files into `folder` (created 0700, files 0600)."""
    folder.mkdir(mode=FOLDER_MODE)
    for rel, (data, _) in snap.files.items():
        if data is None:
            continue
        target = folder / "files" / rel
        for parent in reversed(target.relative_to(folder).parents):
            (folder / parent).mkdir(mode=FOLDER_MODE, exist_ok=True)
        _create(target, data)
    write_manifest(folder, snap)


def write_manifest(folder: Path, snap: Snapshot) -> None:
    manifest = snap.manifest()
    manifest["signature"] = _sign(manifest, _key(create=True) or b"")
    path = folder / MANIFEST
    tmp = folder / f".{MANIFEST}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    _create(tmp, json.dumps(manifest, indent=1, sort_keys=True).encode())
    os.replace(tmp, path)


# --- checking a backup before undo ----------------------------------------------------------

def _private_folder(path: Path, name: str) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise UntrustedBackup(name, f"{path.name} is missing") from None
    if stat.S_ISLNK(info.st_mode):
        raise UntrustedBackup(name, f"{path.name} is a symlink")
    if not stat.S_ISDIR(info.st_mode):
        raise UntrustedBackup(name, f"{path.name} is not a folder")
    if info.st_uid != os.getuid():
        raise UntrustedBackup(name, f"{path.name} is not owned by you")
    if info.st_mode & 0o077:
        raise UntrustedBackup(name, f"{path.name} is open to other users (mode "
                                    f"{stat.S_IMODE(info.st_mode):o}, not 700)")


def _private_file(path: Path, name: str, shown: str) -> bytes:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise UntrustedBackup(name, f"its copy of {shown} is missing") from None
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise UntrustedBackup(name, f"its copy of {shown} is not a private regular file of yours")
    return read_plain(path) or b""


def check(root: Path, folder: Path) -> dict[str, Any]:
    """The manifest of the backup `folder` once everything in it is trusted; else
    UntrustedBackup, before anything is written."""
    name = folder.name
    for path in (root / ".dango", root / BACKUP_DIR, folder):
        if path != root / ".dango":
            _private_folder(path, name)
        elif os.path.islink(path):
            raise UntrustedBackup(name, ".dango is a symlink")
    for part in (folder / "files", folder / "files" / ".dango", folder / "files" / ".dlt"):
        if os.path.lexists(part):
            _private_folder(part, name)
    try:
        manifest = json.loads(_private_file(folder / MANIFEST, name, MANIFEST))
    except (ValueError, RecursionError):
        raise UntrustedBackup(name, f"its {MANIFEST} is not valid JSON") from None
    key = _key(create=False)
    if (not isinstance(manifest, dict) or key is None
            or not hmac.compare_digest(str(manifest.get("signature")), _sign(manifest, key))):
        raise UntrustedBackup(name, "it was not made by `dango migrate` on this machine")
    files, modes = manifest.get("files") or {}, manifest.get("modes") or {}
    for rel in [*files, *modes, *manifest.get("folders", [])]:
        if rel not in FILES and rel not in FOLDERS:
            raise UntrustedBackup(name, f"it lists {rel}, which dango migrate never changes")
    for rel, info in files.items():
        wanted = info.get("mode")
        if wanted is not None and wanted != safe_mode(rel, wanted):
            raise UntrustedBackup(name, f"it gives {rel} mode {wanted:o}, looser than migrate sets")
        if info.get("existed"):
            data = _private_file(folder / "files" / rel, name, rel)
            if digest(data) != info.get("sha256"):
                raise UntrustedBackup(name, f"its copy of {rel} was changed after it was made")
    for rel, wanted in modes.items():
        if wanted is not None and wanted != safe_mode(rel, wanted):
            raise UntrustedBackup(name, f"it gives {rel} mode {wanted:o}, looser than migrate sets")
    for rel in [*files, *modes]:
        for part in (rel, *(str(p) for p in Path(rel).parents if str(p) != ".")):
            if os.path.islink(root / part):
                raise UntrustedBackup(name, f"{part} in the project is a symlink, and undo never "
                                            "writes through one")
    return manifest


def changed_since(root: Path, folder: Path, manifest: dict[str, Any]) -> list[str]:
    """The files that changed after the migration (neither as migrate left them nor as the
    backup holds them): undo would discard that work."""
    after = manifest.get("after")
    changed = []
    for rel, info in sorted(manifest.get("files", {}).items()):
        now = digest(read_plain(root / rel))
        if after is None or (now != after.get(rel) and now != info.get("sha256")):
            changed.append(rel)
    return changed


def from_manifest(folder: Path, manifest: dict[str, Any]) -> Snapshot:
    """The snapshot a checked backup holds, modes as undo sets them."""
    snap = Snapshot(folders=list(manifest.get("folders", [])))
    for rel, info in manifest["files"].items():
        data = read_plain(folder / "files" / rel) if info.get("existed") else None
        snap.files[rel] = (data, info.get("mode"))
    snap.modes = dict(manifest.get("modes", {}))
    return snap


# --- putting files back ----------------------------------------------------------------------

def restore(root: Path, snap: Snapshot) -> list[str]:
    """Put every file and mode of `snap` back, skipping what already is as wanted and going
    on past a failure; the files that could not be restored (empty when all were)."""
    failed: list[str] = []
    for rel, (data, mode) in snap.files.items():
        remove_stale_temporaries(root / rel)  # a failed swap may leave one (a copy of the file)
        try:
            _put_back(root, rel, data, mode)
        except (OSError, DangoError):
            failed.append(rel)
    for rel in reversed(snap.folders):
        with contextlib.suppress(OSError):
            (root / rel).rmdir()
    for rel, mode in snap.modes.items():
        path = root / rel
        try:
            if mode is not None and lmode(path) not in (None, mode) and not path.is_symlink():
                os.chmod(path, mode)
        except OSError:
            if rel not in failed:
                failed.append(rel)
    return failed


def _put_back(root: Path, rel: str, data: bytes | None, mode: int | None) -> None:
    path = root / rel
    if os.path.islink(path):
        raise IsADirectoryError(path)  # never written through
    if data is None:
        if os.path.lexists(path):
            path.unlink()
        return
    if read_plain(path) == data and mode in (None, lmode(path)):
        return  # never changed: not rewritten
    atomic_write(path, data, root=root, mode=mode)
    commit_pending()
    if mode is not None and lmode(path) != mode:
        os.chmod(path, mode)
