"""`.dango/credentials.yml`: when each credential was created, rotated and last verified.

Safe to commit: it holds dates, results and keyed fingerprints (fingerprint.py), never a
value. Callers hold the project lock while they change it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..store.atomic import atomic_write

HEADER = "# Credential metadata kept by dango: dates and keyed fingerprints, never values.\n"


def metadata_path(project) -> Path:
    return project.dango_dir / "credentials.yml"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def load(project) -> dict[str, dict[str, Any]]:
    """credential key ("source.field") -> its entry. The file is committed, so two teammates'
    changes can leave git's conflict markers in it: then both sides are read and each
    credential keeps its newer entry (the next write stores the union, nothing is lost)."""
    from ..errors import MalformedFile
    from ..yaml_io import read_yaml_text

    path = metadata_path(project)
    try:
        text = read_yaml_text(path)
    except (FileNotFoundError, MalformedFile):  # missing, or not UTF-8: rebuilt by the next write
        return {}
    sides = _conflict_sides(text)
    if sides is None:
        return _entries(path, text)
    ours, theirs = (_entries(path, side) for side in sides)
    for key, entry in theirs.items():
        if key not in ours or _newest(entry) > _newest(ours[key]):
            ours[key] = entry
    return ours


def _entries(path: Path, text: str) -> dict[str, dict[str, Any]]:
    from ..errors import MalformedFile
    from ..yaml_io import parse_yaml

    try:
        data = parse_yaml(path, text) or {}
    except MalformedFile:
        return {}  # derived data: a damaged file is rebuilt by the next write
    entries = data.get("credentials") if isinstance(data, dict) else None
    return {key: dict(value) for key, value in entries.items() if isinstance(value, dict)} \
        if isinstance(entries, dict) else {}


def _conflict_sides(text: str) -> tuple[str, str] | None:
    """The two versions of a file with git's conflict markers (`<<<<<<<`, `=======`,
    `>>>>>>>`; a diff3 base section `|||||||` is dropped); None without markers."""
    from ..yaml_io import conflict_line

    if conflict_line(text) is None:
        return None
    ours, theirs, side = [], [], None
    for line in text.splitlines(keepends=True):
        marker = line[:7]
        if marker == "<<<<<<<" and side is None:
            side = "ours"
        elif marker == "|||||||" and side == "ours":
            side = "base"
        elif marker == "=======" and side in ("ours", "base"):
            side = "theirs"
        elif marker == ">>>>>>>" and side == "theirs":
            side = None
        else:
            if side in (None, "ours"):
                ours.append(line)
            if side in (None, "theirs"):
                theirs.append(line)
    return "".join(ours), "".join(theirs)


def _newest(entry: dict[str, Any]) -> str:
    """The latest date an entry records (ISO dates compare as text)."""
    return max(str(entry.get(key) or "") for key in ("created", "rotated", "last_verified"))


def save(project, entries: dict[str, dict[str, Any]]) -> None:
    from ..yaml_io import dump_plain

    text = HEADER + dump_plain({"credentials": entries})
    atomic_write(metadata_path(project), text.encode("utf-8"), root=project.root)


def note_written(entries: dict, source: str, field: str, fingerprint: str | None) -> str:
    """Record a new value; returns the audit event: "added" or "changed"."""
    key = f"{source}.{field}"
    stamp = now().isoformat()
    entry = entries.get(key)
    if entry is None:
        entries[key] = {"created": stamp, "fingerprint": fingerprint}
        return "added"
    if entry.get("fingerprint") != fingerprint:
        entry.update(rotated=stamp, fingerprint=fingerprint)
        entry.pop("last_verified", None)
        entry.pop("result", None)
    return "changed"


def note_rotated(entries: dict, source: str, field: str, fingerprint: str | None) -> None:
    entries.setdefault(f"{source}.{field}", {"created": now().isoformat()})
    entries[f"{source}.{field}"].update(rotated=now().isoformat(), fingerprint=fingerprint)


def note_removed(entries: dict, source: str, field: str | None = None) -> list[str]:
    """Forget one credential, or all of a source's; returns the fields forgotten."""
    prefix = f"{source}."
    keys = [k for k in entries if (k == f"{source}.{field}" if field else k.startswith(prefix))]
    for key in keys:
        del entries[key]
    return [key[len(prefix):] for key in keys]


def note_verified(entries: dict, source: str, fields: list[str], result: str) -> None:
    stamp = now().isoformat()
    for field in fields:
        entry = entries.setdefault(f"{source}.{field}", {"created": stamp})
        entry.update(last_verified=stamp, result=result)


def age_days(entry: dict[str, Any], at: datetime | None = None) -> int | None:
    stamp = entry.get("rotated") or entry.get("created")
    try:
        since = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return ((at or now()) - since).days


def overdue(entries: dict, rotation_days: int) -> list[tuple[str, int]]:
    """(credential key, age in days) for each credential older than the policy."""
    found = []
    for key, entry in sorted(entries.items()):
        days = age_days(entry) if isinstance(entry, dict) else None
        if days is not None and days > rotation_days:
            found.append((key, days))
    return found
