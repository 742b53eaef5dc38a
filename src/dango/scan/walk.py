"""What a scan reads: the working tree, the index (staged changes) or all of history.

Every file is scanned, the scan baseline too: it holds only fingerprints, rule ids and paths,
so anything a rule finds in it was put there by hand (a value hidden where no scan looks).
Binary content is searched for the project's own values only.
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


@dataclass
class Item:
    path: str  # relative to the scan root, with forward slashes
    data: bytes
    commit: str | None = None
    blob: str | None = None
    stash: bool = False  # a commit message only a stash holds
    first_line: int = 1  # the line of the file where `data` starts (a large file comes in pieces)
    part: int = 0  # which piece of the file this is
    binary: bool = False  # searched for the project's own values only


def text(data: bytes) -> bytes:
    """UTF-16 text (with its byte order mark, as PowerShell and Notepad write it) as UTF-8,
    so the secrets in it are found; anything else as it is."""
    if data.startswith(gitio.BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeError:
            return data
    return data


def always_checked(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in ALWAYS_CHECKED)


def _read(path: Path) -> Iterator[tuple[bytes, int, bool]]:
    """(piece, first line, binary) of a regular file, whatever its size; nothing for a link
    or a file that cannot be read."""
    try:
        if path.is_symlink() or not path.is_file():
            return
        with open(path, "rb") as handle:
            for piece, line, binary in gitio.pieces(handle.read, os.fstat(handle.fileno()).st_size):
                yield (piece if binary else text(piece)), line, binary
    except OSError:
        return


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
        if _exempt(git_root / rel, exempt):
            continue
        for part, (data, line, binary) in enumerate(_read(git_root / rel)):
            yield Item(rel, data, first_line=line, part=part, binary=binary)


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
            for part, (data, line, binary) in enumerate(_read(path)):
                yield Item(_display(path, root), data, first_line=line, part=part, binary=binary)


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
    for blob, data, line, part, binary in gitio.read_blobs(git_root, list(entries)):
        if data is None:
            continue
        for path in entries[blob]:
            yield Item(path, data if binary else text(data), blob=blob, first_line=line, part=part,
                       binary=binary)


def history(git_root: Path, blobs: list[tuple[str, str]] | None = None) -> Iterator[Item]:
    """Every blob reachable from any ref (or those of `blobs`), each read and yielded once
    with one of its paths; `commit` is filled in later, for blobs with findings only."""
    if blobs is None:
        blobs = gitio.history_blobs(git_root)
    paths = dict(blobs)
    for blob, data, line, part, binary in gitio.read_blobs(git_root, [blob for blob, _ in blobs]):
        if data is not None:
            yield Item(paths[blob], data if binary else text(data), blob=blob, first_line=line, part=part,
                       binary=binary)


def messages(git_root: Path) -> Iterator[Item]:
    """The message of every commit (of any ref or stash) and annotated tag; a line number
    counts from the message's first line. Messages of commits only a stash holds come last,
    marked `stash` (git writes most of them by quoting the subject of the stash's base)."""
    for oid, message, only_stash in gitio.commit_messages(git_root):
        if message.strip():
            yield Item("(commit message)", message, commit=oid, stash=only_stash)
    for _, data, _, part, _ in gitio.read_blobs(git_root, gitio.annotated_tags(git_root)):
        if part:
            continue  # a tag message is never that long: its first piece holds it
        headers, _, body = (data or b"").partition(b"\n\n")
        tag = next((line[4:] for line in headers.split(b"\n") if line.startswith(b"tag ")), None)
        if body.strip() and tag is not None:
            yield Item(f"(message of tag {tag.decode('utf-8', 'surrogateescape')})", body)
