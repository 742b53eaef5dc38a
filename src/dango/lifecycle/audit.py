"""`.dango/audit.log`: one JSON line per credential event, never a value.

Lines are appended with O_APPEND in a single write, so parallel processes never
interleave a line; the file is created 0600 and never through a symlink. Inside a change
(`project.lock()`) the lines land with the change's other files, all or nothing.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

EVENTS = ("added", "changed", "removed", "rotated", "confirmed", "rolled_back", "revealed",
          "encrypted", "decrypted", "key_rotated", "auth_granted", "auth_revoked", "tested",
          "team_initialised", "team_member_added", "team_member_removed", "team_pushed", "team_pulled")


def audit_path(project) -> Path:
    return project.dango_dir / "audit.log"


def actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return str(os.getuid())


def record(project, event: str, *, source: str | None = None, field: str | None = None,
           fingerprint: str | None = None, **detail: Any) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event}")
    entry: dict[str, Any] = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "event": event, "actor": actor(),
    }
    if source is not None:
        entry["source"] = source
    if field is not None:
        entry["field"] = field
    if fingerprint is not None:
        entry["fingerprint"] = fingerprint
    entry.update({k: v for k, v in detail.items() if v is not None})
    line = (json.dumps(entry, sort_keys=False) + "\n").encode("utf-8")
    from ..store.atomic import append

    append(audit_path(project), line, root=project.root)


def read(project, source: str | None = None) -> list[dict[str, Any]]:
    from ..errors import FileReadFailed

    try:
        text = audit_path(project).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as err:
        raise FileReadFailed(audit_path(project), err.errno) from None
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a torn last line after a crash is skipped, not fatal
        if not isinstance(entry, dict):
            continue  # a line no dango wrote (the file was edited)
        if source is None or entry.get("source") == source:
            entries.append(entry)
    return entries


def read_source(project, source: str) -> list[dict[str, Any]]:
    """The events of one source: a source of sources.yml, or a removed one whose events
    remain; any other name is SourceNotFound, with the closest name suggested."""
    from ..sources import SourcesFile

    entries = read(project, source)
    if not entries:
        SourcesFile(project).get(source)  # a typo is an error, not "no events"
    return entries
