"""Copies of the secrets stores: a `.env` or `secrets.toml` where it should not be.

A designated store that git tracks or a commit holds, or a copy of one (`secrets.toml.bak`,
`.env.old`), is a finding even when none of its values matches a rule or a value the
project knows: every value in such a file is presumed secret. Templates (`.example`,
`.sample`, `.template`, `.dist`) are not stores.
"""

from __future__ import annotations

import re

from ..redact import shorten
from .engine import ALLOW_MARK, EXCERPT_WIDTH, Finding

RULE = "secrets-store-file"
DESCRIPTION = "A secrets store (.env or secrets.toml) or a copy of one, outside git's ignore rules or committed"
TEMPLATES = (".example", ".sample", ".template", ".dist", ".tpl")
_ASSIGNMENT = re.compile(rb"(?m)^[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*[=:][ \t]*[\"']?([^\"'\s#]{6,})")


def is_store(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(TEMPLATES):
        return False
    return name == ".env" or name.startswith(".env.") or name.endswith(".env") or "secrets.toml" in name


def store_findings(data: bytes, path: str) -> list[Finding]:
    """One finding for the first value of a store file that is not a reference."""
    for match in _ASSIGNMENT.finditer(data):
        value = match.group(1)
        if value.startswith(b"${") or value.startswith(b"ENC["):
            continue
        line_start = data.rfind(b"\n", 0, match.start()) + 1
        line_end = data.find(b"\n", match.start())
        line = data[line_start:len(data) if line_end == -1 else line_end]
        if ALLOW_MARK in line:
            continue
        from ..store.mask import mask

        secret = value.decode("utf-8", "replace")
        excerpt = line.decode("utf-8", "replace").replace(secret, mask(secret)).strip()
        return [Finding(RULE, DESCRIPTION, path, data.count(b"\n", 0, match.start()) + 1, secret,
                        excerpt=shorten(excerpt, EXCERPT_WIDTH),
                        fix="remove the file from git (git rm --cached) and rotate the values it holds")]
    return []
