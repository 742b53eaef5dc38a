"""How a project records that it is encrypted: `.dango/project.yml`

    encryption:
      key_id: 1a2b3c4d   # the key new values are encrypted with (an id, never a key)

Every ciphertext also names its own key id, so a value stays readable whatever this
record says (during an interrupted rotation, for one). Writers hold the project lock.
"""

from __future__ import annotations

from typing import Any

from ..store.atomic import atomic_write

SETTING = "encryption"


def current_key_id(project) -> str | None:
    """The key id of an encrypted project, None when it is not encrypted."""
    record: Any = project.settings.get(SETTING)
    if isinstance(record, dict) and isinstance(record.get("key_id"), str) and record["key_id"]:
        return record["key_id"]
    return None


def is_encrypted(project) -> bool:
    return current_key_id(project) is not None


def write(project, kid: str | None):
    """Record `kid` as the project's key (None: not encrypted); the reloaded Project."""
    from ..project import load_project
    from ..yaml_io import dump_round_trip, load_round_trip

    document = load_round_trip(project.project_file)
    if kid is None:
        if SETTING not in document:
            return project
        del document[SETTING]
    else:
        from ruamel.yaml.comments import CommentedMap

        record = document.get(SETTING)
        if not isinstance(record, dict):
            record = CommentedMap()
            document[SETTING] = record
        record["key_id"] = kid
    atomic_write(project.project_file, dump_round_trip(document).encode("utf-8"), root=project.root)
    return load_project(project.root)
