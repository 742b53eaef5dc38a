"""Which rules can match a blob: every rule's keywords found in one pass.

Hyperscan (Intel's multi-pattern matcher) looks for all keywords of all rules at once, at
gigabytes per second, reporting each keyword once per blob; a rule's expression then runs only
on the blobs that hold one of its keywords. A keyword is matched in any case when its rule
ignores case there (`password`, `datadog`), exactly otherwise (`AKIA`, `ghp_`). Without the
hyperscan wheel (a platform it does not build for), one case-insensitive alternation of the
keywords does the same, more slowly (and finds a superset: never fewer rules).
"""

from __future__ import annotations

import re

from .rules import Rule


class Prefilter:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
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
        if not self.keywords:
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
                 for _, caseless in self.keywords]
        database.compile(expressions=[re.escape(k) for k, _ in self.keywords], ids=list(range(len(self.keywords))),
                         elements=len(self.keywords), flags=flags)
        self._database = database

    def found(self, data: bytes) -> set[int]:
        """Indices (into `keywords`) of the keywords `data` holds."""
        if not data or not self.keywords:
            return set()
        if self._database is None:
            return {i for m in self._fallback.finditer(data) for i in self._by_lower[m.group().lower()]}
        hits: set[int] = set()

        def on_match(keyword: int, start: int, end: int, flags: int, context) -> None:
            hits.add(keyword)

        self._database.scan(data, match_event_handler=on_match)
        return hits

    def candidates(self, data: bytes) -> list[Rule]:
        """The rules whose expression must run on `data`, in rule order."""
        positions = set(self.always)
        for keyword in self.found(data):
            positions.update(self.rules_of[keyword])
        return [self.rules[position] for position in sorted(positions)]
