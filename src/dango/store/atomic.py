"""Writing project files so that a crash or a parallel process never corrupts one.

`atomic_write` puts the bytes in a temporary file beside the target (created with the
final mode, so a secret is never world-readable, not even for an instant), fsyncs it,
renames it over the target and fsyncs the folder. `project_lock` serializes every
read-modify-write of the project's files across processes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from ..errors import DangoError, UnsafePath

SECRET_MODE = 0o600
LOCK_TIMEOUT_SECONDS = 30.0


def write_target(path: Path, root: Path) -> Path:
    """The real file a write to `path` lands in; refuses symlinks leaving `root`."""
    real_root = root.resolve()
    target = path.resolve()
    if target != real_root and real_root not in target.parents:
        raise UnsafePath(
            f"{path} is a symlink to {target}, outside the project {real_root}; Dango will not "
            "write through it. Replace the link with a regular file."
        )
    return target


def atomic_write(path: Path, data: bytes, *, root: Path, mode: int | None = None) -> None:
    """Replace `path` with `data` atomically.

    `mode` None keeps the existing file's permission bits (0644 minus the umask for a new
    file); secret files pass SECRET_MODE and always end up 0600.
    """
    target = write_target(path, root)
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o644 & ~umask
    import tempfile  # writers only: reading commands do not pay for it

    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file 0600; widen it only for non-secret files.
        if mode != 0o600:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(target.parent)


def remove_stale_temporaries(path: Path) -> int:
    """Delete temporary files a killed writer of `path` left behind; call under the lock
    (then no other writer of `path` is running). Returns how many were removed."""
    removed = 0
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed += 1
    return removed


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_exclusive(path: Path, data: bytes, mode: int) -> bool:
    """Create `path` with `mode` from its first byte; False (and no change) if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(path.parent)
    return True


@contextlib.contextmanager
def project_lock(lock_path: Path) -> Iterator[None]:
    """Hold the project's lock; every read-modify-write of project files runs inside it."""
    from filelock import FileLock, Timeout  # only commands that write pay for the import

    lock = FileLock(str(lock_path), mode=0o600)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
    except Timeout:
        raise DangoError(
            f"Another dango process has held {lock_path} for {LOCK_TIMEOUT_SECONDS:.0f} s; "
            "wait for it to finish and run the command again."
        ) from None
    try:
        yield
    finally:
        lock.release()
