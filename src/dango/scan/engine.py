"""Searching one blob of bytes: the project's own secrets and the provider rules.

The project's own values (in all their forms) are found with `bytes.find`, which runs at
memory speed for a handful of needles; provider rules run only on blobs that contain one
of their keywords. A line holding `dango:allow` is never reported. Findings keep the
secret only in memory (for the baseline fingerprint); what is shown is a masked excerpt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.mask import mask
from .own import Form, OwnSecret
from .rules import Rule

ALLOW_MARK = b"dango:allow"
EXCERPT_WIDTH = 160
OWN_RULE = "dango-project-secret"


@dataclass
class Finding:
    rule: str
    description: str
    path: str
    line: int
    secret: str = field(repr=False)
    excerpt: str = ""
    commit: str | None = None
    blob: str | None = None
    credential: str | None = None  # NAME.FIELD of a project-own secret
    encoding: str | None = None  # how a project-own secret was written (exact, base64, ...)
    fix: str | None = None

    @property
    def masked(self) -> str:
        return mask(self.secret)

    def to_json(self) -> dict:
        data = {"rule": self.rule, "description": self.description, "path": self.path,
                "line": self.line, "commit": self.commit, "excerpt": self.excerpt,
                "secret": self.masked}
        if self.credential:
            data.update(credential=self.credential, encoding=self.encoding)
        if self.fix:
            data["fix"] = self.fix
        return data


class Scanner:
    def __init__(self, forms: list[Form], rules: list[Rule]):
        self.forms = forms
        self.rules = rules

    def scan(self, data: bytes, path: str) -> list[Finding]:
        """Every finding in `data` (the content of `path`), in order, masked excerpts."""
        spans: list[tuple[int, int, str, str, OwnSecret | None, str | None]] = []
        taken: list[tuple[int, int]] = []
        for form in self.forms:
            start = data.find(form.needle)
            while start != -1:
                end = start + len(form.needle)
                if not _overlaps(taken, start, end):
                    taken.append((start, end))
                    spans.append((start, end, OWN_RULE, "A secret of this project", form.secret,
                                   form.encoding))
                start = data.find(form.needle, end)
        for rule in self.rules:
            if not rule.applies(data):
                continue
            for match in rule.pattern.finditer(data):
                start, end = match.span(rule.group)
                if start < 0 or _overlaps(taken, start, end):
                    continue
                if rule.accept is not None and not rule.accept(match.group(rule.group)):
                    continue
                taken.append((start, end))
                spans.append((start, end, rule.id, rule.description, None, None))
        if not spans:
            return []
        spans.sort()
        findings = []
        for start, end, rule_id, description, own, encoding in spans:
            line_start = data.rfind(b"\n", 0, start) + 1
            line_end = data.find(b"\n", start)
            line_end = len(data) if line_end == -1 else line_end
            if ALLOW_MARK in data[line_start:line_end]:
                continue
            secret = data[start:end].decode("utf-8", "replace")
            finding = Finding(rule_id, description, path, data.count(b"\n", 0, start) + 1,
                              own.value if own else secret)
            if own is not None:
                finding.credential, finding.encoding, finding.fix = own.credential, encoding, own.fix
            finding.excerpt = _excerpt(data, line_start, line_end, spans)
            findings.append(finding)
        return findings


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < b and a < end for a, b in taken)


def _excerpt(data: bytes, line_start: int, line_end: int, spans) -> str:
    """The line with every secret on it replaced by its mask, cut to a readable width."""
    parts, cursor = [], line_start
    for start, end, _, _, own, _ in spans:
        if end <= line_start or start >= line_end:
            continue
        start, end = max(start, line_start), min(end, line_end)
        if start < cursor:
            continue
        parts.append(data[cursor:start].decode("utf-8", "replace"))
        secret = own.value if own else data[start:end].decode("utf-8", "replace")
        parts.append(mask(secret))
        cursor = end
    parts.append(data[cursor:line_end].decode("utf-8", "replace"))
    text = "".join(parts).strip()
    if len(text) > EXCERPT_WIDTH:
        begin = max(0, text.find("*" * 15) - EXCERPT_WIDTH // 2)  # keep the first mask in view
        text = ("..." if begin else "") + text[begin:begin + EXCERPT_WIDTH] + "..."
    return text
