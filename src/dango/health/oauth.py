"""Google and Facebook: a refresh grant (Google) or token introspection (Facebook), done by
the OAuth package; its verdict mapped onto valid / invalid / unknown."""

from __future__ import annotations

from . import INVALID, UNKNOWN, VALID, CheckContext, Health


def check(ctx: CheckContext) -> Health:
    from ..oauth.lifecycle import check_source

    result = check_source(ctx.project, ctx.source, ctx.timeout)
    if result.ok:
        return Health(VALID, result.detail)
    if result.live in ("invalid", "revoked") or not result.tokens or not result.client:
        return Health(INVALID, result.detail)
    return Health(UNKNOWN, result.detail)
