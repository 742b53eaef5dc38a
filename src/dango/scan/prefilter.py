"""Which rules can match a blob: every rule's keywords found in one pass, in any case.

Hyperscan (Intel's multi-pattern matcher) looks for all keywords of all rules at once, at
gigabytes per second, reporting each keyword once per blob; a rule's expression then runs only
on the blobs that hold one of its keywords. Without the hyperscan wheel (a platform it does not
build for), one case-insensitive alternation of the keywords does the same, more slowly.
"""

from __future__ import annotations

import re

from .rules import Rule


class Prefilter:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.keywords = sorted({keyword for rule in rules for keyword in rule.keywords})
        index = {keyword: i for i, keyword in enumerate(self.keywords)}
        self.rules_of = [[] for _ in self.keywords]
        self.always = []
        for position, rule in enumerate(rules):
            if not rule.keywords:
                self.always.append(position)
            for keyword in rule.keywords:
                self.rules_of[index[keyword]].append(position)
        self._database = self._fallback = None
        if not self.keywords:
            return
        try:
            import hyperscan
        except ImportError:
            self._fallback = re.compile(b"|".join(re.escape(k) for k in self.keywords), re.I)
            return
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
        database.compile(expressions=[re.escape(k) for k in self.keywords], ids=list(range(len(self.keywords))),
                         elements=len(self.keywords), flags=[flags] * len(self.keywords))
        self._database = database

    def found(self, data: bytes) -> set[int]:
        """Indices (into `keywords`) of the keywords `data` holds."""
        if not data or not self.keywords:
            return set()
        if self._database is None:
            return {self.keywords.index(m.group().lower()) for m in self._fallback.finditer(data)}
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
