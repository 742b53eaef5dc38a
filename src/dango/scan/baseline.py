"""`.dango/scan-baseline.json`: findings the team has reviewed and accepted.

The file is committed, so a fingerprint must not let someone holding the repository test
guesses of a secret cheaply. A fingerprint is therefore scrypt (N=2**14, r=8: about 16 MB
and tens of milliseconds per guess) of the rule id and the secret, under a random salt
kept in the file. No line number or path goes into it, so the file does not churn as code
moves; the path where the finding was accepted is kept beside it for reviewers. A value
accepted once (a test fixture, a revoked demo key) is accepted wherever it appears.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from pathlib import Path

from ..errors import MalformedFile
from .engine import Finding

VERSION = 1
DEFAULT_PATH = ".dango/scan-baseline.json"  # relative to the project (or repository) root
N, R, P = 2 ** 14, 8, 1
LENGTH = 16


class Baseline:
    def __init__(self, path: Path, salt: bytes | None = None, entries: list[dict] | None = None):
        self.path = path
        self.salt = salt or secrets.token_bytes(16)
        self.n, self.r, self.p = N, R, P
        self.entries = entries or []
        self._known = {entry["fingerprint"] for entry in self.entries}
        self._cache: dict[tuple[str, str], str] = {}
        self.root: Path | None = None  # the project (or repository) a default baseline stays in

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as err:
            raise MalformedFile(path, f"cannot be read ({type(err).__name__})") from None
        try:
            data = json.loads(text)
            kdf = data["kdf"]
            if kdf["name"] != "scrypt":
                raise ValueError
            entries = [dict(entry) for entry in data.get("findings", [])]
            for entry in entries:
                if not isinstance(entry.get("fingerprint"), str):
                    raise ValueError
            salt = base64.b64decode(kdf["salt"], validate=True)
            params = (kdf["n"], kdf["r"], kdf["p"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise MalformedFile(path, "is not a scan baseline written by `dango secrets scan "
                                      "--update-baseline`", fix="delete it and run that command again") from None
        if params != (N, R, P) or len(salt) < 16:
            # weaker settings would make the fingerprints the next --update-baseline commits
            # cheap to test guesses against; heavier ones would stall every scan and the hook
            raise MalformedFile(path, f"asks for scrypt settings other than n={N}, r={R}, p={P} with a "
                                      "16-byte salt, the only ones a baseline is written with",
                                fix="delete it and run `dango secrets scan --update-baseline` again")
        return cls(path, salt, entries)

    def fingerprint(self, finding: Finding) -> str:
        key = (finding.rule, finding.secret)
        if key not in self._cache:
            digest = hashlib.scrypt(f"{finding.rule}\0{finding.secret}".encode("utf-8"), salt=self.salt,
                                    n=self.n, r=self.r, p=self.p, maxmem=64 * 1024 * 1024, dklen=LENGTH)
            self._cache[key] = digest.hex()
        return self._cache[key]

    def accepts(self, finding: Finding) -> bool:
        return bool(self._known) and self.fingerprint(finding) in self._known

    def accept(self, findings: list[Finding]) -> int:
        """Accept these findings too (one entry per rule and secret; the entries already
        there are kept, so accepting working-tree findings keeps accepted history ones);
        the number of entries."""
        entries: dict[str, dict] = {entry["fingerprint"]: entry for entry in self.entries}
        for finding in findings:
            fingerprint = self.fingerprint(finding)
            entries.setdefault(fingerprint, {"fingerprint": fingerprint, "rule": finding.rule,
                                             "path": finding.path})
        self.entries = sorted(entries.values(), key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
        self._known = set(entries)
        return len(self.entries)

    def save(self) -> None:
        from ..store.atomic import atomic_write

        data = {
            "version": VERSION,
            "about": "Findings of `dango secrets scan` accepted by the team. Fingerprints are "
                     "salted scrypt digests, never values; refresh with --update-baseline.",
            "kdf": {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p,
                    "salt": base64.b64encode(self.salt).decode()},
            "findings": self.entries,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, (json.dumps(data, indent=2) + "\n").encode("utf-8"),
                     root=self.root or self.path.parent, mode=0o644)
