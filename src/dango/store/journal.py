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
import json
import os
from pathlib import Path

from ..errors import FileWriteFailed

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


def write(journal: Path, temporaries: list[tuple[Path, str]],
          handles: list[tuple[Path, int, int, bytes]]) -> None:
    """Record, fsynced, how to undo a change of several files before its first rename:
    each target, its temporary, the hard link that keeps its old file, whether it existed,
    and the size of each file appended to."""

    entries = {"writes": [{"target": str(target), "tmp": tmp_name, "keep": f"{tmp_name}.old.tmp",
                           "existed": os.path.lexists(target)} for target, tmp_name in temporaries],
               "appends": [{"target": str(os.path.realpath(path)), "size": before}
                           for path, _, before, _ in handles]}
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


def recover(journal: Path) -> bool:
    """Undo the change a killed writer left half done (see `_swap`): every file it replaced
    gets its old content back, every file it created goes, every append is cut off. Call
    under the lock, before stale temporaries are removed (the old files are among them).
    True when there was such a change."""

    try:
        entries = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return False
    except (OSError, ValueError, RecursionError):
        entries = {}  # unreadable: nothing it says can be trusted, the temporaries still go
    for entry in reversed(entries.get("writes") or []):
        target, tmp, keep = Path(entry["target"]), entry["tmp"], entry["keep"]
        if os.path.lexists(keep):
            os.replace(keep, target)
        elif not entry.get("existed") and not os.path.lexists(tmp) and os.path.lexists(target):
            os.unlink(target)  # created by the change
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    for entry in entries.get("appends") or []:
        with contextlib.suppress(FileNotFoundError):
            if os.path.getsize(entry["target"]) > entry["size"]:
                os.truncate(entry["target"], entry["size"])
    os.unlink(journal)
    fsync_dir(journal.parent)
    return True
