"""The grants, one function each: authorization code (with PKCE), device authorization
(RFC 8628), refresh, revocation (RFC 7009), and Facebook's code and long-lived exchanges.

Each function takes the endpoint URL and the client, talks to the provider through
`http.request`, and returns what it got or raises an error a user can read. Nothing here
reads or writes project files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from ..errors import AuthorizationFailed, TokenEndpointError
from .http import TIMEOUT_SECONDS, Response, clean, failure, request
from .providers import ClientCredentials

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class InvalidGrant(TokenEndpointError):
    """The refresh token (or code) is no longer valid: revoked, expired or unknown."""


class ClientRejected(TokenEndpointError):
    """The provider refused the OAuth client itself (invalid_client, unauthorized_client):
    a wrong or deleted client id or secret, not an unreachable provider."""


@dataclass
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scopes: list[str] | None
    token_type: str | None = None


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _token_set(response: Response, what: str, url: str, secrets: list[str],
               separator: str = " ") -> TokenSet:
    data = response.data or {}
    token = data.get("access_token")
    if not response.ok or not isinstance(token, str) or not token:
        if response.error == "invalid_grant":
            raise InvalidGrant("invalid_grant")
        error = failure(response, what, url, secrets)
        if response.error in ("invalid_client", "unauthorized_client"):
            raise ClientRejected(str(error))
        raise error
    expires_in = data.get("expires_in")
    try:
        expires_at = now() + timedelta(seconds=int(expires_in)) if expires_in is not None else None
    except (TypeError, ValueError, OverflowError):  # not a number, or beyond any date
        expires_at = None
    scope = data.get("scope")
    scopes = [s for s in scope.replace(",", " ").split() if s] if isinstance(scope, str) else None
    refresh_token = data.get("refresh_token")
    return TokenSet(token, refresh_token if isinstance(refresh_token, str) and refresh_token else None,
                    expires_at, scopes, data.get("token_type"))


def _client_fields(client: ClientCredentials) -> dict[str, str]:
    return {"client_id": client.client_id, "client_secret": client.client_secret}


def exchange_code(url: str, client: ClientCredentials, code: str, redirect_uri: str,
                  verifier: str) -> TokenSet:
    secrets = [client.client_secret, code, verifier]
    response = request("POST", url, what="token endpoint", secrets=secrets, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "code_verifier": verifier, **_client_fields(client)})
    try:
        return _token_set(response, "token endpoint", url, secrets)
    except InvalidGrant:
        raise failure(response, "token endpoint", url, secrets) from None


def refresh(url: str, client: ClientCredentials, refresh_token: str,
            timeout: float = TIMEOUT_SECONDS) -> TokenSet:
    """A new access token; InvalidGrant when the refresh token is revoked or expired."""
    secrets = [client.client_secret, refresh_token]
    response = request("POST", url, what="token endpoint", secrets=secrets, timeout=timeout, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, **_client_fields(client)})
    return _token_set(response, "token endpoint", url, secrets)


@dataclass
class DeviceCode:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


def device_start(url: str, client: ClientCredentials, scopes: list[str]) -> DeviceCode:
    secrets = [client.client_secret]
    response = request("POST", url, what="device authorization endpoint", secrets=secrets,
                       data={"scope": " ".join(scopes), **_client_fields(client)})
    data = response.data or {}
    uri = data.get("verification_uri") or data.get("verification_url")  # Google says _url
    if not response.ok or not data.get("device_code") or not data.get("user_code") or not uri:
        raise failure(response, "device authorization endpoint", url, secrets)
    try:
        interval = max(0, int(data.get("interval", 5)))
        expires_in = int(data.get("expires_in", 1800))
    except (TypeError, ValueError):
        raise failure(response, "device authorization endpoint", url, secrets) from None
    complete = data.get("verification_uri_complete")
    return DeviceCode(str(data["device_code"]), clean(data["user_code"], limit=40, tokens=False),
                      clean(uri, limit=300, tokens=False),
                      clean(complete, limit=400, tokens=False) if complete else None, expires_in, interval)


def device_poll(url: str, client: ClientCredentials, device: DeviceCode, timeout: float,
                sleep: Callable[[float], None] = time.sleep) -> TokenSet:
    """Poll the token endpoint at the given interval until the user approves (RFC 8628 3.4-3.5)."""
    secrets = [client.client_secret, device.device_code]
    deadline = time.monotonic() + min(timeout, device.expires_in)
    interval = device.interval
    while True:
        response = request("POST", url, what="token endpoint", secrets=secrets, data={
            "grant_type": DEVICE_GRANT, "device_code": device.device_code, **_client_fields(client)})
        error = response.error if not response.ok else None
        if error == "authorization_pending":
            pass
        elif error == "slow_down":
            interval += 5
        elif error == "access_denied":
            raise AuthorizationFailed("The sign-in was denied on the verification page (access_denied); "
                                      "nothing was changed.")
        elif error == "expired_token":
            raise AuthorizationFailed("The device code expired before the sign-in was approved "
                                      "(expired_token); nothing was changed. Run the command again.")
        else:
            try:
                return _token_set(response, "token endpoint", url, secrets)
            except InvalidGrant:
                raise failure(response, "token endpoint", url, secrets) from None
        if time.monotonic() + interval > deadline:
            raise AuthorizationFailed("Timed out waiting for the sign-in to be approved; nothing was "
                                      "changed. Run the command again (or give a longer --timeout).")
        sleep(interval)


def revoke_google(url: str, client: ClientCredentials | None, token: str) -> None:
    """RFC 7009: revoking the refresh token ends the whole grant. A confidential client
    authenticates as at the token endpoint (when its credentials are known)."""
    secrets = [token] + ([client.client_secret] if client else [])
    response = request("POST", url, what="revocation endpoint", secrets=secrets,
                       data={"token": token, "token_type_hint": "refresh_token",
                             **(_client_fields(client) if client else {})})
    # 200: revoked. 400 invalid_token: already revoked or unknown, which is what we want too.
    if not response.ok and response.error not in ("invalid_token", "invalid_grant"):
        raise failure(response, "revocation endpoint", url, secrets, "the tokens were kept")


def revoke_facebook(url: str, token: str) -> None:
    """Facebook: `DELETE /me/permissions` with the user access token."""
    response = request("DELETE", url, what="permissions endpoint", secrets=[token],
                       params={"access_token": token})
    if response.ok and (response.data or {}).get("success") is not False:
        return
    if response.status in (400, 401) and response.error in ("OAuthException", "190"):
        return  # the token is already invalid
    raise failure(response, "permissions endpoint", url, [token], "the tokens were kept")


def facebook_exchange(url: str, client: ClientCredentials, code: str, redirect_uri: str,
                      verifier: str) -> TokenSet:
    secrets = [client.client_secret, code, verifier]
    response = request("GET", url, what="token endpoint", secrets=secrets, params={
        "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier, **_client_fields(client)})
    try:
        return _token_set(response, "token endpoint", url, secrets, ",")
    except InvalidGrant:
        raise failure(response, "token endpoint", url, secrets) from None


def facebook_long_lived(url: str, client: ClientCredentials, short_token: str) -> TokenSet:
    """Swap a short-lived user token (about 2 hours) for a long-lived one (about 60 days)."""
    secrets = [client.client_secret, short_token]
    response = request("GET", url, what="token endpoint", secrets=secrets, params={
        "grant_type": "fb_exchange_token", "fb_exchange_token": short_token, **_client_fields(client)})
    try:
        return _token_set(response, "token endpoint", url, secrets, ",")
    except InvalidGrant:
        raise failure(response, "token endpoint", url, secrets) from None


def account(url: str, access_token: str, provider: str) -> str | None:
    """Who granted access (an email address or a name), best effort: None on any failure."""
    try:
        params = {"fields": "name"} if provider == "facebook" else None
        response = request("GET", url, what="user info endpoint", secrets=[access_token], params=params,
                           headers={"Authorization": f"Bearer {access_token}"})
    except TokenEndpointError:
        return None
    data: dict[str, Any] = response.data or {}
    value = data.get("email") or data.get("name")
    return clean(value, [access_token], 120, tokens=False) if response.ok and value else None


def facebook_token_valid(url: str, client: ClientCredentials, token: str,
                         timeout: float = TIMEOUT_SECONDS) -> bool:
    """Token introspection with Facebook's debug_token; TokenEndpointError when unreachable."""
    app_token = f"{client.client_id}|{client.client_secret}"
    secrets = [token, app_token, client.client_secret]
    response = request("GET", url, what="token introspection endpoint", secrets=secrets, timeout=timeout,
                       params={"input_token": token, "access_token": app_token})
    data = (response.data or {}).get("data")
    if not response.ok or not isinstance(data, dict):
        if response.status in (400, 401) and response.data is not None:
            return False
        raise failure(response, "token introspection endpoint", url, secrets, "its validity is unknown")
    return bool(data.get("is_valid"))
