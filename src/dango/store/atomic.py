"""Writing project files so that a crash, a failure or a planted link never corrupts one.

Every write and append of a change goes into one `Batch`, committed all or nothing:

1. *check*: each target is resolved; a symlink leading out of the project, a folder where
   a file belongs, or an append target that is not a regular file stops the change before
   anything is written;
2. *prepare*: each new content goes to a temporary file beside its target (created with
   the final mode, so a secret is never readable by others, not even for an instant) and
   is fsynced; stale temporaries of a killed writer are removed first (they may hold
   secrets); append targets are opened with O_NOFOLLOW;
3. *swap*: each temporary is renamed over its target, in the order the writes were made
   (the old file kept as a hard link until the end), then the appended lines are written;
   a failure here puts every renamed file back and cuts the appends back to their length,
   so a change that raised left every file as it was.

`project_lock` holds the project's lock and opens a batch: the writes made inside it are
committed when the block ends without an error, and dropped when it raises. A write made
outside any lock is a batch of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat as stat_module
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from . import journal as journal_file
from .journal import fsync_dir
from ..errors import DangoError, FileReadFailed, FileWriteFailed, MalformedFile, UnsafePath

SECRET_MODE = 0o600
LOCK_TIMEOUT_SECONDS = 30.0
NOT_WRITABLE_BY_OTHERS = 0o022  # nothing Dango creates is group- or world-writable

_current: ContextVar["Batch | None"] = ContextVar("dango_batch", default=None)


def safe_umask() -> None:
    """Tighten the process umask so that no file or folder created is writable by others,
    whatever the umask of the shell (dlt's and DuckDB's files included)."""
    current = os.umask(0o077)
    os.umask(current | NOT_WRITABLE_BY_OTHERS)


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


def default_mode(target: Path) -> int:
    """The existing file's permission bits (never writable by others), or 0644 for a new file."""
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    return mode & ~NOT_WRITABLE_BY_OTHERS


class Batch:
    """The files one change writes (replaced whole) or appends to, committed together."""

    def __init__(self, journal: Path | None = None) -> None:
        self._writes: dict[Path, tuple[Path, bytes, int | None, Path]] = {}  # target -> write
        self._appends: list[tuple[Path, Path, bytes]] = []  # (path as given, root, data)
        self._journal = journal  # where a change of several files records how to undo it

    def write(self, path: Path, data: bytes, *, root: Path, mode: int | None = None) -> None:
        target = write_target(path, root)
        self._writes.pop(target, None)  # the last content wins, in the order of that write
        self._writes[target] = (path, data, mode, root)

    def append(self, path: Path, data: bytes, *, root: Path) -> None:
        self._appends.append((path, root, data))

    def pending(self, path: Path) -> bytes | None:
        """The content a write in this batch gives `path`, None when it writes none."""
        entry = self._writes.get(path.resolve())
        return entry[1] if entry is not None else None

    def commit(self) -> None:
        writes = [(target, *entry) for target, entry in self._writes.items()]
        appends = list(self._appends)
        self._writes, self._appends = {}, []
        if not writes and not appends:
            return
        temporaries: list[tuple[Path, str]] = []
        handles: list[tuple[Path, int, int, bytes]] = []  # (path, fd, length before, data)
        try:
            # check and prepare: nothing visible changes yet
            for target, path, data, mode, root in writes:
                _check_file_target(target, path)
                remove_stale_temporaries(target)
                if not _unchanged(target, data, mode):
                    temporaries.append((target, _prepare(target, path, data, mode)))
            for path, root, data in appends:
                target = write_target(path, root)
                fd = _open_append(target, path)
                handles.append((path, fd, os.fstat(fd).st_size, data))
            several = len(temporaries) + len(handles) > 1
            _swap(temporaries, handles, self._journal if several else None)
        finally:
            for _, tmp_name in temporaries:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp_name)
            for _, fd, _, _ in handles:
                os.close(fd)


def _check_file_target(target: Path, path: Path) -> None:
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise FileWriteFailed(path, errno.ENOENT) from None
        return
    except OSError as err:
        raise FileWriteFailed(path, err.errno) from None
    if stat_module.S_ISDIR(info.st_mode):
        raise FileWriteFailed(path, errno.EISDIR)
    if not stat_module.S_ISREG(info.st_mode):
        raise UnsafePath(f"{path} is not a regular file (a device, socket or pipe); Dango will "
                         "not write to it. Move it away and run the command again.")


def _unchanged(target: Path, data: bytes, mode: int | None) -> bool:
    """True when `target` holds `data` with the mode asked for already: nothing to write."""
    try:
        info = target.stat()
        if mode is not None and info.st_mode & 0o777 != mode:
            return False
        return info.st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _prepare(target: Path, path: Path, data: bytes, mode: int | None) -> str:
    """A temporary beside `target` holding `data`, fsynced; its name."""
    import tempfile  # writers only: reading commands do not pay for it

    if mode is None:
        mode = default_mode(target)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise FileWriteFailed(path, err.errno) from None
    # mkstemp creates the file 0600; widen it only for non-secret files
    _fill(fd, data, path, tmp_name, None if mode == 0o600 else mode & ~NOT_WRITABLE_BY_OTHERS)
    return tmp_name


def _fill(fd: int, data: bytes, path: Path, created: str | Path, mode: int | None = None) -> None:
    """Write `data` to the file just created as `fd` and fsync it; on a failure the file
    (`created`) is removed and the error names `path`."""
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(created)
        raise FileWriteFailed(path, err.errno) from None


def _open_append(target: Path, path: Path) -> int:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags | getattr(os, "O_NONBLOCK", 0), 0o600)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise UnsafePath(f"{path} is a symlink; Dango will not append through it. Replace "
                             "the link with a regular file.") from None
        raise FileWriteFailed(path, err.errno) from None
    if not stat_module.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafePath(f"{path} is not a regular file; Dango will not append to it. Move it "
                         "away and run the command again.")
    return fd


def _swap(temporaries: list[tuple[Path, str]], handles: list[tuple[Path, int, int, bytes]],
          journal: Path | None = None) -> None:
    """Rename every temporary over its target, then append; undo all of it on a failure.

    With several files, how to undo the change is first written to `journal` (fsynced): a
    writer killed between two renames leaves it, and the next writer's `recover` puts every
    file back as it was before the change (the old files are kept as hard links until the
    change is complete)."""
    done: list[tuple[Path, str | bytes | None]] = []  # (target, the old file: a link or bytes)
    appended: list[tuple[int, int, os.stat_result]] = []
    if journal is not None:
        journal_file.write(journal, temporaries, handles)
    try:
        for target, tmp_name in temporaries:
            keep: str | bytes | None = None
            if target.exists():
                keep = f"{tmp_name}.old.tmp"
                try:
                    os.link(target, keep)
                except OSError:  # a file system without hard links: keep the bytes instead
                    keep = target.read_bytes()
            os.replace(tmp_name, target)
            done.append((target, keep))
        for path, fd, before, data in handles:
            appended.append((fd, before, os.fstat(fd)))
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, "short write")
            os.fsync(fd)
    except OSError as err:
        for fd, before, info in appended:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, before)
                os.utime(fd, ns=(info.st_atime_ns, info.st_mtime_ns))
        for target, keep in reversed(done):
            with contextlib.suppress(OSError):
                if isinstance(keep, str):
                    os.replace(keep, target)
                elif isinstance(keep, bytes):
                    _restore(target, keep)
                else:
                    os.unlink(target)
        failed = _failed_path(temporaries, handles, done, appended)
        journal_file.end(journal)
        raise FileWriteFailed(failed, err.errno) from None
    for folder in {target.parent for target, _ in done}:
        fsync_dir(folder)  # the new files are in place for good: the journal can go
    journal_file.end(journal)
    for target, keep in done:
        if isinstance(keep, str):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(keep)


def _restore(target: Path, data: bytes) -> None:
    tmp_name = _prepare(target, target, data, target.stat().st_mode & 0o777)
    os.replace(tmp_name, target)


def _failed_path(temporaries, handles, done, appended) -> Path:
    if len(done) < len(temporaries):
        return temporaries[len(done)][0]
    return handles[max(len(appended) - 1, 0)][0]


def atomic_write(path: Path, data: bytes, *, root: Path, mode: int | None = None) -> None:
    """Replace `path` with `data`: in the open batch (see project_lock), else at once.

    `mode` None keeps the existing file's permission bits (0644 for a new file, never
    writable by others); secret files pass SECRET_MODE and always end up 0600.
    """
    batch = _current.get()
    if batch is not None:
        batch.write(path, data, root=root, mode=mode)
        return
    single = Batch()
    single.write(path, data, root=root, mode=mode)
    single.commit()


def append(path: Path, data: bytes, *, root: Path) -> None:
    """Append `data` to `path` (created 0600, never through a symlink) with the open batch."""
    batch = _current.get()
    if batch is not None:
        batch.append(path, data, root=root)
        return
    single = Batch()
    single.append(path, data, root=root)
    single.commit()


def in_change() -> bool:
    """True inside `project_lock`: what is read now is read in order to be changed."""
    return _current.get() is not None


def current_text(path: Path) -> str:
    """The file's text as the open change will leave it (what a write in it gives `path`,
    else what is on disk), without a UTF-8 byte order mark. FileNotFoundError as is; a file
    that cannot be read or is not UTF-8 is one sentence naming it (never its bytes)."""
    data = pending(path)
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise
        except OSError as err:
            raise FileReadFailed(path, err.errno) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise MalformedFile(path, "is not UTF-8 text", line,
                            fix="save it as UTF-8 (in an editor or Excel: \"UTF-8\" encoding)") from None


def pending(path: Path) -> bytes | None:
    """What the open batch will write to `path` (for a re-read inside the same change)."""
    batch = _current.get()
    return batch.pending(path) if batch is not None else None


def commit_pending() -> None:
    """Commit the open batch now (before a step that must follow the writes on disk, such
    as removing an old key from the keyring); later writes start a new batch."""
    batch = _current.get()
    if batch is not None:
        batch.commit()


def keep_line_endings(original: str, text: str) -> str:
    """`text` with the line endings of `original`: an edit keeps a CRLF file CRLF."""
    if "\r\n" in original and original.count("\r\n") == original.count("\n"):
        return text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


def stale_temporaries(path: Path) -> list[Path]:
    """Temporary files a killed writer of `path` left behind (they may hold secrets)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def remove_stale_temporaries(path: Path) -> int:
    """Delete temporary files a killed writer of `path` left behind; call under the lock
    (then no other writer of `path` is running). Returns how many were removed."""
    removed = 0
    for stale in stale_temporaries(path):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            stale.unlink()
            removed += 1
    return removed


def create_exclusive(path: Path, data: bytes, mode: int) -> bool:
    """Create `path` with `mode` from its first byte; False (and no change) if it exists."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode & ~NOT_WRITABLE_BY_OTHERS)
    except FileExistsError:
        return False
    except OSError as err:
        raise FileWriteFailed(path, err.errno) from None
    _fill(fd, data, path, path)
    fsync_dir(path.parent)
    return True


def acquire_lock(lock_path: Path, timeout: float, busy: Callable[[], DangoError]):
    """The held lock of `lock_path` (a 0600 file, never locked through a symlink); `busy()` is
    raised when another process holds it for `timeout` seconds. The caller releases it."""
    from filelock import FileLock, Timeout  # only commands that write pay for the import

    if lock_path.is_symlink():
        raise UnsafePath(f"{lock_path} is a symlink; Dango will not lock through it. Delete the "
                         "link (dango recreates the file) and run the command again.")
    if not lock_path.parent.is_dir():
        raise FileWriteFailed(lock_path, errno.ENOENT)
    lock = FileLock(str(lock_path), mode=0o600)
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise busy() from None
    except OSError as err:
        raise FileWriteFailed(lock_path, err.errno) from None
    return lock


@contextlib.contextmanager
def project_lock(lock_path: Path) -> Iterator[Batch]:
    """Hold the project's lock with a batch open; every read-modify-write of project files
    runs inside it, and its writes land together when the block ends without an error."""
    lock = acquire_lock(lock_path, LOCK_TIMEOUT_SECONDS, lambda: DangoError(
        f"Another dango process has held {lock_path} for {LOCK_TIMEOUT_SECONDS:.0f} s; "
        "wait for it to finish and run the command again."))
    journal = journal_file.path_for(lock_path)
    outer = _current.get()
    try:
        if outer is None:
            # a change a killed writer left half done is undone first (the project is the
            # folder holding .dango/.lock: the journal may name nothing outside it)
            journal_file.recover(journal, lock_path.parent.parent)
    except BaseException:
        lock.release()
        raise
    batch = outer if outer is not None else Batch(journal)
    token = _current.set(batch)
    try:
        yield batch
        if outer is None:
            batch.commit()
    finally:
        _current.reset(token)
        lock.release()
