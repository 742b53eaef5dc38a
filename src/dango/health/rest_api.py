"""REST APIs: a GET of the configured `probe_path`, authenticated as the sync authenticates.

The authentication and the extra headers come from the sync's own `auth` and `headers`
(`sync.rest_api`), so the check tests what a sync would send: the `headers` table, and for
`oauth2_client_credentials` a token obtained from `access_token_url` first, as dlt does.
"""

from __future__ import annotations

from typing import Any

from ..bounded_http import Overdue, failure_text, fetch
from ..errors import SyncProblem
from . import INVALID, UNKNOWN, CheckContext, Health, scrub, secrets_of
from .http_checks import BODY_LIMIT, probe


def check(ctx: CheckContext) -> Health:
    from ..sync import rest_api
    from ..sync.job import Job

    path = ctx.config.get("probe_path")
    if not path:
        return Health(UNKNOWN, "no probe_path is configured for this source; add one to "
                               ".dango/sources.yml (a cheap GET such as /me)")
    job = Job(ctx.project, ctx.source, ctx.config)
    try:
        credentials = rest_api.auth(job)
        headers = rest_api.headers(job)
    except SyncProblem as err:  # a field its auth_type needs is not set: the sync's own sentence
        return Health(INVALID, str(err))
    secrets = secrets_of(ctx)
    arguments: dict[str, Any] = {"headers": dict(headers)}
    kind = (credentials or {}).get("type")
    if kind == "oauth2_client_credentials":
        token = _client_token(credentials, secrets, ctx.timeout)
        if isinstance(token, Health):
            return token
        credentials = {"type": "bearer", "token": token}
        kind = "bearer"
    if kind == "bearer":
        arguments["headers"]["Authorization"] = f"Bearer {credentials['token']}"
    elif kind == "api_key":
        target = "params" if credentials["location"] == "query" else "headers"
        arguments.setdefault(target, {})[credentials["name"]] = credentials["api_key"]
    elif kind == "http_basic":
        arguments["auth"] = (credentials["username"], credentials["password"])
    url = str(ctx.config["base_url"]).rstrip("/") + "/" + str(path).lstrip("/")
    return probe(url, secrets, ctx.timeout, what="the API", **arguments)


def _client_token(credentials: dict[str, Any], secrets: list[Any], timeout: float) -> str | Health:
    """The access token of a client credentials grant (RFC 6749 4.4), requested as dlt's
    OAuth2ClientCredentials requests it; else the check's verdict."""
    import httpx

    what = "the token URL (access_token_url)"
    try:
        answer = fetch("POST", credentials["access_token_url"], timeout=timeout, limit=BODY_LIMIT,
                       data={"client_id": credentials["client_id"],
                             "client_secret": credentials["client_secret"],
                             "grant_type": "client_credentials"})
    except Overdue:
        return Health(UNKNOWN, f"{what} did not answer within {timeout:g} s")
    except httpx.HTTPError as err:
        return Health(UNKNOWN, f"could not reach {what} ({failure_text(err)})")
    try:
        data = answer.json()
    except ValueError:
        data = None
    token = data.get("access_token") if isinstance(data, dict) else None
    if 200 <= answer.status < 300 and isinstance(token, str) and token:
        secrets.append(token)
        return token
    code = data.get("error") if isinstance(data, dict) else None
    detail = f", error {scrub(code, secrets, 64)}" if isinstance(code, str) and code else ""
    if answer.status in (400, 401, 403):
        return Health(INVALID, f"{what} refused the client id and secret (HTTP {answer.status}{detail})")
    return Health(UNKNOWN, f"{what} answered HTTP {answer.status}{detail} without an access token")
