"""Provider rules: what a leaked credential of a known kind looks like.

The rules are data, one module per family of providers (`cloud`, `vcs`, `chat`, `commerce`,
`platforms`, `services`, `keys`, `generic`), each rule written from the provider's documented
format with the helpers of `model.py`. Order matters: a span found by an earlier rule is not
reported again by a later one, so rules for a format of their own come first, then rules that
need the provider's name beside the value, then the generic assignment rule.

Every rule has keywords: a blob holding none of them (in any case) is never searched with the
rule's expression; `prefilter.py` finds them all in one pass.
"""

from __future__ import annotations

from ...errors import UsageError
from . import chat, cloud, commerce, generic, keys, platforms, services, vcs
from .filters import entropy, is_placeholder
from .model import Rule

__all__ = ["RULES", "Rule", "entropy", "is_placeholder", "select"]

_RANK = {"token": 0, "keyed": 1, "generic": 2}
RULES: tuple[Rule, ...] = tuple(sorted(
    (*cloud.RULES, *vcs.RULES, *chat.RULES, *commerce.RULES, *platforms.RULES, *services.RULES, *keys.RULES,
     *generic.RULES), key=lambda rule: _RANK[rule.kind]))


def select(enabled: tuple[str, ...] = (), disabled: tuple[str, ...] = (),
           rules: tuple[Rule, ...] = RULES) -> list[Rule]:
    """The default rules, plus `enabled` ones, minus `disabled` ones (by id; `all` enables all)."""
    known = {rule.id for rule in rules}
    for name in (*enabled, *disabled):
        if name != "all" and name not in known:
            raise UsageError(f"There is no scan rule {name!r}; `dango secrets scan --list-rules` lists the rules.")
    return [rule for rule in rules
            if (rule.default or rule.id in enabled or "all" in enabled) and rule.id not in disabled]
