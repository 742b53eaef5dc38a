"""What changed on either side since the last pull: a three-way comparison by fingerprint.

The base is a record of the values both sides agreed on after the last `dango team pull` or
`push` on this machine (`.dango/team.pulled.json`, gitignored): keyed fingerprints only,
never values, with a check of the key they were made with. A value that differs between
`.dlt/secrets.toml` (ours) and the team file (theirs) changed on the side whose fingerprint
no longer matches the base; if neither matches, both changed it: a conflict.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

RECORD = ".dango/team.pulled.json"
_CHECK_TEXT = b"dango team record"
DELETE = object()  # a value removed on the side that changed it

Path_ = tuple[str, ...]


def key_check(key: bytes | None) -> str | None:
    return hmac.new(key, _CHECK_TEXT, hashlib.sha256).hexdigest()[:12] if key else None


def load_base(root: Path, key: bytes | None) -> dict[Path_, str]:
    """The fingerprints of the last pull; {} when there is none, it is damaged, or it was made
    under another fingerprint key (then every difference counts as changed on both sides)."""
    try:
        data = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("check") != key_check(key) or key is None:
        return {}
    found = {}
    for entry in data.get("values") or []:
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], list) \
                and isinstance(entry[1], str):
            found[tuple(str(part) for part in entry[0])] = entry[1]
    return found


def base_bytes(base: dict[Path_, str], key: bytes | None) -> bytes:
    values = [[list(path), mark] for path, mark in sorted(base.items())]
    return (json.dumps({"check": key_check(key), "values": values}, indent=1) + "\n").encode()


@dataclass
class Plan:
    to_local: dict[Path_, Any] = field(default_factory=dict)  # changed in the team file only
    to_team: dict[Path_, Any] = field(default_factory=dict)  # changed here only
    conflicts: list[Path_] = field(default_factory=list)  # changed on both sides


def compare(ours: dict[Path_, Any], theirs: dict[Path_, Any], base: dict[Path_, str],
            mark: Callable[[Any], str | None]) -> Plan:
    """Sort every difference between `ours` and `theirs` by the side that changed it."""
    plan = Plan()
    for path in sorted(set(ours) | set(theirs)):
        mine, team = ours.get(path), theirs.get(path)
        if mine == team and (path in ours) == (path in theirs):
            continue
        before = base.get(path)
        mine_mark = mark(mine) if path in ours else None
        team_mark = mark(team) if path in theirs else None
        if mine_mark == before:
            plan.to_local[path] = team if path in theirs else DELETE
        elif team_mark == before:
            plan.to_team[path] = mine if path in ours else DELETE
        else:
            plan.conflicts.append(path)
    return plan


def next_base(old: dict[Path_, str], ours: dict[Path_, Any], theirs: dict[Path_, Any],
              mark: Callable[[Any], str | None]) -> dict[Path_, str]:
    """The record after a pull or push: the paths where both sides now agree, by their new
    fingerprint; a path still differing keeps its old base (so it stays a change of one side)."""
    base = {}
    for path in set(ours) | set(theirs) | set(old):
        if path in ours and path in theirs and ours[path] == theirs[path]:
            fingerprint = mark(ours[path])
            if fingerprint is not None:
                base[path] = fingerprint
        elif path in old and (path in ours or path in theirs):
            base[path] = old[path]
    return base
