"""What is not a finding: placeholders, vendors' documented example keys, low-entropy values."""

from __future__ import annotations

import math
import re

# Example credentials that providers print in their own documentation: never real.
KNOWN_EXAMPLES = frozenset(value.encode() for value in (
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "ASIAIOSFODNN7EXAMPLE",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_TYooMQauvdEDq54NiTphI7jx", "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "AIzaSyB-1qrMI-example",
    "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",
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "AC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",
))
_NOT_SECRET = re.compile(
    rb"(?i)^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|%\(?\w+\)?s?%?|\{\{.*\}\}|\{[^{}]*\}|<[^>]*>|\[[^\]]*\]"
    rb"|(?:password|passwd|pass|pwd|secret|tiger|changeme|change_me|redacted|\[redacted\]|none|null|nil|undefined|true|false"
    rb"|required|optional|string|example|sample|dummy|placeholder|test|testing|secret_key)$)")
_MARKERS = re.compile(
    rb"(?i)(?-i:x{4,}|X{4,})|\*{3,}|\.{4,}|#{4,}|example|placeholder|your[_\-.]?(?:own[_\-.]?)?(?:api[_\-.]?)?"
    rb"(?:key|token|secret|password|pass)|[_\-.]here\b|replace[_\-.]?me|insert[_\-.]|redacted|dummy|"
    rb"fake|\$\{|\{\{|%\(|<[a-z_\-]+>|^<|>$|os\.environ|getenv|process\.env|env\(|secrets\.|vault:"
    rb"|(.)\1{5,}")
_IDENTIFIER = re.compile(  # code, not a value: settings.SECRET_KEY, _device_flow, SecretsFile, any-pass-word
    rb"^(?:[A-Za-z_]+(?:\.[A-Za-z_]+)+(?:\(\))?|_*[a-z]+(?:_[a-z]+)*|_*[A-Z]+(?:_[A-Z]+)*|_*[a-z]+(?:[A-Z][a-z]+)+"
    rb"|_*[A-Z]?(?:[A-Z][a-z]{2,})+|[a-z]+(?:-[a-z]+)+|[a-z]+:[a-z_]+)$")
_LOCATION = re.compile(rb"^(?:[a-z][a-z0-9+.\-]*://|\.{0,2}/|~/|[A-Za-z]:\\)")


def entropy(value: bytes) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[int, int] = {}
    for byte in value:
        counts[byte] = counts.get(byte, 0) + 1
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def is_known_example(value: bytes) -> bool:
    """A documented example, or a part of one."""
    return any(value in example for example in KNOWN_EXAMPLES)


def is_placeholder(value: bytes) -> bool:
    """A template, a reference, a masked value, a documented example or a sequence such as 0123456789abcdef."""
    if is_known_example(value) or _NOT_SECRET.match(value) or _MARKERS.search(value):
        return True
    steps = sum(1 for a, b in zip(value, value[1:]) if b - a == 1)
    return len(value) >= 8 and steps >= 0.6 * (len(value) - 1)


def looks_random(value: bytes, minimum: float = 3.0) -> bool:
    """For the generic rule: not a placeholder, not a code identifier, entropy at least `minimum`."""
    return (not is_placeholder(value) and not _IDENTIFIER.match(value) and not _LOCATION.match(value)
            and entropy(value) >= minimum)
