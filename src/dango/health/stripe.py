"""Stripe: an authenticated read of one object of the first resource the source loads
(`GET /v1/<resource>?limit=1`), so a restricted key is tested for what the sync needs."""

from __future__ import annotations

from ..endpoints import stripe_api
from ..errors import DangoError
from . import INVALID, CheckContext, Health, secrets_of
from .http_checks import probe


def check(ctx: CheckContext) -> Health:
    try:
        base = stripe_api(ctx.config, ctx.source.name)
    except DangoError as err:
        return Health(INVALID, str(err))
    resources = ctx.config.get("resources") or ["charges"]
    key = ctx.config.get("stripe_secret_key", "")
    return probe(f"{base}/v1/{resources[0]}", secrets_of(ctx), ctx.timeout, params={"limit": 1},
                 headers={"Authorization": f"Bearer {key}"}, what="Stripe")
