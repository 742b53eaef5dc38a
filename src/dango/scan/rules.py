"""Provider rules: what a leaked credential of a known kind looks like.

Each rule has keywords: a blob that contains none of them is never searched with the
rule's expression, which is what keeps a scan of a large history fast. The generic
high-entropy rule is off by default (`--enable generic-secret-assignment`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    pattern: re.Pattern[bytes]
    keywords: tuple[bytes, ...]
    group: int = 0  # the group that holds the secret itself
    default: bool = True
    accept: Callable[[bytes], bool] | None = None  # a last check of the secret

    def applies(self, data: bytes) -> bool:
        return any(keyword in data for keyword in self.keywords)


def entropy(value: bytes) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[int, int] = {}
    for byte in value:
        counts[byte] = counts.get(byte, 0) + 1
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


_PLACEHOLDER = re.compile(rb"^(?:\$\{.*\}|\$[A-Za-z_]\w*|%\(\w+\)s|\{[^{}]*\}|\{\{.*\}\}|<[^>]*>|\*+|x+|X+|\.+|password|passwd|"
                          rb"pass|secret|changeme|your[_-]?password|\[?REDACTED\]?)$", re.I)


def _real_password(value: bytes) -> bool:
    return not _PLACEHOLDER.match(value) and b"*" * 3 not in value


def _random_looking(value: bytes) -> bool:
    return entropy(value) >= 3.5 and not _PLACEHOLDER.match(value)


def _rule(id: str, description: str, pattern: bytes, keywords: tuple[bytes, ...], **kwargs) -> Rule:
    return Rule(id, description, re.compile(pattern), keywords, **kwargs)


RULES: tuple[Rule, ...] = (
    _rule("stripe-secret-key", "Stripe secret or restricted key",
          rb"(?<![0-9A-Za-z])[sr]k_(?:live|test)_[0-9A-Za-z]{16,247}", (b"k_live_", b"k_test_")),
    _rule("google-oauth-client-secret", "Google OAuth client secret",
          rb"GOCSPX-[0-9A-Za-z_-]{20,}", (b"GOCSPX-",)),
    _rule("google-refresh-token", "Google OAuth refresh token",
          rb"(?<![0-9A-Za-z/])1//[0-9A-Za-z_-]{30,}", (b"1//",)),
    _rule("google-access-token", "Google OAuth access token",
          rb"(?<![0-9A-Za-z])ya29\.[0-9A-Za-z_-]{20,}", (b"ya29.",)),
    _rule("google-api-key", "Google API key",
          rb"(?<![0-9A-Za-z])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", (b"AIza",)),
    _rule("aws-access-key-id", "AWS access key id",
          rb"(?<![0-9A-Z])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![0-9A-Za-z])",
          (b"AKIA", b"ASIA", b"ABIA", b"ACCA")),
    _rule("aws-secret-access-key", "AWS secret access key",
          rb"(?i)aws_?secret_?access_?key[\"']?\s*[:=]\s*[\"']?([0-9A-Za-z/+]{40})(?![0-9A-Za-z/+])",
          (b"ecret_access_key", b"ecretAccessKey", b"ECRET_ACCESS_KEY"), group=1),
    _rule("github-token", "GitHub token",
          rb"(?<![0-9A-Za-z])(?:gh[pousr]_[0-9A-Za-z]{36}|github_pat_[0-9A-Za-z_]{60,})(?![0-9A-Za-z])",
          (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_")),
    _rule("slack-token", "Slack token",
          rb"(?<![0-9A-Za-z])xox[abposr]-[0-9A-Za-z-]{10,}", (b"xox",)),
    _rule("slack-webhook", "Slack incoming webhook URL",
          rb"https://hooks\.slack\.com/services/[0-9A-Za-z/_-]{20,}", (b"hooks.slack.com",)),
    _rule("private-key", "PEM private key",
          rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,8192}?"
          rb"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)", (b"PRIVATE KEY",)),
    _rule("url-password", "URL with an embedded password",
          rb"(?<=[A-Za-z0-9])://[^:/@?#\s\"'<>`]{1,128}:([^@/?#\s\"'<>`]{3,256})@[A-Za-z0-9\[]",
          (b"://",), group=1, accept=_real_password),
    _rule("generic-secret-assignment", "High-entropy value assigned to a secret-looking name",
          rb"(?i)(?:secret|token|passw(?:or)?d|api_?key|auth|credential)[\w.-]{0,24}[\"']?\s*[:=]\s*"
          rb"[\"']([^\"'\s]{16,256})[\"']",
          (b"ecret", b"oken", b"assw", b"ASSW", b"pi_key", b"piKey", b"PI_KEY", b"uth", b"UTH",
           b"redential"), group=1, default=False, accept=_random_looking),
)


def select(enabled: tuple[str, ...] = (), disabled: tuple[str, ...] = ()) -> list[Rule]:
    """The default rules, plus `enabled` ones, minus `disabled` ones (by id; `all` enables all)."""
    known = {rule.id for rule in RULES}
    for name in (*enabled, *disabled):
        if name != "all" and name not in known:
            from ..errors import UsageError

            raise UsageError(f"There is no scan rule {name!r}; the rules are: {', '.join(sorted(known))}.")
    return [rule for rule in RULES
            if (rule.default or rule.id in enabled or "all" in enabled) and rule.id not in disabled]
