"""Searching one blob of bytes: the project's own secrets and the provider rules.

The project's own values (in all their forms) are found with `bytes.find`, which runs at
memory speed for a handful of needles; provider rules run only on blobs that contain one
of their keywords (found for all rules at once by `prefilter.py`). A line holding `dango:allow` is never reported. Findings keep the
secret only in memory (for the baseline fingerprint); what is shown is a masked excerpt.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Callable

from ..redact import STARS, redact, shorten
from ..store.mask import mask
from .own import Form, OwnSecret
from .prefilter import Prefilter
from .rules import Rule

ALLOW_MARK = b"dango:allow"
Allow = Callable[[str, bytes, bytes, bytes, str], bool]  # (rule id, secret, match, line, path)
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
    def __init__(self, forms: list[Form], rules: list[Rule], allow: Allow | None = None):
        self.forms = forms
        self.rules = rules
        self.prefilter = Prefilter(rules, [form.needle for form in forms])
        self.allow = allow  # a repository's allowlists (.gitleaks.toml): True drops the finding

    def scan(self, data: bytes, path: str, own_only: bool = False) -> list[Finding]:
        """Every finding in `data` (the content of `path`), in order, masked excerpts; with
        `own_only` (binary content) the project's own values only, which are exact bytes."""
        spans: list[tuple[int, int, str, str, OwnSecret | None, str | None]] = []
        taken = _Taken()
        rules, held = self.prefilter.search(data)
        if own_only:
            rules = []
        for form in (self.forms[index] for index in held):
            start = data.find(form.needle)
            while start != -1:
                end = start + len(form.needle)
                if taken.claim(start, end):
                    spans.append((start, end, OWN_RULE, "A secret of this project", form.secret,
                                   form.encoding))
                start = data.find(form.needle, end)
        for rule in rules:
            for match in rule.pattern.finditer(data):
                group = rule.group if rule.group >= 0 else _first_group(match)
                start, end = match.span(group)
                if start < 0 or taken.overlaps(start, end):
                    continue
                if not rule.valid(match.group(group)):
                    continue
                if self.allow is not None and self.allow(rule.id, match.group(group), match.group(0),
                                                         _line_at(data, start), path):
                    continue
                taken.claim(start, end)
                spans.append((start, end, rule.id, rule.description, None, None))
        if not spans:
            return []
        spans.sort(key=lambda span: (span[0], span[1]))
        findings = []
        line, counted = 1, 0  # line numbers counted incrementally: linear in the blob
        index = 0
        while index < len(spans):
            line_start = data.rfind(b"\n", 0, spans[index][0]) + 1
            line_end = data.find(b"\n", spans[index][0])
            line_end = len(data) if line_end == -1 else line_end
            last = index
            while last < len(spans) and spans[last][0] < line_end:
                last += 1
            group = spans[index:last]
            line += data.count(b"\n", counted, line_start)
            counted = line_start
            if ALLOW_MARK not in data[line_start:line_end]:
                before = [spans[index - 1]] if index and spans[index - 1][1] > line_start else []
                excerpt = _excerpt(data, line_start, line_end, before + group)
                for start, end, rule_id, description, own, encoding in group:
                    secret = own.value if own else data[start:end].decode("utf-8", "replace")
                    finding = Finding(rule_id, description, path, line, secret, excerpt=excerpt)
                    if own is not None:
                        finding.credential, finding.encoding, finding.fix = own.credential, encoding, own.fix
                    findings.append(finding)
            index = last
        return findings


def _first_group(match) -> int:
    """The first group that took part in the match (the whole match when none did)."""
    return next((number for number in range(1, (match.re.groups or 0) + 1) if match.start(number) >= 0), 0)


def _line_at(data: bytes, offset: int) -> bytes:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return data[start:len(data) if end == -1 else end]


class _Taken:
    """Disjoint spans already reported, sorted: a new span overlapping one is dropped."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self.starts, end)
        return index > 0 and self.ends[index - 1] > start

    def claim(self, start: int, end: int) -> bool:
        """Take the span if it is free; whether it was."""
        if self.overlaps(start, end):
            return False
        index = bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


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
    text = redact("".join(parts).strip())  # before the cut: it must not shorten a secret
    if len(text) > EXCERPT_WIDTH:
        begin = max(0, text.find(STARS) - EXCERPT_WIDTH // 2)  # keep the first mask in view
        text = shorten(text, EXCERPT_WIDTH, begin)
    return text
