"""The files of a `local_files` folder that a sync reads: those its pattern matches, checked.

A pattern's brace groups are written out first (`expand`): Python's glob, which lists the
folder, has no braces, while shells, DuckDB and dbt have them, so `*.{csv,json}` matched
nothing (and the rows of every file loaded before were marked deleted). Each choice is
written out, innermost group first, as a shell does; a group without a comma stays as written.

A folder that cannot be listed is an error, never an empty folder (glob takes it for one, and
the rows of its files would be marked deleted).

A file found in a folder outside the project (a shared drop folder others may write to) that
is a link out of that folder is refused too, as `Job.readable` refuses a link out of the
project. A CSV or JSON file may be gzip-compressed (`orders.csv.gz`), as DuckDB reads it.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SyncProblem
from ..registry import LOCAL_FILE_READERS as READERS
from .job import Job
from .sniff import COMPRESSED

GROUP = re.compile(r"\{([^{}]*,[^{}]*)\}")  # an innermost group with a comma
MOST = 64  # patterns one pattern may stand for: `{a,b}` ten times over is a mistake


def expand(pattern: str, setting: str) -> list[str]:
    """Every pattern `pattern` stands for, in order, each once; SyncProblem (naming the
    setting as `setting`) when they are more than MOST."""
    done: list[str] = []
    todo = [pattern]
    while todo:
        current = todo.pop(0)
        match = GROUP.search(current)
        if match is None:
            if current not in done:
                done.append(current)
            continue
        todo[:0] = [current[:match.start()] + choice + current[match.end():]
                    for choice in match[1].split(",")]
        if len(todo) + len(done) > MOST:
            raise SyncProblem(f"{setting} {pattern} stands for more than {MOST} patterns; "
                              "write fewer {a,b} choices.")
    return done


@dataclass
class FileInfo:
    path: Path
    mtime: datetime  # UTC, naive (as DuckDB's TIMESTAMP holds it)

    @property
    def name(self) -> str:
        return self.path.name


def folder(job: Job) -> Path:
    directory = str(job.config.get("directory") or "")
    if not directory:
        raise SyncProblem(f"{job.setting('directory')} is not set; add it in .dango/sources.yml.")
    path = Path(directory).expanduser()
    return path if path.is_absolute() else job.project.root / path


def files(job: Job) -> list[FileInfo]:
    """The files the pattern matches that a reader exists for, sorted by name."""
    base = folder(job)
    if not base.is_dir():
        raise SyncProblem(f"the folder {job.config.get('directory')} ({job.setting('directory')} in "
                          ".dango/sources.yml) does not exist; create it or fix the path.")
    pattern = str(job.config.get("file_pattern") or "*")
    patterns = expand(pattern, job.setting("file_pattern"))
    if any(Path(each).is_absolute() or ".." in Path(each).parts for each in patterns):
        raise SyncProblem(f"{job.setting('file_pattern')} {pattern} reaches outside the folder "
                          f"{job.config.get('directory')}; a pattern names files inside it, so "
                          "remove the .. or the leading /.")
    _listable(job, base, patterns)
    # a link the listing finds (not one the user named) stays in the folder or the project
    real_base, project = base.resolve(), job.project.root.resolve()
    found: dict[str, FileInfo] = {}
    # the folder as it is named (brackets in its name are no pattern), the pattern as written;
    # a file two of its patterns match is listed once
    names = {name for each in patterns for name in glob.glob(each, root_dir=base, recursive=True)}
    for name in sorted(names):
        path = base / name
        if not path.is_file() or reader_of(path) is None:
            continue
        job.readable(path, "directory")
        real = path.resolve()
        if not any(place == real or place in real.parents for place in (real_base, project)):
            raise SyncProblem(f"{where(job)(path)} is a link to a file outside that folder, which "
                              "dango does not follow (whoever can write to the folder could point "
                              "one at your keys); put the file itself in the folder.")
        if path.name in found:
            raise SyncProblem(f"two files named {path.name} match {pattern} in {base.name}/; rows "
                              "are tracked by file name, so rename one of them.")
        stat = path.stat()
        mtime = datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None)
        found[path.name] = FileInfo(path, mtime)
    if not found:
        job.extra["note"] = (f"no CSV, JSON, JSONL/NDJSON or Parquet file in {job.config.get('directory')} "
                             f"matches {pattern}; check {job.setting('file_pattern')} (the rows of files "
                             "that are gone are marked deleted)")
    return list(found.values())


def _listable(job: Job, base: Path, patterns: list[str]) -> None:
    """SyncProblem when the folder, or a folder of it that a pattern reaches into, cannot be
    listed: glob takes it for empty, and the rows of its files would be marked deleted."""
    folders = {base}
    for each in patterns:
        parent = str(Path(each).parent)
        if parent != ".":
            folders.update(base / name for name in glob.glob(parent, root_dir=base, recursive=True))
    for place in sorted(folders):
        try:
            with os.scandir(place):
                pass
        except NotADirectoryError:
            continue
        except OSError as error:
            raise SyncProblem(f"the folder {job.project.relative(place)} ({job.setting('directory')}) "
                              f"cannot be read ({_reason(error)}); let your user read it and sync "
                              "again (the rows of its files stay as they are).") from None


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def reader_of(path: Path) -> str | None:
    """The DuckDB reader of a file, by its suffix; a CSV or JSON file may be gzip-compressed
    (`a.csv.gz`: DuckDB reads it as it is), a Parquet file compresses itself. None: no reader."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes[-1:] == [COMPRESSED] and len(suffixes) > 1:
        kind = READERS.get(suffixes[-2])
        return kind if kind in ("csv", "json") else None
    return READERS.get(path.suffix.lower())


def where(job: Job):
    """How a message names a file of the folder."""
    return lambda path: f"{path.name} in {job.config.get('directory')} ({job.setting('directory')})"
