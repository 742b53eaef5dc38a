"""Git plumbing for the scan: one `git cat-file --batch` process streams every blob.

Nothing here shells out per file: blob ids are listed once (`ls-files`, `rev-list
--objects --all`) and their contents are read through a single batch process.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import DangoError
from ..secrecy import without_secret_variables

PIECE = 16 * 1024 * 1024  # a larger file or blob (a log, a dump) is scanned piece by piece
BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 text (PowerShell's `>` writes it) holds NUL bytes
_CUTS = b' \t,;"\'<>'  # in a line longer than a piece: cut after one of these, never in a token
# A repository's own .git/config can name programs for git to run (core.fsmonitor runs on
# every status, ls-files and check-ignore; log.showSignature runs gpg.program on every signed
# commit `git log` passes): a copied or unpacked repository must not run code when Dango only
# reads it. (The commands used run no hooks.)
SAFE_OPTIONS = ("-c", "core.fsmonitor=false", "-c", "core.pager=cat", "-c", "log.showSignature=false")


def command(*args: str) -> list[str]:
    """`git` with the repository's program-running settings turned off, then `args`."""
    return ["git", *SAFE_OPTIONS, *args]


class GitError(DangoError):
    """A git command failed; the scan cannot be trusted, so it does not pretend to succeed."""


def git(root: Path, *args: str, check: bool = True) -> bytes:
    try:
        proc = subprocess.run(command("-C", str(root), *args), capture_output=True,
                              env=environment(), stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); install it and run the scan again.") from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"`git {args[0]}` failed in {root}: {message[-1] if message else 'no message'}.")
    return proc.stdout


def environment() -> dict[str, str]:
    """The environment of every git command Dango runs. No transport at all: a partial
    clone's promisor remote would otherwise be fetched from when a missing object is read,
    and its URL can be a program (`ext::`). Objects and history as they were committed:
    replace refs and a grafts file (local state, never pushed) would show git a harmless
    blob or cut history short, so a secret that a push publishes would go unread."""
    env = without_secret_variables(os.environ)
    env.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    env.update(LC_ALL="C", GIT_ALLOW_PROTOCOL="", GIT_TERMINAL_PROMPT="0", GIT_NO_REPLACE_OBJECTS="1",
               GIT_GRAFT_FILE=os.devnull, GIT_OPTIONAL_LOCKS="0")
    return env


def git_root(path: Path) -> Path | None:
    """The top of the git work tree holding `path`; None outside one (or without git)."""
    try:
        proc = subprocess.run(command("-C", str(path), "rev-parse", "--show-toplevel"),
                              capture_output=True, env=environment(), stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return None
    if proc.returncode != 0:
        return None
    return Path(proc.stdout.decode().strip())


def zsplit(output: bytes) -> list[str]:
    return [item.decode("utf-8", "surrogateescape") for item in output.split(b"\0") if item]


def is_binary(head: bytes) -> bool:
    """A NUL byte in the first 8000 bytes, as git decides, unless a UTF-16 byte order mark opens it."""
    return b"\0" in head[:8000] and not head.startswith(BOMS)


def pieces(read: Callable[[int], bytes], size: int) -> Iterator[tuple[bytes, int, bool]]:
    """(piece, the line number it starts at, whether the content is binary) for `size` bytes
    handed out by `read(n)`: one piece up to PIECE bytes, else pieces ending at a line end
    (or, inside a longer line, after a space or punctuation), so a secret is never cut in
    two and memory stays bounded. Whether the content is binary is decided on its start."""
    if size == 0:
        yield b"", 1, False  # an empty file is read too (and counted)
        return
    line, carry, left, binary = 1, b"", size, None
    while left > 0 or carry:
        chunk = read(min(PIECE, left)) if left > 0 else b""
        left = left - len(chunk) if chunk else 0  # a stream that ends early ends here
        buffer = carry + chunk
        if binary is None:
            binary = is_binary(buffer)
        carry = b""
        if left > 0:
            cut = buffer.rfind(b"\n") + 1
            if cut == 0:
                tail = max(0, len(buffer) - 4096)
                cut = max((buffer.rfind(bytes([c]), tail) for c in _CUTS), default=-1) + 1 or len(buffer)
            buffer, carry = buffer[:cut], buffer[cut:]
        yield buffer, line, binary
        line += buffer.count(b"\n")


def read_blobs(root: Path, blob_ids: Iterable[str]) -> Iterator[tuple[str, bytes | None, int, int, bool]]:
    """(blob id, content, first line, piece number, binary) for each id, in order: one piece,
    or several for a blob larger than PIECE; content None for a missing blob."""
    proc = subprocess.Popen(command("-C", str(root), "cat-file", "--batch"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment(),
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
                yield header[0].decode(), None, 1, 0, False
                continue
            blob, size, taken = header[0].decode(), int(header[2]), 0

            def read(count: int) -> bytes:
                nonlocal taken
                data = out.read(count)
                taken += len(data)
                return data

            for number, (piece, line, binary) in enumerate(pieces(read, size)):
                yield blob, piece, line, number, binary
            _skip(out, size - taken + 1)  # the newline after the content
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


def stashes(root: Path) -> list[str]:
    """The commit of every saved stash: `--all` reaches only the newest (refs/stash); the
    others (stash@{1}, ...) live in that ref's reflog, as saved work to apply later."""
    output = git(root, "reflog", "show", "--format=%H", "refs/stash", check=False)
    return [line for line in output.decode("ascii", "replace").split()
            if len(line) in (40, 64) and all(c in "0123456789abcdef" for c in line)]


def partial_clone(root: Path) -> bool:
    """Whether git holds only part of this repository's objects (`git clone --filter=...`):
    reading a missing one would make git fetch it from the promisor remote."""
    output = git(root, "config", "--get-regexp", r"^(extensions\.partialclone|remote\..*\.promisor)$",
                 check=False)
    return any(not line.lower().endswith(b" false") for line in output.splitlines())


def shallow(root: Path) -> bool:
    """Whether the clone stops short of the first commits (`git clone --depth`, CI checkouts)."""
    return git(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"


def history_blobs(root: Path) -> list[tuple[str, str]]:
    """(blob id, a path it had) for every blob reachable from any ref or stash, each once."""
    if partial_clone(root):  # a fetch would be network and a write; without one, a partial scan
        raise GitError(f"{root} is a partial clone (git holds only some of its files' past versions), "
                       "so its history cannot be scanned in full; scan a complete clone "
                       "(`git clone` without --filter) instead.")
    output = git(root, "rev-list", "--objects", "--all", *stashes(root), "--filter=object:type=blob",
                 "--filter-provided-objects")
    blobs = []
    for line in output.split(b"\n"):
        if not line:
            continue
        blob, _, path = line.partition(b" ")
        blobs.append((blob.decode(), path.decode("utf-8", "surrogateescape")))
    return blobs


def commit_messages(root: Path) -> Iterator[tuple[str, bytes, bool]]:
    """(commit id, message, whether only a stash holds the commit) for every commit reachable
    from any ref or stash: messages are history too (a key pasted into `git commit -m`).
    Commits of branches and tags come first, then those only stashes hold."""
    tips = stashes(root)
    runs = [(("--exclude=refs/stash", "--all"), False)]
    if tips:
        runs.append(((*tips, "--not", "--exclude=refs/stash", "--all"), True))
    for revisions, only_stash in runs:  # -z: records end with NUL, which a message cannot hold
        for record in git(root, "log", "-z", "--format=%H%n%B", *revisions, "--").split(b"\0"):
            oid, _, message = record.partition(b"\n")
            if oid:
                yield oid.decode("ascii", "replace"), message, only_stash


def annotated_tags(root: Path) -> list[str]:
    """The object id of every annotated tag (its message is history too)."""
    tags = git(root, "for-each-ref", "--format=%(objecttype) %(objectname)", "refs/tags")
    return [line.split()[1].decode() for line in tags.splitlines() if line.startswith(b"tag ")]


def commits_introducing(root: Path, wanted: set[str]) -> dict[str, str]:
    """For each wanted blob, the oldest commit (on any ref or stash) that added or changed a file to it."""
    result: dict[str, str] = {}
    if not wanted:
        return result
    tips = stashes(root)
    _introducing(root, ["--all", *tips], wanted, result)
    for blob in wanted - set(result):
        # only a merge's resolution introduced it: merges show their changes with -m, against
        # each parent (a plain --find-object lists the commit that later removed it instead)
        _introducing(root, ["--all", *tips, "-m", f"--find-object={blob}"], {blob}, result)
    return result


def _introducing(root: Path, revisions: list[str], wanted: set[str], result: dict[str, str]) -> None:
    """Fill `result` with the oldest commit of `git log REVISIONS --raw` whose change leads to
    a wanted blob (the new side of a raw line)."""
    proc = subprocess.Popen(command("-C", str(root), "log", *revisions, "--raw", "--no-abbrev",
                                    "--no-renames", "--format=%x00%H"),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment())
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


def tracked(root: Path) -> set[str]:
    return set(zsplit(git(root, "ls-files", "-z", "--cached")))


def ever_committed(root: Path, rel: str) -> bool:
    return bool(git(root, "rev-list", "--all", "-1", "--", rel, check=False).strip())


def ignored(root: Path, rel: str) -> bool:
    proc = subprocess.run(command("-C", str(root), "check-ignore", "-q", "--", rel),
                          capture_output=True, env=environment(), stdin=subprocess.DEVNULL)
    return proc.returncode == 0
