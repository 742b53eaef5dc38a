"""Recording credential changes: metadata and audit lines, written after the secrets.

    changes = Changes(project, secrets)      # gives the store a fingerprint key if needed
    secrets.set_value(...); changes.written("pay", "stripe_secret_key", value)
    secrets.save(); changes.commit()         # credentials.yml, then one audit line each
"""

from __future__ import annotations

from typing import Any

from . import audit, metadata
from .fingerprint import ensure_key, fingerprint


class Changes:
    def __init__(self, project, secrets):
        self.project, self.secrets = project, secrets
        ensure_key(secrets)
        self._written: list[tuple[str, str, str | None, bool]] = []
        self._removed: list[tuple[str, str | None]] = []

    def written(self, source: str, field: str, value: Any, *, rotated: bool = False) -> None:
        """A value stored at source.field (a rotation when `rotated`)."""
        self._written.append((source, field, fingerprint(self.secrets, value), rotated))

    def removed(self, source: str, field: str | None = None) -> None:
        """One credential deleted, or (field None) all of a source's."""
        self._removed.append((source, field))

    def commit(self) -> None:
        entries = metadata.load(self.project)
        events = []
        for source, field, mark, rotated in self._written:
            if rotated:
                metadata.note_rotated(entries, source, field, mark)
                event = "rotated"
            else:
                event = metadata.note_written(entries, source, field, mark)
            events.append((event, source, field, mark))
        for source, field in self._removed:
            forgotten = metadata.note_removed(entries, source, field)
            for gone in forgotten or [field]:
                events.append(("removed", source, gone, None))
        metadata.save(self.project, entries)
        for event, source, field, mark in events:
            audit.record(self.project, event, source=source, field=field, fingerprint=mark)
