"""Which rules can match a blob: every rule's keywords found in one pass.

Hyperscan (Intel's multi-pattern matcher) looks for all keywords of all rules at once, at
gigabytes per second, reporting each keyword once per blob; a rule's expression then runs only
on the blobs that hold one of its keywords. A keyword is matched in any case when its rule
ignores case there (`password`, `datadog`), exactly otherwise (`AKIA`, `ghp_`). Without the
hyperscan wheel (a platform it does not build for), one case-insensitive alternation of the
keywords does the same, more slowly (and finds a superset: never fewer rules).

The same pass finds the project's own secrets (`needles`: each value in each of its encodings),
so a blob holding none of them is not searched for each one again.
"""

from __future__ import annotations

import re

from .rules import Rule


def _literal(needle: bytes) -> bytes:
    """`needle` as a Hyperscan expression that matches exactly its bytes."""
    return b"".join(bytes([byte]) if bytes([byte]).isalnum() else b"\\x%02x" % byte for byte in needle)


class Prefilter:
    def __init__(self, rules: list[Rule], needles: list[bytes] | None = None):
        self.rules = rules
        self.needles = list(needles or ())
        self.keywords = sorted({(keyword, rule.caseless) for rule in rules for keyword in rule.keywords})
        index = {keyword: i for i, keyword in enumerate(self.keywords)}
        self.rules_of = [[] for _ in self.keywords]
        self.always = []
        for position, rule in enumerate(rules):
            if not rule.keywords:
                self.always.append(position)
            for keyword in rule.keywords:
                self.rules_of[index[keyword, rule.caseless]].append(position)
        self._database = self._fallback = None
        if not self.keywords and not self.needles:
            return
        try:
            import hyperscan
        except ImportError:
            self._fallback = re.compile(b"|".join(re.escape(k) for k, _ in self.keywords), re.I)
            self._by_lower: dict[bytes, list[int]] = {}
            for i, (keyword, _) in enumerate(self.keywords):
                self._by_lower.setdefault(keyword.lower(), []).append(i)
            return
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = [hyperscan.HS_FLAG_SINGLEMATCH | (hyperscan.HS_FLAG_CASELESS if caseless else 0)
                 for _, caseless in self.keywords] + [hyperscan.HS_FLAG_SINGLEMATCH] * len(self.needles)
        expressions = [re.escape(k) for k, _ in self.keywords] + [_literal(n) for n in self.needles]
        database.compile(expressions=expressions, ids=list(range(len(expressions))),
                         elements=len(expressions), flags=flags)
        self._database = database

    def found(self, data: bytes) -> set[int]:
        """Indices of what `data` holds: keywords (into `keywords`), then needles (into
        `needles`, offset by the number of keywords)."""
        if not data or (not self.keywords and not self.needles):
            return set()
        if self._database is None:
            hits = {i for m in self._fallback.finditer(data) for i in self._by_lower[m.group().lower()]} \
                if self.keywords else set()
            offset = len(self.keywords)
            return hits | {offset + i for i, needle in enumerate(self.needles) if needle in data}
        hits: set[int] = set()

        def on_match(keyword: int, start: int, end: int, flags: int, context) -> None:
            hits.add(keyword)

        self._database.scan(data, match_event_handler=on_match)
        return hits

    def candidates(self, data: bytes) -> list[Rule]:
        """The rules whose expression must run on `data`, in rule order."""
        return self.search(data)[0]

    def search(self, data: bytes) -> tuple[list[Rule], list[int]]:
        """(the rules whose expression must run on `data`, in rule order; the indices of the
        needles it holds), from one pass over `data`."""
        positions = set(self.always)
        needles = []
        count = len(self.keywords)
        for hit in self.found(data):
            if hit < count:
                positions.update(self.rules_of[hit])
            else:
                needles.append(hit - count)
        return [self.rules[position] for position in sorted(positions)], sorted(needles)
