"""Masking secret values for display (SPEC section 3).

A value keeps only a known public prefix followed by exactly 15 `*`, so its length is
never revealed; any other secret shows as 15 `*`. The rule lives in `redact.py`, the floor
below, which masks every printed line the same way; it is re-exported here for displays.
"""

from __future__ import annotations

from ..redact import PUBLIC_PREFIXES, STARS, mask

__all__ = ["PUBLIC_PREFIXES", "STARS", "mask"]
