"""What a scan reads: the working tree, the index (staged changes) or all of history.

Working tree: the files git tracks or would track (.gitignore respected), plus files
that are always checked even when ignored: `.env*`, `*.log` and copies of secrets.toml.
The designated stores (`.dlt/secrets.toml`, `.env` of the project) are skipped while git
ignores them, does not track them and no commit holds them; otherwise they are scanned
like any file. Outside a git repository every file is read (but .git, virtualenvs and
caches).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import gitio

ALWAYS_CHECKED = (".env*", "*.env", "*.log", "*.log.*", "*secrets.toml*", "*.tfstate", "*.tfstate.*")
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
             ".tox", ".hypothesis"}
BASELINE = ".dango/scan-baseline.json"
MAX_FILE = gitio.MAX_BLOB


@dataclass
class Item:
    path: str  # relative to the scan root, with forward slashes
    data: bytes
    commit: str | None = None
    blob: str | None = None


def always_checked(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in ALWAYS_CHECKED)


def _read(path: Path) -> bytes | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return gitio.scannable(data)


def exempt_stores(root: Path | None, stores: list[Path]) -> set[str]:
    """The designated stores (absolute paths) that are not findings: outside a repository
    all of them; in one, those git ignores, does not track and no commit of any ref holds."""
    if root is None:
        return {os.path.realpath(path) for path in stores}
    exempt = set()
    tracked = None
    for store in stores:
        try:
            rel = Path(os.path.realpath(store)).relative_to(os.path.realpath(root)).as_posix()
        except ValueError:
            continue
        if tracked is None:
            tracked = gitio.tracked(root)
        if rel not in tracked and gitio.ignored(root, rel) and not gitio.ever_committed(root, rel):
            exempt.add(os.path.realpath(root / rel))
    return exempt


def _exempt(path: Path, exempt: set[str]) -> bool:
    return bool(exempt) and path.name in (".env", "secrets.toml") and os.path.realpath(path) in exempt


def working_tree(root: Path, git_root: Path | None, exempt: set[str],
                 paths: list[Path] | None = None) -> Iterator[Item]:
    """Files under `root` (or under each of `paths`), read from disk."""
    if git_root is None:
        yield from _walk_plain(root, paths, exempt)
        return
    specs = [str(p) for p in (paths or [root])]
    listed = gitio.zsplit(gitio.git(git_root, "ls-files", "-z", "--cached", "--others",
                                    "--exclude-standard", "--full-name", "--", *specs))
    ignored = gitio.zsplit(gitio.git(git_root, "ls-files", "-z", "--others", "--ignored",
                                     "--exclude-standard", "--full-name", "--", *specs))
    names = sorted(set(listed) | {rel for rel in ignored if always_checked(rel)
                                  and not any(part in SKIP_DIRS for part in rel.split("/")[:-1])})
    for rel in names:
        if rel == BASELINE or _exempt(git_root / rel, exempt):
            continue
        data = _read(git_root / rel)
        if data is not None:
            yield Item(rel, data)


def _walk_plain(root: Path, paths: list[Path] | None, exempt: set[str]) -> Iterator[Item]:
    for start in paths or [root]:
        if start.is_file():
            candidates = [start]
        else:
            candidates = []
            for folder, dirs, files in os.walk(start):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                candidates.extend(Path(folder) / name for name in sorted(files))
        for path in candidates:
            if _exempt(path, exempt):
                continue
            data = _read(path)
            if data is not None:
                yield Item(_display(path, root), data)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def staged(git_root: Path) -> Iterator[Item]:
    """The staged content of every file added, copied, modified or renamed in the index."""
    changed = gitio.zsplit(gitio.git(git_root, "diff", "--cached", "--name-only", "-z",
                                     "--diff-filter=ACMR", "--no-renames"))
    if not changed:
        return
    entries = {}
    output = gitio.git(git_root, "ls-files", "-s", "-z", "--", *changed)
    for entry in output.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, blob, _stage = meta.split()
        if mode.startswith(b"160"):  # a submodule: no content here
            continue
        entries.setdefault(blob.decode(), []).append(path.decode("utf-8", "surrogateescape"))
    for blob, data in gitio.read_blobs(git_root, list(entries)):
        if data is None:
            continue
        for path in entries[blob]:
            if path != BASELINE:
                yield Item(path, data, blob=blob)


def history(git_root: Path, blobs: list[tuple[str, str]] | None = None) -> Iterator[Item]:
    """Every blob reachable from any ref (or those of `blobs`), each read and yielded once
    with one of its paths; `commit` is filled in later, for blobs with findings only."""
    if blobs is None:
        blobs = gitio.history_blobs(git_root)
    paths = dict(blobs)
    for blob, data in gitio.read_blobs(git_root, [blob for blob, _ in blobs]):
        if data is not None and paths[blob] != BASELINE:
            yield Item(paths[blob], data, blob=blob)
