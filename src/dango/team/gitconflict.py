"""A team file that `git merge` (or `git pull`, `git rebase`) left with conflict markers.

Two teammates who push at once each commit a new `.dango/team.sops.yaml`; git cannot merge
two ciphertexts and writes both into the file between `<<<<<<<` and `>>>>>>>` lines. Taking
either side whole would silently drop the other teammate's values, so `dango team pull`
reads the three versions git keeps in its index (the common ancestor, and each side),
decrypts them and merges value by value: a value changed on one side only is taken; one
changed on both sides differently is a conflict that `--ours` (the side holding this
machine's value) or `--theirs` settles. Nothing here knows a project: the caller hands in
the repository folder, a decrypt function and this machine's values (STYLE rule 4).
"""

from __future__ import annotations

from typing import Any, Callable

Path_ = tuple[str, ...]
_MISSING = object()
MARKERS = (b"<<<<<<< ", b">>>>>>> ")


def conflicted(data: bytes) -> bool:
    """Whether the file holds git's conflict markers."""
    return any(line.startswith(MARKERS) for line in data.split(b"\n"))


def sides(root, path: str) -> tuple[bytes | None, bytes, bytes] | None:
    """(ancestor or None, side 2, side 3) of `path` as git's index keeps them during a merge
    or rebase; None when the index holds no such conflict (the markers were committed)."""
    from ..scan.gitio import git

    stages = [git(root, "show", f":{number}:./{path}", check=False) or None for number in (1, 2, 3)]
    if stages[1] is None or stages[2] is None:
        return None
    return stages[0], stages[1], stages[2]


def merge(base: dict[Path_, Any], one: dict[Path_, Any], two: dict[Path_, Any], mine: dict[Path_, Any],
          prefer: str | None) -> tuple[dict[Path_, Any], list[Path_]]:
    """(merged values, paths changed on both sides that `prefer` did not settle). With
    "ours", a conflict takes the side holding this machine's value (`mine`); with "theirs",
    the other side."""
    merged: dict[Path_, Any] = {}
    conflicts: list[Path_] = []
    for path in sorted(set(base) | set(one) | set(two)):
        b, o, t = (values.get(path, _MISSING) for values in (base, one, two))
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        elif prefer is None:
            conflicts.append(path)
            continue
        else:
            local = mine.get(path, _MISSING)
            yours, other = (t, o) if t == local and o != local else (o, t)
            value = yours if prefer == "ours" else other
        if value is not _MISSING:
            merged[path] = value
    return merged, conflicts


def resolve(root, path: str, decrypt: Callable[[bytes], dict[Path_, Any]], mine: dict[Path_, Any],
            prefer: str | None) -> tuple[dict[Path_, Any], list[Path_]] | None:
    """The merged values of a conflicted team file and its unsettled conflicts; None when
    git's index does not hold the two sides (the caller says to restore the file)."""
    found = sides(root, path)
    if found is None:
        return None
    ancestor, one, two = found
    base = decrypt(ancestor) if ancestor is not None else {}
    return merge(base, decrypt(one), decrypt(two), mine, prefer)
