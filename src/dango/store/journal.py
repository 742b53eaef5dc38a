"""The journal of a change of several files: how to undo it if its writer is killed.

`store/atomic.py` renames each file's temporary over it, one after the other; between two
renames the project would disagree with itself (a source in secrets.toml but not in
sources.yml). So before the first rename the change writes this journal (fsynced), keeps
each old file as a hard link until the end, and removes the journal once every rename
and append is done. The next writer, under the lock, finds a journal left behind and
`recover`s: the project is as it was before that change. A read command only reports it
(`validate`): it writes nothing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from pathlib import Path

from ..errors import FileWriteFailed, UnsafePath

SUFFIX = ".journal"  # beside the lock: `.dango/.lock.journal`


def path_for(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + SUFFIX)


def interrupted_change(lock_path: Path) -> Path | None:
    """The journal of a change a killed writer left half done, if there is one."""
    journal = path_for(lock_path)
    return journal if os.path.lexists(journal) else None


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest(data: bytes) -> str:
    import hashlib  # only a write or a recovery needs it, not every command's start-up

    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path | str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return _digest(handle.read())
    except OSError:
        return None


def write(journal: Path, temporaries: list[tuple[Path, str]],
          handles: list[tuple[Path, int, int, bytes]]) -> None:
    """Record, fsynced, how to undo a change of several files before its first rename:
    each target, its temporary, the hard link that keeps its old file, whether it existed,
    a digest of its new content, and the size of each file appended to with a digest of
    what is appended (recovery undoes only what this change itself did)."""

    entries = {"writes": [{"target": str(target), "tmp": tmp_name, "keep": f"{tmp_name}.old.tmp",
                           "existed": os.path.lexists(target), "new": _file_digest(tmp_name)}
                          for target, tmp_name in temporaries],
               "appends": [{"target": str(os.path.realpath(path)), "size": before,
                            "added": len(data), "digest": _digest(data)}
                           for path, _, before, data in handles]}
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(journal, flags, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(entries).encode())
            handle.flush()
            os.fsync(handle.fileno())
        fsync_dir(journal.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(journal)
        raise FileWriteFailed(journal, err.errno) from None


def end(journal: Path | None) -> None:
    """The change is complete (or undone in-process): its journal goes."""
    if journal is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(journal)


def _read_own(journal: Path) -> bytes | None:
    """The journal's bytes; None when there is none. Refused (UnsafePath) when it is a link,
    not a regular file, not the user's own or writable by others: then it was not written by
    this user's dango, and what it says must not be done."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(journal, flags)
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _untrusted(journal, "it is a symlink") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _untrusted(journal, "it is not a regular file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise _untrusted(journal, "another user owns it")
        if info.st_mode & 0o022:
            raise _untrusted(journal, "other users can write to it")
        return handle.read()


def _untrusted(journal: Path, why: str) -> UnsafePath:
    return UnsafePath(f"{journal} records an interrupted change, but {why}, so Dango did not write "
                      "it and will not undo what it names; check the project's files, delete it "
                      f"(`rm {journal}`) and run the command again.")


def _checked(journal: Path, root: Path, entries: dict) -> tuple[list[dict], list[dict]]:
    """The journal's writes and appends, each checked to be one Dango makes: a target inside
    the project `root` (never through a link leading out), its temporary and kept old file
    beside it under Dango's names. UnsafePath (nothing done) for anything else: a planted or
    committed journal must not replace, cut or delete a file anywhere."""
    real_root = os.path.realpath(root)

    def inside(target: str) -> bool:
        real = os.path.realpath(target)
        return os.path.isabs(target) and os.path.commonpath([real_root, real]) == real_root

    writes, appends = entries.get("writes") or [], entries.get("appends") or []
    try:
        for entry in writes:
            target, tmp, keep = entry["target"], entry["tmp"], entry["keep"]
            folder, name = os.path.split(target)
            tmp_folder, tmp_name = os.path.split(tmp)
            if not (inside(target) and tmp_folder == folder and tmp_name.startswith(f".{name}.")
                    and tmp_name.endswith(".tmp") and "/" not in tmp_name and keep == f"{tmp}.old.tmp"):
                raise ValueError(target)
        for entry in appends:
            if not (inside(entry["target"]) and isinstance(entry["size"], int)):
                raise ValueError(entry["target"])
    except (KeyError, TypeError, ValueError):
        raise _untrusted(journal, "it names a file outside the project or not as Dango names its "
                                  "temporaries") from None
    return writes, appends


def recover(journal: Path, root: Path) -> bool:
    """Undo the change a killed writer left half done (see `_swap`): every file it replaced
    gets its old content back, every file it created goes, every append is cut off; each only
    while the file holds what the change wrote (its digest), inside the project `root`. Call
    under the lock, before stale temporaries are removed (the old files are among them).
    True when there was such a change."""

    raw = _read_own(journal)
    if raw is None:
        return False
    try:
        entries = json.loads(raw)
        if not isinstance(entries, dict):
            raise ValueError
    except (ValueError, RecursionError):
        entries = {}  # unreadable: nothing it says can be trusted, the temporaries still go
    writes, appends = _checked(journal, root, entries)
    for entry in reversed(writes):
        target, tmp, keep = Path(entry["target"]), entry["tmp"], entry["keep"]
        ours = entry.get("new") is not None and _file_digest(target) == entry["new"]
        if os.path.lexists(keep):
            if ours:
                os.replace(keep, target)  # renamed by the change: the old file comes back
            else:
                os.unlink(keep)  # not renamed yet (the same file), or changed since: left as is
        elif ours and not entry.get("existed") and not os.path.lexists(tmp):
            os.unlink(target)  # created by the change
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    for entry in appends:
        with contextlib.suppress(FileNotFoundError):
            _cut_append(entry)
    os.unlink(journal)
    fsync_dir(journal.parent)
    return True


def _cut_append(entry: dict) -> None:
    """Cut off the lines the change appended, when they are there as written."""
    target, size = entry["target"], entry["size"]
    if os.path.getsize(target) != size + entry.get("added", -1):
        return
    with open(target, "rb") as handle:
        handle.seek(size)
        if _digest(handle.read()) != entry.get("digest"):
            return
    os.truncate(target, size)
