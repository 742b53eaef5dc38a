"""Git plumbing for the scan: one `git cat-file --batch` process streams every blob.

Nothing here shells out per file: blob ids are listed once (`ls-files`, `rev-list
--objects --all`) and their contents are read through a single batch process.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import DangoError

MAX_BLOB = 32 * 1024 * 1024  # larger blobs are data dumps or binaries, not text to scan
# A repository's own .git/config can name programs for git to run (core.fsmonitor runs on
# every status, ls-files and check-ignore): a copied or unpacked repository must not run
# code when Dango only reads it.
SAFE_OPTIONS = ("-c", "core.fsmonitor=false", "-c", "core.pager=cat")  # (the commands used run no hooks)


def command(*args: str) -> list[str]:
    """`git` with the repository's program-running settings turned off, then `args`."""
    return ["git", *SAFE_OPTIONS, *args]


class GitError(DangoError):
    """A git command failed; the scan cannot be trusted, so it does not pretend to succeed."""


def git(root: Path, *args: str, check: bool = True) -> bytes:
    try:
        proc = subprocess.run(command("-C", str(root), *args), capture_output=True,
                              env=_env(), stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); install it and run the scan again.") from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"`git {args[0]}` failed in {root}: {message[-1] if message else 'no message'}.")
    return proc.stdout


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    env["LC_ALL"] = "C"
    return env


def git_root(path: Path) -> Path | None:
    """The top of the git work tree holding `path`; None outside one (or without git)."""
    try:
        proc = subprocess.run(command("-C", str(path), "rev-parse", "--show-toplevel"),
                              capture_output=True, env=_env(), stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return None
    if proc.returncode != 0:
        return None
    return Path(proc.stdout.decode().strip())


def zsplit(output: bytes) -> list[str]:
    return [item.decode("utf-8", "surrogateescape") for item in output.split(b"\0") if item]


def scannable(data: bytes) -> bytes | None:
    """The bytes to scan: a UTF-16 text with its byte order mark (what Windows PowerShell's
    `>` and Notepad's "Unicode" write, say `dango secrets export ... > creds.env`) as UTF-8,
    line for line; None for any other file with a NUL byte (binary)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
    return None if b"\0" in data[:8000] else data


def read_blobs(root: Path, blob_ids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(blob id, content) for each id, in order; content None for a binary or huge blob."""
    proc = subprocess.Popen(command("-C", str(root), "cat-file", "--batch"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(),
                            bufsize=1 << 20)
    ids = list(blob_ids)

    def feed() -> None:
        try:
            for start in range(0, len(ids), 512):
                proc.stdin.write("".join(f"{blob}\n" for blob in ids[start:start + 512]).encode())
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = proc.stdout
    try:
        for _ in ids:
            header = out.readline().split()
            if not header:
                raise GitError(f"`git cat-file` stopped early in {root}.")
            if len(header) < 3:  # "<id> missing"
                yield header[0].decode(), None
                continue
            size = int(header[2])
            if size > MAX_BLOB:
                _skip(out, size + 1)
                yield header[0].decode(), None
                continue
            data = out.read(size)
            out.read(1)
            yield header[0].decode(), scannable(data)
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
        writer.join(timeout=5)


def _skip(stream, size: int) -> None:
    while size > 0:
        chunk = stream.read(min(size, 1 << 20))
        if not chunk:
            return
        size -= len(chunk)


def history_blobs(root: Path) -> list[tuple[str, str]]:
    """(blob id, a path it had) for every blob reachable from any ref, each once."""
    output = git(root, "rev-list", "--objects", "--all", "--filter=object:type=blob",
                 "--filter-provided-objects")
    blobs = []
    for line in output.split(b"\n"):
        if not line:
            continue
        blob, _, path = line.partition(b" ")
        blobs.append((blob.decode(), path.decode("utf-8", "surrogateescape")))
    return blobs


def commits_introducing(root: Path, wanted: set[str]) -> dict[str, str]:
    """For each wanted blob, the oldest commit (on any ref) that added or changed a file to it."""
    result: dict[str, str] = {}
    if not wanted:
        return result
    proc = subprocess.Popen(command("-C", str(root), "log", "--all", "--raw", "--no-abbrev",
                             "--no-renames", "--format=%x00%H"),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())
    commit = None
    for line in proc.stdout:
        if line.startswith(b"\0"):
            commit = line[1:].strip().decode()
        elif line.startswith(b":"):
            fields = line.split(b"\t", 1)[0].split()
            if len(fields) >= 4:
                blob = fields[3].decode()
                if blob in wanted:
                    result[blob] = commit  # the log runs newest first: the last one is the oldest
    proc.wait()
    missing = wanted - set(result)
    for blob in missing:  # blobs only a merge resolution introduced: ask git directly
        found = git(root, "log", "--all", "--format=%H", f"--find-object={blob}", check=False).split()
        if found:
            result[blob] = found[-1].decode()
    return result


def tracked(root: Path) -> set[str]:
    return set(zsplit(git(root, "ls-files", "-z", "--cached")))


def ever_committed(root: Path, rel: str) -> bool:
    return bool(git(root, "rev-list", "--all", "-1", "--", rel, check=False).strip())


def ignored(root: Path, rel: str) -> bool:
    proc = subprocess.run(command("-C", str(root), "check-ignore", "-q", "--", rel),
                          capture_output=True, env=_env(), stdin=subprocess.DEVNULL)
    return proc.returncode == 0
