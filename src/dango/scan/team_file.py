"""`.dango/team.sops.yaml`, the team's SOPS file: a designated store that is committed.

Its values are SOPS ciphertexts (`ENC[AES256_GCM,...]`), which are no findings; a value
SOPS did not encrypt is one, since the file exists to hold credentials (dango team).
"""

from __future__ import annotations

from .engine import ALLOW_MARK, Finding

RULE = "team-file-plaintext"
DESCRIPTION = "A value in the team's SOPS file that is not encrypted"
NAME = ".dango/team.sops.yaml"


def is_team_file(path: str) -> bool:
    return path == NAME or path.endswith("/" + NAME)


def team_findings(data: bytes, path: str) -> list[Finding]:
    """One finding per plaintext value of the file (masked: the excerpt names the key only)."""
    from ..errors import MalformedFile
    from ..team.fileformat import plaintext_leaves

    try:
        leaves = list(plaintext_leaves(data))
    except MalformedFile:
        return [Finding(RULE, DESCRIPTION, path, 1, "", excerpt="the file is not valid YAML",
                        fix="restore it from git (git checkout) and run `dango team push`")]
    lines = data.split(b"\n")
    findings = []
    for line, key_path in leaves:
        text = lines[line - 1] if 0 < line <= len(lines) else b""
        if ALLOW_MARK in text:
            continue
        value = text.partition(b":")[2].strip().decode("utf-8", "replace")
        findings.append(Finding(RULE, DESCRIPTION, path, line, value, excerpt=f"{key_path}: (not encrypted)",
                                fix="encrypt it with `dango team push` (or `sops encrypt`), and rotate "
                                    "the value if it was committed"))
    return findings
