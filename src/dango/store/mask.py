"""Masking secret values for display (SPEC section 3).

A value keeps only a known public prefix followed by exactly 15 `*`, so its length is
never revealed; any other secret shows as 15 `*`.
"""

from __future__ import annotations

STARS = "*" * 15
PUBLIC_PREFIXES = ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "GOCSPX-", "1//", "ya29.",
                   "ghp_", "xoxb-", "AKIA")


def mask(value: object) -> str:
    text = str(value)
    for prefix in PUBLIC_PREFIXES:
        # A value that is nothing but the prefix would be revealed whole: mask it fully.
        if text.startswith(prefix) and len(text) > len(prefix):
            return prefix + STARS
    return STARS
