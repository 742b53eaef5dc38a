"""REST APIs: a GET of the configured `probe_path` with the source's authentication."""

from __future__ import annotations

from . import UNKNOWN, CheckContext, Health, secrets_of
from .http_checks import probe


def auth_arguments(config: dict) -> dict:
    """httpx arguments for the source's auth_type (bearer, api_key, basic, none)."""
    kind = config.get("auth_type") or "bearer"
    if kind == "bearer":
        return {"headers": {"Authorization": f"Bearer {config.get('api_key', '')}"}}
    if kind == "api_key":
        name = config.get("api_key_name") or "X-API-Key"
        if config.get("api_key_location") == "query":
            return {"params": {name: config.get("api_key", "")}}
        return {"headers": {name: config.get("api_key", "")}}
    if kind == "basic":
        return {"auth": (config.get("username", ""), config.get("password", ""))}
    return {}


def check(ctx: CheckContext) -> Health:
    path = ctx.config.get("probe_path")
    if not path:
        return Health(UNKNOWN, "no probe_path is configured for this source; add one to "
                               ".dango/sources.yml (a cheap GET such as /me)")
    url = str(ctx.config["base_url"]).rstrip("/") + "/" + str(path).lstrip("/")
    return probe(url, secrets_of(ctx), ctx.timeout, what="the API", **auth_arguments(ctx.config))
