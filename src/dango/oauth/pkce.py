"""PKCE (RFC 7636) with S256, and the `state` that ties a callback to its request."""

from __future__ import annotations

import base64
import hashlib
import secrets


def code_verifier() -> str:
    """A high-entropy verifier: 86 characters of the unreserved set (RFC 7636 allows 43-128)."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str) -> bool:
    """Constant-time comparison of a received value with the expected one."""
    return a is not None and secrets.compare_digest(a.encode(), b.encode())
