"""Helpers of the encryption-at-rest security tests: every file of a project (and the test
keyring) as bytes, and a comparison that says in a few lines what differs."""

from __future__ import annotations

import re
from pathlib import Path

from tests.crypto.conftest import keyring_file

SECRETS = ".dlt/secrets.toml"


def tree(project_dir: Path, home: Path | None = None) -> dict[str, bytes]:
    """Every file under the project (audit.log, project.yml, credentials.yml included; the
    lock file aside, which any writer may create), plus the test keyring's file."""
    files = {str(p.relative_to(project_dir)): p.read_bytes()
             for p in sorted(project_dir.rglob("*")) if p.is_file() and p.name != ".lock"}
    if home is not None and keyring_file(home).is_file():
        files["<keyring>"] = keyring_file(home).read_bytes()
    return files


def differences(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """One line per file added, removed or changed (with the first line that differs)."""
    found = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            found.append(f"removed: {name}")
        elif name not in before:
            found.append(f"added: {name}")
        elif before[name] != after[name]:
            old, new = before[name].splitlines(), after[name].splitlines()
            line = next((i for i, (a, b) in enumerate(zip(old, new), 1) if a != b), min(len(old), len(new)) + 1)
            found.append(f"changed: {name} (from line {line})")
    return found


def assert_unchanged(before: dict[str, bytes], after: dict[str, bytes], what: str) -> None:
    diff = differences(before, after)
    assert not diff, f"{what} changed files: " + "; ".join(diff)


def kids_in(project_dir: Path) -> set[str]:
    return set(re.findall(r"kid:([0-9a-f]{8})", (project_dir / SECRETS).read_text()))


def recorded_kid(project_dir: Path) -> str | None:
    match = re.search(r"key_id: ['\"]?([0-9a-f]{8})", (project_dir / ".dango" / "project.yml").read_text())
    return match[1] if match else None


def project_id(project_dir: Path) -> str:
    return re.search(r"project_id: ['\"]?([0-9a-f-]+)", (project_dir / ".dango" / "project.yml").read_text())[1]


def line_of(project_dir: Path, prefix: str, after: str | None = None) -> int:
    """The 1-based line of secrets.toml starting with `prefix` (the first one after the line
    `after`, when given)."""
    lines = (project_dir / SECRETS).read_text().splitlines()
    start = lines.index(after) if after is not None else 0
    return next(i for i, line in enumerate(lines, 1) if i > start and line.startswith(prefix))
